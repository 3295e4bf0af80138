package roads

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// A re-import replaces the file whole and leaves no temporary file; a
// truncated or altered file is refused, never half read.
func TestRoutesFile(t *testing.T) {
	t.Parallel()
	var a, b synth
	a.way(residential(), 0, 0, 10, 0)
	b.way(residential(), 0, 0, 10, 0, 10, 10)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db.routes")
	// What a killed import left yesterday goes; what a running one writes
	// now stays.
	stale, fresh := filepath.Join(dir, ".routes-1.tmp"), filepath.Join(dir, ".routes-2.tmp")
	os.WriteFile(stale, []byte("x"), 0o600)
	os.WriteFile(fresh, []byte("x"), 0o600)
	yesterday := time.Now().Add(-24 * time.Hour)
	os.Chtimes(stale, yesterday, yesterday)
	var last *Network
	for _, s := range []*synth{&a, &b} {
		last = s.network(t)
		if err := last.WriteFile(path); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// b's street turns at (10, 0): one edge each way, the bend as shape.
	if got.Bound != last.Bound || got.Edges() != 2 || len(got.shapeLat) != 2 {
		t.Errorf("after the second import: bound %v, %d edges, %d shape points; want b's %v, 2, 2",
			got.Bound, got.Edges(), len(got.shapeLat), last.Bound)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a running import's temporary file was removed: %v", err)
	}
	os.Remove(fresh)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want the routes file alone", len(entries))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	whole, _ := os.ReadFile(path)
	for _, bad := range [][]byte{
		whole[:len(whole)-1],
		whole[:len(whole)/2],
		append(append([]byte{}, whole...), 0),
		func() []byte { c := append([]byte{}, whole...); c[len(c)/2] ^= 1; return c }(),
		[]byte("not a routes file at all, but long enough to hold a checksum"),
	} {
		os.WriteFile(path, bad, 0o600)
		if _, err := ReadFile(path); !errors.Is(err, ErrDamaged) {
			t.Errorf("damaged file of %d bytes: %v, want ErrDamaged", len(bad), err)
		}
	}
}

// A routes file with a valid checksum but made-up content (written by
// something else, or a bug) is refused or loaded, never a panic.
func FuzzDecode(f *testing.F) {
	var s synth
	s.way(residential("name", "Rue"), 0, 0, 10, 0, 10, 10)
	s.way(residential("oneway", "yes"), 10, 0, 20, 0)
	s.restrict("no_left_turn", 1, 10, 0, 2)
	var buf bytes.Buffer
	if err := s.network(f).encode(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes()[len(magic):])
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := decode(bytes.NewReader(b))
		if err == nil && n.Nodes() > 0 {
			n.Matrix([]orb.Point{n.point(0), n.point(uint32(n.Nodes() - 1))}, Time, Rural)
		}
	})
}
