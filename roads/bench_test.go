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
		t.Logf("metric %d, %d pairs over 300 m: road/(crow×1.3) p10 %.2f median %.2f p90 %.2f max %.2f; road km/h median %.1f p10 %.1f p90 %.1f",
			m, len(ratios), q(ratios, .1), q(ratios, .5), q(ratios, .9), ratios[len(ratios)-1], q(speeds, .5), q(speeds, .1), q(speeds, .9))
	}
}

func BenchmarkMatrix60(b *testing.B) {
	n := loadMonaco(b)
	pts := monacoPoints(b, n, 60, 3)
	n.Matrix(pts, Time, Urban) // weights cached, as in a running app
	for b.Loop() {
		n.Matrix(pts, Time, Urban)
	}
}

func BenchmarkMatrix60Distance(b *testing.B) {
	n := loadMonaco(b)
	pts := monacoPoints(b, n, 60, 3)
	n.Matrix(pts, Distance, Urban)
	for b.Loop() {
		n.Matrix(pts, Distance, Urban)
	}
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
