package planner_test

// Tests and benchmarks on days made by plantest.GenerateDay. The planner is
// dot-imported: these tests would be internal ones but for the import
// cycle (plantest imports planner), and read as such.

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	. "tournee/planner"
	"tournee/planner/exact"
	"tournee/planner/plantest"
	"tournee/planner/solver"
)

// ptGenDay is a generated day, its visits and the lab at the cabinet (where
// every generated nurse starts).
func ptGenDay(t testing.TB, seed uint64, nurses, visits int) (DayInput, []patients.Visit, Context, *patients.Place) {
	t.Helper()
	in := plantest.GenerateDay(seed, nurses, visits, PtDate)
	n := 0
	day, err := BuildDay(in, func() xid.ID { n++; return PtID(10_000 + n) })
	if err != nil {
		t.Fatalf("BuildDay: %v", err)
	}
	lab := in.Nurses[0].Start
	return in, day.Visits, Context{Date: PtDate, Patients: in.Patients, Nurses: in.Nurses}, &lab
}

// ptCost is what a single-nurse plan without history should cost: its
// driving plus its lateness at LatePenalty (no continuity, consistency or
// balance term applies).
func ptCost(plan Plan, latePenalty float64) float64 {
	c := float64(len(plan.Unplanned)) * solver.UnassignedCost
	for _, r := range plan.Routes {
		c += r.DriveMin + latePenalty*r.LateMin
	}
	return c
}

// ptGenMorning is the morning round of n visits of a generated one-nurse
// day: the smallest day of the seed whose morning has n visits.
func ptGenMorning(t testing.TB, seed uint64, n int) ([]patients.Visit, Context, *patients.Place) {
	t.Helper()
	for per := n; per <= 3*n; per++ {
		_, visits, ctx, lab := ptGenDay(t, seed, 1, per)
		if m := PtRound(visits, patients.Morning); len(m) == n {
			return m, ctx, lab
		}
	}
	t.Fatalf("no generated day of seed %d has %d morning visits", seed, n)
	return nil, Context{}, nil
}

// ptRest is a single-nurse cost without the visits left out, which would
// make any percentage meaningless.
func ptRest(plan Plan) float64 {
	return plan.Cost - float64(len(plan.Unplanned))*solver.UnassignedCost
}

func TestPlanDayGeneratedDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seed          uint64
		nurses, per   int
		allFit, rules bool
		bug           string
	}{
		{seed: 1, nurses: 3, per: 20, allFit: true},
		{seed: 2, nurses: 3, per: 20, allFit: true},
		{seed: 3, nurses: 3, per: 20, allFit: true},
		// The same day with a few visits that must end their round.
		{seed: 1, nurses: 3, per: 20, rules: true},
		// One rural nurse with 45 visits: the generator's mornings are so
		// heavy that some visits may be left out, with a reason.
		{seed: 1, nurses: 1, per: 45},
		{seed: 2, nurses: 1, per: 45},
	} {
		t.Run(fmt.Sprintf("seed%d_%dx%d_rules%v", tc.seed, tc.nurses, tc.per, tc.rules), func(t *testing.T) {
			t.Parallel()
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
			in, visits, ctx, lab := ptGenDay(t, tc.seed, tc.nurses, tc.per)
			if tc.rules {
				for i := range visits {
					if !visits[i].Strict && visits[i].LabBefore == 0 && i%9 == 4 {
						visits[i].Last = true
					}
				}
			}
			opt := Options{Lab: lab, Iterations: 3000, Seed: tc.seed}
			plan := PtPlan(t, visits, ctx, opt)
			PtCheck(t, plan, visits, ctx, opt, false)
			if tc.allFit && len(plan.Unplanned) > 0 {
				t.Errorf("%d nurses for %d visits each leave %d out: %v", tc.nurses, tc.per, len(plan.Unplanned), plan.Unplanned)
			}
			// Every nurse works both rounds and has visits on both.
			working := 0
			for _, r := range plan.Routes {
				if len(r.Stops) > 0 {
					working++
				}
			}
			if working != 2*len(in.Nurses) {
				t.Errorf("%d rounds with stops, want %d", working, 2*len(in.Nurses))
			}
		})
	}
}

// TestPlanDaySmallRoundIsOptimal: up to 12 visits for one nurse, PlanDay
// hands the round to the exact DP. The optimum is checked here against
// brute force over every order with the solver's reference evaluator, and
// the plan's cost against its own routes (driving plus 60 × lateness: one
// nurse and no history, so no other term).
func TestPlanDaySmallRoundIsOptimal(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			_, visits, ctx, lab := ptGenDay(t, seed, 1, 18)
			var todo []patients.Visit
			for i, v := range PtRound(visits, patients.Morning) {
				if i%2 == 0 || v.LabBefore > 0 {
					todo = append(todo, v)
				}
			}
			todo = todo[:min(7, len(todo))]
			opt := Options{Lab: lab}
			plan := PtPlan(t, todo, ctx, opt)
			PtCheck(t, plan, todo, ctx, opt, false)
			if got := ptCost(plan, 60); math.Abs(got-plan.Cost) > 1e-6 {
				t.Errorf("Cost %.4f, but the routes drive and are late for %.4f", plan.Cost, got)
			}
			p := PtProblem(t, todo, ctx, patients.Morning, opt)
			best := math.Inf(1)
			jobs := make([]int, len(p.Jobs))
			for i := range jobs {
				jobs[i] = i
			}
			ptPermute(jobs, len(jobs), func(order []int) {
				if c, err := solver.Evaluate(p, [][]int{order}); err == nil {
					best = math.Min(best, c.Total)
				}
			})
			if math.IsInf(best, 1) {
				t.Fatal("no order serves every visit: pick another day")
			}
			if math.Abs(plan.Cost-best) > 1e-6 {
				t.Errorf("plan costs %.4f, the best order %.4f", plan.Cost, best)
			}
		})
	}
}

// ptPermute calls f with every permutation of xs[:n] (Heap's algorithm).
func ptPermute(xs []int, n int, f func([]int)) {
	if n <= 1 {
		f(xs)
		return
	}
	for i := range n - 1 {
		ptPermute(xs, n-1, f)
		if n%2 == 0 {
			xs[i], xs[n-1] = xs[n-1], xs[i]
		} else {
			xs[0], xs[n-1] = xs[n-1], xs[0]
		}
	}
	ptPermute(xs, n-1, f)
}

// TestPlanDayNearOptimal: from 13 visits for one nurse PlanDay runs the
// search, which proves nothing. With no optimum at hand for 16 to 20
// visits, the short search (3,000 iterations) is held to 2 % of a ten times
// longer one (30,000), left-out visits aside (they must be as few). That
// only shows the budget is not what limits the plan: both can sit in the
// same local optimum (TestPlanDayThirteenVisitsOptimal shows they do).
// The rounds are the mornings of generated one-nurse days: no history, so
// no consistency target; one nurse, so no balance term.
func TestPlanDayNearOptimal(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("long searches")
	}
	for _, tc := range []struct {
		seed   uint64
		visits int // on the morning round
		bug    string
	}{
		{1, 16, ""}, {2, 18, ""},
		{1, 20, ""},
	} {
		t.Run(fmt.Sprintf("seed%d_%dvisits", tc.seed, tc.visits), func(t *testing.T) {
			t.Parallel()
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
			todo, ctx, lab := ptGenMorning(t, tc.seed, tc.visits)
			opt := Options{Lab: lab, Iterations: 3000, Seed: tc.seed}
			short := PtPlan(t, todo, ctx, opt)
			PtCheck(t, short, todo, ctx, opt, false)
			if got := ptCost(short, 60); math.Abs(got-short.Cost) > 1e-6 {
				t.Errorf("Cost %.4f, but the routes drive and are late for %.4f", short.Cost, got)
			}
			long := PtPlan(t, todo, ctx, Options{Lab: lab, Iterations: 30_000, Seed: tc.seed})
			switch {
			case len(short.Unplanned) > len(long.Unplanned):
				t.Errorf("%d visits left out, the long search leaves %d", len(short.Unplanned), len(long.Unplanned))
			case len(short.Unplanned) == len(long.Unplanned) && ptRest(short) > 1.02*ptRest(long)+1e-6:
				t.Errorf("short search costs %.3f, more than 2 %% above the long one %.3f", ptRest(short), ptRest(long))
			}
		})
	}
}

// TestPlanDayThirteenVisitsOptimal holds the search to the optimum where
// one is at hand: up to exact.MaxJobs jobs (13 or 14 visits and the lab
// stop) the exact DP solves the very problem PlanDay builds, in 60 to
// 170 ms on these rounds. The search, at 10,000 iterations (about what the
// default 180 ms buys a round of this size) and two seeds, must never beat
// it (the plan would not be what was solved) and should come within 2 %.
func TestPlanDayThirteenVisitsOptimal(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("long searches")
	}
	for _, tc := range []struct {
		seed   uint64
		visits int
		bug    string
	}{
		{1, 13, ""},
		{2, 13, ""},
		{3, 13, ""},
		{1, 14, ""}, {2, 14, ""}, {3, 14, ""},
	} {
		t.Run(fmt.Sprintf("seed%d_%dvisits", tc.seed, tc.visits), func(t *testing.T) {
			t.Parallel()
			todo, ctx, lab := ptGenMorning(t, tc.seed, tc.visits)
			sol, err := exact.Solve(PtProblem(t, todo, ctx, patients.Morning, Options{Lab: lab}), 0)
			if err != nil {
				t.Fatalf("exact: %v", err)
			}
			optimum := sol.Cost.Total - float64(sol.Cost.Unassigned)*solver.UnassignedCost
			for _, seed := range []uint64{0, 1} {
				plan := PtPlan(t, todo, ctx, Options{Lab: lab, Iterations: 10_000, Seed: seed})
				if len(plan.Unplanned) < sol.Cost.Unassigned ||
					(len(plan.Unplanned) == sol.Cost.Unassigned && ptRest(plan) < optimum-1e-6) {
					t.Fatalf("seed %d: plan (%d left out, %.3f) beats the optimum (%d, %.3f): the plan is not what was solved",
						seed, len(plan.Unplanned), ptRest(plan), sol.Cost.Unassigned, optimum)
				}
				if tc.bug != "" {
					continue
				}
				if len(plan.Unplanned) > sol.Cost.Unassigned || ptRest(plan) > 1.02*optimum+1e-6 {
					t.Errorf("seed %d: plan leaves %d out and costs %.3f; the optimum leaves %d out and costs %.3f",
						seed, len(plan.Unplanned), ptRest(plan), sol.Cost.Unassigned, optimum)
				}
			}
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
		})
	}
}

func TestPlanDayDeterministic(t *testing.T) {
	t.Parallel()
	_, visits, ctx, lab := ptGenDay(t, 1, 3, 20)
	opt := Options{Lab: lab, Seed: 7, Iterations: 2000}
	a := PtPlan(t, visits, ctx, opt)
	b := PtPlan(t, slices.Clone(visits), ctx, opt)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same visits and seed, different plans:\n%+v\n%+v", a, b)
	}
}
