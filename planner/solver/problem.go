// Package solver orders visits into routes: a vehicle routing problem with
// time windows (VRPTW) solved by ruin-and-recreate (SISR: slack induction by
// string removals) under simulated annealing, anytime and deterministic for a
// seed. It knows nothing of nurses: planner maps a day onto a Problem, and
// the benchmark commands map Solomon and Dumas instances onto it.
package solver

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Problem is one routing instance. Times and costs are float64 in any unit
// (minutes for nurses, the instance's own unit for benchmarks).
type Problem struct {
	// N is the number of locations; Time and Cost are N×N row-major matrices:
	// Time[i*N+j] is the travel time from i to j, Cost[i*N+j] what the arc
	// costs in the objective (the distance, or the time again).
	N    int
	Time []float64
	Cost []float64

	Jobs     []Job
	Vehicles []Vehicle

	// LatenessWeight is the cost of one unit of lateness on a soft window,
	// in cost units. It should dwarf a unit of travel: the objective is, in
	// order, hard windows (never broken), lateness, then travel.
	LatenessWeight float64
	// VehicleCost is added once per route that serves at least one job
	// (0 for the distance objective; large to minimise the fleet first).
	VehicleCost float64
	// BalanceWeight adds BalanceWeight × (route duration)² per route, which
	// spreads the work across nurses.
	BalanceWeight float64
}

// Job is a stop to serve once.
type Job struct {
	// Loc is the location index; -1 for a break, which happens wherever the
	// vehicle is (it costs no travel).
	Loc int
	// Ready and Due bound the start of service. Arriving before Ready waits.
	Ready, Due float64
	// Soft windows may start after Due at LatenessWeight per unit, up to
	// Due+MaxLate; hard windows may not.
	Soft    bool
	MaxLate float64
	Service float64
	Demand  int
	// Skills the vehicle must have (bit set).
	Skills uint64
	// Pinned jobs may only go in vehicle Vehicle.
	Pinned  bool
	Vehicle int
	// PreferredWeight > 0 makes Preferred the vehicle that should serve the
	// job, at that cost for any other one: continuity of care.
	Preferred       int
	PreferredWeight float64
	// Target is a wished start time (daily consistency) and TargetWeight the
	// cost per unit of distance from it beyond TargetSlack. Zero weight: none.
	Target, TargetSlack, TargetWeight float64
	// Rank orders jobs within a route: a route's jobs must be in
	// non-decreasing Rank (pins by position, "must be last"). Jobs with
	// Unranked set are exempt (breaks, the lab drop-off).
	Rank     int
	Unranked bool
	// Group ties precedence: every job with Before = g in a route must come
	// before that route's job with After = g (blood draws before the lab
	// drop-off). A job with Before set can only go in a route that has the
	// After job. 0 means none.
	Before, After int
	// Optional jobs may stay unassigned at no cost (a lab stop with no blood
	// draw to carry); a required job left out costs UnassignedCost times
	// UnassignedWeight (0 counts as 1): a strict visit weighs more than a
	// soft one, so the search gives up the soft one first.
	Optional         bool
	UnassignedWeight float64
}

// MissCost is what leaving job j out adds to the total.
func (j *Job) MissCost() float64 {
	if j.Optional {
		return 0
	}
	if j.UnassignedWeight > 0 {
		return j.UnassignedWeight * UnassignedCost
	}
	return UnassignedCost
}

// Vehicle is one nurse's round (or one truck of a benchmark).
type Vehicle struct {
	Start, End int // locations
	// Earliest departure and latest return.
	Open, Close float64
	Capacity    int // 0 = unlimited
	Skills      uint64
}

// Validate reports a malformed problem (sizes, windows, indexes), so the
// solver itself can trust its input.
func (p *Problem) Validate() error {
	if p.N <= 0 || len(p.Time) != p.N*p.N || len(p.Cost) != p.N*p.N {
		return fmt.Errorf("matrices must be %d×%d", p.N, p.N)
	}
	if len(p.Vehicles) == 0 {
		return errors.New("no vehicle")
	}
	for i, v := range p.Vehicles {
		if v.Start < 0 || v.Start >= p.N || v.End < 0 || v.End >= p.N {
			return fmt.Errorf("vehicle %d: depot out of range", i)
		}
		if v.Close < v.Open {
			return fmt.Errorf("vehicle %d: closes before it opens", i)
		}
	}
	for i, j := range p.Jobs {
		if j.Loc < -1 || j.Loc >= p.N {
			return fmt.Errorf("job %d: location %d out of range", i, j.Loc)
		}
		if j.Due < j.Ready || math.IsNaN(j.Ready) || math.IsNaN(j.Due) {
			return fmt.Errorf("job %d: window ends before it starts", i)
		}
		if (j.Pinned && (j.Vehicle < 0 || j.Vehicle >= len(p.Vehicles))) ||
			(j.PreferredWeight > 0 && (j.Preferred < 0 || j.Preferred >= len(p.Vehicles))) {
			return fmt.Errorf("job %d: vehicle out of range", i)
		}
		if j.Service < 0 || j.MaxLate < 0 || j.UnassignedWeight < 0 {
			return fmt.Errorf("job %d: negative duration", i)
		}
	}
	return nil
}

// Solution is a set of routes (job indexes in visiting order, one route per
// vehicle, possibly empty) and the jobs left out.
type Solution struct {
	Routes     [][]int
	Unassigned []int
	Cost       Cost
	// Iterations is how many ruin-and-recreate steps the search made.
	Iterations int
}

// Cost breaks the objective down.
type Cost struct {
	Unassigned int     // required jobs left out
	Lateness   float64 // total lateness on soft windows
	Travel     float64 // sum of arc costs
	Penalty    float64 // continuity, consistency, balance and vehicle costs
	Total      float64 // what the solver minimises
}

// UnassignedCost is what each required job left out adds to Cost.Total: more
// than any plan that serves it could cost.
const UnassignedCost = 1e9

// Options control a run.
type Options struct {
	// Seed makes the run reproducible: same problem, seed and iteration
	// budget, same result.
	Seed uint64
	// TimeLimit stops the search (anytime); MaxIterations too when > 0.
	// With neither, the search runs 20,000 iterations.
	TimeLimit     time.Duration
	MaxIterations int
	// Temperature bounds of the annealing, as multiples of the mean arc cost
	// of the starting solution; zero means the defaults (1 and 0.01).
	StartTemp, EndTemp float64
	// AvgRemoved is the mean number of jobs one ruin removes (zero: 10, the
	// SISR default).
	AvgRemoved float64
	// BlinkRate is the chance of skipping a position when reinserting a job
	// (zero: 0.01, the SISR default); more blinks diversify tight problems.
	BlinkRate float64
	// Initial, when given, is a starting solution (a re-plan starts from the
	// current order).
	Initial *Solution
}
