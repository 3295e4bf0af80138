package dayplan

import (
	"context"
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	"tournee/planner"
	"tournee/roads"
)

// monacoPath is the real OpenStreetMap extract shared by the tests.
const monacoPath = "../../shared/data/osm/monaco.osm.pbf"

var monaco struct {
	once sync.Once
	net  *roads.Network
	err  error
}

// monacoDemo is the demo cabinet moved onto Monaco's hills (its area
// shrunk to a tenth), with the Monaco extract imported beside its
// database: a base whose rounds drive on real, steep, one-way streets.
func monacoDemo(t *testing.T) (patients.Store, *roads.Shared) {
	t.Helper()
	if _, err := os.Stat(monacoPath); err != nil {
		t.Fatalf("the Monaco extract is needed (../shared is part of the workspace): %v", err)
	}
	monaco.once.Do(func() {
		monaco.net, monaco.err = roads.Import(context.Background(), monacoPath, roads.Area{}, nil)
	})
	if monaco.err != nil {
		t.Fatal(monaco.err)
	}
	ds, err := demo.Load(patients.DateOf(now), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	from, to := orb.Point{1.92, 50.895}, orb.Point{7.42, 43.737}
	move := func(p orb.Point) orb.Point {
		if p == (orb.Point{}) {
			return p
		}
		return orb.Point{to[0] + (p[0]-from[0])*0.1, to[1] + (p[1]-from[1])*0.1}
	}
	for i := range ds.Patients {
		ds.Patients[i].Address.Point = move(ds.Patients[i].Address.Point)
	}
	for i := range ds.Nurses {
		ds.Nurses[i].Start.Point = move(ds.Nurses[i].Start.Point)
		ds.Nurses[i].End.Point = move(ds.Nurses[i].End.Point)
	}
	ds.Cabinet.Address.Point = move(ds.Cabinet.Address.Point)
	if ds.Cabinet.Lab != nil {
		ds.Cabinet.Lab.Point = move(ds.Cabinet.Lab.Point)
	}
	db := storeOf(t, ds)
	if err := monaco.net.WriteFile(roads.FileFor(db.Path())); err != nil {
		t.Fatal(err)
	}
	src := roads.OpenShared(db.Path())
	if src == nil {
		t.Fatal("the routes file written beside the base is not found")
	}
	return db, src
}

// Care added after the day was ordered is reconciled into the stored day,
// then put in a round when the day is opened: with roads imported, the
// round's ETAs are the road model's, not the crow's. Before, the insertion
// timed the round with the crow model whatever Open was given.
func TestReconciledDayTimedOnRoads(t *testing.T) {
	t.Parallel()
	db, src := monacoDemo(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	opt := planner.Options{Iterations: 100, Seed: 1, Travel: src}
	if _, ordered, err := Open(ctx, db, today, now, opt); err != nil || !ordered {
		t.Fatalf("ordering the day on the roads: ordered %v, %v", ordered, err)
	}
	day, _ := Load(ctx, db, today)
	ps, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// A patient with no evening care, placed by her position in the list:
	// the test does not depend on which.
	i := slices.IndexFunc(ps, func(p patients.Patient) bool {
		return p.Address.HasCoordinates() && !slices.ContainsFunc(day.Visits, func(v patients.Visit) bool {
			return v.PatientID == p.ID && v.Round == patients.Evening
		})
	})
	if i < 0 {
		t.Fatal("every demo patient has evening care")
	}
	plan := patients.CarePlan{PatientID: ps[i].ID, Kind: patients.Insulin, Label: "Insuline du soir",
		Recurrence:  patients.Recurrence{Kind: patients.Daily, Start: today},
		Windows:     []patients.Window{{Start: patients.Clock(17, 0), End: patients.Clock(21, 0)}},
		DurationMin: 10}
	if err := db.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	if rep, err := Reconcile(ctx, db, today); err != nil || rep.Added == 0 {
		t.Fatalf("reconcile: %+v, %v; want the evening insulin added", rep, err)
	}
	day, _, err = Open(ctx, db, today, now, opt)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(day.Visits, func(v patients.Visit) bool { return hasPlan(v, plan.ID) })
	if k < 0 || day.Visits[k].Order == 0 {
		t.Fatalf("the new care was not put in a round: %+v", day.Visits[k])
	}
	v := day.Visits[k]
	round := Round(day.Visits, v.NurseID, v.Round)
	timed := func(m planner.TravelModel) planner.Route {
		o := day.Options(planner.Options{Travel: m})
		o.Lab = nil
		r, err := planner.CheckRound(round, v.NurseID, v.Round, day.Context(), o)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	road, crow := timed(src), timed(planner.DefaultCrow())
	differ := false
	for j, rv := range round {
		want := patients.TimeOfDay(math.Round(road.Stops[j].Start))
		if rv.Status == patients.Planned && rv.PlannedArrival != want {
			t.Errorf("visit %d of the round: stored ETA %v, road model's %v (crow's %.0f min)", j+1, rv.PlannedArrival, want, crow.Stops[j].Start)
		}
		differ = differ || want != patients.TimeOfDay(math.Round(crow.Stops[j].Start))
	}
	if !differ {
		t.Fatal("the road and crow models give the same ETAs on this round: the test proves nothing")
	}
}
