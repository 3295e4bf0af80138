package dmpexport

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/handover"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/planner"
	"tournee/storage"
)

var now = time.Date(2026, 11, 23, 18, 0, 0, 0, patients.Paris())

// seeded is a demo database with the past week done: a copy of one seeded
// once per test binary (seedTemplate), since seeding writes every visit of
// the demo and was a third of this package's test time. Each test owns its
// copy, so what one exports the others never see.
func seeded(t *testing.T) (*storage.DB, patients.Date) {
	t.Helper()
	template, err := seedTemplate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.db")
	if err := os.WriteFile(path, template, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(path, []byte("demo"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, patients.DateOf(now)
}

// seedTemplate is the bytes of a demo base whose past week is done. It is
// computed once and never changed: a constant the tests copy.
var seedTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "tournee-dmpexport-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "t.db")
	db, err := storage.Create(path, []byte("demo"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		return nil, err
	}
	today := patients.DateOf(now)
	ds, err := demo.Load(today.AddDays(-7), xid.New)
	if err != nil {
		db.Close()
		return nil, err
	}
	for off := -7; off <= 0; off++ {
		d := today.AddDays(off)
		day, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, xid.New)
		if err != nil {
			db.Close()
			return nil, err
		}
		for _, v := range day.Visits {
			v.Status, v.DoneAt, v.DoneBy = patients.Done, d.At(v.Window.Start).UTC(), v.NurseID
			ds.Visits = append(ds.Visits, v)
		}
	}
	if err := db.Seed(context.Background(), ds); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

func service(db *storage.DB) Service {
	return Service{Store: db, Exports: db, Render: pdfdoc.Render, Now: func() time.Time { return now }}
}

func qualified(t *testing.T, svc Service) patients.Patient {
	t.Helper()
	ps, err := svc.Eligible(context.Background())
	if err != nil || len(ps) == 0 {
		t.Fatalf("no eligible patient: %v", err)
	}
	return ps[0]
}

func TestExportWritesDocumentAndSidecarThenNextVersion(t *testing.T) {
	t.Parallel()
	db, today := seeded(t)
	svc := service(db)
	p := qualified(t, svc)
	dir := filepath.Join(t.TempDir(), "cle")
	from := today.AddDays(-6)
	r1, err := svc.Export(context.Background(), p.ID, from, today, dir)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Version != 1 || len(r1.Files) != 2 || !strings.HasSuffix(r1.Files[0], ".xml") || !strings.HasSuffix(r1.Files[1], ".json") {
		t.Fatalf("first export: %+v", r1)
	}
	for _, f := range r1.Files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it holds health data", f, st.Mode().Perm())
		}
		if strings.Contains(filepath.Base(f), p.LastName()) {
			t.Errorf("file name %s shows the patient's name", f)
		}
	}
	doc1 := readDoc(t, r1.Files[0])
	if !strings.HasPrefix(doc1.id, "2.25.") || !strings.HasPrefix(doc1.setID, "2.25.") || doc1.id == doc1.setID {
		t.Errorf("ids %q / %q: want distinct UUID-based OIDs (2.25.…), the form XDS uniqueId takes", doc1.id, doc1.setID)
	}
	// The PDF inside is the summary of this patient.
	if !strings.HasPrefix(string(doc1.pdf), "%PDF-") {
		t.Fatal("the body is not a PDF")
	}
	r2, err := svc.Export(context.Background(), p.ID, from, today, dir)
	if err != nil {
		t.Fatal(err)
	}
	doc2 := readDoc(t, r2.Files[0])
	if r2.Version != 2 || doc2.version != "2" || doc2.setID != doc1.setID || doc2.id == doc1.id {
		t.Fatalf("re-export: version %d/%s, set %s vs %s, id %s vs %s", r2.Version, doc2.version, doc2.setID, doc1.setID, doc2.id, doc1.id)
	}
	if doc2.replaces != doc1.id {
		t.Errorf("version 2 replaces %q, want version 1's id %q", doc2.replaces, doc1.id)
	}
	// Another period is another document set.
	r3, err := svc.Export(context.Background(), p.ID, from.AddDays(1), today, dir)
	if err != nil {
		t.Fatal(err)
	}
	if doc3 := readDoc(t, r3.Files[0]); r3.Version != 1 || doc3.setID == doc1.setID {
		t.Errorf("another period should start a new set at version 1, got %d", r3.Version)
	}
}

type parsedDoc struct {
	id, setID, version, replaces string
	pdf                          []byte
}

func readDoc(t *testing.T, path string) parsedDoc {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ID struct {
			Root string `xml:"root,attr"`
		} `xml:"id"`
		SetID struct {
			Root string `xml:"root,attr"`
		} `xml:"setId"`
		Version struct {
			Value string `xml:"value,attr"`
		} `xml:"versionNumber"`
		Related struct {
			Parent struct {
				ID struct {
					Root string `xml:"root,attr"`
				} `xml:"id"`
			} `xml:"parentDocument"`
		} `xml:"relatedDocument"`
		Body string `xml:"component>nonXMLBody>text"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s is not well-formed: %v", path, err)
	}
	pdf, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(doc.Body), ""))
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	return parsedDoc{doc.ID.Root, doc.SetID.Root, doc.Version.Value, doc.Related.Parent.ID.Root, pdf}
}

func TestExportRefusesAndWritesNothing(t *testing.T) {
	t.Parallel()
	db, today := seeded(t)
	ctx := context.Background()
	svc := service(db)
	ps, _ := db.Patients(ctx, patients.PatientFilter{})
	var noINS patients.Patient
	for _, p := range ps {
		if !p.INS.Qualified() {
			noINS = p
		}
	}
	p := qualified(t, svc)
	badKey := p
	ins := *p.INS
	ins.NIR = ins.NIR[:13] + "00"
	badKey.INS = &ins
	if ins.NIR == p.INS.NIR {
		t.Fatal("the test NIR key should differ")
	}
	if err := db.SavePatient(ctx, &badKey); err == nil {
		// The store refuses a wrong key itself; export checks it again.
		t.Log("store accepted a wrong NIR key")
	}
	broken := Service{Store: db, Exports: db, Now: svc.Now, Render: func(handover.Report) ([]byte, error) {
		return nil, errors.New("printer on fire")
	}}
	for name, c := range map[string]struct {
		svc      Service
		id       xid.ID
		from, to patients.Date
		want     string
	}{
		"no INS":       {svc, noINS.ID, today.AddDays(-6), today, "INS qualifiée"},
		"empty period": {svc, p.ID, today.AddDays(10), today.AddDays(20), "aucun soin"},
		"reversed":     {svc, p.ID, today, today.AddDays(-3), "date de fin"},
		"render fails": {broken, p.ID, today.AddDays(-6), today, "printer on fire"},
		"unknown":      {svc, xid.New(), today.AddDays(-6), today, "not found"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			_, err := c.svc.Export(ctx, c.id, c.from, c.to, dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files left after a refused export: %v", entries)
			}
			if _, ok, _ := db.LastExport(ctx, c.id, c.from, c.to); ok {
				t.Error("a refused export was recorded as a version")
			}
		})
	}
}

func TestExportWithoutRPPS(t *testing.T) {
	t.Parallel()
	db, today := seeded(t)
	ctx := context.Background()
	svc := service(db)
	p := qualified(t, svc)
	cab, _ := db.Cabinet(ctx)
	n, _ := db.Nurse(ctx, cab.CurrentNurse)
	sum, err := svc.Prepare(ctx, p.ID, today.AddDays(-6), today)
	if err != nil {
		t.Fatal(err)
	}
	h := sum.Header
	h.LegalAuthenticator.RPPS = ""
	h.DocumentID, h.SetID, h.Version = "1.2.3", "1.2.4", 1
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "RPPS") {
		t.Fatalf("a nurse without RPPS must be refused, got %v (nurse %s)", err, n.ID)
	}
}

// TestExportedPDFShowsPatientAndPeriod decodes the body of an exported
// document and reads it with pdftotext, as a DMP viewer would show it.
func TestExportedPDFShowsPatientAndPeriod(t *testing.T) {
	t.Parallel()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatal("pdftotext is required (TOURNEE_REQUIRE_TOOLS=1)")
		}
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	db, today := seeded(t)
	svc := service(db)
	p := qualified(t, svc)
	dir := t.TempDir()
	res, err := svc.Export(context.Background(), p.ID, today.AddDays(-6), today, dir)
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "body.pdf")
	if err := os.WriteFile(pdf, readDoc(t, res.Files[0]).pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{p.DisplayName(), "du mardi 17 novembre 2026 au lundi 23 novembre 2026", p.INS.NIR, "Soins réalisés",
		"Soins faits par", "Allergies"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not show %q:\n%s", want, text)
		}
	}
	// A clinical document: billing stays out of it.
	for _, not := range []string{"Cotation", "AMI "} {
		if strings.Contains(text, not) {
			t.Errorf("the PDF shows %q, a cotation:\n%s", not, text)
		}
	}
}
