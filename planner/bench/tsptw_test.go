package bench

import (
	"math"
	"os"
	"strings"
	"testing"
)

func TestReadDumas(t *testing.T) {
	t.Parallel()
	in := readFile(t, data(t, "tsptw/dumas/n20w20.001.txt"), func(f *os.File) (*Instance, error) { return ReadDumas(f) })
	if in.Name != "n20w20.001" || in.Vehicles != 1 || in.Capacity != 0 || in.Customers() != 20 || in.Arcs != TruncInt {
		t.Fatalf("header: %q vehicles %d capacity %d customers %d arcs %v", in.Name, in.Vehicles, in.Capacity, in.Customers(), in.Arcs)
	}
	if d := in.Nodes[0]; d != (Node{ID: 1, X: 16, Y: 23, Ready: 0, Due: 408}) {
		t.Errorf("depot: %+v", d)
	}
	if c := in.Nodes[1]; c != (Node{ID: 2, X: 22, Y: 4, Ready: 62, Due: 68}) {
		t.Errorf("node 2: %+v", c)
	}
	if last := in.Nodes[20]; last.ID != 21 || last.Ready != 275 || last.Due != 300 {
		t.Errorf("node 21 (the row before 999): %+v", last)
	}
	// Depot (16,23) → node 2 (22,4): √397 = 19.92…, 19 under the Dumas
	// convention.
	if p := in.Problem(TruncInt, Distance); p.Time[1] != 19 || p.Cost[1] != 19 || len(p.Vehicles) != 1 || p.Vehicles[0].Close != 408 {
		t.Errorf("problem: arc 0→1 = %v/%v, %d vehicles", p.Time[1], p.Cost[1], len(p.Vehicles))
	}
}

const dumasMini = `!! tiny 1.0 10

CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    1       0.00       0.00       0.00       0.00     100.00       0.00
    2       3.00       4.00       0.00      10.00      20.00       0.00
    3       6.00       8.00       0.00      20.00      40.00       0.00
  999       0.00       0.00       0.00       0.00       0.00       0.00
`

func TestReadDumasMini(t *testing.T) {
	t.Parallel()
	in, err := ReadDumas(strings.NewReader(strings.ReplaceAll(dumasMini, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "tiny" || in.Customers() != 2 {
		t.Fatalf("%q, %d customers", in.Name, in.Customers())
	}
	// 0→2: 5, wait until 10; 2→3: 5, arrive 15, wait until 20; back: 10.
	if d, err := Check(in, TruncInt, [][]int{{2, 3}}); err != nil || math.Abs(d-20) > 1e-12 {
		t.Errorf("tour 2 3: %v, %v", d, err)
	}
	if _, err := Check(in, TruncInt, [][]int{{2}, {3}}); err == nil {
		t.Error("two routes accepted for one vehicle")
	}
}
