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

// XDS is the sidecar metadata of one CDA file: the DocumentEntry attributes
// the DMP-compatible uploading software needs (dmp-cda.md §5). JSON names
// are the XDS attribute names of IHE ITI TF-3 §4.2.3.2 in camelCase
// (uniqueId, typeCode, sourcePatientId…), plus:
//
//   - setId, version, replaces: the CDA versioning; replaces is the
//     uniqueId of the entry this one replaces (an XDS RPLC association),
//     absent for version 1;
//   - authorPerson, authorInstitution: the XCN and XON parts, as objects;
//   - sourcePatientInfo: the INS traits (birth name, given names, birth
//     date YYYYMMDD, sex, COG code of the birth place);
//   - creationTime, serviceStartTime, serviceStopTime: UTC, YYYYMMDDHHMMSS,
//     as XDS wants (the CDA carries Paris time with its offset);
//   - size: bytes of the CDA file; hash: its SHA-1 in lower-case hex.
type XDS struct {
	UniqueID string `json:"uniqueId"`
	SetID    string `json:"setId"`
	Version  int    `json:"version"`
	Replaces string `json:"replaces,omitempty"`
	Title    string `json:"title"`

	TypeCode XDSCode `json:"typeCode"`
	// ClassCode is null: the DMP software derives it from typeCode, and the
	// mapping is not in the sources dmp-cda.md relies on (§5).
	ClassCode            *XDSCode  `json:"classCode"`
	ConfidentialityCodes []XDSCode `json:"confidentialityCode"`
	// FormatCode has no display: the French JDV_J10 that names it was not
	// among the sources (§5).
	FormatCode                 XDSCode `json:"formatCode"`
	MimeType                   string  `json:"mimeType"`
	HealthcareFacilityTypeCode XDSCode `json:"healthcareFacilityTypeCode"`
	PracticeSettingCode        XDSCode `json:"practiceSettingCode"`
	LanguageCode               string  `json:"languageCode"`

	AuthorPerson      XDSPerson      `json:"authorPerson"`
	AuthorInstitution XDSInstitution `json:"authorInstitution"`
	AuthorSpecialty   XDSCode        `json:"authorSpecialty"`

	// SourcePatientID is the INS in HL7 CX form: NIR^^^&OID&ISO.
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

// XDSPerson is the author: national PS id ("8"+RPPS) under its OID, and names.
type XDSPerson struct {
	ID         string `json:"id"`
	IDRoot     string `json:"idRoot"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// XDSInstitution is the author's practice: national structure id and name.
type XDSInstitution struct {
	ID     string `json:"id"`
	IDRoot string `json:"idRoot"`
	Name   string `json:"name"`
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

// Metadata returns the XDS sidecar of doc, the CDA file Document wrote from
// h: the same values as the header, with the size and hash of doc itself.
func Metadata(h Header, doc []byte) XDS {
	sum := sha1.Sum(doc)
	return XDS{
		UniqueID: h.DocumentID,
		SetID:    h.SetID,
		Version:  h.Version,
		Replaces: h.Replaces,
		Title:    DocumentTitle,

		TypeCode:                   XDSCode{TypeCode, TypeCodeSystem, TypeDisplayName},
		ConfidentialityCodes:       []XDSCode{{ConfidentialityNormal, OIDConfidentiality, ConfidentialityDisplay}},
		FormatCode:                 XDSCode{Code: FormatCodePDF, CodeSystem: OIDIHEFormatCode},
		MimeType:                   MimeTypeCDA,
		HealthcareFacilityTypeCode: XDSCode{h.HealthcareFacilityType, OIDFacilityType, h.HealthcareFacilityDisplay},
		PracticeSettingCode:        XDSCode{h.PracticeSetting, OIDPracticeSetting, h.PracticeSettingDisplay},
		LanguageCode:               LanguageCode,

		AuthorPerson: XDSPerson{ID: "8" + h.Author.RPPS, IDRoot: OIDPersonPS,
			GivenName: h.Author.GivenName, FamilyName: h.Author.FamilyName},
		AuthorInstitution: XDSInstitution{ID: h.Custodian.ID, IDRoot: OIDStructure, Name: h.Custodian.Name},
		AuthorSpecialty:   XDSCode{h.Author.Specialty, OIDSpecialty, h.Author.SpecialtyDisplay},

		SourcePatientID: h.Patient.NIR + "^^^&" + h.Patient.INSRoot + "&ISO",
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
