package solver_test

import (
	"os"
	"testing"

	"tournee/planner/bench"
	"tournee/planner/solver"
)

// solomonProblem reads a Solomon instance of shared/bench as the bench
// command prices it for the distance-only optima (arcs truncated to 0.1).
func solomonProblem(b *testing.B, name string) *solver.Problem {
	b.Helper()
	path := "../../../shared/bench/solomon/instances/" + name + ".txt"
	f, err := os.Open(path)
	if err != nil {
		b.Fatalf("benchmark data not found at %s (shared/bench must sit next to the repository): %v", path, err)
	}
	defer f.Close()
	inst, err := bench.ReadSolomon(f)
	if err != nil {
		b.Fatal(err)
	}
	return inst.Problem(bench.Trunc1, bench.Distance)
}

// BenchmarkSolveSolomon runs a fixed number of ruin-and-recreate steps on
// one instance of each Solomon class: ns/op over 5,000 iterations gives
// the iterations per second, and allocs/op what the search allocates,
// whatever the load of the machine.
func BenchmarkSolveSolomon(b *testing.B) {
	for _, name := range []string{"c103", "r101", "rc102"} {
		b.Run(name, func(b *testing.B) {
			p := solomonProblem(b, name)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := solver.Solve(p, solver.Options{Seed: 1, MaxIterations: 5000}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
