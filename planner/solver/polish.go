package solver

import "slices"

// polish ends a run with a plain local search on the best solution:
// relocate one job, exchange two jobs of different routes, and exchange
// route tails (2-opt*), each applied as soon as it saves, until none does.
// The annealing leaves solutions where no ruin of the last iterations paid
// off, but such single moves still often do: a ruin removes ten jobs at a
// time and puts them back greedily, so it rarely tries exactly one of them.
//
// It handles only problems where a route's cost is its arcs (and the
// vehicle cost): hard windows, capacity and skills, no lateness, ranks,
// groups, pins or preferences — the benchmarks' case; any other problem is
// returned as is.
func (s *search) polish(st *state) *state {
	if !s.arcsOnly() {
		return st
	}
	routes := make([][]int, len(st.routes))
	cost := make([]float64, len(st.routes))
	for v, r := range st.routes {
		routes[v] = slices.Clone(r.jobs)
		c, ok := s.routeCost(v, routes[v])
		if !ok {
			return st // cannot happen: the search keeps routes feasible
		}
		cost[v] = c
	}
	const eps = 1e-9
	var bufA, bufB []int
	// takePair makes bufA and bufB routes a and b when both are feasible
	// and together cheaper.
	takePair := func(a, b int) bool {
		ca, okA := s.routeCost(a, bufA)
		if !okA {
			return false
		}
		cb, okB := s.routeCost(b, bufB)
		if !okB || ca+cb >= cost[a]+cost[b]-eps {
			return false
		}
		routes[a], cost[a] = slices.Clone(bufA), ca
		routes[b], cost[b] = slices.Clone(bufB), cb
		return true
	}
	for improved := true; improved; {
		improved = false
		// Relocate.
		for a := range routes {
			for i := 0; i < len(routes[a]); i++ {
				j := routes[a][i]
				without := slices.Delete(slices.Clone(routes[a]), i, i+1)
				cw, _ := s.routeCost(a, without) // removing a job keeps a route feasible
				moved := false
				for b := range routes {
					if b == a || !s.polishTarget(routes, b) {
						continue
					}
					for k := 0; k <= len(routes[b]); k++ {
						bufB = append(append(append(bufB[:0], routes[b][:k]...), j), routes[b][k:]...)
						cb, ok := s.routeCost(b, bufB)
						if ok && cw+cb < cost[a]+cost[b]-eps {
							routes[a], cost[a] = without, cw
							routes[b], cost[b] = slices.Clone(bufB), cb
							moved, improved = true, true
							break
						}
					}
					if moved {
						break
					}
				}
				if !moved {
					for k := 0; k <= len(without); k++ {
						if k == i {
							continue
						}
						bufA = append(append(append(bufA[:0], without[:k]...), j), without[k:]...)
						if c, ok := s.routeCost(a, bufA); ok && c < cost[a]-eps {
							routes[a], cost[a] = slices.Clone(bufA), c
							improved = true
							break
						}
					}
				}
			}
		}
		// Exchange two jobs, and 2-opt*, between every pair of routes.
		for a := range routes {
			for b := a + 1; b < len(routes); b++ {
				if len(routes[a]) == 0 || len(routes[b]) == 0 {
					continue
				}
			swap:
				for i := range routes[a] {
					for k := range routes[b] {
						bufA = append(bufA[:0], routes[a]...)
						bufB = append(bufB[:0], routes[b]...)
						bufA[i], bufB[k] = bufB[k], bufA[i]
						if takePair(a, b) {
							improved = true
							break swap
						}
					}
				}
			tails:
				for i := 0; i <= len(routes[a]); i++ {
					for k := 0; k <= len(routes[b]); k++ {
						if (i == 0 && k == 0) || (i == len(routes[a]) && k == len(routes[b])) {
							continue // the two routes swapped whole, or nothing
						}
						bufA = append(append(bufA[:0], routes[a][:i]...), routes[b][k:]...)
						bufB = append(append(bufB[:0], routes[b][:k]...), routes[a][i:]...)
						if takePair(a, b) {
							improved = true
							break tails
						}
					}
				}
			}
		}
	}
	out := s.stateOf(routes)
	out.absent = append(out.absent[:0], st.absent...)
	out.cost = s.total(out)
	if out.cost >= st.cost {
		return st
	}
	return out
}

// polishTarget says whether relocate tries route b: every route with jobs,
// and the first empty route of each vehicle class (the others are the same).
func (s *search) polishTarget(routes [][]int, b int) bool {
	if len(routes[b]) > 0 {
		return true
	}
	for u := range b {
		if len(routes[u]) == 0 && s.class[u] == s.class[b] {
			return false
		}
	}
	return true
}

// arcsOnly reports whether a route's cost is its arcs alone.
func (s *search) arcsOnly() bool {
	if s.timeCosts || s.hasGroups {
		return false
	}
	p := s.p
	for _, j := range p.Jobs {
		if j.Pinned || j.PreferredWeight > 0 || (!j.Unranked && j.Rank != p.Jobs[0].Rank) {
			return false
		}
	}
	return true
}

// routeCost is the cost of vehicle v serving jobs in that order, and false
// when it breaks a window, the capacity, a skill or the closing time.
func (s *search) routeCost(v int, jobs []int) (float64, bool) {
	if len(jobs) == 0 {
		return 0, true
	}
	p := s.p
	veh := &p.Vehicles[v]
	t, loc, c, load := veh.Open, veh.Start, 0.0, 0
	for _, j := range jobs {
		job := &p.Jobs[j]
		if job.Skills&^veh.Skills != 0 {
			return 0, false
		}
		t += p.Time[loc*p.N+job.Loc]
		c += p.Cost[loc*p.N+job.Loc]
		loc = job.Loc
		if t < job.Ready {
			t = job.Ready
		}
		if t > job.Due {
			return 0, false
		}
		t += job.Service
		load += job.Demand
	}
	if veh.Capacity > 0 && load > veh.Capacity {
		return 0, false
	}
	if t+p.Time[loc*p.N+veh.End] > veh.Close {
		return 0, false
	}
	return c + p.Cost[loc*p.N+veh.End] + p.VehicleCost, true
}
