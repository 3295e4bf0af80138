package bench

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"tournee/planner/solver"
)

// dataDir is shared/bench seen from this package's folder.
const dataDir = "../../../shared/bench"

// data returns the path of a file under shared/bench; the test fails with
// the reason when the data set is not next to the code.
func data(t testing.TB, rel string) string {
	t.Helper()
	if _, err := os.Stat(dataDir); err != nil {
		t.Fatalf("benchmark data not found at %s (shared/bench must sit next to the repository): %v", dataDir, err)
	}
	return filepath.Join(dataDir, rel)
}

func readFile(t testing.TB, path string, read func(f *os.File) (*Instance, error)) *Instance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := read(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return in
}

func solomon(t testing.TB, name string) *Instance {
	t.Helper()
	return readFile(t, data(t, "solomon/instances/"+name+".txt"), func(f *os.File) (*Instance, error) { return ReadSolomon(f) })
}

func TestReadSolomon(t *testing.T) {
	t.Parallel()
	r101 := solomon(t, "r101")
	if r101.Name != "R101" || r101.Vehicles != 25 || r101.Capacity != 200 || r101.Customers() != 100 || r101.Arcs != Exact {
		t.Fatalf("r101 header: %q vehicles %d capacity %d customers %d arcs %v", r101.Name, r101.Vehicles, r101.Capacity, r101.Customers(), r101.Arcs)
	}
	wantDepot := Node{ID: 0, X: 35, Y: 35, Demand: 0, Ready: 0, Due: 230, Service: 0}
	want1 := Node{ID: 1, X: 41, Y: 49, Demand: 10, Ready: 161, Due: 171, Service: 10}
	want100 := Node{ID: 100, X: 18, Y: 18, Demand: 17, Ready: 185, Due: 195, Service: 10}
	if r101.Nodes[0] != wantDepot || r101.Nodes[1] != want1 || r101.Nodes[100] != want100 {
		t.Errorf("r101 rows: %+v %+v %+v", r101.Nodes[0], r101.Nodes[1], r101.Nodes[100])
	}
	c101 := solomon(t, "c101")
	if c101.Name != "C101" || c101.Vehicles != 25 || c101.Capacity != 200 || c101.Customers() != 100 {
		t.Fatalf("c101 header: %q %d %d %d", c101.Name, c101.Vehicles, c101.Capacity, c101.Customers())
	}
	if n := c101.Nodes[1]; n != (Node{ID: 1, X: 45, Y: 68, Demand: 10, Ready: 912, Due: 967, Service: 90}) || c101.Nodes[0].Due != 1236 {
		t.Errorf("c101 rows: %+v, depot due %g", n, c101.Nodes[0].Due)
	}
	// Gehring–Homberger: same format, CRLF line ends.
	gh := readFile(t, data(t, "homberger200/instances/c1_2_1.txt"), func(f *os.File) (*Instance, error) { return ReadSolomon(f) })
	if gh.Name != "c1_2_1" || gh.Vehicles != 50 || gh.Capacity != 200 || gh.Customers() != 200 || gh.Nodes[0].Due != 1351 {
		t.Errorf("c1_2_1: %q %d %d %d %g", gh.Name, gh.Vehicles, gh.Capacity, gh.Customers(), gh.Nodes[0].Due)
	}
}

// TestReadAllInstances parses every file of the data set: the parsers must
// accept the whole published collection, not only the files looked at.
func TestReadAllInstances(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		glob      string
		read      func(f *os.File) (*Instance, error)
		count     int
		customers func(name string) int
	}{
		{"solomon/instances/*.txt", func(f *os.File) (*Instance, error) { return ReadSolomon(f) }, 56, func(string) int { return 100 }},
		{"homberger200/instances/*.txt", func(f *os.File) (*Instance, error) { return ReadSolomon(f) }, 60, func(string) int { return 200 }},
		{"tsptw/dumas/*.txt", func(f *os.File) (*Instance, error) { return ReadDumas(f) }, 135, dumasSize},
	} {
		files, _ := filepath.Glob(data(t, c.glob))
		if len(files) != c.count {
			t.Errorf("%s: %d files, want %d", c.glob, len(files), c.count)
		}
		for _, path := range files {
			in := readFile(t, path, c.read)
			if want := c.customers(filepath.Base(path)); in.Customers() != want {
				t.Errorf("%s: %d customers, want %d", path, in.Customers(), want)
			}
			if err := in.Problem(in.Arcs, Distance).Validate(); err != nil {
				t.Errorf("%s: the problem does not validate: %v", path, err)
			}
		}
	}
}

// dumasSize reads N from a Dumas file name nNwW.00k.txt.
func dumasSize(name string) int {
	var n, w, k int
	if _, err := fmt.Sscanf(name, "n%dw%d.%d.txt", &n, &w, &k); err != nil {
		return -1
	}
	return n
}

func TestArcConventions(t *testing.T) {
	t.Parallel()
	in := &Instance{Nodes: []Node{{X: 0, Y: 0}, {X: 3, Y: 4}, {X: 1, Y: 1}, {X: 0, Y: 0.3}, {X: 10, Y: 0.99}}}
	for _, c := range []struct {
		to                   int
		exact, trunc1, trInt float64
	}{
		{1, 5, 5, 5},
		{2, math.Sqrt2, 1.4, 1},
		// 0.3 computes as 0.29999…: the slack keeps it at 0.3, not 0.2.
		{3, 0.3, 0.3, 0},
		{4, math.Hypot(10, 0.99), 10, 10},
	} {
		for _, a := range []struct {
			arcs Arcs
			want float64
		}{{Exact, c.exact}, {Trunc1, c.trunc1}, {TruncInt, c.trInt}} {
			if got := in.arc(a.arcs, 0, c.to); math.Abs(got-a.want) > 1e-12 {
				t.Errorf("arc 0→%d under %v = %v, want %v", c.to, a.arcs, got, a.want)
			}
		}
	}
}

func TestParseNames(t *testing.T) {
	t.Parallel()
	for _, a := range []Arcs{Exact, Trunc1, TruncInt} {
		if got, err := ParseArcs(a.String()); err != nil || got != a {
			t.Errorf("ParseArcs(%q) = %v, %v", a.String(), got, err)
		}
	}
	for _, o := range []Objective{Distance, Vehicles} {
		if got, err := ParseObjective(o.String()); err != nil || got != o {
			t.Errorf("ParseObjective(%q) = %v, %v", o.String(), got, err)
		}
	}
	if _, err := ParseArcs("round"); err == nil {
		t.Error("ParseArcs accepted an unknown convention")
	}
	if _, err := ParseObjective("time"); err == nil {
		t.Error("ParseObjective accepted an unknown objective")
	}
}

// TestProblemMatchesChecker builds r101's solver problem and prices the
// best-known routes with the solver's own Evaluate: it must agree with the
// independent checker, which validates the matrices and the job mapping.
func TestProblemMatchesChecker(t *testing.T) {
	t.Parallel()
	in := solomon(t, "r101")
	routes := bksRoutes(t, "r101.txt")
	for _, arcs := range []Arcs{Exact, Trunc1} {
		want, err := Check(in, arcs, routes)
		if err != nil {
			t.Fatalf("%v: the checker rejects the best-known routes: %v", arcs, err)
		}
		for _, obj := range []Objective{Distance, Vehicles} {
			p := in.Problem(arcs, obj)
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			if p.N != 101 || len(p.Jobs) != 100 || len(p.Vehicles) != 25 {
				t.Fatalf("sizes: N %d, %d jobs, %d vehicles", p.N, len(p.Jobs), len(p.Vehicles))
			}
			if j := p.Jobs[0]; j.Loc != 1 || j.Ready != 161 || j.Due != 171 || j.Service != 10 || j.Demand != 10 || j.Soft || j.Pinned || j.Rank != 0 {
				t.Errorf("job 0: %+v", j)
			}
			if v := p.Vehicles[24]; v.Start != 0 || v.End != 0 || v.Open != 0 || v.Close != 230 || v.Capacity != 200 {
				t.Errorf("vehicle: %+v", v)
			}
			jobRoutes := make([][]int, len(p.Vehicles))
			for r, route := range routes {
				for _, id := range route {
					jobRoutes[r] = append(jobRoutes[r], id-1) // r101: customer id k is job k-1
				}
			}
			cost, err := solver.Evaluate(p, jobRoutes)
			if err != nil {
				t.Fatalf("%v/%v: Evaluate rejects the best-known routes: %v", arcs, obj, err)
			}
			if math.Abs(cost.Travel-want) > 1e-6 || cost.Unassigned != 0 {
				t.Errorf("%v/%v: Evaluate travel %.4f, checker %.4f, unassigned %d", arcs, obj, cost.Travel, want, cost.Unassigned)
			}
			switch obj {
			case Distance:
				if p.VehicleCost != 0 {
					t.Errorf("distance objective with a vehicle cost %g", p.VehicleCost)
				}
			case Vehicles:
				// One route fewer must beat any distance saving: the cost
				// of a route exceeds the distance of any 25-route solution,
				// at most Σ longest arc out of each customer + 25 × the
				// longest out of the depot.
				bound := 0.0
				for i := range in.Nodes {
					longest := 0.0
					for j := range in.Nodes {
						longest = max(longest, in.arc(arcs, i, j))
					}
					if i == 0 {
						longest *= 25
					}
					bound += longest
				}
				if p.VehicleCost <= bound || p.VehicleCost >= solver.UnassignedCost/100 {
					t.Errorf("vehicle cost %g: must exceed the distance bound %g and stay far below UnassignedCost", p.VehicleCost, bound)
				}
			}
		}
	}
}

func TestRouteIDs(t *testing.T) {
	t.Parallel()
	// Dumas numbers the depot 1: job k is customer k+2.
	in := &Instance{Vehicles: 1, Nodes: []Node{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}}
	got, err := in.RouteIDs(solver.Solution{Routes: [][]int{{2, 0}, {}, {1}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{4, 2}, nil, {3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("RouteIDs = %v, want [[4 2] [] [3]]", got)
	}
	for _, bad := range []int{-1, 3} {
		if _, err := in.RouteIDs(solver.Solution{Routes: [][]int{{bad}}}); err == nil {
			t.Errorf("job %d out of range accepted", bad)
		}
	}
}
