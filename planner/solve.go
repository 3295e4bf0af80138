package planner

// The solver policy of a round: the exact DP for one nurse with few visits,
// else the search, started from each nurse's usual patients and from the
// strict visits first.

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
	if opt.MaxIterations == 0 && budget < 50*time.Millisecond {
		limit = 12 // a re-plan on the doorstep: 12 jobs take 2–3 ms, 14 up to ~40
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
		o := solver.Options{Seed: opt.Seed, MaxIterations: 5000, TimeLimit: opt.TimeLimit / 4}
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

// exactMaxJobs is the largest single round the exact DP takes (visits plus
// the lab stop): 13 visits solve in about 60 ms on a realistic morning,
// where the search can miss the optimum by several per cent in that time.
const exactMaxJobs = 14
