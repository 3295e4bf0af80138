package roads

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// The planner gets road values where the roads reach, the crow model's
// where they do not (flagged), and the crow model's errors for unusable
// points.
func TestModelFallsBackPerPair(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	pts := monacoPoints(t, n, 3, 11)
	far := orb.Point{7.60, 43.80} // the sea and hills east of the extract, kilometres from its roads
	pts = append(pts, far, pts[0])
	m := NewModel(n)
	mx, err := m.Matrix(pts, patients.Urban)
	if err != nil {
		t.Fatal(err)
	}
	crow, _ := planner.DefaultCrow().Matrix(pts, patients.Urban)
	rm := mx.(*RoadMatrix)
	road := n.Matrix(pts, Time, Urban)
	for i := range pts {
		for j := range pts {
			switch {
			case pts[i] == pts[j]:
				if mx.Minutes(i, j) != 0 || mx.Meters(i, j) != 0 || rm.Fallback(i, j) {
					t.Errorf("%d→%d same door: %.1f min %.0f m", i, j, mx.Minutes(i, j), mx.Meters(i, j))
				}
			case i == 3 || j == 3:
				if !rm.Fallback(i, j) || mx.Minutes(i, j) != crow.Minutes(i, j) || mx.Meters(i, j) != crow.Meters(i, j) {
					t.Errorf("%d→%d off the roads: fallback %v, %.1f min (crow %.1f)", i, j, rm.Fallback(i, j), mx.Minutes(i, j), crow.Minutes(i, j))
				}
			default:
				want := road.Seconds[i*road.N+j]/60 + planner.DefaultStopMinutes
				if rm.Fallback(i, j) || mx.Minutes(i, j) != want || mx.Meters(i, j) != road.Meters[i*road.N+j] {
					t.Errorf("%d→%d on the roads: fallback %v, %.2f min want %.2f", i, j, rm.Fallback(i, j), mx.Minutes(i, j), want)
				}
			}
		}
	}
	var pe *planner.PointError
	if _, err := m.Matrix([]orb.Point{pts[0], {}}, patients.Rural); !errors.As(err, &pe) || pe.Index != 1 {
		t.Errorf("missing coordinates: %v, want a PointError for point 1", err)
	}
}
