package storage

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"tournee/patients"

	bolt "go.etcd.io/bbolt"
)

// dirNames lists a folder's entries.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func testCabinet() patients.Dataset {
	n := sampleNurse()
	return patients.Dataset{Cabinet: patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: nil}, Nurses: []patients.Nurse{n}}
}

// TestCreateWithPublishesOnlyWhenComplete is the kill between creating and
// seeding: while the seed runs, nothing is at path, so a process killed
// there leaves no empty base that blocks the next attempt.
func TestCreateWithPublishesOnlyWhenComplete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	db, err := CreateWith(path, pass, Options{Now: newClock().now}, func(db *DB) error {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the database is at its final path before its seed: %v", err)
		}
		if db.Path() != path {
			t.Errorf("Path() while seeding = %q, want %q", db.Path(), path)
		}
		return db.Seed(ctx, testCabinet())
	})
	if err != nil {
		t.Fatal(err)
	}
	checkStructure(t, db)
	db.Close()
	if got := folderNames(t, dir); !slices.Equal(got, []string{"tournee.db"}) {
		t.Errorf("folder after a creation: %q, want only tournee.db", got)
	}
	db, err = Open(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Cabinet(ctx)
	if err != nil || c.Name != "Cabinet des Dunes" {
		t.Errorf("seeded cabinet after reopening: %+v, %v", c, err)
	}
}

func TestCreateWithFailedSeedLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	boom := errors.New("boom")
	_, err := CreateWith(path, pass, Options{}, func(*DB) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the seed's error", err)
	}
	if got := folderNames(t, dir); len(got) != 0 {
		t.Fatalf("a failed creation left %q", got)
	}
	// The rerun works.
	db, err := CreateWith(path, pass, Options{}, func(db *DB) error { return db.Seed(ctx, testCabinet()) })
	if err != nil {
		t.Fatalf("rerun after a failed creation: %v", err)
	}
	db.Close()
}

// TestCreateCleansKilledTemps: the temporary files of creations killed at
// any stage (just created, half-built, complete but not published) are
// removed by the next attempt, which succeeds.
func TestCreateCleansKilledTemps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	prefix := filepath.Join(dir, tempPrefix(path))
	if err := os.WriteFile(prefix+"empty", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefix+"garbage", []byte("half a page"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A complete database that was never renamed.
	full, err := CreateWith(filepath.Join(t.TempDir(), "x.db"), pass, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	full.Close()
	raw, err := os.ReadFile(full.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefix+"complete", raw, 0o600); err != nil {
		t.Fatal(err)
	}
	// A file that only looks alike is not ours.
	other := filepath.Join(dir, ".autre.db"+tempMarker+"1")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatalf("create after killed creations: %v", err)
	}
	db.Close()
	want := []string{filepath.Base(other), "tournee.db"}
	if got := folderNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder: %q, want %q", got, want)
	}
}

// TestCreateLeavesALiveBuildAlone: a temporary file another process is
// building in (it holds the lock) is not removed.
func TestCreateLeavesALiveBuildAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	live := filepath.Join(dir, tempPrefix(path)+"live")
	b, err := bolt.Open(live, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a live build's file was removed: %v", err)
	}
}

func TestCreateIsPrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := filepath.Join(t.TempDir(), "tournee.db")
	db, err := Create(path, pass, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("mode %o, want 600", m)
	}
}

func TestCreateRefusesAnEmptyPassphrase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "t.db"), nil, Options{}); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("err = %v, want ErrEmptyPassphrase", err)
	}
	if got := folderNames(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
}
