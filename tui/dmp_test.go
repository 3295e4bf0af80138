package tui

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"tournee/handover/dmp"
	"tournee/patients"
)

// openFileOf goes to a patient's file through the search.
func openFileOf(t *testing.T, a *App, p patients.Patient) *App {
	t.Helper()
	a = press(a, "2", "esc", "esc", "/") // esc clears an earlier search
	a = typeInto(a, p.FirstName+" "+p.LastName())
	a = press(a, "enter")
	if a.patients.mode != fileMode || a.patients.file.id != p.ID {
		t.Fatalf("file of %s not open", p.DisplayName())
	}
	return a
}

func TestDMPFromPatientFile(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	ctx := context.Background()
	ps, _ := db.Patients(ctx, patients.PatientFilter{})
	var withINS, without patients.Patient
	for _, p := range ps {
		vs, _ := db.VisitsOfPatient(ctx, p.ID, 0)
		done := false
		for _, v := range vs {
			done = done || v.Status == patients.Done
		}
		switch {
		case p.INS.Qualified() && done && withINS.ID.IsZero():
			withINS = p
		case !p.INS.Qualified() && without.ID.IsZero():
			without = p
		}
	}
	a := startApp(t, d, 120, 60)
	a = openFileOf(t, a, withINS)
	a = press(a, "d")
	out := screenText(a)
	for _, want := range []string{"Préparer pour le DMP", "Synthèse de soins infirmiers", withINS.DisplayName(), "Soins réalisés",
		"Transmissions pour le médecin", "Allergies et alertes", "Soins faits par"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Cotation") || strings.Contains(out, "AMI ") {
		t.Errorf("the clinical summary shows a cotation:\n%s", out)
	}
	// The preview scrolls on a small terminal.
	a, _ = appUpdate(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	top := a.patients.dmp.vp.YOffset()
	a = press(a, "down", "down")
	if a.patients.dmp.vp.YOffset() <= top {
		t.Error("the preview does not scroll")
	}
	a = press(a, "e")
	if !a.capturing() || !strings.Contains(screenText(a), "Dossier : ") {
		t.Fatal("e should ask for the folder")
	}
	a = press(a, "enter")
	pd := a.patients.dmp
	if pd == nil || pd.step != dmpDone || len(pd.files) != 2 || pd.version != 1 {
		t.Fatalf("export not done: %+v", pd)
	}
	for _, f := range pd.files {
		if !strings.HasPrefix(f, d.DMPFolder) {
			t.Errorf("%s not in the proposed folder %s", f, d.DMPFolder)
		}
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
		if !strings.Contains(screenText(a), f[len(f)-20:]) {
			t.Errorf("the files written are not listed: %s", f)
		}
	}
	if !strings.Contains(a.status, "version 1") {
		t.Errorf("status %q", a.status)
	}
	// Back to the file, and the same export again is version 2.
	a = press(a, "esc", "d", "e", "enter")
	if a.patients.dmp == nil || a.patients.dmp.version != 2 {
		t.Fatalf("second export should be version 2")
	}
	// The MSSanté choice: tab ticks the XDM package, which is written too.
	a = press(a, "esc", "d", "e", "tab")
	if !strings.Contains(screenText(a), "[x] Paquet IHE XDM") {
		t.Fatalf("tab does not tick the XDM package:\n%s", screenText(a))
	}
	a = press(a, "enter")
	if pd := a.patients.dmp; pd == nil || len(pd.files) != 3 || !strings.HasSuffix(pd.files[2], ".zip") {
		t.Fatalf("export with XDM: %+v", a.patients.dmp)
	}
	pkg, err := os.ReadFile(a.patients.dmp.files[2])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dmp.VerifyXDM(pkg); err != nil {
		t.Errorf("the XDM package written from the interface: %v", err)
	}
	if !strings.Contains(screenText(a), "MSSanté") {
		t.Error("the done screen does not say what the .zip is for")
	}
	// A patient without a qualified INS is told why, and cannot export.
	a = press(a, "esc", "esc")
	a = openFileOf(t, a, without)
	a = press(a, "d")
	if out := screenText(a); !strings.Contains(out, "n'a pas d'INS qualifiée") {
		t.Fatalf("no explanation for a patient without INS:\n%s", out)
	}
	a = press(a, "e")
	if a.patients.dmp.step != dmpPreview {
		t.Error("export must not be offered without a qualified INS")
	}
}
