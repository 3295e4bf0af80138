package planner_test

// An external test package, for the generated days: see generated_test.go.

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	. "tournee/planner"
)

// ctUsualShare is the share of the visits planned that went to their usual
// nurse (the visit's NurseID as given to PlanDay).
func ctUsualShare(plan Plan, visits []patients.Visit) (share float64, planned int) {
	usual := map[xid.ID]xid.ID{}
	for _, v := range visits {
		usual[v.ID] = v.NurseID
	}
	kept := 0
	for _, r := range plan.Routes {
		for _, s := range r.Stops {
			if s.VisitID.IsZero() {
				continue
			}
			planned++
			if usual[s.VisitID] == r.NurseID {
				kept++
			}
		}
	}
	return float64(kept) / float64(max(planned, 1)), planned
}

// TestPlanDayKeepsTheUsualNurse: on generated cabinet days where each
// nurse's own round fits her shift, at least 90 % of the visits stay with
// their usual nurse at the default ContinuityPenalty.
func TestPlanDayKeepsTheUsualNurse(t *testing.T) {
	t.Parallel()
	for _, d := range []struct {
		seed        uint64
		nurses, per int
	}{{1, 3, 20}, {2, 3, 20}, {4, 4, 18}, {3, 2, 20}} {
		t.Run(fmt.Sprintf("seed%d_%dx%d", d.seed, d.nurses, d.per), func(t *testing.T) {
			t.Parallel()
			_, visits, ctx, lab := ptGenDay(t, d.seed, d.nurses, d.per)
			// Continuity alone: the visite à deux, which takes a colleague
			// by design, is TestPlanDayVisiteADeux's.
			first := map[xid.ID]bool{}
			visits = slices.DeleteFunc(visits, func(v patients.Visit) bool {
				if v.PairID.IsZero() {
					return false
				}
				first[v.ID] = true
				return first[v.PairID] // the companion, listed second
			})
			for i := range visits {
				visits[i].PairID = xid.NilID()
			}
			// Capacity allows: each nurse alone keeps every visit of hers.
			for _, n := range ctx.Nurses {
				var hers []patients.Visit
				for _, v := range visits {
					if v.NurseID == n.ID {
						hers = append(hers, v)
					}
				}
				alone := PtPlan(t, hers, Context{Date: ctx.Date, Patients: ctx.Patients, Nurses: []patients.Nurse{n}}, Options{Lab: lab, Iterations: 2000, Seed: 1})
				if len(alone.Unplanned) > 0 {
					t.Skipf("%s cannot make her own round: the day proves nothing", n.FirstName)
				}
			}
			opt := Options{Lab: lab, Iterations: 2000, Seed: d.seed}
			plan := PtPlan(t, visits, ctx, opt)
			PtCheck(t, plan, visits, ctx, opt, false)
			if share, n := ctUsualShare(plan, visits); share < 0.9 {
				t.Errorf("%.0f %% of %d visits with their usual nurse, want at least 90 %%", 100*share, n)
			}
			if len(plan.Unplanned) > 0 {
				t.Errorf("visits left out though every nurse can make her own round: %+v", plan.Unplanned)
			}
		})
	}
}
