package tui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/billing"
	"tournee/patients"
	"tournee/pdfdoc"
)

// « f » in a patient file asks the period (the last three months by
// default), writes the PDF and the CSV into the folder and says where they
// are with the CSV's SHA-256; a period typed wrong writes nothing.
func TestProofFromPatientFile(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	d.Proof = billing.ProofService{Store: db, Render: pdfdoc.Render, Now: d.Now}
	ctx := context.Background()
	ps, _ := db.Patients(ctx, patients.PatientFilter{})
	var p patients.Patient
	for _, c := range ps {
		vs, _ := db.VisitsOfPatient(ctx, c.ID, 0)
		for _, v := range vs {
			if v.Status == patients.Done && p.ID.IsZero() {
				p = c
			}
		}
	}
	if p.ID.IsZero() {
		t.Fatal("no patient with a done visit in the demo")
	}
	a := startApp(t, d, 120, 40)
	a = openFileOf(t, a, p)
	a = press(a, "?")
	if !strings.Contains(screenText(a), "preuve de soins") {
		t.Errorf("the file's help does not offer the proof:\n%s", screenText(a))
	}
	a = press(a, "esc") // closes the help only
	a = press(a, "f")
	out := screenText(a)
	if !a.capturing() || !strings.Contains(out, "du 23/08/2026") || !strings.Contains(out, "au 23/11/2026") ||
		!strings.Contains(out, "Dossier : "+d.DMPFolder) {
		t.Fatalf("the proof should ask the last three months and the folder:\n%s", out)
	}
	// A date typed wrong: said, nothing written.
	a = clearField(a)
	a = typeInto(a, "31/13/2026")
	a = press(a, "enter")
	if !strings.Contains(a.status, "Date illisible") {
		t.Errorf("status %q after a bad date", a.status)
	}
	if _, err := os.Stat(d.DMPFolder); !os.IsNotExist(err) {
		t.Errorf("a bad date wrote something: %v", err)
	}
	a = clearField(a)
	a = typeInto(a, "20/11/2026")
	a = press(a, "enter")
	pr := a.patients.file.proof
	if pr == nil || pr.files == nil {
		t.Fatalf("no files written; status %q\n%s", a.status, screenText(a))
	}
	f := *pr.files
	base := "preuve-de-soins-" + p.ID.String() + "-2026-11-20_2026-11-23"
	if f.PDF != filepath.Join(d.DMPFolder, base+".pdf") || f.CSV != filepath.Join(d.DMPFolder, base+".csv") || f.Visits == 0 {
		t.Errorf("files %+v", f)
	}
	for _, path := range []string{f.PDF, f.CSV} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", path, fi.Mode().Perm())
		}
	}
	csv, err := os.ReadFile(f.CSV)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(csv)
	digest := hex.EncodeToString(sum[:])
	out = screenText(a)
	for _, want := range []string{"PDF : " + f.PDF, "CSV : " + f.CSV, "Empreinte SHA-256 du CSV : " + digest,
		"Preuve de soins du vendredi 20 novembre 2026 au lundi 23 novembre 2026 : "} {
		if !strings.Contains(out, want) {
			t.Errorf("the screen lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(a.status, "Preuve de soins écrite") {
		t.Errorf("status %q", a.status)
	}
	pdf, err := os.ReadFile(f.PDF)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("not a PDF: %v", err)
	}
	// Written again: a second pair beside the first, never over it.
	a = press(a, "esc", "f")
	a = clearField(a)
	a = typeInto(a, "20/11/2026")
	a = press(a, "enter")
	if pr := a.patients.file.proof; pr == nil || pr.files == nil || pr.files.PDF != filepath.Join(d.DMPFolder, base+"-2.pdf") {
		t.Fatalf("second proof of the same period not beside the first; status %q", a.status)
	}
	if again, err := os.ReadFile(f.CSV); err != nil || string(again) != string(csv) {
		t.Errorf("the first CSV changed: %v", err)
	}
	if a.capturing() {
		t.Error("the result keeps the keys")
	}
	a = press(a, "esc")
	if a.patients.file.proof != nil || a.patients.mode != fileMode {
		t.Error("échap should close the result and stay in the file")
	}
}

// clearField erases the focused field (its cursor is at the end).
func clearField(a *App) *App {
	for range 12 {
		a = press(a, "backspace")
	}
	return a
}

// A folder that cannot be made: said in French, the fields kept as typed to
// correct it, nothing written.
func TestProofFolderRefused(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	d.Proof = billing.ProofService{Store: db, Render: pdfdoc.Render, Now: d.Now}
	blocker := filepath.Join(t.TempDir(), "fichier")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.DMPFolder = filepath.Join(blocker, "DMP")
	ps, _ := db.Patients(context.Background(), patients.PatientFilter{})
	a := startApp(t, d, 120, 40)
	a = openFileOf(t, a, ps[0])
	a = press(a, "f", "enter")
	pr := a.patients.file.proof
	if pr == nil || pr.files != nil || pr.writing || !a.capturing() {
		t.Fatalf("after a refused folder the fields should stay open: %v", pr != nil)
	}
	if !a.statusErr || !strings.Contains(a.status, "n'est pas un dossier") {
		t.Errorf("status %q (error %v)", a.status, a.statusErr)
	}
	if !strings.Contains(screenText(a), "Dossier : "+d.DMPFolder) {
		t.Error("the folder typed is gone")
	}
}
