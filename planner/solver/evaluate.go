package solver

import (
	"fmt"
	"math"
)

// Evaluate computes the cost of routes (one per vehicle, job indexes in
// order) the slow, obvious way, and reports the first broken hard
// constraint. It is the reference the fast incremental checks of the search
// are tested against, and what the exact solver and the planner use to
// describe a plan.
//
// Schedule: a vehicle leaves Start at Open; each job starts at
// max(arrival, Ready) — no deliberate waiting — and leaves after Service. A
// break (Loc -1) happens where the vehicle is: no travel to it, and the next
// leg leaves from the previous location. The vehicle must be back at End by
// Close.
func Evaluate(p *Problem, routes [][]int) (Cost, error) {
	var c Cost
	if len(routes) != len(p.Vehicles) {
		return c, fmt.Errorf("%d routes for %d vehicles", len(routes), len(p.Vehicles))
	}
	seen := make([]bool, len(p.Jobs))
	for v, r := range routes {
		rc, err := evalRoute(p, v, r)
		if err != nil {
			return c, fmt.Errorf("route %d: %w", v, err)
		}
		for _, j := range r {
			if seen[j] {
				return c, fmt.Errorf("job %d served twice", j)
			}
			seen[j] = true
		}
		c.Lateness += rc.Lateness
		c.Travel += rc.Travel
		c.Penalty += rc.Penalty
	}
	miss := 0.0
	for j, ok := range seen {
		if !ok && !p.Jobs[j].Optional {
			c.Unassigned++
			miss += p.Jobs[j].MissCost()
		}
	}
	c.Total = miss + c.Lateness*p.LatenessWeight + c.Travel + c.Penalty
	return c, nil
}

// RouteSchedule is the timing of one route as Evaluate computes it.
type RouteSchedule struct {
	Arrival, Start, Lateness []float64 // per job of the route
	Depart, Return           float64   // leave Start, back at End
}

// Schedule returns the timing of route r of vehicle v (no checks).
func Schedule(p *Problem, v int, r []int) RouteSchedule {
	veh := p.Vehicles[v]
	s := RouteSchedule{Arrival: make([]float64, len(r)), Start: make([]float64, len(r)), Lateness: make([]float64, len(r))}
	t, loc := veh.Open, veh.Start
	s.Depart = veh.Open
	for k, j := range r {
		job := &p.Jobs[j]
		if job.Loc >= 0 {
			t += p.Time[loc*p.N+job.Loc]
			loc = job.Loc
		}
		s.Arrival[k] = t
		t = math.Max(t, job.Ready)
		s.Start[k] = t
		s.Lateness[k] = math.Max(0, t-job.Due)
		t += job.Service
	}
	s.Return = t + p.Time[loc*p.N+veh.End]
	return s
}

func evalRoute(p *Problem, v int, r []int) (Cost, error) {
	var c Cost
	if len(r) == 0 {
		return c, nil
	}
	veh := p.Vehicles[v]
	s := Schedule(p, v, r)
	loc, load := veh.Start, 0
	maxRank, hasAfter := math.MinInt, map[int]bool{}
	for _, j := range r {
		if g := p.Jobs[j].After; g != 0 {
			hasAfter[g] = true
		}
	}
	seenAfter := map[int]bool{}
	for k, j := range r {
		job := &p.Jobs[j]
		if job.Loc >= 0 {
			c.Travel += p.Cost[loc*p.N+job.Loc]
			loc = job.Loc
		}
		if job.Pinned && job.Vehicle != v {
			return c, fmt.Errorf("job %d is pinned to vehicle %d", j, job.Vehicle)
		}
		if job.Skills&^veh.Skills != 0 {
			return c, fmt.Errorf("job %d needs skills the vehicle lacks", j)
		}
		if !job.Unranked {
			if job.Rank < maxRank {
				return c, fmt.Errorf("job %d (rank %d) after a job of rank %d", j, job.Rank, maxRank)
			}
			maxRank = job.Rank
		}
		if job.After != 0 {
			seenAfter[job.After] = true
		}
		if g := job.Before; g != 0 && (!hasAfter[g] || seenAfter[g]) {
			return c, fmt.Errorf("job %d must come before the route's job closing group %d", j, g)
		}
		late := s.Lateness[k]
		if late > 0 && (!job.Soft || late > job.MaxLate+1e-9) {
			return c, fmt.Errorf("job %d starts at %.2f, after its window closes at %.2f", j, s.Start[k], job.Due)
		}
		c.Lateness += late
		if job.PreferredWeight > 0 && job.Preferred != v {
			c.Penalty += job.PreferredWeight
		}
		if job.TargetWeight > 0 {
			c.Penalty += job.TargetWeight * math.Max(0, math.Abs(s.Start[k]-job.Target)-job.TargetSlack)
		}
		load += job.Demand
	}
	c.Travel += p.Cost[loc*p.N+veh.End]
	if s.Return > veh.Close+1e-9 {
		return c, fmt.Errorf("back at %.2f, after the vehicle closes at %.2f", s.Return, veh.Close)
	}
	if veh.Capacity > 0 && load > veh.Capacity {
		return c, fmt.Errorf("load %d over capacity %d", load, veh.Capacity)
	}
	c.Penalty += p.VehicleCost
	if p.BalanceWeight > 0 {
		d := RouteDuration(p, v, r, s)
		c.Penalty += p.BalanceWeight * d * d
	}
	return c, nil
}

// RouteDuration is the working time of a route: from leaving in time for the
// first job (no waiting at the first door) to the return.
func RouteDuration(p *Problem, v int, r []int, s RouteSchedule) float64 {
	if len(r) == 0 {
		return 0
	}
	first := p.Jobs[r[0]]
	leave := s.Start[0]
	if first.Loc >= 0 {
		leave -= p.Time[p.Vehicles[v].Start*p.N+first.Loc]
	}
	return s.Return - math.Max(leave, p.Vehicles[v].Open)
}
