package dmp

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"math/big"
	"strconv"
	"strings"
	"time"

	"tournee/patients"
)

// The IHE XDM package (ITI TF-1 §16, ITI TF-3 §4.3.1): a ZIP a secure
// health messaging (MSSanté) carries to the patient's Mon espace santé or
// to a doctor. Its layout is fixed: INDEX.HTM and README.TXT at the root,
// and one submission set in IHE_XDM/SUBSET01 with its METADATA.XML and the
// document it lists.
const (
	XDMSubset   = "IHE_XDM/SUBSET01/"
	XDMMetadata = XDMSubset + "METADATA.XML"
	XDMDocument = "DOC0001.XML" // relative to the subset, as the URI slot says
	XDMIndex    = "INDEX.HTM"
	XDMReadme   = "README.TXT"

	nsLCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
	nsRIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
)

// XDS classification schemes and identification schemes (ITI TF-3 §4.2.5).
const (
	uuidDocumentEntry      = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
	uuidDEAuthor           = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d"
	uuidDEClassCode        = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
	uuidDEConfidentiality  = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
	uuidDEFormatCode       = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"
	uuidDEFacilityType     = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1"
	uuidDEPracticeSetting  = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead"
	uuidDETypeCode         = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
	uuidDEPatientID        = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
	uuidDEUniqueID         = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
	uuidSubmissionSet      = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
	uuidSSAuthor           = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d"
	uuidSSPatientID        = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"
	uuidSSSourceID         = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"
	uuidSSUniqueID         = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"
	objExternalIdentifier  = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier"
	objClassification      = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"
	objRegistryPackage     = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage"
	objAssociation         = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association"
	assocHasMember         = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
	statusApproved         = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"
	submissionSetStatusOri = "Original"
)

// Submission is what the package adds to the document's own metadata: the
// submission set's unique id (an OID), the id of the sending system (an
// OID, stable for a cabinet), when it is packed, and who sends it.
type Submission struct {
	UniqueID string
	SourceID string
	Time     time.Time
	Author   Author // the nurse who exports
}

// XDM returns the IHE XDM ZIP of doc, the CDA file written from h. The
// metadata is the one Metadata gives, so the package and the .json sidecar
// cannot disagree; hash and size are those of the file in the ZIP.
func XDM(h Header, doc []byte, sub Submission) ([]byte, error) {
	if !validUID(sub.UniqueID) || !oidSyntax.MatchString(sub.SourceID) {
		return nil, fmt.Errorf("xdm: submission set ids %q / %q are not OIDs", sub.UniqueID, sub.SourceID)
	}
	meta, err := metadataXML(Metadata(h, doc), h, sub)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{
		{XDMIndex, indexHTM(h, sub)},
		{XDMReadme, readmeTXT(sub)},
		{XDMMetadata, meta},
		{XDMSubset + XDMDocument, doc},
	} {
		// A fixed time keeps the package byte-identical for the same input.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: sub.Time})
		if err != nil {
			return nil, fmt.Errorf("xdm %s: %w", f.name, err)
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, fmt.Errorf("xdm %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("xdm: %w", err)
	}
	return buf.Bytes(), nil
}

// entryUUID turns a UUID, or a 2.25 OID (a UUID as an integer, which our
// ids are), into the urn:uuid form ebRIM wants for entryUUIDs; any other uid gets a
// symbolic id, which ITI TF-3 §4.2.3.1.7 allows in a submission.
func entryUUID(uid, symbolic string) string {
	if uuidSyntax.MatchString(uid) {
		return "urn:uuid:" + strings.ToLower(uid)
	}
	digits, ok := strings.CutPrefix(uid, "2.25.")
	n, isInt := new(big.Int).SetString(digits, 10)
	if !ok || !isInt || n.BitLen() > 128 {
		return symbolic
	}
	var b [16]byte
	n.FillBytes(b[:])
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// The ebRIM 3.0 elements, written with their rim: prefix declared on the
// root (the form every XDM reader expects).

type rimSlot struct {
	XMLName xml.Name `xml:"rim:Slot"`
	Name    string   `xml:"name,attr"`
	Values  []string `xml:"rim:ValueList>rim:Value"`
}

type rimName struct {
	Value string `xml:"value,attr"`
}

type rimClassification struct {
	XMLName             xml.Name  `xml:"rim:Classification"`
	ID                  string    `xml:"id,attr"`
	ObjectType          string    `xml:"objectType,attr"`
	ClassificationNode  string    `xml:"classificationNode,attr,omitempty"`
	ClassificationSheme string    `xml:"classificationScheme,attr,omitempty"`
	ClassifiedObject    string    `xml:"classifiedObject,attr"`
	NodeRepresentation  *string   `xml:"nodeRepresentation,attr"`
	Slots               []rimSlot `xml:"rim:Slot"`
	Name                *rimName  `xml:"rim:Name>rim:LocalizedString"`
}

type rimExternalIdentifier struct {
	XMLName              xml.Name `xml:"rim:ExternalIdentifier"`
	ID                   string   `xml:"id,attr"`
	ObjectType           string   `xml:"objectType,attr"`
	IdentificationScheme string   `xml:"identificationScheme,attr"`
	RegistryObject       string   `xml:"registryObject,attr"`
	Value                string   `xml:"value,attr"`
	Name                 rimName  `xml:"rim:Name>rim:LocalizedString"`
}

type rimExtrinsicObject struct {
	XMLName     xml.Name                `xml:"rim:ExtrinsicObject"`
	ID          string                  `xml:"id,attr"`
	MimeType    string                  `xml:"mimeType,attr"`
	ObjectType  string                  `xml:"objectType,attr"`
	Status      string                  `xml:"status,attr"`
	Slots       []rimSlot               `xml:"rim:Slot"`
	Name        rimName                 `xml:"rim:Name>rim:LocalizedString"`
	Classes     []rimClassification     `xml:"rim:Classification"`
	Identifiers []rimExternalIdentifier `xml:"rim:ExternalIdentifier"`
}

type rimRegistryPackage struct {
	XMLName     xml.Name                `xml:"rim:RegistryPackage"`
	ID          string                  `xml:"id,attr"`
	ObjectType  string                  `xml:"objectType,attr"`
	Status      string                  `xml:"status,attr"`
	Slots       []rimSlot               `xml:"rim:Slot"`
	Name        rimName                 `xml:"rim:Name>rim:LocalizedString"`
	Classes     []rimClassification     `xml:"rim:Classification"`
	Identifiers []rimExternalIdentifier `xml:"rim:ExternalIdentifier"`
}

type rimAssociation struct {
	XMLName         xml.Name  `xml:"rim:Association"`
	ID              string    `xml:"id,attr"`
	ObjectType      string    `xml:"objectType,attr"`
	AssociationType string    `xml:"associationType,attr"`
	SourceObject    string    `xml:"sourceObject,attr"`
	TargetObject    string    `xml:"targetObject,attr"`
	Slots           []rimSlot `xml:"rim:Slot"`
}

type lcmSubmitObjectsRequest struct {
	XMLName xml.Name `xml:"lcm:SubmitObjectsRequest"`
	LCM     string   `xml:"xmlns:lcm,attr"`
	RIM     string   `xml:"xmlns:rim,attr"`
	Objects rimList
}

// rimList holds objects of several types; each is named by its XMLName.
type rimList struct {
	XMLName xml.Name `xml:"rim:RegistryObjectList"`
	Items   []any
}

func slot(name string, values ...string) rimSlot { return rimSlot{Name: name, Values: values} }

// metadataXML writes the SubmitObjectsRequest of one document in one
// submission set (ITI TF-3 §4.3.1.3, XDM metadata).
func metadataXML(m XDS, h Header, sub Submission) ([]byte, error) {
	docID := entryUUID(m.UniqueID, "Document01")
	setID := entryUUID(sub.UniqueID, "SubmissionSet01")
	n := 0
	id := func() string { n++; return "id" + strconv.Itoa(n) }
	empty := ""
	code := func(scheme string, c XDSCode) rimClassification {
		return rimClassification{ID: id(), ObjectType: objClassification, ClassificationSheme: scheme,
			ClassifiedObject: docID, NodeRepresentation: &c.Code,
			Slots: []rimSlot{slot("codingScheme", c.CodeSystem)}, Name: &rimName{Value: cmpOr(c.DisplayName, c.Code)}}
	}
	author := func(scheme, object string, p XDSPerson, inst XDSInstitution, spec *XDSCode) rimClassification {
		c := rimClassification{ID: id(), ObjectType: objClassification, ClassificationSheme: scheme,
			ClassifiedObject: object, NodeRepresentation: &empty,
			Slots: []rimSlot{slot("authorPerson", p.XCN()), slot("authorInstitution", inst.XON())}}
		if spec != nil {
			c.Slots = append(c.Slots, slot("authorSpecialty", spec.Code+"^"+spec.DisplayName+"^"+spec.CodeSystem))
		}
		return c
	}
	ext := func(scheme, object, value, name string) rimExternalIdentifier {
		return rimExternalIdentifier{ID: id(), ObjectType: objExternalIdentifier, IdentificationScheme: scheme,
			RegistryObject: object, Value: value, Name: rimName{Value: name}}
	}

	p := m.SourcePatientInfo
	doc := rimExtrinsicObject{ID: docID, MimeType: m.MimeType, ObjectType: uuidDocumentEntry, Status: statusApproved,
		Slots: []rimSlot{
			slot("creationTime", m.CreationTime),
			slot("hash", m.Hash),
			slot("languageCode", m.LanguageCode),
			slot("legalAuthenticator", m.LegalAuthenticator.XCN()),
			slot("serviceStartTime", m.ServiceStartTime),
			slot("serviceStopTime", m.ServiceStopTime),
			slot("size", strconv.FormatInt(m.Size, 10)),
			slot("sourcePatientId", m.SourcePatientID),
			slot("sourcePatientInfo", "PID-3|"+m.SourcePatientID,
				"PID-5|"+p.BirthName+"^"+p.FirstGivenName+"^^^^^L", "PID-7|"+p.BirthDate, "PID-8|"+p.Sex),
			slot("URI", XDMDocument),
		},
		Name: rimName{Value: m.Title},
	}
	for _, a := range m.Authors {
		doc.Classes = append(doc.Classes, author(uuidDEAuthor, docID, a.Person, a.Institution, &a.Specialty))
	}
	doc.Classes = append(doc.Classes, code(uuidDEClassCode, m.ClassCode))
	for _, c := range m.ConfidentialityCodes {
		doc.Classes = append(doc.Classes, code(uuidDEConfidentiality, c))
	}
	doc.Classes = append(doc.Classes,
		code(uuidDEFormatCode, m.FormatCode),
		code(uuidDEFacilityType, m.HealthcareFacilityTypeCode),
		code(uuidDEPracticeSetting, m.PracticeSettingCode),
		code(uuidDETypeCode, m.TypeCode))
	doc.Identifiers = []rimExternalIdentifier{
		ext(uuidDEPatientID, docID, m.PatientID, "XDSDocumentEntry.patientId"),
		ext(uuidDEUniqueID, docID, m.UniqueID, "XDSDocumentEntry.uniqueId"),
	}

	signer := xdsPerson(sub.Author)
	inst := XDSInstitution{ID: h.Custodian.ID, IDRoot: OIDStructure, Name: h.Custodian.Name}
	set := rimRegistryPackage{ID: setID, ObjectType: objRegistryPackage, Status: statusApproved,
		Slots: []rimSlot{slot("submissionTime", xdsTime(sub.Time))},
		Name:  rimName{Value: m.Title},
		Classes: []rimClassification{
			author(uuidSSAuthor, setID, signer, inst, nil),
		},
		Identifiers: []rimExternalIdentifier{
			ext(uuidSSUniqueID, setID, sub.UniqueID, "XDSSubmissionSet.uniqueId"),
			ext(uuidSSSourceID, setID, sub.SourceID, "XDSSubmissionSet.sourceId"),
			ext(uuidSSPatientID, setID, m.PatientID, "XDSSubmissionSet.patientId"),
		},
	}
	isSet := rimClassification{ID: id(), ObjectType: objClassification, ClassificationNode: uuidSubmissionSet, ClassifiedObject: setID}
	member := rimAssociation{ID: id(), ObjectType: objAssociation, AssociationType: assocHasMember,
		SourceObject: setID, TargetObject: docID, Slots: []rimSlot{slot("SubmissionSetStatus", submissionSetStatusOri)}}

	req := lcmSubmitObjectsRequest{LCM: nsLCM, RIM: nsRIM, Objects: rimList{Items: []any{set, doc, isSet, member}}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(req); err != nil {
		return nil, fmt.Errorf("xdm metadata: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// indexHTM is the page a person opening the ZIP sees first (ITI TF-1
// §16.1.1: INDEX.HTM lists the content). It names no patient: the package
// travels as a message attachment, and its title is enough.
func indexHTM(h Header, sub Submission) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\"><title>Paquet IHE XDM</title></head>\n<body>\n")
	b.WriteString("<h1>Paquet IHE XDM — " + html.EscapeString(DocumentTitle) + "</h1>\n")
	b.WriteString("<p>Envoyé par " + html.EscapeString(sub.Author.FullName()) + ", " + html.EscapeString(h.Custodian.Name) +
		", le " + sub.Time.In(patients.Paris()).Format("02/01/2006 à 15:04") + ".</p>\n")
	b.WriteString("<ul>\n<li><a href=\"" + XDMSubset + XDMDocument + "\">" + html.EscapeString(DocumentTitle) +
		"</a> (document CDA R2 contenant la synthèse en PDF)</li>\n")
	b.WriteString("<li><a href=\"" + XDMMetadata + "\">Métadonnées XDS</a></li>\n")
	b.WriteString("<li><a href=\"" + XDMReadme + "\">Lisez-moi</a></li>\n</ul>\n</body>\n</html>\n")
	return []byte(b.String())
}

// readmeTXT names the sending software, as ITI TF-1 §16 asks.
func readmeTXT(sub Submission) []byte {
	return []byte("Paquet IHE XDM (ITI-32) produit par tournée, logiciel de tournée des infirmières libérales.\r\n" +
		"Contenu : " + XDMSubset + XDMDocument + ", document CDA R2 niveau 1 (synthèse de soins infirmiers, PDF inclus),\r\n" +
		"et ses métadonnées XDS dans " + XDMMetadata + ".\r\n" +
		"Identifiant du lot de soumission : " + sub.UniqueID + "\r\n" +
		"Identifiant de la source : " + sub.SourceID + "\r\n" +
		"Ce paquet contient des données de santé : ne l'envoyez que par une messagerie sécurisée de santé (MSSanté).\r\n")
}
