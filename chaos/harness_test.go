package chaos

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
	"tournee/testbase"
	"tournee/testbin"
	"tournee/testgc"
)

// bin is the tournee binary the scenarios run, built once by TestMain;
// the bases seeded once for the package (seeds) live beside it.
var bin string

func TestMain(m *testing.M) {
	testbin.CopyMode()
	testgc.RelaxChildren()
	flag.Parse()
	// The scenarios run in parallel and spend much of their time waiting
	// for their commands (fsync, a kill's delay, a seed another test is
	// making): twice as many as the cores keeps the cores busy, and the
	// longest scenarios do not end up running alone at the end. A -parallel
	// given on the command line is kept.
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		if err := flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	dir, err := os.MkdirTemp("", "tournee-chaos-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = testbin.In(dir)
	// The tag makes the binary derive its keys at a token cost (package
	// keycost): every command opens a base, and argon2id's 19 MiB with
	// its page faults, and scrypt's 256 MiB for packs and key files, were
	// most of the suite's time. What the scenarios check (kills, flipped
	// bits, crafted files) does not depend on that cost.
	if out, err := testbin.Build(bin, "tournee", "-tags", "tournee_cheapkdf"); err != nil {
		fmt.Fprintf(os.Stderr, "build tournee: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// long reports whether the long random runs are asked for (CI sets it).
func long() bool { return os.Getenv("TOURNEE_LONG_TESTS") == "1" }

// runs is n, or many more in the long runs.
func runs(n, longN int) int {
	if long() {
		return longN
	}
	return n
}

// rng is a random source whose seed is logged, so a failing run replays
// with TOURNEE_CHAOS_SEED.
func rng(t *testing.T) *rand.Rand {
	t.Helper()
	// A fixed seed by default, so go test gives the same verdict each
	// time; the long runs explore a new one.
	seed := uint64(20261205)
	if long() {
		seed = uint64(time.Now().UnixNano())
	}
	if s := os.Getenv("TOURNEE_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TOURNEE_CHAOS_SEED=%q", s)
		}
		seed = v
	}
	t.Logf("seed %d (replay with TOURNEE_CHAOS_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, 0x7e57))
}

// laptop is one nurse's computer: its own data folder and database, the
// passphrase in the environment as a script would give it.
type laptop struct {
	t    *testing.T
	name string
	dir  string // its home: the database and the backups live here
	db   string
	pass string
	now  string // TOURNEE_NOW, empty for the real clock
	env  []string
}

// Now of every laptop: a Monday morning of the demo's reference fortnight.
const defaultNow = "2026-11-23T07:30"

func newLaptop(t *testing.T, name string) *laptop {
	t.Helper()
	return newLaptopIn(t, t.TempDir(), name)
}

// newLaptopIn is a laptop whose home is root/name.
func newLaptopIn(t *testing.T, root, name string) *laptop {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return &laptop{t: t, name: name, dir: dir, db: filepath.Join(dir, "tournee.db"), pass: "phrase de passe " + name,
		now: defaultNow}
}

// result is what a command printed and how it ended.
type result struct {
	stdout, stderr string
	code           int
	killed         bool
}

func (r result) String() string {
	return fmt.Sprintf("exit %d (killed %v)\nstdout:\n%s\nstderr:\n%s", r.code, r.killed, r.stdout, r.stderr)
}

func (l *laptop) command(args ...string) *exec.Cmd {
	cmd := exec.Command(bin, append([]string{"--db", l.db}, args...)...)
	cmd.Dir = l.dir
	cmd.Env = append(os.Environ(), "TOURNEE_PASSPHRASE="+l.pass, "XDG_DATA_HOME="+l.dir, "HOME="+l.dir,
		"TOURNEE_LOCK_AFTER=0")
	if l.now != "" {
		cmd.Env = append(cmd.Env, "TOURNEE_NOW="+l.now)
	}
	cmd.Env = append(cmd.Env, l.env...)
	return cmd
}

// run runs a command to its end.
func (l *laptop) run(args ...string) result {
	l.t.Helper()
	cmd := l.command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		l.t.Fatalf("%s: run %v: %v", l.name, args, err)
	}
	return r
}

// must runs a command that has to succeed and returns its output.
func (l *laptop) must(args ...string) string {
	l.t.Helper()
	r := l.run(args...)
	if r.code != 0 {
		l.t.Fatalf("%s: tournee %v: %s", l.name, args, r)
	}
	return r.stdout
}

// killedAfter starts a command and kills it with SIGKILL after d, unless
// it ended before; it reports whether it was killed.
func (l *laptop) killedAfter(d time.Duration, args ...string) result {
	l.t.Helper()
	cmd := l.command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	r := result{}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		}
	case <-time.After(d):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		r.killed, r.code = true, -1
	}
	r.stdout, r.stderr = out.String(), errb.String()
	return r
}

// demo makes the laptop's database the demo cabinet (its passphrase).
func (l *laptop) demo() {
	l.t.Helper()
	l.must(demoArgs...)
}

// demoArgs create the demo cabinet with a fixed search (200 iterations for
// today's rounds): what the scenarios check does not depend on the rounds,
// and the demo's planning budgets were a fifth of the suite's CPU.
var demoArgs = []string{"demo", "--no-tui", "--iterations", "200"}

// seed is a state built once for the package through the binary (the
// demo cabinet, a synced cabinet, a replacement up to the return) and
// copied by each test that starts from it: seeding the demo plans two
// weeks of rounds (about 1.5 s of CPU), which made much of the suite's
// time when each test built its own. A copy is the same laptops (same identities): a test that
// needs a laptop of its own makes it with newLaptop.
type seed[T any] struct {
	once sync.Once
	v    T
	ok   bool
}

// get builds the seed on the first call, in its own folder under the
// package's (a test's TempDir goes with the test), and returns it.
func (s *seed[T]) get(t *testing.T, name string, build func(t *testing.T, root string) T) T {
	t.Helper()
	s.once.Do(func() {
		root := filepath.Join(filepath.Dir(bin), "seed-"+name)
		if err := os.MkdirAll(root, 0o700); err != nil {
			t.Fatal(err)
		}
		s.v = build(t, root)
		s.ok = true
	})
	if !s.ok {
		t.Fatalf("seeding %s failed (see the test that seeded it)", name)
	}
	return s.v
}

// seeds are the package's seeded states. Each is written once, by the
// first test asking for it, and only read afterwards.
var seeds struct {
	demo        seed[demoSeed]
	cabinet     seed[cabinetSeed]
	replacement seed[replacementSeed]
}

// demoSeed is a laptop holding the demo cabinet and how long its demo
// took here.
type demoSeed struct {
	l    *laptop
	took time.Duration
}

func seededDemo(t *testing.T) demoSeed {
	t.Helper()
	return seeds.demo.get(t, "demo", func(t *testing.T, root string) demoSeed {
		l := newLaptopIn(t, root, "demo")
		start := time.Now()
		l.demo()
		return demoSeed{l: l, took: time.Since(start)}
	})
}

// demoCopy makes the laptop's database a copy of the seeded demo cabinet,
// with the seed's passphrase.
func (l *laptop) demoCopy() {
	l.t.Helper()
	s := seededDemo(l.t)
	copyTo(l.t, s.l.db, l.db)
	l.pass = s.l.pass
}

// copyLaptop copies a seeded laptop's home (database, backups, key
// files) into the test's own folder: the same laptop, same passphrase.
func copyLaptop(t *testing.T, from *laptop) *laptop {
	t.Helper()
	l := newLaptop(t, from.name)
	copyTree(t, from.dir, l.dir)
	l.pass, l.now = from.pass, from.now
	return l
}

// copyTree copies the files under from to to, keeping their modification
// times (a test finds a laptop's sync folder by its newest file).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		if err := testbase.Copy(path, dst); err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// open opens the laptop's database in the test, for what the commands do
// not print; close it before the next command (one writer at a time).
func (l *laptop) open() *storage.DB {
	l.t.Helper()
	db, err := storage.Open(l.db, []byte(l.pass), storage.Options{})
	if err != nil {
		l.t.Fatalf("%s: open: %v", l.name, err)
	}
	return db
}

// record is what must never be lost: transmissions (by id, with their
// content) and visit outcomes (by visit id).
type record struct {
	transmissions map[xid.ID]patients.Transmission
	outcomes      map[xid.ID]patients.Visit // done, missed, postponed
}

// snapshot reads every transmission and every visit outcome of the laptop.
func (l *laptop) snapshot() record {
	l.t.Helper()
	db := l.open()
	defer db.Close()
	ctx := context.Background()
	rec := record{transmissions: map[xid.ID]patients.Transmission{}, outcomes: map[xid.ID]patients.Visit{}}
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
			if _, dup := rec.transmissions[tr.ID]; dup {
				l.t.Errorf("%s: transmission %s listed twice", l.name, tr.ID)
			}
			rec.transmissions[tr.ID] = tr
		}
		vs, err := db.VisitsOfPatient(ctx, p.ID, 0)
		if err != nil {
			l.t.Fatal(err)
		}
		for _, v := range vs {
			if v.Status == patients.Done || v.Status == patients.Missed || v.Status == patients.Postponed {
				rec.outcomes[v.ID] = v
			}
		}
	}
	return rec
}

// holds fails unless every transmission and outcome of want is in got,
// unchanged: nothing written anywhere may be lost.
func holds(t *testing.T, who string, got, want record) {
	t.Helper()
	for id, tr := range want.transmissions {
		g, ok := got.transmissions[id]
		if !ok {
			t.Errorf("%s: transmission %s lost", who, id)
			continue
		}
		if g.Cible != tr.Cible || g.Donnees != tr.Donnees || g.Actions != tr.Actions || g.Resultats != tr.Resultats || !g.At.Equal(tr.At) {
			t.Errorf("%s: transmission %s changed", who, id)
		}
	}
	for id, v := range want.outcomes {
		g, ok := got.outcomes[id]
		if !ok || g.Status != v.Status {
			t.Errorf("%s: outcome of visit %s lost (%s, want %s)", who, id, g.Status, v.Status)
		}
	}
}

// addTransmission writes a transmission on the laptop through the CLI and
// returns its cible (unique per call).
func (l *laptop) addTransmission(patientID xid.ID, n int) string {
	l.t.Helper()
	cible := fmt.Sprintf("Chaos %s %d", l.name, n)
	l.must("transmissions", "add", "--patient", patientID.String(), "--cible", cible, "--donnees", "écrite par "+l.name)
	return cible
}

// firstPatient is a patient of the demo to write about.
func (l *laptop) firstPatient() xid.ID {
	l.t.Helper()
	db := l.open()
	defer db.Close()
	ps, err := db.Patients(context.Background(), patients.PatientFilter{})
	if err != nil || len(ps) == 0 {
		l.t.Fatalf("%s: no patient: %v", l.name, err)
	}
	return ps[0].ID
}

// TestHarness checks the harness itself: a demo laptop, a transmission,
// a command killed at once leaves the database readable with the
// transmission in it.
func TestHarness(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL: Unix only")
	}
	t.Parallel()
	l := newLaptop(t, "a")
	l.demoCopy()
	pid := l.firstPatient()
	l.addTransmission(pid, 1)
	before := l.snapshot()
	r := l.killedAfter(5*time.Millisecond, "transmissions", "add", "--patient", pid.String(), "--cible", "tuée", "--donnees", "x")
	after := l.snapshot()
	holds(t, "after a kill", after, before)
	if !r.killed && r.code != 0 {
		t.Fatalf("the command failed without being killed: %s", r)
	}
}
