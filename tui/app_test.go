package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"tournee/cabinetsync"
	"tournee/patients"
)

// fakeClock is a clock tests move forward.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLockAfterIdleAndUnlock(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	clk := &fakeClock{t: testNow}
	d.Now, d.IdleLock, d.IdleCheck = clk.Now, 5*time.Minute, time.Millisecond
	a := startApp(t, d, 80, 24)
	name := a.round.byID[a.round.rows[0].PatientID].DisplayName()
	if !strings.Contains(screenText(a), name) {
		t.Fatalf("round not shown before the lock")
	}
	clk.Add(4 * time.Minute)
	a, _ = appUpdate(a, idleTickMsg{at: clk.Now()})
	if a.locked {
		t.Fatal("locked after 4 idle minutes, want 5")
	}
	clk.Add(time.Minute)
	a, _ = appUpdate(a, idleTickMsg{at: clk.Now()})
	if !a.locked {
		t.Fatal("not locked after 5 idle minutes")
	}
	out := screenText(a)
	if strings.Contains(out, name) || !strings.Contains(out, "verrouillée") {
		t.Fatalf("the lock screen must hide patients:\n%s", out)
	}
	// Keys go to the passphrase, not to the round behind it.
	a = press(a, "f")
	if v, _ := db.Visits(context.Background(), patients.DateOf(testNow)); v[0].Status == patients.Done && a.round.rows[0].Status == patients.Done {
		t.Fatal("a key typed on the lock screen marked a visit done")
	}
	a = press(a, "backspace")
	a = typeInto(a, "mauvaise")
	a = press(a, "enter")
	if !a.locked || !strings.Contains(screenText(a), "Phrase de passe incorrecte") {
		t.Fatalf("wrong passphrase: still locked with a message expected:\n%s", screenText(a))
	}
	a = typeInto(a, "demo")
	a = press(a, "enter")
	if a.locked {
		t.Fatal("right passphrase did not unlock")
	}
	if !strings.Contains(screenText(a), name) {
		t.Error("the round is not back after unlocking")
	}
	// ctrl+l locks at once.
	a = press(a, "ctrl+l")
	if !a.locked {
		t.Error("ctrl+l should lock")
	}
}

func TestHelpListsEveryKey(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 120, 40)
	a = press(a, "?")
	out := screenText(a)
	for _, want := range []string{"faite", "transmission", "retard de N min", "réoptimiser", "avancer la visite",
		"épingler", "infirmière suivante", "matin / soir", "jour précédent", "carte", "tournée", "patients",
		"verrouiller", "quitter"} {
		if !strings.Contains(out, want) {
			t.Errorf("full help lacks %q", want)
		}
	}
	a = press(a, "j")
	if a.help.ShowAll || a.round.cursor != 0 {
		t.Error("a key should close the help and do nothing else")
	}
}

func TestScreenSwitching(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 80, 24)
	for _, c := range []struct {
		keys string
		want screenID
	}{{"2", patientsTab}, {"3", transmissionsTab}, {"1", roundTab}, {"tab", patientsTab}, {"shift+tab", roundTab}, {"shift+tab", dataTab}, {"shift+tab", syncTab}, {"shift+tab", replacementTab}, {"shift+tab", transmissionsTab}, {"4", replacementTab},
		{"5", syncTab}, {"tab", dataTab}, {"tab", roundTab}, {"f5", syncTab}, {"6", dataTab}} {
		a = press(a, c.keys)
		if a.active != c.want {
			t.Fatalf("after %s: screen %d, want %d", c.keys, a.active, c.want)
		}
	}
}

// waitFor in a key list waits until the screen shows it before the next key
// (the minute is a bound for a hang, so that load never decides the verdict):
// a key pressed before its screen has loaded is rightly ignored.
type waitFor string

// runProgram drives the real program at a size until the screen shows
// want, then quits and returns the final frame without colours.
func runProgram(t *testing.T, d Deps, w, h int, want string, keys ...tea.Msg) string {
	t.Helper()
	tm := teatest.NewTestModel(t, New(d), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	// The day is ordered on opening; the round's summary (its kilometres)
	// is the last thing the start draws, so wait for it or it may land in
	// a later frame.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(" km ")) },
		teatest.WithDuration(time.Minute))
	for _, k := range keys {
		if w, ok := k.(waitFor); ok {
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(w)) },
				teatest.WithDuration(time.Minute))
			continue
		}
		tm.Send(k)
	}
	if want != "" {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(time.Minute))
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*App)
	return ansi.Strip(final.View().Content)
}

// TestScreens keeps a reviewed golden of each screen at the two sizes the
// nurse meets: a small laptop terminal and a large one.
func TestScreens(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range []struct {
			name  string
			want  string
			keys  []tea.Msg
			setup func(testing.TB, *Deps)
		}{
			{"round", "", nil, nil},
			{"round-map", "", []tea.Msg{keyPress("c")}, nil},
			{"help", "verrouiller", []tea.Msg{keyPress("?")}, nil},
			{"lock", "verrouillée", []tea.Msg{keyPress("ctrl+l")}, nil},
			{"patients", "BERTIN Louis", []tea.Msg{keyPress("2")}, nil},
			{"patients-search", "Rechercher", append([]tea.Msg{keyPress("2"), keyPress("/")}, typeText("calais")...), nil},
			{"patient-file", "Accès", append(append([]tea.Msg{keyPress("2"), keyPress("/")}, typeText("pruvost")...), keyPress("enter")), nil},
			// The birth date's hint comes from a command of its own (huh's
			// DescriptionFunc) after the form is drawn: wait for it, not for the title.
			{"patient-form", "vide si inconnue", []tea.Msg{keyPress("2"), keyPress("a")}, nil},
			{"transmissions", "Patients", []tea.Msg{keyPress("3")}, nil},
			{"dar-form", "Nouvelle transmission", []tea.Msg{keyPress("t")}, nil},
			{"dmp-preview", "Synthèse de soins", append(append([]tea.Msg{keyPress("2"), keyPress("/")}, typeText("leroux")...), keyPress("enter"), waitFor("Accès"), keyPress("d")), nil},
			{"replacement", "Préparer un remplacement", []tea.Msg{keyPress("4")}, nil},
			// After a sync with a report of every kind and one conflict left.
			{"sync", "Synchronisation terminée", []tea.Msg{keyPress("5"), waitFor("Conflits à confirmer (1)"), keyPress("enter")},
				func(t testing.TB, d *Deps) {
					d.Sync = &fakeSync{report: syncReport(), conflicts: []cabinetsync.Conflict{phoneConflict(t, *d)}}
					d.SyncFolder = syncTestFolder
				}},
		} {
			t.Run(c.name+"-"+sizeName(sz), func(t *testing.T) {
				t.Parallel()
				d, _ := testDeps(t)
				// A fixed folder: the form shows the file's path.
				d.ReplacementFolder = "/media/cle/remplacement"
				if c.setup != nil {
					c.setup(t, &d)
				}
				golden.RequireEqual(t, runProgram(t, d, sz[0], sz[1], c.want, c.keys...))
			})
		}
	}
}

func sizeName(sz [2]int) string {
	return fmt.Sprintf("%dx%d", sz[0], sz[1])
}

// TestColourProfiles: on a 16-colour terminal only the 16 basic colours are
// sent, and with NO_COLOR (the Ascii profile) none at all; the flags stay
// readable because each has a glyph as well as a colour.
func TestColourProfiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		profile colorprofile.Profile
		banned  []string
	}{
		{"16-colours", colorprofile.ANSI, []string{"38;2;", "38;5;", "48;2;", "48;5;"}},
		{"no-colour", colorprofile.Ascii, []string{"38;2;", "38;5;", "48;2;", "48;5;", "[31m", "[32m", "[33m", "[34m", "[35m", "[91m", "[92m", "[93m", "[94m", "[95m", ";31m", ";32m", ";33m", ";34m", ";35m", ";91m", ";92m", ";93m", ";94m", ";95m"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, _ := testDeps(t)
			tm := teatest.NewTestModel(t, New(d), teatest.WithInitialTermSize(120, 40),
				teatest.WithProgramOptions(tea.WithColorProfile(c.profile)))
			var out bytes.Buffer
			teatest.WaitFor(t, io.TeeReader(tm.Output(), &out), func(b []byte) bool { return bytes.Contains(b, []byte("prochaine visite")) },
				teatest.WithDuration(time.Minute))
			tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
			raw := out.String()
			for _, b := range c.banned {
				if strings.Contains(raw, b) {
					t.Errorf("%s output contains %q", c.name, b)
				}
			}
			if !strings.Contains(raw, "⏱") {
				t.Error("strict windows must keep their glyph without colour")
			}
		})
	}
}

// A base opened read-only (full disk) says so in the header, and a save
// fails with the French reason.
func TestReadOnlyShowsAndExplains(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	d.ReadOnly = true
	a := startApp(t, d, 120, 40)
	if !strings.Contains(screenText(a), "lecture seule : disque plein") {
		t.Fatalf("no read-only badge:\n%s", screenText(a))
	}
	if got := userMessage(fmt.Errorf("save visits: %w", patients.ErrReadOnly)); !strings.Contains(got, "lecture seule") {
		t.Fatalf("read-only error worded %q", got)
	}
}
