package storage

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// toJSONMetaForm rewrites every merge state of db in the JSON form the
// versions before the binary one wrote, and returns how many.
func toJSONMetaForm(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSyncState)
		type kv struct{ k, v []byte }
		var all []kv
		if err := b.ForEach(func(k, v []byte) error { all = append(all, kv{k, v}); return nil }); err != nil {
			return err
		}
		for _, e := range all {
			m, err := db.decodeRecMeta(e.k, e.v)
			if err != nil {
				return err
			}
			if err := db.put(tx, bucketSyncState, e.k, recMetaV, m); err != nil {
				return err
			}
			plain, err := db.seal.open(bucketSyncState, e.k, b.Get(e.k))
			if err != nil || plain[0] != '{' {
				t.Fatalf("%x not rewritten as JSON: %q %v", e.k, plain, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A database whose merge states were written in the JSON form (every
// database before the binary form) still merges: its local changes carry
// the right base stamps, concurrent edits of other laptops are decided
// by the stamps it stored, and all laptops converge.
func TestSyncMergesOldJSONMergeStates(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 3)
	a, b, c := dbs[0], dbs[1], dbs[2]
	stick := t.TempDir()
	pids, vids := createRecords(t, a, "A", 6, 6, 40, 12)
	mustSyncTB(t, a, stick)
	mustSyncTB(t, b, stick)
	mustSyncTB(t, c, stick)
	if n := toJSONMetaForm(t, b); n < 6+6+40+12 {
		t.Fatalf("only %d merge states rewritten", n)
	}
	// Concurrent edits on all three, overlapping on the same records.
	editRecords(t, a, pids, vids, 3, 10, 5)
	editRecords(t, b, pids, vids, 4, 12, 6)
	editRecords(t, c, pids[2:], vids[5:], 3, 9, 4)
	for range 2 {
		for _, db := range dbs {
			mustSyncTB(t, db, stick)
		}
	}
	want, err := readState(c)
	if err != nil {
		t.Fatal(err)
	}
	for i, db := range dbs[:2] {
		got, err := readState(db)
		if err != nil {
			t.Fatal(err)
		}
		if d := stateDiff(want, got); d != "" {
			t.Fatalf("laptop %c differs from C:\n%s", 'A'+i, d)
		}
	}
	if len(want.merge) < 6+6+40+12 {
		t.Fatalf("%d merge states", len(want.merge))
	}
}
