package storage

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/storage/replica"
)

// The crash test runs the sync of one laptop in a child process (this test
// binary again, running TestHelperSyncProcess) and kills it with SIGKILL at
// chosen moments: while it writes its own bundle, while it reads the
// others', while it merges, while it commits, at a random moment. Each time
// the database must reopen clean, hold either nothing or everything of what
// the others sent, a partial bundle it left in the folder must be ignored by
// the others, and its next sync must finish with the state a sync never
// interrupted gives.

const (
	helperEnv   = "TOURNEE_SYNC_HELPER"
	helperDB    = "TOURNEE_SYNC_HELPER_DB"
	helperDir   = "TOURNEE_SYNC_HELPER_DIR"
	progressTag = "tournee-sync-progress"
)

// TestHelperSyncProcess is the child of TestSyncKilledMidway: it syncs the
// database it is given and prints each progress report as it happens.
func TestHelperSyncProcess(t *testing.T) {
	t.Parallel()
	if os.Getenv(helperEnv) != "1" {
		t.Skip("the child process of TestSyncKilledMidway")
	}
	db, err := openOnDisk(os.Getenv(helperDB), (&msClock{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}).now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Sync(ctx, os.Getenv(helperDir), func(p cabinetsync.Progress) {
		// Unbuffered: the parent must see the stage the child is in.
		fmt.Fprintf(os.Stdout, "%s %d %d %d\n", progressTag, p.Stage, p.Done, p.Total)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Refused) > 0 {
		t.Fatalf("refused %+v", rep.Refused)
	}
}

// killPoint is when the parent kills the child: once the child reports
// stage with at least frac of its total done, after a random wait of up to
// jitter. A negative stage kills at a random moment of the whole sync.
type killPoint struct {
	name   string
	stage  cabinetsync.Stage
	frac   float64
	jitter time.Duration
}

func TestSyncKilledMidway(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL and the re-executed test binary: Unix only")
	}
	// The long runs (TOURNEE_LONG_TESTS=1): about 20,000 operations from
	// two laptops and 3,700 of the killed laptop's own, six kills. By
	// default, and under the race detector (five to ten times slower), a
	// sixth of that, three kills, and a fixed seed.
	scale, seed := 1, uint64(20261205)
	if longTests() {
		seed = rand.Uint64()
		if !raceEnabled {
			scale = 6
		}
	}
	n := func(k int) int { return k * scale / 2 }
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d", seed)

	dir := t.TempDir()
	stick := filepath.Join(dir, "stick")
	if err := os.Mkdir(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	dbs := diskCabinet(t, dir, 3)
	a, b, v := dbs[0], dbs[1], dbs[2]
	pa, va := createRecords(t, a, "A", n(100), n(100), n(750), n(2000))
	pb, vb := createRecords(t, b, "B", n(100), n(100), n(750), n(1500))
	editRecords(t, b, pb, vb, n(50), n(500), n(200))
	editRecords(t, a, pa, va, n(50), n(300), n(100))
	// A and B exchange theirs: only the killed laptop's changes are new to
	// them afterwards. It has its own to write.
	mustSyncTB(t, a, stick)
	mustSyncTB(t, b, stick)
	mustSyncTB(t, a, stick)
	createRecords(t, v, "V", n(50), n(50), n(250), n(900))
	incoming := opSeq(t, a) + opSeq(t, b)
	t.Logf("%d operations to receive, %d to send", incoming, opSeq(t, v))

	var me xid.ID
	v.bolt.View(func(tx *bolt.Tx) error { me = replicaID(tx); return nil })
	mine := filepath.Join(stick, replica.SyncDir, me.String())
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	template := filepath.Join(dir, "template.db")
	copyFile(t, v.path, template)
	before := stateOf(t, template).text()

	// The sync never interrupted, in this process: what every kill must
	// end with, and how long its stages take.
	work := filepath.Join(dir, "work.db")
	copyFile(t, template, work)
	ref, err := openOnDisk(work, (&msClock{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}).now)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var applied time.Time
	rep, err := ref.Sync(ctx, stick, func(p cabinetsync.Progress) {
		if p.Stage == cabinetsync.Applying && p.Done == p.Total {
			applied = time.Now()
		}
	})
	if err != nil || len(rep.Refused) > 0 || uint64(rep.Ops) != incoming {
		t.Fatalf("sync without a kill: %v, %d operations of %d, refused %+v", err, rep.Ops, incoming, rep.Refused)
	}
	total, commit := time.Since(start), time.Since(applied)
	ref.Close()
	after := stateOf(t, work).text()
	t.Logf("a sync takes %v, of which %v writing the merge once merged", total.Round(time.Millisecond), commit.Round(time.Millisecond))

	points := []killPoint{
		{"writing its bundle", cabinetsync.Writing, 0, 0},
		{"reading the others' bundles", cabinetsync.Reading, 0, 0},
		{"merging, early", cabinetsync.Applying, 0.2, 0},
		{"merging, late", cabinetsync.Applying, 0.9, 0},
		{"writing the merge", cabinetsync.Applying, 1, commit},
		{"at a random moment", -1, 0, total},
	}
	if scale == 1 {
		points = []killPoint{points[0], points[3], points[4]}
	}
	for _, kp := range points {
		t.Run(strings.ReplaceAll(kp.name, " ", "_"), func(t *testing.T) {
			var seen string
			var exited bool
			for try := 0; ; try++ {
				if err := os.RemoveAll(mine); err != nil {
					t.Fatal(err)
				}
				copyFile(t, template, work)
				seen, exited = killSync(t, work, stick, mine, kp, rng)
				// A loaded machine can let the bundle be finished before
				// the kill lands: try again for a partial one.
				if kp.stage != cabinetsync.Writing || len(tempFiles(t, mine)) > 0 || try == 4 {
					break
				}
			}

			// The file reopens, passes bbolt's check, and holds all or
			// nothing of the sync.
			got := stateOf(t, work).text()
			t.Logf("killed after progress %q (stage done total), finished first: %v, merge in the file: %v", seen, exited, got == after)
			switch {
			case got == before:
				if exited {
					t.Errorf("the sync finished but nothing of it is in the file")
				}
			case got == after:
				if kp.stage != cabinetsync.Applying && kp.stage >= 0 && !exited {
					t.Errorf("killed while %s, yet the merge is in the file", kp.name)
				}
			default:
				t.Fatalf("half a sync in the file:\nagainst before: %s\nagainst after: %s", got.diff(before), got.diff(after))
			}

			// A partial bundle left in the folder: the others skip it.
			temps := tempFiles(t, mine)
			if kp.stage == cabinetsync.Writing && len(temps) == 0 {
				t.Errorf("killed while writing its bundle, no partial file left: %v", dirNames(t, mine))
			}
			if len(temps) > 0 {
				other := filepath.Join(dir, "other.db")
				copyFile(t, filepath.Join(dir, "laptopA.db"), other) // A itself stays open
				rep := syncFile(t, other, stick)
				complete, _ := bundleFiles(mine)
				if len(rep.Refused) > 0 || (len(complete.bundles) == 0 && rep.Ops != 0) {
					t.Errorf("another laptop read a partial bundle: %+v", rep)
				}
				if left := tempFiles(t, mine); len(left) != len(temps) {
					t.Errorf("another laptop touched the partial bundle: %v then %v", temps, left)
				}
			}

			// The next sync removes it and finishes like an uninterrupted one.
			rep := syncFile(t, work, stick)
			if len(rep.Refused) > 0 {
				t.Errorf("the next sync refused %+v", rep.Refused)
			}
			if left := tempFiles(t, mine); len(left) > 0 {
				t.Errorf("partial bundles left after the next sync: %v", left)
			}
			if d := stateOf(t, work).text().diff(after); d != "" {
				t.Errorf("after the next sync: %s", d)
			}
		})
	}

	// The others get the killed laptop's changes: everyone ends the same.
	for i, db := range []*DB{a, b} {
		mustSyncTB(t, db, stick)
		s, err := readState(db)
		if err != nil {
			t.Fatal(err)
		}
		if d := s.text().diff(after); d != "" {
			t.Errorf("laptop %c and the killed one differ: %s", 'A'+i, d)
		}
	}
}

// killSync runs the sync of the database at path in a child process and
// kills it at kp; it returns the last progress line the child printed, and
// whether it had finished on its own.
func killSync(t *testing.T, path, stick, mine string, kp killPoint, rng *rand.Rand) (last string, exited bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSyncProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperDB+"="+path, helperDir+"="+stick)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), progressTag) {
				lines <- strings.TrimPrefix(sc.Text(), progressTag+" ")
			}
		}
	}()
	var wait time.Duration
	if kp.jitter > 0 {
		wait = time.Duration(rng.Int64N(int64(kp.jitter)))
	}
	if kp.stage < 0 {
		time.Sleep(wait)
	} else {
		for line := range lines {
			last = line
			var stage cabinetsync.Stage
			var done, total int
			fmt.Sscan(line, &stage, &done, &total)
			if stage > kp.stage || (stage == kp.stage && float64(done) >= kp.frac*float64(total)) {
				if stage == cabinetsync.Writing {
					waitForFile(mine, 2*time.Second) // the bundle being written
				}
				time.Sleep(wait)
				break
			}
		}
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) { // SIGKILL
		t.Fatal(err)
	}
	for line := range lines {
		last = line
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		exited = true // finished before the kill
	case errors.As(err, &ee) && ee.Exited():
		t.Fatalf("the child failed: %v\n%s", err, stderr.String())
	}
	return last, exited
}

// waitForFile waits until dir holds a partial bundle, or for at most d.
func waitForFile(dir string, d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Microsecond) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if replica.IsTemp(e.Name()) {
				return
			}
		}
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, name := range dirNames(t, dir) {
		if replica.IsTemp(name) {
			out = append(out, name)
		}
	}
	return out
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// stateOf opens a closed database file, checks its structure and returns
// what it holds; every index must match its records.
func stateOf(t *testing.T, path string) replicaState {
	t.Helper()
	db, err := openOnDisk(path, (&msClock{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}).now)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	checkStructure(t, db)
	s, err := readState(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := indexMismatch(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// syncFile syncs the closed database at path in this process.
func syncFile(t *testing.T, path, stick string) cabinetsync.Report {
	t.Helper()
	db, err := openOnDisk(path, (&msClock{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}).now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Sync(ctx, stick, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
