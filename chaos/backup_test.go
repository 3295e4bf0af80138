package chaos

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
)

// backupDir is the laptop's backup folder (beside the database).
func (l *laptop) backupDir() string { return filepath.Join(l.dir, "sauvegardes") }

// backup runs « tournee backup » and returns the file it wrote (the
// laptops' pinned clocks give every process the same minute: names do not
// tell which backup is the newest).
func (l *laptop) backup() string {
	l.t.Helper()
	out := l.must("backup")
	_, file, ok := strings.Cut(strings.TrimSpace(out), "Sauvegarde écrite : ")
	if !ok {
		l.t.Fatalf("%s: backup printed %q", l.name, out)
	}
	return file
}

// keptFiles are the backups and safety copies of the laptop.
func (l *laptop) keptFiles() []string {
	l.t.Helper()
	files, err := storage.Backups(l.backupDir())
	if err != nil {
		l.t.Fatal(err)
	}
	copies, err := storage.SafetyCopies(l.backupDir(), l.db)
	if err != nil {
		l.t.Fatal(err)
	}
	return append(files, copies...)
}

// fileRecord reads the transmissions of a database or backup file, read-only.
func (l *laptop) fileRecord(file string) map[xid.ID]patients.Transmission {
	l.t.Helper()
	db, err := storage.Open(file, []byte(l.pass), storage.Options{ReadOnly: true})
	if err != nil {
		l.t.Fatalf("%s: open %s: %v", l.name, filepath.Base(file), err)
	}
	defer db.Close()
	ctx := context.Background()
	out := map[xid.ID]patients.Transmission{}
	ps, err := db.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	if err != nil {
		l.t.Fatal(err)
	}
	for _, p := range ps {
		ts, err := db.Transmissions(ctx, p.ID, 0)
		if err != nil {
			l.t.Fatal(err)
		}
		for _, tr := range ts {
			out[tr.ID] = tr
		}
	}
	return out
}

// keptEverywhere fails unless every transmission of want is in the
// database or in a kept file (backup or safety copy), unchanged.
func (l *laptop) keptEverywhere(want map[xid.ID]patients.Transmission) {
	l.t.Helper()
	got := l.snapshot().transmissions
	for _, f := range l.keptFiles() {
		for id, tr := range l.fileRecord(f) {
			got[id] = tr
		}
	}
	holds(l.t, l.name+" (base and kept files)", record{transmissions: got}, record{transmissions: want})
}

// leftTemps lists the temporary files of backups and restores.
func (l *laptop) leftTemps() []string {
	var out []string
	for _, dir := range []string{l.dir, l.backupDir()} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

// sameIDs tells whether two sets of transmissions have the same ids.
func sameIDs(a, b map[xid.ID]patients.Transmission) bool {
	if len(a) != len(b) {
		return false
	}
	for id := range a {
		if _, ok := b[id]; !ok {
			return false
		}
	}
	return true
}

// The steps on the binary: a laptop that has synced backs up and
// restores, twice in a row, and keeps every transmission.
func TestBackupRestoreSyncedLaptop(t *testing.T) {
	t.Parallel()
	c := newCabinet(t) // the first laptop has made the cabinet key and synced
	l, stick, pid := c.laptops[0], c.stick, c.patient
	l.addTransmission(pid, 1)
	backup := l.backup()

	written := l.snapshot().transmissions
	for i := 2; i <= 3; i++ {
		l.addTransmission(pid, i) // after the backup: only a safety copy keeps it
		for id, tr := range l.snapshot().transmissions {
			written[id] = tr
		}
		if r := l.run("restore", backup); r.code != 0 {
			t.Fatalf("restore %d of a synced laptop's backup: %s", i-1, r)
		}
	}
	if copies, _ := storage.SafetyCopies(l.backupDir(), l.db); len(copies) != 2 {
		t.Errorf("%d safety copies after two restores, want 2", len(copies))
	}
	l.keptEverywhere(written)
	if r := l.run("sync", stick); r.code != 0 && !strings.Contains(r.stderr, "plus ancienne") {
		t.Errorf("sync after a restore: %s", r) // refused in French at worst, never a crash
	}
}

// SIGKILL at random points of backup and restore: afterwards the database
// opens and passes bbolt's check, it holds the old state or the restored
// one, the next start leaves no temporary file, and every transmission
// written is in the database or, when a restore replaced it, in the safety
// copy that restore kept (the newest KeepSafetyCopies stay: an older one is
// pruned by design, so the check is made at each command).
func TestBackupRestoreKilled(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL: Unix only")
	}
	t.Parallel()
	r := rng(t)
	l := newLaptop(t, "a")
	l.demoCopy()
	pid := l.firstPatient()
	// The backup restored is kept out of the backups folder, as on a USB
	// stick: the folder keeps only the newest KeepBackups, and the long
	// runs take more backups than that (the pinned clock even names them
	// out of order), so the first one is pruned by design.
	backup := filepath.Join(l.dir, "sauvegarde-sur-cle.db")
	// How long each command takes here: the kills are spread over it.
	start := time.Now()
	first := l.backup()
	tookBackup := time.Since(start)
	copyTo(t, first, backup)
	restored := l.fileRecord(backup)
	start = time.Now()
	l.must("restore", backup)
	span := max(tookBackup, time.Since(start)) * 3 / 2

	written := 0
	n, kills, tempsLeft := runs(1, 50), 0, 0
	for i := range n {
		for _, cmd := range [][]string{{"backup"}, {"restore", backup}} {
			l.addTransmission(pid, 100*i+len(cmd))
			before := l.snapshot().transmissions
			written++
			copies, _ := storage.SafetyCopies(l.backupDir(), l.db)
			res := l.killedAfter(time.Duration(r.Int64N(int64(span))), cmd...)
			if res.killed {
				kills++
			} else if res.code != 0 {
				t.Fatalf("%v failed without being killed: %s", cmd, res)
			}
			if err := storage.Verify(l.db, []byte(l.pass)); err != nil {
				t.Fatalf("after %v (killed %v): the database fails its check: %v", cmd, res.killed, err)
			}
			if len(l.leftTemps()) > 0 {
				tempsLeft++
			}
			l.must("patients", "list") // the next start
			if left := l.leftTemps(); len(left) > 0 {
				t.Errorf("after %v: temporary files survive the next start: %v", cmd, left)
			}
			now := l.snapshot().transmissions
			switch {
			case sameIDs(now, before):
			case cmd[0] == "restore" && sameIDs(now, restored):
				// What the restore replaced is in the safety copy it took.
				kept := record{transmissions: map[xid.ID]patients.Transmission{}}
				after, _ := storage.SafetyCopies(l.backupDir(), l.db)
				for _, f := range after {
					if !slices.Contains(copies, f) {
						maps.Copy(kept.transmissions, l.fileRecord(f))
					}
				}
				holds(t, "the safety copy of a restore", kept, record{transmissions: before})
			default:
				t.Fatalf("after %v (killed %v): %d transmissions, neither the old state (%d) nor the backup's (%d)",
					cmd, res.killed, len(now), len(before), len(restored))
			}
		}
	}
	t.Logf("%d rounds × (backup, restore), %d kills survived (%d left temporary files, removed by the next start), %d transmissions written, each kept",
		n, kills, tempsLeft, written)
}

// A backup with one flipped bit, at byte positions sampled over the whole
// file (two by default, 1,024 in the long runs), is refused by restore in French, without a crash, the database
// unchanged.
func TestBackupFlippedRefused(t *testing.T) {
	t.Parallel()
	r := rng(t)
	l := newLaptop(t, "a")
	l.demoCopy()
	raw, err := os.ReadFile(l.backup())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(l.db)
	n := runs(2, 1024)
	stride := max(len(raw)/n, 1)
	bad := filepath.Join(l.dir, "un-bit.db")
	refused := 0
	for pos := r.IntN(stride); pos < len(raw); pos += stride {
		b := bytes.Clone(raw)
		b[pos] ^= 1 << r.IntN(8)
		if err := os.WriteFile(bad, b, 0o600); err != nil {
			t.Fatal(err)
		}
		res := l.run("restore", bad)
		if res.code != 1 || !strings.Contains(res.stderr, "la sauvegarde est endommagée") {
			t.Fatalf("byte %d flipped: %s", pos, res)
		}
		if strings.Contains(res.stderr, "goroutine") || strings.Contains(res.stderr, "SIGBUS") {
			t.Fatalf("byte %d flipped: crash: %s", pos, res.stderr)
		}
		refused++
	}
	if after, _ := os.ReadFile(l.db); !bytes.Equal(before, after) {
		t.Error("a refused restore changed the database")
	}
	t.Logf("backup of %d bytes: %d one-bit flips refused", len(raw), refused)
}
