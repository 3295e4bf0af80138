package storage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
	"tournee/storage/replica"
)

// The property: three laptops whose clocks disagree make random changes to
// the records they know and exchange them through one or two folders in a
// random order; once each has synced twice with the others' complete logs,
// they hold the same records, every transmission written anywhere is on each
// exactly once, and every index matches its records.
//
// Each run is a subtest named after its seed, printed again with the trace
// of the run when it fails. Replay one with
//
//	TOURNEE_SYNC_SEED=<seed> go test -run TestSyncPropertyConverges ./storage
//
// and set TOURNEE_SYNC_RUNS to explore more runs than the default.
func TestSyncPropertyConverges(t *testing.T) {
	t.Parallel()
	// By default a fixed sample of 40 runs; the long runs (CI) explore
	// 1,000 new ones each time, 150 under the race detector, which looks
	// for data races, not for orders of exchanges.
	runs, base := 40, uint64(3912366773532320959)
	if longTests() {
		runs, base = 1000, rand.Uint64()>>1
		if raceEnabled {
			runs = 150
		}
	}
	if s := os.Getenv("TOURNEE_SYNC_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("TOURNEE_SYNC_RUNS=%q", s)
		}
		runs = n
	}
	if s := os.Getenv("TOURNEE_SYNC_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("TOURNEE_SYNC_SEED=%q", s)
		}
		base, runs = seed, 1
	}
	t.Logf("%d runs from seed %d", runs, base)
	// The runs share nothing: they run side by side.
	var failed atomic.Bool
	for i := range runs {
		seed := base + uint64(i)
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			if failed.Load() {
				t.Skip("another seed failed: one is enough to look at")
			}
			defer func() {
				if t.Failed() {
					failed.Store(true)
				}
			}()
			runSyncProperty(t, seed)
		})
	}
}

// propRun is one generated run: three laptops, the folders they meet in,
// what was written, and a trace of what happened for the failure message.
type propRun struct {
	t      *testing.T
	seed   uint64
	rng    *rand.Rand
	dbs    []*DB
	sticks []string
	trans  map[xid.ID]patients.Transmission // every transmission written, anywhere
	trace  []string
}

func runSyncProperty(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	skews := make([]time.Duration, 3)
	for i := range skews {
		switch rng.IntN(4) {
		case 0: // on time
		case 1:
			skews[i] = time.Duration(rng.IntN(120)-60) * time.Second
		case 2:
			skews[i] = time.Duration(rng.IntN(30)-15) * time.Minute
		case 3:
			skews[i] = time.Duration(rng.Int64N(int64(2*time.Hour))) - time.Hour
		}
	}
	r := &propRun{t: t, seed: seed, rng: rng, dbs: cabinetOf(t, 3, skews...),
		sticks: []string{t.TempDir(), t.TempDir()}, trans: map[xid.ID]patients.Transmission{}}
	// The second folder is a second stick: what goes through it reaches
	// the others later, or only through the first at the end. In half the
	// runs there is one stick; in a quarter a laptop meets the others only
	// on the second one, and so gets changes of records whose creation it
	// has not seen.
	second, only2 := 0.0, -1
	switch rng.IntN(4) {
	case 2:
		second = 0.3
	case 3:
		second, only2 = 0.5, rng.IntN(3)
	}
	r.logf("clock skews %v, second stick %v, laptop only on it %d", skews, second, only2)
	if rng.IntN(2) == 0 {
		// Half the runs start from patients every laptop holds, so that
		// edits of the same fields on two laptops (conflicts), and edits of
		// a deleted care plan, are common rather than rare.
		for range 1 + rng.IntN(2) {
			r.createPatient(0)
		}
		r.carePlan(0)
		r.createVisits(0)
		for i := range r.dbs {
			r.sync(i, 0)
		}
	}

	steps := 5 + rng.IntN(26)
	for range steps {
		i := rng.IntN(len(r.dbs))
		switch k := rng.IntN(28); {
		case k < 6:
			stick := 0
			if i == only2 || rng.Float64() < second {
				stick = 1
			}
			r.sync(i, stick)
		case k < 9:
			r.createPatient(i)
		case k < 13:
			r.editPatient(i)
		case k < 15:
			r.carePlan(i)
		case k < 17:
			r.createVisits(i)
		case k < 20:
			r.visitOutcome(i)
		case k < 22:
			r.replan(i)
		case k < 25:
			r.transmission(i)
		case k < 27:
			r.buildDay(i)
		default:
			if rng.IntN(3) == 0 {
				r.editCabinet(i)
			} else {
				r.nurse(i)
			}
		}
	}
	// Two rounds through the first folder, A B C A B C: in the first each
	// laptop writes its whole log there, in the second each reads all the
	// others', and nothing is left to write or, for C, to read.
	for round := range 2 {
		for i := range r.dbs {
			rep := r.sync(i, 0)
			if round == 1 && (rep.Written != 0 || (i == 2 && rep.Ops != 0)) {
				r.fatalf("%c's second sync still found something to do: %+v", 'A'+i, rep)
			}
		}
	}
	r.checkConverged()
}

func (r *propRun) logf(format string, args ...any) {
	r.trace = append(r.trace, fmt.Sprintf(format, args...))
}

func (r *propRun) fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("seed %d: %s\nreplay: TOURNEE_SYNC_SEED=%d go test -run TestSyncPropertyConverges ./storage\ntrace:\n  %s",
		r.seed, fmt.Sprintf(format, args...), r.seed, strings.Join(r.trace, "\n  "))
}

func (r *propRun) check(err error, what string) {
	r.t.Helper()
	if err != nil {
		r.fatalf("%s: %v", what, err)
	}
}

func (r *propRun) sync(i, stick int) cabinetsync.Report {
	r.t.Helper()
	rep, err := r.dbs[i].Sync(ctx, r.sticks[stick], nil)
	r.check(err, fmt.Sprintf("sync %c", 'A'+i))
	r.logf("%c syncs stick %d: wrote %d, applied %d ops from %d bundles, %d conflicts",
		'A'+i, stick+1, rep.Written, rep.Ops, rep.Bundles, rep.Conflicts)
	for _, ref := range rep.Refused {
		r.fatalf("%c refused %s: %v", 'A'+i, ref.File, ref.Err)
	}
	r.checkReadable(i)
	return rep
}

// checkReadable: whatever arrived, the lists a nurse opens still open.
func (r *propRun) checkReadable(i int) {
	r.t.Helper()
	db := r.dbs[i]
	for _, day := range propDays {
		_, err := db.Visits(ctx, day)
		r.check(err, fmt.Sprintf("%c: visits of %s", 'A'+i, day))
	}
	for _, p := range r.patients(i) {
		_, err := db.VisitsOfPatient(ctx, p.ID, 0)
		r.check(err, fmt.Sprintf("%c: visits of patient %s", 'A'+i, p.ID))
		_, err = db.Transmissions(ctx, p.ID, 0)
		r.check(err, fmt.Sprintf("%c: transmissions of patient %s", 'A'+i, p.ID))
		_, err = db.CarePlans(ctx, p.ID)
		r.check(err, fmt.Sprintf("%c: care plans of patient %s", 'A'+i, p.ID))
	}
}

// pick returns a random element; ok is false for an empty slice.
func pick[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

func oneOf[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// What a laptop knows: the records it holds whole. Through the second stick
// a laptop can receive a change of a record before the record itself, which
// then has no id yet (its creation brings it): the test leaves such records
// alone until then. Visits, care plans and transmissions are only written
// for patients the laptop holds.

func (r *propRun) patients(i int) []patients.Patient {
	r.t.Helper()
	ps, err := r.dbs[i].Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	r.check(err, "list patients")
	return slices.DeleteFunc(ps, func(p patients.Patient) bool { return p.ID.IsZero() })
}

func (r *propRun) patientSet(i int) map[xid.ID]bool {
	set := map[xid.ID]bool{}
	for _, p := range r.patients(i) {
		set[p.ID] = true
	}
	return set
}

func (r *propRun) visits(i int) []patients.Visit {
	r.t.Helper()
	vs, err := all[patients.Visit](ctx, r.dbs[i], bucketVisits, visitV)
	r.check(err, "list visits")
	known := r.patientSet(i)
	return slices.DeleteFunc(vs, func(v patients.Visit) bool { return v.ID.IsZero() || !known[v.PatientID] })
}

func (r *propRun) carePlans(i int) []patients.CarePlan {
	r.t.Helper()
	cs, err := r.dbs[i].CarePlans(ctx, xid.NilID())
	r.check(err, "list care plans")
	known := r.patientSet(i)
	return slices.DeleteFunc(cs, func(c patients.CarePlan) bool { return c.ID.IsZero() || !known[c.PatientID] })
}

func (r *propRun) nurses(i int) []patients.Nurse {
	r.t.Helper()
	ns, err := r.dbs[i].Nurses(ctx)
	r.check(err, "list nurses")
	return slices.DeleteFunc(ns, func(n patients.Nurse) bool { return n.ID.IsZero() })
}

func (r *propRun) nurseID(i int) xid.ID {
	n, ok := pick(r.rng, r.nurses(i))
	if !ok || r.rng.IntN(5) == 0 {
		return xid.NilID()
	}
	return n.ID
}

var (
	propFirstNames = []string{"Marcelle", "Jean", "Odette", "Lucien", "Simone", "René"}
	propLastNames  = []string{"Delpierre", "Lefebvre", "Caron", "Dumont", "Vasseur"}
	propNotes      = []string{"", "Clés chez la voisine", "Sonner deux fois", "Chien dans le jardin", "Fille passe le soir"}
	propCities     = []string{"Calais", "Marck", "Coquelles", "Sangatte"}
	propPhones     = [][]patients.Phone{nil, {{Label: "fixe", Number: "03 21 00 00 01"}},
		{{Label: "fille", Number: "06 12 34 56 78"}, {Label: "fixe", Number: "03 21 00 00 01"}}}
	propAlerts = [][]patients.Alert{nil, {{Kind: patients.AlertVisiteADeux, Text: "Lève-personne"}},
		{{Kind: patients.AlertSafety, Text: "Chien"}}}
	propDays = []patients.Date{patients.NewDate(2026, 11, 23), patients.NewDate(2026, 11, 24), patients.NewDate(2026, 11, 25)}
)

func (r *propRun) createPatient(i int) {
	p := samplePatient()
	p.FirstName, _ = pick(r.rng, propFirstNames)
	p.BirthName, _ = pick(r.rng, propLastNames)
	p.UsedName = ""
	if r.rng.IntN(2) == 0 {
		p.INS = nil
	}
	r.check(r.dbs[i].SavePatient(ctx, &p), "create patient")
	r.logf("%c creates patient %s", 'A'+i, p.ID)
}

func (r *propRun) editPatient(i int) {
	known, ok := pick(r.rng, r.patients(i))
	if !ok {
		r.createPatient(i)
		return
	}
	p, err := r.dbs[i].Patient(ctx, known.ID)
	r.check(err, "read patient back")
	var fields []string
	for range 1 + r.rng.IntN(3) {
		switch r.rng.IntN(9) {
		case 0:
			p.Notes, _ = pick(r.rng, propNotes)
			fields = append(fields, "notes")
		case 1:
			p.UsedName = oneOf(r.rng, "", "Durand", "Martin")
			fields = append(fields, "used_name")
		case 2:
			p.Phones, _ = pick(r.rng, propPhones)
			fields = append(fields, "phones")
		case 3:
			p.Alerts, _ = pick(r.rng, propAlerts)
			fields = append(fields, "alerts")
		case 4:
			p.Archived = !p.Archived
			fields = append(fields, "archived")
		case 5:
			p.Address.City, _ = pick(r.rng, propCities)
			fields = append(fields, "address")
		case 6:
			p.Access.DoorCode = oneOf(r.rng, "", "4B27A", "1990")
			fields = append(fields, "access")
		case 7:
			p.PrimaryNurse = r.nurseID(i)
			fields = append(fields, "primary_nurse")
		case 8:
			p.Allergies = oneOf(r.rng, nil, []string{"pénicilline"}, []string{"iode", "latex"})
			fields = append(fields, "allergies")
		}
	}
	r.check(r.dbs[i].SavePatient(ctx, &p), "edit patient")
	r.logf("%c edits patient %s: %v", 'A'+i, p.ID, fields)
}

func (r *propRun) carePlan(i int) {
	if c, ok := pick(r.rng, r.carePlans(i)); ok && r.rng.IntN(3) > 0 {
		if r.rng.IntN(4) == 0 {
			// A plan entered by mistake: its tombstone wins everywhere.
			r.check(r.dbs[i].DeleteCarePlan(ctx, c.ID), "delete care plan")
			r.logf("%c deletes care plan %s", 'A'+i, c.ID)
			return
		}
		c, err := one[patients.CarePlan](ctx, r.dbs[i], bucketCarePlans, c.ID, carePlanV)
		r.check(err, "read care plan back")
		switch r.rng.IntN(4) {
		case 0:
			c.Label = oneOf(r.rng, "Insuline matin", "Insuline lente", "Pansement")
		case 1:
			c.DurationMin = 5 + 5*r.rng.IntN(6)
		case 2:
			c.Windows = []patients.Window{{Start: patients.Clock(7+r.rng.IntN(2), 0), End: patients.Clock(9, 30)}}
		case 3:
			c.Strict, c.Notes = !c.Strict, oneOf(r.rng, "", "à jeun", "avant le repas")
		}
		r.check(r.dbs[i].SaveCarePlan(ctx, &c), "edit care plan")
		r.logf("%c edits care plan %s", 'A'+i, c.ID)
		return
	}
	p, ok := pick(r.rng, r.patients(i))
	if !ok {
		r.createPatient(i)
		return
	}
	c := patients.CarePlan{PatientID: p.ID, Kind: oneOf(r.rng, patients.Insulin, patients.Dressing, patients.BloodDraw),
		Label: "Soin", Recurrence: patients.Recurrence{Kind: patients.Daily, Start: propDays[0]},
		Windows: []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}}, DurationMin: 10}
	r.check(r.dbs[i].SaveCarePlan(ctx, &c), "create care plan")
	r.logf("%c creates care plan %s for %s", 'A'+i, c.ID, p.ID)
}

func (r *propRun) createVisits(i int) {
	ps := r.patients(i)
	if len(ps) == 0 {
		r.createPatient(i)
		return
	}
	vs := make([]patients.Visit, 1+r.rng.IntN(3))
	for k := range vs {
		p, _ := pick(r.rng, ps)
		day, _ := pick(r.rng, propDays)
		vs[k] = patients.Visit{Date: day, Round: oneOf(r.rng, patients.Morning, patients.Evening), PatientID: p.ID,
			Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}, DurationMin: 10,
			Status: patients.Planned, Order: k + 1}
	}
	r.check(r.dbs[i].SaveVisits(ctx, vs), "create visits")
	r.logf("%c creates %d visits", 'A'+i, len(vs))
}

// buildDay makes a visit as dayplan does when it builds a day from the care
// plans: its id depends only on the day, patient and round, so two laptops
// that build the same day create the same visit, and the sync merges the
// two creations.
func (r *propRun) buildDay(i int) {
	p, ok := pick(r.rng, r.patients(i))
	if !ok {
		r.createPatient(i)
		return
	}
	day, _ := pick(r.rng, propDays)
	round := oneOf(r.rng, patients.Morning, patients.Evening)
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%s", day, p.ID, round))
	var raw [12]byte
	binary.BigEndian.PutUint32(raw[:4], uint32(day.At(patients.Clock(6, 0)).Unix()))
	copy(raw[4:], h[:8])
	id, _ := xid.FromBytes(raw[:])
	if v, err := one[patients.Visit](ctx, r.dbs[i], bucketVisits, id, visitV); err == nil && v.ID == id {
		r.visitOutcome(i) // already built here
		return
	}
	v := patients.Visit{ID: id, Date: day, Round: round, PatientID: p.ID, DurationMin: 10, Status: patients.Planned,
		Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}}
	if r.rng.IntN(2) == 0 {
		v.Order = 1 + r.rng.IntN(3) // planned at once, differently on each laptop
	}
	r.check(r.dbs[i].SaveVisits(ctx, []patients.Visit{v}), "build the day")
	r.logf("%c builds visit %s of %s on %s", 'A'+i, id, p.ID, day)
}

// knownVisit reads back a visit this laptop holds whole, false when none.
func (r *propRun) knownVisit(i int) (patients.Visit, bool) {
	v, ok := pick(r.rng, r.visits(i))
	if !ok {
		return v, false
	}
	v, err := one[patients.Visit](ctx, r.dbs[i], bucketVisits, v.ID, visitV)
	r.check(err, "read visit back")
	return v, true
}

func (r *propRun) visitOutcome(i int) {
	v, ok := r.knownVisit(i)
	if !ok {
		r.createVisits(i)
		return
	}
	v.DoneAt, v.DoneBy, v.StatusNote, v.ActualMin = time.Time{}, xid.NilID(), "", 0
	switch r.rng.IntN(4) {
	case 0, 1:
		v.Status = patients.Done
		v.DoneAt = v.Date.At(patients.Clock(7, r.rng.IntN(60))).UTC()
		v.DoneBy = r.nurseID(i)
		v.ActualMin = r.rng.IntN(3) * 10
	case 2:
		v.Status, v.StatusNote = patients.Missed, oneOf(r.rng, "absent", "hospitalisé")
	case 3:
		v.Status = patients.Planned
	}
	r.check(r.dbs[i].SaveVisits(ctx, []patients.Visit{v}), "visit outcome")
	r.logf("%c marks visit %s %s", 'A'+i, v.ID, v.Status)
}

func (r *propRun) replan(i int) {
	v, ok := r.knownVisit(i)
	if !ok {
		r.createVisits(i)
		return
	}
	v.Order = 1 + r.rng.IntN(8)
	v.PlannedArrival = patients.Clock(7, r.rng.IntN(60))
	if r.rng.IntN(2) == 0 {
		v.NurseID = r.nurseID(i)
	}
	if r.rng.IntN(3) == 0 { // moved to another day: its index entries move
		v.Date, _ = pick(r.rng, propDays)
	}
	r.check(r.dbs[i].SaveVisits(ctx, []patients.Visit{v}), "re-plan visit")
	r.logf("%c re-plans visit %s on %s", 'A'+i, v.ID, v.Date)
}

func (r *propRun) transmission(i int) {
	p, ok := pick(r.rng, r.patients(i))
	if !ok {
		r.createPatient(i)
		return
	}
	tr := patients.Transmission{PatientID: p.ID, Cible: oneOf(r.rng, "Douleur", "Glycémie", "Plaie"),
		Donnees: fmt.Sprintf("EVA %d", r.rng.IntN(10)), Actions: "Antalgique", Urgent: r.rng.IntN(5) == 0}
	if r.rng.IntN(4) == 0 {
		ts, err := r.dbs[i].Transmissions(ctx, p.ID, 0)
		r.check(err, "list transmissions")
		if old, ok := pick(r.rng, ts); ok {
			tr.Corrects = old.ID
		}
	}
	r.check(r.dbs[i].AddTransmission(ctx, &tr), "add transmission")
	r.trans[tr.ID] = tr
	r.logf("%c writes transmission %s for %s (corrects %s)", 'A'+i, tr.ID, p.ID, tr.Corrects)
}

func (r *propRun) nurse(i int) {
	n, ok := pick(r.rng, r.nurses(i))
	if !ok || r.rng.IntN(4) == 0 {
		n = sampleNurse()
		n.FirstName, _ = pick(r.rng, propFirstNames)
		r.check(r.dbs[i].SaveNurse(ctx, &n), "create nurse")
		r.logf("%c creates nurse %s", 'A'+i, n.ID)
		return
	}
	n, err := r.dbs[i].Nurse(ctx, n.ID)
	r.check(err, "read nurse back")
	n.Phone = oneOf(r.rng, "", "06 00 00 00 01", "06 00 00 00 02")
	if r.rng.IntN(2) == 0 {
		n.Color = oneOf(r.rng, "", "#2a9d8f", "#e76f51")
	}
	r.check(r.dbs[i].SaveNurse(ctx, &n), "edit nurse")
	r.logf("%c edits nurse %s", 'A'+i, n.ID)
}

func (r *propRun) editCabinet(i int) {
	c, err := r.dbs[i].Cabinet(ctx)
	r.check(err, "read cabinet")
	c.Phone = oneOf(r.rng, "", "03 21 34 56 78", "03 21 99 99 99")
	if r.rng.IntN(3) == 0 {
		c.Name = oneOf(r.rng, "Cabinet des Dunes", "Cabinet infirmier des Dunes")
	}
	r.check(r.dbs[i].SaveCabinet(ctx, c), "edit cabinet")
	r.logf("%c edits the cabinet", 'A'+i)
}

// replicaState is what a laptop holds of the shared records, read in one
// transaction.
type replicaState struct {
	cabinet   patients.Cabinet
	nurses    []patients.Nurse
	patients  []patients.Patient
	carePlans []patients.CarePlan
	visits    []patients.Visit
	trans     []patients.Transmission
	merge     map[string]replica.Meta
	index     map[string]map[string]bool // index bucket → its keys
}

func readState(db *DB) (replicaState, error) {
	s := replicaState{merge: map[string]replica.Meta{}, index: map[string]map[string]bool{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		if s.cabinet, err = decode[patients.Cabinet](db, bucketCabinet, keyCabinet, tx.Bucket(bucketCabinet).Get(keyCabinet), cabinetV); err != nil {
			return err
		}
		s.cabinet.CurrentNurse = xid.NilID() // who uses this laptop: not shared
		if err := forEachRecord(db, tx, bucketNurses, nurseV, &s.nurses); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPatients).ForEach(func(k, v []byte) error {
			p, err := decodePatient(db, k, v)
			s.patients = append(s.patients, p)
			return err
		}); err != nil {
			return err
		}
		if err := forEachRecord(db, tx, bucketCarePlans, carePlanV, &s.carePlans); err != nil {
			return err
		}
		if err := forEachRecord(db, tx, bucketVisits, visitV, &s.visits); err != nil {
			return err
		}
		if err := forEachRecord(db, tx, bucketTransmissions, transmissionV, &s.trans); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSyncState).ForEach(func(k, v []byte) error {
			m, err := db.decodeRecMeta(k, v)
			if m.Deleted != nil {
				// A record deleted on two laptops keeps the stamp of the
				// deletion each saw first, and the changes each made before:
				// only being deleted matters.
				m = replica.Meta{Deleted: &replica.Stamp{}}
			}
			s.merge[fmt.Sprintf("%x", k)] = m
			return err
		}); err != nil {
			return err
		}
		for _, idx := range [][]byte{idxVisitsByDay, idxVisitsByPatient, idxCarePlansByPatient, idxTransByPatient} {
			keys := map[string]bool{}
			s.index[string(idx)] = keys
			if err := tx.Bucket(idx).ForEach(func(k, _ []byte) error { keys[string(k)] = true; return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	return s, err
}

// forEachRecord decodes every record of a bucket, in key order.
func forEachRecord[T any](db *DB, tx *bolt.Tx, bucket []byte, version int, out *[]T) error {
	return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		rec, err := decode[T](db, bucket, k, v, version)
		*out = append(*out, rec)
		return err
	})
}

func jsonText(v any) string {
	raw, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return "unencodable: " + err.Error()
	}
	return string(raw)
}

func (r *propRun) checkConverged() {
	r.t.Helper()
	states := make([]replicaState, len(r.dbs))
	for i, db := range r.dbs {
		var err error
		states[i], err = readState(db)
		r.check(err, fmt.Sprintf("read %c", 'A'+i))
		r.checkIndexes(i, states[i])
		r.checkTransmissions(i, states[i])
	}
	for i, s := range states[1:] {
		if d := stateDiff(states[0], s); d != "" {
			r.fatalf("A and %c differ: %s", 'B'+i, d)
		}
	}
}

// stateDiff tells where two laptops' shared records differ, "" when they
// are the same.
func stateDiff(a, b replicaState) string { return a.text().diff(b.text()) }

// stateText is a replicaState as compact JSON, part by part.
type stateText [7]string

var stateParts = [7]string{"cabinet", "nurses", "patients", "care plans", "visits", "transmissions", "merge state"}

func (s replicaState) parts() [7]any {
	return [7]any{s.cabinet, s.nurses, s.patients, s.carePlans, s.visits, s.trans, s.merge}
}

func (s replicaState) text() stateText {
	var t stateText
	for i, p := range s.parts() {
		raw, err := json.Marshal(p)
		if err != nil {
			raw = []byte(err.Error())
		}
		t[i] = string(raw)
	}
	return t
}

// diff shows the first part that differs, indented around the first line
// that does; "" when none does.
func (t stateText) diff(o stateText) string {
	for i := range t {
		if t[i] != o[i] {
			var a, b any
			json.Unmarshal([]byte(t[i]), &a)
			json.Unmarshal([]byte(o[i]), &b)
			return stateParts[i] + ":\n" + firstDiff(jsonText(a), jsonText(b))
		}
	}
	return ""
}

// checkTransmissions: every transmission written anywhere is here, once, as
// written, and listed with its patient.
func (r *propRun) checkTransmissions(i int, s replicaState) {
	r.t.Helper()
	if len(s.trans) != len(r.trans) {
		r.fatalf("%c holds %d transmissions, %d were written", 'A'+i, len(s.trans), len(r.trans))
	}
	perPatient := map[xid.ID]int{}
	for _, got := range s.trans {
		w, ok := r.trans[got.ID]
		if !ok {
			r.fatalf("%c holds transmission %s nobody wrote", 'A'+i, got.ID)
		}
		if x, y := jsonText(w), jsonText(got); x != y {
			r.fatalf("%c: transmission %s changed on the way:\n%s", 'A'+i, got.ID, firstDiff(x, y))
		}
		perPatient[got.PatientID]++
	}
	for pid, n := range perPatient {
		list, err := r.dbs[i].Transmissions(ctx, pid, 0)
		r.check(err, "transmissions of a patient")
		if len(list) != n {
			r.fatalf("%c lists %d transmissions for %s, holds %d", 'A'+i, len(list), pid, n)
		}
	}
}

// checkIndexes compares every index bucket with the entries its records
// call for, and the lists the interface shows with the records.
func (r *propRun) checkIndexes(i int, s replicaState) {
	r.t.Helper()
	if err := indexMismatch(s); err != nil {
		r.fatalf("%c: %v", 'A'+i, err)
	}
	perDay := map[patients.Date]int{}
	for _, v := range s.visits {
		perDay[v.Date]++
	}
	for day, n := range perDay {
		list, err := r.dbs[i].Visits(ctx, day)
		r.check(err, "visits of a day")
		if len(list) != n {
			r.fatalf("%c lists %d visits on %s, holds %d", 'A'+i, len(list), day, n)
		}
	}
}

// indexMismatch compares every index bucket with the entries the records
// call for.
func indexMismatch(s replicaState) error {
	want := map[string]map[string]bool{}
	add := func(idx []byte, k []byte) {
		if want[string(idx)] == nil {
			want[string(idx)] = map[string]bool{}
		}
		want[string(idx)][string(k)] = true
	}
	for _, v := range s.visits {
		add(idxVisitsByDay, visitDayKey(v))
		add(idxVisitsByPatient, visitPatientKey(v))
	}
	for _, c := range s.carePlans {
		add(idxCarePlansByPatient, carePlanPatientKey(c))
	}
	for _, t := range s.trans {
		add(idxTransByPatient, transPatientKey(t))
	}
	for idx, got := range s.index {
		for k := range got {
			if !want[idx][k] {
				return fmt.Errorf("%s has a stale entry %x", idx, k)
			}
		}
		for k := range want[idx] {
			if !got[k] {
				return fmt.Errorf("%s misses the entry %x", idx, k)
			}
		}
	}
	return nil
}

// firstDiff shows where two texts part, with a little context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for k := 0; k < max(len(al), len(bl)); k++ {
		var x, y string
		if k < len(al) {
			x = al[k]
		}
		if k < len(bl) {
			y = bl[k]
		}
		if x != y {
			from := max(0, k-6)
			return fmt.Sprintf("line %d\n--- A\n%s\n--- other\n%s", k+1,
				strings.Join(al[from:min(len(al), k+4)], "\n"), strings.Join(bl[from:min(len(bl), k+4)], "\n"))
		}
	}
	return "(same lines)"
}

// A laptop can receive a change of a record before the record: through a
// second stick, or when the creator's bundle is refused and the others are
// applied. Moving a visit to another day is such a change; it must not put
// an entry in that day's list pointing to a record that is not there yet
// (the property test found « index points to missing visits/000… »).
func TestChangeBeforeCreationStaysOutOfLists(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 3)
	a, b, c := dbs[0], dbs[1], dbs[2]
	stick1, stick2 := t.TempDir(), t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	day := patients.NewDate(2026, 11, 23)
	v := patients.Visit{Date: day, Round: patients.Morning, PatientID: p.ID, DurationMin: 10, Status: patients.Planned,
		Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 0)}}
	if err := a.SaveVisits(ctx, []patients.Visit{v}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick1)
	mustSync(t, b, stick1)
	vs, err := b.Visits(ctx, day)
	if err != nil || len(vs) != 1 {
		t.Fatalf("B: %v %v", vs, err)
	}
	moved := vs[0]
	moved.Date = day.AddDays(1)
	if err := b.SaveVisits(ctx, []patients.Visit{moved}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick2)
	mustSync(t, c, stick2) // C gets the move, not the visit
	for _, d := range []patients.Date{day, day.AddDays(1)} {
		if got, err := c.Visits(ctx, d); err != nil || len(got) != 0 {
			t.Errorf("C before the creation, %s: %v %v", d, got, err)
		}
	}
	mustSync(t, c, stick1)
	if got, err := c.Visits(ctx, day.AddDays(1)); err != nil || len(got) != 1 || got[0].ID != moved.ID {
		t.Errorf("C after the creation: %v %v", got, err)
	}
	if got, err := c.Visits(ctx, day); err != nil || len(got) != 0 {
		t.Errorf("C, the day it left: %v %v", got, err)
	}
	if got, err := c.VisitsOfPatient(ctx, p.ID, 0); err != nil || len(got) != 1 {
		t.Errorf("C, the patient's visits: %v %v", got, err)
	}
}
