package chaos

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// cabinet is laptops of one cabinet and the folder they meet in.
type cabinet struct {
	t       *testing.T
	laptops []*laptop
	stick   string
	patient xid.ID
	n       int // transmissions written so far
}

// newCabinet makes three laptops through the CLI: the first is the demo
// cabinet and creates the key (into a folder that does not exist yet), the
// others are set up with « init » and join; one sync round shares the demo.
func newCabinet(t *testing.T) *cabinet {
	t.Helper()
	a, b, c := newLaptop(t, "a"), newLaptop(t, "b"), newLaptop(t, "c")
	a.demo()
	key := filepath.Join(a.dir, "pour-les-autres", "cle.txt")
	a.must("cabinet", "init", "--key-out", key)
	for _, l := range []*laptop{b, c} {
		l.must("init", "--cabinet", "Cabinet des Dunes", "--nurse", "Infirmière "+strings.ToUpper(l.name), "--rpps", "10001234565")
		l.must("cabinet", "join", key)
	}
	stick := filepath.Join(t.TempDir(), "cle-usb")
	if err := os.Mkdir(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	cab := &cabinet{t: t, laptops: []*laptop{a, b, c}, stick: stick, patient: a.firstPatient()}
	cab.round()
	return cab
}

// round syncs every laptop twice, in order: afterwards each has all.
func (c *cabinet) round() {
	c.t.Helper()
	for range 2 {
		for _, l := range c.laptops {
			l.must("sync", c.stick)
		}
	}
}

func (c *cabinet) write(l *laptop) {
	c.t.Helper()
	c.n++
	l.addTransmission(c.patient, c.n)
}

// check fails unless every laptop holds every transmission and outcome any
// of them holds, exactly once (snapshot fails on a duplicate).
func (c *cabinet) check(written int) {
	c.t.Helper()
	snaps := make([]record, len(c.laptops))
	union := record{transmissions: map[xid.ID]patients.Transmission{}, outcomes: map[xid.ID]patients.Visit{}}
	for i, l := range c.laptops {
		snaps[i] = l.snapshot()
		for id, tr := range snaps[i].transmissions {
			union.transmissions[id] = tr
		}
		for id, v := range snaps[i].outcomes {
			union.outcomes[id] = v
		}
	}
	chaos := 0
	for _, tr := range union.transmissions {
		if strings.HasPrefix(tr.Cible, "Chaos ") {
			chaos++
		}
	}
	if chaos != written {
		c.t.Errorf("%d transmissions written, %d found", written, chaos)
	}
	for i, l := range c.laptops {
		holds(c.t, l.name, snaps[i], union)
	}
}

// A database copied to a fourth computer: both copies write, both sync;
// the copy that finds the other's bundles forks, and every transmission is
// everywhere once. Then conflict copies made by hand, junk and a deleted
// folder, each merged, reported or repaired.
func TestSyncForkCopiesJunk(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	c := newCabinet(t)
	a := c.laptops[0]
	d := newLaptop(t, "d")
	d.pass = a.pass
	copyTo(t, a.db, d.db)
	c.laptops = append(c.laptops, d)
	c.write(a)
	c.write(d)
	c.write(d)
	c.write(c.laptops[1])
	a.must("sync", c.stick)
	out := d.must("sync", c.stick)
	if !strings.Contains(out, "nouvelle identité") || strings.Contains(out, "Envoyé : 0 modification") {
		t.Errorf("the copy's sync does not say it forked:\n%s", out)
	}
	c.round()
	c.check(c.n)
	forks := strings.Count(out, "Une copie de cette base")

	// Conflict copies made by hand (Syncthing, Nextcloud) of b's bundles.
	bdir := c.ownFolder(c.laptops[1])
	entries, _ := os.ReadDir(bdir)
	var made []string
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), ".bundle"); ok && len(made) < 2 {
			name := base + ".sync-conflict-20261205-123456-ABCDEF.bundle"
			if len(made) == 1 {
				name = base + " (conflicted copy 2026-12-05 123456).bundle"
			}
			copyTo(t, filepath.Join(bdir, e.Name()), filepath.Join(bdir, name))
			made = append(made, name)
		}
	}
	if err := os.WriteFile(filepath.Join(c.stick, "tournee-sync", "LISEZ-MOI.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.write(c.laptops[2])
	out = c.laptops[2].must("sync", c.stick)
	if !strings.Contains(out, "LISEZ-MOI.txt") {
		t.Errorf("the unexpected file is not listed:\n%s", out)
	}
	c.round()
	c.check(c.n)

	// Junk named like a bundle in a's own folder, then b's folder deleted.
	refused := 0
	for _, l := range c.laptops {
		dir := c.ownFolder(l)
		if l == a {
			if err := os.WriteFile(filepath.Join(dir, "000000099999-000000100020.bundle"), []byte("parasite"), 0o600); err != nil {
				t.Fatal(err)
			}
			c.write(l)
			out := l.must("sync", "repair", c.stick)
			if !strings.Contains(out, "mis de côté") {
				t.Errorf("repair does not say it set the junk aside:\n%s", out)
			}
			refused++
		}
		if l == c.laptops[1] {
			os.RemoveAll(dir)
			c.write(l)
			if out := l.must("sync", c.stick); !strings.Contains(out, "réécrit en entier") {
				t.Errorf("the deleted folder is not said rewritten:\n%s", out)
			}
		}
	}
	c.round()
	c.check(c.n)
	t.Logf("forks merged %d, conflict copies %d, files set aside %d, transmissions %d", forks, len(made), refused, c.n)
}

// SIGKILL during sync at random points: afterwards, every transmission
// written anywhere is present exactly once on every laptop.
func TestSyncKilled(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("end to end, SIGKILL")
	}
	r := rng(t)
	c := newCabinet(t)
	kills, n := 0, runs(2, 40)
	for range n {
		l := c.laptops[r.IntN(len(c.laptops))]
		c.write(l)
		res := l.killedAfter(time.Duration(r.IntN(1500))*time.Millisecond, "sync", c.stick)
		if res.killed {
			kills++
		} else if res.code != 0 {
			t.Fatalf("%s: sync failed unkilled: %s", l.name, res)
		}
	}
	c.round()
	c.check(c.n)
	t.Logf("%d syncs, %d killed, %d transmissions", n, kills, c.n)
}

// ownFolder is the laptop's folder in the stick: the one its sync writes
// a new bundle to.
func (c *cabinet) ownFolder(l *laptop) string {
	c.t.Helper()
	c.write(l)
	l.must("sync", c.stick)
	root := filepath.Join(c.stick, "tournee-sync")
	dirs, _ := os.ReadDir(root)
	var best string
	var at time.Time
	for _, d := range dirs {
		files, _ := os.ReadDir(filepath.Join(root, d.Name()))
		for _, f := range files {
			if fi, err := f.Info(); err == nil && d.IsDir() && fi.ModTime().After(at) {
				best, at = filepath.Join(root, d.Name()), fi.ModTime()
			}
		}
	}
	if best == "" {
		c.t.Fatalf("%s: no folder of its own", l.name)
	}
	return best
}

func copyTo(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
