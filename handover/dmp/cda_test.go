package dmp

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Paris offsets must not depend on the machine's zoneinfo
	"unicode/utf8"

	"tournee/patients"
)

var updateCDAGolden = flag.Bool("update", false, "rewrite testdata/document.golden.xml")

// sharedCDA is the ANS validation material, relative to this package.
const sharedCDA = "../../../shared/cda"

// cdaFakePDF is the smallest body Document accepts: it only checks the magic.
var cdaFakePDF = []byte("%PDF-1.4\n% tournee test\n%%EOF\n")

// cdaHeader is a complete header mirroring shared/cda/examples/nurse-N1-text.xml
// (ANS test INS, synthetic nurse and practice), with fixed ids and times.
func cdaHeader() Header {
	paris := patients.Paris()
	return Header{
		DocumentID: "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b",
		SetID:      "0b7e9d2c-1a3f-4e5d-9c8b-7a6f5e4d3c2b",
		Version:    1,
		Created:    time.Date(2025, 1, 10, 17, 30, 0, 0, paris),
		Patient: Patient{
			NIR: "279035121518989", INSRoot: patients.OIDInsNIRTest,
			BirthName: "PAT-TROIS", FirstGivenName: "DOMINIQUE", GivenNames: "DOMINIQUE MARIE-LOUISE",
			BirthDate: time.Date(1979, 3, 28, 0, 0, 0, 0, paris), BirthPlaceCOG: "51215", Sex: "F",
			UsedName: "MARTIN", UsedFirstName: "Dominique",
			Street: "28 avenue de Breteuil", PostalCode: "75007", City: "PARIS",
		},
		Authors: []Author{{RPPS: "01234567893", GivenName: "Roberta", FamilyName: "BLEEDER",
			Phone: "01 49 15 45 78", Specialty: "G15_60", SpecialtyDisplay: "Infirmier",
			First: time.Date(2025, 1, 6, 8, 10, 0, 0, paris), Last: time.Date(2025, 1, 10, 8, 40, 0, 0, paris)}},
		LegalAuthenticator: Author{RPPS: "01234567893", GivenName: "Roberta", FamilyName: "BLEEDER"},
		Custodian: Organization{ID: "312345678900012", Name: "Cabinet infirmier BLEEDER",
			Street: "3 rue des Lilas", PostalCode: "75011", City: "PARIS", Phone: "01 49 15 45 78"},
		ServiceStart:              time.Date(2025, 1, 6, 8, 0, 0, 0, paris),
		ServiceEnd:                time.Date(2025, 1, 10, 17, 0, 0, 0, paris),
		HealthcareFacilityType:    "SA07",
		HealthcareFacilityDisplay: "Cabinet individuel",
		PracticeSetting:           "SAD",
		PracticeSettingDisplay:    "Soins à domicile",
	}
}

// cdaMinimalHeader leaves every optional field empty.
func cdaMinimalHeader() Header {
	h := cdaHeader()
	h.Patient.UsedName, h.Patient.UsedFirstName = "", ""
	h.Patient.Street, h.Patient.PostalCode, h.Patient.City = "", "", ""
	h.Authors[0].Phone = ""
	h.Custodian.Street, h.Custodian.PostalCode, h.Custodian.City, h.Custodian.Phone = "", "", "", ""
	return h
}

// toolsMissing skips, or fails when TOURNEE_REQUIRE_TOOLS=1 (CI), a test
// that needs xmllint or the shared ANS folder.
func toolsMissing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
		t.Fatalf("TOURNEE_REQUIRE_TOOLS=1 but %s", why)
	}
	t.Skipf("skipped: %s (set TOURNEE_REQUIRE_TOOLS=1 to make this an error)", why)
}

// sharedFile returns a path under shared/cda; its absence fails the test
// with the reason (the shared folder is part of the checkout).
func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(sharedCDA, rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the shared ANS folder is missing (shared/ must sit next to the repository): %v", err)
	}
	return p
}

// xmllintReady reports whether schema validation can run here; the schema
// itself is part of the checkout (sharedFile fails without it).
func xmllintReady() (bool, string) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		return false, "xmllint is not installed (Debian: libxml2-utils)"
	}
	return true, ""
}

// generate writes the document of h and, where xmllint is available,
// checks it against the CDA schema: every document the tests make must be
// valid. Without the tools the schema part is left to TestSchema*, which
// say why they skip.
func generate(t *testing.T, h Header) []byte {
	t.Helper()
	doc, err := Document(h, cdaFakePDF)
	if err != nil {
		t.Fatalf("Document: %v", err)
	}
	if ok, _ := xmllintReady(); ok || os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
		if v := schemaCheck(t, t.Name(), doc); !v.valid {
			t.Fatalf("generated document fails the CDA schema:\n%s\n%s", v.out, doc)
		}
	}
	return doc
}

// node is a parsed element: enough of a DOM for the rule tests' path walks.
type node struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*node
	text     string
}

// parseXML reads the whole document in strict mode, so it also proves the
// output is well-formed from the declaration to EOF.
func parseXML(t testing.TB, doc []byte) *node {
	t.Helper()
	root, err := parseTree(doc)
	if err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, doc)
	}
	return root
}

func parseTree(doc []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var root *node
	var stack []*node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name, attrs: tok.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("two root elements")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// all returns the elements at a slash-separated path below n.
func (n *node) all(path string) []*node {
	cur := []*node{n}
	for _, step := range strings.Split(path, "/") {
		var next []*node
		for _, c := range cur {
			for _, k := range c.children {
				if k.name.Local == step {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// one returns the single element at path, failing when there are 0 or many.
func (n *node) one(t *testing.T, path string) *node {
	t.Helper()
	got := n.all(path)
	if len(got) != 1 {
		t.Fatalf("%s: %d elements, want exactly 1", path, len(got))
	}
	return got[0]
}

func (n *node) attr(name string) string {
	for _, a := range n.attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.children {
		c.walk(f)
	}
}

// versionTwoHeader replaces cdaHeader's document with an OID-numbered one.
func versionTwoHeader() Header {
	h := cdaHeader()
	h.DocumentID, h.Version, h.Replaces = "1.2.250.1.999.1.2", 2, cdaHeader().DocumentID
	return h
}

func TestSchemaAcceptsGeneratedDocuments(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]Header{"complete": cdaHeader(), "minimal": cdaMinimalHeader(), "version 2": versionTwoHeader()} {
		doc, err := Document(h, cdaFakePDF)
		if err != nil {
			t.Fatal(err)
		}
		if v := schemaCheck(t, name, doc); !v.valid {
			t.Errorf("%s: xmllint refuses the document:\n%s", name, v.out)
		}
	}
}

// The schema check must be able to fail, or the tests above prove nothing.
func TestSchemaRejectsBrokenDocuments(t *testing.T) {
	t.Parallel()
	doc, err := Document(cdaHeader(), cdaFakePDF)
	if err != nil {
		t.Fatal(err)
	}
	for name, broken := range brokenDocuments(doc) {
		if bytes.Equal(broken, doc) {
			t.Fatalf("%s: the mutation changed nothing", name)
		}
		if v := schemaCheck(t, name, broken); v.valid {
			t.Errorf("%s: xmllint accepts a broken document:\n%s", name, v.out)
		}
	}
	if v := schemaCheck(t, brokenExample, readShared(t, brokenExample)); v.valid {
		t.Errorf("xmllint accepts %s:\n%s", brokenExample, v.out)
	}
	if v := schemaCheck(t, referenceExample, readShared(t, referenceExample)); !v.valid {
		t.Errorf("xmllint refuses the reference example %s:\n%s", referenceExample, v.out)
	}
}

// readShared reads a file under shared/cda, failing with the reason.
func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(sharedFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// moveElement cuts the first <name>…</name> block and pastes it before
// anchor; without the block the document comes back unchanged.
func moveElement(doc []byte, name, anchor string) []byte {
	s := string(doc)
	start, end := strings.Index(s, "<"+name+">"), strings.Index(s, "</"+name+">")
	if start < 0 || end < 0 {
		return doc
	}
	block := s[start : end+len("</"+name+">")]
	s = s[:start] + s[end+len("</"+name+">"):]
	return []byte(strings.Replace(s, anchor, block+anchor, 1))
}

func TestDocumentGolden(t *testing.T) {
	t.Parallel()
	doc := generate(t, cdaHeader())
	path := filepath.Join("testdata", "document.golden.xml")
	if *updateCDAGolden {
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handover/dmp -run TestDocumentGolden -update)", err)
	}
	if !bytes.Equal(doc, want) {
		got, exp := strings.Split(string(doc), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(got), len(exp)) {
			g, e := lineAt(got, i), lineAt(exp, i)
			if g != e {
				t.Fatalf("document differs from %s at line %d:\n got: %s\nwant: %s", path, i+1, g, e)
			}
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<EOF>"
}

func TestDocumentEncodingAndDeclaration(t *testing.T) {
	t.Parallel()
	doc := generate(t, cdaHeader())
	if !bytes.HasPrefix(doc, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
		t.Errorf("document does not start with the UTF-8 XML declaration: %.60q", doc)
	}
	if !utf8.Valid(doc) {
		t.Error("document is not valid UTF-8")
	}
	root := parseXML(t, doc)
	if root.name != (xml.Name{Space: nsHL7V3, Local: "ClinicalDocument"}) {
		t.Errorf("root is %v, want ClinicalDocument in %s", root.name, nsHL7V3)
	}
	var xsiDeclared bool
	for _, a := range root.attrs {
		xsiDeclared = xsiDeclared || (a.Name.Space == "xmlns" && a.Name.Local == "xsi" && a.Value == nsXSI)
	}
	if !xsiDeclared {
		t.Error("xmlns:xsi is not declared on the root")
	}
	root.walk(func(n *node) {
		for _, a := range n.attrs {
			if a.Name.Local == "schemaLocation" {
				t.Errorf("%s carries xsi:schemaLocation, which must not be filled in (IG struc-gen)", n.name.Local)
			}
		}
	})
}

// Empty optional fields are left out, not written as empty elements or attributes.
func TestDocumentOmitsEmptyOptionalFields(t *testing.T) {
	t.Parallel()
	h := cdaMinimalHeader()
	h.Patient.UsedName = "   " // spaces only count as empty
	root := parseXML(t, generate(t, h))
	root.walk(func(n *node) {
		for _, a := range n.attrs {
			if a.Value == "" {
				t.Errorf("<%s> has an empty %s attribute", n.name.Local, a.Name.Local)
			}
		}
		if len(n.children) == 0 && len(n.attrs) == 0 && strings.TrimSpace(n.text) == "" {
			t.Errorf("<%s> is written empty", n.name.Local)
		}
	})
	for _, path := range []string{"recordTarget/patientRole/addr", "author/assignedAuthor/telecom",
		"custodian/assignedCustodian/representedCustodianOrganization/addr",
		"custodian/assignedCustodian/representedCustodianOrganization/telecom", "relatedDocument"} {
		if got := root.all(path); len(got) != 0 {
			t.Errorf("%s is written although its fields are empty", path)
		}
	}
	for _, part := range root.all("recordTarget/patientRole/patient/name/family") {
		if part.attr("qualifier") == "CL" {
			t.Error("a used name of spaces is written as family CL")
		}
	}
}

// parisOffsetHeader spans the change to summer time, with some times in UTC.
func parisOffsetHeader() Header {
	paris := patients.Paris()
	h := cdaHeader()
	h.ServiceStart = time.Date(2025, 3, 28, 9, 0, 0, 0, paris) // winter time
	h.ServiceEnd = time.Date(2025, 4, 2, 18, 15, 0, 0, paris)  // summer time, from 30 March
	h.Created = time.Date(2025, 4, 2, 16, 30, 0, 0, time.UTC)  // 18:30 in Paris
	h.Authors[0].First = time.Date(2025, 3, 28, 9, 10, 0, 0, paris)
	h.Authors[0].Last = time.Date(2025, 4, 2, 8, 5, 0, 0, time.UTC) // 10:05 in Paris
	return h
}

func TestDocumentTimesUseParisOffset(t *testing.T) {
	t.Parallel()
	root := parseXML(t, generate(t, parisOffsetHeader()))
	for path, want := range map[string]string{
		"effectiveTime": "20250402183000+0200",
		"author/time":   "20250402100500+0200",
		"documentationOf/serviceEvent/performer/time/low":      "20250328091000+0100",
		"documentationOf/serviceEvent/performer/time/high":     "20250402100500+0200",
		"legalAuthenticator/time":                              "20250402183000+0200",
		"documentationOf/serviceEvent/effectiveTime/low":       "20250328090000+0100",
		"documentationOf/serviceEvent/effectiveTime/high":      "20250402181500+0200",
		"componentOf/encompassingEncounter/effectiveTime/low":  "20250328090000+0100",
		"componentOf/encompassingEncounter/effectiveTime/high": "20250402181500+0200",
		"recordTarget/patientRole/patient/birthTime":           "19790328",
	} {
		if got := root.one(t, path).attr("value"); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

// replacingHeader is the next version of v1's document.
func replacingHeader(v1 Header) Header {
	v2 := v1
	v2.DocumentID, v2.Version, v2.Replaces = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", 2, v1.DocumentID
	return v2
}

func TestDocumentVersionReplacesPrevious(t *testing.T) {
	t.Parallel()
	v1 := cdaHeader()
	doc1 := generate(t, v1)
	v2 := replacingHeader(v1)
	doc2 := generate(t, v2)

	r1, r2 := parseXML(t, doc1), parseXML(t, doc2)
	if got := r1.all("relatedDocument"); len(got) != 0 {
		t.Error("version 1 has a relatedDocument")
	}
	if a, b := r1.one(t, "setId").attr("root"), r2.one(t, "setId").attr("root"); a != b || a != v1.SetID {
		t.Errorf("setId v1 %q, v2 %q, want both %q", a, b, v1.SetID)
	}
	if a, b := r1.one(t, "id").attr("root"), r2.one(t, "id").attr("root"); a == b {
		t.Errorf("version 2 keeps the id of version 1 (%q)", a)
	}
	if got := r2.one(t, "versionNumber").attr("value"); got != "2" {
		t.Errorf("versionNumber = %q, want 2", got)
	}
	rel := r2.one(t, "relatedDocument")
	if rel.attr("typeCode") != "RPLC" {
		t.Errorf("relatedDocument typeCode = %q, want RPLC", rel.attr("typeCode"))
	}
	if got := rel.one(t, "parentDocument/id").attr("root"); got != r1.one(t, "id").attr("root") {
		t.Errorf("parentDocument id = %q, want version 1's id %q", got, v1.DocumentID)
	}
}

// cdaRoundTrip is what xml.Unmarshal reads back of the user's text.
type cdaRoundTrip struct {
	Role struct {
		Addr struct {
			Street     string `xml:"streetName"`
			PostalCode string `xml:"postalCode"`
			City       string `xml:"city"`
		} `xml:"addr"`
		Family []cdaQualified `xml:"patient>name>family"`
		Given  []cdaQualified `xml:"patient>name>given"`
	} `xml:"recordTarget>patientRole"`
	AuthorGiven  string `xml:"author>assignedAuthor>assignedPerson>name>given"`
	AuthorFamily string `xml:"author>assignedAuthor>assignedPerson>name>family"`
	Custodian    struct {
		Name   string `xml:"name"`
		Street string `xml:"addr>streetName"`
		City   string `xml:"addr>city"`
	} `xml:"custodian>assignedCustodian>representedCustodianOrganization"`
	Body string `xml:"component>nonXMLBody>text"`
}

type cdaQualified struct {
	Qualifier string `xml:"qualifier,attr"`
	Value     string `xml:",chardata"`
}

// checkRoundTrip reads doc back and compares every text field of h.
func checkRoundTrip(t testing.TB, h Header, doc []byte) {
	t.Helper()
	var got cdaRoundTrip
	if err := xml.Unmarshal(doc, &got); err != nil {
		t.Fatalf("xml.Unmarshal: %v", err)
	}
	names := map[string]string{}
	for _, f := range got.Role.Family {
		names["family "+f.Qualifier] = f.Value
	}
	for _, g := range got.Role.Given {
		names["given "+g.Qualifier] = g.Value
	}
	p := h.Patient
	want := map[string][2]string{
		"birth name":       {names["family BR"], p.BirthName},
		"first given name": {names["given BR"], p.FirstGivenName},
		"given names":      {names["given "], p.GivenNames},
		"used name":        {names["family CL"], opt(p.UsedName)},
		"used first name":  {names["given CL"], opt(p.UsedFirstName)},
		"street":           {got.Role.Addr.Street, opt(p.Street)},
		"city":             {got.Role.Addr.City, opt(p.City)},
		"author given":     {got.AuthorGiven, h.Authors[0].GivenName},
		"author family":    {got.AuthorFamily, h.Authors[0].FamilyName},
		"practice name":    {got.Custodian.Name, h.Custodian.Name},
		"practice street":  {got.Custodian.Street, opt(h.Custodian.Street)},
	}
	for what, gw := range want {
		if gw[0] != gw[1] {
			t.Errorf("%s: read back %q, wrote %q", what, gw[0], gw[1])
		}
	}
}

// escapingHeader fills every text field with markup, quotes and emoji.
func escapingHeader() Header {
	h := cdaHeader()
	h.Patient.BirthName = `O'BRIEN <script>alert("x")</script> & FILS`
	h.Patient.GivenNames = `ÉLOÏSE "LOU" ŒDIPE`
	h.Patient.FirstGivenName = "ÉLOÏSE"
	h.Patient.UsedName = "D'Artagnan & Cie"
	h.Patient.UsedFirstName = "Lou 👩‍⚕️"
	h.Patient.Street = `3 "bis" rue <des> Ânes & Bœufs`
	h.Patient.City = "L'Haÿ-les-Roses"
	h.Authors[0].GivenName = "Zoë <b>"
	h.Authors[0].FamilyName = "Müller & Søn 🩺"
	h.Custodian.Name = `Cabinet "Les Îles" <Nord> & Sud`
	h.Custodian.Street = "1 place de l'Église ]]> <!--"
	return h
}

func TestDocumentEscapesUserText(t *testing.T) {
	t.Parallel()
	h := escapingHeader()
	doc := generate(t, h)
	for _, raw := range []string{"<script>", "<des>", "<b>", "<Nord>", "<!--", "]]>"} {
		if bytes.Contains(doc, []byte(raw)) {
			t.Errorf("%q appears unescaped in the document", raw)
		}
	}
	parseXML(t, doc)
	checkRoundTrip(t, h, doc)
}

func TestDocumentBodyDecodesToPDF(t *testing.T) {
	t.Parallel()
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, '<', '&', 0x80}, 100)...)
	doc, err := Document(cdaHeader(), pdf)
	if err != nil {
		t.Fatal(err)
	}
	var got cdaRoundTrip
	if err := xml.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	dec, err := base64.StdEncoding.DecodeString(got.Body)
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	if !bytes.Equal(dec, pdf) {
		t.Error("the body does not decode back to the PDF given")
	}
}

func FuzzDocument(f *testing.F) {
	f.Add("PAT-TROIS", "DOMINIQUE", "DOMINIQUE MARIE-LOUISE", "MARTIN", "28 rue X", "PARIS", "Roberta", "BLEEDER", "Cabinet")
	f.Add(`<&>"'`, "Ève", "Ève Ŀ", "]]>", "<!-- -->", "&amp;", "👩‍⚕️", "\u00a0x", "a\u2028b")
	f.Add("a\x00b", "\xff", "x", "", "", "", "\t", "y\n", "z")
	f.Add(" ", "  ", "\uFFFE", "\uFFFD", "𝔘", "l\u0301", "\r\n", "a", "b")
	f.Fuzz(func(t *testing.T, birth, first, given, used, street, city, authorGiven, authorFamily, practice string) {
		h := cdaHeader()
		h.Patient.BirthName, h.Patient.FirstGivenName, h.Patient.GivenNames = birth, first, given
		h.Patient.UsedName, h.Patient.Street, h.Patient.City = used, street, city
		h.Authors[0].GivenName, h.Authors[0].FamilyName, h.Custodian.Name = authorGiven, authorFamily, practice
		doc, err := Document(h, cdaFakePDF)
		if h.Validate() != nil {
			var ve patients.ValidationErrors
			if err == nil || !errors.As(err, &ve) || doc != nil {
				t.Fatalf("invalid header: Document returned %d bytes and %v, want no bytes and ValidationErrors", len(doc), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Validate passes but Document fails: %v", err)
		}
		if _, err := parseTree(doc); err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
		checkRoundTrip(t, h, doc)
	})
}
