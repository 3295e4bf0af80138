package exact

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

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
	if err := p.Validate(); err != nil {
		return result{}, fmt.Errorf("exact: %w", err)
	}
	if v < 0 || v >= len(p.Vehicles) {
		return result{}, fmt.Errorf("exact: vehicle %d out of range", v)
	}
	// Dominance drops a partial route when another over the same jobs,
	// ending at the same place, is no later and no dearer. That is exact only
	// if what is still to pay never decreases when the vehicle is later:
	// lateness grows with time, but a target time or the route duration
	// (balance) can reward being later.
	if p.BalanceWeight > 0 {
		return result{}, fmt.Errorf("%w: balance weight (route duration cost)", ErrUnsupported)
	}
	if p.LatenessWeight < 0 {
		return result{}, fmt.Errorf("%w: negative lateness weight", ErrUnsupported)
	}
	veh := p.Vehicles[v]
	cand := candidates(p, v)
	for _, j := range cand {
		if p.Jobs[j].TargetWeight > 0 {
			return result{}, fmt.Errorf("%w: job %d has a target time", ErrUnsupported, j)
		}
	}
	n := len(cand)
	if n > MaxJobs {
		return result{}, fmt.Errorf("%w: vehicle %d could serve %d jobs, at most %d", ErrTooLarge, v, n, MaxJobs)
	}

	// Per candidate data, indexed by candidate position.
	var (
		locKey   = make([]int32, n) // -1 for a break
		rankLvl  = make([]int32, n) // 0 for unranked
		closers  = make([]uint32, n)
		pref     = make([]float64, n)
		demand   = make([]int, n)
		reqMask  uint32
		monoLoad = true // loads only grow, so capacity can prune early
	)
	// Locations become dense keys; key 0 is the start. Two jobs at the same
	// place share a key, so their partial routes compare with each other.
	keyOf := map[int]int32{veh.Start: 0}
	locs := []int{veh.Start}
	var ranks []int
	for i, j := range cand {
		job := &p.Jobs[j]
		locKey[i] = -1
		if job.Loc >= 0 {
			k, ok := keyOf[job.Loc]
			if !ok {
				k = int32(len(locs))
				keyOf[job.Loc] = k
				locs = append(locs, job.Loc)
			}
			locKey[i] = k
		}
		if !job.Unranked {
			ranks = append(ranks, job.Rank)
		}
		if job.PreferredWeight > 0 && job.Preferred != v {
			pref[i] = job.PreferredWeight
		}
		demand[i] = job.Demand
		if job.Demand < 0 {
			monoLoad = false
		}
		if !job.Optional {
			reqMask |= 1 << i
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	for i, j := range cand {
		if job := &p.Jobs[j]; !job.Unranked {
			r, _ := slices.BinarySearch(ranks, job.Rank)
			rankLvl[i] = int32(r + 1)
		}
	}
	// closers[i] holds the jobs closing the group job i must precede: none
	// of them may be served before it, and one must be in the route.
	for i, j := range cand {
		if g := p.Jobs[j].Before; g != 0 {
			for k, jk := range cand {
				if p.Jobs[jk].After == g {
					closers[i] |= 1 << k
				}
			}
		}
	}
	// Weighted count of required jobs left out: every required job starts
	// out, and serving candidate i takes its weight off.
	reqAll := 0.0
	for _, job := range p.Jobs {
		reqAll += job.MissCost() / solver.UnassignedCost
	}
	weight := make([]float64, n)
	for i, j := range cand {
		weight[i] = p.Jobs[j].MissCost() / solver.UnassignedCost
	}

	L := len(locs)
	full := 1 << n
	var load []int
	if veh.Capacity > 0 {
		load = make([]int, full)
		for m := 1; m < full; m++ {
			low := bits.TrailingZeros(uint(m))
			load[m] = load[m&(m-1)] + demand[low]
		}
	}
	buckets := make([][]label, full*L)
	buckets[0] = []label{{t: veh.Open, node: -1}}
	trail := make([]node, 0, 1024)

	// The empty route is always allowed and costs nothing.
	bestU, bestC, bestNode := reqAll, 0.0, int32(-1)
	better := func(u float64, c float64) bool {
		if u == bestU {
			return c < bestC
		}
		// Different counts: compare Evaluate's totals, where a required job
		// left out weighs UnassignedCost.
		return u*solver.UnassignedCost+c < bestU*solver.UnassignedCost+bestC
	}

	N := p.N
	// Masks in increasing order: adding a job always gives a larger mask,
	// so every subset has all its labels before it is extended.
	for mask := uint32(0); int(mask) < full; mask++ {
		base := int(mask) * L
		endOK := mask != 0 && (load == nil || load[mask] <= veh.Capacity)
		for i := 0; endOK && i < n; i++ {
			if mask&(1<<i) != 0 && closers[i] != 0 && mask&closers[i] == 0 {
				endOK = false
			}
		}
		// Required jobs the vehicle cannot serve are in reqAll for good.
		u := reqAll
		for m := mask & reqMask; m != 0; m &= m - 1 {
			u -= weight[bits.TrailingZeros32(m)]
		}
		for k := range L {
			b := buckets[base+k]
			if len(b) == 0 {
				continue
			}
			cur := locs[k]
			if endOK {
				back := p.Time[cur*N+veh.End]
				arc := p.Cost[cur*N+veh.End] + p.VehicleCost
				for _, l := range b {
					if l.t+back > veh.Close+feasEps {
						continue
					}
					if c := l.c + arc; better(u, c) {
						bestU, bestC, bestNode = u, c, l.node
					}
				}
			}
			for i := range n {
				bit := uint32(1) << i
				if mask&bit != 0 {
					continue
				}
				next := mask | bit
				if closers[i]&next != 0 || (monoLoad && load != nil && load[next] > veh.Capacity) {
					continue
				}
				job := &p.Jobs[cand[i]]
				key, dt, dc := int32(k), 0.0, pref[i]
				if locKey[i] >= 0 {
					key = locKey[i]
					dt = p.Time[cur*N+job.Loc]
					dc += p.Cost[cur*N+job.Loc]
				}
				nb := int(next)*L + int(key)
				for _, l := range b {
					rank := l.rank
					if rankLvl[i] != 0 {
						if rankLvl[i] < rank {
							continue
						}
						rank = rankLvl[i]
					}
					// The same operations, in the same order, as
					// solver.Schedule: the times must be bit for bit those
					// Evaluate will check.
					t := math.Max(l.t+dt, job.Ready)
					late := math.Max(0, t-job.Due)
					if late > 0 && (!job.Soft || late > job.MaxLate+feasEps) {
						continue
					}
					x := label{t: t + job.Service, c: l.c + dc + p.LatenessWeight*late, rank: rank, node: int32(len(trail))}
					var ok bool
					if buckets[nb], ok = insert(buckets[nb], x); ok {
						trail = append(trail, node{parent: l.node, job: int32(i)})
					}
				}
			}
			buckets[base+k] = nil // extended for good: let the GC have it
		}
	}

	var route []int
	for nd := bestNode; nd >= 0; nd = trail[nd].parent {
		route = append(route, cand[trail[nd].job])
	}
	slices.Reverse(route)
	routes := make([][]int, len(p.Vehicles))
	routes[v] = route
	served := make([]bool, len(p.Jobs))
	for _, j := range route {
		served[j] = true
	}
	var out []int
	for j, s := range served {
		if !s {
			out = append(out, j)
		}
	}
	c, err := solver.Evaluate(p, routes)
	if err != nil {
		// A bug here, not a user error: the optimum must be a valid route.
		return result{}, fmt.Errorf("exact: optimum rejected by solver.Evaluate: %w", err)
	}
	return result{
		sol:        solver.Solution{Routes: routes, Unassigned: out, Cost: c},
		unassigned: bestU,
		cost:       bestC,
	}, nil
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
