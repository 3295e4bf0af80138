package dayplan

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

// storeDays orders and stores days today … today+n-1 as the demo does.
func storeDays(t *testing.T, db patients.Store, today patients.Date, n int) {
	t.Helper()
	ctx := context.Background()
	for k := range n {
		day, err := Load(ctx, db, today.AddDays(k))
		if err != nil {
			t.Fatal(err)
		}
		_, visits, err := day.Plan(xid.NilID(), planner.Options{Iterations: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveVisits(ctx, visits); err != nil {
			t.Fatal(err)
		}
	}
}

func visitsOf(t *testing.T, db patients.Store, d patients.Date, pid xid.ID) []patients.Visit {
	t.Helper()
	vs, err := db.Visits(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	var out []patients.Visit
	for _, v := range vs {
		if v.PatientID == pid {
			out = append(out, v)
		}
	}
	return out
}

func hasPlan(v patients.Visit, id xid.ID) bool {
	return slices.ContainsFunc(v.Items, func(it patients.CareItem) bool { return it.CarePlanID == id })
}

func live(vs []patients.Visit) []patients.Visit {
	return slices.DeleteFunc(slices.Clone(vs), func(v patients.Visit) bool { return v.Status == patients.Cancelled })
}

// A prescription added after the days were stored reaches every stored day
// from today on (not the past), inserted in the nurse's round; ending it
// takes it out again; reconciling twice changes nothing.
func TestReconcileNewPrescriptionReachesStoredDays(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today.AddDays(-1), 4) // yesterday … +2

	ps, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// A patient with no evening care, of the nurse whose evening ends first:
	// a round that has room for one more insulin.
	day, _ := Load(ctx, db, today)
	var p patients.Patient
	best := 0.0
	for _, c := range ps {
		if slices.ContainsFunc(day.Visits, func(v patients.Visit) bool { return v.PatientID == c.ID && v.Round == patients.Evening }) {
			continue
		}
		r, err := planner.CheckRound(Round(day.Visits, c.PrimaryNurse, patients.Evening), c.PrimaryNurse, patients.Evening, day.Context(), planner.Options{})
		if err == nil && (p.ID.IsZero() || r.Return < best) {
			p, best = c, r.Return
		}
	}
	plan := patients.CarePlan{PatientID: p.ID, Kind: patients.Insulin, Label: "Insuline du soir",
		Recurrence:  patients.Recurrence{Kind: patients.Daily, Start: today.AddDays(-1)},
		Windows:     []patients.Window{{Start: patients.Clock(17, 30), End: patients.Clock(19, 30)}},
		DurationMin: 10, Strict: true}
	before := visitsOf(t, db, today, p.ID)
	if err := db.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	rep, err := ReconcilePatient(ctx, db, today, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || rep.Days != 3 {
		t.Fatalf("want the evening insulin added on today, +1 and +2 (3 days), got %+v", rep)
	}
	placed := 0
	for k := range 3 {
		if vs := live(visitsOf(t, db, today.AddDays(k), p.ID)); !slices.ContainsFunc(vs, func(v patients.Visit) bool { return hasPlan(v, plan.ID) }) {
			t.Fatalf("day +%d: the new prescription did not reach the stored day", k)
		}
		// Opening the day puts the new visit in a round.
		if _, _, err := Open(ctx, db, today.AddDays(k), now, planner.Options{Iterations: 100, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		vs := live(visitsOf(t, db, today.AddDays(k), p.ID))
		i := slices.IndexFunc(vs, func(v patients.Visit) bool { return hasPlan(v, plan.ID) })
		if i < 0 {
			t.Fatalf("day +%d: the new prescription is missing", k)
		}
		// In a round inside its strict window, or — when every evening is
		// full — off the rounds with the reason, never at a wrong hour.
		v := vs[i]
		switch {
		case v.Round != patients.Evening || !v.Strict || v.NurseID.IsZero():
			t.Fatalf("day +%d: new visit %+v", k, v)
		case v.Order == 0 && v.LeftOut == "":
			t.Fatalf("day +%d: new visit neither placed nor explained: %+v", k, v)
		case v.Order > 0 && (v.PlannedArrival < v.Window.Start || v.PlannedArrival > v.Window.End):
			t.Fatalf("day +%d: new strict visit placed outside its window: %+v", k, v)
		case v.Order > 0:
			placed++
		}
	}
	if placed == 0 {
		t.Error("the new prescription found a place on none of the three evenings")
	}
	if got := visitsOf(t, db, today.AddDays(-1), p.ID); slices.ContainsFunc(got, func(v patients.Visit) bool { return hasPlan(v, plan.ID) }) {
		t.Fatal("a past day was changed")
	}
	if after := visitsOf(t, db, today, p.ID); len(live(after)) != len(live(before))+1 {
		t.Fatalf("today: %d visits before, %d after", len(live(before)), len(live(after)))
	}
	again, err := Reconcile(ctx, db, today)
	if err != nil || again.Changed() {
		t.Fatalf("reconciling again must change nothing: %+v %v", again, err)
	}
	again, err = ReconcilePatient(ctx, db, today, p.ID)
	if err != nil || again.Changed() {
		t.Fatalf("reconciling again must change nothing: %+v %v", again, err)
	}

	// The prescription ends tomorrow: the day after loses the visit.
	plan.EndsOn = today.AddDays(1)
	if err := db.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	rep, err = Reconcile(ctx, db, today)
	if err != nil || rep.Cancelled != 1 {
		t.Fatalf("want one visit cancelled (day +2), got %+v %v", rep, err)
	}
	day, err = Load(ctx, db, today.AddDays(2))
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(day.Visits, func(v patients.Visit) bool { return hasPlan(v, plan.ID) }) {
		t.Fatal("an ended prescription is still in the round")
	}
	if len(day.Cancelled) != 1 || day.Cancelled[0].StatusNote == "" {
		t.Fatalf("the cancelled visit should be kept aside with its reason: %+v", day.Cancelled)
	}
}

// Outcomes, pins, manual moves and hand-overs survive a reconciliation;
// a changed window moves the visit but keeps its nurse and place; a done
// visit never changes, even when its plan's window moves.
func TestReconcileKeepsWhatNursesDid(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today, 2)
	day, err := Load(ctx, db, today)
	if err != nil {
		t.Fatal(err)
	}
	nurses := day.Nurses
	var done, pinned, handed patients.Visit
	for _, v := range day.Visits {
		switch {
		case done.ID.IsZero() && v.Round == patients.Morning && v.PairID.IsZero():
			// A visit made alone: a « visite à deux » has two copies,
			// one per nurse, and the checks below follow one visit.
			done = v
			done.Status, done.DoneAt, done.DoneBy = patients.Done, today.At(patients.Clock(7, 40)), v.NurseID
		case pinned.ID.IsZero() && v.Round == patients.Morning && v.Order > 2:
			pinned = v
			pinned.Pinned = true
		case handed.ID.IsZero() && v.Round == patients.Evening:
			handed = v
			for _, n := range nurses {
				if n.ID != v.NurseID {
					handed.NurseID = n.ID
					break
				}
			}
		}
	}
	if err := db.SaveVisits(ctx, []patients.Visit{done, pinned, handed}); err != nil {
		t.Fatal(err)
	}
	// Move the window of the done visit's plan, and lengthen every plan of
	// the pinned visit's patient.
	plans, err := db.CarePlans(ctx, done.PatientID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plans {
		if c.ID == done.Items[0].CarePlanID {
			for i := range c.Windows {
				c.Windows[i].End += 15
			}
			if err := db.SaveCarePlan(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := Reconcile(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	got := map[xid.ID]patients.Visit{}
	vs, _ := db.Visits(ctx, today)
	for _, v := range vs {
		got[v.ID] = v
	}
	if g := got[done.ID]; g.Status != patients.Done || !g.DoneAt.Equal(done.DoneAt) {
		t.Fatalf("a done visit changed: %+v", g)
	}
	for _, v := range vs {
		if v.ID != done.ID && v.PatientID == done.PatientID && v.Round == done.Round && sharesPlan(v, done) && v.Status == patients.Planned {
			t.Fatalf("care done today under its old window came back as a planned visit: %+v", v)
		}
	}
	if g := got[pinned.ID]; !g.Pinned || g.Order != pinned.Order || g.Status != patients.Planned {
		t.Fatalf("the pin or the order was lost: %+v", g)
	}
	if g := got[handed.ID]; g.NurseID != handed.NurseID {
		t.Fatal("the hand-over to a colleague was undone")
	}
	// Tomorrow the moved window is a new visit that took the old one's
	// nurse and place.
	if _, _, err := Open(ctx, db, today.AddDays(1), now, planner.Options{Iterations: 100, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	tomorrow, _ := db.Visits(ctx, today.AddDays(1))
	var oldV, newV patients.Visit
	for _, v := range tomorrow {
		if v.PatientID == done.PatientID && slices.ContainsFunc(v.Items, func(it patients.CareItem) bool { return it.CarePlanID == done.Items[0].CarePlanID }) {
			if v.Status == patients.Cancelled {
				oldV = v
			} else {
				newV = v
			}
		}
	}
	if oldV.ID.IsZero() || newV.ID.IsZero() || newV.NurseID != oldV.NurseID || newV.Order == 0 {
		t.Fatalf("moved window: old %+v new %+v", oldV, newV)
	}
}

// An absence takes the patient out of the rounds of its days and gives her
// back when it ends; an open-ended one until it is closed.
func TestReconcileAbsence(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today, 5)
	ps, _ := db.Patients(ctx, patients.PatientFilter{})
	var p patients.Patient
	for _, c := range ps {
		if len(visitsOf(t, db, today.AddDays(4), c.ID)) > 0 && len(visitsOf(t, db, today.AddDays(1), c.ID)) > 0 && len(c.Absences) == 0 {
			p = c
			break
		}
	}
	p.Absences = append(p.Absences, patients.Absence{Reason: "hospitalisation", From: today.AddDays(1), To: today.AddDays(3)})
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := Reconcile(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	for k, want := range []bool{true, false, false, false, true} {
		has := len(live(visitsOf(t, db, today.AddDays(k), p.ID))) > 0
		if has != want {
			t.Fatalf("day +%d: visits %v, want %v", k, has, want)
		}
	}
	// Back early: the absence ends on its first day.
	p.Absences[len(p.Absences)-1].To = today.AddDays(1)
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := Reconcile(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	for k := range 5 {
		if has := len(live(visitsOf(t, db, today.AddDays(k), p.ID))) > 0; has != (k != 1) {
			t.Fatalf("day +%d: visits %v after she came back early", k, has)
		}
	}
}

// Reconciliation does not depend on the order the stored visits come in,
// and two laptops that reconcile the same day make the same visits.
func TestReconcileDayOrderIndependent(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today, 1)
	stored, _ := db.Visits(ctx, today)
	ps, _ := db.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	plans, _ := db.CarePlans(ctx, xid.NilID())
	nurses, _ := db.Nurses(ctx)
	// Change the prescriptions: drop a third of the plans, shift others.
	rng := rand.New(rand.NewPCG(1, 2))
	var changed []patients.CarePlan
	for _, c := range plans {
		switch rng.IntN(3) {
		case 0:
			continue
		case 1:
			c.DurationMin += 5
		}
		changed = append(changed, c)
	}
	built, err := buildVisits(today, ps, changed, nurses)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ReconcileDay(stored, built, ps, nurses)
	for range 20 {
		s, b := slices.Clone(stored), slices.Clone(built)
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		got, _ := ReconcileDay(s, b, ps, nurses)
		if !slices.EqualFunc(got, want, sameVisit) {
			t.Fatal("reconciliation depends on the input order")
		}
	}
	// Idempotent: applying the changes then reconciling again is a no-op.
	again, rep := ReconcileDay(merged(stored, want), built, ps, nurses)
	if len(again) != 0 || rep.Changed() {
		t.Fatalf("second pass changed %d visits: %+v", len(again), rep)
	}
}

func BenchmarkReconcile60Days(b *testing.B) {
	db := demoStore(b)
	ctx := context.Background()
	today := patients.DateOf(now)
	store60Days(b, db, today)
	plans, _ := db.CarePlans(ctx, xid.NilID())
	c := plans[0]
	b.ReportAllocs()
	for b.Loop() {
		c.DurationMin = 5 + (c.DurationMin+1)%20
		if err := db.SaveCarePlan(ctx, &c); err != nil {
			b.Fatal(err)
		}
		if _, err := ReconcilePatient(ctx, db, today, c.PatientID); err != nil {
			b.Fatal(err)
		}
	}
}

// A soft visit postponed goes to tomorrow (unless its care is due then
// anyway), survives tomorrow's reconciliation and is placed when the day
// opens; a strict one cannot wait.
func TestPostponeCarriesToTomorrow(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today, 2)
	plans, _ := db.CarePlans(ctx, xid.NilID())
	var soft, strict patients.Visit
	for _, v := range dayVisitsOf(t, db, today) {
		switch {
		case v.Strict && strict.ID.IsZero():
			strict = v
		case !v.Strict && soft.ID.IsZero() && !dueAnyway(v, plans, today.AddDays(1)):
			soft = v
		}
	}
	if soft.ID.IsZero() {
		t.Skip("no soft visit whose care is not due tomorrow in the demo")
	}
	if _, err := Postpone(strict, plans, xid.NilID()); err != ErrStrictCannotWait {
		t.Fatalf("a strict visit was postponed: %v", err)
	}
	moved, err := Postpone(soft, plans, xid.NilID())
	if err != nil || len(moved) != 2 {
		t.Fatalf("postpone: %v, %d visits", err, len(moved))
	}
	if moved[0].Status != patients.Postponed || moved[1].Date != today.AddDays(1) || moved[1].PostponedFrom != today {
		t.Fatalf("postponed: %+v / %+v", moved[0], moved[1])
	}
	again, _ := Postpone(soft, plans, xid.NilID())
	if again[1].ID != moved[1].ID {
		t.Fatal("the carried visit's id is not derived: two laptops would make two")
	}
	if err := db.SaveVisits(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if _, err := Reconcile(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	day, _, err := Open(ctx, db, today.AddDays(1), now, planner.Options{Iterations: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(day.Visits, func(v patients.Visit) bool { return v.ID == moved[1].ID })
	if i < 0 || day.Visits[i].Status != patients.Planned {
		t.Fatal("the carried visit is not on tomorrow's list after reconciliation")
	}
	if day.Visits[i].Order == 0 && day.Visits[i].LeftOut == "" {
		t.Fatal("the carried visit was neither placed nor explained")
	}
}

func dayVisitsOf(t *testing.T, db patients.Store, d patients.Date) []patients.Visit {
	t.Helper()
	vs, err := db.Visits(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return live(vs)
}

// Two laptops of the cabinet with the same stored days reconcile the same
// change into the same visits: same ids, same fields, so the sync merges
// them instead of doubling the round.
func TestReconcileSameOnTwoLaptops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := patients.DateOf(now)
	a := demoStore(t)
	storeDays(t, a, today, 3)
	var ds patients.Dataset
	ds.Cabinet, _ = a.Cabinet(ctx)
	ds.Nurses, _ = a.Nurses(ctx)
	ds.Patients, _ = a.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	ds.CarePlans, _ = a.CarePlans(ctx, xid.NilID())
	for k := range 3 {
		vs, _ := a.Visits(ctx, today.AddDays(k))
		ds.Visits = append(ds.Visits, vs...)
	}
	b := storeOf(t, ds)
	// The same prescription reaches both (as a sync would bring it).
	p := ds.Patients[3]
	plan := patients.CarePlan{ID: xid.New(), PatientID: p.ID, Kind: patients.Injection, Label: "Injection du soir",
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: today},
		Windows:    []patients.Window{{Start: patients.Clock(18, 0), End: patients.Clock(19, 0)}}, DurationMin: 10}
	for _, db := range []patients.Store{a, b} {
		c := plan
		if err := db.SaveCarePlan(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if _, err := Reconcile(ctx, db, today); err != nil {
			t.Fatal(err)
		}
	}
	for k := range 3 {
		va, _ := a.Visits(ctx, today.AddDays(k))
		vb, _ := b.Visits(ctx, today.AddDays(k))
		if !slices.EqualFunc(va, vb, func(x, y patients.Visit) bool { return x.ID == y.ID && sameVisit(x, y) }) {
			t.Fatalf("day +%d: the two laptops made different visits", k)
		}
	}
}

// BenchmarkReconcileAll60Days: the start-up pass over 60 stored days.
func BenchmarkReconcileAll60Days(b *testing.B) {
	db := demoStore(b)
	ctx := context.Background()
	today := patients.DateOf(now)
	store60Days(b, db, today)
	b.ReportAllocs()
	for b.Loop() {
		// The work itself: Reconcile would skip it from the second time on,
		// nothing being written in between.
		if _, err := reconcile(ctx, db, today, xid.NilID()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReconcileSkipped is the start-up reconciliation of the same 60
// days when nothing was written since the last one: the stamp is read.
func BenchmarkReconcileSkipped(b *testing.B) {
	db := demoStore(b)
	ctx := context.Background()
	today := patients.DateOf(now)
	store60Days(b, db, today)
	for range 2 {
		if _, err := Reconcile(ctx, db, today); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Reconcile(ctx, db, today)
		if err != nil || rep.Days != 0 {
			b.Fatalf("not skipped: %+v %v", rep, err)
		}
	}
}

// store60Days stores the 60 days from today as built from the care plans.
func store60Days(b *testing.B, db patients.Store, today patients.Date) {
	ctx := context.Background()
	for k := range 60 {
		day, err := Load(ctx, db, today.AddDays(k))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.SaveVisits(ctx, day.Visits); err != nil {
			b.Fatal(err)
		}
	}
}

// Reconcile is skipped while nothing was written since one that found
// nothing to change on the same day, and runs again after any write, even
// one made without reconciling (a care plan that came with a sync).
func TestReconcileSkippedUntilSomethingIsWritten(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	today := patients.DateOf(now)
	storeDays(t, db, today, 3)
	reconcile := func(d patients.Date) Reconciliation {
		t.Helper()
		rep, err := Reconcile(ctx, db, d)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := reconcile(today); rep.Days != 3 || rep.Changed() {
		t.Fatalf("first reconciliation of three days just ordered: %+v", rep)
	}
	if rep := reconcile(today); rep.Days != 0 {
		t.Fatalf("nothing written since: want it skipped, it looked at %d days", rep.Days)
	}

	ps, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	plan := patients.CarePlan{PatientID: ps[0].ID, Kind: patients.Insulin, Label: "Insuline du soir",
		Recurrence:  patients.Recurrence{Kind: patients.Daily, Start: today},
		Windows:     []patients.Window{{Start: patients.Clock(17, 30), End: patients.Clock(19, 30)}},
		DurationMin: 10, Strict: true}
	if err := db.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	if rep := reconcile(today); rep.Added != 3 {
		t.Fatalf("a care plan saved since: want its visit added on the three days, got %+v", rep)
	}
	for k := range 3 {
		if !slices.ContainsFunc(live(visitsOf(t, db, today.AddDays(k), ps[0].ID)), func(v patients.Visit) bool { return hasPlan(v, plan.ID) }) {
			t.Fatalf("day +%d: the care plan saved since did not reach it", k)
		}
	}
	// Its own writes are checked by the next one, which then stamps.
	if rep := reconcile(today); rep.Days != 3 || rep.Changed() {
		t.Fatalf("after a reconciliation that wrote: want it run again with nothing to change, got %+v", rep)
	}
	if rep := reconcile(today); rep.Days != 0 {
		t.Fatalf("want it skipped again, it looked at %d days", rep.Days)
	}
	if rep := reconcile(today.AddDays(1)); rep.Days != 2 {
		t.Fatalf("another day: want it run on the two days from tomorrow, got %+v", rep)
	}
}

// failingStamps is the database with a disk that fills up when a stamp is
// written.
type failingStamps struct{ *storage.DB }

func (failingStamps) SetStamp(context.Context, string, string, uint64) error {
	return storage.ErrDiskFull
}

// A stamp that cannot be written does not make a reconciliation that wrote
// nothing fail: the next one runs again, that is all.
func TestReconcileWhenTheStampCannotBeWritten(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	today := patients.DateOf(now)
	storeDays(t, db, today, 2)
	for range 2 {
		rep, err := Reconcile(context.Background(), failingStamps{db}, today)
		if err != nil || rep.Days != 2 || rep.Changed() {
			t.Fatalf("reconcile with a full disk for the stamp: %+v %v, want the two days looked at and no error", rep, err)
		}
	}
}
