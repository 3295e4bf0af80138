package dmp

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"tournee/patients"
)

// Fixed values of the N1 header (dmp-cda.md §1, §2).
const (
	nsHL7V3 = "urn:hl7-org:v3"
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"

	// TemplateHL7France, TemplateCISIS and TemplateXDSSD are the only three
	// templateIds a document with a nonXMLBody may carry ([SM], checked).
	TemplateHL7France = "2.16.840.1.113883.2.8.2.1"
	TemplateCISIS     = "1.2.250.1.213.1.1.1.1"
	TemplateXDSSD     = "1.3.6.1.4.1.19376.1.2.20"

	// ConfidentialityNormal is N of HL7 Confidentiality, the DMP default.
	ConfidentialityNormal  = "N"
	OIDConfidentiality     = "2.16.840.1.113883.5.25"
	ConfidentialityDisplay = "Normal"

	// LanguageCode is the language of the header and of the PDF.
	LanguageCode = "fr-FR"
	// MediaTypePDF is the embedded body's type; images would first have to
	// become PDF/A-1 (§3).
	MediaTypePDF = "application/pdf"
)

// Document writes the CDA R2 level 1 document of h with pdf as its body
// (dmp-cda.md §1 to §3). It validates h first and refuses an empty or
// non-PDF body; every problem comes back at once as
// patients.ValidationErrors, with no bytes.
func Document(h Header, pdf []byte) ([]byte, error) {
	var errs patients.ValidationErrors
	if err := h.Validate(); err != nil {
		ve, ok := err.(patients.ValidationErrors)
		if !ok {
			return nil, fmt.Errorf("validate cda header: %w", err)
		}
		errs = ve
	}
	switch {
	case len(pdf) == 0:
		errs = append(errs, &patients.ValidationError{Field: "pdf", Msg: "document : le PDF de la synthèse est vide"})
	case !bytes.HasPrefix(pdf, []byte("%PDF-")):
		// The body is declared application/pdf; a DMP viewer would fail on anything else.
		errs = append(errs, &patients.ValidationError{Field: "pdf", Msg: "document : le fichier joint n'est pas un PDF"})
	}
	if len(errs) > 0 {
		return nil, errs
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	// encoding/xml escapes every text and attribute, so a name like
	// « O'Brien & <fils> » cannot break the document.
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(newClinicalDocument(h, pdf)); err != nil {
		return nil, fmt.Errorf("encode cda %s: %w", h.DocumentID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode cda %s: %w", h.DocumentID, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// cdaTS formats an instant as a CDA TS in Paris local time with its offset,
// e.g. 20250110173000+0100 ([EX]); the offset follows summer time.
func cdaTS(t time.Time) string { return t.In(patients.Paris()).Format("20060102150405-0700") }

// cdaDate is a birth date: the day only, with no zone to shift it.
func cdaDate(t time.Time) string { return t.In(patients.Paris()).Format("20060102") }

// cdaGender maps the INS sex to HL7 AdministrativeGender. The schematron's
// value set 1.2.250.1.213.1.1.5.590 codes « inconnu » as UN, not U.
func cdaGender(sex string) cdaCode {
	switch sex {
	case "F":
		return cdaCode{Code: "F", CodeSystem: OIDGender, DisplayName: "Féminin"}
	case "M":
		return cdaCode{Code: "M", CodeSystem: OIDGender, DisplayName: "Masculin"}
	default:
		return cdaCode{Code: "UN", CodeSystem: OIDGender, DisplayName: "Inconnu"}
	}
}

// The structs below mirror the CDA schema: field order is element order
// (CDA_extended.xsd), and omitempty drops optional parts left empty.

type cdaClinicalDocument struct {
	XMLName             xml.Name             `xml:"urn:hl7-org:v3 ClinicalDocument"`
	XSI                 string               `xml:"xmlns:xsi,attr"`
	RealmCode           cdaCS                `xml:"realmCode"`
	TypeID              cdaII                `xml:"typeId"`
	TemplateIDs         []cdaII              `xml:"templateId"`
	ID                  cdaII                `xml:"id"`
	Code                cdaCode              `xml:"code"`
	Title               string               `xml:"title"`
	EffectiveTime       cdaTime              `xml:"effectiveTime"`
	ConfidentialityCode cdaCode              `xml:"confidentialityCode"`
	LanguageCode        cdaCS                `xml:"languageCode"`
	SetID               cdaII                `xml:"setId"`
	VersionNumber       cdaInt               `xml:"versionNumber"`
	RecordTarget        cdaRecordTarget      `xml:"recordTarget"`
	Authors             []cdaAuthor          `xml:"author"`
	Custodian           cdaCustodian         `xml:"custodian"`
	LegalAuthenticator  cdaLegal             `xml:"legalAuthenticator"`
	DocumentationOf     []cdaDocumentationOf `xml:"documentationOf"`
	RelatedDocument     *cdaRelatedDocument  `xml:"relatedDocument,omitempty"`
	ComponentOf         cdaComponentOf       `xml:"componentOf"`
	Component           cdaComponent         `xml:"component"`
}

type cdaCS struct {
	Code string `xml:"code,attr"`
}

type cdaII struct {
	Root      string `xml:"root,attr"`
	Extension string `xml:"extension,attr,omitempty"`
}

type cdaCode struct {
	Code        string `xml:"code,attr"`
	DisplayName string `xml:"displayName,attr,omitempty"`
	CodeSystem  string `xml:"codeSystem,attr"`
}

type cdaTime struct {
	Value string `xml:"value,attr"`
}

type cdaInt struct {
	Value int `xml:"value,attr"`
}

type cdaTel struct {
	Value string `xml:"value,attr"`
	Use   string `xml:"use,attr,omitempty"`
}

// cdaAddr uses the parts form: the CI-SIS address template allows postal
// code and city next to streetName but, when streetAddressLine is used,
// nothing else (the closed template warns). The street line as typed goes
// whole into streetName.
type cdaAddr struct {
	StreetName string `xml:"streetName,omitempty"`
	PostalCode string `xml:"postalCode,omitempty"`
	City       string `xml:"city,omitempty"`
	County     string `xml:"county,omitempty"`
}

func newAddr(street, postalCode, city string) *cdaAddr {
	a := cdaAddr{StreetName: opt(street), PostalCode: opt(postalCode), City: opt(city)}
	if a == (cdaAddr{}) {
		return nil
	}
	return &a
}

func newTel(phone, use string) *cdaTel {
	if opt(phone) == "" {
		return nil
	}
	return &cdaTel{Value: telURI(phone), Use: use}
}

// cdaNamePart is one family or given of a patient name: the CI-SIS order
// interleaves qualified and unqualified parts ([EX]).
type cdaNamePart struct {
	XMLName   xml.Name
	Qualifier string `xml:"qualifier,attr,omitempty"`
	Value     string `xml:",chardata"`
}

type cdaPatientName struct {
	Parts []cdaNamePart
}

type cdaPersonName struct {
	Given  string `xml:"given,omitempty"`
	Family string `xml:"family"`
}

type cdaPerson struct {
	Name cdaPersonName `xml:"name"`
}

type cdaRecordTarget struct {
	PatientRole struct {
		ID      cdaII    `xml:"id"`
		Addr    *cdaAddr `xml:"addr,omitempty"`
		Patient struct {
			Name       cdaPatientName `xml:"name"`
			Gender     cdaCode        `xml:"administrativeGenderCode"`
			BirthTime  cdaTime        `xml:"birthTime"`
			Birthplace struct {
				Place struct {
					Addr cdaAddr `xml:"addr"`
				} `xml:"place"`
			} `xml:"birthplace"`
		} `xml:"patient"`
	} `xml:"patientRole"`
}

type cdaOrganization struct {
	ID                        *cdaII   `xml:"id,omitempty"`
	Name                      string   `xml:"name,omitempty"`
	Telecom                   *cdaTel  `xml:"telecom,omitempty"`
	Addr                      *cdaAddr `xml:"addr,omitempty"`
	StandardIndustryClassCode *cdaCode `xml:"standardIndustryClassCode,omitempty"`
}

type cdaAuthor struct {
	Time           cdaTime `xml:"time"`
	AssignedAuthor struct {
		ID                      cdaII           `xml:"id"`
		Code                    cdaCode         `xml:"code"`
		Telecom                 *cdaTel         `xml:"telecom,omitempty"`
		AssignedPerson          cdaPerson       `xml:"assignedPerson"`
		RepresentedOrganization cdaOrganization `xml:"representedOrganization"`
	} `xml:"assignedAuthor"`
}

type cdaCustodian struct {
	Organization cdaOrganization `xml:"assignedCustodian>representedCustodianOrganization"`
}

type cdaAssignedEntity struct {
	ID                      cdaII            `xml:"id"`
	AssignedPerson          cdaPerson        `xml:"assignedPerson"`
	RepresentedOrganization *cdaOrganization `xml:"representedOrganization,omitempty"`
}

type cdaLegal struct {
	Time           cdaTime           `xml:"time"`
	SignatureCode  cdaCS             `xml:"signatureCode"`
	AssignedEntity cdaAssignedEntity `xml:"assignedEntity"`
}

type cdaInterval struct {
	Low  cdaTime `xml:"low"`
	High cdaTime `xml:"high"`
}

// cdaDocumentationOf is one nurse's share of the care: the CI-SIS allows
// one PRF performer per serviceEvent ([SM]), so each nurse who did visits
// has her own documentationOf, the main one first.
type cdaDocumentationOf struct {
	ServiceEvent struct {
		Code          cdaCode     `xml:"code"`
		EffectiveTime cdaInterval `xml:"effectiveTime"`
		Performer     struct {
			TypeCode       string            `xml:"typeCode,attr"`
			Time           *cdaInterval      `xml:"time,omitempty"`
			AssignedEntity cdaAssignedEntity `xml:"assignedEntity"`
		} `xml:"performer"`
	} `xml:"serviceEvent"`
}

type cdaRelatedDocument struct {
	TypeCode string `xml:"typeCode,attr"`
	ParentID cdaII  `xml:"parentDocument>id"`
}

type cdaComponentOf struct {
	Encounter struct {
		EffectiveTime cdaInterval `xml:"effectiveTime"`
		FacilityCode  cdaCode     `xml:"location>healthCareFacility>code"`
	} `xml:"encompassingEncounter"`
}

type cdaComponent struct {
	Text struct {
		MediaType      string `xml:"mediaType,attr"`
		Representation string `xml:"representation,attr"`
		Value          string `xml:",chardata"`
	} `xml:"nonXMLBody>text"`
}

func newClinicalDocument(h Header, pdf []byte) cdaClinicalDocument {
	created := cdaTS(h.Created)
	practiceID := &cdaII{Root: OIDStructure, Extension: h.Custodian.ID}
	period := cdaInterval{Low: cdaTime{cdaTS(h.ServiceStart)}, High: cdaTime{cdaTS(h.ServiceEnd)}}
	typeCode := cdaCode{Code: TypeCode, CodeSystem: TypeCodeSystem, DisplayName: TypeDisplayName}

	d := cdaClinicalDocument{
		XSI:       nsXSI,
		RealmCode: cdaCS{"FR"},
		TypeID:    cdaII{Root: "2.16.840.1.113883.1.3", Extension: "POCD_HD000040"},
		TemplateIDs: []cdaII{
			{Root: TemplateHL7France}, {Root: TemplateCISIS}, {Root: TemplateXDSSD},
		},
		ID:                  cdaII{Root: h.DocumentID},
		Code:                typeCode,
		Title:               DocumentTitle,
		EffectiveTime:       cdaTime{created},
		ConfidentialityCode: cdaCode{Code: ConfidentialityNormal, CodeSystem: OIDConfidentiality, DisplayName: ConfidentialityDisplay},
		LanguageCode:        cdaCS{LanguageCode},
		SetID:               cdaII{Root: h.SetID},
		VersionNumber:       cdaInt{h.Version},
	}

	p := h.Patient
	role := &d.RecordTarget.PatientRole
	role.ID = cdaII{Root: p.INSRoot, Extension: p.NIR}
	role.Addr = newAddr(p.Street, p.PostalCode, p.City)
	part := func(elem, qualifier, value string) cdaNamePart {
		return cdaNamePart{XMLName: xml.Name{Local: elem}, Qualifier: qualifier, Value: value}
	}
	// Birth name and given names carry the INS traits (BR, and the
	// unqualified list of all birth given names); CL adds the used ones.
	parts := []cdaNamePart{
		part("family", "BR", p.BirthName),
		part("given", "", p.GivenNames),
		part("given", "BR", p.FirstGivenName),
	}
	if opt(p.UsedName) != "" {
		parts = append(parts, part("family", "CL", p.UsedName))
	}
	if opt(p.UsedFirstName) != "" {
		parts = append(parts, part("given", "CL", p.UsedFirstName))
	}
	role.Patient.Name.Parts = parts
	role.Patient.Gender = cdaGender(p.Sex)
	role.Patient.BirthTime = cdaTime{cdaDate(p.BirthDate)}
	role.Patient.Birthplace.Place.Addr = cdaAddr{County: p.BirthPlaceCOG}

	c := h.Custodian
	org := func() cdaOrganization {
		return cdaOrganization{ID: practiceID, Name: c.Name, Telecom: newTel(c.Phone, "WP"), Addr: newAddr(c.Street, c.PostalCode, c.City)}
	}
	for _, au := range h.Authors {
		var a cdaAuthor
		a.Time = cdaTime{cdaTS(orTime(au.Last, h.Created))}
		aa := &a.AssignedAuthor
		aa.ID = personID(au)
		aa.Code = cdaCode{Code: au.Specialty, CodeSystem: OIDSpecialty, DisplayName: au.SpecialtyDisplay}
		aa.Telecom = newTel(au.Phone, "WP")
		aa.AssignedPerson = personName(au)
		aa.RepresentedOrganization = org()
		d.Authors = append(d.Authors, a)

		var doc cdaDocumentationOf
		ev := &doc.ServiceEvent
		ev.Code = typeCode
		ev.EffectiveTime = period
		ev.Performer.TypeCode = "PRF"
		if !au.First.IsZero() && !au.Last.IsZero() {
			ev.Performer.Time = &cdaInterval{Low: cdaTime{cdaTS(au.First)}, High: cdaTime{cdaTS(au.Last)}}
		}
		ev.Performer.AssignedEntity = cdaAssignedEntity{ID: personID(au), AssignedPerson: personName(au),
			RepresentedOrganization: &cdaOrganization{ID: practiceID, Name: c.Name,
				StandardIndustryClassCode: &cdaCode{Code: h.PracticeSetting, CodeSystem: OIDPracticeSetting, DisplayName: h.PracticeSettingDisplay}}}
		d.DocumentationOf = append(d.DocumentationOf, doc)
	}

	d.Custodian.Organization = org()

	// The nurse who exports signs, whoever did the care.
	la := h.LegalAuthenticator
	d.LegalAuthenticator = cdaLegal{Time: cdaTime{created}, SignatureCode: cdaCS{"S"},
		AssignedEntity: cdaAssignedEntity{ID: personID(la), AssignedPerson: personName(la)}}

	if h.Version > 1 {
		d.RelatedDocument = &cdaRelatedDocument{TypeCode: "RPLC", ParentID: cdaII{Root: h.Replaces}}
	}

	d.ComponentOf.Encounter.EffectiveTime = period
	d.ComponentOf.Encounter.FacilityCode = cdaCode{Code: h.HealthcareFacilityType, CodeSystem: OIDFacilityType, DisplayName: h.HealthcareFacilityDisplay}

	d.Component.Text.MediaType = MediaTypePDF
	d.Component.Text.Representation = "B64"
	d.Component.Text.Value = base64.StdEncoding.EncodeToString(pdf)
	return d
}

func personID(a Author) cdaII { return cdaII{Root: OIDPersonPS, Extension: "8" + a.RPPS} }

func personName(a Author) cdaPerson {
	return cdaPerson{Name: cdaPersonName{Given: a.GivenName, Family: a.FamilyName}}
}

func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

// opt drops an optional field that holds only spaces, so it is omitted
// rather than written empty.
func opt(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}
