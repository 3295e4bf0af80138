package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

func TestBuildDayVisiteADeux(t *testing.T) {
	t.Parallel()
	d := date(2026, time.March, 12)
	toilette := daily(1, patDupont, "Toilette au lit", 30, win(8, 0, 10, 0))
	toilette.Kind = patients.HygieneAIS
	insulin := daily(2, patDupont, "Insuline", 10, win(18, 0, 19, 0))
	insulin.Kind = patients.Insulin
	in := input(d, toilette, insulin)
	in.Patients[0].Alerts = []patients.Alert{{Kind: patients.AlertVisiteADeux, Text: "lève-malade"}}
	bea, zoe := tid(7), tid(8)
	in.Nurses = append(in.Nurses,
		nurse(zoe, "Zoé", "Martin", patients.DefaultShifts()...),
		nurse(bea, "Béatrice", "Caron", patients.DefaultShifts()...))
	day := build(t, in)
	if len(day.Visits) != 3 {
		t.Fatalf("%d visits, want the toilette twice and the insulin once: %+v", len(day.Visits), day.Visits)
	}
	a, b, ins := day.Visits[0], day.Visits[1], day.Visits[2]
	if a.PairID != b.ID || b.PairID != a.ID || a.ID.IsZero() || a.ID == b.ID {
		t.Errorf("pair ids: %s→%s, %s→%s", a.ID, a.PairID, b.ID, b.PairID)
	}
	if a.NurseID != nurseAnne || b.NurseID != bea {
		t.Errorf("nurses %s and %s, want Anne and Béatrice CARON (first by name)", a.NurseID, b.NurseID)
	}
	if a.Window != b.Window || a.DurationMin != b.DurationMin || len(b.Items) != 1 || b.Items[0] != a.Items[0] || a.PatientID != b.PatientID {
		t.Errorf("the companion differs: %+v vs %+v", a, b)
	}
	if !ins.PairID.IsZero() || ins.Items[0].Kind != patients.Insulin {
		t.Errorf("an insulin injection is made alone: %+v", ins)
	}
	if len(day.Warnings) > 0 {
		t.Errorf("warnings: %+v", day.Warnings)
	}
	// Alone that day: one visit, and a warning.
	solo := input(d, toilette)
	solo.Patients[0].Alerts = in.Patients[0].Alerts
	day = build(t, solo)
	if len(day.Visits) != 1 || !day.Visits[0].PairID.IsZero() || len(day.Warnings) != 1 || !strings.Contains(day.Warnings[0].Msg, "Visite à deux") {
		t.Errorf("a nurse alone: %+v, warnings %+v", day.Visits, day.Warnings)
	}
}

// vdPair is a visite à deux at Anne's patient: one copy for Anne, one for
// Béatrice, plus a few visits each.
func vdPair(beaShift patients.Shift) (ptCase, int, int) {
	anne, bea := ptID(1), ptID(2)
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(4000, 0), beaShift),
	}}
	c.add("Un", ptAt(1000, 0), anne, ptWin(8, 0, 9, 0), 20, false)
	c.add("Deux", ptAt(-1000, 500), anne, ptWin(8, 0, 8, 30), 10, true)
	c.add("Trois", ptAt(4500, 0), bea, ptWin(8, 0, 9, 0), 20, false)
	c.add("Quatre", ptAt(5000, 1000), bea, ptWin(8, 30, 9, 30), 15, false)
	a := c.add("Duo", ptAt(1500, 1500), anne, ptWin(8, 0, 10, 0), 30, false)
	b := len(c.visits)
	comp := c.visits[a]
	comp.ID, comp.NurseID = ptID(200), bea
	comp.PairID, c.visits[a].PairID = c.visits[a].ID, comp.ID
	c.visits = append(c.visits, comp)
	return c, a, b
}

func TestPlanDayVisiteADeux(t *testing.T) {
	t.Parallel()
	c, a, b := vdPair(ptMorning(6, 30, 13, 30))
	opt := Options{Iterations: 500, Seed: 1}
	plan := ptPlan(t, c.visits, c.ctx(), opt)
	ptCheck(t, plan, c.visits, c.ctx(), opt, false)
	ra, _, okA := ptFind(plan, c.visits[a].ID)
	rb, _, okB := ptFind(plan, c.visits[b].ID)
	if !okA || !okB {
		t.Fatalf("a pair both can make is left out: %+v", plan.Unplanned)
	}
	if ra.NurseID == rb.NurseID {
		t.Errorf("both copies in %s's round", ra.NurseID)
	}
	sa, _ := ptStop(plan, c.visits[a].ID)
	sb, _ := ptStop(plan, c.visits[b].ID)
	if sa.Start != sb.Start {
		t.Errorf("the two nurses start at %.1f and %.1f", sa.Start, sb.Start)
	}
	if sa.Start < float64(c.visits[a].Window.Start) || sa.Start > float64(c.visits[a].Window.End) {
		t.Errorf("together at %.1f, outside the window %v", sa.Start, c.visits[a].Window)
	}
	if len(plan.Unplanned) > 0 {
		t.Errorf("left out: %+v", plan.Unplanned)
	}
}

func TestPlanDayVisiteADeuxImpossible(t *testing.T) {
	t.Parallel()
	// Béatrice starts at 11h: nobody joins Anne before 10h.
	c, a, b := vdPair(ptMorning(11, 0, 13, 30))
	for i := range c.visits {
		if c.visits[i].NurseID == ptID(2) && c.visits[i].PairID.IsZero() {
			c.visits[i].Window = ptWin(11, 0, 12, 0)
		}
	}
	plan := ptPlan(t, c.visits, c.ctx(), Options{Iterations: 300, Seed: 1})
	for _, id := range []xid.ID{c.visits[a].ID, c.visits[b].ID} {
		u, ok := ptUnplanned(plan, id)
		if !ok || !strings.Contains(u.Reason, "visite à deux") {
			t.Errorf("visit %s: %+v; routes %+v", id, u, plan.Routes)
		}
	}
}
