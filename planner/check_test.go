package planner

import (
	"errors"
	"math"
	"testing"

	"tournee/patients"
)

func TestCheckRoundRetimesAHandMadeOrder(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(7, 0, 12, 0))}}
	insulin := c.add("Insuline", ptAt(3000, 0), anne, ptWin(7, 30, 8, 0), 10, true)
	c.add("Toilette", ptAt(-3000, 0), anne, ptWin(7, 0, 10, 0), 45, false)
	c.add("Pansement", ptAt(0, 2000), anne, ptWin(8, 0, 11, 0), 20, false)
	plan := ptPlan(t, c.visits, c.ctx(), Options{})

	// The planned order, checked by hand, times exactly as planned.
	var order []patients.Visit
	for _, s := range ptVisitStops(plan.Routes[0]) {
		for _, v := range c.visits {
			if v.ID == s.VisitID {
				order = append(order, v)
			}
		}
	}
	r, err := CheckRound(order, anne, patients.Morning, c.ctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range r.Stops {
		want := ptVisitStops(plan.Routes[0])[k]
		if s.VisitID != want.VisitID || math.Abs(s.Start-want.Start) > 1e-6 || s.Broken {
			t.Errorf("stop %d: %+v, planned %+v", k, s, want)
		}
	}

	// Moving the 45-min toilette first makes the insulin miss its strict
	// window: the check says so instead of refusing the move.
	moved := []patients.Visit{c.visits[1], c.visits[insulin], c.visits[2]}
	r, err = CheckRound(moved, anne, patients.Morning, c.ctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stops[0].VisitID != c.visits[1].ID || !r.Stops[1].Broken || r.Stops[1].Start <= float64(c.visits[insulin].Window.End) {
		t.Errorf("insulin after the toilette: %+v", r.Stops)
	}
	if r.Stops[0].Broken {
		t.Errorf("the toilette itself keeps its window: %+v", r.Stops[0])
	}

	if _, err := CheckRound(moved, ptID(99), patients.Morning, c.ctx(), Options{}); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("unknown nurse: %v", err)
	}
	if _, err := CheckRound(moved, anne, patients.Evening, c.ctx(), Options{}); !errors.Is(err, ErrNoNurse) {
		t.Errorf("a round she does not work: %v", err)
	}
}

// The lab drop-off is a stop of a round that draws blood: after the last
// draw, where she is back earliest, and broken when the tubes would be late.
func TestCheckRoundShowsTheLabStop(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(7, 0, 12, 0))}}
	draw := c.add("Prise de sang", ptAt(3000, 0), anne, ptWin(7, 0, 8, 0), 10, true)
	c.visits[draw].LabBefore = patients.Clock(10, 30)
	c.add("Pansement", ptAt(3200, 200), anne, ptWin(8, 0, 11, 0), 20, false)
	c.add("Toilette", ptAt(-3000, 0), anne, ptWin(7, 0, 11, 0), 30, false)
	lab := patients.Place{Label: "Laboratoire", Point: ptAt(0, 0)}
	r, err := CheckRound(c.visits, anne, patients.Morning, c.ctx(), Options{Lab: &lab})
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for k, s := range r.Stops {
		if s.Lab {
			at = k
		}
	}
	if at <= 0 || r.Stops[at].Broken || r.Stops[at].Start > float64(patients.Clock(10, 30)) {
		t.Fatalf("no lab stop after the draw, in time: %+v", r.Stops)
	}
	// Without a draw still to do, no lab stop.
	c.visits[draw].Status, c.visits[draw].DoneAt = patients.Done, ptDate.At(patients.Clock(7, 20))
	r, _ = CheckRound(c.visits[1:], anne, patients.Morning, c.ctx(), Options{Lab: &lab})
	for _, s := range r.Stops {
		if s.Lab {
			t.Fatal("a lab stop without blood drawn")
		}
	}
	// A cut-off the round cannot meet shows the stop broken.
	c.visits[draw].Status = patients.Planned
	c.visits[draw].LabBefore = patients.Clock(7, 5)
	r, _ = CheckRound(c.visits, anne, patients.Morning, c.ctx(), Options{Lab: &lab})
	broken := false
	for _, s := range r.Stops {
		broken = broken || (s.Lab && s.Broken)
	}
	if !broken {
		t.Fatalf("tubes late at the lab are not shown: %+v", r.Stops)
	}
}
