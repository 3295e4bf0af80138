package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// benchData is shared/bench seen from the cli folder.
const benchData = "../../shared/bench"

func benchFile(t *testing.T, rel string) string {
	t.Helper()
	if _, err := os.Stat(benchData); err != nil {
		t.Fatalf("benchmark data not found at %s (shared/bench must sit next to the repository): %v", benchData, err)
	}
	return filepath.Join(benchData, rel)
}

// runBenchCLI runs the command line in-process through Run, like the binary
// (the same as cli_test.go's run, without a database or passphrase).
func runBenchCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:     func(string) string { return "" },
		Now:        fixedNow,
		IsTerminal: func() bool { return false },
	}
	code := Run(args, e)
	if strings.Contains(errb.String(), "commande inconnue « bench »") {
		t.Fatal("the bench command is not registered: add a.benchCmd() to the AddCommand list in rootCmd (root.go)")
	}
	return result{code, out.String(), errb.String()}
}

// jsonLine is the exact shape of a result line: these fields, this order.
var jsonLine = regexp.MustCompile(`^\{"instance":"([^"]+)","n":(\d+),"vehicles":(\d+),"distance":([0-9.]+),"feasible":(true|false),"time_ms":(\d+)\}$`)

type benchLine struct {
	instance  string
	n, veh    int
	distance  float64
	decimals  int
	feasible  bool
	timeMS    int
	fullMatch string
}

func parseBenchLines(t *testing.T, stdout string) []benchLine {
	t.Helper()
	var out []benchLine
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		m := jsonLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a result line: %q", l)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		b := benchLine{instance: m[1], feasible: m[5] == "true", fullMatch: l}
		b.n, _ = strconv.Atoi(m[2])
		b.veh, _ = strconv.Atoi(m[3])
		b.distance, _ = strconv.ParseFloat(m[4], 64)
		if _, frac, ok := strings.Cut(m[4], "."); ok {
			b.decimals = len(frac)
		}
		b.timeMS, _ = strconv.Atoi(m[6])
		out = append(out, b)
	}
	return out
}

func TestBenchTSPTW(t *testing.T) {
	t.Parallel()
	f1, f2 := benchFile(t, "tsptw/dumas/n20w20.001.txt"), benchFile(t, "tsptw/dumas/n20w20.002.txt")
	procs := runtime.GOMAXPROCS(0)
	r := runBenchCLI(t, "bench", "tsptw", "--time-limit", "200ms", "--bks", benchFile(t, "tsptw/bks.csv"), f1, f2)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS left at %d, was %d", got, procs)
	}
	lines := parseBenchLines(t, r.stdout)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per file:\n%s", len(lines), r.stdout)
	}
	// The published optima (integer arcs): a feasible tour can't be shorter.
	optimum := map[string]float64{"n20w20.001": 378, "n20w20.002": 286}
	for i, want := range []string{"n20w20.001", "n20w20.002"} {
		l := lines[i]
		if l.instance != want || l.n != 20 || l.veh != 1 || !l.feasible || l.decimals != 0 {
			t.Errorf("line %d: %s", i+1, l.fullMatch)
		}
		if l.distance < optimum[want] {
			t.Errorf("%s: distance %g below the proven optimum %g: the checker or the arcs are wrong", want, l.distance, optimum[want])
		}
		// The window DP may prove the optimum long before the limit, so only
		// an upper bound holds (generous: CI machines are shared).
		if l.timeMS < 0 || l.timeMS > 60_000 {
			t.Errorf("%s: time_ms %d for a 200ms limit", want, l.timeMS)
		}
	}
	// The summary is on stderr only.
	for _, s := range []string{"bench : 2 instance(s) résolue(s), 2 faisable(s)", "écart moyen", "n20w20.001", "référence 378"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("summary lacks %q:\n%s", s, r.stderr)
		}
	}
}

func TestBenchSolomon(t *testing.T) {
	t.Parallel()
	r101 := benchFile(t, "solomon/instances/r101.txt")
	r := runBenchCLI(t, "bench", "solomon", "--time-limit", "300ms", "--objective", "vehicles", "--arcs", "trunc1", "--seed", "7", r101)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := parseBenchLines(t, r.stdout)
	if len(lines) != 1 {
		t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
	}
	l := lines[0]
	if l.instance != "r101" || l.n != 100 || l.veh < 1 || l.veh > 25 || l.decimals > 1 {
		t.Errorf("line: %s", l.fullMatch)
	}
	// 1637.7 is r101's proven distance-only optimum with arcs truncated to
	// a tenth: no feasible solution is shorter in that convention.
	if l.feasible && l.distance < 1637.7 {
		t.Errorf("distance %g below the proven optimum 1637.7", l.distance)
	}
	if !l.feasible {
		t.Errorf("infeasible solution: %s", r.stderr)
	}
}

// With --iterations the search does a fixed amount of work: the same seed
// gives the same solution whatever the load of the machine, which is what
// quality comparisons between two solvers rely on.
func TestBenchFixedIterations(t *testing.T) {
	t.Parallel()
	c101 := benchFile(t, "solomon/instances/c101.txt")
	var dist []float64
	for range 2 {
		r := runBenchCLI(t, "bench", "solomon", "--iterations", "300", "--time-limit", "1m", "--arcs", "trunc1", "--seed", "3", c101)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		lines := parseBenchLines(t, r.stdout)
		if len(lines) != 1 || !lines[0].feasible {
			t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
		}
		dist = append(dist, lines[0].distance)
	}
	if dist[0] != dist[1] {
		t.Errorf("same seed and iterations, distances %g and %g", dist[0], dist[1])
	}
}

func TestBenchFileErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "absent.txt")
	r := runBenchCLI(t, "bench", "tsptw", "--time-limit", "50ms", missing)
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("missing file: exit %d, stdout %q", r.code, r.stdout)
	}
	if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "absent.txt") || !strings.Contains(lines[0], "n'existe pas") {
		t.Errorf("missing file: want one line naming the file, got %q", r.stderr)
	}

	// A bad file among good ones: the others are still solved.
	bad := filepath.Join(t.TempDir(), "n99w99.001.txt")
	if err := os.WriteFile(bad, []byte("!! n99w99.001\n1 0 0 0 0 100 0\n2 3 4x 0 0 100 0\n999 0 0 0 0 0 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := benchFile(t, "tsptw/dumas/n20w20.003.txt")
	r = runBenchCLI(t, "bench", "tsptw", "--time-limit", "50ms", missing, bad, good)
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if lines := parseBenchLines(t, r.stdout); len(lines) != 1 || lines[0].instance != "n20w20.003" {
		t.Errorf("stdout: %q", r.stdout)
	}
	errLines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(errLines) != 2 || !strings.Contains(errLines[0], "absent.txt") ||
		!strings.Contains(errLines[1], "n99w99.001.txt") || !strings.Contains(errLines[1], "line 3") {
		t.Errorf("want one line per bad file, with the line number of the parse error; got %q", r.stderr)
	}
}

func TestBenchUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bench", "tsptw"},
		{"bench", "solomon", "--objective", "speed", "x.txt"},
		{"bench", "solomon", "--arcs", "int", "x.txt"},
		{"bench", "tsptw", "--arcs", "exact", "x.txt"},
		{"bench", "tsptw", "--time-limit", "0s", "x.txt"},
		{"bench", "tsptw", "--threads", "0", "x.txt"},
		{"bench", "solomon", "--iterations", "-1", "x.txt"},
	} {
		if r := runBenchCLI(t, args...); r.code != ExitUsage || r.stdout != "" {
			t.Errorf("%v: exit %d, want %d; stdout %q stderr %q", args, r.code, ExitUsage, r.stdout, r.stderr)
		}
	}
	if r := runBenchCLI(t, "bench", "tsptw", "--bks", filepath.Join(t.TempDir(), "none.csv"), "x.txt"); r.code != ExitFailure {
		t.Errorf("missing --bks file: exit %d", r.code)
	}
}
