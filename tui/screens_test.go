package tui

import (
	"errors"
	"strings"
	"testing"
)

// A failure ends the busy state of the screen whose command failed, and of
// no other: a sync refused on the Synchro screen must not hide that the
// round is still being computed.
func TestErrorReachesItsScreenOnly(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	for _, c := range []struct {
		name      string
		from      origin
		stillBusy bool
	}{
		{"from the Synchro screen", originOf(syncTab), true},
		{"from the round", originOf(roundTab), false},
		{"from the app", noOrigin, false},
	} {
		a := startApp(t, d, 100, 30)
		a.round.busy = "Calcul de la tournée…"
		m, _ := a.Update(errMsg{"sync", errors.New("stick gone"), c.from})
		got := m.(*App)
		if busy := got.round.busy != ""; busy != c.stillBusy {
			t.Errorf("%s: round busy %v, want %v", c.name, busy, c.stillBusy)
		}
		if got.status == "" || !got.statusErr {
			t.Errorf("%s: the failure is not said in the status line", c.name)
		}
	}
}

// Every screen of the table answers its key and shows its name in front.
func TestScreenTable(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 120, 40)
	for id, sc := range screenTable {
		k := sc.key(a.keys).Keys()[0]
		m, _ := a.Update(keyPress(k))
		a = m.(*App)
		if a.active != screenID(id) {
			t.Errorf("key %q shows screen %d, want %d (%s)", k, a.active, id, sc.name)
		}
		if got := screenText(a); !strings.Contains(got, sc.name) {
			t.Errorf("%s not named with its screen in front:\n%s", sc.name, got)
		}
	}
}
