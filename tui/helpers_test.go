package tui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/demo"
	"tournee/dmpexport"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/planner"
	"tournee/replacement"
	"tournee/storage"
	"tournee/testbase"
)

// testNow is Monday 23 November 2026, 07:10 in Paris: the morning round has begun.
var testNow = time.Date(2026, 11, 23, 7, 10, 0, 0, patients.Paris())

var testPass = []byte("demo")

// testDB is a real, sealed database seeded with the demo cabinet, the past
// three days done and today's round ordered, as the first screen of the day
// at testNow leaves it. Each test gets its own copy of one base made once
// per test binary: seeding writes four days of visits and derives a fresh
// key, and ordering the day is most of a short test's time; no test needs
// records that differ from another's.
func testDB(t testing.TB) *storage.DB {
	t.Helper()
	return copyOf(t, func(b testBases) string { return b.ordered })
}

// unorderedDB is the same base before anyone opened the app today: today's
// visits are built but never ordered, so the first screen orders them, at
// the clock the test chooses.
func unorderedDB(t testing.TB) *storage.DB {
	t.Helper()
	return copyOf(t, func(b testBases) string { return b.unordered })
}

func copyOf(t testing.TB, which func(testBases) string) *storage.DB {
	t.Helper()
	b, err := seededBases()
	if err != nil {
		t.Fatalf("seed the demo base: %v", err)
	}
	path := filepath.Join(t.TempDir(), "tournee.db")
	if err := testbase.Copy(which(b), path); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(path, testPass, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testPlan is the interface's planning in tests: a fixed budget, the same
// rounds on every run, fast under -race.
var testPlan = planner.Options{Iterations: 300, Seed: 1}

// testBases are the files of the two bases the tests copy, in basesDir.
type testBases struct{ unordered, ordered string }

var basesDir string

// seededBases seeds the demo base, then orders today in a copy of it as the
// round screen's first load does (the days brought in line with the care
// plans, today opened at testNow with testPlan): a test on the ordered base
// sees what it would have seen ordering the day itself.
var seededBases = sync.OnceValues(func() (testBases, error) {
	dir, err := os.MkdirTemp("", "tournee-tui-test-")
	if err != nil {
		return testBases{}, err
	}
	basesDir = dir
	b := testBases{unordered: filepath.Join(dir, "unordered.db"), ordered: filepath.Join(dir, "ordered.db")}
	if err := seedDemo(b.unordered); err != nil {
		return b, err
	}
	if err := testbase.Copy(b.unordered, b.ordered); err != nil {
		return b, err
	}
	db, err := storage.Open(b.ordered, testPass, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		return b, err
	}
	ctx, today := context.Background(), patients.DateOf(testNow)
	if _, err := dayplan.Reconcile(ctx, db, today); err != nil {
		db.Close()
		return b, err
	}
	if _, _, err := dayplan.Open(ctx, db, today, testNow, testPlan); err != nil {
		db.Close()
		return b, err
	}
	return b, db.Close()
})

// seedDemo creates the demo base at path and closes it.
func seedDemo(path string) error {
	db, err := storage.Create(path, testPass, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		return err
	}
	if err := seed(db); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

func seed(db *storage.DB) error {
	today := patients.DateOf(testNow)
	ds, err := demo.Load(today, xid.New)
	if err != nil {
		return err
	}
	for off := -3; off <= 0; off++ {
		d := today.AddDays(off)
		day, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, xid.New)
		if err != nil {
			return err
		}
		for _, v := range day.Visits {
			if off < 0 {
				v.Status, v.DoneAt, v.DoneBy = patients.Done, d.At(v.Window.Start).UTC(), v.NurseID
			}
			ds.Visits = append(ds.Visits, v)
		}
	}
	return db.Seed(context.Background(), ds)
}

// testDeps wires the interface to a demo database with the fixed clock.
func testDeps(t testing.TB) (Deps, *storage.DB) {
	return depsOn(t, testDB(t))
}

// unorderedDeps wires the interface to the base of a morning when nobody
// has opened the app yet (unorderedDB).
func unorderedDeps(t testing.TB) (Deps, *storage.DB) {
	return depsOn(t, unorderedDB(t))
}

func depsOn(t testing.TB, db *storage.DB) (Deps, *storage.DB) {
	return Deps{
		Store:     db,
		Addresses: db,
		Unlock:    db.CheckPassphrase,
		Now:       func() time.Time { return testNow },
		IdleLock:  -1,
		DMP: dmpexport.Service{Store: db, Exports: db, Render: pdfdoc.Render,
			Now: func() time.Time { return testNow }},
		DMPFolder:         filepath.Join(t.TempDir(), "DMP"),
		Replacement:       replacement.Service{Store: db, Now: func() time.Time { return testNow }},
		ReplacementFolder: filepath.Join(t.TempDir(), "remplacement"),
		Plan:              testPlan,
	}, db
}

// drain runs a command and every command it leads to, feeding each message
// back through update the way the program would. Commands of one round run
// concurrently and every one is waited for: real work (storage, a planning
// with a fixed iteration budget) however slow the machine, and the waits
// (cursor blinks, spinner ticks) which end within a second and whose
// messages are then dropped, since a synchronous test must not follow them.
// No verdict depends on the wall clock.
func drain[M any](m M, cmd tea.Cmd, update func(M, tea.Msg) (M, tea.Cmd)) M {
	queue := []tea.Cmd{cmd}
	for rounds := 0; len(queue) > 0 && rounds < 200; rounds++ {
		msgs := runAll(queue)
		queue = nil
		for len(msgs) > 0 {
			msg := msgs[0]
			msgs = msgs[1:]
			if cmds, ok := asCmds(msg); ok {
				msgs = append(msgs, runAll(cmds)...)
				continue
			}
			if isTick(msg) {
				continue
			}
			var next tea.Cmd
			m, next = update(m, msg)
			if next != nil {
				queue = append(queue, next)
			}
		}
	}
	return m
}

// cmdHang only guards against a command that never returns (a bug): the
// program would hang there too. Tests whose app ticks set IdleCheck short.
const cmdHang = 2 * time.Minute

// runAll runs commands concurrently and returns their messages, in the
// order of the commands.
func runAll(cmds []tea.Cmd) []tea.Msg {
	type result struct {
		i   int
		msg tea.Msg
	}
	ch := make(chan result, len(cmds))
	n := 0
	for i, c := range cmds {
		if c == nil || neverFires(c) {
			continue
		}
		n++
		go func() { ch <- result{i, c()} }()
	}
	got := make([]tea.Msg, len(cmds))
	deadline := time.After(cmdHang)
	for k := 0; k < n; k++ {
		select {
		case r := <-ch:
			got[r.i] = r.msg
		case <-deadline:
			k = n
		}
	}
	var out []tea.Msg
	for _, msg := range got {
		if msg != nil {
			out = append(out, msg)
		}
	}
	return out
}

// neverFires tells the commands that only wait for the clock to blink a
// cursor or turn a spinner: in a synchronous test the clock does not move,
// so they are not run at all — the screen stays as a terminal with blinking
// off shows it, and a key press costs no half-second wait. Recognised by
// the package of the function, the only handle a tea.Cmd offers.
func neverFires(c tea.Cmd) bool {
	name := runtime.FuncForPC(reflect.ValueOf(c).Pointer()).Name()
	return strings.HasPrefix(name, "charm.land/bubbles/v2/cursor.") || strings.HasPrefix(name, "charm.land/bubbles/v2/spinner.")
}

// asCmds unpacks tea.Batch and tea.Sequence messages (the latter's type is
// unexported, hence reflection).
func asCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		out := make([]tea.Cmd, v.Len())
		for i := range out {
			out[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return out, true
	}
	return nil, false
}

func isTick(msg tea.Msg) bool {
	switch msg.(type) {
	case idleTickMsg, spinner.TickMsg, cursor.BlinkMsg:
		return true
	}
	return false
}

// key builds a key press the way the terminal sends it.
func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "shift+up":
		return tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModShift}
	case "shift+down":
		return tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+l":
		return tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl}
	case "f5":
		return tea.KeyPressMsg{Code: tea.KeyF5}
	}
	r := []rune(s)
	if len(r) == 1 {
		return tea.KeyPressMsg{Code: r[0], Text: s}
	}
	panic("keyPress: unknown key " + s)
}

// typeText sends each rune of s as a key press.
func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		if r == ' ' {
			out = append(out, keyPress("space"))
			continue
		}
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// fork is a copy of the app to take another path from the same state, as
// a program never does: App is updated in place.
func fork(a *App) *App {
	c := *a
	return &c
}

// appUpdate adapts App.Update to drain.
func appUpdate(a *App, msg tea.Msg) (*App, tea.Cmd) {
	m, cmd := a.Update(msg)
	return m.(*App), cmd
}

// startApp builds the app at a size and runs its Init to completion.
func startApp(t testing.TB, d Deps, w, h int) *App {
	t.Helper()
	a := New(d)
	a, _ = appUpdate(a, tea.WindowSizeMsg{Width: w, Height: h})
	return drain(a, a.Init(), appUpdate)
}

// press sends keys to the app, running what they lead to.
func press(a *App, keys ...string) *App {
	for _, k := range keys {
		var cmd tea.Cmd
		a, cmd = appUpdate(a, keyPress(k))
		a = drain(a, cmd, appUpdate)
	}
	return a
}

// typeInto types text into the app, then runs what the keys led to, all at
// once: a key's cursor blink must not cost a wait per letter.
func typeInto(a *App, s string) *App {
	var cmds []tea.Cmd
	for _, msg := range typeText(s) {
		var cmd tea.Cmd
		a, cmd = appUpdate(a, msg)
		cmds = append(cmds, cmd)
	}
	return drain(a, tea.Batch(cmds...), appUpdate)
}
