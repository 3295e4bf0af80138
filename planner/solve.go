package planner

// The solver policy, all of it. Each round of the day (morning, evening) is
// one solver.Problem; how it is solved:
//
//  1. Budget. PlanDay shares Options.TimeLimit between the rounds in
//     proportion to their visits; Options.Iterations, when set, bounds each
//     round too (alone, with no TimeLimit: a reproducible run). With
//     neither, 180 ms. Replan without Iterations cuts the time to
//     replanTimeLimit (an answer on the doorstep). A round with a « visite
//     à deux » spends half its share on trial placements of the pair
//     (planPairs), half on the final solve.
//  2. Exact. One nurse, no target time (consistency) and no balance term,
//     and at most exactMaxJobs jobs (visits plus the lab stop), or
//     exactMaxJobsQuick when the budget is a time under quickBudget (a
//     re-plan): the exact DP of planner/exact, optimal and fast at that
//     size. It refuses what it cannot solve exactly; the search takes over.
//  3. Search (planner/solver, ruin and recreate). Several nurses with
//     usual ones: first every visit pinned to its usual nurse (half the
//     budget), then the pins lifted (solveUsualFirst). Inside solver.Solve,
//     a single vehicle with hard windows only goes first through its own
//     window DP (solver/dp.go: at most 50,000 labels per stage, half the
//     time limit), which returns a proven optimum outright or a start.
//  4. Strict first. When the search leaves a strict visit out, the strict
//     visits are planned alone (exact up to exact.MaxJobs jobs for one
//     nurse, else strictSeedIterations of search on a quarter of the time)
//     and a second search, on half the time, starts from them; the better
//     of the two plans is kept.

import (
	"slices"
	"time"

	"tournee/planner/exact"
	"tournee/planner/solver"
)

// solveRound uses the exact DP when a single nurse has few visits (it is
// then both optimal and fast), else the search.
func solveRound(rp *roundProblem, opt solver.Options, budget time.Duration) (solver.Solution, error) {
	p := rp.p
	limit := exactMaxJobs
	if opt.MaxIterations == 0 && budget < quickBudget {
		limit = exactMaxJobsQuick
	}
	if len(p.Vehicles) == 1 && len(p.Jobs) <= limit && !usesTargets(p) {
		if sol, err := exact.Solve(p, 0); err == nil {
			return sol, nil
		}
	}
	sol, err := solveUsualFirst(p, opt)
	if err != nil || strictMissed(p, sol) == 0 {
		return sol, err
	}
	// Strict first: the search left a strict visit out, maybe only because
	// the soft visits took the room first. Place the strict visits alone
	// (few jobs, tight windows: exact or quick), then let the search add
	// the soft ones around them. Its best solution never loses a strict
	// visit again, since one weighs more than all the soft ones.
	seed, ok := strictSeed(p, opt)
	if !ok || strictMissed(p, seed) >= strictMissed(p, sol) {
		return sol, nil
	}
	opt.Initial = &seed
	opt.TimeLimit /= 2 // a second search, from a better start
	again, err := solver.Solve(p, opt)
	if err != nil || again.Cost.Total >= sol.Cost.Total {
		return sol, nil
	}
	return again, nil
}

// solveUsualFirst plans a round of several nurses the way a cabinet does:
// each nurse first gets her own patients (every visit pinned to its usual
// nurse, half the budget), then the search starts from there with the pins
// lifted and moves a visit to a colleague only where that pays more than
// ContinuityPenalty (visits her round cannot hold, a real saving).
// Starting from the usual rounds, rather than hoping the search finds its
// way back to them, is what keeps continuity high on a busy day.
func solveUsualFirst(p *solver.Problem, opt solver.Options) (solver.Solution, error) {
	if opt.Initial != nil || len(p.Vehicles) < 2 || !slices.ContainsFunc(p.Jobs, func(j solver.Job) bool { return j.PreferredWeight > 0 && !j.Pinned }) {
		return solver.Solve(p, opt)
	}
	pinned := *p
	pinned.Jobs = slices.Clone(p.Jobs)
	for i := range pinned.Jobs {
		j := &pinned.Jobs[i]
		if j.PreferredWeight > 0 && !j.Pinned && j.Skills&^p.Vehicles[j.Preferred].Skills == 0 {
			j.Pinned, j.Vehicle = true, j.Preferred
		}
	}
	first := opt
	first.TimeLimit /= 2
	if first.MaxIterations > 0 {
		first.MaxIterations = max(1, first.MaxIterations/2)
	}
	usual, err := solver.Solve(&pinned, first)
	if err != nil {
		return solver.Solve(p, opt)
	}
	second := first
	second.Seed++
	second.Initial = &usual
	return solver.Solve(p, second)
}

// strictMissed counts the strict visits a solution leaves out.
func strictMissed(p *solver.Problem, sol solver.Solution) int {
	n := 0
	for _, j := range sol.Unassigned {
		if p.Jobs[j].UnassignedWeight >= strictMissWeight {
			n++
		}
	}
	return n
}

// strictSeed solves the round without its soft visits (lab stops and
// breaks kept, targets, continuity and balance dropped: only what fits
// matters) and
// returns the routes in the full problem's job indexes, with the soft
// visits unassigned: a start for the search that keeps the most strict
// visits. Exact for one nurse.
func strictSeed(p *solver.Problem, opt solver.Options) (solver.Solution, bool) {
	sub := *p
	sub.BalanceWeight = 0
	sub.Jobs = nil
	var full []int // sub job -> full job
	for j, job := range p.Jobs {
		if job.Soft {
			continue // a soft visit
		}
		job.TargetWeight, job.PreferredWeight = 0, 0
		sub.Jobs = append(sub.Jobs, job)
		full = append(full, j)
	}
	if len(sub.Jobs) == len(p.Jobs) {
		return solver.Solution{}, false
	}
	var sol solver.Solution
	var err error
	if len(sub.Vehicles) == 1 && len(sub.Jobs) <= exact.MaxJobs {
		sol, err = exact.Solve(&sub, 0)
	} else {
		o := solver.Options{Seed: opt.Seed, MaxIterations: strictSeedIterations, TimeLimit: opt.TimeLimit / 4}
		sol, err = solver.Solve(&sub, o)
	}
	if err != nil {
		return solver.Solution{}, false
	}
	out := solver.Solution{Routes: make([][]int, len(sol.Routes))}
	in := make([]bool, len(p.Jobs))
	for v, r := range sol.Routes {
		for _, j := range r {
			out.Routes[v] = append(out.Routes[v], full[j])
			in[full[j]] = true
		}
	}
	for j, ok := range in {
		if !ok {
			out.Unassigned = append(out.Unassigned, j)
		}
	}
	c, err := solver.Evaluate(p, out.Routes)
	if err != nil {
		return solver.Solution{}, false
	}
	out.Cost = c
	return out, true
}

func usesTargets(p *solver.Problem) bool {
	if p.BalanceWeight > 0 {
		return true
	}
	for _, j := range p.Jobs {
		if j.TargetWeight > 0 {
			return true
		}
	}
	return false
}

// The thresholds of the policy (see the top of this file).
const (
	// exactMaxJobs is the largest single round the exact DP takes (visits
	// plus the lab stop): 13 visits solve in about 60 ms on a realistic
	// morning, where the search can miss the optimum by several per cent
	// in that time.
	exactMaxJobs = 14
	// exactMaxJobsQuick is that limit under quickBudget: 12 jobs take 2–3
	// ms, 14 up to about 40.
	exactMaxJobsQuick = 12
	quickBudget       = 50 * time.Millisecond
	// replanTimeLimit caps the time of a re-plan without an iteration
	// budget.
	replanTimeLimit = 15 * time.Millisecond
	// strictSeedIterations bounds the search for the strict visits alone:
	// few jobs with tight windows.
	strictSeedIterations = 5000
)
