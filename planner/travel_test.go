package planner

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
)

// Reference places, lon/lat. The town-hall position of Calais (Place du
// Soldat Inconnu) and the centre of Guînes are approximate gazetteer values,
// good to a few hundred metres: enough for a leg of about 9.5 km.
var (
	travelCalaisHall = orb.Point{1.8533, 50.9517}
	travelGuines     = orb.Point{1.8667, 50.8667}
	travelCoquelles  = orb.Point{1.8131, 50.9287}
	travelMarck      = orb.Point{1.9443, 50.9511}
)

func mustMatrix(t testing.TB, m TravelModel, pts []orb.Point, tp patients.TravelProfile) Matrix {
	t.Helper()
	mx, err := m.Matrix(pts, tp)
	if err != nil {
		t.Fatalf("Matrix: %v", err)
	}
	if mx.Len() != len(pts) {
		t.Fatalf("Len() = %d, want %d", mx.Len(), len(pts))
	}
	return mx
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCrowCalaisToGuines(t *testing.T) {
	t.Parallel()
	straight := geo.DistanceHaversine(travelCalaisHall, travelGuines)
	// The straight line from Calais town hall to Guînes is about 9.5 km.
	if straight < 9000 || straight > 10000 {
		t.Fatalf("great-circle Calais–Guînes = %.0f m, want 9–10 km", straight)
	}
	mx := mustMatrix(t, DefaultCrow(), []orb.Point{travelCalaisHall, travelGuines}, patients.Rural)
	wantM := straight * DefaultCircuity
	if got := mx.Meters(0, 1); !near(got, wantM, 1e-6) {
		t.Errorf("Meters = %.1f, want %.1f (straight × %.1f)", got, wantM, DefaultCircuity)
	}
	// About 12.3 km of road at 45 km/h: 16.4 min, plus 2 min to park.
	wantMin := wantM/1000/RuralSpeedKmh*60 + DefaultStopMinutes
	if got := mx.Minutes(0, 1); !near(got, wantMin, 1e-9) {
		t.Errorf("Minutes = %.2f, want %.2f", got, wantMin)
	}
	if got := mx.Minutes(0, 1); got < 15 || got > 22 {
		t.Errorf("Minutes = %.1f, a rural nurse drives Calais–Guînes in about 15–22 min", got)
	}
}

func TestCrowMatrixShape(t *testing.T) {
	t.Parallel()
	pts := []orb.Point{travelCalaisHall, travelGuines, travelCoquelles, travelMarck, travelCoquelles}
	for _, tp := range []patients.TravelProfile{patients.Urban, patients.Rural} {
		t.Run(string(tp), func(t *testing.T) {
			t.Parallel()
			mx := mustMatrix(t, DefaultCrow(), pts, tp)
			n := mx.Len()
			for i := range n {
				if mx.Minutes(i, i) != 0 || mx.Meters(i, i) != 0 {
					t.Errorf("diagonal %d: %v min, %v m, want 0", i, mx.Minutes(i, i), mx.Meters(i, i))
				}
				for j := range n {
					if mx.Minutes(i, j) != mx.Minutes(j, i) || mx.Meters(i, j) != mx.Meters(j, i) {
						t.Errorf("(%d,%d) not symmetric", i, j)
					}
					if i != j && pts[i] != pts[j] && (mx.Minutes(i, j) < DefaultStopMinutes || mx.Meters(i, j) <= 0) {
						t.Errorf("(%d,%d) = %v min, %v m: a real leg costs at least the stop", i, j, mx.Minutes(i, j), mx.Meters(i, j))
					}
					// Triangle inequality: a detour through k is never shorter.
					for k := range n {
						if mx.Meters(i, j) > mx.Meters(i, k)+mx.Meters(k, j)+1e-6 {
							t.Errorf("meters (%d,%d) > via %d", i, j, k)
						}
						if mx.Minutes(i, j) > mx.Minutes(i, k)+mx.Minutes(k, j)+1e-9 {
							t.Errorf("minutes (%d,%d) > via %d", i, j, k)
						}
					}
				}
			}
		})
	}
}

func TestCrowSamePlaceIsFree(t *testing.T) {
	t.Parallel()
	// A couple in one home: the second visit is next door to nothing.
	home := orb.Point{1.9177, 50.8657}
	mx := mustMatrix(t, DefaultCrow(), []orb.Point{home, travelGuines, home}, patients.Rural)
	if mx.Minutes(0, 2) != 0 || mx.Meters(0, 2) != 0 || mx.Minutes(2, 0) != 0 {
		t.Errorf("same place: %v min, %v m, want 0", mx.Minutes(0, 2), mx.Meters(0, 2))
	}
	if mx.Minutes(0, 1) != mx.Minutes(2, 1) {
		t.Errorf("both members of the household should be as far from Guînes")
	}
}

func TestCrowUrbanSlowerThanRural(t *testing.T) {
	t.Parallel()
	pts := []orb.Point{travelCalaisHall, travelMarck}
	u := mustMatrix(t, DefaultCrow(), pts, patients.Urban)
	r := mustMatrix(t, DefaultCrow(), pts, patients.Rural)
	unset := mustMatrix(t, DefaultCrow(), pts, "")
	if !(u.Minutes(0, 1) > r.Minutes(0, 1)) {
		t.Errorf("urban %v min, rural %v min: the town must be slower", u.Minutes(0, 1), r.Minutes(0, 1))
	}
	if u.Meters(0, 1) != r.Meters(0, 1) {
		t.Errorf("same circuity by default, so same distance: %v vs %v", u.Meters(0, 1), r.Meters(0, 1))
	}
	if unset.Minutes(0, 1) != r.Minutes(0, 1) {
		t.Errorf("an unset profile should read as rural")
	}
}

func TestCrowRefuses(t *testing.T) {
	t.Parallel()
	good := travelGuines
	tests := []struct {
		name   string
		crow   Crow
		pts    []orb.Point
		tp     patients.TravelProfile
		index  int // -1: not a *PointError
		reason string
	}{
		{"NaN longitude", DefaultCrow(), []orb.Point{good, {math.NaN(), 50.9}}, patients.Rural, 1, "not numbers"},
		{"infinite latitude", DefaultCrow(), []orb.Point{{1.9, math.Inf(1)}}, patients.Rural, 0, "not numbers"},
		{"latitude 91", DefaultCrow(), []orb.Point{good, good, {1.9, 91}}, patients.Rural, 2, "latitude"},
		{"longitude -181", DefaultCrow(), []orb.Point{{-181, 50}, good}, patients.Rural, 0, "longitude"},
		{"latitude -90.5", DefaultCrow(), []orb.Point{good, {1.9, -90.5}}, patients.Rural, 1, "latitude"},
		{"missing coordinates", DefaultCrow(), []orb.Point{good, {}}, patients.Rural, 1, "missing"},
		{"unknown profile", DefaultCrow(), []orb.Point{good}, "montagne", -1, "unknown travel profile"},
		{"zero model", Crow{}, []orb.Point{good}, patients.Rural, -1, "circuity"},
		{"zero speed", Crow{Rural: Profile{Circuity: 1.3}}, []orb.Point{good}, patients.Rural, -1, "speed"},
		{"negative stop", Crow{Urban: Profile{Circuity: 1.3, SpeedKmh: 25, StopMinutes: -1}}, []orb.Point{good}, patients.Urban, -1, "stop"},
		{"circuity below 1", Crow{Urban: Profile{Circuity: 0.9, SpeedKmh: 25}}, []orb.Point{good}, patients.Urban, -1, "circuity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mx, err := tt.crow.Matrix(tt.pts, tt.tp)
			if err == nil {
				t.Fatalf("Matrix = %v, want an error", mx)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
			var pe *PointError
			switch {
			case tt.index < 0 && errors.As(err, &pe):
				t.Errorf("error %q is a *PointError, want a profile error", err)
			case tt.index >= 0 && !errors.As(err, &pe):
				t.Errorf("error %q is not a *PointError", err)
			case tt.index >= 0 && pe.Index != tt.index:
				t.Errorf("PointError.Index = %d, want %d", pe.Index, tt.index)
			}
		})
	}
}

func TestCrowEmptyAndOutOfRange(t *testing.T) {
	t.Parallel()
	mx := mustMatrix(t, DefaultCrow(), nil, patients.Rural)
	if mx.Len() != 0 {
		t.Fatalf("Len() = %d, want 0", mx.Len())
	}
	mx = mustMatrix(t, DefaultCrow(), []orb.Point{travelCalaisHall, travelGuines}, patients.Rural)
	for _, ij := range [][2]int{{0, 2}, {2, 0}, {-1, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Minutes(%d, %d) did not panic", ij[0], ij[1])
				}
			}()
			mx.Minutes(ij[0], ij[1])
		}()
	}
}

// TestCrowDemoCabinet builds the matrix of the whole demo cabinet: every
// point is usable, and no leg is longer than a rural nurse would drive
// between two patients of one cabinet.
func TestCrowDemoCabinet(t *testing.T) {
	t.Parallel()
	var n byte
	ds, err := demo.Load(patients.Date{Year: 2026, Month: 3, Day: 12}, func() xid.ID {
		n++
		return xid.ID{0xEE, 10: 1, 11: n}
	})
	if err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	pts := []orb.Point{ds.Cabinet.Address.Point}
	for _, p := range ds.Patients {
		pts = append(pts, p.Address.Point)
	}
	mx := mustMatrix(t, DefaultCrow(), pts, patients.Rural)
	longest := 0.0
	for i := range mx.Len() {
		for j := range mx.Len() {
			longest = max(longest, mx.Minutes(i, j))
		}
	}
	// The demo spans about 22 km × 13 km. Its longest leg, Peuplingues to
	// Vieille-Église, comes out at about 40 min: pessimistic, since a car
	// would take the A16, but within a working day's reach.
	if longest < 10 || longest > 45 {
		t.Errorf("longest leg %.1f min, want 10–45", longest)
	}
}

// BenchmarkCrowMatrix60 builds the matrix of a busy rural day: 58 visits
// plus the start and end of the round.
func BenchmarkCrowMatrix60(b *testing.B) {
	pts := make([]orb.Point, 60)
	for i := range pts {
		// A deterministic spread over the Calais area box.
		pts[i] = orb.Point{1.76 + 0.32*float64(i*37%60)/60, 50.83 + 0.13*float64(i*11%60)/60}
	}
	crow := DefaultCrow()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := crow.Matrix(pts, patients.Rural); err != nil {
			b.Fatal(err)
		}
	}
}
