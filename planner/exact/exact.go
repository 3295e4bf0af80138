package exact

import (
	"errors"
	"fmt"

	"tournee/planner/solver"
)

// MaxJobs is the largest number of jobs the vehicle could serve that Solve
// accepts. The work grows as 2^n × n² times the labels kept per state: a
// nurse's morning of 15 visits takes tens of milliseconds, but windows open
// all day with a cost unrelated to travel time can take seconds, and every
// job more doubles that.
const MaxJobs = 15

var (
	// ErrUnsupported is returned, wrapped with the reason, for a problem
	// whose objective the dynamic programme cannot minimise exactly.
	ErrUnsupported = errors.New("exact: unsupported problem")
	// ErrTooLarge is returned, wrapped, when the vehicle could serve more
	// than MaxJobs jobs.
	ErrTooLarge = errors.New("exact: too many jobs")
)

// Solve returns the route of vehicle vehicle that minimises
// solver.Evaluate's Cost.Total over all the jobs of p: first the required
// jobs left out, then lateness, then travel and penalties. Jobs the vehicle
// may not serve (pinned to another vehicle, missing skills) are left out.
//
// The Solution has one route per vehicle of p, only Routes[vehicle] filled;
// Unassigned lists every job left out, required or optional, in increasing
// order; Cost is solver.Evaluate of the routes.
//
// Solve fails on an invalid problem, with ErrTooLarge when the vehicle could
// serve more than MaxJobs jobs, and with ErrUnsupported when the problem
// uses BalanceWeight, a negative LatenessWeight, or TargetWeight on a job
// the vehicle could serve.
func Solve(p *solver.Problem, vehicle int) (solver.Solution, error) {
	r, err := solve(p, vehicle)
	return r.sol, err
}

// result is Solve's answer plus the objective the dynamic programme itself
// computed, which the tests compare with solver.Evaluate's.
type result struct {
	sol        solver.Solution
	unassigned float64 // required jobs left out, weighted
	cost       float64 // the rest of Cost.Total
}

// label is a partial route: it starts at the vehicle's Start, serves the
// jobs of its bucket's subset and stands at its bucket's location. Labels of
// one bucket have the same future, except that an earlier one can do all a
// later one can, never paying more (see insert).
type label struct {
	t    float64 // when the vehicle leaves the last job
	c    float64 // lateness × LatenessWeight + travel + penalties so far
	rank int32   // level of the highest Rank served, 0 for none
	node int32   // index in the trail, to rebuild the route
}

// node records how a label was reached: by which candidate job, from which
// earlier label. Labels die when a better one comes; the trail keeps their
// ancestry for the label that wins.
type node struct {
	parent int32
	job    int32
}

// feasEps is Evaluate's tolerance on MaxLate and Close: the optimum must be
// accepted by Evaluate, and nothing Evaluate accepts may be thrown away.
const feasEps = 1e-9

func solve(p *solver.Problem, v int) (result, error) {
	cand, err := admit(p, v)
	if err != nil {
		return result{}, err
	}
	dp := newProgramme(p, v, cand)
	dp.run()
	return dp.result()
}

// admit checks that the dynamic programme can minimise p's objective exactly
// for vehicle v, and returns the jobs v could serve.
func admit(p *solver.Problem, v int) ([]int, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("exact: %w", err)
	}
	if v < 0 || v >= len(p.Vehicles) {
		return nil, fmt.Errorf("exact: vehicle %d out of range", v)
	}
	// Dominance drops a partial route when another over the same jobs,
	// ending at the same place, is no later and no dearer. That is exact only
	// if what is still to pay never decreases when the vehicle is later:
	// lateness grows with time, but a target time or the route duration
	// (balance) can reward being later.
	if p.BalanceWeight > 0 {
		return nil, fmt.Errorf("%w: balance weight (route duration cost)", ErrUnsupported)
	}
	if p.LatenessWeight < 0 {
		return nil, fmt.Errorf("%w: negative lateness weight", ErrUnsupported)
	}
	cand := candidates(p, v)
	for _, j := range cand {
		if p.Jobs[j].TargetWeight > 0 {
			return nil, fmt.Errorf("%w: job %d has a target time", ErrUnsupported, j)
		}
	}
	if n := len(cand); n > MaxJobs {
		return nil, fmt.Errorf("%w: vehicle %d could serve %d jobs, at most %d", ErrTooLarge, v, n, MaxJobs)
	}
	return cand, nil
}

// candidates lists the jobs vehicle v may serve: not pinned elsewhere, with
// the skills it has, and, for a job that must precede a group's closing job,
// with such a closing job among the candidates (Evaluate rejects any route
// holding it otherwise).
func candidates(p *solver.Problem, v int) []int {
	veh := p.Vehicles[v]
	ok := make([]bool, len(p.Jobs))
	for j, job := range p.Jobs {
		ok[j] = !(job.Pinned && job.Vehicle != v) && job.Skills&^veh.Skills == 0
	}
	// Dropping a job may drop the only closer of another group when a job
	// both precedes and closes groups: repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		closed := map[int]bool{}
		for j, job := range p.Jobs {
			if ok[j] && job.After != 0 {
				closed[job.After] = true
			}
		}
		for j, job := range p.Jobs {
			if ok[j] && job.Before != 0 && !closed[job.Before] {
				ok[j], changed = false, true
			}
		}
	}
	var cand []int
	for j, in := range ok {
		if in {
			cand = append(cand, j)
		}
	}
	return cand
}

// insert adds x to the Pareto set b unless a label of b is at least as early
// and as cheap, and drops the labels x beats. It reports whether x went in.
//
// Rank needs no comparing: ranks never decrease along a route, so the highest
// rank served is that of the subset, the same for the whole bucket.
func insert(b []label, x label) ([]label, bool) {
	for _, y := range b {
		if y.t <= x.t && y.c <= x.c {
			return b, false
		}
	}
	w := 0
	for _, y := range b {
		if x.t > y.t || x.c > y.c {
			b[w] = y
			w++
		}
	}
	return append(b[:w], x), true
}
