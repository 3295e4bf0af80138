package planner

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
)

// nwDone marks visit i of c done by its nurse, ending at end.
func nwDone(c *ptCase, i int, end patients.TimeOfDay) {
	c.visits[i].Status = patients.Done
	c.visits[i].DoneAt = ptDate.At(end)
}

// nwDay is Anne's morning: two visits she made in the other order than
// planned, three still to do; Béatrice works next door.
func nwDay() (ptCase, xid.ID, xid.ID) {
	anne, bea := ptID(1), ptID(2)
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(3000, 0), ptMorning(6, 30, 13, 30)),
	}}
	c.add("Un", ptAt(1000, 0), anne, ptWin(7, 0, 8, 30), 15, true)
	c.add("Deux", ptAt(2000, 0), anne, ptWin(7, 0, 9, 0), 15, false)
	c.add("Trois", ptAt(2000, 1000), anne, ptWin(8, 0, 11, 0), 20, false)
	c.add("Quatre", ptAt(1000, 1500), anne, ptWin(8, 0, 11, 0), 10, false)
	c.add("Cinq", ptAt(0, 2000), anne, ptWin(9, 0, 11, 0), 15, false)
	c.add("Bea", ptAt(3500, 0), bea, ptWin(8, 0, 11, 0), 10, false)
	nwDone(&c, 1, patients.Clock(7, 40)) // Deux first
	nwDone(&c, 0, patients.Clock(8, 5))  // then Un
	return c, anne, bea
}

func TestPlanDayFromNow(t *testing.T) {
	t.Parallel()
	c, anne, _ := nwDay()
	now := float64(patients.Clock(8, 30))
	plan := ptPlan(t, c.visits, c.ctx(), Options{Now: now, Iterations: 500, Seed: 1})
	ri := slices.IndexFunc(plan.Routes, func(r Route) bool { return r.NurseID == anne })
	if ri < 0 {
		t.Fatalf("no route for Anne: %+v", plan)
	}
	r := plan.Routes[ri]
	if len(r.Stops) < 2 || r.Stops[0].VisitID != c.visits[1].ID || r.Stops[1].VisitID != c.visits[0].ID {
		t.Fatalf("the done visits must come first, in the order she made them: %+v", r.Stops)
	}
	for k, s := range r.Stops[:2] {
		if !s.Done {
			t.Errorf("stop %d not flagged done", k)
		}
	}
	if s := r.Stops[1]; s.Start != float64(patients.Clock(8, 5))-15 || s.DurationMin != 15 {
		t.Errorf("Un timed at %.1f for %d min, done at 8h05 after 15 min", s.Start, s.DurationMin)
	}
	if r.Stops[1].DriveMin <= 0 {
		t.Errorf("no leg from Deux to Un: %+v", r.Stops[1])
	}
	for _, s := range r.Stops[2:] {
		if s.Done {
			t.Errorf("stop %s flagged done", s.VisitID)
		}
		if s.Start < now-ptEps || s.Arrival < now-ptEps {
			t.Errorf("stop %s planned at %.1f, before now %.0f", s.VisitID, s.Start, now)
		}
	}
	if first := r.Stops[2]; first.VisitID.IsZero() || first.Arrival < now+first.DriveMin-ptEps {
		t.Errorf("first stop ahead reached at %.1f, she leaves Un at %.0f at the earliest", first.Arrival, now)
	}
	seen := map[xid.ID]bool{}
	for _, r := range plan.Routes {
		for _, s := range r.Stops {
			seen[s.VisitID] = true
		}
	}
	for _, u := range plan.Unplanned {
		seen[u.VisitID] = true
	}
	for _, v := range c.visits {
		if !seen[v.ID] {
			t.Errorf("visit %s neither in a route nor unplanned", v.ID)
		}
	}
	// Without a clock, the done visits are left out of the routes, as before.
	old := ptPlan(t, c.visits, c.ctx(), Options{Iterations: 500, Seed: 1})
	for _, r := range old.Routes {
		for _, s := range r.Stops {
			if s.Done || s.VisitID == c.visits[0].ID || s.VisitID == c.visits[1].ID {
				t.Errorf("without Now, done visit %s in the route", s.VisitID)
			}
		}
	}
}

func TestPlanDayFromNowTooLate(t *testing.T) {
	t.Parallel()
	c, anne, _ := nwDay()
	t.Run("window passed", func(t *testing.T) {
		t.Parallel()
		c := c
		c.visits = slices.Clone(c.visits)
		c.visits[0].Status, c.visits[0].DoneAt = patients.Planned, time.Time{} // insulin not made
		plan := ptPlan(t, c.visits, c.ctx(), Options{Now: float64(patients.Clock(9, 0)), Iterations: 300, Seed: 1})
		u, ok := ptUnplanned(plan, c.visits[0].ID)
		if !ok || !strings.Contains(u.Reason, "trop tard") || !strings.Contains(u.Reason, "9h00") {
			t.Errorf("an 8h30 insulin not made at 9h00: %+v (%+v)", u, plan.Routes)
		}
	})
	t.Run("round over", func(t *testing.T) {
		t.Parallel()
		plan := ptPlan(t, c.visits, c.ctx(), Options{Now: float64(patients.Clock(13, 45)), Iterations: 300, Seed: 1})
		for _, v := range c.visits {
			if v.Status != patients.Planned {
				continue
			}
			u, ok := ptUnplanned(plan, v.ID)
			if !ok || !strings.Contains(u.Reason, "trop tard, la tournée du matin est finie") {
				t.Errorf("visit %s at 13h45: %+v", v.ID, u)
			}
		}
		ri := slices.IndexFunc(plan.Routes, func(r Route) bool { return r.NurseID == anne })
		if ri < 0 || len(plan.Routes[ri].Stops) != 2 || !plan.Routes[ri].Stops[0].Done {
			t.Errorf("Anne's route keeps what she did: %+v", plan.Routes)
		}
	})
}

func TestCheckRoundFromNow(t *testing.T) {
	t.Parallel()
	c, anne, _ := nwDay()
	// Her stored order: Un, Deux (both done, Deux first), Trois, Quatre.
	order := []patients.Visit{c.visits[2], c.visits[0], c.visits[1], c.visits[3]}
	now := float64(patients.Clock(8, 20))
	r, err := CheckRound(order, anne, patients.Morning, c.ctx(), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []xid.ID
	for _, s := range r.Stops {
		got = append(got, s.VisitID)
	}
	want := []xid.ID{c.visits[1].ID, c.visits[0].ID, c.visits[2].ID, c.visits[3].ID}
	if !slices.Equal(got, want) {
		t.Fatalf("stops %v, want the done visits first in DoneAt order, then hers: %v", got, want)
	}
	if !r.Stops[0].Done || !r.Stops[1].Done || r.Stops[2].Done {
		t.Errorf("done flags: %+v", r.Stops)
	}
	if s := r.Stops[0]; s.Start != float64(patients.Clock(7, 40))-15 {
		t.Errorf("Deux at %.1f, done at 7h40 after 15 min", s.Start)
	}
	for _, s := range r.Stops[2:] {
		if s.Start < now-ptEps || s.Broken {
			t.Errorf("stop %+v before now or broken", s)
		}
	}
	// Without a clock, the order is timed as given.
	r0, err := CheckRound(order, anne, patients.Morning, c.ctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r0.Stops[0].VisitID != c.visits[2].ID || r0.Stops[0].Done {
		t.Errorf("without Now the order changed: %+v", r0.Stops)
	}
}

func TestReplanFromNow(t *testing.T) {
	t.Parallel()
	c, anne, _ := nwDay()
	now := float64(patients.Clock(8, 30))
	opt := Options{Now: now, Iterations: 500, Seed: 1}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	got, err := Replan(plan, c.visits, c.ctx(), Situation{NurseID: anne, Round: patients.Morning, DelayMin: 20}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Route.Stops) == 0 {
		t.Fatalf("nothing left: %+v", got)
	}
	for _, s := range got.Route.Stops {
		if s.Done || s.VisitID == c.visits[0].ID || s.VisitID == c.visits[1].ID {
			t.Errorf("done visit %s planned again", s.VisitID)
		}
	}
	// She is at Un (done last, at 8h05): she leaves at now + 20 min.
	first := got.Route.Stops[0]
	if first.Arrival < now+20+first.DriveMin-ptEps {
		t.Errorf("first stop reached at %.1f, she leaves at %.0f", first.Arrival, now+20)
	}
	un := c.patients[0].Address.Point
	m, _ := DefaultCrow().Matrix([]orb.Point{un, c.patients[slices.IndexFunc(c.patients, func(p patients.Patient) bool { return p.ID == first.PatientID })].Address.Point}, patients.Rural)
	if d := m.Minutes(0, 1); !near(d, first.DriveMin, 1e-6) {
		t.Errorf("first leg %.2f min, from Un it is %.2f", first.DriveMin, d)
	}
}

// TestReplanStrictLeftOutGoesToAColleague: the demo's bad case. Late by
// 75 min, Anne cannot make her three insulin visits before 8h30 however she
// orders them: one is left out, strict, and proposed to Béatrice within its
// window; the soft hygiene care gives way (late) before any insulin.
func TestReplanStrictLeftOutGoesToAColleague(t *testing.T) {
	t.Parallel()
	anne, bea := ptID(1), ptID(2)
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(12000, 1000), ptMorning(6, 30, 13, 30)),
	}}
	var insulin []xid.ID
	for _, at := range []float64{1000, -12000, 12000} {
		i := c.add("Insuline", ptAt(at, 0), anne, ptWin(7, 0, 8, 30), 10, true)
		insulin = append(insulin, c.visits[i].ID)
	}
	c.add("Toilette", ptAt(500, 500), anne, ptWin(8, 0, 9, 0), 45, false)
	c.add("Toilette", ptAt(-500, 500), anne, ptWin(8, 0, 9, 0), 45, false)
	c.add("Bea", ptAt(12000, 1500), bea, ptWin(10, 0, 11, 0), 10, false)
	// Each nurse's round planned for her alone, as the cabinet split them.
	opt := Options{Iterations: 1000, Seed: 1}
	var plan Plan
	for _, n := range c.nurses {
		var hers []patients.Visit
		for _, v := range c.visits {
			if v.NurseID == n.ID {
				hers = append(hers, v)
			}
		}
		p := ptPlan(t, hers, Context{Date: ptDate, Patients: c.patients, Nurses: []patients.Nurse{n}}, opt)
		if len(p.Unplanned) > 0 {
			t.Fatalf("%s's morning leaves visits out: %+v", n.FirstName, p.Unplanned)
		}
		plan.Routes = append(plan.Routes, p.Routes...)
	}
	got, err := Replan(plan, c.visits, c.ctx(), Situation{NurseID: anne, Round: patients.Morning, DelayMin: 75}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var strictOut []Risk
	for _, k := range got.Risks {
		if k.Strict && !k.LeftOut {
			t.Errorf("strict visit kept late: %+v", k)
		}
		if k.Strict && k.LeftOut {
			strictOut = append(strictOut, k)
		}
	}
	if len(strictOut) != 1 {
		t.Fatalf("%d insulin visits left out, want exactly the one no order can keep: %+v", len(strictOut), got.Risks)
	}
	k := strictOut[0]
	if !slices.Contains(insulin, k.VisitID) || k.Reason == "" {
		t.Errorf("risk %+v", k)
	}
	p := k.Proposal
	if p == nil || p.NurseID != bea {
		t.Fatalf("no proposal to Béatrice, free all morning: %+v", k)
	}
	if p.Arrival < float64(patients.Clock(7, 0))-ptEps || p.Arrival > float64(patients.Clock(8, 30))+ptEps {
		t.Errorf("proposed at %.1f, outside 7h00–8h30", p.Arrival)
	}
	if p.Arrival < float64(patients.Clock(7, 45))-ptEps {
		t.Errorf("proposed at %.1f, before the re-plan (7h45)", p.Arrival)
	}
}
