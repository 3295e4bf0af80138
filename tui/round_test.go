package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
	"tournee/storage"
)

// storedRound reads back the current nurse's morning round, in order.
func storedRound(t *testing.T, db *storage.DB, a *App) []patients.Visit {
	t.Helper()
	vs, err := db.Visits(context.Background(), patients.DateOf(testNow))
	if err != nil {
		t.Fatal(err)
	}
	return dayplan.Round(vs, a.round.nurseID, a.round.round)
}

func screenText(a *App) string { return ansi.Strip(a.View().Content) }

func TestRoundOpensOnTodaysOrderedRound(t *testing.T) {
	t.Parallel()
	d, db := unorderedDeps(t)
	a := startApp(t, d, 80, 24)
	if a.round.loading || a.round.busy != "" {
		t.Fatalf("round still loading (busy %q)", a.round.busy)
	}
	c, _ := db.Cabinet(context.Background())
	if a.round.nurseID != c.CurrentNurse || a.round.round != patients.Morning {
		t.Fatalf("opened on nurse %s round %s, want the current nurse's morning", a.round.nurseID, a.round.round)
	}
	// Never ordered before: opening the day ordered and saved it.
	stored := storedRound(t, db, a)
	if len(stored) == 0 || stored[0].Order != 1 {
		t.Fatalf("today's round was not planned and saved: %+v", stored)
	}
	out := screenText(a)
	for _, want := range []string{"Tournée du matin", "lundi 23 novembre", "km", "prochaine visite"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	// The first row is the first stop, with its ETA in French clock format.
	first := a.round.byID[a.round.rows[0].PatientID].DisplayName()
	if !strings.Contains(out, first) {
		t.Errorf("first patient %q not shown", first)
	}
	if lines := strings.Split(a.View().Content, "\n"); len(lines) != 24 {
		t.Errorf("view is %d lines high at 80×24", len(lines))
	}
}

func TestMarkDoneIsStored(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 80, 24)
	a = press(a, "j")
	v := a.round.rows[1]
	a = press(a, "f")
	stored := storedRound(t, db, a)
	i := slices.IndexFunc(stored, func(s patients.Visit) bool { return s.ID == v.ID })
	if i < 0 || stored[i].Status != patients.Done || !stored[i].DoneAt.Equal(testNow) {
		t.Fatalf("visit not stored as done at %v: %+v", testNow, stored[i])
	}
	c, _ := db.Cabinet(context.Background())
	if stored[i].DoneBy != c.CurrentNurse {
		t.Errorf("done by %s, want the current nurse", stored[i].DoneBy)
	}
	if !strings.Contains(screenText(a), "✓") || !strings.Contains(a.status, "Visite faite à 7h10") {
		t.Errorf("no done mark or confirmation; status %q", a.status)
	}
	// A second press undoes it.
	a = press(a, "f")
	stored = storedRound(t, db, a)
	if stored[i].Status != patients.Planned {
		t.Errorf("second f should put the visit back to do, got %s", stored[i].Status)
	}
}

func TestMoveAndPinRechecksWindows(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 120, 40)
	first := a.round.rows[0]
	// Push the first visit down to the end of the round: its window breaks.
	n := len(a.round.onRoute())
	for range n - 1 {
		a = press(a, "J")
	}
	stored := storedRound(t, db, a)
	if stored[n-1].ID != first.ID || !stored[n-1].Pinned || stored[n-1].Order != n {
		t.Fatalf("moved visit not stored last and pinned: %+v", stored[n-1])
	}
	stop := a.round.route.Stops[a.round.stopOf[first.ID]]
	if stop.Start <= float64(first.Window.End) {
		t.Fatalf("moved to the end, the visit should start after its window (start %v, window end %v)", stop.Start, first.Window.End)
	}
	if first.Strict && !stop.Broken {
		t.Errorf("a strict window missed by the hand-made order must be marked broken")
	}
	if got := a.round.rows[a.round.cursor]; got.ID != first.ID {
		t.Errorf("cursor should follow the moved visit: on %s, want %s", got.ID, first.ID)
	}
	if !strings.Contains(screenText(a), "hors de la fenêtre") && first.Strict {
		t.Error("the detail line should say the window is missed")
	}
}

func TestPinnedVisitSurvivesReoptimisation(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 80, 24)
	second := a.round.rows[1]
	a = press(a, "K") // the first row can't go up: nothing moves
	if got := storedRound(t, db, a); got[0].Pinned {
		t.Fatal("moving the first visit up should do nothing")
	}
	a = press(a, "j", "shift+up") // the second visit becomes first, pinned
	stored := storedRound(t, db, a)
	if stored[0].ID != second.ID || !stored[0].Pinned {
		t.Fatalf("second visit not moved first and pinned: %+v", stored[0])
	}
	a = press(a, "o")
	stored = storedRound(t, db, a)
	i := slices.IndexFunc(stored, func(v patients.Visit) bool { return v.ID == second.ID })
	if stored[i].Order != 1 || !stored[i].Pinned {
		t.Errorf("re-optimisation moved the pinned visit to position %d (pinned %v), want 1", stored[i].Order, stored[i].Pinned)
	}
	// p releases it.
	a.round.cursor = slices.IndexFunc(a.round.rows, func(v patients.Visit) bool { return v.ID == second.ID })
	a = press(a, "p")
	stored = storedRound(t, db, a)
	i = slices.IndexFunc(stored, func(v patients.Visit) bool { return v.ID == second.ID })
	if stored[i].Pinned {
		t.Error("p should release a pinned visit")
	}
}

func TestDelayReplansAndHighlightsRisks(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 120, 40)
	a = press(a, "f") // the first visit is done: she is there
	before := storedRound(t, db, a)
	a = press(a, "r")
	if !a.round.Capturing() {
		t.Fatal("r should open the delay field")
	}
	a = typeInto(a, "90")
	a = press(a, "enter")
	if a.round.mode != previewing || a.round.preview == nil {
		t.Fatalf("no re-plan preview after a delay (mode %d)", a.round.mode)
	}
	out := screenText(a)
	if !strings.Contains(out, "Retard de 90 min") {
		t.Fatalf("preview header missing:\n%s", out)
	}
	// Nothing is written before she accepts.
	if got := storedRound(t, db, a); !slices.EqualFunc(got, before, func(x, y patients.Visit) bool { return x.ID == y.ID && x.Order == y.Order }) {
		t.Fatal("the preview changed the stored round")
	}
	risks := len(a.round.preview.result.Risks)
	if risks == 0 {
		t.Fatal("90 minutes late on a full round should put visits at risk")
	}
	if !strings.Contains(out, "à risque") {
		t.Errorf("risks not announced:\n%s", out)
	}
	a = press(a, "enter")
	// Once kept, every warning comes from what is stored: the visits the
	// re-plan left out are off the round with their reason, none is shown
	// at an hour it cannot be done.
	if len(a.round.risks) != 0 {
		t.Errorf("accepted re-plan carries %d preview risks over", len(a.round.risks))
	}
	for _, r := range a.round.rows {
		if _, on := a.round.stopOf[r.ID]; !on && r.Status == patients.Planned && r.LeftOut == "" {
			t.Errorf("visit %s left out without a reason", r.ID)
		}
	}
	after := storedRound(t, db, a)
	if after[0].ID != before[0].ID || after[0].Status != patients.Done {
		t.Errorf("the done visit must stay first")
	}
	orders := map[int]bool{}
	for _, v := range after {
		if v.Order > 0 && orders[v.Order] {
			t.Fatalf("two visits at position %d after the re-plan", v.Order)
		}
		orders[v.Order] = true
	}
}

func TestAbsentDropsVisitAndReplansRest(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 80, 24)
	a = press(a, "j")
	v := a.round.rows[1]
	a = press(a, "x", "a")
	stored := storedRound(t, db, a)
	i := slices.IndexFunc(stored, func(s patients.Visit) bool { return s.ID == v.ID })
	if stored[i].Status != patients.Missed || stored[i].StatusNote != "absent" || stored[i].Order != 0 {
		t.Fatalf("absent visit stored as %+v", stored[i])
	}
	for _, s := range stored {
		if s.Status == patients.Planned && s.Order == 0 && s.ID != v.ID {
			continue // could not be fitted before: still listed at the end
		}
	}
	// Off the route, it is listed after it: scroll there.
	a.round.cursor = slices.IndexFunc(a.round.rows, func(r patients.Visit) bool { return r.ID == v.ID })
	a.round.clampCursor()
	if !strings.Contains(screenText(a), "✗") {
		t.Error("missed visit not marked on screen")
	}
	if _, on := a.round.stopOf[v.ID]; on {
		t.Error("an absent patient must leave the route")
	}
}

func TestSwitchNurseRoundAndDay(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 80, 24)
	me := a.round.nurseID
	a = press(a, "i")
	if a.round.nurseID == me {
		t.Fatal("i did not switch nurse")
	}
	name := ""
	for _, n := range a.session.nurses {
		if n.ID == a.round.nurseID {
			name = n.FullName()
		}
	}
	if !strings.Contains(screenText(a), name) {
		t.Errorf("title does not name %s", name)
	}
	a = press(a, "s")
	if a.round.round != patients.Evening || !strings.Contains(screenText(a), "Tournée du soir") {
		t.Error("s did not switch to the evening round")
	}
	a = press(a, "right")
	if a.round.date != patients.DateOf(testNow).AddDays(1) || !strings.Contains(screenText(a), "mardi 24 novembre") {
		t.Errorf("right arrow should show tomorrow, got %s", a.round.date)
	}
	a = press(a, "left", "left")
	if !strings.Contains(screenText(a), "dimanche 22 novembre") {
		t.Error("left arrow should go back a day")
	}
	// Past days are shown as done, not re-planned.
	for _, v := range a.round.rows {
		if v.Status != patients.Done {
			t.Fatalf("yesterday's visit %s is %s", v.ID, v.Status)
		}
	}
	a = press(a, "a")
	if a.round.date != patients.DateOf(testNow) {
		t.Error("a should come back to today")
	}
}

func TestTransmissionFromVisitInOneKey(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 80, 24)
	v := a.round.rows[0]
	m, cmd := a.Update(keyPress("t"))
	a = m.(*App)
	if cmd == nil {
		t.Fatal("t gave no command")
	}
	msg, ok := cmd().(newTransmissionMsg)
	if !ok || msg.patientID != v.PatientID || msg.visitID != v.ID {
		t.Fatalf("t should ask for a transmission on the selected visit, got %#v", msg)
	}
	a, _ = appUpdate(a, msg)
	if a.active != transmissionsTab {
		t.Error("the transmission form opens on the transmissions screen")
	}
}

func TestRoundResize(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 120, 40)
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {200, 60}, {60, 20}} {
		a, _ = appUpdate(a, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(a.View().Content, "\n")
		if len(lines) != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
				break
			}
		}
	}
}

func TestUnreadTransmissionFlag(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := startApp(t, d, 80, 24)
	v := a.round.rows[2]
	var other xid.ID
	for _, n := range a.session.nurses {
		if n.ID != a.round.nurseID {
			other = n.ID
		}
	}
	tr := patients.Transmission{PatientID: v.PatientID, AuthorID: other, At: testNow.Add(-3600e9),
		Cible: "douleur", Donnees: "EVA 6"}
	if err := db.AddTransmission(context.Background(), &tr); err != nil {
		t.Fatal(err)
	}
	a, cmd := appUpdate(a, transmissionsChangedMsg{patientID: v.PatientID})
	a = drain(a, cmd, appUpdate)
	a, cmd = appUpdate(a, patientsChangedMsg{})
	a = drain(a, cmd, appUpdate)
	if !a.round.unread[v.PatientID] {
		t.Fatal("a colleague's transmission since her last visit should be flagged unread")
	}
	if !strings.Contains(screenText(a), "✉") {
		t.Error("no ✉ flag on the round")
	}
}

func TestPatientWithoutCoordinatesIsNamed(t *testing.T) {
	t.Parallel()
	d, db := unorderedDeps(t)
	ctx := context.Background()
	vs, err := db.Visits(ctx, patients.DateOf(testNow))
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Patient(ctx, vs[0].PatientID)
	if err != nil {
		t.Fatal(err)
	}
	p.Address.Point, p.Address.Source = orb.Point{}, patients.CoordNone
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	a := startApp(t, d, 120, 40)
	// Opening the day tries to plan it: the planner refuses, naming her.
	if !a.statusErr || !strings.Contains(a.status, p.DisplayName()) || !strings.Contains(a.status, "coordonnées") {
		t.Fatalf("status %q should name %s as lacking coordinates", a.status, p.DisplayName())
	}
	if got, _ := db.Visits(ctx, patients.DateOf(testNow)); dayplan.Ordered(got) {
		t.Error("nothing should be saved when the day cannot be planned")
	}
	// Her round (if it is the one shown) says why it cannot be timed; the
	// patient list flags her.
	a = press(a, "2", "/")
	a = typeInto(a, p.FirstName+" "+p.LastName())
	rows := 0
	for _, line := range strings.Split(screenText(a), "\n") {
		if !strings.Contains(line, p.FirstName) || strings.Contains(line, "Rechercher") {
			continue
		}
		rows++
		if !strings.Contains(line, "sans coordonnées") {
			t.Errorf("the patient list does not flag her: %q", line)
		}
	}
	if rows != 1 {
		t.Errorf("search for her gave %d rows, want 1", rows)
	}
}
