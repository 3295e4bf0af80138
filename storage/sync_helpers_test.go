package storage

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/patients"
)

// openFast opens a database for the sync tests without the passphrase's key
// derivation and without fsync: the property test makes thousands. Every
// other path (sealing, migrations, op log) is the real one.
func openFast(t *testing.T, path string, now func() time.Time) *DB {
	t.Helper()
	db, err := openWithTestKey(path, now, &bolt.Options{NoSync: true, NoFreelistSync: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		checkStructure(t, db)
		db.Close()
	})
	return db
}

// cabinetOf makes n laptops of one cabinet: the first creates the cabinet,
// its nurse and the key; the others start from the same cabinet and join.
// Each laptop has its own clock, offset by skew[i] when given.
func cabinetOf(t *testing.T, n int, skew ...time.Duration) []*DB {
	t.Helper()
	dir := t.TempDir()
	dbs := make([]*DB, n)
	for i := range dbs {
		c := newClock()
		if i < len(skew) {
			c.t = c.t.Add(skew[i])
		}
		dbs[i] = openFast(t, filepath.Join(dir, "laptop"+string(rune('A'+i))+".db"), c.now)
	}
	formCabinet(t, dbs)
	return dbs
}

// formCabinet makes the laptops one cabinet: the first has the cabinet, its
// nurse and the key; each other one, after its own « tournee init »
// cabinet record, joins with the key file.
func formCabinet(tb testing.TB, dbs []*DB) {
	tb.Helper()
	nurse := sampleNurse()
	nurse.ID = dbs[0].newID()
	cab := patients.Cabinet{ID: dbs[0].newID(), Name: "Cabinet des Dunes", NurseIDs: []xid.ID{nurse.ID}, CurrentNurse: nurse.ID}
	if err := dbs[0].Seed(ctx, patients.Dataset{Cabinet: cab, Nurses: []patients.Nurse{nurse}}); err != nil {
		tb.Fatal(err)
	}
	if err := dbs[0].CreateCabinetKey(ctx); err != nil {
		tb.Fatal(err)
	}
	keyFile, err := dbs[0].CabinetKeyFile(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, db := range dbs[1:] {
		own := patients.Cabinet{ID: db.newID(), Name: "Mon cabinet", CurrentNurse: nurse.ID, NurseIDs: cab.NurseIDs}
		if err := db.SaveCabinet(ctx, own); err != nil {
			tb.Fatal(err)
		}
		if err := db.JoinCabinet(ctx, keyFile, nil); err != nil {
			tb.Fatal(err)
		}
	}
}
