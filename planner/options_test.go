package planner

import (
	"fmt"
	"reflect"
	"testing"

	"tournee/patients"
)

// TestDefaultOptionsAreTheDefaults: starting from DefaultOptions plans as
// the zero value always did, so callers moving to it change nothing.
func TestDefaultOptionsAreTheDefaults(t *testing.T) {
	t.Parallel()
	if a, b := (Options{}).withDefaults(), DefaultOptions().withDefaults(); !reflect.DeepEqual(a, b) {
		t.Fatalf("zero value reads as %+v, DefaultOptions as %+v", a, b)
	}
	c := ptLine(6)
	lit := ptPlan(t, c.visits, c.ctx(), Options{Iterations: 500, Seed: 3})
	o := DefaultOptions()
	o.TimeLimit, o.Iterations, o.Seed = 0, 500, 3
	if def := ptPlan(t, c.visits, c.ctx(), o); !reflect.DeepEqual(lit, def) {
		t.Errorf("DefaultOptions plans differently from the zero value:\n%+v\n%+v", lit, def)
	}
}

// TestOptionsZeroMeansZero: from DefaultOptions a field set to zero stays
// zero, where a literal gets the default; a search budget is always there.
func TestOptionsZeroMeansZero(t *testing.T) {
	t.Parallel()
	off := DefaultOptions()
	off.TimeLimit, off.LabStopMin = 0, 0
	off.LatePenalty, off.MaxLateMin, off.ContinuityPenalty = 0, 0, 0
	off.ConsistencyPenalty, off.ConsistencySlackMin, off.BalancePenalty = 0, 0, 0
	got := off.withDefaults()
	for name, v := range map[string]float64{
		"LabStopMin": float64(got.LabStopMin), "LatePenalty": got.LatePenalty, "MaxLateMin": got.MaxLateMin,
		"ContinuityPenalty": got.ContinuityPenalty, "ConsistencyPenalty": got.ConsistencyPenalty,
		"ConsistencySlackMin": got.ConsistencySlackMin, "BalancePenalty": got.BalancePenalty,
	} {
		if v != 0 {
			t.Errorf("%s set to 0 from DefaultOptions reads as %v", name, v)
		}
	}
	if got.TimeLimit != defaultTimeLimit || got.Travel == nil {
		t.Errorf("no budget and no travel model: TimeLimit %v, Travel %v; want the defaults", got.TimeLimit, got.Travel)
	}
	if lit := (Options{}).withDefaults(); lit.ContinuityPenalty != defaultContinuityPenalty || lit.LabStopMin != defaultLabStopMin {
		t.Errorf("a literal's zero fields: ContinuityPenalty %v, LabStopMin %d; want the defaults", lit.ContinuityPenalty, lit.LabStopMin)
	}
	if again := got.withDefaults(); !reflect.DeepEqual(again, got) {
		t.Errorf("withDefaults twice changes the options:\n%+v\n%+v", got, again)
	}
}

// TestPlanDayContinuitySwitchedOff: with ContinuityPenalty 0 from
// DefaultOptions, a visit goes to the nurse nearest, usual or not; the
// zero value keeps them with their usual nurse (60 min a move).
func TestPlanDayContinuitySwitchedOff(t *testing.T) {
	t.Parallel()
	anne, bea := ptID(1), ptID(2)
	// Anne's patient lives next to Béatrice's home, 8 km from hers.
	c := ptCase{nurses: []patients.Nurse{
		ptNurse(anne, "Anne", ptHome, ptMorning(6, 30, 13, 30)),
		ptNurse(bea, "Béatrice", ptAt(8000, 0), ptMorning(6, 30, 13, 30)),
	}}
	near := c.add("Anne0", ptAt(2000, 0), anne, ptWin(8, 0, 12, 0), 15, false)
	far := c.add("Anne1", ptAt(8200, 0), anne, ptWin(8, 0, 12, 0), 15, false)
	c.add("Bea0", ptAt(8500, 0), bea, ptWin(8, 0, 12, 0), 15, false)
	nurseOf := func(plan Plan, i int) string {
		r, _, ok := ptFind(plan, c.visits[i].ID)
		if !ok {
			return "left out"
		}
		return fmt.Sprint(r.NurseID)
	}
	kept := ptPlan(t, c.visits, c.ctx(), Options{Iterations: 1000, Seed: 1})
	if got := nurseOf(kept, far); got != fmt.Sprint(anne) {
		t.Errorf("default continuity: Anne's far patient with %s, want Anne", got)
	}
	off := DefaultOptions()
	off.TimeLimit, off.Iterations, off.Seed, off.ContinuityPenalty = 0, 1000, 1, 0
	free := ptPlan(t, c.visits, c.ctx(), off)
	ptCheck(t, free, c.visits, c.ctx(), off, false)
	if got := nurseOf(free, far); got != fmt.Sprint(bea) {
		t.Errorf("continuity off: Anne's far patient with %s, want Béatrice, 200 m away", got)
	}
	if got := nurseOf(free, near); got != fmt.Sprint(anne) {
		t.Errorf("continuity off: Anne's near patient with %s, want Anne", got)
	}
}
