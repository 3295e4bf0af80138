package storage

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/patients"
	"tournee/storage/replica"
)

// copyDB copies a laptop's database file to a second computer: the copy
// opens with the same identity.
func copyDB(t *testing.T, db *DB) *DB {
	t.Helper()
	to := filepath.Join(t.TempDir(), "copie.db")
	copyFile(t, db.path, to)
	return openFast(t, to, newClock().now)
}

// writeTrans adds a transmission and returns its id.
func writeTrans(t *testing.T, db *DB, pid xid.ID, cible string) xid.ID {
	t.Helper()
	tr := patients.Transmission{PatientID: pid, Cible: cible, Donnees: "d"}
	if err := db.AddTransmission(ctx, &tr); err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

// holdsOnce fails unless every id is among the patient's transmissions on
// db, exactly once.
func holdsOnce(t *testing.T, who string, db *DB, pid xid.ID, ids ...xid.ID) {
	t.Helper()
	ts, err := db.Transmissions(ctx, pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := map[xid.ID]int{}
	for _, tr := range ts {
		n[tr.ID]++
	}
	for _, id := range ids {
		if n[id] != 1 {
			t.Errorf("%s: transmission %s present %d times", who, id, n[id])
		}
	}
}

func TestCopiedDatabaseForksAndMergesBothHistories(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	t0 := writeTrans(t, a, p.ID, "avant la copie")
	mustSync(t, a, stick)
	mustSync(t, b, stick)

	a2 := copyDB(t, a) // the same database on a second computer
	t1 := writeTrans(t, a, p.ID, "sur l'original")
	t2 := writeTrans(t, a2, p.ID, "sur la copie")
	t3 := writeTrans(t, a2, p.ID, "sur la copie encore")
	mustSync(t, a, stick)
	rep := mustSync(t, a2, stick)
	if len(rep.Forks) != 1 || rep.Forks[0].Reissued != 2 || rep.Forks[0].Restored {
		t.Fatalf("forks %+v, want one with 2 operations written again", rep.Forks)
	}
	if rep.Written != 2 || rep.Transmissions != 1 {
		t.Errorf("the copy wrote %d and received %d transmissions, want 2 and 1", rep.Written, rep.Transmissions)
	}
	for range 2 {
		for _, db := range []*DB{a, b, a2} {
			if r := mustSync(t, db, stick); len(r.Forks) != 0 {
				t.Errorf("a second fork: %+v", r.Forks)
			}
		}
	}
	for who, db := range map[string]*DB{"original": a, "B": b, "copie": a2} {
		holdsOnce(t, who, db, p.ID, t0, t1, t2, t3)
	}
	sa, _ := readState(a)
	for who, db := range map[string]*DB{"B": b, "copie": a2} {
		if s, _ := readState(db); stateDiff(sa, s) != "" {
			t.Errorf("%s differs from the original: %s", who, stateDiff(sa, s))
		}
	}
}

func TestRestoredDatabaseRecoversWhatItHadWritten(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	t0 := writeTrans(t, a, p.ID, "avant la sauvegarde")
	mustSync(t, a, stick)
	backup := copyDB(t, a)
	t1 := writeTrans(t, a, p.ID, "après la sauvegarde")
	mustSync(t, a, stick)
	// The laptop's disk dies; the backup is restored and used.
	restored := backup
	t2 := writeTrans(t, restored, p.ID, "après la restauration")
	rep, err := restored.Sync(ctx, stick, nil)
	if err != nil {
		t.Fatalf("a restored database must sync: %v", err)
	}
	if len(rep.Forks) != 1 || rep.Transmissions != 1 {
		t.Fatalf("forks %+v, transmissions received %d", rep.Forks, rep.Transmissions)
	}
	mustSync(t, b, stick)
	holdsOnce(t, "restaurée", restored, p.ID, t0, t1, t2)
	holdsOnce(t, "B", b, p.ID, t0, t1, t2)

	// Restored and synced without writing anything: nothing to reissue.
	c := copyDB(t, b)
	writeTrans(t, b, p.ID, "B continue")
	mustSync(t, b, stick)
	rep = mustSync(t, c, stick)
	if len(rep.Forks) != 1 || !rep.Forks[0].Restored || rep.Forks[0].Reissued != 0 {
		t.Errorf("forks %+v, want one restored with nothing reissued", rep.Forks)
	}
}

func TestJunkInOwnFolderSetAsideAndRepaired(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	p, _ := aBundle(t, a, stick)
	mine := filepath.Join(stick, replica.SyncDir, replicaOf(t, a).String())
	junk := filepath.Join(mine, replica.BundleName(99, 120))
	if err := os.WriteFile(junk, []byte("pas un paquet"), 0o600); err != nil {
		t.Fatal(err)
	}
	t1 := writeTrans(t, a, p.ID, "après le fichier parasite")
	rep, err := a.Sync(ctx, stick, nil)
	if err != nil {
		t.Fatalf("a junk file must not block the sync: %v", err)
	}
	if len(rep.SetAside) != 1 || rep.SetAside[0].File != junk {
		t.Fatalf("set aside %+v, want the junk file", rep.SetAside)
	}
	if _, err := os.Stat(rep.SetAside[0].To); err != nil {
		t.Errorf("the junk file's bytes are gone: %v", err)
	}
	mustSync(t, b, stick)
	holdsOnce(t, "B", b, p.ID, t1)

	// The own folder deleted: the next sync writes it again, and says so.
	if err := os.RemoveAll(mine); err != nil {
		t.Fatal(err)
	}
	t2 := writeTrans(t, a, p.ID, "après l'effacement")
	rep = mustSync(t, a, stick)
	if !rep.Rewritten {
		t.Errorf("the deleted folder was not reported rewritten: %+v", rep)
	}
	c := openFast(t, filepath.Join(t.TempDir(), "c.db"), newClock().now)
	join(t, a, c)
	mustSync(t, c, stick)
	mustSync(t, b, stick)
	holdsOnce(t, "B", b, p.ID, t1, t2)
	holdsOnce(t, "C", c, p.ID, t1, t2)

	// Repair checks even the bundles known by their checksum.
	f, _ := bundleFiles(mine)
	if err := os.WriteFile(f.bundles[0].path, []byte("abîmé"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err = a.Repair(ctx, stick, nil)
	if err != nil || len(rep.SetAside) != 1 || rep.Repaired != 1 {
		t.Fatalf("repair: %v, set aside %+v, repaired %d", err, rep.SetAside, rep.Repaired)
	}
}

func replicaOf(t *testing.T, db *DB) xid.ID {
	t.Helper()
	var id xid.ID
	if err := db.bolt.View(func(tx *bolt.Tx) error { id = replicaID(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

// join makes db a laptop of from's cabinet.
func join(t *testing.T, from, db *DB) {
	t.Helper()
	keyFile, err := from.CabinetKeyFile(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	cab, err := from.Cabinet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	own := patients.Cabinet{ID: db.newID(), Name: "Mon cabinet", CurrentNurse: cab.CurrentNurse, NurseIDs: cab.NurseIDs}
	if err := db.SaveCabinet(ctx, own); err != nil {
		t.Fatal(err)
	}
	if err := db.JoinCabinet(ctx, keyFile, nil); err != nil {
		t.Fatal(err)
	}
}

func TestConflictCopiesMergedAndReported(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick, other := t.TempDir(), t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	a2 := copyDB(t, a)
	t1 := writeTrans(t, a, p.ID, "sur l'original")
	t2 := writeTrans(t, a2, p.ID, "sur la copie")
	mustSync(t, a, stick)
	mustSync(t, a2, other) // another folder: Syncthing brings it back as a conflict copy
	id := replicaOf(t, a)
	ff, _ := bundleFiles(filepath.Join(other, replica.SyncDir, id.String()))
	last := ff.bundles[len(ff.bundles)-1]
	base := strings.TrimSuffix(filepath.Base(last.path), ".bundle")
	mine := filepath.Join(stick, replica.SyncDir, id.String())
	syncthing := filepath.Join(mine, base+".sync-conflict-20261205-123456-ABCDEF.bundle")
	copyFile(t, last.path, syncthing)
	nextcloud := filepath.Join(mine, base+" (conflicted copy 2026-12-05 123456).bundle")
	copyFile(t, last.path, nextcloud)
	notes := filepath.Join(stick, replica.SyncDir, "notes.txt")
	if err := os.WriteFile(notes, []byte("à ne pas oublier"), 0o600); err != nil {
		t.Fatal(err)
	}

	rep := mustSync(t, b, stick)
	if len(rep.Copies) != 2 || rep.Transmissions != 2 {
		t.Errorf("B merged copies %v and %d transmissions, want 2 and 2", rep.Copies, rep.Transmissions)
	}
	if !slices.Contains(rep.Unexpected, notes) {
		t.Errorf("unexpected files %v lack %s", rep.Unexpected, notes)
	}
	if again := mustSync(t, b, stick); len(again.Copies) != 0 {
		t.Errorf("copies read a second time: %v", again.Copies)
	}
	if rep := mustSync(t, a, stick); len(rep.Forks) != 1 {
		t.Errorf("the original did not fork on a copy's conflict copy: %+v", rep.Forks)
	}
	mustSync(t, a2, stick)
	for range 2 {
		for _, db := range []*DB{a, a2, b} {
			mustSync(t, db, stick)
		}
	}
	for who, db := range map[string]*DB{"original": a, "copie": a2, "B": b} {
		holdsOnce(t, who, db, p.ID, t1, t2)
	}
}
