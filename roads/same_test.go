package roads

import (
	"testing"

	"github.com/paulmach/orb"
)

// A point to itself, and two doors facing each other across a street (both
// placed on the same spot of it), are no drive at all: 0 s and 0 m, by
// Route and in the matrix. Before, each point's line to its road was
// counted going out and coming back (≈ 47 m for a Monaco door).
func TestSamePlaceIsNoDrive(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	for i, p := range monacoPoints(t, n, 20, 11) {
		s, _ := n.Snap(p)
		if s.Offset < 1 {
			continue // on the road itself: no mirror across it
		}
		// Across the road, as far from it: it snaps to the same spot
		// unless another road is nearer there.
		across := orb.Point{2*s.OnRoad.Lon() - p.Lon(), 2*s.OnRoad.Lat() - p.Lat()}
		pairs := [][2]orb.Point{{p, p}}
		if o, ok := n.Snap(across); ok && samePlace(s, o) {
			pairs = append(pairs, [2]orb.Point{p, across})
		}
		for _, pr := range pairs {
			for _, m := range []Metric{Time, Distance} {
				r, _, ok := n.Route(pr[0], pr[1], m, Urban)
				if !ok || r.Seconds != 0 || r.Meters != 0 {
					t.Errorf("point %d %v → %v metric %d: Route = %.1f s, %.1f m, ok %v; want 0 s, 0 m", i, pr[0], pr[1], m, r.Seconds, r.Meters, ok)
				}
				tb := n.Matrix(pr[:], m, Urban)
				if !tb.Routed[1] || tb.Seconds[1] != 0 || tb.Meters[1] != 0 {
					t.Errorf("point %d %v → %v metric %d: matrix = %.1f s, %.1f m; want 0 s, 0 m", i, pr[0], pr[1], m, tb.Seconds[1], tb.Meters[1])
				}
			}
		}
	}
}

// Two points on the same street a block apart still drive the block and
// their lines to the street: the same-place rule takes nothing away from
// a real leg.
func TestNearbyPointsStillDrive(t *testing.T) {
	t.Parallel()
	var s synth
	s.way(residential(), 0, 0, 10, 0)
	n := s.network(t)
	a, b := s.pt(2, 0.3), s.pt(5, 0.3) // 30 m off the street, 300 m apart
	r, _, ok := n.Route(a, b, Distance, Urban)
	if !ok || !near(r.Meters, 300+2*30, 5) {
		t.Fatalf("Route = %.1f m, ok %v; want ≈ 360 m (300 m along, 2 × 30 m to the street)", r.Meters, ok)
	}
}
