package storage

import (
	"path/filepath"
	"testing"
)

// A stamp holds until the next write of any kind, survives closing the
// base, and is never stored over a write it did not see.
func TestStampHoldsUntilTheNextWrite(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	if v, _, err := db.Stamp(ctx, "reconcile"); err != nil || v != "" {
		t.Fatalf("a new base has stamp %q (%v)", v, err)
	}
	_, gen, err := db.Stamp(ctx, "reconcile")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetStamp(ctx, "reconcile", "2026-11-23", gen); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := db.Stamp(ctx, "reconcile"); v != "2026-11-23" {
		t.Fatalf("stamp right after setting it: %q", v)
	}
	if v, _, _ := db.Stamp(ctx, "other"); v != "" {
		t.Fatalf("a stamp of another name: %q", v)
	}

	// Closed and opened again: nothing was written, the stamp holds.
	db.Close()
	db2, err := Open(path, pass, Options{Now: newClock().now})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	v, gen, _ := db2.Stamp(ctx, "reconcile")
	if v != "2026-11-23" {
		t.Fatalf("stamp after reopening: %q", v)
	}

	// Any write ends it.
	p := samplePatient()
	if err := db2.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	v, gen2, _ := db2.Stamp(ctx, "reconcile")
	if v != "" || gen2 == gen {
		t.Fatalf("stamp after a write: %q (write number %d, then %d)", v, gen, gen2)
	}

	// Work that read the records before that write is not stamped, and the
	// refusal writes nothing.
	if err := db2.SetStamp(ctx, "reconcile", "2026-11-23", gen); err != nil {
		t.Fatal(err)
	}
	if v, gen3, _ := db2.Stamp(ctx, "reconcile"); v != "" || gen3 != gen2 {
		t.Fatalf("a stale stamp was stored (%q) or took a write (%d → %d)", v, gen2, gen3)
	}
}

// A base opened read-only (a full disk) is not stamped, and says nothing.
func TestStampOnAReadOnlyBase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Create(path, pass, Options{Now: newClock().now})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(path, pass, Options{Now: newClock().now, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, gen, err := ro.Stamp(ctx, "reconcile")
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.SetStamp(ctx, "reconcile", "x", gen); err != nil {
		t.Fatalf("stamping a read-only base: %v", err)
	}
	if v, _, _ := ro.Stamp(ctx, "reconcile"); v != "" {
		t.Fatalf("a read-only base was stamped: %q", v)
	}
}

// The day's backup, taken at the first open of the day, writes only its
// date: the stamps that held before it still hold.
func TestStampKeptByTheDailyBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "test.db"), filepath.Join(dir, "sauvegardes")
	clk := newClock()
	db, err := Create(path, pass, Options{Now: clk.now, BackupDir: backups})
	if err != nil {
		t.Fatal(err)
	}
	_, gen, err := db.Stamp(ctx, "reconcile")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetStamp(ctx, "reconcile", "2026-11-23", gen); err != nil {
		t.Fatal(err)
	}
	db.Close()
	clk.t = clk.t.AddDate(0, 0, 1)
	db, err = Open(path, pass, Options{Now: clk.now, BackupDir: backups})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := folderNames(t, backups); len(got) == 0 {
		t.Fatal("no backup taken on the first open of the next day")
	}
	v, gen2, _ := db.Stamp(ctx, "reconcile")
	if v != "2026-11-23" || gen2 == gen {
		t.Fatalf("after the day's backup (write %d → %d) the stamp is %q", gen, gen2, v)
	}
}
