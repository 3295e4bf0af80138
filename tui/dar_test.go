package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tournee/patients"
)

func TestDARCibleSuggestions(t *testing.T) {
	t.Parallel()
	hist := []patients.Transmission{{Cible: "Pied diabétique"}, {Cible: "plaie"}, {Cible: " Pied diabétique "}, {Cible: ""}}
	got := cibleSuggestions(hist)
	if !slices.Equal(got[:2], []string{"Pied diabétique", "plaie"}) {
		t.Fatalf("patient's cibles not first, newest first: %v", got[:3])
	}
	seen := map[string]bool{}
	for _, c := range got {
		if seen[patients.Fold(c)] || c == "" {
			t.Fatalf("%q twice or empty in %v", c, got)
		}
		seen[patients.Fold(c)] = true
	}
	if len(got) != 2+len(darCibles)-1 { // « Plaie » is already there
		t.Fatalf("%d suggestions, want %d", len(got), 2+len(darCibles)-1)
	}
}

func TestDARCompletesCible(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "DUBOIS Gérard")
	tr := patients.Transmission{PatientID: p.ID, Cible: "Pied diabétique", Donnees: "Phlyctène au talon gauche.", At: testNow.AddDate(0, 0, -2)}
	if err := db.AddTransmission(context.Background(), &tr); err != nil {
		t.Fatal(err)
	}
	a := openTransmissions(t, d, 80, 24)
	a = press(a, "/")
	a = typeInto(a, "dubois")
	a = press(a, "enter", "n")
	a = typeInto(a, "pi")
	a = sendKey(a, tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	// bubbles keeps the letters typed and adds the rest of the suggestion.
	if got := a.trans.dar.draft.Cible; got != "pied diabétique" {
		t.Fatalf("ctrl+e completed %q, want the patient's own cible", got)
	}
	for range len("Pied diabétique") {
		a = press(a, "backspace")
	}
	a = typeInto(a, "glyc")
	a = sendKey(a, tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	if got := a.trans.dar.draft.Cible; got != "glycémie" {
		t.Fatalf("ctrl+e completed %q, want Glycémie", got)
	}
}

// helpOf is the help line of the screen, as words.
func helpOf(a *App) string {
	var out []string
	for _, b := range a.trans.Keys().ShortHelp() {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(out, " · ")
}

func TestDARHelpFollowsTheField(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "MARTIN Odette")
	a := startApp(t, d, 80, 24)
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
	a = drain(a, cmd, appUpdate)
	for _, step := range []struct {
		key, want string
	}{
		{"", "ctrl+e compléter la cible"},
		{"tab", "alt+entrée à la ligne"},
		{"tab", "alt+entrée à la ligne"},
		{"tab", "alt+entrée à la ligne"},
		{"tab", "espace cocher"},
	} {
		if step.key != "" {
			a = press(a, step.key)
		}
		h := helpOf(a)
		if !strings.Contains(h, step.want) || !strings.Contains(h, "ctrl+s enregistrer") || !strings.Contains(h, "échap annuler") {
			t.Errorf("in %s, help is %q; want %q, save and cancel", a.trans.dar.focused(), h, step.want)
		}
	}
	a = typeInto(a, "x")
	a = press(a, "esc")
	if h := helpOf(a); h != "o oui, abandonner · n non, continuer" {
		t.Errorf("help while asking: %q", h)
	}
}

func TestDARNewLineStaysInTheField(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	p := patientNamed(t, db, "MARTIN Odette")
	a := startApp(t, d, 80, 24)
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: p.ID})
	a = drain(a, cmd, appUpdate)
	a = typeInto(a, "Chute")
	a = press(a, "tab")
	a = typeInto(a, "Au sol")
	a = sendKey(a, tea.KeyPressMsg{Code: tea.KeyEnter, Mod: tea.ModAlt})
	a = typeInto(a, "Consciente")
	if got := a.trans.dar.draft.Donnees; got != "Au sol\nConsciente" || a.trans.dar.focused() == "Actions" {
		t.Fatalf("Données %q", got)
	}
}

// sendKey sends a key press helpers_test.go has no name for.
func sendKey(a *App, k tea.KeyPressMsg) *App {
	a, cmd := appUpdate(a, k)
	return drain(a, cmd, appUpdate)
}

func TestDARDates(t *testing.T) {
	t.Parallel()
	paris := patients.Paris()
	cases := []struct {
		at       time.Time
		when, of string
	}{
		{time.Date(2026, 11, 23, 6, 55, 0, 0, paris), "aujourd'hui, 6h55", "d'aujourd'hui à 6h55"},
		{time.Date(2026, 11, 22, 19, 10, 0, 0, paris), "hier, 19h10", "d'hier à 19h10"},
		{time.Date(2026, 11, 1, 8, 0, 0, 0, paris), "dimanche 1er novembre, 8h00", "du dimanche 1er novembre à 8h00"},
		{time.Date(2025, 12, 31, 23, 5, 0, 0, paris), "mercredi 31 décembre 2025, 23h05", "du mercredi 31 décembre 2025 à 23h05"},
		// Stored in UTC: the day and hour are Paris's, summer time included.
		{time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC), "mercredi 15 juillet, 0h30", "du mercredi 15 juillet à 0h30"},
	}
	for _, c := range cases {
		if got := transWhen(c.at, testNow); got != c.when {
			t.Errorf("transWhen(%v) = %q, want %q", c.at, got, c.when)
		}
		if got := transOf(c.at, testNow); got != c.of {
			t.Errorf("transOf(%v) = %q, want %q", c.at, got, c.of)
		}
	}
}

// TestDARTabMovesAtOnce: a fast typist's first letter after tab belongs to
// the next field, even when the tab's own commands have not run yet.
func TestDARTabMovesAtOnce(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 80, 24)
	v := a.round.rows[0]
	a, cmd := appUpdate(a, newTransmissionMsg{patientID: v.PatientID, visitID: v.ID})
	a = drain(a, cmd, appUpdate)
	a = typeInto(a, "plaie")
	var cmds []tea.Cmd
	for _, k := range []tea.Msg{keyPress("tab"), keyPress("R"), keyPress("o")} {
		a, cmd = appUpdate(a, k) // no command runs between the keys
		cmds = append(cmds, cmd)
	}
	a = drain(a, tea.Batch(cmds...), appUpdate)
	if got := a.trans.dar.draft; got.Cible != "plaie" || got.Donnees != "Ro" {
		t.Fatalf("cible %q, données %q: the letters after tab went to the wrong field", got.Cible, got.Donnees)
	}
}
