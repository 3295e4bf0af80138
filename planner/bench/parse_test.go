package bench

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const solomonMini = `TINY

VEHICLE
NUMBER     CAPACITY
  2         50

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0       0           0       0         100           0
    1          3       4          10       0          50          10
    2          6       8          20      20          60          10
`

func TestReadSolomonMini(t *testing.T) {
	t.Parallel()
	in, err := ReadSolomon(strings.NewReader(solomonMini))
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "TINY" || in.Vehicles != 2 || in.Capacity != 50 || in.Customers() != 2 || in.Nodes[2].Demand != 20 {
		t.Fatalf("%+v", in)
	}
}

// TestMalformed feeds broken files to both parsers: each must be refused
// with a message that says what is wrong and, where there is one, on which
// line.
func TestMalformed(t *testing.T) {
	t.Parallel()
	lines := strings.Split(solomonMini, "\n")
	replaceLine := func(src string, n int, with string) string {
		ls := strings.Split(src, "\n")
		ls[n-1] = with
		return strings.Join(ls, "\n")
	}
	for _, c := range []struct {
		name  string
		dumas bool
		input string
		want  string // substring of the error
	}{
		{"empty", false, "", "empty file"},
		{"blank lines only", false, "\n  \n\r\n", "empty file"},
		{"name only", false, "R101\n", "missing VEHICLE section"},
		{"no CUSTOMER section", false, strings.Join(lines[:6], "\n"), "missing CUSTOMER section"},
		{"no vehicle numbers", false, "R101\nVEHICLE\nNUMBER CAPACITY\n", "missing vehicle number"},
		{"CUSTOMER before VEHICLE", false, "R101\nCUSTOMER\n", "line 2: expected the VEHICLE section"},
		{"no rows", false, strings.Join(lines[:9], "\n"), "no node row"},
		{"depot only", false, strings.Join(lines[:10], "\n"), "no customer"},
		{"truncated row", false, strings.Join(lines[:11], "\n")[:len(strings.Join(lines[:11], "\n"))-8], "line 11: expected 7 columns"},
		{"letters in a number", false, replaceLine(solomonMini, 11, "    1          3       4x          10       0          50          10"), `line 11: y: "4x" is not a number`},
		{"letters in the capacity", false, replaceLine(solomonMini, 5, "  2   5O"), "line 5: capacity"},
		{"letters in an id", false, replaceLine(solomonMini, 11, "    1a          3       4          10       0          50          10"), "line 11: node id"},
		{"second heading among rows", false, replaceLine(solomonMini, 11, "CUST NO. again"), "line 11: expected 7 columns"},
		{"fractional demand", false, replaceLine(solomonMini, 11, "    1          3       4          10.5       0          50          10"), "line 11: demand"},
		{"NaN", false, replaceLine(solomonMini, 11, "    1          3       4          10       NaN          50          10"), "line 11: ready time"},
		{"huge number", false, replaceLine(solomonMini, 11, "    1          3       1e300          10       0          50          10"), "out of range"},
		{"due before ready", false, replaceLine(solomonMini, 11, "    1          3       4          10       60          50          10"), "line 11: node 1: due date"},
		{"duplicate id", false, replaceLine(solomonMini, 12, "    1          6       8          20      20          60          10"), "line 12: node 1 already given on line 11"},
		{"depot missing", false, replaceLine(solomonMini, 10, ""), "line 11: the first row must be the depot, node 0"},
		{"zero vehicles", false, replaceLine(solomonMini, 5, "  0  50"), "line 5: vehicle number and capacity must be at least 1"},
		{"binary", false, "\x00\x01\x02\xff", "missing VEHICLE section"},
		{"dumas empty", true, "", "empty file"},
		{"dumas no 999", true, strings.Replace(dumasMini, "  999 ", "    4 ", 1), "truncated"},
		{"dumas cut mid-list", true, dumasMini[:strings.Index(dumasMini, "    3 ")], "truncated"},
		{"dumas truncated row", true, dumasMini[:strings.Index(dumasMini, "    3 ")+20], "line 7: expected 7 columns"},
		{"dumas header only", true, "!! n20w20.001 1 2\n\nCUST NO. X Y\n999 0 0 0 0 0 0\n", "no node row"},
		{"dumas letters", true, strings.Replace(dumasMini, "20.00      40.00", "20.00      4O.00", 1), `line 7: due date: "4O.00" is not a number`},
		{"dumas depot not node 1", true, strings.Replace(dumasMini, "    1       0.00", "    5       0.00", 1), "line 5: the first row must be the depot, node 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			read := ReadSolomon
			if c.dumas {
				read = ReadDumas
			}
			in, err := read(strings.NewReader(c.input))
			if err == nil {
				t.Fatalf("accepted: %+v", in)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error on several lines: %q", err)
			}
		})
	}
}

func TestReadRoutes(t *testing.T) {
	t.Parallel()
	routes, err := ReadRoutes(strings.NewReader("Instance Name : rc108\r\nSolution\r\nRoute 1 : 002 006 100\r\nroute  2 :\r\nRoute 3 : 7\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 3 || len(routes[0]) != 3 || routes[0][0] != 2 || routes[0][2] != 100 || len(routes[1]) != 0 || routes[2][0] != 7 {
		t.Errorf("routes: %v", routes)
	}
	for _, bad := range []string{"", "Solution\n", "Route 1 : 2 x3\n", "Route 1 : 2 -3\n"} {
		if _, err := ReadRoutes(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestReadBKS(t *testing.T) {
	t.Parallel()
	sol, err := ReadBKS(data(t, "solomon/bks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sol) != 56 {
		t.Errorf("%d Solomon values, want 56", len(sol))
	}
	if b, ok := Lookup(sol, "C101"); !ok || b.Vehicles != 10 || !b.HasDistance || b.Distance != 828.94 {
		t.Errorf("c101: %+v", b)
	}
	missing := 0
	for _, b := range sol {
		if !b.HasDistance {
			missing++
		}
	}
	if b := sol["r112"]; b.HasDistance || b.Vehicles != 0 || missing != 7 {
		t.Errorf("r112 %+v; %d values missing, want 7", b, missing)
	}
	tw, err := ReadBKS(data(t, "tsptw/bks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if b := tw["n20w20.001"]; len(tw) != 135 || b.Distance != 378 || b.Vehicles != 1 {
		t.Errorf("%d TSPTW values; n20w20.001 %+v", len(tw), b)
	}
	if _, err := ReadBKS(data(t, "homberger200/bks.csv")); err != nil {
		t.Error(err)
	}
	if _, err := ReadBKS(data(t, "nowhere.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	for _, c := range []struct{ name, input, want string }{
		{"empty", "", "empty file"},
		{"no header", "r101,19,1650.8,x\n", `no "instance" column`},
		{"bad distance", "instance,vehicles,distance,source\nr101,19,16x0,x\n", "line 2: distance"},
		{"bad vehicles", "instance,vehicles,distance,source\nr101,1.5,1650,x\n", "line 2: vehicles"},
		{"short row", "instance,vehicles,distance,source\nr101,19\n", "line 2: 2 fields"},
		{"twice", "instance,vehicles,distance,source\nr101,19,1,x\nR101,19,1,x\n", "line 3: instance r101 listed twice"},
		{"bad quote", "instance,vehicles,distance,source\nr101,19,1,\"x\n", "line"},
	} {
		if _, err := readBKS(strings.NewReader(c.input)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// checkParsed states what any instance a parser accepts guarantees: the
// solver can take it, and the checker can price a trivial solution
// (every customer alone) without panicking.
func checkParsed(t *testing.T, in *Instance) {
	if len(in.Nodes) < 2 {
		t.Fatalf("accepted %d nodes", len(in.Nodes))
	}
	for _, n := range in.Nodes {
		if n.Due < n.Ready || n.Service < 0 || n.Demand < 0 {
			t.Fatalf("accepted a bad node %+v", n)
		}
	}
	if len(in.Nodes) > 300 {
		return // a large matrix only slows the fuzzer down
	}
	if err := in.Problem(Exact, Vehicles).Validate(); err != nil {
		t.Fatalf("parsed instance makes an invalid problem: %v", err)
	}
	var routes [][]int
	for _, n := range in.Nodes[1:] {
		routes = append(routes, []int{n.ID})
	}
	_, _ = Check(in, Trunc1, routes)
}

func FuzzReadSolomon(f *testing.F) {
	f.Add(solomonMini)
	f.Add(strings.ReplaceAll(solomonMini, "\n", "\r\n"))
	f.Add("")
	f.Add("R\nVEHICLE\n1 1\nCUSTOMER\n0 0 0 0 0 1 0\n1 1 1 1 0 1 0\n")
	f.Add(solomonMini[:150])
	if b, err := os.ReadFile(dataDir + "/solomon/instances/r101.txt"); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ReadSolomon(strings.NewReader(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on several lines: %q", err)
			}
			return
		}
		checkParsed(t, in)
	})
}

func FuzzReadDumas(f *testing.F) {
	f.Add(dumasMini)
	f.Add("")
	f.Add("!!\n1 0 0 0 0 1 0\n2 0 0 0 0 1 0\n999\n")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ReadDumas(strings.NewReader(s))
		if err != nil {
			return
		}
		checkParsed(t, in)
	})
}

func FuzzReadRoutes(f *testing.F) {
	f.Add("Solution\nRoute 1 : 1 2 3\n")
	f.Add("Route : \n")
	f.Fuzz(func(t *testing.T, s string) {
		routes, err := ReadRoutes(strings.NewReader(s))
		if err == nil && len(routes) == 0 {
			t.Fatal("no error and no route")
		}
	})
}
