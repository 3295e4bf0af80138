package dayplan

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

var now = time.Date(2026, 11, 23, 7, 0, 0, 0, patients.Paris())

func demoStore(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Create(filepath.Join(t.TempDir(), "d.db"), []byte("x"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds, err := demo.Load(patients.DateOf(now), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Seed(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestLoadBuildsThenPlanSavesOrder(t *testing.T) {
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
