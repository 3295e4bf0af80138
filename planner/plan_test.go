package planner

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
)

// The helpers of this file start with "pt" so that they cannot collide with
// those of the package's other tests.

// ptDate is a Thursday outside public holidays.
var ptDate = patients.Date{Year: 2026, Month: time.March, Day: 12}

// ptHome is where the hand-made nurses start and end (Coulogne, the
// generated cabinet).
var ptHome = orb.Point{1.8813, 50.9209}

// ptID builds a recognisable non-zero ID.
func ptID(n int) xid.ID {
	var id xid.ID
	id[0], id[10], id[11] = 0xEF, byte(n>>8), byte(n)
	return id
}

// ptAt is the point east and north of ptHome by the given metres.
func ptAt(eastM, northM float64) orb.Point {
	const m = 111_320.0
	return orb.Point{ptHome.Lon() + eastM/(m*math.Cos(ptHome.Lat()*math.Pi/180)), ptHome.Lat() + northM/m}
}

func ptWin(h1, m1, h2, m2 int) patients.Window {
	return patients.Window{Start: patients.Clock(h1, m1), End: patients.Clock(h2, m2)}
}

// ptNurse works the given rounds from and to home.
func ptNurse(id xid.ID, first string, home orb.Point, shifts ...patients.Shift) patients.Nurse {
	pl := patients.Place{Label: "domicile de " + first, Point: home}
	return patients.Nurse{ID: id, FirstName: first, LastName: "Testeuse", Start: pl, End: pl,
		Shifts: shifts, TravelProfile: patients.Rural}
}

func ptMorning(h1, m1, h2, m2 int) patients.Shift {
	return patients.Shift{Round: patients.Morning, Hours: ptWin(h1, m1, h2, m2)}
}

func ptEvening(h1, m1, h2, m2 int) patients.Shift {
	return patients.Shift{Round: patients.Evening, Hours: ptWin(h1, m1, h2, m2)}
}

func ptPatient(id xid.ID, last, first string, at orb.Point) patients.Patient {
	return patients.Patient{ID: id, BirthName: last, FirstName: first,
		Address: patients.Address{Line: "1 rue du Test", City: "Coulogne", Point: at, Source: patients.CoordManual}}
}

// ptVisit is a planned visit of the day; the round follows the window.
func ptVisit(id, patient, nurse xid.ID, w patients.Window, dur int, strict bool) patients.Visit {
	return patients.Visit{ID: id, Date: ptDate, Round: patients.RoundOf(w), PatientID: patient, Window: w,
		DurationMin: dur, Strict: strict, NurseID: nurse, Status: patients.Planned}
}

// ptCase is a hand-made day: patients i (1-based) live at points[i-1] and
// have visit ptID(100+i).
type ptCase struct {
	nurses   []patients.Nurse
	patients []patients.Patient
	visits   []patients.Visit
}

func (c ptCase) ctx() Context {
	return Context{Date: ptDate, Patients: c.patients, Nurses: c.nurses}
}

// add appends a patient at p with one visit, and returns the visit's index.
func (c *ptCase) add(name string, at orb.Point, nurse xid.ID, w patients.Window, dur int, strict bool) int {
	i := len(c.patients) + 1
	c.patients = append(c.patients, ptPatient(ptID(i), name, "Test", at))
	c.visits = append(c.visits, ptVisit(ptID(100+i), ptID(i), nurse, w, dur, strict))
	return len(c.visits) - 1
}

func ptPlan(t testing.TB, visits []patients.Visit, ctx Context, opt Options) Plan {
	t.Helper()
	plan, err := PlanDay(visits, ctx, opt)
	if err != nil {
		t.Fatalf("PlanDay: %v", err)
	}
	return plan
}

// ptFind returns the route holding the visit and its position among the
// route's visit stops (lab stops and breaks not counted, from 1).
func ptFind(plan Plan, visit xid.ID) (Route, int, bool) {
	for _, r := range plan.Routes {
		k := 0
		for _, s := range r.Stops {
			if s.VisitID.IsZero() {
				continue
			}
			k++
			if s.VisitID == visit {
				return r, k, true
			}
		}
	}
	return Route{}, 0, false
}

func ptStop(plan Plan, visit xid.ID) (Stop, bool) {
	r, k, ok := ptFind(plan, visit)
	if !ok {
		return Stop{}, false
	}
	return ptVisitStops(r)[k-1], true
}

func ptVisitStops(r Route) []Stop {
	var out []Stop
	for _, s := range r.Stops {
		if !s.VisitID.IsZero() {
			out = append(out, s)
		}
	}
	return out
}

func ptUnplanned(plan Plan, visit xid.ID) (Unplanned, bool) {
	i := slices.IndexFunc(plan.Unplanned, func(u Unplanned) bool { return u.VisitID == visit })
	if i < 0 {
		return Unplanned{}, false
	}
	return plan.Unplanned[i], true
}

// ptEps absorbs float rounding in time comparisons (minutes).
const ptEps = 1e-6

// ptCheck holds a plan to what a nurse relies on, whatever the day:
//   - every planned visit is in exactly one route or in Unplanned, with a
//     reason; nothing else is;
//   - the times chain: each stop is reached by driving the leg from the
//     previous place (the leg the travel model gives), no strict visit
//     starts outside its window, soft lateness is what the window says and
//     within MaxLateMin;
//   - a route that carries blood goes to the lab after the last draw and
//     before the tubes' earliest cut-off, and a route without blood does not;
//   - "last" visits end the round;
//   - each nurse leaves after her shift starts and is back before it ends.
//
// It checks stop durations against the visits unless learned is set.
func ptCheck(t *testing.T, plan Plan, visits []patients.Visit, ctx Context, opt Options, learned bool) {
	t.Helper()
	o := opt.withDefaults()
	byID := map[xid.ID]patients.Visit{}
	for _, v := range visits {
		byID[v.ID] = v
	}
	where := map[xid.ID]orb.Point{}
	for _, p := range ctx.Patients {
		where[p.ID] = p.Address.Point
	}
	seen := map[xid.ID]int{}
	type key struct {
		nurse xid.ID
		round patients.Round
	}
	routes := map[key]bool{}
	for _, r := range plan.Routes {
		if routes[key{r.NurseID, r.Round}] {
			t.Errorf("two %s routes for nurse %s", r.Round, r.NurseID)
		}
		routes[key{r.NurseID, r.Round}] = true
		ni := slices.IndexFunc(ctx.Nurses, func(n patients.Nurse) bool { return n.ID == r.NurseID })
		if ni < 0 {
			t.Errorf("route of unknown nurse %s", r.NurseID)
			continue
		}
		nu := ctx.Nurses[ni]
		shift, ok := nu.ShiftFor(r.Round)
		if !ok {
			t.Errorf("nurse %s has a %s route but no shift", nu.FirstName, r.Round)
			continue
		}
		if len(r.Stops) == 0 {
			continue
		}
		name := fmt.Sprintf("%s %s", nu.FirstName, r.Round)
		if r.Depart < float64(shift.Start)-ptEps || r.Return > float64(shift.End)+ptEps {
			t.Errorf("%s: out %.1f–%.1f, outside her shift %s–%s", name, r.Depart, r.Return, shift.Start, shift.End)
		}
		// Legs are recomputed from the places the stops stand for.
		points := []orb.Point{nu.Start.Point, nu.End.Point}
		if o.Lab != nil {
			points = append(points, o.Lab.Point)
		}
		for _, s := range r.Stops {
			if !s.VisitID.IsZero() {
				points = append(points, where[s.PatientID])
			}
		}
		mx, err := o.Travel.Matrix(points, nu.TravelProfile)
		if err != nil {
			t.Fatalf("%s: travel matrix: %v", name, err)
		}
		leg := func(a, b orb.Point) float64 {
			return mx.Minutes(slices.Index(points, a), slices.Index(points, b))
		}
		here, free := nu.Start.Point, r.Depart
		var drive, late float64
		labAt, labs := -1, 0
		cutoff := math.Inf(1)
		lastDraw := -1
		for k, s := range r.Stops {
			at := here
			switch {
			case s.Lab:
				labs++
				labAt = k
				if o.Lab == nil {
					t.Errorf("%s: lab stop without a lab", name)
				} else {
					at = o.Lab.Point
				}
			case s.Break:
			default:
				v, ok := byID[s.VisitID]
				if !ok {
					t.Errorf("%s: stop %d is visit %s, not one of the day's", name, k, s.VisitID)
					continue
				}
				seen[v.ID]++
				at = where[v.PatientID]
				if v.Round != r.Round || v.Status != patients.Planned {
					t.Errorf("%s: visit %s (%s, %s) planned", name, v.ID, v.Round, v.Status)
				}
				if s.PatientID != v.PatientID || s.Window != v.Window || (s.Strict != v.Strict && !v.PinnedTime) {
					t.Errorf("%s: stop %d does not describe its visit: %+v vs %+v", name, k, s, v)
				}
				if !learned && s.DurationMin != v.DurationMin {
					t.Errorf("%s: stop %d lasts %d min, the visit %d", name, k, s.DurationMin, v.DurationMin)
				}
				if v.LabBefore > 0 {
					lastDraw = k
					cutoff = math.Min(cutoff, float64(v.LabBefore))
				}
			}
			want := leg(here, at)
			if s.Break {
				want = 0
			}
			if math.Abs(s.DriveMin-want) > ptEps {
				t.Errorf("%s: stop %d: %.2f min of driving shown, the leg from the previous place is %.2f", name, k, s.DriveMin, want)
			}
			if k > 0 && math.Abs(s.Arrival-(free+s.DriveMin)) > ptEps {
				t.Errorf("%s: stop %d: arrival %.2f, but the previous stop ends at %.2f and the leg is %.2f min",
					name, k, s.Arrival, free, s.DriveMin)
			}
			// The first stop: she cannot be there before her shift starts
			// plus the leg, and she leaves in time to start it.
			if k == 0 && (s.Arrival < float64(shift.Start)+s.DriveMin-ptEps || r.Depart+s.DriveMin > s.Start+ptEps) {
				t.Errorf("%s: first stop reached at %.2f, starts at %.2f, leg %.2f, shift from %s, leaving at %.2f",
					name, s.Arrival, s.Start, s.DriveMin, shift.Start, r.Depart)
			}
			ready, due := float64(s.Window.Start), float64(s.Window.End)
			if v := byID[s.VisitID]; v.PinnedTime && v.PlannedArrival > 0 {
				// A visit pinned in time starts within 5 min of its ETA.
				ready, due = float64(v.PlannedArrival), float64(v.PlannedArrival)+5
			} else if !v.PairID.IsZero() && s.Start >= s.Arrival-ptEps {
				// A visite à deux waits for the colleague: it starts when
				// both are there (TestPlanDayVisiteADeux checks the pair).
				ready = s.Start
			}
			if math.Abs(s.Start-math.Max(s.Arrival, ready)) > ptEps {
				t.Errorf("%s: stop %d starts at %.2f, arrival %.2f and window %s–%s", name, k, s.Start, s.Arrival, s.Window.Start, s.Window.End)
			}
			if s.Start < ready-ptEps {
				t.Errorf("%s: stop %d starts at %.2f, before its window %s–%s", name, k, s.Start, s.Window.Start, s.Window.End)
			}
			wantLate := math.Max(0, s.Start-due)
			if math.Abs(s.LateMin-wantLate) > ptEps {
				t.Errorf("%s: stop %d: LateMin %.2f, want %.2f", name, k, s.LateMin, wantLate)
			}
			switch {
			case s.Strict && wantLate > ptEps:
				t.Errorf("%s: strict stop %d starts at %.2f, after its window %s–%s", name, k, s.Start, s.Window.Start, s.Window.End)
			case !s.Strict && s.LateMin > o.MaxLateMin+ptEps:
				t.Errorf("%s: stop %d is %.1f min late, more than %v", name, k, s.LateMin, o.MaxLateMin)
			}
			drive += s.DriveMin
			late += s.LateMin
			here, free = at, s.Start+float64(s.DurationMin)
		}
		home := leg(here, nu.End.Point)
		if math.Abs(r.Return-(free+home)) > ptEps {
			t.Errorf("%s: back at %.2f, but the last stop ends at %.2f and home is %.2f min away", name, r.Return, free, home)
		}
		if math.Abs(r.DriveMin-(drive+home)) > ptEps || math.Abs(r.LateMin-late) > ptEps {
			t.Errorf("%s: totals drive %.2f late %.2f, the stops add up to %.2f and %.2f", name, r.DriveMin, r.LateMin, drive+home, late)
		}
		switch {
		case lastDraw >= 0 && labs != 1:
			t.Errorf("%s: blood drawn, %d lab stops", name, labs)
		case lastDraw >= 0 && labAt < lastDraw:
			t.Errorf("%s: lab stop %d before the draw at stop %d", name, labAt, lastDraw)
		case lastDraw >= 0 && r.Stops[labAt].Start > cutoff+ptEps:
			t.Errorf("%s: tubes dropped at %.1f, after the cut-off %.0f", name, r.Stops[labAt].Start, cutoff)
		case lastDraw < 0 && labs > 0:
			t.Errorf("%s: lab stop with no blood drawn", name)
		}
		// "Last" visits end the round: once one is done, only "last" ones
		// (several in one round can only queue up), the lab and breaks.
		sawLast := -1
		for k, s := range r.Stops {
			v, ok := byID[s.VisitID]
			switch {
			case !ok:
			case v.Last:
				sawLast = k
			case sawLast >= 0:
				t.Errorf("%s: visit at stop %d after the « last » visit at stop %d", name, k, sawLast)
			}
		}
	}
	for _, u := range plan.Unplanned {
		v, ok := byID[u.VisitID]
		if !ok {
			t.Errorf("unplanned %s is not one of the day's visits", u.VisitID)
			continue
		}
		seen[v.ID]++
		if u.PatientID != v.PatientID || strings.TrimSpace(u.Reason) == "" {
			t.Errorf("unplanned %s: patient %s, reason %q", v.ID, u.PatientID, u.Reason)
		}
	}
	for _, v := range visits {
		want := 0
		if v.Status == patients.Planned {
			want = 1
		}
		if seen[v.ID] != want {
			t.Errorf("visit %s (%s, %s): found %d times, want %d", v.ID, v.Round, v.Status, seen[v.ID], want)
		}
	}
}

// ptRound is the visits of one round.
func ptRound(visits []patients.Visit, r patients.Round) []patients.Visit {
	var out []patients.Visit
	for _, v := range visits {
		if v.Round == r {
			out = append(out, v)
		}
	}
	return out
}

// ptLine is one nurse, Anne, working 06:30–13:30 from ptHome, with n soft
// visits of 15 min, 08:00–12:00, at 1, 2, … km east of home.
func ptLine(n int) ptCase {
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	for k := range n {
		c.add(fmt.Sprintf("Patient%d", k+1), ptAt(float64(1000*(k+1)), 0), anne, ptWin(8, 0, 12, 0), 15, false)
	}
	return c
}

func TestPlanDayLastVisitEndsTheRound(t *testing.T) {
	t.Parallel()
	lab := patients.Place{Label: "laboratoire", Point: ptAt(6000, 500)}
	c := ptLine(5)
	// A blood draw in the round, so a lab stop may follow the last patient.
	c.visits[1].LabBefore = patients.Clock(12, 0)
	opt := Options{Lab: &lab}
	infected := c.visits[2].ID // 3 km out, in the middle of the line
	before := ptPlan(t, c.visits, c.ctx(), opt)
	if r, k, _ := ptFind(before, infected); k == len(ptVisitStops(r)) {
		t.Fatalf("the visit is already last without the rule (%d of %d): the test proves nothing", k, len(ptVisitStops(r)))
	}
	c.visits[2].Last = true
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
	r, k, ok := ptFind(plan, infected)
	if !ok || k != len(ptVisitStops(r)) {
		t.Fatalf("« last » visit at position %d of %d", k, len(ptVisitStops(r)))
	}
	if r.Stops[len(r.Stops)-1].Lab {
		t.Logf("the lab stop follows the last patient, as allowed")
	}
}

func TestPlanDayPinnedPositionStays(t *testing.T) {
	t.Parallel()
	c := ptLine(6)
	first := ptPlan(t, c.visits, c.ctx(), Options{})
	// Write the plan's order back, as `tournee plan` does.
	for i, v := range c.visits {
		_, k, ok := ptFind(first, v.ID)
		if !ok {
			t.Fatalf("visit %d left out of an easy round", i)
		}
		c.visits[i].Order = k
	}
	third := slices.IndexFunc(c.visits, func(v patients.Visit) bool { return v.Order == 3 })
	pinned := c.visits[third].ID
	// Her patient now asks to be seen after 11:30: left free, the visit
	// moves to the end of the round, which costs no more driving and keeps
	// the others on time.
	c.visits[third].Window = ptWin(11, 30, 12, 0)
	free := ptPlan(t, c.visits, c.ctx(), Options{})
	if _, k, _ := ptFind(free, pinned); k == 3 {
		t.Fatal("the visit stays third even unpinned: the test proves nothing")
	}
	c.visits[third].Pinned = true
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	if _, k, _ := ptFind(plan, pinned); k != 3 {
		t.Errorf("pinned third, planned at position %d", k)
	}
}

func TestPlanDayPinnedTimeStays(t *testing.T) {
	t.Parallel()
	c := ptLine(5)
	first := ptPlan(t, c.visits, c.ctx(), Options{})
	second := ptVisitStops(first.Routes[0])[1]
	i := slices.IndexFunc(c.visits, func(v patients.Visit) bool { return v.ID == second.VisitID })
	c.visits[i].PlannedArrival = patients.TimeOfDay(math.Round(second.Start))
	eta := float64(c.visits[i].PlannedArrival)
	// The first patient's care now takes 40 min longer: everything after
	// her would slide.
	j := slices.IndexFunc(c.visits, func(v patients.Visit) bool { return v.ID == ptVisitStops(first.Routes[0])[0].VisitID })
	c.visits[j].DurationMin += 40
	if s, _ := ptStop(ptPlan(t, c.visits, c.ctx(), Options{}), second.VisitID); math.Abs(s.Start-eta) <= 5 {
		t.Fatalf("the visit keeps its time unpinned (%.1f for %.0f): the test proves nothing", s.Start, eta)
	}
	c.visits[i].PinnedTime = true
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	s, ok := ptStop(plan, second.VisitID)
	if !ok || s.Start < eta-ptEps || s.Start > eta+5+ptEps {
		t.Errorf("pinned at %.0f, starts at %.1f (planned: %v)", eta, s.Start, ok)
	}
}

func TestPlanDayContinuityOfCare(t *testing.T) {
	t.Parallel()
	anne, bea := ptID(1), ptID(2)
	// Anne's three patients live 6.5 km from her home, 1.5 km from Bea's.
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(8000, 0), ptMorning(6, 30, 13, 30)),
	}}
	for k := range 3 {
		c.add(fmt.Sprint("Anne", k), ptAt(6500, float64(500*(k-1))), anne, ptWin(8, 0, 12, 0), 15, false)
	}
	for k := range 2 {
		c.add(fmt.Sprint("Bea", k), ptAt(8500, float64(1000*k)), bea, ptWin(8, 0, 12, 0), 15, false)
	}
	moved := func(plan Plan) int {
		n := 0
		for _, v := range c.visits {
			if r, _, ok := ptFind(plan, v.ID); !ok || r.NurseID != v.NurseID {
				n++
			}
		}
		return n
	}
	cheap := Options{ContinuityPenalty: 0.01, Iterations: 2000, Seed: 1}
	if n := moved(ptPlan(t, c.visits, c.ctx(), cheap)); n == 0 {
		t.Fatal("nothing moves even when continuity is free: the test proves nothing")
	}
	opt := Options{ContinuityPenalty: 1000, Iterations: 2000, Seed: 1}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
	if n := moved(plan); n != 0 {
		t.Errorf("%d visits left their usual nurse though she can make them", n)
	}
}

// ptDone is a visit of the patient done days ago on the morning round,
// taking actual minutes and ending at end.
func ptDone(patient xid.ID, daysAgo, actual int, end patients.TimeOfDay) patients.Visit {
	d := ptDate.AddDays(-daysAgo)
	return patients.Visit{ID: ptID(5000 + 10*daysAgo + int(patient[11])), Date: d, Round: patients.Morning, PatientID: patient,
		Window: ptWin(8, 0, 12, 0), DurationMin: 20, Status: patients.Done, DoneAt: d.At(end), ActualMin: actual}
}

func TestPlanDayLearnsDurations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		actual  []int
		wantMin int
	}{
		{"five long visits, bounded at 1.5×", []int{40, 40, 40, 40, 40}, 30},
		{"one sample is not enough", []int{40}, 20},
		// The sixth, oldest, visit does not count: with it the median is 23.
		{"median of the last five", []int{22, 24, 26, 100, 10, 5}, 24},
		{"short visits, bounded at 0.5×", []int{5, 5, 5}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := ptLine(3)
			c.visits[1].DurationMin = 20
			p := c.visits[1].PatientID
			var history []patients.Visit
			for k, a := range tc.actual {
				// Zero DoneAt: no consistency target, only durations.
				v := ptDone(p, k+1, a, 0)
				v.DoneAt = time.Time{}
				history = append(history, v)
			}
			opt := Options{History: history}
			plan := ptPlan(t, c.visits, c.ctx(), opt)
			ptCheck(t, plan, c.visits, c.ctx(), opt, true)
			s, ok := ptStop(plan, c.visits[1].ID)
			if !ok || s.DurationMin != tc.wantMin {
				t.Errorf("planned for %d min, want %d (planned: %v)", s.DurationMin, tc.wantMin, ok)
			}
			// The next stop starts no earlier than the learned duration allows.
			if r, k, _ := ptFind(plan, c.visits[1].ID); k < len(ptVisitStops(r)) {
				if next := ptVisitStops(r)[k]; next.Arrival < s.Start+float64(tc.wantMin)-ptEps {
					t.Errorf("next visit reached at %.1f, before the learned visit ends at %.1f", next.Arrival, s.Start+float64(tc.wantMin))
				}
			}
		})
	}
}

func TestPlanDayKeepsYesterdaysTime(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	// Mme HABITUDE, 1 km out, may be seen 07:00–09:00; an insulin at 2 km
	// must be done 07:15–07:30; two more visits from 08:00. The shortest
	// round sees her first, at 07:00.
	p := c.add("Habitude", ptAt(1000, 0), anne, ptWin(7, 0, 9, 0), 10, false)
	c.add("Insuline", ptAt(2000, 0), anne, ptWin(7, 15, 7, 30), 10, true)
	c.add("Toilette", ptAt(3000, 0), anne, ptWin(8, 0, 12, 0), 30, false)
	c.add("Pansement", ptAt(4000, 0), anne, ptWin(8, 0, 12, 0), 15, false)
	target := float64(patients.Clock(7, 40))
	opt := Options{Iterations: 2000, Seed: 1}
	without := ptPlan(t, c.visits, c.ctx(), opt)
	s, _ := ptStop(without, c.visits[p].ID)
	if math.Abs(s.Start-target) <= 15 {
		t.Fatalf("without history she is seen at %.0f already: the test proves nothing", s.Start)
	}
	// Yesterday she was seen at 07:40 (10 min, done at 07:50).
	opt.History = []patients.Visit{ptDone(c.visits[p].PatientID, 1, 10, patients.Clock(7, 50))}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
	s, ok := ptStop(plan, c.visits[p].ID)
	if !ok || math.Abs(s.Start-target) > 15 {
		t.Errorf("seen at %.1f, yesterday at %.0f: more than the 15 min of slack (planned: %v)", s.Start, target, ok)
	}
	// It costs little: a few minutes of driving, nobody late.
	if r, _, _ := ptFind(plan, c.visits[p].ID); r.LateMin > 0 || r.DriveMin > without.Routes[0].DriveMin+10 {
		t.Errorf("keeping her time makes the round %.1f min late and drive %.1f min instead of %.1f",
			r.LateMin, r.DriveMin, without.Routes[0].DriveMin)
	}
}

func TestPlanDayBadInput(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	morningOnly := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	morningOnly.add("Martin", ptAt(1000, 0), anne, ptWin(8, 0, 10, 0), 15, false)

	t.Run("patient without coordinates", func(t *testing.T) {
		t.Parallel()
		c := ptLine(3)
		c.patients = slices.Clone(c.patients)
		c.patients[1].Address.Source, c.patients[1].Address.Point = patients.CoordNone, orb.Point{}
		// Two visits of hers: she is named once.
		v := c.visits[1]
		v.ID, v.Window = ptID(999), ptWin(9, 0, 10, 0)
		c.visits = append(c.visits, v)
		_, err := PlanDay(c.visits, c.ctx(), Options{})
		var mc *MissingCoordinatesError
		if !errors.As(err, &mc) {
			t.Fatalf("err = %v, want a *MissingCoordinatesError", err)
		}
		name := c.patients[1].DisplayName()
		if fr := mc.French(); strings.Count(fr, name) != 1 || strings.Contains(fr, c.patients[0].DisplayName()) {
			t.Errorf("French() = %q, want %q named once and nobody else", fr, name)
		}
		if strings.Contains(err.Error(), name) {
			t.Errorf("Error() = %q names the patient: errors are logged", err)
		}
	})
	t.Run("window ends before it starts", func(t *testing.T) {
		t.Parallel()
		c := ptLine(2)
		c.visits[1].Window = ptWin(10, 0, 9, 0)
		_, err := PlanDay(c.visits, c.ctx(), Options{})
		var ve *patients.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Msg, "avant de commencer") {
			t.Errorf("err = %v, want a *patients.ValidationError for the nurse", err)
		}
	})
	t.Run("evening visits, nobody works the evening", func(t *testing.T) {
		t.Parallel()
		c := morningOnly
		c.visits = slices.Clone(c.visits)
		c.visits = append(c.visits, ptVisit(ptID(300), c.patients[0].ID, anne, ptWin(18, 0, 19, 0), 10, true),
			ptVisit(ptID(301), c.patients[0].ID, anne, ptWin(19, 30, 20, 0), 10, false))
		_, err := PlanDay(c.visits, c.ctx(), Options{})
		var nn *NoNurseError
		if !errors.Is(err, ErrNoNurse) || !errors.As(err, &nn) {
			t.Fatalf("err = %v, want ErrNoNurse", err)
		}
		if fr := nn.French(); !strings.Contains(fr, "soir") || !strings.Contains(fr, "2 visite") {
			t.Errorf("French() = %q, want the evening round and its 2 visits", fr)
		}
	})
	t.Run("no nurse at all", func(t *testing.T) {
		t.Parallel()
		c := morningOnly
		c.nurses = nil
		if _, err := PlanDay(c.visits, c.ctx(), Options{}); !errors.Is(err, ErrNoNurse) {
			t.Errorf("err = %v, want ErrNoNurse", err)
		}
	})
	t.Run("unknown patient", func(t *testing.T) {
		t.Parallel()
		c := morningOnly
		c.visits = []patients.Visit{ptVisit(ptID(300), ptID(404), anne, ptWin(8, 0, 9, 0), 10, false)}
		if _, err := PlanDay(c.visits, c.ctx(), Options{}); !errors.Is(err, patients.ErrNotFound) {
			t.Errorf("err = %v, want patients.ErrNotFound", err)
		}
	})
	t.Run("empty day", func(t *testing.T) {
		t.Parallel()
		for _, visits := range [][]patients.Visit{nil, {}} {
			plan, err := PlanDay(visits, morningOnly.ctx(), Options{})
			if err != nil || len(plan.Unplanned) > 0 {
				t.Fatalf("PlanDay(%v) = %+v, %v", visits, plan, err)
			}
			for _, r := range plan.Routes {
				if len(r.Stops) > 0 {
					t.Errorf("route with stops on an empty day: %+v", r)
				}
			}
		}
	})
	t.Run("every visit already done or missed", func(t *testing.T) {
		t.Parallel()
		c := ptLine(3)
		c.visits[0].Status, c.visits[1].Status, c.visits[2].Status = patients.Done, patients.Missed, patients.Postponed
		plan, err := PlanDay(c.visits, c.ctx(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	})
}

func TestPlanDayExplains(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	t.Run("two strict visits too far apart for one window", func(t *testing.T) {
		t.Parallel()
		c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
		// 10.4 km apart as the crow flies: 20 min by road.
		c.add("Ouest", ptAt(-5200, 0), anne, ptWin(8, 0, 8, 10), 10, true)
		c.add("Est", ptAt(5200, 0), anne, ptWin(8, 0, 8, 10), 10, true)
		opt := Options{}
		plan := ptPlan(t, c.visits, c.ctx(), opt)
		ptCheck(t, plan, c.visits, c.ctx(), opt, false)
		if len(plan.Unplanned) != 1 {
			t.Fatalf("%d visits left out, want 1: %+v", len(plan.Unplanned), plan)
		}
		why := plan.Unplanned[0].Reason
		for _, p := range c.patients {
			if !strings.Contains(why, p.DisplayName()) {
				t.Errorf("reason %q does not name %s", why, p.DisplayName())
			}
		}
	})
	t.Run("strict window over before she can get there", func(t *testing.T) {
		t.Parallel()
		c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
		// 15 km out: 28 min of road from 06:30, the window closes at 06:45.
		c.add("Loin", ptAt(15000, 0), anne, ptWin(6, 30, 6, 45), 10, true)
		c.add("Proche", ptAt(1000, 0), anne, ptWin(8, 0, 10, 0), 10, false)
		opt := Options{}
		plan := ptPlan(t, c.visits, c.ctx(), opt)
		ptCheck(t, plan, c.visits, c.ctx(), opt, false)
		u, ok := ptUnplanned(plan, c.visits[0].ID)
		if !ok || !strings.Contains(u.Reason, "impossible à tenir") || !strings.Contains(u.Reason, c.patients[0].DisplayName()) {
			t.Errorf("left out: %v, reason %q", ok, u.Reason)
		}
	})
}

// The tests below expose bugs of plan.go and result.go: each is skipped
// with what it shows, to be unskipped once fixed.

func TestPlanDayBloodDrawLeftOutAlone(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	lab := patients.Place{Label: "laboratoire", Point: ptAt(4000, 0)}
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	// 20 km out, window closed by 06:10: the draw cannot be made.
	i := c.add("Jeun", ptAt(20000, 0), anne, ptWin(6, 0, 6, 10), 10, true)
	c.visits[i].LabBefore = patients.Clock(10, 30)
	opt := Options{Lab: &lab}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
	if _, ok := ptUnplanned(plan, c.visits[i].ID); !ok {
		t.Errorf("the draw is not explained: %+v", plan)
	}
}

func TestPlanDayNoLabDetourWithoutBlood(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	lab := patients.Place{Label: "laboratoire", Point: ptAt(4000, 0)}
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	i := c.add("Jeun", ptAt(0, 30000), anne, ptWin(6, 0, 6, 10), 10, true)
	c.visits[i].LabBefore = patients.Clock(10, 30)
	c.add("Un", ptAt(0, 1000), anne, ptWin(8, 0, 10, 0), 10, false)
	c.add("Deux", ptAt(1000, 0), anne, ptWin(8, 0, 10, 0), 10, false)
	opt := Options{Lab: &lab}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	// Today: Deux shows a 9.1 min leg (from the lab) for 4.5 from Un, and the
	// round drives 23.8 min for 16.6 shown.
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
}

func TestPlanDayLabCutoffFollowsTheDraw(t *testing.T) {
	t.Parallel()
	anne, bea := ptID(1), ptID(2)
	lab := patients.Place{Label: "laboratoire", Point: ptAt(7500, 0)}
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(15000, 0), ptMorning(6, 30, 13, 30)),
	}}
	i := c.add("JeunAnne", ptAt(15000, 500), anne, ptWin(7, 0, 9, 0), 10, true)
	c.visits[i].LabBefore = patients.Clock(9, 0)
	i = c.add("JeunBea", ptAt(14000, 0), bea, ptWin(7, 0, 7, 15), 10, true)
	c.visits[i].LabBefore = patients.Clock(11, 0)
	c.add("Fixe", ptAt(15500, 0), bea, ptWin(8, 45, 9, 0), 10, true)
	c.add("AuLabo", ptAt(7500, 0), bea, ptWin(9, 30, 10, 30), 10, true)
	c.add("Proche", ptAt(0, 1000), anne, ptWin(8, 0, 10, 0), 10, false)
	opt := Options{Lab: &lab, Iterations: 2000, Seed: 1}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
}

func TestPlanDayGivesUpSoftBeforeStrict(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(7, 0, 9, 0))}}
	// A 60-min toilette next door and a fixed 08:00 visit 5 km out: the
	// shift holds only one of them, and the fixed-time care must win.
	soft := c.add("Toilette", ptAt(200, 0), anne, ptWin(7, 0, 7, 30), 60, false)
	fixed := c.add("Fixe", ptAt(5000, 0), anne, ptWin(8, 0, 8, 0), 30, true)
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	if _, ok := ptUnplanned(plan, c.visits[fixed].ID); ok {
		t.Fatalf("the fixed-time visit was given up for a soft one: %+v", plan.Unplanned)
	}
	u, ok := ptUnplanned(plan, c.visits[soft].ID)
	if !ok {
		t.Fatalf("both visits planned in a shift that holds one: %+v", plan)
	}
	if !strings.Contains(u.Reason, "TOILETTE") || !strings.Contains(u.Reason, "trop chargée") {
		t.Errorf("reason %q", u.Reason)
	}
}

// A position pin keeps the visits planned before it before it and the
// others after (README, « hard »): among visits never planned (no Order)
// nothing was before it, so it opens the round, even far out; with two
// visits planned before it, it comes third, after them. Putting exactly
// k−1 never-planned visits before it would need a cardinality constraint
// the solver does not have; a pin is only made on a planned round.
func TestPlanDayPinnedOrderAmongUnorderedVisits(t *testing.T) {
	t.Parallel()
	c := ptLine(5)
	c.visits[4].Pinned, c.visits[4].Order = true, 3
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	if _, k, _ := ptFind(plan, c.visits[4].ID); k != 1 {
		t.Errorf("pinned third among visits never planned: at position %d, want 1 (nothing was before it)", k)
	}

	c = ptLine(5)
	c.visits[0].Order, c.visits[1].Order = 1, 2
	c.visits[4].Pinned, c.visits[4].Order = true, 3
	plan = ptPlan(t, c.visits, c.ctx(), Options{})
	ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	for v, want := range map[int]int{0: 1, 1: 2, 4: 3} {
		if _, k, _ := ptFind(plan, c.visits[v].ID); k != want {
			t.Errorf("visit %d at position %d, want %d", v+1, k, want)
		}
	}
}

func TestPlanDayVisitOfUnknownRound(t *testing.T) {
	t.Parallel()
	c := ptLine(2)
	c.visits[1].Round = ""
	plan, err := PlanDay(c.visits, c.ctx(), Options{})
	if err == nil {
		ptCheck(t, plan, c.visits, c.ctx(), Options{}, false)
	}
}

func TestPlanDayFirstArrivalAfterDeparture(t *testing.T) {
	t.Parallel()
	c := ptLine(2)
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	r := plan.Routes[0]
	if first := r.Stops[0]; first.Arrival < r.Depart+first.DriveMin-ptEps {
		t.Errorf("leaves at %.1f, reaches the first patient %.1f min later at %.1f", r.Depart, first.DriveMin, first.Arrival)
	}
}

func TestPlanDayDemoEveningKeepsTheInfusion(t *testing.T) {
	t.Parallel()
	d := patients.NewDate(2026, time.November, 22)
	n := 0
	id := func() xid.ID { n++; return ptID(30_000 + n) }
	ds, err := demo.Load(d, id)
	if err != nil {
		t.Fatal(err)
	}
	day, err := BuildDay(DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, id)
	if err != nil {
		t.Fatal(err)
	}
	// A fixed budget, not the clock: CI machines are loaded and -race slows
	// the search, and this test must not depend on how far it got.
	opt := Options{Iterations: 4000, Seed: 1}
	if lab, ok := ds.Cabinet.LabPlace(); ok {
		opt.Lab = &lab
	}
	ctx := Context{Date: d, Patients: ds.Patients, Nurses: ds.Nurses}
	evening := ptRound(day.Visits, patients.Evening)
	plan := ptPlan(t, evening, ctx, opt)
	ptCheck(t, plan, evening, ctx, opt, false)
	// The evening is at capacity: within 180 ms a soft visit may have to
	// give way (a 1–3 s search usually fits everything), but never a strict
	// one — insulin, the 20:00 infusion — while a plan keeping them exists.
	strict := map[xid.ID]bool{}
	for _, v := range evening {
		strict[v.ID] = v.Strict
	}
	for _, u := range plan.Unplanned {
		if strict[u.VisitID] {
			t.Errorf("strict visit left out: %s", u.Reason)
		} else {
			t.Logf("soft visit left out: %s", u.Reason)
		}
	}
}
