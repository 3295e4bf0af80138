package solver_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tournee/planner/bench"
	"tournee/planner/solver"
)

// TestSolomonSweep is a developer tool, not a check: with
// TOURNEE_SOLOMON_SWEEP=1 it solves the 29 Solomon C1/R1/RC1 instances
// (arcs truncated to 0.1, distance objective) and prints the mean gap to
// the distance-only optima per seed. SWEEP_ITER fixes the work (default
// 20,000), SWEEP_TIME (e.g. 1s) bounds it by the clock instead, SWEEP_SEEDS
// lists the seeds (default 1,2,3), SWEEP_PAR the instances solved at once,
// SWEEP_T0, SWEEP_TF, SWEEP_CBAR and SWEEP_BLINK set the Options of the same
// names (StartTemp, EndTemp, AvgRemoved, BlinkRate), SWEEP_VERBOSE prints
// every instance's gap.
func TestSolomonSweep(t *testing.T) {
	if os.Getenv("TOURNEE_SOLOMON_SWEEP") == "" {
		t.Skip("developer tool: set TOURNEE_SOLOMON_SWEEP=1")
	}
	dir := "../../../shared/bench/solomon/"
	table, err := bench.ReadBKS(dir + "bks_distance_only.csv")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range []struct {
		prefix string
		n      int
	}{{"c1", 9}, {"r1", 12}, {"rc1", 8}} {
		for i := 1; i <= c.n; i++ {
			names = append(names, fmt.Sprintf("%s%02d", c.prefix, i))
		}
	}
	opt := solver.Options{MaxIterations: 20_000}
	if v := os.Getenv("SWEEP_ITER"); v != "" {
		opt.MaxIterations, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("SWEEP_TIME"); v != "" {
		opt.TimeLimit, _ = time.ParseDuration(v)
		if os.Getenv("SWEEP_ITER") == "" {
			opt.MaxIterations = 0
		}
	}
	f := func(k string) float64 { v, _ := strconv.ParseFloat(os.Getenv(k), 64); return v }
	opt.StartTemp, opt.EndTemp, opt.AvgRemoved, opt.BlinkRate = f("SWEEP_T0"), f("SWEEP_TF"), f("SWEEP_CBAR"), f("SWEEP_BLINK")
	seeds := []uint64{1, 2, 3}
	if v := os.Getenv("SWEEP_SEEDS"); v != "" {
		seeds = nil
		for _, s := range strings.Split(v, ",") {
			n, _ := strconv.ParseUint(s, 10, 64)
			seeds = append(seeds, n)
		}
	}
	par := 1
	if v := os.Getenv("SWEEP_PAR"); v != "" {
		par, _ = strconv.Atoi(v)
	}
	problems := make([]*solver.Problem, len(names))
	for i, name := range names {
		fh, err := os.Open(dir + "instances/" + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		inst, err := bench.ReadSolomon(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		problems[i] = inst.Problem(bench.Trunc1, bench.Distance)
	}
	all := 0.0
	for _, seed := range seeds {
		gaps := make([]float64, len(names))
		iters := make([]int, len(names))
		var wg sync.WaitGroup
		sem := make(chan struct{}, par)
		for i := range names {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				o := opt
				o.Seed = seed
				sol, err := solver.Solve(problems[i], o)
				if err != nil || sol.Cost.Unassigned > 0 {
					t.Errorf("%s: %v unassigned %d", names[i], err, sol.Cost.Unassigned)
					return
				}
				b, _ := bench.Lookup(table, names[i])
				gaps[i] = 100 * (sol.Cost.Travel - b.Distance) / b.Distance
				iters[i] = sol.Iterations
			}()
		}
		wg.Wait()
		mean, it := 0.0, 0
		var line []string
		for i := range names {
			mean += gaps[i]
			it += iters[i]
			line = append(line, fmt.Sprintf("%s %.4f", names[i], gaps[i]))
		}
		mean /= float64(len(names))
		all += mean
		if os.Getenv("SWEEP_VERBOSE") != "" {
			fmt.Println(strings.Join(line, " | "))
		}
		fmt.Printf("seed %d: mean gap %+.3f %%  (mean iterations %d)\n", seed, mean, it/len(names))
	}
	fmt.Printf("ALL: mean gap %+.3f %%\n", all/float64(len(seeds)))
}
