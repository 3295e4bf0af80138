package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"tournee/patients"
)

// frozen shows one view and quits: the program's own renderer is what
// turns a view into the bytes the nurse's terminal receives.
type frozen struct{ v tea.View }

func (f frozen) Init() tea.Cmd                       { return tea.Quit }
func (f frozen) Update(tea.Msg) (tea.Model, tea.Cmd) { return f, nil }
func (f frozen) View() tea.View                      { return f.v }

// A name received from a crafted pack or bundle carries terminal escape
// sequences (clipboard write, screen clear, a hidden link, a bell): on the
// patient list, the terminal receives the letters and none of them.
func TestUserDataEscapesNeverReachTheTerminal(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	ctx := context.Background()
	ps, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil || len(ps) == 0 {
		t.Fatalf("patients: %v", err)
	}
	p := ps[0]
	p.UsedName = "ZORGLUB\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1b]8;;http://exemple.invalid\x07X\x1b]8;;\x07\x9b31m"
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	a := startApp(t, d, 120, 40)
	a = press(a, "2", "/")
	a = typeInto(a, "zorglub")
	var out bytes.Buffer
	prog := tea.NewProgram(frozen{a.View()}, tea.WithOutput(&out), tea.WithInput(&bytes.Buffer{}), tea.WithWindowSize(120, 40))
	if _, err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(strings.ToUpper(got), "ZORGLUB") {
		t.Fatalf("the patient is not on the screen:\n%q", got)
	}
	// The program sets its title and clears the screen itself: what must
	// be missing is the name's own sequences and their payloads.
	for _, bad := range []string{"\x1b]52", "SGVsbG8", "\x1b]8;", "exemple.invalid", "\x9b"} {
		if strings.Contains(got, bad) {
			t.Errorf("the terminal received %q from a patient's name", bad)
		}
	}
	if n := strings.Count(got, "\x1b[2J"); n > 1 {
		t.Errorf("the screen was cleared %d times: the name's clear reached the terminal", n)
	}
}
