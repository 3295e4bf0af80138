package dmp

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"tournee/patients"
)

func xdmSubmission() Submission {
	return Submission{UniqueID: "2.25.329800735698586629295641978511506172918", SourceID: "2.25.1234567890",
		Time: time.Date(2025, 1, 10, 17, 35, 0, 0, patients.Paris()), Author: cdaHeader().LegalAuthenticator}
}

func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestXDMLayoutAndMetadata(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	doc := generate(t, h)
	pkg, err := XDM(h, doc, xdmSubmission())
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, pkg)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"IHE_XDM/SUBSET01/DOC0001.XML", "IHE_XDM/SUBSET01/METADATA.XML", "INDEX.HTM", "README.TXT"}
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	if !bytes.Equal(files["IHE_XDM/SUBSET01/DOC0001.XML"], doc) {
		t.Error("the document in the package is not the CDA file")
	}
	e, err := VerifyXDM(pkg)
	if err != nil {
		t.Fatalf("the package breaks the XDM rules: %v", err)
	}
	sum := sha1.Sum(doc)
	if e.Hash != hex.EncodeToString(sum[:]) || e.Size != int64(len(doc)) || e.UniqueID != h.DocumentID {
		t.Errorf("entry %+v", e)
	}
	if e.PatientID != "279035121518989^^^&1.2.250.1.213.1.4.10&ISO" || e.SourcePatientID != e.PatientID {
		t.Errorf("patient ids %q / %q, want the INS in CX form", e.PatientID, e.SourcePatientID)
	}
	meta := string(files["IHE_XDM/SUBSET01/METADATA.XML"])
	for _, want := range []string{
		`nodeRepresentation="10"`, `nodeRepresentation="11506-3"`, `nodeRepresentation="SA07"`, `nodeRepresentation="SAD"`,
		`nodeRepresentation="urn:ihe:iti:xds-sd:pdf:2008"`, `nodeRepresentation="N"`,
		"801234567893^BLEEDER^Roberta^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO", // author and legal authenticator, XCN
		"G15_60^Infirmier^1.2.250.1.213.1.1.4.5",
		"PID-5|PAT-TROIS^DOMINIQUE^^^^^L", "PID-7|19790328", "PID-8|F",
		`<rim:Value>20250110163000</rim:Value>`, // creation time in UTC
	} {
		if !strings.Contains(meta, want) {
			t.Errorf("METADATA.XML lacks %s", want)
		}
	}
	index := string(files["INDEX.HTM"])
	for _, link := range []string{"IHE_XDM/SUBSET01/DOC0001.XML", "IHE_XDM/SUBSET01/METADATA.XML", "README.TXT"} {
		if !strings.Contains(index, `href="`+link+`"`) {
			t.Errorf("INDEX.HTM does not link %s", link)
		}
	}
	if strings.Contains(index, "PAT-TROIS") || strings.Contains(string(files["README.TXT"]), "PAT-TROIS") {
		t.Error("INDEX.HTM or README.TXT names the patient: they are readable without opening the document")
	}
	// Same input, same bytes: the package can be checked again later.
	if again, _ := XDM(h, doc, xdmSubmission()); !bytes.Equal(again, pkg) {
		t.Error("two packages of the same document differ")
	}
}

// VerifyXDM must see a package that lies about its document.
func TestVerifyXDMCatchesBrokenPackages(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	doc := generate(t, h)
	good, err := XDM(h, doc, xdmSubmission())
	if err != nil {
		t.Fatal(err)
	}
	rezip := func(change func(files map[string][]byte)) []byte {
		files := unzip(t, good)
		change(files)
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, b := range files {
			w, _ := zw.Create(name)
			w.Write(b)
		}
		zw.Close()
		return buf.Bytes()
	}
	replace := func(name, old, new string) func(map[string][]byte) {
		return func(f map[string][]byte) { f[name] = []byte(strings.Replace(string(f[name]), old, new, 1)) }
	}
	for name, tc := range map[string]struct {
		change func(map[string][]byte)
		want   string
	}{
		"document edited after packing": {func(f map[string][]byte) {
			f[XDMSubset+XDMDocument] = append(f[XDMSubset+XDMDocument], ' ')
		}, "does not match the file"},
		"document missing":      {func(f map[string][]byte) { delete(f, XDMSubset+XDMDocument) }, "not in the package"},
		"no README":             {func(f map[string][]byte) { delete(f, XDMReadme) }, "README.TXT is missing"},
		"lower-case name":       {func(f map[string][]byte) { f["index.htm"] = f[XDMIndex] }, "ISO 9660"},
		"no classCode":          {replace(XDMMetadata, uuidDEClassCode, "urn:uuid:00000000-0000-0000-0000-000000000000"), "classCode missing"},
		"no submission set tag": {replace(XDMMetadata, `classificationNode="`+uuidSubmissionSet, `classificationNode="x`), "not classified as a submission set"},
		"dangling association":  {replace(XDMMetadata, `targetObject="urn:uuid:`, `targetObject="urn:uuid:0`), "no HasMember"},
		"not metadata":          {func(f map[string][]byte) { f[XDMMetadata] = []byte("<html/>") }, "not a SubmitObjectsRequest"},
	} {
		_, err := VerifyXDM(rezip(tc.change))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestEntryUUID(t *testing.T) {
	t.Parallel()
	if got := entryUUID("2.25.329800735698586629295641978511506172918", "x"); got != "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6" {
		t.Errorf("entryUUID = %s (RFC 4122's example UUID as 2.25)", got)
	}
	if got := entryUUID("1.2.250.1.999.1", "Document01"); got != "Document01" {
		t.Errorf("a non-UUID OID gets %s, want the symbolic id", got)
	}
	if got := entryUUID("6F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B", "x"); got != "urn:uuid:6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b" {
		t.Errorf("a UUID uid gets %s", got)
	}
}
