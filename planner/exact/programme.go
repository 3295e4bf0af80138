package exact

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"tournee/planner/solver"
)

// programme is one run of the dynamic programme over the subsets of the
// candidates of vehicle v: its tables (per candidate, per location), its
// buckets of labels and the best complete route so far.
//
// The steps: newProgramme builds the tables and the start label; run
// takes the subsets in increasing order and, for each bucket, closes the
// tour (closeTour) then extends its labels by one job (extend), keeping
// each bucket a Pareto set (insert); result rebuilds the best route from
// the trail and has solver.Evaluate price it.
type programme struct {
	p    *solver.Problem
	v    int
	veh  solver.Vehicle
	cand []int

	// Per candidate, indexed by candidate position.
	locKey   []int32 // location key, -1 for a break
	rankLvl  []int32 // 0 for unranked
	closers  []uint32
	pref     []float64 // preferred-vehicle penalty when served by v
	weight   []float64 // weight of the job left out, in required jobs
	reqMask  uint32    // the required candidates
	monoLoad bool      // loads only grow, so capacity can prune early

	// locs are the dense location keys' locations; key 0 is the start.
	locs []int
	// load[mask] is the demand of a subset, nil without capacity.
	load []int
	// reqAll is the weighted count of every required job left out.
	reqAll float64

	// buckets[mask*len(locs)+key] holds the labels over subset mask
	// standing at location key.
	buckets [][]label
	trail   []node

	// The best complete route: required jobs left out (weighted), the rest
	// of its cost, its last node.
	bestU, bestC float64
	bestNode     int32
}

// newProgramme builds the tables of the candidates and the start label.
func newProgramme(p *solver.Problem, v int, cand []int) *programme {
	n := len(cand)
	dp := &programme{
		p: p, v: v, veh: p.Vehicles[v], cand: cand,
		locKey:   make([]int32, n),
		rankLvl:  make([]int32, n),
		closers:  make([]uint32, n),
		pref:     make([]float64, n),
		weight:   make([]float64, n),
		monoLoad: true,
	}
	demand := dp.jobTables()
	dp.rankLevels()
	dp.groupClosers()
	dp.missWeights()

	full := 1 << n
	if dp.veh.Capacity > 0 {
		dp.load = make([]int, full)
		for m := 1; m < full; m++ {
			low := bits.TrailingZeros(uint(m))
			dp.load[m] = dp.load[m&(m-1)] + demand[low]
		}
	}
	dp.buckets = make([][]label, full*len(dp.locs))
	dp.buckets[0] = []label{{t: dp.veh.Open, node: -1}}
	dp.trail = make([]node, 0, 1024)
	// The empty route is always allowed and costs nothing.
	dp.bestU, dp.bestC, dp.bestNode = dp.reqAll, 0, -1
	return dp
}

// jobTables fills the location keys, preferred-vehicle penalties and
// required mask of the candidates, and returns their demands.
func (dp *programme) jobTables() []int {
	demand := make([]int, len(dp.cand))
	// Locations become dense keys; key 0 is the start. Two jobs at the same
	// place share a key, so their partial routes compare with each other.
	keyOf := map[int]int32{dp.veh.Start: 0}
	dp.locs = []int{dp.veh.Start}
	for i, j := range dp.cand {
		job := &dp.p.Jobs[j]
		dp.locKey[i] = -1
		if job.Loc >= 0 {
			k, ok := keyOf[job.Loc]
			if !ok {
				k = int32(len(dp.locs))
				keyOf[job.Loc] = k
				dp.locs = append(dp.locs, job.Loc)
			}
			dp.locKey[i] = k
		}
		if job.PreferredWeight > 0 && job.Preferred != dp.v {
			dp.pref[i] = job.PreferredWeight
		}
		demand[i] = job.Demand
		if job.Demand < 0 {
			dp.monoLoad = false
		}
		if !job.Optional {
			dp.reqMask |= 1 << i
		}
	}
	return demand
}

// rankLevels numbers the distinct ranks of the candidates from 1 up.
func (dp *programme) rankLevels() {
	var ranks []int
	for _, j := range dp.cand {
		if job := &dp.p.Jobs[j]; !job.Unranked {
			ranks = append(ranks, job.Rank)
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	for i, j := range dp.cand {
		if job := &dp.p.Jobs[j]; !job.Unranked {
			r, _ := slices.BinarySearch(ranks, job.Rank)
			dp.rankLvl[i] = int32(r + 1)
		}
	}
}

// groupClosers sets closers[i] to the jobs closing the group job i must
// precede: none of them may be served before it, and one must be in the
// route.
func (dp *programme) groupClosers() {
	for i, j := range dp.cand {
		if g := dp.p.Jobs[j].Before; g != 0 {
			for k, jk := range dp.cand {
				if dp.p.Jobs[jk].After == g {
					dp.closers[i] |= 1 << k
				}
			}
		}
	}
}

// missWeights sets the weighted count of required jobs left out: every
// required job starts out, and serving candidate i takes its weight off.
func (dp *programme) missWeights() {
	for _, job := range dp.p.Jobs {
		dp.reqAll += job.MissCost() / solver.UnassignedCost
	}
	for i, j := range dp.cand {
		dp.weight[i] = dp.p.Jobs[j].MissCost() / solver.UnassignedCost
	}
}

// run extends every bucket, subsets in increasing order: adding a job
// always gives a larger mask, so every subset has all its labels before it
// is extended.
func (dp *programme) run() {
	L := len(dp.locs)
	for mask := uint32(0); int(mask) < 1<<len(dp.cand); mask++ {
		base := int(mask) * L
		endOK := dp.canEnd(mask)
		u := dp.missed(mask)
		for k := range L {
			b := dp.buckets[base+k]
			if len(b) == 0 {
				continue
			}
			if endOK {
				dp.closeTour(b, k, u)
			}
			dp.extend(b, mask, k)
			dp.buckets[base+k] = nil // extended for good: let the GC have it
		}
	}
}

// canEnd reports whether a route may end having served mask: not empty,
// within capacity, and every job that must precede a group's closing job
// followed by one.
func (dp *programme) canEnd(mask uint32) bool {
	if mask == 0 || (dp.load != nil && dp.load[mask] > dp.veh.Capacity) {
		return false
	}
	for i := range dp.cand {
		if mask&(1<<i) != 0 && dp.closers[i] != 0 && mask&dp.closers[i] == 0 {
			return false
		}
	}
	return true
}

// missed is the weighted count of required jobs a route serving mask
// leaves out. Required jobs the vehicle cannot serve are in reqAll for
// good.
func (dp *programme) missed(mask uint32) float64 {
	u := dp.reqAll
	for m := mask & dp.reqMask; m != 0; m &= m - 1 {
		u -= dp.weight[bits.TrailingZeros32(m)]
	}
	return u
}

// closeTour drives the labels of bucket b, at location key k, back to the
// end depot and keeps the best complete route.
func (dp *programme) closeTour(b []label, k int, u float64) {
	p, veh := dp.p, dp.veh
	cur := dp.locs[k]
	back := p.Time[cur*p.N+veh.End]
	arc := p.Cost[cur*p.N+veh.End] + p.VehicleCost
	for _, l := range b {
		if l.t+back > veh.Close+feasEps {
			continue
		}
		if c := l.c + arc; dp.better(u, c) {
			dp.bestU, dp.bestC, dp.bestNode = u, c, l.node
		}
	}
}

// better reports whether a complete route leaving u required jobs out
// (weighted) and costing c otherwise beats the best so far.
func (dp *programme) better(u float64, c float64) bool {
	if u == dp.bestU {
		return c < dp.bestC
	}
	// Different counts: compare Evaluate's totals, where a required job
	// left out weighs UnassignedCost.
	return u*solver.UnassignedCost+c < dp.bestU*solver.UnassignedCost+dp.bestC
}

// extend serves one more candidate after every label of bucket b (subset
// mask, location key k), into the buckets of the larger subsets.
func (dp *programme) extend(b []label, mask uint32, k int) {
	p, N, L := dp.p, dp.p.N, len(dp.locs)
	cur := dp.locs[k]
	for i := range dp.cand {
		bit := uint32(1) << i
		if mask&bit != 0 {
			continue
		}
		next := mask | bit
		if dp.closers[i]&next != 0 || (dp.monoLoad && dp.load != nil && dp.load[next] > dp.veh.Capacity) {
			continue
		}
		job := &p.Jobs[dp.cand[i]]
		key, dt, dc := int32(k), 0.0, dp.pref[i]
		if dp.locKey[i] >= 0 {
			key = dp.locKey[i]
			dt = p.Time[cur*N+job.Loc]
			dc += p.Cost[cur*N+job.Loc]
		}
		nb := int(next)*L + int(key)
		for _, l := range b {
			rank := l.rank
			if dp.rankLvl[i] != 0 {
				if dp.rankLvl[i] < rank {
					continue
				}
				rank = dp.rankLvl[i]
			}
			// The same operations, in the same order, as solver.Schedule:
			// the times must be bit for bit those Evaluate will check.
			t := math.Max(l.t+dt, job.Ready)
			late := math.Max(0, t-job.Due)
			if late > 0 && (!job.Soft || late > job.MaxLate+feasEps) {
				continue
			}
			x := label{t: t + job.Service, c: l.c + dc + p.LatenessWeight*late, rank: rank, node: int32(len(dp.trail))}
			var ok bool
			if dp.buckets[nb], ok = insert(dp.buckets[nb], x); ok {
				dp.trail = append(dp.trail, node{parent: l.node, job: int32(i)})
			}
		}
	}
}

// route rebuilds the best route, in job indexes of p, from the trail.
func (dp *programme) route() []int {
	var route []int
	for nd := dp.bestNode; nd >= 0; nd = dp.trail[nd].parent {
		route = append(route, dp.cand[dp.trail[nd].job])
	}
	slices.Reverse(route)
	return route
}

// result is the best route as a Solution, priced by solver.Evaluate, with
// the programme's own objective beside it.
func (dp *programme) result() (result, error) {
	p := dp.p
	route := dp.route()
	routes := make([][]int, len(p.Vehicles))
	routes[dp.v] = route
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
		unassigned: dp.bestU,
		cost:       dp.bestC,
	}, nil
}
