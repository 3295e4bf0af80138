package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// TestBuildDayStandIn: while Anne is replaced, her visits go to Rose, her
// remplaçante, and nobody warns that Anne does not work; outside the
// contract they are Anne's again and Rose has none.
func TestBuildDayStandIn(t *testing.T) {
	t.Parallel()
	d := date(2026, time.March, 12)
	rose := tid(9)
	sub := nurse(rose, "Rose", "Remplaçante", patients.DefaultShifts()...)
	sub.Role = patients.Remplacante
	sub.Replacement = &patients.Replacement{Replaces: []xid.ID{nurseAnne}, ContractFrom: d.AddDays(-2), ContractTo: d.AddDays(2)}
	for _, tc := range []struct {
		name string
		on   patients.Date
		want xid.ID
	}{
		{"replaced", d, rose},
		{"contract over", d.AddDays(3), nurseAnne},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := input(tc.on, daily(1, patDupont, "Insuline", 10, win(7, 0, 8, 30)))
			in.Nurses = append(in.Nurses, sub)
			day := build(t, in)
			if len(day.Visits) != 1 || day.Visits[0].NurseID != tc.want {
				t.Fatalf("visits %+v, want one for %s", day.Visits, tc.want)
			}
			if len(day.Warnings) > 0 {
				t.Errorf("warnings: %+v", day.Warnings)
			}
		})
	}
	// A stand-in who works no round: the warning names the problem.
	t.Run("nobody stands in", func(t *testing.T) {
		t.Parallel()
		in := input(d, daily(1, patDupont, "Insuline", 10, win(7, 0, 8, 30)))
		other := sub
		other.ID, other.Replacement = tid(10), &patients.Replacement{Replaces: []xid.ID{nurseAnne}, ContractFrom: d, ContractTo: d}
		in.Nurses = []patients.Nurse{in.Nurses[0], other}
		in.Nurses[1].Shifts = nil // the remplaçante works no round: Anne's visit has nobody
		day := build(t, in)
		if len(day.Warnings) == 0 || !strings.Contains(day.Warnings[0].Msg, "ne travaille") {
			t.Errorf("warnings: %+v", day.Warnings)
		}
	})
}

// TestPlanDaySkipsCancelled: a cancelled visit is never planned, not even
// checked (its patient may be gone), nor timed by CheckRound.
func TestPlanDaySkipsCancelled(t *testing.T) {
	t.Parallel()
	anne := ptID(1)
	c := ptCase{nurses: []patients.Nurse{ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30))}}
	c.add("Un", ptAt(1000, 0), anne, ptWin(8, 0, 9, 0), 15, false)
	c.add("Deux", ptAt(2000, 0), anne, ptWin(8, 0, 9, 0), 15, false)
	c.visits[1].Status = patients.Cancelled
	gone := ptVisit(ptID(999), ptID(998), anne, ptWin(8, 0, 9, 0), 15, false)
	gone.Status = patients.Cancelled
	visits := append(c.visits, gone)
	plan := ptPlan(t, visits, c.ctx(), Options{Iterations: 100})
	if len(plan.Unplanned) > 0 || len(plan.Routes) != 1 || len(plan.Routes[0].Stops) != 1 {
		t.Errorf("plan %+v: only Un is due", plan)
	}
	r, err := CheckRound(c.visits, anne, patients.Morning, c.ctx(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Stops) != 1 || r.Stops[0].VisitID != c.visits[0].ID {
		t.Errorf("CheckRound times a cancelled visit: %+v", r.Stops)
	}
}
