package solver_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"tournee/planner/exact"
	"tournee/planner/solver"
)

// randomProblem builds a small instance exercising every feature the
// solver's fast checks must get right.
func randomProblem(rng *rand.Rand, nJobs, nVeh int, timeCosts bool) *solver.Problem {
	nLoc := nJobs + 2
	p := &solver.Problem{N: nLoc, Time: make([]float64, nLoc*nLoc), Cost: make([]float64, nLoc*nLoc), LatenessWeight: 10}
	xs, ys := make([]float64, nLoc), make([]float64, nLoc)
	for i := range nLoc {
		xs[i], ys[i] = rng.Float64()*40, rng.Float64()*40
	}
	for i := range nLoc {
		for j := range nLoc {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			p.Time[i*nLoc+j] = math.Floor(d)
			p.Cost[i*nLoc+j] = d * (0.5 + rng.Float64())
		}
	}
	for v := range nVeh {
		p.Vehicles = append(p.Vehicles, solver.Vehicle{Start: 0, End: 1 - v%2, Open: 0, Close: 400, Capacity: 10 + rng.IntN(10), Skills: uint64(1 + v%2)})
	}
	for j := range nJobs {
		ready := rng.Float64() * 250
		job := solver.Job{Loc: 2 + j, Ready: ready, Due: ready + 10 + rng.Float64()*120, Service: float64(rng.IntN(15)), Demand: rng.IntN(4)}
		if rng.IntN(8) == 0 {
			job.Skills = 2
		}
		if rng.IntN(3) == 0 {
			job.UnassignedWeight = 10 // a strict visit: dearer to leave out
		}
		if rng.IntN(4) == 0 {
			job.Rank = rng.IntN(3)
		}
		if nVeh > 1 && rng.IntN(4) == 0 {
			job.Preferred, job.PreferredWeight = rng.IntN(nVeh), 5
		}
		if nVeh > 1 && rng.IntN(10) == 0 {
			job.Pinned, job.Vehicle = true, rng.IntN(nVeh)
		}
		if timeCosts {
			if rng.IntN(2) == 0 {
				job.Soft, job.MaxLate = true, rng.Float64()*60
			}
			if rng.IntN(5) == 0 {
				job.Target, job.TargetSlack, job.TargetWeight = job.Ready+rng.Float64()*20, 5, 0.5
			}
			if rng.IntN(10) == 0 {
				job.Loc, job.Unranked = -1, true // a break
			}
		}
		p.Jobs = append(p.Jobs, job)
	}
	if timeCosts && rng.IntN(2) == 0 {
		p.BalanceWeight = 0.001
	}
	// A lab drop-off closing group 1, and one or two blood draws.
	if rng.IntN(3) == 0 {
		lab := solver.Job{Loc: 2 + rng.IntN(nJobs), Ready: 0, Due: 300, Service: 2, After: 1, Unranked: true, Pinned: true, Vehicle: 0,
			Optional: rng.IntN(2) == 0}
		p.Jobs = append(p.Jobs, lab)
		p.Jobs[0].Before = 1
	}
	return p
}

// TestFastChecksMatchEvaluate checks, on random partial solutions, that the
// incremental insertion cost and feasibility equal what the reference
// evaluator says of the route with the job inserted.
func TestFastChecksMatchEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	checked := 0
	for trial := range 300 {
		p := randomProblem(rng, 4+rng.IntN(8), 1+rng.IntN(3), trial%2 == 0)
		sol, err := solver.Solve(p, solver.Options{Seed: uint64(trial), MaxIterations: 50})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := solver.Evaluate(p, sol.Routes); err != nil {
			t.Fatalf("trial %d: Solve returned an invalid solution: %v", trial, err)
		}
		// Try every absent job, and a few served ones taken out of their
		// route, at every position of every route.
		cases := []struct {
			routes [][]int
			j      int
		}{}
		for _, j := range sol.Unassigned {
			cases = append(cases, struct {
				routes [][]int
				j      int
			}{sol.Routes, j})
		}
		for v, r := range sol.Routes {
			for k, j := range r {
				if k%3 == 0 {
					rs := cloneRoutes(sol.Routes)
					rs[v] = slices.Delete(rs[v], k, k+1)
					if _, err := solver.Evaluate(p, rs); err == nil {
						cases = append(cases, struct {
							routes [][]int
							j      int
						}{rs, j})
					}
				}
			}
		}
		for _, c := range cases {
			j := c.j
			base, err := solver.Evaluate(p, c.routes)
			if err != nil {
				t.Fatal(err)
			}
			sol := solver.Solution{Routes: c.routes}
			for v := range sol.Routes {
				for k := 0; k <= len(sol.Routes[v]); k++ {
					routes := cloneRoutes(sol.Routes)
					routes[v] = slices.Insert(routes[v], k, j)
					after, err := solver.Evaluate(p, routes)
					d, ok := solver.InsertionDelta(p, sol.Routes, v, j, k)
					if ok != (err == nil) {
						t.Fatalf("trial %d: insert job %d in route %d at %d: fast check says %v, evaluator says %v", trial, j, v, k, ok, err)
					}
					// Totals carry ~1e9 per missing job: allow their rounding.
					tol := 1e-6 + 1e-14*math.Max(math.Abs(after.Total), math.Abs(base.Total))
					if ok && math.Abs(d-(after.Total-base.Total-unassignedDrop(p, j))) > tol {
						t.Fatalf("trial %d: delta %.6f, evaluator %.6f", trial, d, after.Total-base.Total-unassignedDrop(p, j))
					}
					checked++
				}
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d insertions checked", checked)
	}
}

// unassignedDrop is what serving a previously absent job removes from the total.
func unassignedDrop(p *solver.Problem, j int) float64 {
	return -p.Jobs[j].MissCost()
}

func cloneRoutes(rs [][]int) [][]int {
	out := make([][]int, len(rs))
	for i, r := range rs {
		out[i] = slices.Clone(r)
	}
	return out
}

// TestOptimalOnSmallRounds compares the heuristic with the exact DP on
// random single rounds: it must find the proven optimum.
func TestOptimalOnSmallRounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	for trial := range 150 {
		p := randomProblem(rng, 3+rng.IntN(7), 1, false)
		p.Jobs = slices.DeleteFunc(p.Jobs, func(j solver.Job) bool { return j.TargetWeight > 0 })
		want, err := exact.Solve(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := solver.Solve(p, solver.Options{Seed: uint64(trial), MaxIterations: 3000})
		if err != nil {
			t.Fatal(err)
		}
		if got.Cost.Total > want.Cost.Total+1e-6*math.Max(1, want.Cost.Total*1e-9) {
			t.Errorf("trial %d (%d jobs): heuristic %+v, optimum %+v", trial, len(p.Jobs), got.Cost, want.Cost)
		}
	}
}

func TestDeterministicForASeed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	p := randomProblem(rng, 30, 3, true)
	a, err := solver.Solve(p, solver.Options{Seed: 42, MaxIterations: 2000})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := solver.Solve(p, solver.Options{Seed: 42, MaxIterations: 2000})
	if !slices.EqualFunc(a.Routes, b.Routes, slices.Equal) || a.Cost != b.Cost {
		t.Errorf("same seed, different results:\n%v\n%v", a.Routes, b.Routes)
	}
}

// TestInvariants: every job at most once, no hard window broken, and a job
// is left out only when it fits nowhere on its own.
func TestInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := range 60 {
		p := randomProblem(rng, 10+rng.IntN(30), 1+rng.IntN(4), trial%2 == 1)
		sol, err := solver.Solve(p, solver.Options{Seed: 1, MaxIterations: 500})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		seen := map[int]bool{}
		for _, r := range sol.Routes {
			for _, j := range r {
				if seen[j] {
					t.Fatalf("job %d twice", j)
				}
				seen[j] = true
			}
		}
		for _, j := range sol.Unassigned {
			if seen[j] {
				t.Fatalf("job %d both served and unassigned", j)
			}
			seen[j] = true
		}
		if len(seen) != len(p.Jobs) {
			t.Fatalf("%d jobs accounted for, want %d", len(seen), len(p.Jobs))
		}
		// A required job left out must not fit in any route as it stands.
		for _, j := range sol.Unassigned {
			if p.Jobs[j].Optional {
				continue
			}
			for v := range sol.Routes {
				for k := 0; k <= len(sol.Routes[v]); k++ {
					if _, ok := solver.InsertionDelta(p, sol.Routes, v, j, k); ok {
						t.Fatalf("trial %d: job %d left out but fits in route %d at %d", trial, j, v, k)
					}
				}
			}
		}
	}
}

func TestBadProblems(t *testing.T) {
	ok := func() *solver.Problem {
		return &solver.Problem{N: 2, Time: []float64{0, 1, 1, 0}, Cost: []float64{0, 1, 1, 0},
			Jobs:     []solver.Job{{Loc: 1, Ready: 0, Due: 10}},
			Vehicles: []solver.Vehicle{{Start: 0, End: 0, Open: 0, Close: 100}}}
	}
	cases := map[string]func(p *solver.Problem){
		"window ends before it starts": func(p *solver.Problem) { p.Jobs[0].Ready, p.Jobs[0].Due = 10, 5 },
		"no vehicle":                   func(p *solver.Problem) { p.Vehicles = nil },
		"matrix size":                  func(p *solver.Problem) { p.Time = p.Time[:3] },
		"location out of range":        func(p *solver.Problem) { p.Jobs[0].Loc = 5 },
		"pinned to a missing vehicle":  func(p *solver.Problem) { p.Jobs[0].Pinned, p.Jobs[0].Vehicle = true, 3 },
	}
	for name, breakIt := range cases {
		p := ok()
		breakIt(p)
		if _, err := solver.Solve(p, solver.Options{MaxIterations: 10}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if sol, err := solver.Solve(ok(), solver.Options{MaxIterations: 10}); err != nil || len(sol.Routes[0]) != 1 {
		t.Errorf("a valid one-job problem: %v, %v", sol, err)
	}
}
