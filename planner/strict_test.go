package planner_test

// An external test package, for the generated days: see generated_test.go.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	. "tournee/planner"
)

// The property of the issue « The living day »: strict visits first. When
// a reference (the exact DP for one nurse, else a long search) can keep
// every strict visit of a round in its window, PlanDay and Replan at about
// their default budget (fixed iterations, so that the result does not
// depend on the machine's load) must keep them all too; soft visits give
// way.

// stLong reports whether the long runs were asked for.
func stLong() bool { return os.Getenv("TOURNEE_LONG_TESTS") == "1" }

// stStrictOnly plans only the strict visits with a long search (exact for
// one nurse with up to 14 of them) and reports whether all fit.
func stStrictOnly(t testing.TB, visits []patients.Visit, ctx Context, opt Options) bool {
	t.Helper()
	var strict []patients.Visit
	for _, v := range visits {
		if v.Strict && v.Status == patients.Planned {
			strict = append(strict, v)
		}
	}
	if len(strict) == 0 {
		return true
	}
	// Only what fits matters: continuity, consistency and balance off.
	ref := DefaultOptions()
	ref.Lab, ref.Travel, ref.History = opt.Lab, opt.Travel, opt.History
	ref.TimeLimit, ref.Iterations, ref.Seed = 0, 30_000, 7
	ref.ContinuityPenalty, ref.ConsistencyPenalty, ref.BalancePenalty = 0, 0, 0
	plan, err := PlanDay(strict, ctx, ref)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	return len(plan.Unplanned) == 0
}

// stStrictKept lists the strict visits a plan leaves out or places outside
// their window.
func stStrictLost(plan Plan, visits []patients.Visit) []string {
	var out []string
	for _, v := range visits {
		if !v.Strict || v.Status != patients.Planned {
			continue
		}
		s, ok := PtStop(plan, v.ID)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s left out", v.ID))
		case s.Start < float64(v.Window.Start)-PtEps || s.Start > float64(v.Window.End)+PtEps:
			out = append(out, fmt.Sprintf("%s at %.1f outside %v", v.ID, s.Start, v.Window))
		}
	}
	return out
}

func TestPlanDayStrictFirstOnGeneratedDays(t *testing.T) {
	t.Parallel()
	type day struct {
		seed        uint64
		nurses, per int
	}
	days := []day{{1, 1, 30}, {2, 1, 40}, {19, 2, 43}, {4, 3, 20}}
	if stLong() {
		for s := uint64(10); s < 40; s++ {
			days = append(days, day{s, 1 + int(s%3), 18 + int(s*7%27)})
		}
	}
	for _, d := range days {
		t.Run(fmt.Sprintf("seed%d_%dx%d", d.seed, d.nurses, d.per), func(t *testing.T) {
			t.Parallel()
			_, visits, ctx, lab := ptGenDay(t, d.seed, d.nurses, d.per)
			// A fixed budget about what the default time buys on a quiet
			// machine: the test must not depend on the clock.
			opt := Options{Lab: lab, Seed: d.seed, Iterations: 3000}
			plan := PtPlan(t, visits, ctx, opt)
			for _, round := range patients.Rounds() {
				rv := PtRound(visits, round)
				if !stStrictOnly(t, rv, ctx, opt) {
					continue
				}
				if lost := stStrictLost(plan, rv); len(lost) > 0 {
					t.Errorf("%s: strict visits lost though they all fit: %v", round, lost)
				}
			}
		})
	}
}

// TestReplanStrictFirst re-plans generated mornings from a random stop with
// a random delay: when the strict visits left can all be kept from there,
// the re-plan keeps them, in their windows, and gives up soft ones instead.
func TestReplanStrictFirst(t *testing.T) {
	t.Parallel()
	runs := 12
	if stLong() {
		runs = 200
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for run := range runs {
		seed := uint64(1 + run%6)
		nurses := 1 + run%2
		per := 16 + rng.IntN(20)
		at := rng.IntN(6) - 1
		delay := float64(15 + 15*rng.IntN(4))
		t.Run(fmt.Sprintf("run%d", run), func(t *testing.T) {
			_, visits, ctx, lab := ptGenDay(t, seed, nurses, per)
			morning := PtRound(visits, patients.Morning)
			plan := PtPlan(t, morning, ctx, Options{Lab: lab, Iterations: 2000, Seed: seed})
			r := plan.Routes[0]
			stops := PtVisitStops(r)
			if at >= len(stops) {
				at = len(stops) - 1
			}
			sit := Situation{NurseID: r.NurseID, Round: patients.Morning, DelayMin: delay}
			// Her reference: the strict visits still ahead, from where she is.
			nurse, _ := FindNurse(ctx.Nurses, r.NurseID)
			h, _ := nurse.ShiftFor(patients.Morning)
			leave := float64(h.Start) + delay
			var done []xid.ID
			if at >= 0 {
				s := stops[at]
				sit.At = s.VisitID
				leave = s.Start + float64(s.DurationMin) + delay
				nurse.Start = patients.Place{Point: ctx.PatientByID(s.PatientID).Address.Point}
				for _, p := range stops[:at+1] {
					done = append(done, p.VisitID)
				}
			}
			var rest []patients.Visit
			for _, v := range morning {
				if slices.ContainsFunc(r.Stops, func(s Stop) bool { return s.VisitID == v.ID }) && !slices.Contains(done, v.ID) {
					rest = append(rest, v)
				}
			}
			nurse.Shifts = []patients.Shift{{Round: patients.Morning, Hours: patients.Window{Start: patients.TimeOfDay(math.Ceil(leave)), End: h.End}}}
			ref := Context{Date: ctx.Date, Patients: ctx.Patients, Nurses: []patients.Nurse{nurse}}
			if !stStrictOnly(t, rest, ref, Options{}) {
				t.Skip("the strict visits left cannot all be kept: nothing to check")
			}
			got, err := Replan(plan, morning, ctx, sit, Options{Lab: lab, Iterations: 1000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range got.Risks {
				if k.Strict {
					t.Errorf("strict visit at risk though all strict visits fit: %+v", k)
				}
			}
			if lost := stStrictLost(Plan{Routes: []Route{got.Route}}, rest); len(lost) > 0 {
				t.Errorf("re-plan loses strict visits: %v", lost)
			}
		})
	}
}
