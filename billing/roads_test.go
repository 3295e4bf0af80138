package billing

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/ngap"
	"tournee/patients"
	"tournee/roads"
)

const monacoPBF = "../../shared/data/osm/monaco.osm.pbf"

// monacoDay is a day of a cabinet in Fontvieille with the Monaco extract
// imported beside its base: one patient in Monte-Carlo (billed as
// Beausoleil, outside the cabinet's commune), one out at sea, each seen
// once.
type monacoDay struct {
	net       *roads.Network
	dist      ngap.Distancer
	tariffs   ngap.Tariffs
	d         Data
	home, sea patients.Patient
	day       patients.Date
}

func newMonacoDay(t *testing.T) monacoDay {
	t.Helper()
	if _, err := os.Stat(monacoPBF); err != nil {
		t.Fatalf("the Monaco extract is needed (../shared is part of the workspace): %v", err)
	}
	net, err := roads.Import(context.Background(), monacoPBF, roads.Area{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "t.db")
	if RoadDistance(db, nil) != nil {
		t.Fatal("a road distance without a routes file")
	}
	if err := net.WriteFile(roads.FileFor(db)); err != nil {
		t.Fatal(err)
	}
	dist := RoadDistance(db, nil)
	if dist == nil {
		t.Fatal("no road distance with a routes file")
	}
	tariffs, err := ngap.Load()
	if err != nil {
		t.Fatal(err)
	}
	cabPt, homePt, seaPt := orb.Point{7.4100, 43.7270}, orb.Point{7.4340, 43.7440}, orb.Point{7.60, 43.70}
	cab := patients.Cabinet{Name: "Cabinet", Address: patients.Address{City: "Monaco", PostalCode: "98000", Point: cabPt, Source: patients.CoordManual}}
	home := patients.Patient{ID: xid.New(), BirthName: "Route", Address: patients.Address{City: "Beausoleil", PostalCode: "06240", Point: homePt, Source: patients.CoordManual}}
	sea := patients.Patient{ID: xid.New(), BirthName: "Mer", Address: patients.Address{City: "Beausoleil", PostalCode: "06240", Point: seaPt, Source: patients.CoordManual}}
	p, ok := ngap.PresetByID("pansement-simple")
	if !ok {
		t.Fatal("no pansement-simple preset")
	}
	day := patients.NewDate(2026, time.December, 1)
	nurse := xid.New()
	var plans []patients.CarePlan
	var visits []patients.Visit
	for i, pt := range []patients.Patient{home, sea} {
		plan := patients.CarePlan{ID: xid.New(), PatientID: pt.ID, Kind: p.Kind, Label: "pansement", Acts: p.Acts,
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: day}}
		plans = append(plans, plan)
		start := day.At(patients.TimeOfDay(9*60 + 120*i))
		visits = append(visits, patients.Visit{ID: xid.New(), PatientID: pt.ID, Date: day, Status: patients.Done, DurationMin: 10,
			DoneAt: start.Add(10 * time.Minute), DoneBy: nurse,
			Items: []patients.CareItem{{CarePlanID: plan.ID, Kind: plan.Kind, Label: plan.Label}}})
	}
	d := Data{Cabinet: cab, Patients: []patients.Patient{home, sea}, Plans: plans, Visits: visits}
	return monacoDay{net: net, dist: dist, tariffs: tariffs, d: d, home: home, sea: sea, day: day}
}

// With a routes file beside the base, a visit's IK are paid on the road
// kilometres (not flagged), and a home the roads cannot reach keeps the
// crow estimate, flagged on its line.
func TestIKOnRoadKilometres(t *testing.T) {
	t.Parallel()
	m := newMonacoDay(t)
	net, dist, tariffs, d, home, sea, day := m.net, m.dist, m.tariffs, m.d, m.home, m.sea, m.day
	cabPt, homePt := d.Cabinet.Address.Point, home.Address.Point
	fees, err := BillDone(d, xid.NilID(), Pricing{Zone: ngap.Plaine, Distance: dist}, tariffs)
	if err != nil {
		t.Fatal(err)
	}
	crowFees, err := BillDone(d, xid.NilID(), Pricing{Zone: ngap.Plaine}, tariffs)
	if err != nil {
		t.Fatal(err)
	}
	route, _, routed := net.Route(cabPt, homePt, roads.Distance, roads.Rural)
	if !routed {
		t.Fatal("Fontvieille to Monte-Carlo not routed")
	}
	wantKm := int64(math.Round(2*route.Meters/1000 - 4))
	ik := func(f ngap.VisitFees) ngap.Fee {
		for _, l := range f.Lines {
			if l.IsIK() {
				return l
			}
		}
		t.Fatalf("no IK line for visit %s: %+v %v", f.VisitID, f.Lines, f.Warnings)
		return ngap.Fee{}
	}
	byPatient := func(fs []ngap.VisitFees, id xid.ID) ngap.VisitFees {
		for _, f := range fs {
			if f.PatientID == id {
				return f
			}
		}
		t.Fatalf("no line for patient %s", id)
		return ngap.VisitFees{}
	}
	road, crow := ik(byPatient(fees, home.ID)), ik(byPatient(crowFees, home.ID))
	if road.Km != wantKm || road.Estimated {
		t.Errorf("IK on %d km (estimated %v), want the road's %d km (%.0f m), not flagged", road.Km, road.Estimated, wantKm, route.Meters)
	}
	if crow.Km == road.Km {
		t.Fatalf("the crow estimate (%d km) equals the road km: the test cannot tell them apart", crow.Km)
	}
	if rate, _ := tariffs.Value(ngap.IKPlaine, day); road.Cents != road.Km*rate {
		t.Errorf("IK %d cents for %d km at %d", road.Cents, road.Km, rate)
	}
	if s := ik(byPatient(fees, sea.ID)); !s.Estimated {
		t.Errorf("a home the roads cannot reach: IK %+v, want the crow estimate flagged", s)
	}
}
