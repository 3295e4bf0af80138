package bench

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// bksRoutes reads a SINTEF route file of shared/bench/solomon/bks_solutions.
func bksRoutes(t testing.TB, file string) [][]int {
	t.Helper()
	f, err := os.Open(data(t, "solomon/bks_solutions/"+file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	routes, err := ReadRoutes(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return routes
}

// routeFiles lists the route files with the instance each one solves: the
// file name up to the first "_" or ".txt" (r103_13_1292.675455.txt → r103).
func routeFiles(t testing.TB) map[string]string {
	t.Helper()
	paths, _ := filepath.Glob(data(t, "solomon/bks_solutions/*.txt"))
	if len(paths) == 0 {
		t.Fatal("no route file in solomon/bks_solutions")
	}
	files := map[string]string{}
	for _, p := range paths {
		base := filepath.Base(p)
		name, _, _ := strings.Cut(strings.TrimSuffix(base, ".txt"), "_")
		files[name] = base
	}
	return files
}

func nonEmpty(routes [][]int) int {
	n := 0
	for _, r := range routes {
		if len(r) > 0 {
			n++
		}
	}
	return n
}

// TestCheckAcceptsBestKnown checks every published best-known route set: the
// checker must find it feasible, with the distance and route count of
// bks.csv.
func TestCheckAcceptsBestKnown(t *testing.T) {
	t.Parallel()
	table, err := ReadBKS(data(t, "solomon/bks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	files := routeFiles(t)
	if len(files) != 49 {
		t.Errorf("%d route files, want 49", len(files))
	}
	for name, file := range files {
		in := solomon(t, name)
		routes := bksRoutes(t, file)
		d, err := Check(in, Exact, routes)
		if err != nil {
			t.Errorf("%s: best-known routes rejected: %v", name, err)
			continue
		}
		b, ok := Lookup(table, name)
		if !ok || !b.HasDistance {
			t.Errorf("%s: no best-known distance in bks.csv", name)
			continue
		}
		if math.Abs(d-b.Distance) > 0.01 || nonEmpty(routes) != b.Vehicles {
			t.Errorf("%s: checker %.4f with %d routes, bks.csv %.2f with %d", name, d, nonEmpty(routes), b.Distance, b.Vehicles)
		}
	}
}

// TestCheckRejects breaks the r101 and c101 best-known solutions in the ways
// a solver could, and expects the matching violation.
func TestCheckRejects(t *testing.T) {
	t.Parallel()
	r101, c101 := solomon(t, "r101"), solomon(t, "c101")
	rr, cr := bksRoutes(t, "r101.txt"), bksRoutes(t, "c101.txt")
	edit := func(routes [][]int, f func(r [][]int) [][]int) [][]int {
		cp := make([][]int, len(routes))
		for i, r := range routes {
			cp[i] = slices.Clone(r)
		}
		return f(cp)
	}
	singletons := func(routes [][]int) [][]int {
		var out [][]int
		for _, r := range routes {
			for _, c := range r {
				out = append(out, []int{c})
			}
		}
		return out
	}
	for _, c := range []struct {
		name     string
		in       *Instance
		routes   [][]int
		want     error
		wantOnly bool // no other kind of violation expected
	}{
		{"customer removed", r101, edit(rr, func(r [][]int) [][]int { r[0] = r[0][1:]; return r }), ErrMissing, true},
		{"unassigned route dropped", r101, edit(rr, func(r [][]int) [][]int { return r[1:] }), ErrMissing, true},
		{"customer duplicated", c101, edit(cr, func(r [][]int) [][]int { r[1] = append(r[1], r[0][0]); return r }), ErrDuplicate, false},
		{"routes merged beyond capacity", c101, edit(cr, func(r [][]int) [][]int { r[0] = append(r[0], r[1]...); return append(r[:1], r[2:]...) }), ErrCapacity, false},
		{"route reversed: late", r101, edit(rr, func(r [][]int) [][]int { slices.Reverse(r[0]); return r }), ErrLate, true},
		{"too many routes", r101, singletons(rr), ErrTooManyRoutes, true},
		{"unknown customer", r101, edit(rr, func(r [][]int) [][]int { r[0] = append(r[0], 101); return r }), ErrUnknownNode, true},
		{"depot inside a route", r101, edit(rr, func(r [][]int) [][]int { r[0] = append(r[0], 0); return r }), ErrUnknownNode, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check(c.in, Exact, c.routes)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if c.wantOnly {
				for _, other := range []error{ErrUnknownNode, ErrDuplicate, ErrMissing, ErrCapacity, ErrLate, ErrTooManyRoutes} {
					if other != c.want && errors.Is(err, other) {
						t.Errorf("unexpected %v in %v", other, err)
					}
				}
			}
			if strings.Contains(c.name, "merged") && len(c.routes) != 9 {
				t.Fatalf("merge test built %d routes", len(c.routes))
			}
		})
	}
}

// TestCheckLateReturn: a route that serves every customer in time but comes
// back after the depot closes is late.
func TestCheckLateReturn(t *testing.T) {
	t.Parallel()
	in := &Instance{Vehicles: 1, Nodes: []Node{{ID: 1, Due: 19}, {ID: 2, X: 10, Due: 100}}}
	if _, err := Check(in, TruncInt, [][]int{{2}}); !errors.Is(err, ErrLate) {
		t.Fatalf("return at 20 after a depot due of 19: %v", err)
	}
	in.Nodes[0].Due = 20
	if d, err := Check(in, TruncInt, [][]int{{2}}); err != nil || d != 20 {
		t.Fatalf("return at 20 by 20: %v, %v", d, err)
	}
	// Waiting: arriving at 10 for a window opening at 15 starts at 15.
	in.Nodes[1].Ready, in.Nodes[1].Service = 15, 1
	if _, err := Check(in, TruncInt, [][]int{{2}}); !errors.Is(err, ErrLate) {
		t.Fatalf("start 15 + service 1 + 10 back = 26 after 20: %v", err)
	}
}

// TestTrunc1 prices the best-known route sets with arcs truncated to one
// decimal: still feasible (shorter arcs only loosen the windows), never
// longer than in exact arithmetic, and never below the distance-only optimum
// of the literature, which is a lower bound in that convention.
func TestTrunc1(t *testing.T) {
	t.Parallel()
	optima, err := ReadBKS(data(t, "solomon/bks_distance_only.csv"))
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for name, file := range routeFiles(t) {
		in := solomon(t, name)
		routes := bksRoutes(t, file)
		exact, err := Check(in, Exact, routes)
		if err != nil {
			t.Fatal(err)
		}
		trunc, err := Check(in, Trunc1, routes)
		if err != nil {
			t.Errorf("%s: infeasible under trunc1: %v", name, err)
		}
		if trunc > exact || trunc < exact-0.1*float64(len(in.Nodes)+nonEmpty(routes)) {
			t.Errorf("%s: trunc1 %.2f vs exact %.2f", name, trunc, exact)
		}
		if o, ok := Lookup(optima, name); ok && o.HasDistance {
			compared++
			if trunc < o.Distance-1e-6 {
				t.Errorf("%s: trunc1 distance %.1f below the proven optimum %.1f", name, trunc, o.Distance)
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d instances compared with the distance-only optima", compared)
	}
}
