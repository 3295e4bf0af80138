package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tournee/patients"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "tournee.db"), filepath.Join(dir, "sauvegardes")
	db, err := Create(path, pass, Options{Now: newClock().now})
	if err != nil {
		t.Fatal(err)
	}
	kept := samplePatient()
	if err := db.SavePatient(ctx, &kept); err != nil {
		t.Fatal(err)
	}
	file, err := db.Backup(backups)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file %s: %v, mode %v (want 0600)", file, err, fi.Mode().Perm())
	}
	later := samplePatient()
	later.FirstName = "Odette"
	if err := db.SavePatient(ctx, &later); err != nil {
		t.Fatal(err)
	}

	// Restoring while the database is open in another window must fail.
	if err := Restore(path, file, pass, backups); !errors.Is(err, ErrAlreadyOpen) {
		t.Errorf("restore over an open database: %v, want ErrAlreadyOpen", err)
	}
	db.Close()

	if err := Restore(path, file, pass, backups); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, _ := db.Patients(ctx, patients.PatientFilter{})
	if len(list) != 1 || list[0].ID != kept.ID {
		t.Errorf("after restore: %d patients, want only the one saved before the backup", len(list))
	}
	// The state replaced by the restore is kept aside, not lost.
	if _, err := os.Stat(filepath.Join(backups, "avant-restauration-tournee.db")); err != nil {
		t.Errorf("no safety copy before restore: %v", err)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	good, err := db.Backup(filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	raw, _ := os.ReadFile(good)

	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, raw[:len(raw)/3], 0o600)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("tournee"), 5000), 0o600)

	cases := []struct {
		name, file string
		pass       []byte
		want       error
	}{
		{"wrong passphrase", good, []byte("nope"), ErrWrongPassphrase},
		{"truncated", truncated, pass, ErrCorrupt},
		{"not a database", garbage, pass, ErrCorrupt},
		{"missing", filepath.Join(dir, "none.db"), pass, os.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Restore(path, c.file, c.pass, filepath.Join(dir, "b")); !errors.Is(err, c.want) {
				t.Errorf("restore: %v, want %v", err, c.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("a refused restore changed the database")
			}
		})
	}
}

func TestBackupsArePruned(t *testing.T) {
	db, _ := openTest(t)
	dir := t.TempDir()
	for range KeepBackups + 3 {
		if _, err := db.Backup(dir); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := Backups(dir)
	if len(list) != KeepBackups {
		t.Errorf("%d backups kept, want %d", len(list), KeepBackups)
	}
	for _, f := range list {
		if err := Verify(f, pass); err != nil {
			t.Errorf("backup %s does not verify: %v", f, err)
		}
	}
}

func TestAutomaticBackupOncePerDay(t *testing.T) {
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "tournee.db"), filepath.Join(dir, "b")
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := Create(path, pass, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	open := func() {
		t.Helper()
		db, err := Open(path, pass, Options{Now: clock, BackupDir: backups})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	open()
	now = now.Add(3 * time.Hour)
	open()
	if list, _ := Backups(backups); len(list) != 1 {
		t.Errorf("two opens on one day made %d backups, want 1", len(list))
	}
	now = now.Add(24 * time.Hour)
	open()
	if list, _ := Backups(backups); len(list) != 2 {
		t.Errorf("an open on the next day: %d backups, want 2", len(list))
	}
}
