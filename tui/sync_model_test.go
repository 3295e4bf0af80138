package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/cabinetsync"
)

func TestSyncUnavailable(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := press(startApp(t, d, 80, 24), "5", "enter", "s", "e")
	out := screenText(a)
	if !strings.Contains(out, "La synchronisation n'est pas disponible sur ce poste.") || strings.Contains(out, "Dossier :") {
		t.Errorf("no explanation, or actions shown:\n%s", out)
	}
	if a.capturing() || len(a.sync.Keys().ShortHelp()) != 0 {
		t.Error("no action should be offered")
	}
	if a = press(a, "1"); a.active != roundTab {
		t.Error("the tabs should still switch")
	}
}

func TestSyncHelp(t *testing.T) {
	t.Parallel()
	f := &fakeSync{}
	a := press(startApp(t, syncDeps(t, f), 120, 40), "5", "?")
	out := screenText(a)
	for _, want := range []string{"Aide — Synchro", "synchroniser (sur le dossier)", "changer de dossier",
		"garder la valeur (sur un conflit)", "rétablir l'autre valeur", "5 synchro"} {
		if !strings.Contains(out, want) {
			t.Errorf("full help lacks %q:\n%s", want, out)
		}
	}
}

// TestSyncUpdateDoesNotBlock: enter returns the sync as a command without
// running it, and a sync whose progress nobody reads is never held up.
func TestSyncUpdateDoesNotBlock(t *testing.T) {
	t.Parallel()
	f := &fakeSync{gate: make(chan struct{})}
	for i := range 100 {
		f.progress = append(f.progress, cabinetsync.Progress{Stage: cabinetsync.Applying, Done: i, Total: 100})
	}
	d := Deps{Sync: f, SyncFolder: syncTestFolder, Now: func() time.Time { return testNow }}
	s := newSyncScreen(d, newStyles(true), nil)
	s.SetSize(80, 20)

	returned := make(chan struct{})
	var cmd tea.Cmd
	go func() {
		s, cmd = s.Update(keyPress("enter"))
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(30 * time.Second): // a bound for a deadlock, not a speed check
		t.Fatal("Update blocked on the sync")
	}
	if dirs, _ := f.calls(); len(dirs) != 0 || cmd == nil || s.state != syncRunning {
		t.Fatalf("the sync must come back as a command, not run in Update (%d calls)", len(dirs))
	}
	cmds, ok := asCmds(cmd())
	if !ok || len(cmds) != 2 {
		t.Fatalf("want the sync and its progress wait, got %T", cmd())
	}
	// One wait reads one report; the other 99 find the buffer full or no
	// reader, and must not hold the sync up.
	close(f.gate)
	done := make(chan tea.Msg, 2)
	for _, c := range cmds {
		go func() { done <- c() }()
	}
	got := 0
	for got < 2 {
		select {
		case msg := <-done:
			if _, ok := msg.(syncDoneMsg); ok {
				got = 2
			}
		case <-time.After(30 * time.Second): // a bound for a deadlock
			t.Fatal("the sync blocked on its progress reports")
		}
	}
}

// TestSyncFitsTheScreen: with a long report and many conflicts, in every
// state, the screen keeps to the terminal's size and the conflicts keep
// their room.
func TestSyncFitsTheScreen(t *testing.T) {
	t.Parallel()
	f := &fakeSync{report: syncReport()}
	d := syncDeps(t, f)
	for i := range 4 {
		f.report.Refused = append(f.report.Refused, cabinetsync.Refusal{Replica: replicaA,
			File: fmt.Sprintf("/media/cle-usb/tournee/%s/%06d.bundle", replicaA, i), Err: cabinetsync.ErrWrongKey})
	}
	f.report.Skews = append(f.report.Skews, cabinetsync.Skew{Replica: replicaA, Ahead: -12 * time.Minute})
	for range 6 {
		f.conflicts = append(f.conflicts, phoneConflict(t, d))
	}
	a := press(startApp(t, d, 120, 40), "5")
	check := func(state string, a *App) {
		t.Helper()
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {60, 20}, {40, 12}} {
			a, _ := appUpdate(fork(a), tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			out := screenText(a)
			lines := strings.Split(out, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%s %dx%d: %d lines", state, sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%s %dx%d: line %d is %d wide: %q", state, sz[0], sz[1], i, w, l)
				}
			}
			if sz[1] >= 24 && !strings.Contains(out, "HÉNON Paulette · téléphone") {
				t.Errorf("%s %dx%d: the conflicts lost their room:\n%s", state, sz[0], sz[1], out)
			}
		}
	}
	check("idle", a)
	a, cmd := appUpdate(a, keyPress("enter"))
	a, _ = appUpdate(a, syncProgressMsg{run: a.sync.run, p: cabinetsync.Progress{Stage: cabinetsync.Reading, Done: 2, Total: 3}})
	check("running", a)
	a, _ = pumpSync(t, a, cmd, f, 0)
	check("done", a)
	a = press(a, "down", "down", "down", "down", "down")
	check("scrolled", a)
	if out := screenText(a); !strings.Contains(out, "› HÉNON Paulette") {
		t.Errorf("the selected conflict is not shown:\n%s", out)
	}
}
