package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
)

func mustSync(t *testing.T, db *DB, dir string) cabinetsync.Report {
	t.Helper()
	rep, err := db.Sync(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Refused {
		t.Errorf("refused %s: %v", r.File, r.Err)
	}
	return rep
}

func TestSyncSharesRecordsBothWays(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()

	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	tr := patients.Transmission{PatientID: p.ID, Cible: "Douleur", Donnees: "EVA 6", Actions: "antalgique", Resultats: "EVA 2"}
	if err := a.AddTransmission(ctx, &tr); err != nil {
		t.Fatal(err)
	}
	repA := mustSync(t, a, stick)
	if repA.Written == 0 {
		t.Fatal("laptop A wrote nothing")
	}
	repB := mustSync(t, b, stick)
	if repB.Patients != 1 || repB.Transmissions != 1 || repB.Cabinet != 1 {
		t.Errorf("B received %+v, want 1 patient, 1 transmission, the cabinet", repB)
	}
	got, err := b.Patient(ctx, p.ID)
	if err != nil || got.DisplayName() != p.DisplayName() {
		t.Fatalf("patient on B: %v %v", got.DisplayName(), err)
	}
	ts, err := b.Transmissions(ctx, p.ID, 0)
	if err != nil || len(ts) != 1 || ts[0].Donnees != "EVA 6" {
		t.Fatalf("transmissions on B: %+v %v", ts, err)
	}
	cab, _ := b.Cabinet(ctx)
	if cab.Name != "Cabinet des Dunes" {
		t.Errorf("B's cabinet is %q: the cabinet's record must win over the one init made", cab.Name)
	}

	// B edits the phone; A gets it. Nobody gets the other's edit twice.
	got.Notes = "06 11 22 33 44"
	if err := b.SavePatient(ctx, &got); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick)
	repA = mustSync(t, a, stick)
	if repA.Patients != 1 || repA.Transmissions != 0 {
		t.Errorf("A received %+v, want the one patient change", repA)
	}
	pa, _ := a.Patient(ctx, p.ID)
	if pa.Notes != "06 11 22 33 44" {
		t.Errorf("A has phone %q", pa.Notes)
	}
	// Twice changes nothing.
	for _, db := range dbs {
		if rep := mustSync(t, db, stick); rep.Written != 0 || rep.Ops != 0 || rep.Changed() {
			t.Errorf("second sync did something: %+v", rep)
		}
	}
	if cs, _ := a.Conflicts(ctx); len(cs) != 0 {
		t.Errorf("conflicts without concurrent edits: %+v", cs)
	}
}

func TestConcurrentEditKeepsLoserForConfirmation(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2, 0, time.Minute) // B's clock a minute ahead: B's edit is the later
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)

	pa, _ := a.Patient(ctx, p.ID)
	pa.Notes = "06 00 00 00 0A"
	if err := a.SavePatient(ctx, &pa); err != nil {
		t.Fatal(err)
	}
	pb, _ := b.Patient(ctx, p.ID)
	pb.Notes = "06 00 00 00 0B" // later on B's clock
	pb.UsedName = "Durand"
	if err := b.SavePatient(ctx, &pb); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	mustSync(t, a, stick)
	for i, db := range dbs {
		got, _ := db.Patient(ctx, p.ID)
		if got.Notes != pb.Notes || got.UsedName != "Durand" {
			t.Errorf("laptop %d: phone %q notes %q", i, got.Notes, got.UsedName)
		}
		cs, err := db.Conflicts(ctx)
		if err != nil || len(cs) != 1 {
			t.Fatalf("laptop %d conflicts: %+v %v", i, cs, err)
		}
		if cs[0].Field != "notes" || cs[0].Kept != pb.Notes || cs[0].Lost != pa.Notes || cs[0].Label != got.DisplayName() {
			t.Errorf("laptop %d conflict %+v", i, cs[0])
		}
	}
	// A restores its value: it becomes a new change, shared by the next sync.
	cs, _ := a.Conflicts(ctx)
	if err := a.ResolveConflict(ctx, cs[0].ID, true); err != nil {
		t.Fatal(err)
	}
	if left, _ := a.Conflicts(ctx); len(left) != 0 {
		t.Errorf("still listed after confirmation: %+v", left)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	for i, db := range dbs {
		if got, _ := db.Patient(ctx, p.ID); got.Notes != pa.Notes {
			t.Errorf("laptop %d after restore: %q", i, got.Notes)
		}
	}
	if cs, _ := b.Conflicts(ctx); len(cs) != 1 {
		t.Errorf("B: the restore is not a new conflict, its own stays until confirmed: %+v", cs)
	}
}

func TestSyncWithoutKeyOrFolder(t *testing.T) {
	t.Parallel()
	db := openFast(t, t.TempDir()+"/x.db", newClock().now)
	if _, err := db.Sync(ctx, t.TempDir(), nil); !errors.Is(err, cabinetsync.ErrNoCabinetKey) {
		t.Errorf("no key: %v", err)
	}
	dbs := cabinetOf(t, 1)
	if _, err := dbs[0].Sync(ctx, t.TempDir()+"/missing", nil); !errors.Is(err, ErrNoFolder) {
		t.Errorf("missing folder: %v", err)
	}
}

func TestDeletionIsATombstone(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2, 0, time.Hour) // B's later edit does not bring the plan back
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	plan := patients.CarePlan{PatientID: p.ID, Kind: patients.Insulin, Label: "Insuline matin",
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.NewDate(2026, 1, 5)},
		Windows:    []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}}, DurationMin: 10}
	if err := a.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	if err := a.DeleteCarePlan(ctx, plan.ID); err != nil {
		t.Fatal(err)
	}
	onB, err := b.CarePlans(ctx, p.ID)
	if err != nil || len(onB) != 1 {
		t.Fatalf("B's plans: %v %v", onB, err)
	}
	onB[0].Notes = "modifié sur B"
	if err := b.SaveCarePlan(ctx, &onB[0]); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick)
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	for i, db := range dbs {
		if cs, err := db.CarePlans(ctx, p.ID); err != nil || len(cs) != 0 {
			t.Errorf("laptop %d still has the deleted plan: %+v %v", i, cs, err)
		}
		if all, _ := db.CarePlans(ctx, xid.NilID()); len(all) != 0 {
			t.Errorf("laptop %d lists %d plans", i, len(all))
		}
	}
	again := plan
	if err := a.SaveCarePlan(ctx, &again); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("writing a deleted plan again: %v", err)
	}
}

// A database made before replication shares everything it holds at its
// first sync: the migration turned its records into operations.
func TestOlderDatabaseSharesItsRecords(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v1.db")
	id := writeV1(t, path)
	old, err := Open(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	nurse := sampleNurse()
	if err := old.SaveNurse(ctx, &nurse); err != nil {
		t.Fatal(err)
	}
	if err := old.SaveCabinet(ctx, patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: []xid.ID{nurse.ID}, CurrentNurse: nurse.ID}); err != nil {
		t.Fatal(err)
	}
	if err := old.CreateCabinetKey(ctx); err != nil {
		t.Fatal(err)
	}
	kf, _ := old.CabinetKeyFile(ctx, nil)
	stick := t.TempDir()
	mustSync(t, old, stick)

	fresh := openFast(t, filepath.Join(t.TempDir(), "new.db"), newClock().now)
	if err := fresh.JoinCabinet(ctx, kf, nil); err != nil {
		t.Fatal(err)
	}
	rep := mustSync(t, fresh, stick)
	if rep.Patients != 1 || rep.Transmissions != 3 || rep.Nurses != 1 {
		t.Errorf("received %+v", rep)
	}
	p, err := fresh.Patient(ctx, id)
	if err != nil || p.DisplayName() != "WALLET Germaine" {
		t.Errorf("the v1 patient arrives in the current shape: %+v %v", p, err)
	}
	if ts, _ := fresh.Transmissions(ctx, id, 0); len(ts) != 3 {
		t.Errorf("%d transmissions", len(ts))
	}
}

func TestConflictValuesReadForTheNurse(t *testing.T) {
	t.Parallel()
	db := openFast(t, filepath.Join(t.TempDir(), "x.db"), newClock().now)
	n := sampleNurse()
	if err := db.SaveNurse(ctx, &n); err != nil {
		t.Fatal(err)
	}
	var got []string
	db.bolt.View(func(tx *bolt.Tx) error {
		for _, v := range []string{
			`[{"label":"portable","number":"06 11 11 11 11"},{"number":"03 21 00 00 00"}]`,
			`{"status":"faite","done_at":"2026-11-23T07:12:00Z","done_by":"` + n.ID.String() + `"}`,
			`{"line":"33 Boulevard Jacquard","postal_code":"62100","city":"Calais","point":[1.85,50.95],"source":"ban"}`,
			`true`, `""`, `null`, `["pénicilline","iode"]`,
		} {
			got = append(got, display(json.RawMessage(v), db.nurseName(tx)))
		}
		return nil
	})
	want := []string{
		"portable, 06 11 11 11 11 ; 03 21 00 00 00",
		"faite, 23/11/2026 8h12, " + n.FullName(),
		"33 Boulevard Jacquard, 62100, Calais",
		"oui", "(vide)", "(vide)", "pénicilline ; iode",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %q, want %q", i, got[i], want[i])
		}
	}
}

// Through two folders, a laptop can receive a change of a patient before
// the patient: it is not shown, half made, until its creation arrives.
func TestChangeBeforeCreationIsNotShown(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 3)
	a, b, c := dbs[0], dbs[1], dbs[2]
	stick1, stick2 := t.TempDir(), t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick1)
	mustSync(t, b, stick1)
	pb, _ := b.Patient(ctx, p.ID)
	pb.Notes = "vue par B"
	if err := b.SavePatient(ctx, &pb); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick2)
	if rep := mustSync(t, c, stick2); rep.Patients != 0 {
		t.Errorf("a half-made patient counted as received: %+v", rep)
	}
	if ps, _ := c.Patients(ctx, patients.PatientFilter{IncludeArchived: true}); len(ps) != 0 {
		t.Fatalf("C lists %+v", ps)
	}
	if _, err := c.Patient(ctx, p.ID); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("C reads the half-made patient: %v", err)
	}
	if rep := mustSync(t, c, stick1); rep.Patients != 1 {
		t.Errorf("the creation arrives: %+v", rep)
	}
	got, err := c.Patient(ctx, p.ID)
	if err != nil || got.Notes != "vue par B" || got.DisplayName() != p.DisplayName() {
		t.Errorf("C after both folders: %+v %v", got, err)
	}
}

// The cabinet record a laptop made at « tournee init » gives way entirely
// to the cabinet's when it joins: no field of its own survives the sync.
func TestJoiningLaptopTakesTheCabinetRecord(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 1)
	a := dbs[0]
	b := openFast(t, filepath.Join(t.TempDir(), "b.db"), newClock().now)
	n := sampleNurse()
	if err := b.SaveNurse(ctx, &n); err != nil {
		t.Fatal(err)
	}
	own := patients.Cabinet{Name: "Mon cabinet", Phone: "03 21 00 00 00", SIRET: "73282932000074", NurseIDs: []xid.ID{n.ID}, CurrentNurse: n.ID}
	if err := b.SaveCabinet(ctx, own); err != nil {
		t.Fatal(err)
	}
	kf, _ := a.CabinetKeyFile(ctx, nil)
	if err := b.JoinCabinet(ctx, kf, nil); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	mustSync(t, a, stick)
	ca, _ := a.Cabinet(ctx)
	cb, _ := b.Cabinet(ctx)
	if cb.CurrentNurse != n.ID {
		t.Errorf("B's current nurse is %s, want its own %s", cb.CurrentNurse, n.ID)
	}
	cb.CurrentNurse = ca.CurrentNurse
	if fmt.Sprint(ca) != fmt.Sprint(cb) {
		t.Errorf("cabinets differ:\nA %+v\nB %+v", ca, cb)
	}
	if _, err := a.Nurse(ctx, n.ID); err != nil {
		t.Errorf("B's nurse did not reach A: %v", err)
	}
	if len(ca.NurseIDs) != 2 || !slices.Contains(ca.NurseIDs, n.ID) || !slices.Contains(ca.NurseIDs, cb.CurrentNurse) {
		t.Errorf("the cabinet's nurses %v: want A's and B's", ca.NurseIDs)
	}
}

// Two laptops adding a nurse to the cabinet at the same time both keep
// theirs: the list is a set, merged by union, and no conflict is raised.
func TestCabinetNursesMergeAsASet(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	var added []xid.ID
	for _, db := range dbs {
		n := sampleNurse()
		if err := db.SaveNurse(ctx, &n); err != nil {
			t.Fatal(err)
		}
		c, _ := db.Cabinet(ctx)
		c.NurseIDs = append(c.NurseIDs, n.ID)
		if err := db.SaveCabinet(ctx, c); err != nil {
			t.Fatal(err)
		}
		added = append(added, n.ID)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	mustSync(t, a, stick)
	ca, _ := a.Cabinet(ctx)
	cb, _ := b.Cabinet(ctx)
	for _, id := range added {
		if !slices.Contains(ca.NurseIDs, id) || !slices.Contains(cb.NurseIDs, id) {
			t.Errorf("nurse %s missing: A %v, B %v", id, ca.NurseIDs, cb.NurseIDs)
		}
	}
	if fmt.Sprint(ca.NurseIDs) != fmt.Sprint(cb.NurseIDs) {
		t.Errorf("A %v, B %v", ca.NurseIDs, cb.NurseIDs)
	}
	for _, db := range dbs {
		if cs, _ := db.Conflicts(ctx); len(cs) != 0 {
			t.Errorf("a set raised conflicts: %+v", cs)
		}
	}
}
