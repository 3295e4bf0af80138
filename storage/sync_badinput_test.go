package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
	"tournee/storage/replica"
)

// badInputSnapshot is every bucket of a database, decrypted: what must not
// change when an import fails.
func badInputSnapshot(t *testing.T, db *DB) string {
	t.Helper()
	var b bytes.Buffer
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			if bytes.Equal(name, bucketMeta) {
				return nil
			}
			return bk.ForEach(func(k, v []byte) error {
				b.Write(name)
				b.WriteString(" ")
				b.Write(k)
				b.WriteString(" ")
				if env, err := db.open(name, k, v); err == nil {
					b.Write(env.Data)
				} else {
					b.Write(v) // index entries and plain values
				}
				b.WriteString("\n")
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// aBundle makes laptop A write one patient to the stick and returns the
// bundle's path.
func aBundle(t *testing.T, a *DB, stick string) (patients.Patient, string) {
	t.Helper()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	var me string
	a.bolt.View(func(tx *bolt.Tx) error { me = replicaID(tx).String(); return nil })
	ff, err := bundleFiles(filepath.Join(stick, replica.SyncDir, me))
	files := ff.bundles
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundle of A: %v", err)
	}
	return p, files[len(files)-1].path
}

func TestDamagedBundleRefusedThenRepaired(t *testing.T) {
	t.Parallel()
	damage := map[string]func([]byte) []byte{
		"truncated in the middle": func(b []byte) []byte { return b[:len(b)/2] },
		"last byte missing":       func(b []byte) []byte { return b[:len(b)-1] },
		"header only":             func(b []byte) []byte { return b[:120] },
		"one bit flipped":         func(b []byte) []byte { c := bytes.Clone(b); c[len(c)-20] ^= 1; return c },
		"bytes appended":          func(b []byte) []byte { return append(bytes.Clone(b), "xx"...) },
		"empty":                   func([]byte) []byte { return nil },
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dbs := cabinetOf(t, 2)
			a, b := dbs[0], dbs[1]
			stick := t.TempDir()
			p, path := aBundle(t, a, stick)
			good, _ := os.ReadFile(path)
			if err := os.WriteFile(path, fn(good), 0o600); err != nil {
				t.Fatal(err)
			}
			before := badInputSnapshot(t, b)
			rep, err := b.Sync(ctx, stick, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Refused) != 1 || !errors.Is(rep.Refused[0].Err, cabinetsync.ErrDamaged) {
				t.Fatalf("refusals %+v, want one ErrDamaged", rep.Refused)
			}
			if rep.Changed() || rep.Ops != 0 {
				t.Errorf("a damaged bundle changed something: %+v", rep)
			}
			// B's own bundle was written; nothing of A's was applied.
			if _, err := b.Patient(ctx, p.ID); !errors.Is(err, patients.ErrNotFound) {
				t.Errorf("patient from a damaged bundle: %v", err)
			}
			if stripLast(before) != stripLast(badInputSnapshot(t, b)) {
				t.Error("the database changed on a refused bundle")
			}
			// A's next sync writes the bundle again from its log; then B completes.
			repA := mustSync(t, a, stick)
			if repA.Repaired != 1 {
				t.Errorf("A repaired %d bundles", repA.Repaired)
			}
			rep = mustSync(t, b, stick)
			if rep.Patients != 1 {
				t.Errorf("after repair B got %+v", rep)
			}
		})
	}
}

func TestFailedImportLeavesDatabaseUnchanged(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	mustSync(t, b, stick) // B's own changes are out: its sync now only reads
	_, path := aBundle(t, a, stick)
	good, _ := os.ReadFile(path)
	os.WriteFile(path, good[:len(good)-7], 0o600)
	before := badInputSnapshot(t, b)
	rep, err := b.Sync(ctx, stick, nil)
	if err != nil || len(rep.Refused) != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	// Only the date of the last sync moves.
	after := badInputSnapshot(t, b)
	if stripLast(before) != stripLast(after) {
		t.Errorf("the database changed:\n%s\n---\n%s", before, after)
	}
}

func stripLast(s string) string {
	var out []string
	for _, l := range bytes.Split([]byte(s), []byte("\n")) {
		// The sync's own bookkeeping (when and where it ran, the bundles this
		// laptop wrote) is not what a failed import must leave alone.
		if !bytes.HasPrefix(l, []byte("sync last ")) && !bytes.HasPrefix(l, []byte("sync written ")) {
			out = append(out, string(l))
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestBundleOfAnotherCabinetRefused(t *testing.T) {
	t.Parallel()
	ours := cabinetOf(t, 2)
	theirs := cabinetOf(t, 1)
	stick := t.TempDir()
	p, _ := aBundle(t, ours[0], stick)
	other := samplePatient()
	if err := theirs[0].SavePatient(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if rep, err := theirs[0].Sync(ctx, stick, nil); err != nil || rep.Written == 0 || len(rep.Refused) != 1 {
		t.Fatalf("the other cabinet's laptop: %+v %v", rep, err)
	}
	rep, err := ours[1].Sync(ctx, stick, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Refused) != 1 || !errors.Is(rep.Refused[0].Err, cabinetsync.ErrWrongKey) {
		t.Fatalf("refusals %+v, want one ErrWrongKey", rep.Refused)
	}
	if _, err := ours[1].Patient(ctx, p.ID); err != nil {
		t.Errorf("our cabinet's bundle must still be applied: %v", err)
	}
	// A key file of the other cabinet is refused too.
	kf, _ := theirs[0].CabinetKeyFile(ctx, nil)
	if err := ours[1].JoinCabinet(ctx, kf, nil); !errors.Is(err, cabinetsync.ErrOtherCabinet) {
		t.Errorf("joining a second cabinet: %v", err)
	}
	mine, _ := ours[0].CabinetKeyFile(ctx, nil)
	if err := ours[1].JoinCabinet(ctx, mine, nil); err != nil {
		t.Errorf("joining again with the same key: %v", err)
	}
}

func TestNewerBundleRefused(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	stick := t.TempDir()
	key, err := dbs[0].cabinetKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := dbs[0].newID()
	dir := filepath.Join(stick, replica.SyncDir, other.String())
	op := replica.Op{Seq: 1, At: replica.Stamp{Wall: 1, Replica: other}, Entity: "patients", Key: other.Bytes(),
		V: patientV, Set: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}
	if _, err := replica.WriteBundle(dir, key, replica.Header{Schema: schemaLatest + 1, Cabinet: key.Cabinet, Replica: other, From: 1, To: 1}, []replica.Op{op}); err != nil {
		t.Fatal(err)
	}
	// A record version this build does not know, in a bundle of the same schema.
	other2 := dbs[0].newID()
	op2 := op
	op2.At.Replica, op2.V = other2, patientV+1
	if _, err := replica.WriteBundle(filepath.Join(stick, replica.SyncDir, other2.String()), key,
		replica.Header{Schema: schemaLatest, Cabinet: key.Cabinet, Replica: other2, From: 1, To: 1}, []replica.Op{op2}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, dbs[1], t.TempDir()) // B publishes elsewhere first
	before := badInputSnapshot(t, dbs[1])
	rep, err := dbs[1].Sync(ctx, stick, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Refused) != 2 {
		t.Fatalf("refusals %+v", rep.Refused)
	}
	for _, r := range rep.Refused {
		if !errors.Is(r.Err, cabinetsync.ErrTooNew) {
			t.Errorf("%s: %v, want ErrTooNew", r.File, r.Err)
		}
	}
	if stripLast(before) != stripLast(badInputSnapshot(t, dbs[1])) {
		t.Error("the database changed on refused bundles")
	}
}

func TestPartialTempFileIgnoredAndCleaned(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p, path := aBundle(t, a, stick)
	good, _ := os.ReadFile(path)
	// A stick pulled out while A wrote its next bundle.
	tmp := filepath.Join(filepath.Dir(path), ".tmp-0a1b2c-000000000099-000000000120.bundle")
	os.WriteFile(tmp, good[:len(good)/3], 0o600)
	rep := mustSync(t, b, stick)
	if rep.Patients != 1 {
		t.Errorf("B got %+v", rep)
	}
	if _, err := b.Patient(ctx, p.ID); err != nil {
		t.Error(err)
	}
	mustSync(t, a, stick)
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("A left its partial file: %v", err)
	}
}

func TestMissingBundleWrittenAgain(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	_, first := aBundle(t, a, stick)
	p2, _ := aBundle(t, a, stick)
	os.Remove(first) // someone tidied the stick
	rep, err := b.Sync(ctx, stick, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Refused) != 1 || !errors.Is(rep.Refused[0].Err, cabinetsync.ErrGap) {
		t.Fatalf("refusals %+v, want ErrGap", rep.Refused)
	}
	if repA := mustSync(t, a, stick); repA.Repaired != 1 {
		t.Errorf("A repaired %d", repA.Repaired)
	}
	mustSync(t, b, stick)
	if _, err := b.Patient(ctx, p2.ID); err != nil {
		t.Error(err)
	}
}

func TestClocksHoursApartWarnAndConverge(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2, 0, 3*time.Hour) // B's clock three hours ahead
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p, _ := aBundle(t, a, stick)
	mustSync(t, b, stick)
	pb, _ := b.Patient(ctx, p.ID)
	pb.Notes = "vue par B"
	if err := b.SavePatient(ctx, &pb); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick)
	rep := mustSync(t, a, stick)
	if len(rep.Skews) != 1 || rep.Skews[0].Ahead < 2*time.Hour+50*time.Minute || rep.Skews[0].Ahead > 3*time.Hour+10*time.Minute {
		t.Fatalf("skews %+v, want B about 3 h ahead", rep.Skews)
	}
	// A's edit made after reading B's comes after it despite A's slow clock.
	pa, _ := a.Patient(ctx, p.ID)
	pa.Notes = "corrigée par A"
	if err := a.SavePatient(ctx, &pa); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	for i, db := range dbs {
		if got, _ := db.Patient(ctx, p.ID); got.Notes != "corrigée par A" {
			t.Errorf("laptop %d: %q", i, got.Notes)
		}
		if cs, _ := db.Conflicts(ctx); len(cs) != 0 {
			t.Errorf("laptop %d: sequential edits reported as a conflict: %+v", i, cs)
		}
	}
}
