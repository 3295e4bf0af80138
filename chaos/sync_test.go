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
	"tournee/testbase"
)

// cabinet is laptops of one cabinet and the folder they meet in.
type cabinet struct {
	t       *testing.T
	laptops []*laptop
	stick   string
	patient xid.ID
	n       int // transmissions written so far
}

// cabinetSeed is a synced cabinet: its laptops, the folder they met in
// and the patient they write about.
type cabinetSeed struct {
	laptops []*laptop
	stick   string
	key     string // the cabinet key file the first laptop made
	patient xid.ID
	// syncTook is how long a sync of its round took here, on average.
	syncTook time.Duration
}

// seededCabinet makes the laptops through the CLI, once for the package:
// the first is the demo cabinet and creates the key (into a folder that
// does not exist yet), the others are set up with « init » and join; one
// sync round shares the demo. Three laptops in the long runs, two by
// default.
func seededCabinet(t *testing.T) cabinetSeed {
	t.Helper()
	return seeds.cabinet.get(t, "cabinet", func(t *testing.T, root string) cabinetSeed {
		ls := []*laptop{newLaptopIn(t, root, "a"), newLaptopIn(t, root, "b")}
		if long() {
			ls = append(ls, newLaptopIn(t, root, "c"))
		}
		a := ls[0]
		a.demoCopy()
		key := filepath.Join(a.dir, "pour-les-autres", "cle.txt")
		a.must("cabinet", "init", "--key-out", key)
		for _, l := range ls[1:] {
			l.must("init", "--cabinet", "Cabinet des Dunes", "--nurse", "Infirmière "+strings.ToUpper(l.name), "--rpps", "10001234565")
			l.must("cabinet", "join", key)
		}
		stick := filepath.Join(root, "cle-usb")
		if err := os.Mkdir(stick, 0o700); err != nil {
			t.Fatal(err)
		}
		c := &cabinet{t: t, laptops: ls, stick: stick}
		start := time.Now()
		c.round()
		took := time.Since(start) / time.Duration(2*len(ls)-1) // the syncs of a round, see round
		if long() {
			took = time.Since(start) / time.Duration(2*len(ls))
		}
		return cabinetSeed{laptops: ls, stick: stick, key: key, patient: a.firstPatient(), syncTook: took}
	})
}

// newCabinet is a copy of the seeded cabinet for the test: its laptops
// and its folder, copied to a new place (as a USB stick mounted elsewhere).
func newCabinet(t *testing.T) *cabinet {
	t.Helper()
	s := seededCabinet(t)
	c := &cabinet{t: t, stick: filepath.Join(t.TempDir(), "cle-usb"), patient: s.patient}
	for _, l := range s.laptops {
		c.laptops = append(c.laptops, copyLaptop(t, l))
	}
	copyTree(t, s.stick, c.stick)
	return c
}

// round syncs every laptop twice, in order: afterwards each has all. The
// last one has all after its first sync, so by default it does not sync
// twice.
func (c *cabinet) round() {
	c.t.Helper()
	for pass := range 2 {
		for i, l := range c.laptops {
			if pass == 1 && i == len(c.laptops)-1 && !long() {
				break
			}
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

// A database copied to another computer: both copies write, both sync;
// the copy that finds the other's bundles forks, and every transmission is
// everywhere once. Then conflict copies made by hand, junk and a deleted
// folder, each merged, reported or repaired. The long runs sync every
// laptop and check after each stage; by default the stages follow one
// another and one round at the end checks them all.
func TestSyncForkCopiesJunk(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	t.Parallel()
	c := newCabinet(t)
	a, b := c.laptops[0], c.laptops[1]
	d := newLaptop(t, "d")
	d.pass = a.pass
	copyTo(t, a.db, d.db)
	c.laptops = append(c.laptops, d)
	c.write(a)
	c.write(d)
	c.write(d)
	if long() {
		c.write(b)
	}
	a.must("sync", c.stick)
	aDir := c.newestFolder(a) // a wrote last
	out := d.must("sync", c.stick)
	if !strings.Contains(out, "nouvelle identité") || strings.Contains(out, "Envoyé : 0 modification") {
		t.Errorf("the copy's sync does not say it forked:\n%s", out)
	}
	if long() {
		c.round()
		c.check(c.n)
	}
	forks := strings.Count(out, "Une copie de cette base")

	// Conflict copies made by hand (Syncthing, Nextcloud) of b's bundles.
	bdir := c.ownFolder(b)
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
	if len(made) != 2 {
		t.Errorf("%d conflict copies made, want one of each kind", len(made))
	}
	if err := os.WriteFile(filepath.Join(c.stick, "tournee-sync", "LISEZ-MOI.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.write(c.laptops[2])
	out = c.laptops[2].must("sync", c.stick)
	if !strings.Contains(out, "LISEZ-MOI.txt") {
		t.Errorf("the unexpected file is not listed:\n%s", out)
	}
	if long() {
		c.round()
		c.check(c.n)
	}

	// Junk named like a bundle in a's own folder, then b's folder deleted.
	// The long runs look for every laptop's folder again (a write and a
	// sync each); by default a's and b's are the ones found above.
	refused := 0
	for _, l := range c.laptops {
		var dir string
		switch {
		case long():
			dir = c.ownFolder(l)
		case l == a:
			dir = aDir
		case l == b:
			dir = bdir
		}
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
		if l == b {
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
	t.Parallel()
	r := rng(t)
	c := newCabinet(t)
	// The kills fall within 1.5 s in the long runs; by default within the
	// time a sync took here, so that the one sync is killed.
	span := 1500 * time.Millisecond
	if !long() {
		span = seededCabinet(t).syncTook
	}
	kills, n := 0, runs(1, 40)
	for range n {
		l := c.laptops[r.IntN(len(c.laptops))]
		c.write(l)
		res := l.killedAfter(time.Duration(r.Int64N(int64(span))), "sync", c.stick)
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
	return c.newestFolder(l)
}

// newestFolder is the folder of the stick holding the newest file: the
// folder of the laptop that wrote last.
func (c *cabinet) newestFolder(l *laptop) string {
	c.t.Helper()
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
	if err := testbase.Copy(from, to); err != nil {
		t.Fatal(err)
	}
}
