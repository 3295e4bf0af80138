package storage

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"tournee/handover/dmp"
	"tournee/patients"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var ctx = context.Background()

// clock is a test clock that advances one second per reading, so xids and
// audit entries are ordered and reproducible.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func newClock() *clock { return &clock{time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)} }

var pass = []byte("correct horse battery")

// openTest creates a database in a temp dir and checks its structure with
// tx.Check when the test ends, like bbolt's own test helper.
func openTest(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Create(path, pass, Options{Now: newClock().now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		checkStructure(t, db)
		db.Close()
	})
	return db, path
}

func checkStructure(t *testing.T, db *DB) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil && !errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		t.Errorf("structure check: %v", err)
	}
}

func samplePatient() patients.Patient {
	return patients.Patient{
		BirthName: "Delpierre", UsedName: "Leroux", FirstName: "Marcelle", Sex: patients.Female,
		BirthDate: patients.NewDate(1938, 1, 11),
		INS:       &patients.INS{NIR: "238016219395217", OID: patients.OIDInsNIRTest, Status: patients.INSQualifiee},
		Address: patients.Address{Line: "33 Boulevard Jacquard", PostalCode: "62100", City: "Calais",
			Point: orb.Point{1.853902, 50.948596}, Source: patients.CoordImported},
		Access:    patients.Access{DoorCode: "4B27A", Floor: "3e", Dog: "Rex, gentil"},
		Phones:    []patients.Phone{{Label: "fixe", Number: "06 39 98 00 41"}},
		Contacts:  []patients.Contact{{Role: patients.MedecinTraitant, Name: "Dr Aline Poulain", RPPS: "99900000101"}},
		Allergies: []string{"pénicilline"},
		Alerts:    []patients.Alert{{Kind: patients.AlertVisiteADeux, Text: "Lève-personne"}},
	}
}

func sampleNurse() patients.Nurse {
	return patients.Nurse{FirstName: "Aurélie", LastName: "Duquesne", RPPS: "10001234565",
		Role: patients.Titulaire, Shifts: patients.DefaultShifts(), TravelProfile: patients.Rural}
}

func TestRoundTripEveryEntity(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	n := sampleNurse()
	if err := db.SaveNurse(ctx, &n); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCabinet(ctx, patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: []xid.ID{n.ID}, CurrentNurse: n.ID}); err != nil {
		t.Fatal(err)
	}
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if p.ID.IsZero() {
		t.Fatal("SavePatient did not assign an id")
	}
	got, err := db.Patient(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName() != "LEROUX Marcelle" || got.INS.NIR != p.INS.NIR || got.Access.DoorCode != "4B27A" ||
		got.Address.Point != p.Address.Point || !got.NeedsTwoCarers() || got.BirthDate != p.BirthDate {
		t.Errorf("patient round trip lost data: %+v", got)
	}

	plan := patients.CarePlan{PatientID: p.ID, Kind: patients.Insulin, Label: "Insuline matin",
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.NewDate(2026, 1, 5)},
		Windows:    []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}}, DurationMin: 10, Strict: true}
	if err := db.SaveCarePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	plans, err := db.CarePlans(ctx, p.ID)
	if err != nil || len(plans) != 1 || plans[0].Label != "Insuline matin" || !plans[0].Strict {
		t.Fatalf("care plans = %+v, %v", plans, err)
	}

	day := patients.NewDate(2026, 11, 23)
	vs := []patients.Visit{
		{Date: day, Round: patients.Evening, PatientID: p.ID, Window: patients.Window{Start: patients.Clock(18, 0), End: patients.Clock(19, 30)}, DurationMin: 10, Status: patients.Planned},
		{Date: day, Round: patients.Morning, PatientID: p.ID, Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}, DurationMin: 10, Status: patients.Planned},
		{Date: day.AddDays(1), Round: patients.Morning, PatientID: p.ID, Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}, DurationMin: 10, Status: patients.Planned},
	}
	if err := db.SaveVisits(ctx, vs); err != nil {
		t.Fatal(err)
	}
	today, err := db.Visits(ctx, day)
	if err != nil || len(today) != 2 || today[0].Round != patients.Morning {
		t.Fatalf("visits of the day = %+v, %v (want 2, morning first)", today, err)
	}
	// Moving a visit to another day must move its index entry with it.
	today[0].Date = day.AddDays(2)
	if err := db.SaveVisits(ctx, today[:1]); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Visits(ctx, day); len(again) != 1 {
		t.Errorf("after moving a visit, %d left on the day, want 1", len(again))
	}
	if hist, _ := db.VisitsOfPatient(ctx, p.ID, 0); len(hist) != 3 || hist[0].Date != day.AddDays(2) {
		t.Errorf("patient history = %+v, want 3 visits newest first", hist)
	}

	tr := patients.Transmission{PatientID: p.ID, Cible: "Glycémie", Donnees: "1,85 g/l à jeun", Actions: "Appel médecin", Resultats: "Dose ajustée"}
	if err := db.AddTransmission(ctx, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.AuthorID != n.ID {
		t.Errorf("transmission author = %s, want the current nurse %s", tr.AuthorID, n.ID)
	}
	if err := db.AddTransmission(ctx, &tr); !errors.Is(err, patients.ErrConflict) {
		t.Errorf("re-adding a transmission: %v, want ErrConflict (append-only)", err)
	}
	corr := patients.Transmission{PatientID: p.ID, Cible: "Glycémie", Donnees: "1,58 g/l (erreur de saisie)", Corrects: tr.ID}
	if err := db.AddTransmission(ctx, &corr); err != nil {
		t.Fatal(err)
	}
	ts, err := db.Transmissions(ctx, p.ID, 0)
	if err != nil || len(ts) != 2 || ts[0].ID != corr.ID || ts[1].ID != tr.ID {
		t.Fatalf("transmissions = %+v, %v (want correction first)", ts, err)
	}

	audit, err := db.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	// nurse, cabinet, patient, care plan, 3 visits, 1 visit moved, 2 transmissions
	if len(audit) != 10 || audit[0].Entity != "transmission" || audit[0].Actor != n.ID {
		t.Errorf("audit = %d entries, newest %+v", len(audit), audit[0])
	}

	// Another nurse takes this laptop: what is written next is hers (the
	// author is remembered only while the cabinet record is unchanged).
	other := sampleNurse()
	other.ID, other.RPPS = xid.NilID(), "10009876544"
	if err := db.SaveNurse(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCabinet(ctx, patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: []xid.ID{n.ID, other.ID}, CurrentNurse: other.ID}); err != nil {
		t.Fatal(err)
	}
	next := patients.Transmission{PatientID: p.ID, Cible: "Douleur", Donnees: "EVA 2/10"}
	if err := db.AddTransmission(ctx, &next); err != nil {
		t.Fatal(err)
	}
	if audit, _ := db.Audit(ctx, 1); next.AuthorID != other.ID || len(audit) != 1 || audit[0].Actor != other.ID {
		t.Errorf("after the cabinet changed hands: author %s, audit %+v, want %s", next.AuthorID, audit, other.ID)
	}
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600 (health data)", fi.Mode().Perm())
	}
	db, err = Open(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Patient(ctx, p.ID); err != nil || got.FirstName != "Marcelle" {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	t.Parallel()
	_, path := openTest(t)
	if _, err := Create(path, pass, Options{}); !errors.Is(err, ErrExists) {
		t.Errorf("Create on an existing file: %v, want ErrExists", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), pass, Options{}); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("Open of a missing file: %v, want ErrNoDatabase", err)
	}
}

func TestWrongPassphraseChangesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(path, []byte("wrong"), Options{BackupDir: filepath.Join(t.TempDir(), "b")})
	if !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v, want ErrWrongPassphrase", err)
	}
	if errors.Is(err, ErrCorrupt) {
		t.Error("a wrong passphrase must not be reported as corruption")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed open changed the file")
	}
}

func TestCorruptValueIsReported(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	// Flip one byte of the sealed value, as a bad sector would.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPatients)
		v := bytes.Clone(b.Get(p.ID.Bytes()))
		v[len(v)/2] ^= 0x40
		return b.Put(p.ID.Bytes(), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Patient(ctx, p.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading a damaged record: %v, want ErrCorrupt", err)
	}
	if _, err := db.Patients(ctx, patients.PatientFilter{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("listing with a damaged record: %v, want ErrCorrupt", err)
	}
	db.Close()
	if err := Verify(path, pass); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify of a damaged file: %v, want ErrCorrupt", err)
	}
}

func TestMovedValueDoesNotOpen(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	a, b := samplePatient(), samplePatient()
	b.FirstName = "Odette"
	if err := db.SavePatient(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePatient(ctx, &b); err != nil {
		t.Fatal(err)
	}
	// Copying a's sealed bytes under b's key must not make b read as a.
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketPatients)
		return bk.Put(b.ID.Bytes(), bytes.Clone(bk.Get(a.ID.Bytes())))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Patient(ctx, b.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("swapped record: %v, want ErrCorrupt", err)
	}
}

func TestDoubleOpenFailsFast(t *testing.T) {
	t.Parallel()
	_, path := openTest(t)
	start := time.Now()
	_, err := Open(path, pass, Options{})
	if !errors.Is(err, ErrAlreadyOpen) {
		t.Fatalf("second open: %v, want ErrAlreadyOpen", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("second open hung for %v", d)
	}
}

func TestValidationBlocksSave(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	p := samplePatient()
	p.INS.NIR = "238016219395218" // wrong key
	err := db.SavePatient(ctx, &p)
	var ve *patients.ValidationError
	if !errors.As(err, &ve) || ve.Field != "nir" {
		t.Fatalf("save with a wrong NIR key: %v, want a nir ValidationError", err)
	}
	if list, _ := db.Patients(ctx, patients.PatientFilter{}); len(list) != 0 {
		t.Error("an invalid patient was stored")
	}
	tr := patients.Transmission{PatientID: xid.New(), Cible: "Douleur", Donnees: "EVA 6"}
	if err := db.AddTransmission(ctx, &tr); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("transmission for an unknown patient: %v, want ErrNotFound", err)
	}
	if !tr.ID.IsZero() {
		t.Error("a refused transmission kept the id of a record that was never stored")
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	good, bad := samplePatient(), samplePatient()
	bad.FirstName = ""
	if err := db.ImportPatients(ctx, []patients.Patient{good, bad}); err == nil {
		t.Fatal("import with an invalid patient succeeded")
	}
	if list, _ := db.Patients(ctx, patients.PatientFilter{}); len(list) != 0 {
		t.Fatalf("a refused import wrote %d patients", len(list))
	}
	batch := []patients.Patient{good, good}
	batch[1].FirstName = "Odette"
	if err := db.ImportPatients(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Patients(ctx, patients.PatientFilter{}); len(list) != 2 || batch[0].ID.IsZero() {
		t.Errorf("import wrote %d patients, ids %v", len(list), batch[0].ID)
	}
}

func TestNoPlaintextInFile(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	p := samplePatient()
	p.Notes = "Fille très présente, appeler avant 18h"
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	tr := patients.Transmission{PatientID: p.ID, Cible: "Plaie talon", Donnees: "Escarre stade 2 talon gauche"}
	if err := db.AddTransmission(ctx, &tr); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Leroux", "Delpierre", "Marcelle", "Jacquard", "Calais", "4B27A",
		"238016219395217", "pénicilline", "Escarre", "Plaie", "Fille très", "Poulain"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the database file holds %q in clear", secret)
		}
	}
}

// writeV1 builds a file as the first release wrote it: schema 1, no index
// buckets, patients with a single last_name.
func writeV1(t *testing.T, path string) (patientID xid.ID) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	params, _ := newKDFParams()
	s, _ := newSealer(params.derive(pass))
	db := &DB{bolt: b, seal: s, now: time.Now}
	patientID = xid.New()
	err = b.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		v, _ := s.seal(bucketMeta, keyVerifier, verifierText)
		meta.Put(keyKDF, marshalKDF(params))
		meta.Put(keyVerifier, v)
		meta.Put(keySchema, []byte("1"))
		if err := migrations[0](db, tx); err != nil {
			return err
		}
		v1 := map[string]any{"id": patientID, "last_name": "Wallet", "first_name": "Germaine", "sex": "F"}
		if err := db.put(tx, bucketPatients, patientID.Bytes(), 1, v1); err != nil {
			return err
		}
		for i := range 3 {
			tr := patients.Transmission{ID: xid.New(), PatientID: patientID, At: time.Date(2026, 11, 20+i, 9, 0, 0, 0, time.UTC),
				Cible: "Hydratation", Donnees: "Boit peu " + strconv.Itoa(i)}
			if err := db.put(tx, bucketTransmissions, tr.ID.Bytes(), 1, tr); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return patientID
}

func TestMigrationFromSchema1(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v1.db")
	id := writeV1(t, path)
	db, err := Open(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Patient(ctx, id)
	if err != nil || p.BirthName != "Wallet" || p.DisplayName() != "WALLET Germaine" {
		t.Errorf("v1 patient read as %+v, %v", p, err)
	}
	// The index did not exist in schema 1: the migration must have built it.
	ts, err := db.Transmissions(ctx, id, 0)
	if err != nil || len(ts) != 3 || ts[0].Donnees != "Boit peu 2" {
		t.Errorf("transmissions after migration = %+v, %v", ts, err)
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		if v, _ := schemaVersion(tx); v != schemaLatest {
			t.Errorf("schema after open = %d, want %d", v, schemaLatest)
		}
		return nil
	})
	// Saving rewrites the record in the current version.
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		env, _ := db.open(bucketPatients, id.Bytes(), tx.Bucket(bucketPatients).Get(id.Bytes()))
		if env.V != patientV {
			t.Errorf("record version after save = %d, want %d", env.V, patientV)
		}
		return nil
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaLatest+1)))
	})
	db.Close()
	if _, err := Open(path, pass, Options{}); !errors.Is(err, ErrTooNew) {
		t.Errorf("open of a newer file: %v, want ErrTooNew", err)
	}
}

func TestCheckPassphrase(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	if err := db.CheckPassphrase([]byte("mauvaise")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: got %v, want ErrWrongPassphrase", err)
	}
	if err := db.CheckPassphrase(pass); err != nil {
		t.Fatalf("right passphrase refused: %v", err)
	}
}

func TestDMPExportVersions(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	pid := xid.New()
	from, to := patients.Date{Year: 2026, Month: 11, Day: 1}, patients.Date{Year: 2026, Month: 11, Day: 22}
	if _, ok, err := db.LastExport(ctx, pid, from, to); err != nil || ok {
		t.Fatalf("no export yet: ok=%v err=%v", ok, err)
	}
	e := dmp.Export{PatientID: pid, From: from, To: to, SetID: "S", Version: 2, DocumentID: "D2", At: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	if err := db.SaveExport(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.LastExport(ctx, pid, from, to)
	if err != nil || !ok || got != e {
		t.Fatalf("got %+v ok=%v err=%v, want %+v", got, ok, err, e)
	}
	// Another period is another summary.
	if _, ok, _ := db.LastExport(ctx, pid, from, to.AddDays(1)); ok {
		t.Error("a different period must not find this export")
	}
	if entries, _ := db.Audit(ctx, 1); len(entries) != 1 || entries[0].Action != "export" || entries[0].Entity != "dmp" {
		t.Errorf("no audit entry for the export: %+v", entries)
	}
}

// VisitDays lists each day with stored visits once, in order, from the day asked.
func TestVisitDays(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	d0 := patients.NewDate(2026, 11, 23)
	var vs []patients.Visit
	for _, off := range []int{-2, 0, 0, 1, 5, 5, 5} {
		vs = append(vs, patients.Visit{Date: d0.AddDays(off), Round: patients.Morning, PatientID: p.ID,
			Window: patients.Window{Start: patients.Clock(8, 0), End: patients.Clock(9, 0)}, DurationMin: 10, Status: patients.Planned})
	}
	if err := db.SaveVisits(ctx, vs); err != nil {
		t.Fatal(err)
	}
	got, err := db.VisitDays(ctx, d0)
	if err != nil {
		t.Fatal(err)
	}
	want := []patients.Date{d0, d0.AddDays(1), d0.AddDays(5)}
	if !slices.Equal(got, want) {
		t.Fatalf("visit days from %s: %v, want %v", d0, got, want)
	}
	if got, _ := db.VisitDays(ctx, d0.AddDays(6)); len(got) != 0 {
		t.Fatalf("no day after the last: %v", got)
	}
	checkStructure(t, db)
}
