package tui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/paulmach/orb"

	"tournee/geo"
	"tournee/patients"
	"tournee/storage"
)

// ptShow goes to the patients screen, whose list loaded at start behind
// the round.
func ptShow(a *App) *App { return press(a, "2") }

// send delivers one message to the app and runs what it leads to.
func ptSend(a *App, msg tea.Msg) *App {
	a, cmd := appUpdate(a, msg)
	return drain(a, cmd, appUpdate)
}

// ptPaste types a whole field at once: huh's inputs answer each key with a
// cursor blink that drain waits for, a ptPaste costs one wait per field.
func ptPaste(a *App, s string) *App { return ptSend(a, tea.PasteMsg{Content: s}) }

func ptPgDown(a *App) *App { return ptSend(a, tea.KeyPressMsg{Code: tea.KeyPgDown}) }

func ptText(a *App) string { return ansi.Strip(a.View().Content) }

func ptAll(t *testing.T, db *storage.DB) []patients.Patient {
	t.Helper()
	ps, err := db.Patients(context.Background(), patients.PatientFilter{IncludeArchived: true})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func ptFind(t *testing.T, db *storage.DB, first string) (patients.Patient, bool) {
	t.Helper()
	for _, p := range ptAll(t, db) {
		if p.FirstName == first {
			return p, true
		}
	}
	return patients.Patient{}, false
}

// ptOpen searches the list and opens the first match.
func ptOpen(a *App, name string) *App {
	a = press(a, "/")
	a = typeInto(a, name)
	return press(a, "enter")
}

func TestPatientsSearchIgnoresAccentsAndCase(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	lefevre := patients.Patient{BirthName: "Lefèvre", FirstName: "Éliane", Sex: patients.Female,
		Address: patients.Address{Line: "2 Rue des Écoles", PostalCode: "62100", City: "Calais"}}
	if err := db.SavePatient(context.Background(), &lefevre); err != nil {
		t.Fatal(err)
	}
	a := ptShow(startApp(t, d, 120, 40))
	want := fmt.Sprintf("Patients %d", len(ptAll(t, db)))
	if got := ptText(a); !strings.Contains(got, want) {
		t.Fatalf("the list does not say %q:\n%s", want, got)
	}
	for _, tc := range []struct {
		query     string
		want, not []string
		count     string
	}{
		{"lefevre", []string{"LEFÈVRE Éliane", "⚠ sans coordonnées"}, []string{"LEFEBVRE Yvette"}, "1 sur 67"},
		{"LEFÈVRE", []string{"LEFÈVRE Éliane"}, nil, "1 sur 67"},
		{"lepretre", []string{"LEPRÊTRE Madeleine", "LEPRÊTRE Robert"}, []string{"LEROUX"}, "2 sur 67"},
		{"noel", []string{"NOËL Christiane"}, nil, "1 sur 67"},
		// By town, street and postcode.
		{"marck", []string{"BÉTOURNÉ Yves", "DELATTRE Henri", "DELATTRE Suzanne", "NOËL Christiane", "VASSEUR Paul"}, []string{"LEROUX"}, "16 sur 67"},
		{"ecoles calais", []string{"LEFÈVRE Éliane", "HAMY Chantal"}, []string{"DUFOUR Bernard"}, "2 sur 67"},
		{"62137", []string{"HOCHART Denise", "TILLIER Colette"}, []string{"Calais"}, "22 sur 67"},
		// The birth name is searched too: Mme Martin was born Vandewalle.
		{"vandewalle", []string{"MARTIN Odette"}, []string{"MARTIN René"}, "1 sur 67"},
		{"zzz", []string{"Aucun patient ne correspond à « zzz »"}, nil, "0 sur 67"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			a := press(a, "/")
			a = typeInto(a, tc.query)
			got := ptText(a)
			for _, w := range append(tc.want, "Patients "+tc.count) {
				if !strings.Contains(got, w) {
					t.Errorf("search %q: %q missing:\n%s", tc.query, w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("search %q: %q should be filtered out:\n%s", tc.query, n, got)
				}
			}
			if !a.capturing() {
				t.Error("the search field does not capture the keys")
			}
			a = press(a, "esc")
			if got := ptText(a); !strings.Contains(got, want) || a.capturing() {
				t.Errorf("esc does not clear and leave the search:\n%s", got)
			}
		})
	}
}

func TestPatientsListMovesAndOpens(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 80, 24))
	if !strings.Contains(ptText(a), "▸ BERTIN Louis") {
		t.Fatalf("the cursor is not on the first patient:\n%s", ptText(a))
	}
	a = press(a, "j", "down", "k")
	if !strings.Contains(ptText(a), "▸ BÉTOURNÉ Yves") {
		t.Fatalf("j, down, k should leave the cursor on the second patient:\n%s", ptText(a))
	}
	// Far down the list, the rows scroll with the cursor.
	for range 30 {
		a = press(a, "j")
	}
	got := ptText(a)
	if strings.Contains(got, "BERTIN Louis") || !strings.Contains(got, "▸ ") {
		t.Fatalf("the list did not scroll with the cursor:\n%s", got)
	}
	a = press(a, "enter")
	if a.patients.mode != fileMode || !a.patients.file.ready {
		t.Fatalf("enter did not open the file:\n%s", ptText(a))
	}
	a = press(a, "esc")
	if a.patients.mode != listMode {
		t.Fatal("esc did not go back to the list")
	}
}

func TestPatientsArchivedAreHiddenUntilAsked(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	gone := patients.Patient{BirthName: "Ancien", FirstName: "Jules", Archived: true}
	if err := db.SavePatient(context.Background(), &gone); err != nil {
		t.Fatal(err)
	}
	a := ptShow(startApp(t, d, 120, 80))
	if got := ptText(a); strings.Contains(got, "ANCIEN Jules") || !strings.Contains(got, fmt.Sprintf("Patients %d", len(ptAll(t, db))-1)) {
		t.Fatalf("an archived patient is listed by default:\n%s", got)
	}
	a = press(a, "v")
	got := ptText(a)
	if !strings.Contains(got, "ANCIEN Jules") || !strings.Contains(got, "archivé") || !strings.Contains(got, "archivés inclus") {
		t.Fatalf("v does not show the archived patients:\n%s", got)
	}
	a = press(a, "v")
	if strings.Contains(ptText(a), "ANCIEN Jules") {
		t.Error("v again does not hide them")
	}
}

func TestPatientsFileShowsAccessFirst(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 120, 80))
	a = ptOpen(a, "leroux marcelle")
	got := ptText(a)
	for _, w := range []string{
		"LEROUX Marcelle · 88 ans",
		"Née le 11 janvier 1938 · nom de naissance DELPIERRE · INS qualifiée",
		"33 Boulevard Jacquard, 62100 Calais",
		"Digicode : 4B27A",
		"Digicode 4B27A (fictif). Sonner 2 fois.",
		"Médecin traitant : ",
		"Insuline — Injection d'insuline + contrôle glycémique (matin)",
		"tous les jours (depuis le 05/01/2026) · 8h10–9h20 · 10 min",
		"⚠ horaire strict",
		"Pilulier — Préparation du pilulier hebdomadaire",
		"le lundi, jusqu'au vendredi 31 décembre 2027 (depuis le 05/01/2026) · 16h30–18h30 · 15 min",
		"samedi 21 novembre 7h20 · Karim Benali",
		"Cible : Glycémie",
		"D : Glycémie capillaire à jeun 2,85 g/L.",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("%q missing from the file:\n%s", w, got)
		}
	}
	access, contacts := strings.Index(got, "\nAccès"), strings.Index(got, "\nContacts")
	if access < 0 || contacts < 0 || access > contacts {
		t.Errorf("access notes (at %d) must come before contacts (at %d):\n%s", access, contacts, got)
	}
	if strings.Contains(got, "sans coordonnées") {
		t.Error("a patient with coordinates is flagged without")
	}

	a = press(a, "t")
	if a.active != transmissionsTab {
		t.Errorf("t should open the transmission form on screen 3, active screen is %d", a.active)
	}
}

func TestPatientsFileNextCarePlan(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 100, 60))
	a = ptOpen(a, "leroux marcelle")
	if a.patients.Keys().ShortHelp()[4].Enabled() {
		t.Error("« modifier le soin » is offered before a care plan is selected")
	}
	a = press(a, "p")
	got := ptText(a)
	if !strings.Contains(got, "▸ Insuline — Injection d'insuline + contrôle glycémique (matin)") {
		t.Fatalf("p does not select the first care plan:\n%s", got)
	}
	a = press(a, "p", "enter")
	if a.patients.mode != carePlanFormMode {
		t.Fatalf("enter on a selected care plan does not open its form:\n%s", ptText(a))
	}
	if got := ptText(a); !strings.Contains(got, "Modifier le soin · LEROUX Marcelle") {
		t.Fatalf("the care plan form is not the second plan's:\n%s", got)
	}
	if d := a.patients.plan.draft; d.label != "Préparation du pilulier hebdomadaire" || d.windows != "16:30-18:30" {
		t.Errorf("the form is not bound to the selected plan: %+v", d)
	}
}

func TestPatientsAddThroughForm(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	before := len(ptAll(t, db))
	a := ptShow(startApp(t, d, 80, 24))
	a = press(a, "a")
	if !a.capturing() || !strings.Contains(ptText(a), "Nouveau patient") {
		t.Fatalf("a does not open the form:\n%s", ptText(a))
	}
	a = ptPaste(a, "Lefèvre")
	a = press(a, "tab", "tab")
	a = ptPaste(a, "Éliane Marie")
	a = press(a, "tab")
	a = ptPaste(a, "14/07/1941")
	a = press(a, "tab")
	a = ptSend(a, tea.KeyPressMsg{Code: tea.KeyLeft})
	a = ptSend(a, tea.KeyPressMsg{Code: tea.KeyLeft}) // « Non renseigné » → Homme → Femme
	a = press(a, "tab")
	a = ptPaste(a, "portable : 06 12 34 56 78 ; fille : 03 21 00 00 00")
	a = ptPgDown(a)
	a = ptPaste(a, "2 rue des Écoles")
	a = ptPgDown(a)
	a = ptPaste(a, "4B27")
	a = press(a, "ctrl+s")

	got := ptText(a)
	if !strings.Contains(got, "Patient enregistré") || !strings.Contains(got, "LEFÈVRE Éliane Marie") {
		t.Fatalf("after saving, the new file is not shown:\n%s", got)
	}
	if !strings.Contains(got, "⚠ sans coordonnées") {
		t.Errorf("a patient without coordinates is not flagged on the file:\n%s", got)
	}
	p, ok := ptFind(t, db, "Éliane Marie")
	if !ok || len(ptAll(t, db)) != before+1 {
		t.Fatal("the patient was not stored")
	}
	cab, err := db.Cabinet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := patients.Phone{Label: "portable", Number: "06 12 34 56 78"}
	switch {
	case p.BirthName != "Lefèvre" || p.UsedName != "":
		t.Errorf("names: %q %q", p.BirthName, p.UsedName)
	case p.BirthDate != patients.NewDate(1941, time.July, 14):
		t.Errorf("birth date %v", p.BirthDate)
	case p.Sex != patients.Female:
		t.Errorf("sex %q", p.Sex)
	case len(p.Phones) != 2 || p.Phones[0] != want || p.Phones[1].Label != "fille":
		t.Errorf("phones %+v", p.Phones)
	case p.Address.Line != "2 rue des Écoles" || p.Address.HasCoordinates():
		t.Errorf("address %+v", p.Address)
	case p.Access.DoorCode != "4B27":
		t.Errorf("access %+v", p.Access)
	case p.PrimaryNurse != cab.CurrentNurse:
		t.Errorf("primary nurse %v, want the author %v", p.PrimaryNurse, cab.CurrentNurse)
	}

	a = press(a, "esc", "/")
	a = typeInto(a, "lefevre")
	if got := ptText(a); !strings.Contains(got, "LEFÈVRE Éliane Marie") || !strings.Contains(got, "⚠ sans coordonnées") {
		t.Errorf("the list does not show the new patient, flagged:\n%s", got)
	}
}

func TestPatientsEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	orig, _ := ptFind(t, db, "Marcelle")
	a := ptShow(startApp(t, d, 80, 24))
	a = ptOpen(a, "leroux marcelle")
	a = press(a, "e", "tab", "tab")
	a = ptPaste(a, "e") // « Marcelle » → « Marcellee », then back
	a = press(a, "backspace", "ctrl+s")
	if !strings.Contains(ptText(a), "Patient enregistré") {
		t.Fatalf("the edit was not saved:\n%s", ptText(a))
	}
	p, _ := ptFind(t, db, "Marcelle")
	if p.ID != orig.ID || p.INS == nil || *p.INS != *orig.INS || len(p.Contacts) != len(orig.Contacts) ||
		p.Address != orig.Address || p.Household != orig.Household || p.BirthDate != orig.BirthDate {
		t.Errorf("an edit lost data:\nbefore %+v\nafter  %+v", orig, p)
	}
}

func TestPatientsFormShowsErrorsInline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fill  func(*App) *App
		wants []string
	}{
		{"empty name", func(a *App) *App { return a }, []string{
			"⚠ le nom du patient est obligatoire", "⚠ le prénom du patient est obligatoire"}},
		{"birth date in the future", func(a *App) *App {
			a = ptPaste(a, "Durand")
			a = press(a, "tab", "tab")
			a = ptPaste(a, "Paul")
			a = press(a, "tab")
			return ptPaste(a, "01/01/2030")
		}, []string{"⚠ la date de naissance est dans le futur"}},
		{"unreadable phone", func(a *App) *App {
			a = ptPaste(a, "Durand")
			a = press(a, "tab", "tab")
			a = ptPaste(a, "Paul")
			a = press(a, "tab", "tab", "tab")
			return ptPaste(a, "fils : 06 12 AB")
		}, []string{"⚠ numéro de téléphone illisible"}},
		{"bad coordinates", func(a *App) *App {
			a = ptPaste(a, "Durand")
			a = press(a, "tab", "tab")
			a = ptPaste(a, "Paul")
			a = ptPgDown(a)
			a = press(a, "tab", "tab", "tab", "tab")
			return ptPaste(a, "cinquante, deux")
		}, []string{"⚠ latitude illisible « cinquante »"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, db := testDeps(t)
			before := len(ptAll(t, db))
			a := ptShow(startApp(t, d, 100, 40))
			a = tc.fill(press(a, "a"))
			a = press(a, "ctrl+s")
			got := ptText(a)
			for _, w := range tc.wants {
				if !strings.Contains(got, w) {
					t.Errorf("%q not shown in the form:\n%s", w, got)
				}
			}
			if a.patients.mode != patientFormMode || strings.Contains(got, "Patient enregistré") {
				t.Errorf("the form closed on an invalid patient:\n%s", got)
			}
			if n := len(ptAll(t, db)); n != before {
				t.Errorf("%d patients stored, want %d: nothing must be saved", n, before)
			}
		})
	}
}

func TestPatientsFormFieldCheck(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 100, 40))
	a = press(a, "a", "tab", "tab", "tab")
	a = ptPaste(a, "31/02/1950")
	a = press(a, "tab")
	got := ptText(a)
	if !strings.Contains(got, "le 31 février n'existe pas : février 1950 compte 28 jours") {
		t.Errorf("a date that does not exist is not refused at the field, with why:\n%s", got)
	}
}

// ptBANIndex imports a few addresses into the test database, with the header
// of the shared sample file (which holds no rows).
func ptBANIndex(t *testing.T, db *storage.DB) {
	t.Helper()
	head, err := os.ReadFile("../../shared/data/ban-sample-62.csv")
	if err != nil {
		t.Fatalf("BAN sample header not found (%v): the address autocompletion test needs ../../shared/data next to the repository", err)
	}
	cols := strings.Split(strings.TrimSpace(string(head)), ";")
	row := func(vals map[string]string) string {
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = vals[c]
		}
		return strings.Join(out, ";")
	}
	lines := []string{strings.TrimSpace(string(head))}
	for _, r := range []struct{ num, voie, cp, insee, town, lon, lat string }{
		{"12", "Rue des Goélands", "62100", "62193", "Calais", "1.851234", "50.951234"},
		{"14", "Rue des Goélands", "62100", "62193", "Calais", "1.851434", "50.951434"},
		{"3", "Rue des Goélands", "62730", "62548", "Marck", "1.950111", "50.948111"},
		{"5", "Rue de la Mer", "62100", "62193", "Calais", "1.850000", "50.960000"},
	} {
		lines = append(lines, row(map[string]string{
			"id": r.insee + "_0001_000" + r.num, "numero": r.num, "nom_voie": r.voie, "code_postal": r.cp,
			"code_insee": r.insee, "nom_commune": r.town, "lon": r.lon, "lat": r.lat,
		}))
	}
	rd, err := geo.NewReader(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := db.GeoImport(context.Background(), rd, nil); err != nil || res.Skipped > 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
}

func TestPatientsAddressAutocomplete(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	ptBANIndex(t, db)
	a := ptShow(startApp(t, d, 100, 40))
	a = press(a, "a")
	a = ptPaste(a, "Caron")
	a = press(a, "tab", "tab")
	a = ptPaste(a, "Odile")
	a = ptPgDown(a)
	a = typeInto(a, "12 rue des goelan")
	got := ptText(a)
	if !strings.Contains(got, "12 Rue des Goélands, 62100 Calais") || !strings.Contains(got, "Rue des Goélands, 62730 Marck") {
		t.Fatalf("no candidates under the street:\n%s", got)
	}
	if !strings.Contains(got, " %") || strings.Contains(got, "Aucune base d'adresses") {
		t.Errorf("candidates come without their score, or with the no-index hint:\n%s", got)
	}
	a = press(a, "down", "enter")
	got = ptText(a)
	if !strings.Contains(got, "50.951234, 1.851234") || !strings.Contains(got, "Base Adresse Nationale") {
		t.Fatalf("the pick did not fill the coordinates:\n%s", got)
	}
	a = press(a, "ctrl+s")
	p, ok := ptFind(t, db, "Odile")
	if !ok {
		t.Fatalf("not saved:\n%s", ptText(a))
	}
	want := patients.Address{Line: "12 Rue des Goélands", PostalCode: "62100", City: "Calais",
		Point: orb.Point{1.851234, 50.951234}, Source: patients.CoordBAN}
	if p.Address != want {
		t.Errorf("address %+v\nwant    %+v", p.Address, want)
	}
}

func TestPatientsTypedCoordinates(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	d.Addresses = nil
	a := ptShow(startApp(t, d, 100, 40))
	a = press(a, "a")
	a = ptPaste(a, "Caron")
	a = press(a, "tab", "tab")
	a = ptPaste(a, "Odile")
	a = ptPgDown(a)
	if got := ptText(a); !strings.Contains(got, "Aucune base d'adresses importée (tournee geo import) : tapez les coordonnées, ex. 50.95, 1.85") {
		t.Errorf("without an address index, the hint is missing:\n%s", got)
	}
	a = press(a, "tab", "tab", "tab", "tab")
	a = typeInto(a, "50,95 ; 1,85")
	a = press(a, "ctrl+s")
	p, ok := ptFind(t, db, "Odile")
	if !ok {
		t.Fatalf("not saved:\n%s", ptText(a))
	}
	if p.Address.Point != (orb.Point{1.85, 50.95}) || p.Address.Source != patients.CoordManual {
		t.Errorf("typed coordinates: %+v", p.Address)
	}
}

func TestPatientsNoIndexHint(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t) // the demo database has no address index
	a := ptShow(startApp(t, d, 100, 40))
	a = press(a, "a")
	a = ptPgDown(a)
	if strings.Contains(ptText(a), "Aucune base d'adresses") {
		t.Error("the hint is shown before the index was asked")
	}
	a = typeInto(a, "rue du moulin")
	if got := ptText(a); !strings.Contains(got, "Aucune base d'adresses importée (tournee geo import) : tapez les") {
		t.Errorf("the index answered ErrNoIndex, the hint is missing:\n%s", got)
	}
}

// ptGeocoder answers every query with the same candidates.
type ptGeocoder struct{ cands []geo.Candidate }

func (f ptGeocoder) GeoFind(context.Context, string, int) ([]geo.Candidate, error) {
	return f.cands, nil
}

func TestAddressDropsStaleAnswers(t *testing.T) {
	t.Parallel()
	c := geo.Candidate{Label: "3 Rue de la Mer, 62100 Calais", Lon: 1.85, Lat: 50.96, Score: 0.9}
	a := newAddressInput(ptGeocoder{[]geo.Candidate{c}}, newStyles(true), patients.Address{}, 0)
	a.Focus()
	var cmd tea.Cmd
	for _, msg := range typeText("rue de la m") {
		a, cmd = a.Update(msg)
	}
	if cmd == nil {
		t.Fatal("typing a street schedules no lookup")
	}
	old := a.seq - 1
	if _, cmd := a.Update(addressDebounceMsg{seq: old}); cmd != nil {
		t.Error("a stale debounce tick starts a lookup")
	}
	a, _ = a.Update(addressFoundMsg{seq: old, cands: []geo.Candidate{c}})
	if len(a.cands) != 0 {
		t.Error("an answer to an older text was shown")
	}
	_, cmd = a.Update(addressDebounceMsg{seq: a.seq})
	if cmd == nil {
		t.Fatal("the current tick starts no lookup")
	}
	a, _ = a.Update(cmd())
	if len(a.cands) != 1 || !strings.Contains(a.View(nil), "3 Rue de la Mer, 62100 Calais") || !strings.Contains(a.View(nil), "90 %") {
		t.Errorf("the current answer is not shown:\n%s", ansi.Strip(a.View(nil)))
	}
	// Typing again invalidates the answer on its way.
	inflight := a.seq
	a, _ = a.Update(keyPress("e"))
	a, _ = a.Update(addressFoundMsg{seq: inflight})
	if len(a.cands) != 1 {
		t.Error("an answer to an older text replaced the candidates")
	}
}

func TestAddressEditForgetsDerivedPoint(t *testing.T) {
	t.Parallel()
	addr := patients.Address{Line: "33 Boulevard Jacquard", PostalCode: "62100", City: "Calais",
		Point: orb.Point{1.85, 50.95}, Source: patients.CoordImported}
	a := newAddressInput(nil, newStyles(true), addr, 0)
	if got, err := a.address(addr); err != nil || got != addr {
		t.Fatalf("an untouched address changed: %+v %v", got, err)
	}
	a.Focus()
	a, _ = a.Update(keyPress("x"))
	got, err := a.address(addr)
	if err != nil || got.HasCoordinates() || got.Line != "33 Boulevard Jacquardx" {
		t.Errorf("a changed street keeps the old point: %+v %v", got, err)
	}
	if !strings.Contains(ansi.Strip(a.View(nil)), "Coordonnées effacées") {
		t.Error("the nurse is not told the coordinates were dropped")
	}
}

func TestPatientsCarePlanForm(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	pat, _ := ptFind(t, db, "Marcelle")
	before, err := db.CarePlans(context.Background(), pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := ptShow(startApp(t, d, 100, 60)) // tall: her treatments come before the care plans
	a = ptOpen(a, "leroux marcelle")
	a = press(a, "c", "tab")
	a = ptPaste(a, "Injection HBPM")
	a = press(a, "tab", "tab", "tab", "tab", "tab") // duration 15, frequency, start, end
	a = ptPaste(a, "19h-18h")
	a = press(a, "ctrl+s")
	if got := ptText(a); !strings.Contains(got, "⚠ la plage horaire se termine (18:00) avant de commencer (19:00)") {
		t.Fatalf("a reversed window is not refused inline:\n%s", got)
	}
	if plans, _ := db.CarePlans(context.Background(), pat.ID); len(plans) != len(before) {
		t.Fatal("an invalid care plan was stored")
	}
	// The form reopened on the page of the error, in the faulty field.
	a = ptSend(a, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clears the field
	a = ptPaste(a, "7h30-8h ; 18h-19h")
	a = press(a, "ctrl+s")
	if got := ptText(a); !strings.Contains(got, "Soin enregistré") ||
		!strings.Contains(got, "Injection — Injection HBPM") || !strings.Contains(got, "7h30–8h00 et 18h00–19h00") {
		t.Fatalf("the new plan is not on the file:\n%s", got)
	}
	plans, _ := db.CarePlans(context.Background(), pat.ID)
	i := slices.IndexFunc(plans, func(c patients.CarePlan) bool { return c.Label == "Injection HBPM" })
	if i < 0 {
		t.Fatal("the care plan was not stored")
	}
	c := plans[i]
	wantWindows := []patients.Window{{Start: patients.Clock(7, 30), End: patients.Clock(8, 0)}, {Start: patients.Clock(18, 0), End: patients.Clock(19, 0)}}
	if c.Kind != patients.Injection || c.DurationMin != 15 || !slices.Equal(c.Windows, wantWindows) ||
		c.Recurrence.Kind != patients.Daily || c.Recurrence.Start != patients.DateOf(testNow) {
		t.Errorf("stored plan %+v", c)
	}
}

func win(start, end int) patients.Window {
	return patients.Window{Start: patients.TimeOfDay(start), End: patients.TimeOfDay(end)}
}

func TestCarePlanParsers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []patients.Window
		ok   bool
	}{
		{"07:30-08:00", []patients.Window{win(450, 480)}, true},
		{"7h30-8h ; 18h-19h", []patients.Window{win(450, 480), win(1080, 1140)}, true},
		{"7h30 – 8h, 20h", []patients.Window{win(450, 480), win(1200, 1200)}, true},
		{"8h à 9h", []patients.Window{win(480, 540)}, true},
		{"", nil, false},
		{"7h-8h ; 12h-13h ; 18h-19h", nil, false},
		{"midi", nil, false},
	} {
		got, err := parseWindows(tc.in)
		if (err == nil) != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("parseWindows(%q) = %v, %v", tc.in, got, err)
		}
	}
	today := patients.DateOf(testNow)
	for in, ok := range map[string]bool{"": true, "11/01/1938": true, "1938-01-11": true, "31/02/1950": false,
		"24/11/2026": false, "01/01/1850": false, "hier": false} {
		if _, err := parseBirthDate(in, today); (err == nil) != ok {
			t.Errorf("parseBirthDate(%q): %v", in, err)
		}
	}
}

func TestPatientDraftRoundTrips(t *testing.T) {
	t.Parallel()
	alerts := []patients.Alert{
		{Kind: patients.AlertVisiteADeux, Text: "Visite à deux : transferts au lève-personne"},
		{Kind: patients.AlertSafety, Text: "Oxygène : ne pas fumer"},
		{Kind: patients.AlertInfo, Text: "Aide à domicile de 9h à 10h"},
	}
	if got := parseAlerts(formatAlerts(alerts)); !slices.Equal(got, alerts) {
		t.Errorf("alerts round trip: %+v", got)
	}
	phones := []patients.Phone{{Label: "portable", Number: "06 12 34 56 78"}, {Number: "03 21 00 00 00"}}
	if got := parsePhones(formatPhones(phones)); !slices.Equal(got, phones) {
		t.Errorf("phones round trip: %+v", got)
	}
	if got := splitList(" pénicilline, iode ;latex,, "); !slices.Equal(got, []string{"pénicilline", "iode", "latex"}) {
		t.Errorf("splitList: %q", got)
	}
	for _, tc := range []struct {
		birth patients.Date
		want  int
	}{{patients.NewDate(1938, 1, 11), 88}, {patients.NewDate(1938, 11, 23), 88}, {patients.NewDate(1938, 11, 24), 87}} {
		if got := ageOn(tc.birth, patients.DateOf(testNow)); got != tc.want {
			t.Errorf("ageOn(%v) = %d, want %d", tc.birth, got, tc.want)
		}
	}
}

func TestPatientsGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		d, db := testDeps(t)
		// One patient without coordinates, so the flag shows in the list.
		extra := patients.Patient{BirthName: "Abraham", FirstName: "Léon", Sex: patients.Male,
			BirthDate: patients.NewDate(1947, 3, 2), Address: patients.Address{Line: "8 Rue Royale", PostalCode: "62100", City: "Calais"},
			Alerts: []patients.Alert{{Kind: patients.AlertSafety, Text: "Chien agressif : appeler avant d'entrer"}}}
		if err := db.SavePatient(context.Background(), &extra); err != nil {
			t.Fatal(err)
		}
		a := ptShow(startApp(t, d, sz[0], sz[1]))
		size := fmt.Sprintf("%dx%d", sz[0], sz[1])
		t.Run("list_"+size, func(t *testing.T) { golden.RequireEqual(t, ptText(a)) })
		f := ptOpen(fork(a), "leroux marcelle")
		t.Run("file_"+size, func(t *testing.T) { golden.RequireEqual(t, ptText(f)) })
		f = press(f, "p")
		t.Run("file_plan_"+size, func(t *testing.T) { golden.RequireEqual(t, ptText(f)) })
		e := press(a, "a", "ctrl+s")
		t.Run("form_errors_"+size, func(t *testing.T) { golden.RequireEqual(t, ptText(e)) })
	}
}
