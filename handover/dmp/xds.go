package dmp

import (
	"crypto/sha1"
	"encoding/hex"
	"time"
)

// XDS constants of an N1 document with a PDF body (dmp-cda.md §5).
const (
	// FormatCodePDF is the IHE XDS-SD formatCode of a CDA whose nonXMLBody
	// is a PDF; OIDIHEFormatCode is the IHE format code system.
	FormatCodePDF    = "urn:ihe:iti:xds-sd:pdf:2008"
	OIDIHEFormatCode = "1.3.6.1.4.1.19376.1.2.3"
	// MimeTypeCDA is the mimeType of the CDA file itself.
	MimeTypeCDA = "text/xml"

	xdsTimeLayout = "20060102150405"
)

// ClassCode « Compte rendu » of TRE_A03_ClasseDocument
// (1.2.250.1.213.1.1.4.1), in JDV_J06_XdsClassCode_CISIS
// (1.2.250.1.213.1.1.5.462): the class of a « CR ou fiche de suivi de soins
// par auxiliaire médical ». The J06 table is not in shared/cda; it was read
// in the ANS terminology (TRE_A03, version 20231215).
const (
	ClassCode        = "10"
	ClassCodeSystem  = "1.2.250.1.213.1.1.4.1"
	ClassCodeDisplay = "Compte rendu"
)

// XDS is the sidecar metadata of one CDA file: the DocumentEntry attributes
// the DMP-compatible uploading software needs (dmp-cda.md §5), the same as
// the XDM package's METADATA.XML. JSON names are the XDS attribute names of
// IHE ITI TF-3 §4.2.3.2 in camelCase (uniqueId, typeCode, patientId…),
// plus:
//
//   - setId, version, replaces: the CDA versioning; replaces is the
//     uniqueId of the entry this one replaces (an XDS RPLC association),
//     absent for version 1;
//   - author: one entry per nurse who did the care (authorPerson,
//     authorInstitution, authorSpecialty), as XDS author is multi-valued;
//   - legalAuthenticator: the nurse who exports and signs;
//   - sourcePatientInfo: the INS traits (birth name, given names, birth
//     date YYYYMMDD, sex, COG code of the birth place);
//   - creationTime, serviceStartTime, serviceStopTime: UTC, YYYYMMDDHHMMSS,
//     as XDS wants (the CDA carries Paris time with its offset);
//   - size: bytes of the CDA file; hash: its SHA-1 in lower-case hex.
//
// Where each code comes from: typeCode JDV_J07 (1.2.250.1.213.1.1.5.471),
// classCode JDV_J06 (above), confidentialityCode HL7 Confidentiality
// (JDV_J08 1.2.250.1.213.1.1.5.463 allows N), formatCode IHE XDS-SD (JDV_J10
// 1.2.250.1.213.1.1.5.465 lists IHE format codes), healthcareFacilityTypeCode
// JDV_J02 (1.2.250.1.213.1.1.5.466), practiceSettingCode JDV_J04
// (1.2.250.1.213.1.1.5.467), authorSpecialty JDV_J01 (1.2.250.1.213.1.1.5.461).
type XDS struct {
	UniqueID string `json:"uniqueId"`
	SetID    string `json:"setId"`
	Version  int    `json:"version"`
	Replaces string `json:"replaces,omitempty"`
	Title    string `json:"title"`

	TypeCode             XDSCode   `json:"typeCode"`
	ClassCode            XDSCode   `json:"classCode"`
	ConfidentialityCodes []XDSCode `json:"confidentialityCode"`
	// FormatCode has no display: IHE names it by its URN.
	FormatCode                 XDSCode `json:"formatCode"`
	MimeType                   string  `json:"mimeType"`
	HealthcareFacilityTypeCode XDSCode `json:"healthcareFacilityTypeCode"`
	PracticeSettingCode        XDSCode `json:"practiceSettingCode"`
	LanguageCode               string  `json:"languageCode"`

	Authors            []XDSAuthor `json:"author"`
	LegalAuthenticator XDSPerson   `json:"legalAuthenticator"`

	// PatientID and SourcePatientID are the INS in HL7 CX form:
	// NIR^^^&OID&ISO (the DMP's patient id is the INS itself).
	PatientID         string     `json:"patientId"`
	SourcePatientID   string     `json:"sourcePatientId"`
	SourcePatientInfo XDSPatient `json:"sourcePatientInfo"`

	CreationTime     string `json:"creationTime"`
	ServiceStartTime string `json:"serviceStartTime"`
	ServiceStopTime  string `json:"serviceStopTime"`

	Size int64  `json:"size"`
	Hash string `json:"hash"`
}

// XDSCode is a coded XDS value: code, coding scheme and display name.
type XDSCode struct {
	Code        string `json:"code"`
	CodeSystem  string `json:"codeSystem"`
	DisplayName string `json:"displayName,omitempty"`
}

// XDSAuthor is one author of the document.
type XDSAuthor struct {
	Person      XDSPerson      `json:"authorPerson"`
	Institution XDSInstitution `json:"authorInstitution"`
	Specialty   XDSCode        `json:"authorSpecialty"`
}

// XDSPerson is a nurse: national PS id ("8"+RPPS) under its OID, and names.
type XDSPerson struct {
	ID         string `json:"id"`
	IDRoot     string `json:"idRoot"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// XCN is the HL7 v2 XCN form XDS carries: id^family^given^^^^^^&OID&ISO.
func (p XDSPerson) XCN() string {
	return p.ID + "^" + p.FamilyName + "^" + p.GivenName + "^^^^^^&" + p.IDRoot + "&ISO"
}

// XDSInstitution is the author's practice: national structure id and name.
type XDSInstitution struct {
	ID     string `json:"id"`
	IDRoot string `json:"idRoot"`
	Name   string `json:"name"`
}

// XON is the HL7 v2 XON form: name^^^^^&OID&ISO^^^^id.
func (i XDSInstitution) XON() string {
	return i.Name + "^^^^^&" + i.IDRoot + "&ISO^IDNST^^^" + i.ID
}

// XDSPatient holds the INS traits of the patient.
type XDSPatient struct {
	BirthName      string `json:"birthName"`
	FirstGivenName string `json:"firstGivenName"`
	GivenNames     string `json:"givenNames"`
	BirthDate      string `json:"birthDate"`
	Sex            string `json:"sex"`
	BirthPlaceCOG  string `json:"birthPlaceCog"`
}

func xdsPerson(a Author) XDSPerson {
	return XDSPerson{ID: "8" + a.RPPS, IDRoot: OIDPersonPS, GivenName: a.GivenName, FamilyName: a.FamilyName}
}

// Metadata returns the XDS sidecar of doc, the CDA file Document wrote from
// h: the same values as the header, with the size and hash of doc itself.
func Metadata(h Header, doc []byte) XDS {
	sum := sha1.Sum(doc)
	institution := XDSInstitution{ID: h.Custodian.ID, IDRoot: OIDStructure, Name: h.Custodian.Name}
	var authors []XDSAuthor
	for _, a := range h.Authors {
		authors = append(authors, XDSAuthor{Person: xdsPerson(a), Institution: institution,
			Specialty: XDSCode{a.Specialty, OIDSpecialty, a.SpecialtyDisplay}})
	}
	ins := h.Patient.NIR + "^^^&" + h.Patient.INSRoot + "&ISO"
	return XDS{
		UniqueID: h.DocumentID,
		SetID:    h.SetID,
		Version:  h.Version,
		Replaces: h.Replaces,
		Title:    DocumentTitle,

		TypeCode:                   XDSCode{TypeCode, TypeCodeSystem, TypeDisplayName},
		ClassCode:                  XDSCode{ClassCode, ClassCodeSystem, ClassCodeDisplay},
		ConfidentialityCodes:       []XDSCode{{ConfidentialityNormal, OIDConfidentiality, ConfidentialityDisplay}},
		FormatCode:                 XDSCode{Code: FormatCodePDF, CodeSystem: OIDIHEFormatCode},
		MimeType:                   MimeTypeCDA,
		HealthcareFacilityTypeCode: XDSCode{h.HealthcareFacilityType, OIDFacilityType, h.HealthcareFacilityDisplay},
		PracticeSettingCode:        XDSCode{h.PracticeSetting, OIDPracticeSetting, h.PracticeSettingDisplay},
		LanguageCode:               LanguageCode,

		Authors:            authors,
		LegalAuthenticator: xdsPerson(h.LegalAuthenticator),

		PatientID:       ins,
		SourcePatientID: ins,
		SourcePatientInfo: XDSPatient{
			BirthName:      h.Patient.BirthName,
			FirstGivenName: h.Patient.FirstGivenName,
			GivenNames:     h.Patient.GivenNames,
			BirthDate:      cdaDate(h.Patient.BirthDate),
			Sex:            h.Patient.Sex,
			BirthPlaceCOG:  h.Patient.BirthPlaceCOG,
		},

		CreationTime:     xdsTime(h.Created),
		ServiceStartTime: xdsTime(h.ServiceStart),
		ServiceStopTime:  xdsTime(h.ServiceEnd),

		Size: int64(len(doc)),
		Hash: hex.EncodeToString(sum[:]),
	}
}

func xdsTime(t time.Time) string { return t.UTC().Format(xdsTimeLayout) }
