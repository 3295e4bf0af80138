package roads

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Table is the road travel between every pair of a set of points.
// Seconds and Meters are row-major, from i to j at [i*N+j]; a pair the
// network cannot route (a point not snapped, or no road between them,
// an island) is +Inf in both and false in Routed.
type Table struct {
	N       int
	Seconds []float64
	Meters  []float64
	Routed  []bool
	// Snapped tells which points lie within MaxSnapMeters of a road.
	Snapped []bool
}

// Matrix computes the table with one Dijkstra per snapped source, each
// stopped as soon as every target is settled, the sources shared between
// the cores. The metric decides which
// route is taken; both its time and its length are reported. A point's
// straight line to its road counts at ApproachKmh.
func (n *Network) Matrix(points []orb.Point, m Metric, p Profile) Table {
	k := len(points)
	t := Table{N: k, Seconds: make([]float64, k*k), Meters: make([]float64, k*k), Routed: make([]bool, k*k), Snapped: make([]bool, k)}
	snaps := make([]Snap, k)
	var targets []uint32
	w, w2 := n.weights(m, p)
	arr := make([][]end, k)
	for i, pt := range points {
		s, ok := n.Snap(pt)
		snaps[i], t.Snapped[i] = s, ok
		if ok {
			arr[i] = n.arrivals(s, w, w2)
			for _, a := range arr[i] {
				targets = append(targets, a.node)
			}
		}
	}
	slices.Sort(targets)
	targets = slices.Compact(targets)
	for i := range k * k {
		t.Seconds[i], t.Meters[i] = math.Inf(1), math.Inf(1)
	}
	row := func(s *search, i int) {
		s.runFrom(n.starts(snaps[i], w, w2), targets, w, w2)
		for j := range k {
			if !t.Snapped[j] {
				continue
			}
			c, c2 := s.best(snaps[i], snaps[j], arr[j], w, w2)
			if math.IsInf(c, 1) {
				continue
			}
			meters, secs := c, c2
			if m == Time {
				meters, secs = c2, c
			}
			off := snaps[i].Offset + snaps[j].Offset
			if i == j || samePlace(snaps[i], snaps[j]) {
				meters, secs, off = 0, 0, 0
			}
			t.Meters[i*k+j] = meters + off
			t.Seconds[i*k+j] = secs + off/(ApproachKmh/3.6)
			t.Routed[i*k+j] = true
		}
	}
	// Rows are independent: one search per core, each filling its own rows.
	var rows []int
	for i := range k {
		if t.Snapped[i] {
			rows = append(rows, i)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+7)/8)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			s := newSearch(n)
			for r := next.Add(1) - 1; r < int64(len(rows)); r = next.Add(1) - 1 {
				row(s, rows[r])
			}
		})
	}
	wg.Wait()
	return t
}

// best is the cheapest way from snapped point a (the run's source) to
// snapped point b: through the graph, or along their common segment.
func (s *search) best(a, b Snap, arr []end, w, w2 []float32) (c, c2 float64) {
	c, c2 = math.Inf(1), math.Inf(1)
	for _, e := range arr {
		d, d2, _ := s.cost(e.node)
		if d+e.cost < c {
			c, c2 = d+e.cost, d2+e.c2
		}
	}
	if d, d2, ok := s.n.along(a, b, w, w2); ok && d < c {
		c, c2 = d, d2
	}
	return c, c2
}
