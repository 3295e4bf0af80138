package solver

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"
)

// windowDP solves a single-vehicle problem with hard windows by dynamic
// programming over (served set, last job), stage by stage, the way Dumas,
// Desrosiers, Gélinas & Solomon (1995) solved their TSPTW instances: time
// windows keep the number of reachable states small, and a state is dropped
// as soon as some unserved job can no longer be reached in time.
//
// When a stage grows past maxLabels only the cheapest labels are kept (a
// restricted DP, Malandraki & Dial 1996): the result is then a good start for
// the search but not proven optimal. It returns the route, whether it is
// proven optimal, and false when the problem is outside what it handles.
//
// The steps: windowDPApplies says whether the problem is one it handles;
// each stage serves one more job (windowStates.expand), keeping per state
// the labels no other beats on both time and cost (windowStates.dominated),
// then drops the superseded ones and, past maxLabels, the dearest
// (windowStates.prune); closeTour picks the best return to the end depot
// and route walks the parents back.
func (s *search) windowDP(maxLabels int, deadline time.Time) ([]int, bool, bool) {
	if !s.windowDPApplies() {
		return nil, false, false
	}
	w := newWindowStates(s.p)
	stages := make([][]windowLabel, 0, w.n+1)
	stages = append(stages, []windowLabel{{set: make([]uint64, w.words), last: -1, time: w.veh.Open, parent: -1}})
	optimal := true
	for k := 0; k < w.n; k++ {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return nil, false, false
		}
		live, exact := w.prune(w.expand(stages[k]), maxLabels)
		if len(live) == 0 {
			return nil, false, false // no feasible order serves everything
		}
		optimal = optimal && exact
		stages = append(stages, live)
	}
	best := w.closeTour(stages[w.n])
	if best < 0 {
		return nil, false, false
	}
	return w.route(stages, best), optimal, true
}

// windowDPApplies reports whether the window DP handles s's problem: one
// vehicle serving every job (none optional, pinned elsewhere, beyond its
// skills or capacity, or preferring another vehicle), hard windows and
// travel as the only cost, one rank.
func (s *search) windowDPApplies() bool {
	p := s.p
	n := len(p.Jobs)
	if len(p.Vehicles) != 1 || n == 0 || n > 512 || s.timeCosts || s.hasGroups || p.VehicleCost != 0 {
		return false
	}
	veh := p.Vehicles[0]
	load := 0
	for _, j := range p.Jobs {
		if j.Pinned && j.Vehicle != 0 || j.Skills&^veh.Skills != 0 || j.Optional || j.PreferredWeight > 0 {
			return false
		}
		if !j.Unranked && j.Rank != p.Jobs[0].Rank {
			return false
		}
		load += j.Demand
	}
	return veh.Capacity <= 0 || load <= veh.Capacity
}

// windowLabel is a partial route: the jobs served, the last one, when the
// vehicle leaves it and what the route cost so far.
type windowLabel struct {
	set    []uint64
	last   int     // -1 at the start, -2 once superseded
	time   float64 // departure from last
	cost   float64
	parent int32 // index in the previous stage
}

// windowStates holds what every stage of the window DP reads.
type windowStates struct {
	p     *Problem
	veh   Vehicle
	n     int // jobs
	words int // uint64 words of a served set
	// sp holds the shortest travel times (Floyd–Warshall on p.Time), for
	// elimination: with truncated distances the triangle inequality can
	// fail, and a job unreachable directly may still be reached in time
	// through another one.
	sp []float64
}

func newWindowStates(p *Problem) *windowStates {
	w := &windowStates{p: p, veh: p.Vehicles[0], n: len(p.Jobs), words: (len(p.Jobs) + 63) / 64}
	w.sp = slices.Clone(p.Time)
	sp := w.sp
	for k := range p.N {
		for i := range p.N {
			ik := sp[i*p.N+k]
			for j := range p.N {
				if d := ik + sp[k*p.N+j]; d < sp[i*p.N+j] {
					sp[i*p.N+j] = d
				}
			}
		}
	}
	return w
}

// stateKey identifies the state (served set, last job) of a label.
func stateKey(set []uint64, last int) string {
	b := make([]byte, 0, 8*len(set)+2)
	for _, w := range set {
		b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24), byte(w>>32), byte(w>>40), byte(w>>48), byte(w>>56))
	}
	return string(append(b, byte(last), byte(last>>8)))
}

func inSet(set []uint64, i int) bool { return set[i/64]&(1<<(i%64)) != 0 }

// expand serves one more job after each label of prev, in time, leaving
// every other job and the return reachable, and keeps per state the labels
// not dominated. Labels superseded by a later one are marked last == -2.
func (w *windowStates) expand(prev []windowLabel) []windowLabel {
	p, veh := w.p, w.veh
	next := make([]windowLabel, 0, len(prev))
	index := make(map[string][]int32, len(prev))
	for li := range prev {
		l := &prev[li]
		from := veh.Start
		if l.last >= 0 {
			from = p.Jobs[l.last].Loc
		}
		for i := 0; i < w.n; i++ {
			if inSet(l.set, i) {
				continue
			}
			job := &p.Jobs[i]
			t := l.time + p.Time[from*p.N+job.Loc]
			if t > job.Due {
				continue
			}
			t = math.Max(t, job.Ready) + job.Service
			if w.strands(l.set, i, t) {
				continue
			}
			c := l.cost + p.Cost[from*p.N+job.Loc]
			set := slices.Clone(l.set)
			set[i/64] |= 1 << (i % 64)
			kk := stateKey(set, i)
			kept, dominated := w.dominated(next, index[kk], t, c)
			index[kk] = kept
			if dominated {
				continue
			}
			next = append(next, windowLabel{set: set, last: i, time: t, cost: c, parent: int32(li)})
			index[kk] = append(kept, int32(len(next)-1))
		}
	}
	return next
}

// strands reports whether leaving job i at time t, having served set before
// it, makes another unserved job or the return to the end depot
// unreachable in time (elimination).
func (w *windowStates) strands(set []uint64, i int, t float64) bool {
	p, sp := w.p, w.sp
	loc := p.Jobs[i].Loc
	if t+sp[loc*p.N+w.veh.End] > w.veh.Close {
		return true
	}
	for k := 0; k < w.words; k++ {
		rest := ^set[k]
		if k == w.words-1 && w.n%64 != 0 {
			rest &= (1 << (w.n % 64)) - 1
		}
		for rest != 0 {
			b := bits.TrailingZeros64(rest)
			rest &= rest - 1
			u := k*64 + b
			if u != i && t+sp[loc*p.N+p.Jobs[u].Loc] > p.Jobs[u].Due {
				return true
			}
		}
	}
	return false
}

// dominated compares a new label (time t, cost c) with the labels of its
// state (indexes same into next), Pareto on (time, cost). It reports
// whether one of them is at least as early and as cheap, and returns those
// to keep: when the new label is dominated, all of them; else those it does
// not beat, the others marked superseded.
func (w *windowStates) dominated(next []windowLabel, same []int32, t, c float64) ([]int32, bool) {
	dominated := false
	kept := same[:0]
	for _, oi := range same {
		o := &next[oi]
		if o.time <= t && o.cost <= c {
			dominated = true
		}
		if !(t <= o.time && c <= o.cost) || dominated {
			kept = append(kept, oi)
		} else {
			o.last = -2 // superseded
		}
	}
	return kept, dominated
}

// prune drops the superseded labels of a stage and, past maxLabels, keeps
// the cheapest (a restricted DP). It reports whether the stage is whole,
// which the optimum needs.
func (w *windowStates) prune(next []windowLabel, maxLabels int) ([]windowLabel, bool) {
	live := next[:0:0]
	for i := range next {
		if next[i].last != -2 {
			live = append(live, next[i])
		}
	}
	if len(live) <= maxLabels {
		return live, true
	}
	slices.SortFunc(live, func(a, b windowLabel) int { return cmp.Compare(a.cost+0.01*a.time, b.cost+0.01*b.time) })
	return live[:maxLabels], false
}

// closeTour returns the label of the last stage whose return to the end
// depot, in time, costs least; -1 when none is back in time.
func (w *windowStates) closeTour(last []windowLabel) int {
	p, veh := w.p, w.veh
	best, bestCost := -1, math.Inf(1)
	for i := range last {
		l := &last[i]
		loc := p.Jobs[l.last].Loc
		if l.time+p.Time[loc*p.N+veh.End] > veh.Close {
			continue
		}
		if c := l.cost + p.Cost[loc*p.N+veh.End]; c < bestCost {
			best, bestCost = i, c
		}
	}
	return best
}

// route walks the parents back from label best of the last stage.
func (w *windowStates) route(stages [][]windowLabel, best int) []int {
	route := make([]int, w.n)
	for k, li := w.n, best; k > 0; k-- {
		l := stages[k][li]
		route[k-1] = l.last
		li = int(l.parent)
	}
	return route
}
