package dayplan

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

var now = time.Date(2026, 11, 23, 7, 0, 0, 0, patients.Paris())

func demoStore(t testing.TB) *storage.DB {
	t.Helper()
	ds, err := demo.Load(patients.DateOf(now), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	return storeOf(t, ds)
}

// storeOf seeds a new database with a dataset: two stores of one dataset are
// two laptops of a cabinet after a sync.
func storeOf(t testing.TB, ds patients.Dataset) *storage.DB {
	t.Helper()
	db, err := storage.Create(filepath.Join(t.TempDir(), "d.db"), []byte("x"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Seed(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestLoadBuildsThenPlanSavesOrder(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	day, err := Load(ctx, db, today)
	if err != nil {
		t.Fatal(err)
	}
	if !day.Built || len(day.Visits) == 0 || Ordered(day.Visits) {
		t.Fatalf("a day never stored should be built from the care plans, unordered: built=%v n=%d", day.Built, len(day.Visits))
	}
	if stored, _ := db.Visits(ctx, today); len(stored) != 0 {
		t.Fatal("Load must not write")
	}
	plan, visits, err := day.Plan(xid.NilID(), planner.Options{Iterations: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !Ordered(visits) {
		t.Fatal("planned visits carry no order")
	}
	// Apply wrote each route's order, 1..n, with the route's nurse.
	for _, r := range plan.Routes {
		round := Round(visits, r.NurseID, r.Round)
		k := 0
		for _, v := range round {
			if v.Order == 0 {
				continue
			}
			k++
			if v.Order != k || v.NurseID != r.NurseID || v.PlannedArrival == 0 {
				t.Fatalf("visit %s: order %d (want %d), nurse %s (want %s), ETA %v", v.ID, v.Order, k, v.NurseID, r.NurseID, v.PlannedArrival)
			}
		}
	}
	// The day object itself is unchanged.
	if Ordered(day.Visits) {
		t.Error("Plan changed the loaded day")
	}
	if _, _, err := day.Plan(xid.New(), planner.Options{Iterations: 10}); err == nil {
		t.Error("planning for an unknown nurse should fail")
	}
}

func TestRoundOrder(t *testing.T) {
	t.Parallel()
	n := xid.New()
	w := func(h int) patients.Window {
		return patients.Window{Start: patients.Clock(h, 0), End: patients.Clock(h+1, 0)}
	}
	vs := []patients.Visit{
		{ID: xid.New(), NurseID: n, Round: patients.Morning, Window: w(7)},
		{ID: xid.New(), NurseID: n, Round: patients.Morning, Window: w(9), Order: 2},
		{ID: xid.New(), NurseID: n, Round: patients.Morning, Window: w(8), Order: 1},
		{ID: xid.New(), NurseID: n, Round: patients.Evening, Window: w(18), Order: 1},
		{ID: xid.New(), NurseID: xid.New(), Round: patients.Morning, Window: w(7), Order: 1},
		{ID: xid.New(), NurseID: n, Round: patients.Morning, Window: w(6)},
	}
	got := Round(vs, n, patients.Morning)
	want := []xid.ID{vs[2].ID, vs[1].ID, vs[5].ID, vs[0].ID} // ordered first, then never ordered by window
	if len(got) != len(want) {
		t.Fatalf("%d visits, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i] {
			t.Fatalf("position %d: %s, want %s", i, got[i].ID, want[i])
		}
	}
}

// Two laptops that build the same day from the same care plans make the
// same visits: the sync merges them instead of doubling the round.
func TestBuiltVisitsHaveStableIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := patients.DateOf(now)
	ds, err := demo.Load(today, xid.New)
	if err != nil {
		t.Fatal(err)
	}
	ds.Visits = nil // the day is built from the care plans on both laptops
	laptopA, laptopB := storeOf(t, ds), storeOf(t, ds)
	a, err := Load(ctx, laptopA, today)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(ctx, laptopB, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Visits) == 0 || len(a.Visits) != len(b.Visits) {
		t.Fatalf("%d and %d visits", len(a.Visits), len(b.Visits))
	}
	ids := map[xid.ID]bool{}
	for i := range a.Visits {
		if a.Visits[i].ID != b.Visits[i].ID {
			t.Errorf("visit %d: %s on one laptop, %s on the other", i, a.Visits[i].ID, b.Visits[i].ID)
		}
		if ids[a.Visits[i].ID] {
			t.Errorf("id %s given twice", a.Visits[i].ID)
		}
		ids[a.Visits[i].ID] = true
	}
	tomorrow, err := Load(ctx, laptopA, today.AddDays(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range tomorrow.Visits {
		if ids[v.ID] {
			t.Errorf("tomorrow's visit %s has today's id", v.ID)
		}
	}
}

// A nurse set up by « tournee init » has no start: her round leaves from
// the cabinet; with no cabinet coordinates either, the refusal says so.
func TestNurseWithoutStartLeavesFromTheCabinet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := patients.DateOf(now)
	ds, err := demo.Load(today, xid.New)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds.Nurses {
		ds.Nurses[i].Start, ds.Nurses[i].End = patients.Place{}, patients.Place{}
	}
	ds.Visits = nil
	day, err := Load(ctx, storeOf(t, ds), today)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range day.Nurses {
		if n.Start.Point != ds.Cabinet.Address.Point || n.End != n.Start {
			t.Fatalf("%s starts at %v, ends at %v; want the cabinet %v", n.FullName(), n.Start.Point, n.End.Point, ds.Cabinet.Address.Point)
		}
	}
	if _, _, err := day.Plan(xid.NilID(), planner.Options{Iterations: 50, Seed: 1}); err != nil {
		t.Fatalf("planning from the cabinet: %v", err)
	}

	ds.Cabinet.Address = patients.Address{Line: "1 rue X", PostalCode: "62100", City: "Calais"}
	day, err = Load(ctx, storeOf(t, ds), today)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = day.Plan(xid.NilID(), planner.Options{Iterations: 50, Seed: 1})
	var ns *NoStartError
	if !errors.As(err, &ns) || !strings.Contains(ns.French(), "adresse du cabinet") {
		t.Fatalf("no start anywhere: %v", err)
	}
}
