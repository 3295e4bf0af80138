package cli

import (
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"tournee/patients"
)

// The interface's uses of the roads come from one routes file: the plan's
// travel model drives on it and draws the map's legs, the IK are measured
// on it; without a file, both are the crow model's.
func TestRoutesForTheInterface(t *testing.T) {
	t.Parallel()
	if plan, pricing := Routes(filepath.Join(t.TempDir(), "t.db")); plan.Travel != nil || pricing.Distance != nil {
		t.Fatalf("roads without a routes file: %+v %v", plan, pricing.Distance != nil)
	}
	db, _ := importMonaco(t)
	plan, pricing := Routes(db)
	legs, ok := plan.Travel.(interface {
		Leg(a, b orb.Point, tp patients.TravelProfile) (orb.LineString, bool)
	})
	if !ok {
		t.Fatalf("the plan's travel model %T draws no legs", plan.Travel)
	}
	// The Casino to the Prince's Palace.
	casino, palace := orb.Point{7.4277, 43.7393}, orb.Point{7.4199, 43.7314}
	if line, ok := legs.Leg(casino, palace, patients.Urban); !ok || len(line) < 3 {
		t.Errorf("leg Casino → Palace: %d points, ok %v", len(line), ok)
	}
	m, err := plan.Travel.Matrix([]orb.Point{casino, palace}, patients.Urban)
	if err != nil || m.Meters(0, 1) < 1000 {
		t.Errorf("matrix Casino → Palace: %v m, %v", m.Meters(0, 1), err)
	}
	home := func(p orb.Point) patients.Place { return patients.Place{Point: p} }
	if km, road := pricing.Distance(home(casino), home(palace)); !road || km < 1 {
		t.Errorf("IK distance Casino → Palace: %.2f km, road %v", km, road)
	}
}
