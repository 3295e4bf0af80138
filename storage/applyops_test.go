package storage

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/storage/replica"
)

// plaintexts is every value of db but the audit, unsealed where sealed: two databases
// with equal plaintexts hold the same records, merge states, conflicts
// and indexes (the sealed bytes differ by their random nonces).
func plaintexts(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	sealed := map[string]bool{}
	for _, b := range sealedBuckets {
		sealed[string(b)] = true
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if string(name) == string(bucketAudit) {
				return nil // keyed by new ids
			}
			return b.ForEach(func(k, v []byte) error {
				if v != nil && sealed[string(name)] {
					p, err := db.seal.open(name, k, v)
					if err != nil {
						return fmt.Errorf("%s/%x: %w", name, k, err)
					}
					v = p
				}
				out[fmt.Sprintf("%s/%x", name, k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Records are merged on every core, yet a merge writes the same records,
// merge states, conflicts (and in the same order of discovery) and index
// entries as a merge on one core: two copies of a laptop receiving the
// same operations end equal.
func TestApplyParallelIsDeterministic(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 3)
	a, b, c := dbs[0], dbs[1], dbs[2]
	stick := t.TempDir()
	pa, va := createRecords(t, a, "A", 40, 60, 400, 120)
	mustSyncTB(t, a, stick)
	mustSyncTB(t, b, stick)
	// Concurrent edits of the same records: conflicts to find.
	editRecords(t, a, pa, va, 30, 200, 80)
	editRecords(t, b, pa[5:], va[9:], 30, 150, 90)
	mustSyncTB(t, a, stick)
	mustSyncTB(t, b, stick)

	dir := t.TempDir()
	merged := make([]map[string]string, 2)
	for i, procs := range []int{1, max(runtime.GOMAXPROCS(0), 4)} {
		path := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		copyFile(t, c.path, path)
		clock := &msClock{time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)}
		db, err := openWithTestKey(path, clock.now, &bolt.Options{NoSync: true, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		key, err := db.cabinetKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var me xid.ID
		db.bolt.View(func(tx *bolt.Tx) error { me = replicaID(tx); return nil })
		var rep cabinetsync.Report
		ins, err := db.collect(ctx, key, filepath.Join(stick, replica.SyncDir), me, &rep, func(cabinetsync.Progress) {})
		if err != nil {
			t.Fatal(err)
		}
		// One core merges the records one after the other; several
		// interleave them. Set for this merge only, the test's own.
		old := runtime.GOMAXPROCS(procs)
		err = db.applyAll(ctx, ins, stick, &rep, func(cabinetsync.Progress) {})
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Conflicts == 0 || rep.Ops < 1000 {
			t.Fatalf("copy %d: %d operations, %d conflicts: not the merge meant", i, rep.Ops, rep.Conflicts)
		}
		merged[i] = plaintexts(t, db)
		db.Close()
	}
	if len(merged[0]) != len(merged[1]) {
		t.Fatalf("%d values on one core, %d on several", len(merged[0]), len(merged[1]))
	}
	for k, v := range merged[0] {
		if merged[1][k] != v {
			t.Fatalf("%s differs:\none core  %q\nseveral   %q", k, v, merged[1][k])
		}
	}
}
