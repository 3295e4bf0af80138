package exact

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"tournee/planner/solver"
)

// rest is Cost.Total without the required jobs left out. Totals carry
// multiples of UnassignedCost, where a float64 ulp is already ~1e-7, so the
// tests compare the count exactly and the rest within 1e-6.
func rest(p *solver.Problem, c solver.Cost) float64 {
	return c.Lateness*p.LatenessWeight + c.Travel + c.Penalty
}

// lessCost orders costs as Total does, without its rounding within a count.
func lessCost(p *solver.Problem, a, b solver.Cost) bool {
	if a.Unassigned == b.Unassigned {
		return rest(p, a) < rest(p, b)
	}
	return a.Total < b.Total
}

// bruteForce evaluates every ordering of every subset of the jobs on vehicle
// v with solver.Evaluate and returns the cheapest valid one.
func bruteForce(p *solver.Problem, v int) (solver.Cost, []int) {
	routes := make([][]int, len(p.Vehicles))
	used := make([]bool, len(p.Jobs))
	var (
		best      solver.Cost
		bestRoute []int
		found     bool
		seq       []int
	)
	var rec func()
	rec = func() {
		routes[v] = seq
		if c, err := solver.Evaluate(p, routes); err == nil && (!found || lessCost(p, c, best)) {
			best, bestRoute, found = c, slices.Clone(seq), true
		}
		for j := range p.Jobs {
			if !used[j] {
				used[j] = true
				seq = append(seq, j)
				rec()
				seq = seq[:len(seq)-1]
				used[j] = false
			}
		}
	}
	rec()
	return best, bestRoute
}

// matrices fills Time and Cost from points: Euclidean times, sometimes
// rounded to whole minutes, and a cost that is either the time or a
// distorted, asymmetric version of it, so that the two matrices are really
// used apart.
func matrices(r *rand.Rand, xs, ys []float64) (time, cost []float64) {
	n := len(xs)
	time, cost = make([]float64, n*n), make([]float64, n*n)
	round := r.IntN(2) == 0
	distort := r.IntN(3) == 0
	for i := range n {
		for j := range n {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			if round {
				d = math.Round(d)
			}
			time[i*n+j], cost[i*n+j] = d, d
			if distort && i != j {
				cost[i*n+j] = d*1.5 + r.Float64()*5
			}
		}
	}
	return time, cost
}

// randomProblem draws a small instance that exercises every rule the exact
// solver supports: tight to loose windows, soft windows with MaxLate,
// capacity, ranks, a break, a lab drop-off closing a group, optional jobs,
// skills, pins and preferred vehicles on a two-vehicle fleet.
func randomProblem(r *rand.Rand, n int) (*solver.Problem, int) {
	nv := 1 + r.IntN(2)
	nloc := n + 2
	xs, ys := make([]float64, nloc), make([]float64, nloc)
	for i := range nloc {
		xs[i], ys[i] = r.Float64()*30, r.Float64()*30
	}
	p := &solver.Problem{N: nloc}
	p.Time, p.Cost = matrices(r, xs, ys)
	p.LatenessWeight = []float64{0, 1, 10, 100}[r.IntN(4)]
	if r.IntN(3) == 0 {
		p.VehicleCost = 100
	}
	for range nv {
		veh := solver.Vehicle{Start: 0, End: r.IntN(2), Open: float64(r.IntN(30)), Close: 1000, Skills: uint64(r.IntN(4))}
		if r.IntN(2) == 0 {
			veh.Close = veh.Open + 60 + r.Float64()*150
		}
		if r.IntN(3) == 0 {
			veh.Capacity = 2 + r.IntN(6)
		}
		p.Vehicles = append(p.Vehicles, veh)
	}
	ranked := r.IntN(3) == 0
	widths := []float64{0, 5, 20, 60, 200}
	for range n {
		j := solver.Job{Loc: 2 + r.IntN(n), Ready: r.Float64() * 150, Demand: r.IntN(3)}
		if r.IntN(15) == 0 {
			j.Demand = -1 // a pick-up: loads no longer only grow
		}
		j.Due = j.Ready + widths[r.IntN(len(widths))]*r.Float64()
		if r.IntN(10) == 0 {
			j.Loc = r.IntN(2) // at a depot
		}
		if r.IntN(3) == 0 {
			j.Soft = true
			j.MaxLate = []float64{0, 10, 40}[r.IntN(3)]
		}
		j.Service = r.Float64() * 15
		if r.IntN(2) == 0 {
			j.Service = math.Round(j.Service)
		}
		if r.IntN(10) == 0 {
			j.Skills = 1 << r.IntN(2)
		}
		if ranked {
			j.Rank = r.IntN(3)
			j.Unranked = r.IntN(8) == 0
		}
		j.Optional = r.IntN(7) == 0
		if nv > 1 && r.IntN(8) == 0 {
			j.Pinned, j.Vehicle = true, r.IntN(nv)
		}
		if nv > 1 && r.IntN(6) == 0 {
			j.Preferred, j.PreferredWeight = r.IntN(nv), 5+r.Float64()*15
		}
		p.Jobs = append(p.Jobs, j)
	}
	if r.IntN(5) == 0 {
		// A lunch-like break: no place of its own.
		b := &p.Jobs[r.IntN(n)]
		b.Loc, b.Unranked = -1, true
		b.Ready = 30 + r.Float64()*60
		b.Due = b.Ready + r.Float64()*60
		b.Service, b.Demand, b.Skills = 15, 0, 0
		b.Optional = r.IntN(2) == 0
	}
	if n >= 2 && r.IntN(4) == 0 {
		// A lab drop-off: optional, closing group 1, with one or two blood
		// draws that must come before it.
		lab := r.IntN(n)
		l := &p.Jobs[lab]
		l.After, l.Optional, l.Unranked = 1, true, r.IntN(2) == 0
		l.Ready, l.Due = 0, 60+r.Float64()*200
		for range 1 + r.IntN(2) {
			if k := r.IntN(n); k != lab {
				p.Jobs[k].Before = 1
			}
		}
		if r.IntN(4) == 0 {
			// A draw whose lab stop is not in the day: never servable.
			if k := r.IntN(n); k != lab {
				p.Jobs[k].Before = 2
			}
		}
	}
	return p, r.IntN(nv)
}

// check asserts what every answer of the solver must satisfy: one route per
// vehicle, only the asked one filled, the Unassigned list complete, the cost
// that of Evaluate, and the dynamic programme's own figure equal to it.
func check(t *testing.T, p *solver.Problem, v int, res result) {
	t.Helper()
	sol := res.sol
	if len(sol.Routes) != len(p.Vehicles) {
		t.Fatalf("%d routes for %d vehicles", len(sol.Routes), len(p.Vehicles))
	}
	for w, r := range sol.Routes {
		if w != v && len(r) != 0 {
			t.Fatalf("route %d filled: %v", w, r)
		}
	}
	c, err := solver.Evaluate(p, sol.Routes)
	if err != nil {
		t.Fatalf("Evaluate(%v): %v", sol.Routes, err)
	}
	if c != sol.Cost {
		t.Fatalf("Cost = %+v, Evaluate gives %+v", sol.Cost, c)
	}
	// The DP's weighted count of left-out jobs is what Total charges for them.
	if miss := (c.Total - rest(p, c)) / solver.UnassignedCost; math.Abs(res.unassigned-miss) > 1e-6 || math.Abs(res.cost-rest(p, c)) > 1e-6 {
		t.Fatalf("DP cost (%v, %v), Evaluate (%v, %v)", res.unassigned, res.cost, miss, rest(p, c))
	}
	all := slices.Concat(sol.Routes[v], sol.Unassigned)
	slices.Sort(all)
	if len(all) != len(p.Jobs) || !slices.IsSorted(sol.Unassigned) {
		t.Fatalf("route %v and unassigned %v do not split the %d jobs", sol.Routes[v], sol.Unassigned, len(p.Jobs))
	}
	for i, j := range all {
		if i != j {
			t.Fatalf("route %v and unassigned %v do not split the %d jobs", sol.Routes[v], sol.Unassigned, len(p.Jobs))
		}
	}
}

func TestSolveMatchesBruteForce(t *testing.T) {
	t.Parallel()
	const instances = 700
	r := rand.New(rand.NewPCG(1, 2))
	for i := range instances {
		// Up to 7 jobs, where enumerating is cheap; a few of 8 (110,000
		// orders each) unless -short.
		n := 1 + r.IntN(7)
		if i%100 == 0 && !testing.Short() {
			n = 8
		}
		p, v := randomProblem(r, n)
		t.Run(fmt.Sprintf("%03d-n%d", i, n), func(t *testing.T) {
			t.Parallel()
			res, err := solve(p, v)
			if err != nil {
				t.Fatal(err)
			}
			check(t, p, v, res)
			want, wantRoute := bruteForce(p, v)
			got := res.sol.Cost
			if got.Unassigned != want.Unassigned || math.Abs(rest(p, got)-rest(p, want)) > 1e-6 {
				t.Fatalf("vehicle %d: route %v costs %+v, brute force %v costs %+v\nproblem %+v",
					v, res.sol.Routes[v], got, wantRoute, want, *p)
			}
		})
	}
}

// line builds a problem on a line: location i at abscissa xs[i], travel
// time and cost the distance, one vehicle from location 0 to location end.
func line(end int, xs ...float64) *solver.Problem {
	n := len(xs)
	p := &solver.Problem{N: n, Time: make([]float64, n*n), Cost: make([]float64, n*n), LatenessWeight: 10}
	for i := range n {
		for j := range n {
			p.Time[i*n+j] = math.Abs(xs[i] - xs[j])
			p.Cost[i*n+j] = p.Time[i*n+j]
		}
	}
	p.Vehicles = []solver.Vehicle{{Start: 0, End: end, Open: 0, Close: 1000}}
	return p
}

func TestSolveCases(t *testing.T) {
	t.Parallel()
	open := func(loc int) solver.Job { return solver.Job{Loc: loc, Ready: 0, Due: 1000} }
	tests := []struct {
		name  string
		build func() *solver.Problem
		route []int
		unass []int
		cost  solver.Cost
	}{
		{
			name:  "empty problem",
			build: func() *solver.Problem { return line(0, 0) },
			route: nil, cost: solver.Cost{},
		},
		{
			name: "job out of reach of its window is left out alone",
			build: func() *solver.Problem {
				p := line(2, 0, 5, 10, 20) // ends at 10: one best order
				late := open(3)
				late.Due = 15 // 20 min away: cannot start by 15
				p.Jobs = []solver.Job{open(1), open(2), late}
				return p
			},
			route: []int{0, 1}, unass: []int{2},
			cost: solver.Cost{Unassigned: 1, Travel: 10, Total: solver.UnassignedCost + 10},
		},
		{
			// Start at 0, end at 20; A at 15 must start by 15, B at 5 has
			// a 10-minute service. B then A is the short way (20) but
			// reaches A at 25; the hard window forces A first (40).
			name: "hard window forces a detour",
			build: func() *solver.Problem {
				p := line(3, 0, 15, 5, 20)
				a := open(1)
				a.Due = 15
				b := open(2)
				b.Service = 10
				p.Jobs = []solver.Job{a, b}
				return p
			},
			route: []int{0, 1}, cost: solver.Cost{Travel: 40, Total: 40},
		},
		{
			// Same round with a soft window: 10 min late at 10 per minute
			// (100) costs more than the 20 of detour.
			name: "detour cheaper than lateness",
			build: func() *solver.Problem {
				p := line(3, 0, 15, 5, 20)
				a := open(1)
				a.Due, a.Soft, a.MaxLate = 15, true, 30
				b := open(2)
				b.Service = 10
				p.Jobs = []solver.Job{a, b}
				return p
			},
			route: []int{0, 1}, cost: solver.Cost{Travel: 40, Total: 40},
		},
		{
			// At 1 per minute, being 10 min late (10) beats the detour (20).
			name: "lateness cheaper than detour",
			build: func() *solver.Problem {
				p := line(3, 0, 15, 5, 20)
				p.LatenessWeight = 1
				a := open(1)
				a.Due, a.Soft, a.MaxLate = 15, true, 30
				b := open(2)
				b.Service = 10
				p.Jobs = []solver.Job{a, b}
				return p
			},
			route: []int{1, 0}, cost: solver.Cost{Lateness: 10, Travel: 20, Total: 30},
		},
		{
			// Far job ranked first: going there first and back costs 40
			// instead of 20 for the natural order.
			name: "rank forces a dearer order",
			build: func() *solver.Problem {
				p := line(0, 0, 5, 10)
				near, far := open(1), open(2)
				near.Rank = 2
				far.Rank = 1
				p.Jobs = []solver.Job{near, far}
				return p
			},
			route: []int{1, 0}, cost: solver.Cost{Travel: 20, Total: 20},
		},
		{
			// The break happens at the first patient (5): the next leg
			// leaves from there, so the travel is that of the two patients
			// alone, 10 + 10. The break's window puts it between them.
			name: "break costs no travel",
			build: func() *solver.Problem {
				p := line(0, 0, 5, 10)
				first := open(1)
				first.Due = 10
				brk := solver.Job{Loc: -1, Ready: 5, Due: 20, Service: 30, Unranked: true}
				second := open(2)
				second.Ready = 40
				p.Jobs = []solver.Job{second, brk, first}
				return p
			},
			route: []int{2, 1, 0}, cost: solver.Cost{Travel: 20, Total: 20},
		},
		{
			// The draw can only be served with the lab stop after it, even
			// though the lab is further away.
			name: "lab stop after its draw",
			build: func() *solver.Problem {
				p := line(0, 0, 10, 5)
				lab := open(1)
				lab.After, lab.Optional = 1, true
				draw := open(2)
				draw.Before = 1
				p.Jobs = []solver.Job{lab, draw}
				return p
			},
			route: []int{1, 0}, cost: solver.Cost{Travel: 20, Total: 20},
		},
		{
			name: "lab stop with nothing to carry is skipped",
			build: func() *solver.Problem {
				p := line(0, 0, 10, 5)
				lab := open(1)
				lab.After, lab.Optional = 1, true
				p.Jobs = []solver.Job{lab, open(2)}
				return p
			},
			route: []int{1}, unass: []int{0}, cost: solver.Cost{Travel: 10, Total: 10},
		},
		{
			name: "optional job out of the way is skipped for free",
			build: func() *solver.Problem {
				p := line(0, 0, 5, 100)
				opt := open(2)
				opt.Optional = true
				p.Jobs = []solver.Job{open(1), opt}
				return p
			},
			route: []int{0}, unass: []int{1}, cost: solver.Cost{Travel: 10, Total: 10},
		},
		{
			// Only the whole route's load counts: a pick-up (negative
			// demand) makes room for a job that overflows on the way.
			name: "pick-up makes room",
			build: func() *solver.Problem {
				p := line(3, 0, 1, 5, 6) // ends at 6
				p.Vehicles[0].Capacity = 2
				a, b, c := open(2), open(3), open(1)
				a.Demand, b.Demand, c.Demand = 2, 1, -1
				p.Jobs = []solver.Job{a, b, c}
				return p
			},
			route: []int{2, 0, 1}, cost: solver.Cost{Travel: 6, Total: 6},
		},
		{
			name: "pick-up not enough: one job left out",
			build: func() *solver.Problem {
				p := line(0, 0, 1, 5, 8)
				p.Vehicles[0].Capacity = 2
				a, b, c := open(2), open(3), open(1)
				a.Demand, b.Demand, c.Demand = 2, 2, -1
				p.Jobs = []solver.Job{a, b, c}
				return p
			},
			route: []int{2, 0}, unass: []int{1},
			cost: solver.Cost{Unassigned: 1, Travel: 10, Total: solver.UnassignedCost + 10},
		},
		{
			name: "job pinned to another vehicle is left out",
			build: func() *solver.Problem {
				p := line(0, 0, 5)
				p.Vehicles = append(p.Vehicles, p.Vehicles[0])
				pinned := open(1)
				pinned.Pinned, pinned.Vehicle = true, 1
				p.Jobs = []solver.Job{open(1), pinned}
				p.VehicleCost = 7
				return p
			},
			route: []int{0}, unass: []int{1},
			cost: solver.Cost{Unassigned: 1, Travel: 10, Penalty: 7, Total: solver.UnassignedCost + 17},
		},
		{
			name: "capacity leaves one job out, the nearer is kept",
			build: func() *solver.Problem {
				p := line(0, 0, 5, 6)
				p.Vehicles[0].Capacity = 3
				a, b := open(1), open(2)
				a.Demand, b.Demand = 2, 2
				p.Jobs = []solver.Job{a, b}
				return p
			},
			route: []int{0}, unass: []int{1},
			cost: solver.Cost{Unassigned: 1, Travel: 10, Total: solver.UnassignedCost + 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.build()
			res, err := solve(p, 0)
			if err != nil {
				t.Fatal(err)
			}
			check(t, p, 0, res)
			if got := res.sol.Routes[0]; !slices.Equal(got, tt.route) {
				t.Errorf("route = %v, want %v", got, tt.route)
			}
			if !slices.Equal(res.sol.Unassigned, tt.unass) {
				t.Errorf("unassigned = %v, want %v", res.sol.Unassigned, tt.unass)
			}
			if res.sol.Cost != tt.cost {
				t.Errorf("cost = %+v, want %+v", res.sol.Cost, tt.cost)
			}
		})
	}
}

func TestSolveErrors(t *testing.T) {
	t.Parallel()
	base := func() *solver.Problem {
		p := line(0, 0, 5)
		p.Jobs = []solver.Job{{Loc: 1, Ready: 0, Due: 100}}
		return p
	}
	many := func(n int) *solver.Problem {
		p := base()
		p.Jobs = nil
		for range n {
			p.Jobs = append(p.Jobs, solver.Job{Loc: 1, Ready: 0, Due: 1000})
		}
		return p
	}
	tests := []struct {
		name    string
		build   func() *solver.Problem
		vehicle int
		want    error // nil: any error
	}{
		{"balance weight", func() *solver.Problem { p := base(); p.BalanceWeight = 1; return p }, 0, ErrUnsupported},
		{"target time", func() *solver.Problem { p := base(); p.Jobs[0].TargetWeight = 1; return p }, 0, ErrUnsupported},
		{"negative lateness weight", func() *solver.Problem { p := base(); p.LatenessWeight = -1; return p }, 0, ErrUnsupported},
		{"too many jobs", func() *solver.Problem { return many(MaxJobs + 1) }, 0, ErrTooLarge},
		{"vehicle out of range", base, 1, nil},
		{"invalid problem", func() *solver.Problem { p := base(); p.Jobs[0].Due = -1; return p }, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Solve(tt.build(), tt.vehicle)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// The limit counts the jobs the vehicle could serve: a big day whose other
// jobs are pinned to other nurses, or need skills she lacks, still solves,
// and a target time on someone else's job does not matter.
func TestSolveLimitCountsOwnJobs(t *testing.T) {
	t.Parallel()
	p := line(0, 0, 5)
	p.Vehicles = append(p.Vehicles, p.Vehicles[0])
	p.Vehicles[0].Skills = 1
	own := 0
	for i := range 2 * MaxJobs {
		j := solver.Job{Loc: 1, Ready: 0, Due: 1000}
		switch {
		case i%2 == 0:
			j.Pinned, j.Vehicle = true, 1
			j.TargetWeight = 1
		case i%4 == 1:
			j.Skills = 2
		default:
			own++
		}
		p.Jobs = append(p.Jobs, j)
	}
	res, err := solve(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	check(t, p, 0, res)
	if got, want := len(res.sol.Routes[0]), own; got != want {
		t.Errorf("served %d jobs, want %d", got, want)
	}
}

// morning is a realistic round of n visits between 7:00 and 12:00 (minutes
// since midnight): travel 3 to 15 min, 8 to 15 min of care, windows of 20 to
// 40 min laid around a feasible tour so that the day can be served, a third
// of them soft.
func morning(seed uint64, n int) *solver.Problem {
	r := rand.New(rand.NewPCG(seed, 42))
	xs, ys := make([]float64, n+1), make([]float64, n+1)
	for i := range n + 1 {
		xs[i], ys[i] = r.Float64()*8, r.Float64()*8 // km
	}
	p := &solver.Problem{N: n + 1, Time: make([]float64, (n+1)*(n+1)), LatenessWeight: 100}
	for i := range n + 1 {
		for j := range n + 1 {
			if i != j {
				p.Time[i*(n+1)+j] = math.Round(min(15, 3+1.5*math.Hypot(xs[i]-xs[j], ys[i]-ys[j])))
			}
		}
	}
	p.Cost = p.Time
	p.Vehicles = []solver.Vehicle{{Start: 0, End: 0, Open: 420, Close: 720}}
	p.Jobs = make([]solver.Job, n)
	t, loc := 420.0, 0
	for _, j := range r.Perm(n) {
		t += p.Time[loc*(n+1)+j+1]
		w := float64(20 + r.IntN(21))
		ready := math.Round(t - r.Float64()*w)
		job := solver.Job{Loc: j + 1, Ready: ready, Due: ready + w, Service: float64(8 + r.IntN(8))}
		if r.IntN(3) == 0 {
			job.Soft, job.MaxLate = true, 15
		}
		p.Jobs[j] = job
		t = max(t, ready) + job.Service
		loc = j + 1
	}
	return p
}

func TestSolveMorning(t *testing.T) {
	t.Parallel()
	for seed := range uint64(5) {
		p := morning(seed, 12)
		res, err := solve(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, 0, res)
		if res.sol.Cost.Unassigned != 0 {
			t.Errorf("seed %d: %d visits left out of a feasible morning", seed, res.sol.Cost.Unassigned)
		}
	}
}

func benchmarkSolve(b *testing.B, p *solver.Problem) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Solve(p, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolve12(b *testing.B) { benchmarkSolve(b, morning(1, 12)) }

func BenchmarkSolve15(b *testing.B) { benchmarkSolve(b, morning(1, MaxJobs)) }

// BenchmarkSolve15Loose is the worst case the limit must bear: every window
// open all morning, so every order of every subset is feasible.
func BenchmarkSolve15Loose(b *testing.B) {
	p := morning(1, MaxJobs)
	p.Vehicles[0].Close = 2000
	for i := range p.Jobs {
		p.Jobs[i].Ready, p.Jobs[i].Due = 420, 2000
	}
	benchmarkSolve(b, p)
}
