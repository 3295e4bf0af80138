package solver

import (
	"math"
	"math/rand/v2"
	"testing"
)

// arcsProblem is a random instance polish handles: hard windows, capacity,
// skills and two depots, costs on arcs only.
func arcsProblem(rng *rand.Rand, nJobs, nVeh int) *Problem {
	nLoc := nJobs + 2
	p := &Problem{N: nLoc, Time: make([]float64, nLoc*nLoc), Cost: make([]float64, nLoc*nLoc)}
	xs, ys := make([]float64, nLoc), make([]float64, nLoc)
	for i := range nLoc {
		xs[i], ys[i] = rng.Float64()*40, rng.Float64()*40
	}
	for i := range nLoc {
		for j := range nLoc {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			p.Time[i*nLoc+j] = math.Floor(d)
			p.Cost[i*nLoc+j] = d
		}
	}
	for v := range nVeh {
		p.Vehicles = append(p.Vehicles, Vehicle{Start: 0, End: 1 - v%2, Close: 400, Capacity: 10 + rng.IntN(10), Skills: uint64(1 + v%2)})
	}
	for j := range nJobs {
		ready := rng.Float64() * 250
		job := Job{Loc: 2 + j, Ready: ready, Due: ready + 10 + rng.Float64()*120, Service: float64(rng.IntN(15)), Demand: rng.IntN(4)}
		if rng.IntN(8) == 0 {
			job.Skills = 2
		}
		p.Jobs = append(p.Jobs, job)
	}
	return p
}

// TestPolishKeepsConstraintsAndSaves checks that the final local search
// returns plans the reference evaluator accepts, at the cost it claims and
// never dearer than its start, and that it does shorten greedy starts.
func TestPolishKeepsConstraintsAndSaves(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 19))
	saved := 0
	for trial := range 40 {
		p := arcsProblem(rng, 12+rng.IntN(20), 2+rng.IntN(3))
		s := newSearch(p, uint64(trial))
		s.prepare()
		s.skip = math.MaxInt
		start := s.initial(nil)
		if !s.arcsOnly() {
			t.Fatal("polish should handle an arcs-only problem")
		}
		got := s.polish(start)
		sol, err := s.solution(got)
		if err != nil {
			t.Fatalf("trial %d: polished plan breaks a constraint: %v", trial, err)
		}
		if math.Abs(sol.Cost.Total-got.cost) > 1e-6 {
			t.Fatalf("trial %d: polish claims %.6f, the evaluator says %.6f", trial, got.cost, sol.Cost.Total)
		}
		if got.cost > start.cost+1e-9 {
			t.Fatalf("trial %d: polish made the plan dearer: %.3f -> %.3f", trial, start.cost, got.cost)
		}
		if len(got.absent) != len(start.absent) {
			t.Fatalf("trial %d: polish changed the jobs left out", trial)
		}
		if got.cost < start.cost-1e-9 {
			saved++
		}
	}
	if saved < 10 {
		t.Errorf("polish shortened only %d of 40 greedy starts", saved)
	}
}
