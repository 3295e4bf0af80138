package roads

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// The routes file beside a base is read once and serves the planner and
// the map: the matrix is the road model's, a leg is the quickest route's
// line for the nurse's profile, and a damaged file leaves the crow model.
func TestSharedRoutesFile(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if OpenShared(db) != nil {
		t.Fatal("a source without a routes file")
	}
	if err := n.WriteFile(FileFor(db)); err != nil {
		t.Fatal(err)
	}
	src := OpenShared(db)
	first, err := src.Network()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := src.Network(); again != first {
		t.Error("the routes file was read twice")
	}
	pts := monacoPoints(t, n, 6, 3)
	got, err := src.Matrix(pts, patients.Urban)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := NewModel(n).Matrix(pts, patients.Urban)
	for i := range pts {
		for j := range pts {
			if got.Minutes(i, j) != want.Minutes(i, j) || got.Meters(i, j) != want.Meters(i, j) {
				t.Errorf("%d→%d: shared %.2f min %.0f m, road model %.2f min %.0f m", i, j, got.Minutes(i, j), got.Meters(i, j), want.Minutes(i, j), want.Meters(i, j))
			}
		}
	}
	// The Casino to the Prince's Palace.
	casino, palace := orb.Point{7.4277, 43.7393}, orb.Point{7.4199, 43.7314}
	for _, tp := range []patients.TravelProfile{patients.Urban, patients.Rural} {
		line, ok := src.Leg(casino, palace, tp)
		r, _, rok := n.Route(casino, palace, Time, profileOf(tp))
		if !ok || !rok || len(line) != len(r.Line) || line[0] != r.Line[0] || line[len(line)-1] != r.Line[len(r.Line)-1] {
			t.Errorf("%s leg: %d points (ok %v), route %d points", tp, len(line), ok, len(r.Line))
		}
		if len(line) < 3 {
			t.Errorf("%s leg of %d points: a straight line, not a road", tp, len(line))
		}
	}

	if err := os.WriteFile(FileFor(db), []byte("tournee-routes v2\ncut"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := OpenShared(db)
	if _, err := bad.Network(); err == nil {
		t.Fatal("a damaged routes file was read")
	}
	crow, _ := planner.DefaultCrow().Matrix(pts, patients.Urban)
	if got, err := bad.Matrix(pts, patients.Urban); err != nil || got.Minutes(0, 1) != crow.Minutes(0, 1) {
		t.Errorf("damaged file: %v, want the crow model", err)
	}
	if _, ok := bad.Leg(casino, palace, patients.Urban); ok {
		t.Error("a damaged file gave a road leg")
	}
}

// A round re-timed with the same places (a change of nurse, of order, a
// cancelled visit) reuses the legs already routed: the same figures, no
// new routing; a new place routes the matrix again.
func TestSharedMatrixReusesLegs(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	src := SharedNetwork(n)
	pts := monacoPoints(t, n, 8, 5)
	first, err := src.Matrix(pts, patients.Urban)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.pairs) != len(pts)*len(pts) {
		t.Fatalf("%d pairs kept, want %d", len(src.pairs), len(pts)*len(pts))
	}
	// The same places in another order, one left out.
	sub := []orb.Point{pts[4], pts[0], pts[2], pts[7]}
	idx := []int{4, 0, 2, 7}
	if _, ok := src.cached(sub, patients.Urban); !ok {
		t.Fatal("a subset of routed places was not served from the kept legs")
	}
	got, _ := src.Matrix(sub, patients.Urban)
	for i := range sub {
		for j := range sub {
			if got.Minutes(i, j) != first.Minutes(idx[i], idx[j]) || got.Meters(i, j) != first.Meters(idx[i], idx[j]) {
				t.Errorf("%d→%d: %.2f min %.0f m, first matrix %.2f min %.0f m", i, j, got.Minutes(i, j), got.Meters(i, j),
					first.Minutes(idx[i], idx[j]), first.Meters(idx[i], idx[j]))
			}
		}
	}
	if _, ok := src.cached(sub, patients.Rural); ok {
		t.Error("a leg kept for the urban profile served the rural one")
	}
	more := append(slices.Clone(sub), monacoPoints(t, n, 1, 99)...)
	if _, ok := src.cached(more, patients.Urban); ok {
		t.Fatal("a place never routed was served from the cache")
	}
	m, err := src.Matrix(more, patients.Urban)
	want, _ := NewModel(n).Matrix(more, patients.Urban)
	if err != nil || m.Minutes(4, 0) != want.Minutes(4, 0) || m.Meters(0, 4) != want.Meters(0, 4) {
		t.Errorf("the new place's legs: %v", err)
	}
}

// BenchmarkSharedMatrixReused is the interface re-timing a round of 20
// places already routed.
func BenchmarkSharedMatrixReused(b *testing.B) {
	n := loadMonaco(b)
	src := SharedNetwork(n)
	pts := monacoPoints(b, n, 20, 3)
	if _, err := src.Matrix(pts, patients.Urban); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := src.Matrix(pts, patients.Urban); err != nil {
			b.Fatal(err)
		}
	}
}
