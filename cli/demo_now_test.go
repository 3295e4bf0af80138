package cli

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

// TestDemoOpensOnATenableRound creates the demo in the middle of a morning
// round, as a nurse trying the app would, and times every round as the
// round screen does (CheckRound from now, after the visits already done):
// no strict visit may open reached too late. The seeding searches a fixed
// number of iterations, so the verdict does not depend on the machine's load. Seeded as planned at dawn, the
// first re-timing from the done visits' real hours pushed an insulin past
// its window at 7h30, and the screen opened on an alert.
func TestDemoOpensOnATenableRound(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{
		time.Date(2026, 11, 23, 7, 30, 0, 0, patients.Paris()),
	} {
		t.Run(at.Format("15h04"), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := func() time.Time { return at }
			db, err := storage.CreateWith(filepath.Join(t.TempDir(), "demo.db"), []byte("demo"), storage.Options{Now: now},
				func(db *storage.DB) error { return seedDemoWith(ctx, db, at, 2000) })
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			day, err := dayplan.LoadAt(ctx, db, patients.DateOf(at), at)
			if err != nil {
				t.Fatal(err)
			}
			strict := map[xid.ID]bool{}
			for _, v := range day.Visits {
				strict[v.ID] = v.Strict
			}
			done := 0
			for _, n := range day.OnDuty {
				for _, round := range []patients.Round{patients.Morning, patients.Evening} {
					mine := dayplan.Round(day.Visits, n.ID, round)
					if len(mine) == 0 {
						continue
					}
					r, err := planner.CheckRound(mine, n.ID, round, day.Context(), day.Options(planner.Options{}))
					if err != nil {
						t.Fatalf("%s, %s: %v", n.FullName(), round, err)
					}
					for _, st := range r.Stops {
						if st.Done {
							done++
						}
						if st.Broken && strict[st.VisitID] {
							t.Errorf("%s, %s: a strict visit is reached too late at %s (window %s)", n.FullName(), round, clockOf(st.Start), st.Window)
						}
					}
				}
			}
			if done == 0 {
				t.Errorf("no visit done at %s: the demo does not open on a day lived until now", at.Format("15h04"))
			}
		})
	}
}

func clockOf(min float64) string {
	m := int(min)
	return time.Date(0, 1, 1, m/60, m%60, 0, 0, time.UTC).Format("15h04")
}

// A new demo's days are the care plans' days: the reconciliation run when
// it is created finds nothing to change and stamps it, so the first
// command on the base (a copy of it here) does not read every day again.
func TestNewDemoIsInLineWithItsCarePlans(t *testing.T) {
	t.Parallel()
	path, _ := demoCopy(t)
	db, err := storage.Open(path, []byte("demo"), storage.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := dayplan.Reconcile(context.Background(), db, patients.DateOf(fixedNow()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Days != 0 {
		t.Fatalf("the new demo was not stamped in line with its care plans: the first reconciliation looked at %d days (%+v)", rep.Days, rep)
	}
}
