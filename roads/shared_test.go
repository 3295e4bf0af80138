package roads

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// The routes file beside a base is read once and serves the planner and
// the map: the matrix is the road model's, a leg is the quickest route's
// line for the nurse's profile, and a damaged file leaves the crow model.
func TestSharedRoutesFile(t *testing.T) {
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
