package dmp

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// XDMEntry is what VerifyXDM read of the document a package lists.
type XDMEntry struct {
	UniqueID, PatientID, SourcePatientID string
	Path                                 string // in the ZIP
	Size                                 int64
	Hash                                 string
}

// isoName is a component of an ISO 9660 level 1 name, which XDM media use
// (ITI TF-1 §16.1.1): upper-case 8.3.
var isoName = regexp.MustCompile(`^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{1,3})?$`)

// The slots and codes every DocumentEntry of our packages carries: the XDM
// required ones (ITI TF-3 Table 4.3.1-3) and those the DMP needs.
var (
	xdmDocSlots = []string{"creationTime", "hash", "languageCode", "legalAuthenticator", "serviceStartTime",
		"serviceStopTime", "size", "sourcePatientId", "sourcePatientInfo", "URI"}
	xdmDocCodes = map[string]string{
		uuidDEClassCode: "classCode", uuidDEConfidentiality: "confidentialityCode", uuidDEFormatCode: "formatCode",
		uuidDEFacilityType: "healthcareFacilityTypeCode", uuidDEPracticeSetting: "practiceSettingCode", uuidDETypeCode: "typeCode",
	}
)

// VerifyXDM checks an XDM ZIP against the IHE XDM rules this package
// follows: the layout (INDEX.HTM, README.TXT, IHE_XDM/SUBSET01/METADATA.XML,
// ISO 9660 names), a SubmitObjectsRequest with one submission set
// (classified as such, with uniqueId, sourceId, patientId and
// submissionTime) holding one DocumentEntry (its slots, codes, author,
// patientId and uniqueId) by a HasMember association, every reference
// resolved, and the hash and size of the listed file matching its bytes.
// It returns the entry read, or every problem found.
func VerifyXDM(data []byte) (XDMEntry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return XDMEntry{}, fmt.Errorf("xdm: not a zip: %w", err)
	}
	files := map[string][]byte{}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("xdm: "+format, a...)) }
	for _, f := range zr.File {
		for _, part := range strings.Split(f.Name, "/") {
			if !isoName.MatchString(part) && !(part == "" && strings.HasSuffix(f.Name, "/")) {
				bad("%q is not an ISO 9660 name", f.Name)
			}
		}
		rc, err := f.Open()
		if err != nil {
			return XDMEntry{}, fmt.Errorf("xdm: %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		if err != nil {
			return XDMEntry{}, fmt.Errorf("xdm: %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	for _, name := range []string{XDMIndex, XDMReadme, XDMMetadata} {
		if files[name] == nil {
			bad("%s is missing", name)
		}
	}
	if files[XDMMetadata] == nil {
		return XDMEntry{}, errors.Join(errs...)
	}
	var req struct {
		XMLName xml.Name `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0 SubmitObjectsRequest"`
		List    struct {
			Packages     []xdmObject `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 RegistryPackage"`
			Extrinsic    []xdmObject `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 ExtrinsicObject"`
			Classes      []xdmClass  `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Classification"`
			Associations []struct {
				ID     string    `xml:"id,attr"`
				Type   string    `xml:"associationType,attr"`
				Source string    `xml:"sourceObject,attr"`
				Target string    `xml:"targetObject,attr"`
				Slots  []xdmSlot `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Slot"`
			} `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Association"`
		} `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 RegistryObjectList"`
	}
	if err := xml.Unmarshal(files[XDMMetadata], &req); err != nil {
		bad("METADATA.XML is not a SubmitObjectsRequest: %v", err)
		return XDMEntry{}, errors.Join(errs...)
	}
	l := req.List
	if len(l.Packages) != 1 || len(l.Extrinsic) != 1 {
		bad("%d submission sets and %d documents, want one each", len(l.Packages), len(l.Extrinsic))
		return XDMEntry{}, errors.Join(errs...)
	}
	set, doc := l.Packages[0], l.Extrinsic[0]

	// Ids are unique and every reference points at an object of the package.
	ids := map[string]bool{}
	seen := func(id string) {
		if id == "" || ids[id] {
			bad("id %q empty or used twice", id)
		}
		ids[id] = true
	}
	seen(set.ID)
	seen(doc.ID)
	for _, o := range []xdmObject{set, doc} {
		for _, c := range o.Classes {
			seen(c.ID)
			if c.Object != o.ID {
				bad("classification %s is inside %s but classifies %q", c.ID, o.ID, c.Object)
			}
		}
		for _, e := range o.Idents {
			seen(e.ID)
			if e.Object != o.ID {
				bad("external identifier %s is inside %s but names %q", e.ID, o.ID, e.Object)
			}
		}
	}
	isSet := false
	for _, c := range l.Classes {
		seen(c.ID)
		if c.ClNode == uuidSubmissionSet && c.Object == set.ID {
			isSet = true
		}
	}
	if !isSet {
		bad("the registry package is not classified as a submission set")
	}
	member := false
	for _, a := range l.Associations {
		seen(a.ID)
		if a.Type == assocHasMember && a.Source == set.ID && a.Target == doc.ID && slices.Equal(slotValues(a.Slots, "SubmissionSetStatus"), []string{"Original"}) {
			member = true
		}
	}
	if !member {
		bad("no HasMember association (SubmissionSetStatus Original) from the submission set to the document")
	}

	// The submission set.
	if v := slotValues(set.Slots, "submissionTime"); len(v) != 1 || !xdsTimeSyntax.MatchString(v[0]) {
		bad("submission set: submissionTime %q", v)
	}
	for scheme, what := range map[string]string{uuidSSUniqueID: "uniqueId", uuidSSSourceID: "sourceId", uuidSSPatientID: "patientId"} {
		if v := set.ident(scheme); v == "" {
			bad("submission set: %s missing", what)
		}
	}
	if set.class(uuidSSAuthor) == nil {
		bad("submission set: author missing")
	}

	// The document entry.
	if doc.ObjectType != uuidDocumentEntry || doc.MimeType != MimeTypeCDA {
		bad("document: objectType %q, mimeType %q", doc.ObjectType, doc.MimeType)
	}
	for _, name := range xdmDocSlots {
		if len(slotValues(doc.Slots, name)) == 0 {
			bad("document: slot %s missing", name)
		}
	}
	for scheme, what := range xdmDocCodes {
		c := doc.class(scheme)
		switch {
		case c == nil:
			bad("document: %s missing", what)
		case c.Node == nil || *c.Node == "" || len(slotValues(c.Slots, "codingScheme")) != 1:
			bad("document: %s without code or codingScheme", what)
		}
	}
	if a := doc.class(uuidDEAuthor); a == nil || len(slotValues(a.Slots, "authorPerson")) == 0 {
		bad("document: author with authorPerson missing")
	}
	e := XDMEntry{UniqueID: doc.ident(uuidDEUniqueID), PatientID: doc.ident(uuidDEPatientID)}
	if e.UniqueID == "" || e.PatientID == "" {
		bad("document: uniqueId or patientId missing")
	}
	if v := slotValues(doc.Slots, "sourcePatientId"); len(v) == 1 {
		e.SourcePatientID = v[0]
	}
	if set.ident(uuidSSPatientID) != e.PatientID {
		bad("the submission set and the document name different patients")
	}

	// The file listed, its hash and size.
	uri := slotValues(doc.Slots, "URI")
	if len(uri) != 1 {
		return e, errors.Join(errs...)
	}
	e.Path = XDMSubset + uri[0]
	body, ok := files[e.Path]
	if !ok {
		bad("the document %s listed in METADATA.XML is not in the package", e.Path)
		return e, errors.Join(errs...)
	}
	sum := sha1.Sum(body)
	e.Hash = hex.EncodeToString(sum[:])
	e.Size = int64(len(body))
	if v := slotValues(doc.Slots, "hash"); len(v) != 1 || !strings.EqualFold(v[0], e.Hash) {
		bad("hash %q does not match the file (%s)", v, e.Hash)
	}
	if v := slotValues(doc.Slots, "size"); len(v) != 1 || v[0] != strconv.FormatInt(e.Size, 10) {
		bad("size %q does not match the file (%d bytes)", v, e.Size)
	}
	return e, errors.Join(errs...)
}

var xdsTimeSyntax = regexp.MustCompile(`^[0-9]{14}$`)

type xdmSlot struct {
	Name   string   `xml:"name,attr"`
	Values []string `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 ValueList>Value"`
}

type xdmClass struct {
	ID     string    `xml:"id,attr"`
	Scheme string    `xml:"classificationScheme,attr"`
	Node   *string   `xml:"nodeRepresentation,attr"`
	ClNode string    `xml:"classificationNode,attr"`
	Object string    `xml:"classifiedObject,attr"`
	Slots  []xdmSlot `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Slot"`
}

type xdmObject struct {
	ID         string     `xml:"id,attr"`
	ObjectType string     `xml:"objectType,attr"`
	MimeType   string     `xml:"mimeType,attr"`
	Slots      []xdmSlot  `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Slot"`
	Classes    []xdmClass `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 Classification"`
	Idents     []struct {
		ID     string `xml:"id,attr"`
		Scheme string `xml:"identificationScheme,attr"`
		Object string `xml:"registryObject,attr"`
		Value  string `xml:"value,attr"`
	} `xml:"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0 ExternalIdentifier"`
}

func (o xdmObject) ident(scheme string) string {
	for _, e := range o.Idents {
		if e.Scheme == scheme {
			return e.Value
		}
	}
	return ""
}

func (o xdmObject) class(scheme string) *xdmClass {
	for i, c := range o.Classes {
		if c.Scheme == scheme {
			return &o.Classes[i]
		}
	}
	return nil
}

func slotValues(slots []xdmSlot, name string) []string {
	for _, s := range slots {
		if s.Name == name {
			return s.Values
		}
	}
	return nil
}
