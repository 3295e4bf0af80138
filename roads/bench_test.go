package roads

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// monacoPoints are k random places near Monaco's roads (within 100 m of
// one), as patients' homes would be.
func monacoPoints(tb testing.TB, n *Network, k int, seed uint64) []orb.Point {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	b := n.nodeBound()
	var pts []orb.Point
	for len(pts) < k {
		p := orb.Point{b.Min.Lon() + rng.Float64()*(b.Max.Lon()-b.Min.Lon()), b.Min.Lat() + rng.Float64()*(b.Max.Lat()-b.Min.Lat())}
		if s, ok := n.Snap(p); ok && s.Offset < 100 {
			pts = append(pts, p)
		}
	}
	return pts
}

// Road distances are never shorter than the straight line between the
// two snapped positions; the test reports how road compares with the crow
// model's great-circle × 1.3 (run with -v for the figures).
func TestMonacoCrowVersusRoad(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	pts := monacoPoints(t, n, 80, 7)
	snaps := make([]Snap, len(pts))
	for i, p := range pts {
		snaps[i], _ = n.Snap(p)
	}
	for _, m := range []Metric{Distance, Time} {
		tb := n.Matrix(pts, m, Urban)
		var ratios, speeds []float64
		for i := range pts {
			si := snaps[i]
			for j := range pts {
				if i == j || !tb.Routed[i*tb.N+j] {
					continue
				}
				sj := snaps[j]
				road := tb.Meters[i*tb.N+j]
				line := geo.DistanceHaversine(si.OnRoad, sj.OnRoad) + si.Offset + sj.Offset
				if road < line*0.999 {
					t.Errorf("%d→%d: road %.0f m shorter than the straight line %.0f m", i, j, road, line)
				}
				crow := geo.DistanceHaversine(pts[i], pts[j])
				if crow > 300 {
					ratios = append(ratios, road/(crow*1.3))
					speeds = append(speeds, road/tb.Seconds[i*tb.N+j]*3.6)
				}
			}
		}
		slices.Sort(ratios)
		slices.Sort(speeds)
		q := func(s []float64, f float64) float64 { return s[int(f*float64(len(s)-1))] }
		t.Logf("%s route, %d pairs over 300 m: road/(crow×1.3) p10 %.2f median %.2f p90 %.2f max %.2f; road km/h median %.1f p10 %.1f p90 %.1f",
			map[Metric]string{Time: "quickest", Distance: "shortest"}[m], len(ratios), q(ratios, .1), q(ratios, .5), q(ratios, .9), ratios[len(ratios)-1], q(speeds, .5), q(speeds, .1), q(speeds, .9))
	}
}

func BenchmarkMatrix60(b *testing.B) {
	n := loadMonaco(b)
	pts := monacoPoints(b, n, 60, 3)
	n.Matrix(pts, Time, Urban) // weights cached, as in a running app
	benchMatrix(b, n, pts, Time)
}

// benchMatrix times the matrix, reporting the CPU time per matrix too.
func benchMatrix(b *testing.B, n *Network, pts []orb.Point, m Metric) {
	b.Helper()
	runs, cpu0 := 0, cpuTime()
	for b.Loop() {
		n.Matrix(pts, m, Urban)
		runs++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(runs), "cpu-ms/op")
}

func BenchmarkMatrix60Distance(b *testing.B) {
	n := loadMonaco(b)
	pts := monacoPoints(b, n, 60, 3)
	n.Matrix(pts, Distance, Urban)
	benchMatrix(b, n, pts, Distance)
}

func BenchmarkRoute(b *testing.B) {
	n := loadMonaco(b)
	pts := monacoPoints(b, n, 2, 5)
	for b.Loop() {
		n.Route(pts[0], pts[1], Time, Urban)
	}
}

func BenchmarkImportMonaco(b *testing.B) {
	loadMonaco(b) // fails with the reason when the extract is missing
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Import(context.Background(), monacoPath, Area{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile(b *testing.B) {
	path := b.TempDir() + "/m.routes"
	if err := loadMonaco(b).WriteFile(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// gridTown is a synthetic network of side×side junctions 100 m apart
// (side 200: a 20 km square with 40,000 junctions, denser than any
// cabinet's real area), every fifth street one-way, with a bend in the
// middle of every block side.
func gridTown(side int) *Network {
	var lat, lon []int32
	var pieces []piece
	node := func(x, y int) uint32 { return uint32(y*(2*side-1) + x) }
	for y := range side {
		for x := range 2*side - 1 { // odd x: the bend between two junctions
			lat = append(lat, int32((43.7+float64(y)*unitLat)*1e7))
			lon = append(lon, int32((7.4+float64(x)/2*unitLon)*1e7))
		}
	}
	m := float32(50)
	lim := [2]uint8{50, 50}
	for y := range side {
		for x := 0; x+1 < 2*side-1; x++ {
			oneway := y%5 == 0
			pieces = append(pieces, piece{a: node(x, y), b: node(x+1, y), fwd: true, bwd: !oneway, meters: m, limit: lim})
		}
	}
	for y := 0; y+1 < side; y++ {
		for x := 0; x < 2*side-1; x += 2 {
			pieces = append(pieces, piece{a: node(x, y), b: node(x, y+1), fwd: true, bwd: true, meters: 2 * m, limit: lim})
		}
	}
	n := &Network{}
	edges, sl, so, _ := n.contract(lat, lon, pieces, nil)
	n.Bound = n.nodeBound()
	n.build(edges, sl, so, nil)
	return n
}

func BenchmarkMatrix60Grid200(b *testing.B) {
	n := gridTown(200)
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 60)
	for i := range pts {
		pts[i] = orb.Point{7.4 + rng.Float64()*199*unitLon, 43.7 + rng.Float64()*199*unitLat}
	}
	n.Matrix(pts, Time, Urban)
	b.ReportMetric(float64(n.Nodes()), "junctions")
	benchMatrix(b, n, pts, Time)
}
