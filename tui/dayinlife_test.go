package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
	"tournee/storage"
)

// dayVisits reads a stored day, live visits only.
func dayVisits(t *testing.T, db *storage.DB, d patients.Date) []patients.Visit {
	t.Helper()
	vs, err := db.Visits(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(vs, func(v patients.Visit) bool { return v.Status == patients.Cancelled })
}

// checkStrictKept fails when a strict visit still to do sits in a round at
// an hour outside its window: it must be in time, or off the round with
// its reason.
func checkStrictKept(t *testing.T, when string, vs []patients.Visit) {
	t.Helper()
	for _, v := range vs {
		if !v.Strict || v.Status != patients.Planned {
			continue
		}
		if v.Order == 0 {
			if v.LeftOut == "" {
				t.Errorf("%s: strict visit %s left out without a reason", when, v.ID)
			}
			continue
		}
		if v.PlannedArrival < v.Window.Start || v.PlannedArrival > v.Window.End {
			t.Errorf("%s: strict visit %s planned at %s outside %s–%s", when, v.ID, v.PlannedArrival, v.Window.Start, v.Window.End)
		}
	}
}

// A day in the life of the demo's first nurse, driven through the
// interface at fixed hours: the round must be right every minute.
func TestDayInTheLife(t *testing.T) {
	t.Parallel()
	d, db := unorderedDeps(t)
	clk := &fakeClock{t: time.Date(2026, 11, 23, 7, 30, 0, 0, patients.Paris())}
	d.Now = clk.Now
	ctx := context.Background()
	today := patients.DateOf(clk.Now())

	// 7h30: she opens the app. Today is ordered from now: nothing planned
	// before 7h30, no « de retard » on a round that starts now.
	a := startApp(t, d, 120, 40)
	me := a.round.nurseID
	if len(a.round.route.Stops) == 0 {
		t.Fatalf("no round at 7h30:\n%s", screenText(a))
	}
	for _, st := range a.round.route.Stops {
		if st.Start < float64(patients.Clock(7, 30))-0.5 {
			t.Fatalf("a visit is planned at %s, before now (7h30)", clockMin(st.Start))
		}
	}
	if out := screenText(a); strings.Contains(out, "de retard") {
		t.Errorf("a round planned at 7h30 is already late:\n%s", out)
	}
	checkStrictKept(t, "7h30", dayVisits(t, db, today))

	// Open the coming days once, as she looks ahead: they are stored and
	// ordered, and must follow what happens next.
	a = press(a, "right")
	a = press(a, "right", "right", "right")
	for k := 1; k <= 4; k += 3 {
		if vs := dayVisits(t, db, today.AddDays(k)); len(vs) == 0 || !dayplan.Ordered(vs) {
			t.Fatalf("day +%d was shown but not ordered and stored", k)
		}
	}
	a = press(a, "a") // back to today
	if a.round.date != today {
		t.Fatalf("a should come back to today")
	}

	// 7h42 and 7h58: two visits done. They come first, at their real time.
	clk.Add(12 * time.Minute)
	a = press(a, "f")
	first := a.round.rows[0]
	clk.Add(16 * time.Minute)
	a = press(a, "j", "f")
	second := a.round.rows[1]
	if first.Status != patients.Done || second.Status != patients.Done {
		t.Fatalf("the two first rows are not the two visits done: %s, %s", first.Status, second.Status)
	}
	if got := clockOf(second.DoneAt); got != "7h58" {
		t.Errorf("second visit done at %s, want 7h58", got)
	}
	// The rest starts after 7h58, never before.
	for _, st := range a.round.route.Stops[2:] {
		if st.Start < float64(patients.Clock(7, 58))-0.5 {
			t.Fatalf("a visit still to do is planned at %s, before the last one done (7h58)", clockMin(st.Start))
		}
	}

	// 8h05: 25 minutes late. The re-plan is previewed, then kept.
	clk.Add(7 * time.Minute)
	a = press(a, "r")
	a = typeInto(a, "25")
	a = press(a, "enter")
	if a.round.mode != previewing {
		t.Fatalf("no re-plan preview:\n%s", screenText(a))
	}
	for _, r := range a.round.preview.result.Risks {
		if r.Strict && r.Proposal == nil && !r.LeftOut {
			t.Errorf("a strict visit at risk without a colleague proposed: %+v", r)
		}
	}
	a = press(a, "enter")
	mine := dayplan.Round(dayVisits(t, db, today), me, patients.Morning)
	checkStrictKept(t, "after the delay", mine)
	if len(a.round.risks) != 0 {
		t.Error("a kept re-plan still shows the preview's risks")
	}
	// The kept times hold: what the screen shows is what was stored.
	for _, v := range mine {
		if i, ok := a.round.stopOf[v.ID]; ok && v.Status == patients.Planned && v.Order > 0 {
			if got, want := clockMin(a.round.route.Stops[i].Start), clockMin(float64(v.PlannedArrival)); got != want {
				t.Errorf("visit %s shown at %s, stored at %s", v.ID, got, want)
			}
		}
	}

	// 10h00: a new prescription for tonight, through the patient file.
	clk.Add(115 * time.Minute)
	var pat patients.Patient
	for _, v := range a.round.rows {
		if v.Status == patients.Planned && v.Order > 0 {
			pat = *a.round.byID[v.PatientID]
			break
		}
	}
	a = press(a, "2")
	a = ptOpen(a, strings.ToLower(pat.DisplayName()))
	a = press(a, "c", "tab")
	a = ptPaste(a, "Injection HBPM du soir")
	a = press(a, "tab", "tab", "tab", "tab", "tab") // duration, frequency, start, end
	a = ptPaste(a, "18h-19h30")
	a = press(a, "ctrl+s")
	if got := ptText(a); !strings.Contains(got, "Soin enregistré") {
		t.Fatalf("the prescription was not saved:\n%s", got)
	}
	plans, _ := db.CarePlans(ctx, pat.ID)
	pi := slices.IndexFunc(plans, func(c patients.CarePlan) bool { return c.Label == "Injection HBPM du soir" })
	if pi < 0 {
		t.Fatal("care plan not stored")
	}
	planID := plans[pi].ID
	hasPlan := func(v patients.Visit) bool {
		return slices.ContainsFunc(v.Items, func(it patients.CareItem) bool { return it.CarePlanID == planID })
	}
	// Tonight's round shows it, at a time inside its window.
	a = press(a, "1")
	a = press(a, "s")
	if a.round.round != patients.Evening {
		t.Fatal("s should show the evening round")
	}
	tonight := dayVisits(t, db, today)
	vi := slices.IndexFunc(tonight, hasPlan)
	if vi < 0 {
		t.Fatal("the prescription of 10h is not in tonight's stored visits")
	}
	// In a round, from its window's start: a soft injection may be a little
	// late when every evening is full, never more than the lateness allowed.
	v := tonight[vi]
	if v.Order == 0 || v.PlannedArrival < patients.Clock(18, 0) || v.PlannedArrival > patients.Clock(19, 30)+90 {
		t.Fatalf("tonight's new visit is not in a round from 18h: %+v", v)
	}
	for a.round.nurseID != v.NurseID {
		a = press(a, "i")
	}
	if out := screenText(a); !strings.Contains(out, pat.DisplayName()) {
		t.Errorf("tonight's round of %s does not show %s:\n%s", a.round.roundName(), pat.DisplayName(), out)
	}
	for k := 1; k <= 4; k += 3 {
		if !slices.ContainsFunc(dayVisits(t, db, today.AddDays(k)), hasPlan) {
			t.Errorf("day +%d (already stored) lacks the new prescription", k)
		}
	}

	// 10h20: a patient of this morning is hospitalised until day +3.
	clk.Add(20 * time.Minute)
	for a.round.nurseID != me {
		a = press(a, "i")
	}
	a = press(a, "s") // morning
	row := slices.IndexFunc(a.round.rows, func(v patients.Visit) bool { return v.Status == patients.Planned && v.Order > 0 })
	if row < 0 {
		t.Fatal("no visit left to do this morning")
	}
	a.round.cursor = row
	hosp := a.round.rows[row]
	a = press(a, "x", "h")
	until := today.AddDays(3)
	a = typeInto(a, until.String())
	a = press(a, "enter")
	p, _ := db.Patient(ctx, hosp.PatientID)
	if len(p.Absences) == 0 || p.Absences[len(p.Absences)-1].To != until {
		t.Fatalf("the absence was not stored until %s: %+v", until, p.Absences)
	}
	if got := dayVisits(t, db, today); !slices.ContainsFunc(got, func(x patients.Visit) bool {
		return x.ID == hosp.ID && x.Status == patients.Missed && x.StatusNote == "hospitalisé"
	}) {
		t.Error("this morning's visit is not marked missed (hospitalisé)")
	}
	of := func(d patients.Date) bool {
		return slices.ContainsFunc(dayVisits(t, db, d), func(x patients.Visit) bool { return x.PatientID == hosp.PatientID && x.Status == patients.Planned })
	}
	if of(today) {
		t.Error("tonight still has a visit for the hospitalised patient")
	}
	if of(today.AddDays(1)) {
		t.Error("tomorrow still has a visit for the hospitalised patient")
	}
	if !of(today.AddDays(4)) {
		t.Error("day +4: she is back but not in the round")
	}
	// On screen too: tomorrow's rounds do not show her, day +4's do.
	a = press(a, "right")
	if shown(a, hosp.PatientID) {
		for _, r := range a.round.rows {
			if r.PatientID == hosp.PatientID {
				t.Logf("row %+v", r)
			}
		}
		t.Error("tomorrow's round on screen shows the hospitalised patient")
	}
	a = press(a, "right", "right", "right")
	if !anyNurseShows(a, hosp.PatientID) {
		t.Error("day +4 on screen does not show her back")
	}
	_ = xid.NilID
}

func shown(a *App, pid xid.ID) bool {
	return slices.ContainsFunc(a.round.rows, func(v patients.Visit) bool { return v.PatientID == pid })
}

// anyNurseShows looks through every nurse's rounds of the day on screen.
func anyNurseShows(a *App, pid xid.ID) bool {
	for range 2 {
		for range len(a.round.session.nurses) {
			if shown(a, pid) {
				return true
			}
			a = press(a, "i")
		}
		a = press(a, "s")
	}
	return false
}
