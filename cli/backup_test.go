package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/storage"
)

// The steps: cabinet init → sync → backup → restore. The backup of a
// laptop that has synced restores; two restores keep two safety copies; a
// backup with one flipped bit is refused in French, the database unchanged.
func TestBackupRestoreOfSyncedLaptop(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	dir, stick := t.TempDir(), t.TempDir()
	if r := run(t, env, "cabinet", "init", "--db", path, "--key-out", filepath.Join(dir, "cle.txt")); r.code != 0 {
		t.Fatalf("cabinet init: %s", r.stderr)
	}
	if r := run(t, env, "sync", stick, "--db", path); r.code != 0 {
		t.Fatalf("sync: %s", r.stderr)
	}
	backups := filepath.Join(dir, "b")
	if r := run(t, env, "backup", "--db", path, backups); r.code != 0 {
		t.Fatalf("backup: %s", r.stderr)
	}
	files, _ := storage.Backups(backups)
	if len(files) != 1 {
		t.Fatalf("%d backups", len(files))
	}
	for i := range 2 {
		r := run(t, env, "restore", "--db", path, files[0])
		if r.code != 0 {
			t.Fatalf("restore %d of a synced laptop's backup: %s", i+1, r.stderr)
		}
		if !strings.Contains(r.stdout, "L'ancienne base est gardée dans") {
			t.Errorf("restore %d does not name its safety copy: %q", i+1, r.stdout)
		}
	}
	if copies, _ := storage.SafetyCopies(filepath.Join(filepath.Dir(path), "sauvegardes"), path); len(copies) != 2 {
		t.Errorf("%d safety copies after two restores, want 2", len(copies))
	}

	before, _ := os.ReadFile(path)
	raw, _ := os.ReadFile(files[0])
	raw[len(raw)/2] ^= 0x10
	bad := filepath.Join(dir, "un-bit.db")
	os.WriteFile(bad, raw, 0o600)
	r := run(t, env, "restore", "--db", path, bad)
	if r.code != 1 || !strings.Contains(r.stderr, "la sauvegarde est endommagée") || !strings.Contains(r.stderr, "checksum") {
		t.Errorf("restore of a flipped bit: %d %q", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a refused restore changed the database")
	}
}

// Every error of a full disk or a read-only database reads as French.
func TestBackupDiskFullMessages(t *testing.T) {
	t.Parallel()
	for _, err := range []error{storage.ErrDiskFull, storage.ErrReadOnly} {
		if m := message(err); !strings.Contains(m, "disque est plein") && !strings.HasPrefix(m, "disque plein") {
			t.Errorf("message(%v) = %q", err, m)
		}
	}
}
