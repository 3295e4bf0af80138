package storage

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	t.Parallel()
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
	if copies, _ := SafetyCopies(backups, path); len(copies) != 1 {
		t.Errorf("%d safety copies before restore, want 1", len(copies))
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// createWithPatient makes a database (real passphrase) holding one patient.
func createWithPatient(t *testing.T, path string, o Options) (*DB, patients.Patient) {
	t.Helper()
	db, err := Create(path, pass, o)
	if err != nil {
		t.Fatal(err)
	}
	p := samplePatient()
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	return db, p
}

func addNote(t *testing.T, db *DB, p xid.ID, cible string) xid.ID {
	t.Helper()
	tr := patients.Transmission{PatientID: p, Cible: cible, Donnees: "écrite après la sauvegarde"}
	if err := db.AddTransmission(ctx, &tr); err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

// holdsNote opens a database or a backup file and tells whether it holds
// the transmission.
func holdsNote(t *testing.T, file string, p, id xid.ID) bool {
	t.Helper()
	db, err := Open(file, pass, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer db.Close()
	ts, err := db.Transmissions(ctx, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		if tr.ID == id {
			return true
		}
	}
	return false
}

// A laptop that has synced holds plain values by design (sync_seen): its
// backups must verify and restore.
func TestRestoreBackupOfSyncedLaptop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "cle-usb")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	var dbs []*DB
	for _, name := range []string{"a.db", "b.db"} {
		db, err := Create(filepath.Join(dir, name), pass, Options{Now: newClock().now})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { db.Close() }()
		dbs = append(dbs, db)
	}
	formCabinet(t, dbs)
	p := samplePatient()
	if err := dbs[0].SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	addNote(t, dbs[0], p.ID, "Pansement")
	mustSync(t, dbs[0], folder)
	mustSync(t, dbs[1], folder)
	mustSync(t, dbs[0], folder)
	for i, db := range dbs {
		file, err := db.Backup(filepath.Join(dir, "b"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(file, pass); err != nil {
			t.Fatalf("laptop %d: the backup of a synced laptop does not verify: %v", i, err)
		}
		path := db.Path()
		db.Close()
		if err := Restore(path, file, pass, filepath.Join(dir, "b"+strconv.Itoa(i))); err != nil {
			t.Fatalf("laptop %d: restore: %v", i, err)
		}
		if dbs[i], err = Open(path, pass, Options{}); err != nil {
			t.Fatal(err)
		}
	}
}

// Every restore keeps its own safety copy: what was written after the
// backup survives two restores in a row.
func TestTwoRestoresKeepBothSafetyCopies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "tournee.db"), filepath.Join(dir, "sauvegardes")
	db, p := createWithPatient(t, path, Options{Now: newClock().now})
	file, err := db.Backup(backups)
	if err != nil {
		t.Fatal(err)
	}
	var notes []xid.ID
	for i := range 2 {
		notes = append(notes, addNote(t, db, p.ID, "Après la sauvegarde "+strconv.Itoa(i)))
		db.Close()
		if err := Restore(path, file, pass, backups); err != nil {
			t.Fatal(err)
		}
		if db, err = Open(path, pass, Options{Now: newClock().now}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	copies, err := SafetyCopies(backups, path)
	if err != nil || len(copies) != 2 {
		t.Fatalf("%d safety copies (%v), want 2", len(copies), err)
	}
	for i, id := range notes {
		if !holdsNote(t, copies[i], p.ID, id) {
			t.Errorf("transmission %d is in no safety copy", i)
		}
	}
	// More restores than kept: the newest KeepSafetyCopies stay.
	for range KeepSafetyCopies {
		if err := Restore(path, file, pass, backups); err != nil {
			t.Fatal(err)
		}
	}
	if copies, _ := SafetyCopies(backups, path); len(copies) != KeepSafetyCopies {
		t.Errorf("%d safety copies, want %d", len(copies), KeepSafetyCopies)
	}
}

// Two backups in the same instant (a pinned clock) are two files.
func TestBackupNamesNeverCollide(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	db, err := Create(filepath.Join(t.TempDir(), "t.db"), pass, Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	var files []string
	for range 3 {
		f, err := db.Backup(dir)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	list, _ := Backups(dir)
	if !slices.Equal(list, files) {
		t.Errorf("backups %v, want %v in this order", list, files)
	}
}

// flip returns a copy of file with one bit flipped at byte i.
func flip(t *testing.T, raw []byte, i int, bit uint, dir string) string {
	t.Helper()
	b := bytes.Clone(raw)
	b[i] ^= 1 << bit
	f := filepath.Join(dir, "flip-"+strconv.Itoa(i)+".db")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// One flipped bit anywhere in a backup is refused: no crash, the database
// unchanged.
func TestRestoreRefusesEveryFlippedBit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	db, p := createWithPatient(t, path, Options{Now: newClock().now})
	addNote(t, db, p.ID, "Plaie")
	good, err := db.Backup(filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	raw, _ := os.ReadFile(good)
	flips := filepath.Join(dir, "flips")
	os.Mkdir(flips, 0o700)
	// Every byte in the long runs; by default every thirteenth.
	refused, step := 0, 13
	if longTests() {
		step = 1
	}
	for i := 0; i < len(raw); i += step {
		f := flip(t, raw, i, uint(i%8), flips)
		err := Restore(path, f, pass, filepath.Join(dir, "b"))
		if !errors.Is(err, ErrBackupDamaged) {
			t.Fatalf("byte %d flipped: restore %v, want ErrBackupDamaged", i, err)
		}
		refused++
		os.Remove(f)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused restore changed the database")
	}
	t.Logf("%d flipped backups refused", refused)
}

// A backup without checksum (an older release's, or one cut to its bbolt
// pages) with a flipped bit never crashes Verify or Restore: it is refused,
// or (a bit bbolt never reads) restored whole.
func TestVerifyOfBareBackupNeverCrashes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	db, p := createWithPatient(t, path, Options{Now: newClock().now})
	for i := range 10 {
		addNote(t, db, p.ID, "Note "+strconv.Itoa(i))
	}
	good, err := db.Backup(filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	raw, _ := os.ReadFile(good)
	raw = raw[:len(raw)-trailerSize]
	flips := filepath.Join(dir, "flips")
	os.Mkdir(flips, 0o700)
	// Every byte of every page header and first element (where bbolt finds
	// its offsets), and a fixed sample of the rest: a flip that passes the
	// structure costs a key derivation.
	// By default the first four pages' (meta, freelist, root), the long
	// runs every page's.
	var positions []int
	pages := len(raw)
	if !longTests() {
		pages = min(pages, 4*4096)
	}
	for pg := 0; pg+4096 <= pages; pg += 4096 {
		for i := range boltPageHeader + boltElement {
			positions = append(positions, pg+i)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		positions = append(positions, r.IntN(len(raw)))
	}
	refused, passed := 0, 0
	for _, i := range positions {
		f := flip(t, raw, i, uint(i*5%8), flips)
		// Verify alone: a restore of a flip that passes would replace the
		// database, and each pass costs a key derivation.
		switch err := Verify(f, pass); {
		case err == nil:
			passed++
		case errors.Is(err, ErrCorrupt), errors.Is(err, ErrWrongPassphrase), errors.Is(err, ErrTooNew):
			refused++
		default:
			t.Errorf("byte %d flipped: %v", i, err)
		}
		os.Remove(f)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("verifying changed the database")
	}
	t.Logf("bare backup of %d bytes: %d flips refused, %d passed (free pages or plain values: without a checksum nothing tells them)", len(raw), refused, passed)
}

// A full disk on the day's first opening: the database opens, readable, a
// warning says why, and no partial file is left.
func TestOpenWithFullDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "tournee.db"), filepath.Join(dir, "sauvegardes")
	db, p := createWithPatient(t, path, Options{})
	db.Close()
	full := faults{backupWriter: func(w io.Writer) io.Writer { return &fullWriter{w: w, room: 8192} }}
	var warns []*OpenWarning
	db, err := openDB(path, pass, Options{BackupDir: backups}, full, func(w *OpenWarning) { warns = append(warns, w) })
	if err != nil {
		t.Fatalf("open with a full disk: %v", err)
	}
	if len(warns) != 1 || !errors.Is(warns[0], ErrDiskFull) || warns[0].ReadOnly || !strings.Contains(warns[0].French(), "disque plein") {
		t.Errorf("warnings %v, want one disk-full warning", warns)
	}
	if got, err := db.Patient(ctx, p.ID); err != nil || got.ID != p.ID {
		t.Errorf("reading with a full disk: %v", err)
	}
	db.Close()
	if entries, _ := os.ReadDir(backups); len(entries) != 0 {
		t.Errorf("a failed backup left %d files", len(entries))
	}
	// The day's backup is taken at the next opening that has room.
	db, err = Open(path, pass, Options{BackupDir: backups})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if list, _ := Backups(backups); len(list) != 1 {
		t.Errorf("%d backups after room came back, want 1", len(list))
	}
}

// When the file cannot even be opened for writing, it opens read-only and
// every write fails cleanly, changing nothing.
func TestOpenReadOnlyWhenDiskFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tournee.db")
	db, p := createWithPatient(t, path, Options{})
	db.Close()
	before, _ := os.ReadFile(path)
	var warns []*OpenWarning
	db, err := openDB(path, pass, Options{BackupDir: filepath.Join(dir, "b")}, faults{openWrite: syscall.ENOSPC},
		func(w *OpenWarning) { warns = append(warns, w) })
	if err != nil {
		t.Fatalf("open with a full disk: %v", err)
	}
	defer db.Close()
	if len(warns) != 1 || !warns[0].ReadOnly || !db.ReadOnly() {
		t.Fatalf("warnings %v, read-only %v: want read-only", warns, db.ReadOnly())
	}
	if got, err := db.Patient(ctx, p.ID); err != nil || got.ID != p.ID {
		t.Errorf("reading read-only: %v", err)
	}
	q := samplePatient()
	if err := db.SavePatient(ctx, &q); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write on a read-only database: %v, want ErrReadOnly", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused write changed the file")
	}
}

// fullWriter is a disk with room bytes left.
type fullWriter struct {
	w    io.Writer
	room int
}

func (f *fullWriter) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.w.Write(p[:f.room])
		f.room = 0
		return n, &os.PathError{Op: "write", Path: "sauvegarde", Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.w.Write(p)
}

// The temporary files of killed backups and restores go at the next start
// and the next backup; nobody else's files do.
func TestKilledBackupTempsAreCleaned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "tournee.db"), filepath.Join(dir, "sauvegardes")
	db, _ := createWithPatient(t, path, Options{})
	db.Close()
	os.Mkdir(backups, 0o700)
	stale := []string{
		filepath.Join(dir, ".tmp-tournee.db-123"),
		filepath.Join(backups, ".tmp-tournee-20261123-070000.000.db-456"),
		filepath.Join(backups, ".tmp-avant-restauration-tournee-789"),
	}
	kept := []string{filepath.Join(dir, "notes.txt"), filepath.Join(backups, ".tmp-autre.db-1")}
	for _, f := range append(slices.Clone(stale), kept...) {
		os.WriteFile(f, []byte("x"), 0o600)
	}
	db, err := Open(path, pass, Options{BackupDir: backups})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range stale {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s survived the next start", filepath.Base(f))
		}
	}
	for _, f := range kept {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed", filepath.Base(f))
		}
	}
	os.WriteFile(stale[1], []byte("x"), 0o600)
	if _, err := db.Backup(backups); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale[1]); err == nil {
		t.Error("a stale temporary file survived the next backup")
	}
	db.Close()
}
