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
func (s *search) windowDP(maxLabels int, deadline time.Time) ([]int, bool, bool) {
	p := s.p
	n := len(p.Jobs)
	if len(p.Vehicles) != 1 || n == 0 || n > 512 || s.timeCosts || s.hasGroups || p.VehicleCost != 0 {
		return nil, false, false
	}
	veh := p.Vehicles[0]
	load := 0
	for _, j := range p.Jobs {
		if j.Pinned && j.Vehicle != 0 || j.Skills&^veh.Skills != 0 || j.Optional || j.PreferredWeight > 0 {
			return nil, false, false
		}
		if !j.Unranked && j.Rank != p.Jobs[0].Rank {
			return nil, false, false
		}
		load += j.Demand
	}
	if veh.Capacity > 0 && load > veh.Capacity {
		return nil, false, false
	}
	words := (n + 63) / 64
	// Elimination uses shortest travel times: with truncated distances the
	// triangle inequality can fail, and a job unreachable directly may still
	// be reached in time through another one.
	sp := slices.Clone(p.Time)
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

	type label struct {
		set    []uint64
		last   int
		time   float64 // departure from last
		cost   float64
		parent int32 // index in the previous stage
	}
	key := func(set []uint64, last int) string {
		b := make([]byte, 0, 8*len(set)+2)
		for _, w := range set {
			b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24), byte(w>>32), byte(w>>40), byte(w>>48), byte(w>>56))
		}
		return string(append(b, byte(last), byte(last>>8)))
	}
	has := func(set []uint64, i int) bool { return set[i/64]&(1<<(i%64)) != 0 }
	travel := func(from, to int) float64 { return p.Time[from*p.N+to] }

	stages := make([][]label, 0, n+1)
	stages = append(stages, []label{{set: make([]uint64, words), last: -1, time: veh.Open, parent: -1}})
	optimal := true
	for k := 0; k < n; k++ {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return nil, false, false
		}
		prev := stages[k]
		next := make([]label, 0, len(prev))
		index := make(map[string][]int32, len(prev))
		for li := range prev {
			l := &prev[li]
			from := veh.Start
			if l.last >= 0 {
				from = p.Jobs[l.last].Loc
			}
			for i := 0; i < n; i++ {
				if has(l.set, i) {
					continue
				}
				job := &p.Jobs[i]
				t := l.time + travel(from, job.Loc)
				if t > job.Due {
					continue
				}
				t = math.Max(t, job.Ready) + job.Service
				// Elimination: every other unserved job must stay reachable,
				// and so must the return.
				dead := t+sp[job.Loc*p.N+veh.End] > veh.Close
				for w := 0; w < words && !dead; w++ {
					rest := ^l.set[w]
					if w == words-1 && n%64 != 0 {
						rest &= (1 << (n % 64)) - 1
					}
					for rest != 0 {
						b := bits.TrailingZeros64(rest)
						rest &= rest - 1
						u := w*64 + b
						if u != i && t+sp[job.Loc*p.N+p.Jobs[u].Loc] > p.Jobs[u].Due {
							dead = true
							break
						}
					}
				}
				if dead {
					continue
				}
				c := l.cost + p.Cost[from*p.N+job.Loc]
				set := slices.Clone(l.set)
				set[i/64] |= 1 << (i % 64)
				kk := key(set, i)
				// Pareto on (time, cost) among labels of the same state.
				dominated := false
				kept := index[kk][:0]
				for _, oi := range index[kk] {
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
				if dominated {
					index[kk] = kept
					continue
				}
				next = append(next, label{set: set, last: i, time: t, cost: c, parent: int32(li)})
				index[kk] = append(kept, int32(len(next)-1))
			}
		}
		live := next[:0:0]
		for i := range next {
			if next[i].last != -2 {
				live = append(live, next[i])
			}
		}
		if len(live) == 0 {
			return nil, false, false // no feasible order serves everything
		}
		if len(live) > maxLabels {
			slices.SortFunc(live, func(a, b label) int { return cmp.Compare(a.cost+0.01*a.time, b.cost+0.01*b.time) })
			live = live[:maxLabels]
			optimal = false
		}
		stages = append(stages, live)
	}
	// Close the tour at the end depot.
	last := stages[n]
	best, bestCost := -1, math.Inf(1)
	for i := range last {
		l := &last[i]
		loc := p.Jobs[l.last].Loc
		if l.time+travel(loc, veh.End) > veh.Close {
			continue
		}
		if c := l.cost + p.Cost[loc*p.N+veh.End]; c < bestCost {
			best, bestCost = i, c
		}
	}
	if best < 0 {
		return nil, false, false
	}
	route := make([]int, n)
	for k, li := n, best; k > 0; k-- {
		l := stages[k][li]
		route[k-1] = l.last
		li = int(l.parent)
	}
	return route, optimal, true
}
