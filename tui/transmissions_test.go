package tui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
)

// openTransmissions starts the app and shows the transmissions screen.
func openTransmissions(t testing.TB, d Deps, w, h int) *App {
	t.Helper()
	a := press(startApp(t, d, w, h), "3")
	if !a.trans.loaded {
		t.Fatal("patients not loaded")
	}
	return a
}

// screen is the transmissions screen as the nurse reads it, without colours.
func screen(a *App) string { return ansi.Strip(a.trans.View()) }

// patientNamed finds a demo patient by display name.
func patientNamed(t testing.TB, db *storage.DB, name string) patients.Patient {
	t.Helper()
	ps, err := db.Patients(context.Background(), patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.DisplayName() == name {
			return p
		}
	}
	t.Fatalf("no patient %q", name)
	return patients.Patient{}
}

func transmissionsOf(t testing.TB, db *storage.DB, id xid.ID) []patients.Transmission {
	t.Helper()
	ts, err := db.Transmissions(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func currentNurse(t testing.TB, db *storage.DB) xid.ID {
	t.Helper()
	c, err := db.Cabinet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.CurrentNurse.IsZero() {
		t.Fatal("demo cabinet has no current nurse")
	}
	return c.CurrentNurse
}

// todaysVisit is one of today's visits, to tie a transmission to.
func todaysVisit(t testing.TB, db *storage.DB) patients.Visit {
	t.Helper()
	vs, err := db.Visits(context.Background(), patients.DateOf(testNow))
	if err != nil || len(vs) == 0 {
		t.Fatalf("no visit today: %v", err)
	}
	return vs[0]
}

// seedHistory gives a patient a longer history with every flag, written
// by the cabinet's nurses over the last days.
func seedHistory(t testing.TB, db *storage.DB, p patients.Patient) []patients.Transmission {
	t.Helper()
	ns, err := db.Nurses(context.Background())
	if err != nil || len(ns) < 3 {
		t.Fatalf("nurses: %v", err)
	}
	at := func(days, h, m int) time.Time {
		return patients.DateOf(testNow).AddDays(-days).At(patients.Clock(h, m))
	}
	ts := []patients.Transmission{
		{Cible: "Glycémie", Donnees: "Glycémie capillaire à jeun 0,62 g/L, sueurs, tremblements.",
			Actions: "Resucrage : 15 g de sucre, contrôle à 15 min.", Resultats: "1,05 g/L à 7h35, patiente rassurée.",
			Urgent: true, ForDoctor: true, At: at(3, 7, 20), AuthorID: ns[0].ID},
		{Cible: "Alimentation", Donnees: "Mange la moitié de son repas.", At: at(2, 12, 5), AuthorID: ns[1].ID},
		{Cible: "Insuline", Actions: "Stylo à changer vendredi ; stock au réfrigérateur.", ForReplacement: true,
			At: at(1, 19, 10), AuthorID: ns[2].ID},
		{Cible: "Douleur", Donnees: "EVA 5/10 au lever, genou droit.", Actions: "Antalgique selon prescription.",
			Resultats: "EVA 2/10 à 8h.", At: at(0, 6, 55), AuthorID: ns[0].ID},
	}
	for i := range ts {
		ts[i].PatientID = p.ID
		if err := db.AddTransmission(context.Background(), &ts[i]); err != nil {
			t.Fatal(err)
		}
	}
	return ts
}

func TestTransmissionFromVisitIsStored(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	v := todaysVisit(t, db)
	a := startApp(t, d, 80, 24)
	before := len(transmissionsOf(t, db, v.PatientID))

	// What the round screen sends on one key.
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: v.PatientID, visitID: v.ID})
	a = drain(a, cmd, appUpdate)
	if a.active != transmissionsTab || !a.trans.dar.open() {
		t.Fatalf("form not open on the transmissions screen (active %d)", a.active)
	}
	if got := a.trans.dar.focused(); got != darFieldCible {
		t.Fatalf("focus in %q, want the cible", got)
	}
	if !a.capturing() {
		t.Fatal("the root would take letters typed in the form as shortcuts")
	}
	a = typeInto(a, "Douleur")
	a = press(a, "tab")
	a = typeInto(a, "EVA 4/10 au lever, quitte le lit seule")
	a = press(a, "tab", "tab", "tab", "space", "down", "enter") // Urgent, then remplaçant
	if a = press(a, "tab"); a.trans.dar.focused() != darFieldCible {
		t.Fatalf("tab on the last field went to %q, want back to the cible", a.trans.dar.focused())
	}
	a = press(a, "ctrl+s")

	if a.trans.dar.open() {
		t.Fatalf("form still open:\n%s", screen(a))
	}
	ts := transmissionsOf(t, db, v.PatientID)
	if len(ts) != before+1 {
		t.Fatalf("%d transmissions, want %d", len(ts), before+1)
	}
	got := ts[0]
	want := patients.Transmission{
		ID: got.ID, PatientID: v.PatientID, AuthorID: currentNurse(t, db), At: testNow,
		Cible: "Douleur", Donnees: "EVA 4/10 au lever, quitte le lit seule",
		Urgent: true, ForReplacement: true, VisitID: v.ID,
	}
	if !got.At.Equal(testNow) {
		t.Errorf("at %v, want %v", got.At, testNow)
	}
	got.At = testNow
	if got != want {
		t.Errorf("stored\n%+v\nwant\n%+v", got, want)
	}
	if a.status != "Transmission enregistrée" || a.statusErr {
		t.Errorf("status %q", a.status)
	}
	out := screen(a)
	first := strings.Index(out, "aujourd'hui, 7h10")
	if first < 0 || !strings.Contains(out[first:], "Douleur  ⚠ URGENT · remplaçant") {
		t.Fatalf("new transmission not at the top of the history:\n%s", out)
	}
	if a.capturing() {
		t.Error("still capturing letters after the save")
	}
}

func TestTransmissionUrgentUsesAlertStyle(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "DUBOIS Gérard")
	seedHistory(t, db, p)
	a := openTransmissions(t, d, 120, 40)
	a = press(a, "/")
	a = typeInto(a, "dubois")
	a = press(a, "enter")
	if !strings.Contains(a.trans.View(), a.styles.Alert.Render("⚠ URGENT")) {
		t.Fatal("urgent transmission not drawn in the alert style")
	}
}

func TestTransmissionEmptyCibleIsRefused(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "MARTIN Odette")
	before := transmissionsOf(t, db, p.ID)
	a := startApp(t, d, 80, 24)
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
	a = drain(a, cmd, appUpdate)

	a = press(a, "ctrl+s")
	out := screen(a)
	for _, msg := range []string{
		"⚠ La cible est obligatoire (ex. « douleur », « plaie », « glycémie »)",
		"⚠ Renseignez au moins les Données, les Actions ou les Résultats",
	} {
		if !strings.Contains(out, msg) {
			t.Errorf("missing %q in\n%s", msg, out)
		}
	}
	a = press(a, "tab")
	a = typeInto(a, "Pansement refait, propre")
	a = press(a, "ctrl+s")
	out = screen(a)
	if !strings.Contains(out, "La cible est obligatoire") {
		t.Errorf("cible message gone while the cible is still empty:\n%s", out)
	}
	if strings.Contains(out, "Renseignez au moins") {
		t.Errorf("content message still shown once Données is written:\n%s", out)
	}
	if !a.trans.dar.open() || a.trans.dar.draft.Donnees != "Pansement refait, propre" {
		t.Fatal("the form closed or lost the draft")
	}
	if got := transmissionsOf(t, db, p.ID); len(got) != len(before) {
		t.Fatalf("%d transmissions stored, want %d", len(got), len(before))
	}
	// Once shown, a message goes as soon as its field is filled.
	a = press(a, "shift+tab")
	a = typeInto(a, "Plaie")
	if out := screen(a); strings.Contains(out, "La cible est obligatoire") {
		t.Errorf("cible message still shown after typing one:\n%s", out)
	}
}

func TestTransmissionsFilterByFlag(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "DUBOIS Gérard")
	seedHistory(t, db, p)
	a := openTransmissions(t, d, 120, 40)
	a = press(a, "/")
	a = typeInto(a, "dubois")
	a = press(a, "enter")

	cibles := func(a *App) []string {
		var out []string
		for _, i := range a.trans.hist.shown {
			out = append(out, a.trans.hist.list[i].Cible)
		}
		return out
	}
	steps := []struct {
		label string
		want  []string
	}{
		{"urgentes", []string{"Glycémie"}},
		{"pour le remplaçant", []string{"Insuline"}},
		{"pour le médecin", []string{"Glycémie"}},
		{"toutes", []string{"Douleur", "Insuline", "Alimentation", "Glycémie"}},
	}
	for _, st := range steps {
		a = press(a, "f")
		if got := cibles(a); !slices.Equal(got, st.want) {
			t.Errorf("filter %s: %v, want %v", st.label, got, st.want)
		}
		out := screen(a)
		if !strings.Contains(out, "Filtre : "+st.label) {
			t.Errorf("filter %s not shown:\n%s", st.label, out)
		}
		for _, c := range []string{"Douleur", "Insuline", "Alimentation", "Glycémie"} {
			if shown := strings.Contains(out, c); shown != slices.Contains(st.want, c) {
				t.Errorf("filter %s: %s shown=%v\n%s", st.label, c, shown, out)
			}
		}
	}
}

func TestTransmissionCorrection(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "MARTIN Odette")
	orig := transmissionsOf(t, db, p.ID)[0]
	a := openTransmissions(t, d, 80, 24)
	a = press(a, "/")
	a = typeInto(a, "odette")
	a = press(a, "enter", "c")
	if !a.trans.dar.open() || a.trans.dar.draft.Cible != orig.Cible || a.trans.dar.draft.Donnees != orig.Donnees {
		t.Fatalf("correction not prefilled: %+v", a.trans.dar.draft)
	}
	if out := screen(a); !strings.Contains(out, "Correction — MARTIN Odette") ||
		!strings.Contains(out, "corrige la transmission d'hier à 9h45") {
		t.Fatalf("correction header:\n%s", out)
	}
	a = press(a, "tab", "tab", "tab")
	a = typeInto(a, " Revoir dans 3 jours, pas 2.")
	a = press(a, "ctrl+s")

	ts := transmissionsOf(t, db, p.ID)
	if len(ts) != 2 {
		t.Fatalf("%d transmissions, want the original and its correction", len(ts))
	}
	c := ts[0]
	if c.Corrects != orig.ID || c.Cible != orig.Cible || c.Donnees != orig.Donnees ||
		c.Resultats != orig.Resultats+" Revoir dans 3 jours, pas 2." || c.ID == orig.ID {
		t.Fatalf("correction stored as %+v", c)
	}
	if ts[1] != orig {
		t.Fatalf("the original changed: %+v", ts[1])
	}
	out := screen(a)
	for _, want := range []string{"↳ corrige la transmission d'hier à 9h45", "Plaie  corrigée"} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "↳ corrige") > strings.Index(out, "Plaie  corrigée") {
		t.Errorf("the correction is not listed above the original:\n%s", out)
	}
}

func TestTransmissionsSearchIgnoresAccentsAndCase(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	cases := []struct{ query, want string }{
		{"HENON", "HÉNON Paulette"},
		{"evelyne", "BLONDEL Évelyne"},
		{"paulette hén", "HÉNON Paulette"},
		{"lepretre rob", "LEPRÊTRE Robert"},
		{"noel", "NOËL Christiane"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			a := openTransmissions(t, d, 80, 24)
			a = press(a, "/")
			a = typeInto(a, c.query)
			r, ok := a.trans.current()
			if !ok || r.name != c.want || len(a.trans.shown) != 1 {
				t.Fatalf("%q picks %q among %d, want %q only", c.query, r.name, len(a.trans.shown), c.want)
			}
			a = press(a, "enter")
			want := patientNamed(t, db, c.want).ID
			if a.trans.focus != transOnHistory || a.trans.hist.patientID != want || !a.trans.hist.loaded {
				t.Fatalf("enter did not open %s's history", c.want)
			}
			if out := screen(a); !strings.HasPrefix(strings.Trim(strings.SplitN(out, "\n", 3)[1], "│ "), c.want) {
				t.Fatalf("history header:\n%s", out)
			}
		})
	}
}

func TestTransmissionCancel(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "MARTIN Odette")
	before := len(transmissionsOf(t, db, p.ID))
	a := startApp(t, d, 80, 24)
	open := func(a *App) *App {
		a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
		return drain(a, cmd, appUpdate)
	}
	a = press(open(a), "esc")
	if a.trans.dar.open() {
		t.Fatal("an untouched form asks before closing")
	}
	a = typeInto(open(a), "Chute")
	a = press(a, "esc")
	if !a.trans.dar.confirm || !strings.Contains(screen(a), "Abandonner la transmission ?") {
		t.Fatalf("no confirmation for a draft with text:\n%s", screen(a))
	}
	a = press(a, "n")
	if !a.trans.dar.open() || a.trans.dar.draft.Cible != "Chute" {
		t.Fatal("« n » lost the draft")
	}
	a = press(a, "esc", "o")
	if a.trans.dar.open() {
		t.Fatal("« o » did not abandon")
	}
	if got := len(transmissionsOf(t, db, p.ID)); got != before {
		t.Fatalf("%d transmissions, want %d", got, before)
	}
}

// failingStore refuses every transmission.
type failingStore struct{ patients.Store }

func (failingStore) AddTransmission(context.Context, *patients.Transmission) error {
	return errors.New("disk full")
}

func TestTransmissionSaveFailureKeepsDraft(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	d.Store = failingStore{db}
	p := patientNamed(t, db, "MARTIN Odette")
	a := startApp(t, d, 80, 24)
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
	a = drain(a, cmd, appUpdate)
	a = typeInto(a, "Chute")
	a = press(a, "tab")
	a = typeInto(a, "Retrouvée assise au sol")
	a = press(a, "ctrl+s")
	if !a.trans.dar.open() || a.trans.dar.saving || a.trans.dar.draft.Donnees != "Retrouvée assise au sol" {
		t.Fatal("a failed save closed the form or lost the draft")
	}
	if !a.statusErr || !strings.Contains(screen(a), "L'enregistrement a échoué") {
		t.Fatalf("failure not shown (status %q):\n%s", a.status, screen(a))
	}
}

func TestTransmissionsHistoryScrolls(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "DUBOIS Gérard")
	seedHistory(t, db, p)
	a := openTransmissions(t, d, 80, 24)
	a = press(a, "/")
	a = typeInto(a, "dubois")
	a = press(a, "enter")
	if strings.Contains(screen(a), "Glycémie") {
		t.Fatal("the oldest transmission already fits: nothing to scroll")
	}
	for range 12 {
		a = press(a, "j")
	}
	out := screen(a)
	if !strings.Contains(out, "Glycémie") || strings.Contains(out, "EVA 5/10") {
		t.Fatalf("j did not scroll to the oldest transmission:\n%s", out)
	}
	if tr, _ := a.trans.selected(); tr.Cible != "Glycémie" {
		t.Fatalf("selected %q, want the oldest", tr.Cible)
	}
	for range 12 {
		a = press(a, "k")
	}
	if tr, _ := a.trans.selected(); tr.Cible != "Douleur" || !strings.Contains(screen(a), "EVA 5/10") {
		t.Fatalf("k did not come back to the newest:\n%s", screen(a))
	}
}

func TestTransmissionsGolden(t *testing.T) {
	t.Parallel()
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		t.Run("history_"+size.name, func(t *testing.T) {
			t.Parallel()
			d, db := testDeps(t)
			p := patientNamed(t, db, "DUBOIS Gérard")
			seedHistory(t, db, p)
			orig := transmissionsOf(t, db, p.ID)[1] // Insuline
			fix := orig
			fix.ID, fix.Corrects, fix.At = xid.NilID(), orig.ID, testNow.Add(-5*time.Minute)
			fix.AuthorID = currentNurse(t, db)
			fix.Actions = "Stylo à changer samedi ; stock au réfrigérateur."
			if err := db.AddTransmission(context.Background(), &fix); err != nil {
				t.Fatal(err)
			}
			a := openTransmissions(t, d, size.w, size.h)
			a = press(a, "/")
			a = typeInto(a, "dubois")
			a = press(a, "enter")
			golden.RequireEqual(t, screen(a))
		})
		t.Run("form_"+size.name, func(t *testing.T) {
			t.Parallel()
			d, db := testDeps(t)
			v := todaysVisit(t, db)
			a := startApp(t, d, size.w, size.h)
			a, cmd := appUpdate(a, newTransmissionMsg{patientID: v.PatientID, visitID: v.ID})
			a = drain(a, cmd, appUpdate)
			a = typeInto(a, "Glyc")
			golden.RequireEqual(t, screen(a))
		})
		t.Run("form_errors_"+size.name, func(t *testing.T) {
			t.Parallel()
			d, db := testDeps(t)
			p := patientNamed(t, db, "MARTIN Odette")
			a := startApp(t, d, size.w, size.h)
			a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
			a = drain(a, cmd, appUpdate)
			a = press(a, "ctrl+s")
			golden.RequireEqual(t, screen(a))
		})
	}
}

// BenchmarkTransmissionsKeypress is a j in the picker and the redraw, on
// the demo file and on a practice of 2,000 patients.
func BenchmarkTransmissionsKeypress(b *testing.B) {
	for _, n := range []int{51, 2000} {
		b.Run(strconv.Itoa(n)+"_patients", func(b *testing.B) {
			d, _ := testDeps(b)
			a := openTransmissions(b, d, 120, 40)
			if n > len(a.trans.rows) {
				rows := make([]transRow, n)
				for i := range rows {
					r := a.trans.rows[i%len(a.trans.rows)]
					r.id = xid.New()
					rows[i] = r
				}
				a, _ = appUpdate(a, transPatientsMsg{rows})
			}
			j := keyPress("j")
			b.ReportAllocs()
			for b.Loop() {
				m, _ := a.Update(j)
				a = m.(*App)
				_ = a.View()
				if a.trans.cursor == len(a.trans.shown)-1 {
					a.trans.cursor = 0
				}
			}
		})
	}
}
