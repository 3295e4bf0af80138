package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// noLinks is a file system without hard links (a FAT USB key): publishing
// a new file must take the fallback.
var noLinks = Options{link: func(_, _ string) error { return &os.LinkError{Op: "link", Err: syscall.EPERM} }}

// writers are the ways of publishing a new file the tests go through.
var newWriters = []struct {
	name string
	o    Options
}{{"link", Options{}}, {"no hard links", noLinks}}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// failAfter writes part of the content, then fails: a full disk, a stick
// pulled out.
func failAfter(part string) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, part); err != nil {
			return err
		}
		return errors.New("disk gone")
	}
}

func TestReplaceFailingWriterLeavesTargetAndNoTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "routes")
	if err := Replace(path, Bytes([]byte("old network"))); err != nil {
		t.Fatal(err)
	}
	if err := Replace(path, failAfter("half of the new")); err == nil || err.Error() != "disk gone" {
		t.Fatalf("Replace with a failing writer: %v, want its error", err)
	}
	if got := readFile(t, path); got != "old network" {
		t.Errorf("target after a failed replace = %q, want the old content", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"routes"}) {
		t.Errorf("folder after a failed replace = %q, want only the target", got)
	}
}

func TestFailingWriterOnNewTargetLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, w := range newWriters {
		dir := t.TempDir()
		if err := w.o.WriteNew(filepath.Join(dir, "a.pdf"), failAfter("%PDF-1.7 half")); err == nil {
			t.Errorf("%s: WriteNew with a failing writer succeeded", w.name)
		}
		if _, err := w.o.WriteFirstFree(dir, Numbered("b", ".pdf", 3), failAfter("x")); err == nil {
			t.Errorf("%s: WriteFirstFree with a failing writer succeeded", w.name)
		}
		if err := w.o.Replace(filepath.Join(dir, "c"), failAfter("x")); err == nil {
			t.Errorf("%s: Replace with a failing writer succeeded", w.name)
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("%s: folder after failed writes = %q, want empty", w.name, got)
		}
	}
}

func TestPanickingWriterLeavesNoTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	func() {
		defer func() { _ = recover() }()
		_ = WriteNew(filepath.Join(dir, "x"), func(io.Writer) error { panic("bug") })
	}()
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("folder after a panicking writer = %q, want empty", got)
	}
}

func TestReplaceReplacesWhole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "base.db")
	if err := os.WriteFile(path, []byte("a longer old content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Replace(path, Bytes([]byte("new"))); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "new" {
		t.Errorf("after Replace = %q, want %q", got, "new")
	}
}

func TestWriteNewRefusesExistingAndNeverTruncates(t *testing.T) {
	t.Parallel()
	for _, w := range newWriters {
		dir := t.TempDir()
		path := filepath.Join(dir, "cle-cabinet.txt")
		if err := os.WriteFile(path, []byte("the only copy of the key"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := w.o.WriteNew(path, Bytes([]byte("other")))
		if !errors.Is(err, fs.ErrExist) {
			t.Errorf("%s: WriteNew over an existing file: %v, want fs.ErrExist", w.name, err)
		} else if want := path + ": file already exists"; err.Error() != want {
			t.Errorf("%s: error text %q, want %q", w.name, err, want)
		}
		if got := readFile(t, path); got != "the only copy of the key" {
			t.Errorf("%s: existing file became %q", w.name, got)
		}
		if got := names(t, dir); !slices.Equal(got, []string{"cle-cabinet.txt"}) {
			t.Errorf("%s: folder = %q, want only the existing file", w.name, got)
		}
	}
}

func TestWriteNewRefusesADanglingSymlink(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need a privilege on Windows")
	}
	for _, w := range newWriters {
		dir := t.TempDir()
		path := filepath.Join(dir, "export.csv")
		elsewhere := filepath.Join(dir, "elsewhere")
		if err := os.Symlink(elsewhere, path); err != nil {
			t.Fatal(err)
		}
		if err := w.o.WriteNew(path, Bytes([]byte("x"))); !errors.Is(err, fs.ErrExist) {
			t.Errorf("%s: WriteNew onto a symbolic link: %v, want fs.ErrExist", w.name, err)
		}
		if _, err := os.Lstat(elsewhere); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: the link's target was created (%v)", w.name, err)
		}
	}
}

func TestConcurrentWriteNewHasOneWinner(t *testing.T) {
	t.Parallel()
	// A check-then-rename loses only when two writers interleave: many
	// short rounds give every interleaving its chance.
	const rounds = 30
	for _, w := range newWriters {
		for round := range rounds {
			if !raceForOneName(t, w.o, fmt.Sprintf("%s, round %d", w.name, round)) {
				return
			}
		}
	}
}

// raceForOneName has 8 writers publish the same new name at once and
// checks that one won, whole, and the others got fs.ErrExist.
func raceForOneName(t *testing.T, o Options, what string) bool {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "preuve.pdf")
	const writers = 8
	content := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 4<<10) }
	errs := make([]error, writers)
	var wg, written sync.WaitGroup
	written.Add(writers)
	for i := range writers {
		wg.Go(func() {
			errs[i] = o.WriteNew(path, func(f io.Writer) error {
				// Every writer has its content ready before any
				// publishes: they all race for the name.
				err := Bytes(content(i))(f)
				written.Done()
				written.Wait()
				return err
			})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("%s: writers %d and %d both succeeded", what, winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("%s: writer %d: %v, want fs.ErrExist", what, i, err)
		}
	}
	if winner < 0 {
		t.Errorf("%s: no writer succeeded: %v", what, errs)
		return false
	}
	if got := readFile(t, path); got != string(content(winner)) {
		t.Errorf("%s: the file holds %d bytes, not the winner's whole content", what, len(got))
	}
	if got := names(t, dir); !slices.Equal(got, []string{"preuve.pdf"}) {
		t.Errorf("%s: folder = %q, want only the file (no temporary left)", what, got)
	}
	return !t.Failed()
}

func TestWriteFirstFreePicksNextNumber(t *testing.T) {
	t.Parallel()
	for _, w := range newWriters {
		dir := t.TempDir()
		var got []string
		for i := range 3 {
			path, err := w.o.WriteFirstFree(dir, Numbered("releve", ".pdf", 3), Bytes([]byte{byte('1' + i)}))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, filepath.Base(path))
		}
		if want := []string{"releve.pdf", "releve-2.pdf", "releve-3.pdf"}; !slices.Equal(got, want) {
			t.Errorf("%s: names %q, want %q", w.name, got, want)
		}
		for i, name := range got {
			if c := readFile(t, filepath.Join(dir, name)); c != string(rune('1'+i)) {
				t.Errorf("%s: %s holds %q: an earlier file was overwritten", w.name, name, c)
			}
		}
		if _, err := w.o.WriteFirstFree(dir, Numbered("releve", ".pdf", 3), Bytes([]byte("4"))); !errors.Is(err, fs.ErrExist) {
			t.Errorf("%s: no free name left: %v, want fs.ErrExist", w.name, err)
		}
		if n := len(names(t, dir)); n != 3 {
			t.Errorf("%s: %d files in the folder, want 3", w.name, n)
		}
	}
}

func TestConcurrentWriteFirstFreeGivesDistinctNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const writers = 8
	paths := make([]string, writers)
	var wg, written sync.WaitGroup
	written.Add(writers)
	for i := range writers {
		wg.Go(func() {
			p, err := WriteFirstFree(dir, Numbered("sauvegarde", ".db", writers), func(f io.Writer) error {
				written.Done()
				written.Wait()
				return Bytes([]byte(fmt.Sprint(i)))(f)
			})
			if err != nil {
				t.Error(err)
			}
			paths[i] = p
		})
	}
	wg.Wait()
	for i, p := range paths {
		if got := readFile(t, p); got != fmt.Sprint(i) {
			t.Errorf("writer %d's file %s holds %q", i, filepath.Base(p), got)
		}
	}
	if n := len(names(t, dir)); n != writers {
		t.Errorf("%d files, want %d", n, writers)
	}
}

func TestModes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permissions")
	}
	dir := t.TempDir()
	cases := []struct {
		name  string
		write func(path string) error
		want  fs.FileMode
	}{
		{"replace", func(p string) error { return Replace(p, Bytes(nil)) }, 0o600},
		{"new", func(p string) error { return WriteNew(p, Bytes(nil)) }, 0o600},
		{"new without links", func(p string) error { return noLinks.WriteNew(p, Bytes(nil)) }, 0o600},
		{"given mode", func(p string) error { return Options{Mode: 0o644}.Replace(p, Bytes(nil)) }, 0o644},
		{"given mode without links", func(p string) error {
			o := noLinks
			o.Mode = 0o640
			return o.WriteNew(p, Bytes(nil))
		}, 0o640},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := c.write(path); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != c.want {
			t.Errorf("%s: mode %v, want %v", c.name, got, c.want)
		}
	}
}

func TestTempPattern(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var seen []string
	o := Options{Temp: ".tmp-*-000001.bundle"}
	err := o.Replace(filepath.Join(dir, "000001.bundle"), func(io.Writer) error {
		seen = names(t, dir)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !matches(seen[0], ".tmp-", "-000001.bundle") {
		t.Errorf("while writing the folder held %q, want one .tmp-…-000001.bundle", seen)
	}
}

func matches(name, prefix, suffix string) bool {
	return len(name) > len(prefix)+len(suffix) && name[:len(prefix)] == prefix && name[len(name)-len(suffix):] == suffix
}

func TestWriteIntoMissingFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "absent")
	if err := WriteNew(filepath.Join(dir, "x"), Bytes(nil)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteNew into a missing folder: %v, want fs.ErrNotExist", err)
	}
	if err := SyncDir(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SyncDir of a missing folder: %v, want fs.ErrNotExist", err)
	}
}

func TestPublishNew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tmp, path := filepath.Join(dir, ".building"), filepath.Join(dir, "base.db")
	for _, p := range []string{tmp, path} {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := PublishNew(tmp, path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("PublishNew over an existing file: %v, want fs.ErrExist", err)
	}
	if readFile(t, path) != path || readFile(t, tmp) != tmp {
		t.Error("a refused PublishNew changed a file")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := PublishNew(tmp, path); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"base.db"}) || readFile(t, path) != tmp {
		t.Errorf("after PublishNew the folder holds %q", got)
	}
}

func TestCleanTemps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name: old
		".routes-123.tmp": true, ".routes-456.tmp": false, "routes.db": true, ".routes-.tmpx": true, ".tournee-1.tmp": true,
	}
	for name, isOld := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if isOld {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".routes-dir.tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	CleanTemps(dir, ".routes-*.tmp", time.Hour)
	want := []string{".routes-.tmpx", ".routes-456.tmp", ".routes-dir.tmp", ".tournee-1.tmp", "routes.db"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after cleaning temps of an hour: %q, want %q", got, want)
	}
	CleanTemps(dir, ".routes-*.tmp", 0)
	want = slices.DeleteFunc(want, func(s string) bool { return s == ".routes-456.tmp" })
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after cleaning every temp: %q, want %q", got, want)
	}
}

func TestDefaultTempsOfKilledWritesRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale, fresh := filepath.Join(dir, ".tournee-1.tmp"), filepath.Join(dir, ".tournee-2.tmp")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * StaleAfter)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(filepath.Join(dir, "releve.pdf"), Bytes([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	if got, want := names(t, dir), []string{".tournee-2.tmp", "releve.pdf"}; !slices.Equal(got, want) {
		t.Errorf("after a write the folder holds %q, want %q (the stale temporary removed, a fresh one kept)", got, want)
	}
}
