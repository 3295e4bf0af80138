package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"tournee/planner/solver"
)

// Instance is one benchmark instance as its file gives it: a depot, the
// customers, the fleet. It keeps the raw numbers so that Check can judge a
// solution without going through the solver's model.
type Instance struct {
	// Name is the name the file gives (Solomon: first line; Dumas: the
	// header). The benchmark command replaces it with the file name, which
	// is what the best-known value tables are keyed on.
	Name string
	// Vehicles is the number of vehicles available: the VEHICLE NUMBER of a
	// Solomon file, 1 for a Dumas file (0 would mean no limit).
	Vehicles int
	// Capacity of each vehicle; 0 means unlimited (Dumas).
	Capacity int
	// Nodes[0] is the depot, the customers follow in file order. A route
	// is written with the customers' IDs, as numbered in the file.
	Nodes []Node
	// Arcs is the convention of the family's published values: Exact for
	// Solomon and Gehring–Homberger, TruncInt for Dumas.
	Arcs Arcs
}

// Node is one row of an instance file. For the depot, Ready and Due are the
// opening of the depot and the latest return.
type Node struct {
	ID      int
	X, Y    float64
	Demand  int
	Ready   float64 // earliest start of service
	Due     float64 // latest start of service (waiting before Ready is allowed)
	Service float64
}

// Customers returns the number of customers (every node but the depot).
func (in *Instance) Customers() int { return max(len(in.Nodes)-1, 0) }

// Arcs is how an arc's length is derived from the Euclidean distance.
// Travel time equals length in every benchmark family, under the same
// convention.
type Arcs int

const (
	// Exact is the Euclidean distance in float64, the convention of the
	// Solomon and Gehring–Homberger best-known (hierarchical) solutions.
	Exact Arcs = iota
	// Trunc1 truncates each arc to one decimal, floor(10·d)/10: the
	// convention of the exact (branch-and-price) distance-only optima.
	Trunc1
	// TruncInt keeps each arc's integer part: the Dumas TSPTW convention.
	TruncInt
)

// String returns the name ParseArcs accepts.
func (a Arcs) String() string {
	switch a {
	case Exact:
		return "exact"
	case Trunc1:
		return "trunc1"
	case TruncInt:
		return "int"
	}
	return fmt.Sprintf("Arcs(%d)", int(a))
}

// ParseArcs reads an arc convention name: exact, trunc1 or int.
func ParseArcs(s string) (Arcs, error) {
	for _, a := range []Arcs{Exact, Trunc1, TruncInt} {
		if s == a.String() {
			return a, nil
		}
	}
	return 0, fmt.Errorf("unknown arc convention %q (exact, trunc1, int)", s)
}

// truncSlack absorbs the binary rounding of a distance whose true value is
// a whole number of tenths (coordinates with decimals: 0.3 computes as
// 0.29999…, which plain truncation would turn into 0.2). With integer
// coordinates it changes nothing: √n·10 (or √n) is either a whole number or
// farther than 1e-9 from one as long as the distance is below ~10⁷.
const truncSlack = 1e-9

// length turns a Euclidean distance into an arc length under a.
func (a Arcs) length(d float64) float64 {
	switch a {
	case Trunc1:
		return math.Floor(d*10+truncSlack) / 10
	case TruncInt:
		return math.Floor(d + truncSlack)
	}
	return d
}

// arc is the length of the arc from node i to node j (indexes into Nodes).
func (in *Instance) arc(a Arcs, i, j int) float64 {
	p, q := &in.Nodes[i], &in.Nodes[j]
	return a.length(math.Hypot(p.X-q.X, p.Y-q.Y))
}

// Objective is what the solver is asked to minimise on a benchmark.
type Objective int

const (
	// Distance minimises the total length, with any number of vehicles up
	// to the fleet size.
	Distance Objective = iota
	// Vehicles minimises the number of routes first, then the distance:
	// the hierarchical objective of the SINTEF best-known solutions.
	Vehicles
)

// String returns the name ParseObjective accepts.
func (o Objective) String() string {
	switch o {
	case Distance:
		return "distance"
	case Vehicles:
		return "vehicles"
	}
	return fmt.Sprintf("Objective(%d)", int(o))
}

// ParseObjective reads an objective name: distance or vehicles.
func ParseObjective(s string) (Objective, error) {
	for _, o := range []Objective{Distance, Vehicles} {
		if s == o.String() {
			return o, nil
		}
	}
	return 0, fmt.Errorf("unknown objective %q (distance, vehicles)", s)
}

// Problem builds the solver's model of the instance: one location per node
// (location i is Nodes[i]), one job per customer (job k is Nodes[k+1]) with
// a hard window, and Vehicles identical vehicles from and back to the
// depot within its window (at most one per customer: more could not be
// used, and Vehicles = 0 means as many). Time and Cost are both the arc
// length under arcs.
//
// With the Vehicles objective each used route costs VehicleCost = 2B+1,
// where B = Σ over customers of the longest arc leaving it + fleet × the
// longest arc leaving the depot. Every solution leaves each customer once
// and the depot once per route, so its distance is at most B: one route
// fewer always beats any distance saving. B stays far below
// solver.UnassignedCost (under 10⁷ even for 1000 customers on Solomon-sized
// maps), so serving a customer with an extra route is still preferred to
// leaving it out.
func (in *Instance) Problem(arcs Arcs, objective Objective) *solver.Problem {
	n := len(in.Nodes)
	// More vehicles than customers cannot be used; the cap also keeps a
	// file's absurd vehicle number from allocating a huge fleet.
	fleet := in.Vehicles
	if fleet <= 0 || fleet > in.Customers() {
		fleet = in.Customers()
	}
	p := &solver.Problem{N: n, Time: make([]float64, n*n), Cost: make([]float64, n*n)}
	bound := 0.0
	for i := range n {
		longest := 0.0
		for j := range n {
			d := in.arc(arcs, i, j)
			p.Time[i*n+j] = d
			p.Cost[i*n+j] = d
			longest = max(longest, d)
		}
		if i == 0 {
			bound += float64(fleet) * longest
		} else {
			bound += longest
		}
	}
	for k := 1; k < n; k++ {
		c := in.Nodes[k]
		p.Jobs = append(p.Jobs, solver.Job{Loc: k, Ready: c.Ready, Due: c.Due, Service: c.Service, Demand: c.Demand})
	}
	if n > 0 {
		depot := in.Nodes[0]
		for range fleet {
			p.Vehicles = append(p.Vehicles, solver.Vehicle{Start: 0, End: 0, Open: depot.Ready, Close: depot.Due, Capacity: in.Capacity})
		}
	}
	if objective == Vehicles {
		p.VehicleCost = 2*bound + 1
	}
	return p
}

// RouteIDs turns a solution of the Problem built from in into routes of
// customer IDs as numbered in the file, the form Check and the published
// route files use. Empty routes are kept; unassigned jobs simply appear in
// no route (Check reports them missing).
func (in *Instance) RouteIDs(sol solver.Solution) ([][]int, error) {
	routes := make([][]int, len(sol.Routes))
	for r, jobs := range sol.Routes {
		for _, j := range jobs {
			if j < 0 || j+1 >= len(in.Nodes) {
				return nil, fmt.Errorf("route %d: job %d out of range (%d customers)", r+1, j, in.Customers())
			}
			routes[r] = append(routes[r], in.Nodes[j+1].ID)
		}
	}
	return routes, nil
}

// ReadSolomon reads a Solomon or Gehring–Homberger instance: the name on
// the first line, a VEHICLE section (number, capacity), then a CUSTOMER
// section with one row per node — id, x, y, demand, ready, due, service —
// the depot (id 0) first. Errors name the offending line.
func ReadSolomon(r io.Reader) (*Instance, error) {
	const (
		wantName = iota
		wantVehicle
		wantFleet
		wantCustomer
		inCustomers
	)
	in := &Instance{Arcs: Exact}
	lr := newLines(r)
	state, headers := wantName, 0
	rows := newRowSet()
	for lr.next() {
		line := lr.text()
		if line == "" {
			continue
		}
		switch state {
		case wantName:
			in.Name = line
			state = wantVehicle
		case wantVehicle:
			if !strings.EqualFold(line, "VEHICLE") {
				return nil, lr.errorf("expected the VEHICLE section, got %q", clip(line))
			}
			state, headers = wantFleet, 0
		case wantFleet:
			f := strings.Fields(line)
			if isHeading(f[0]) {
				// "NUMBER CAPACITY": one heading line at most.
				if headers++; headers > 1 {
					return nil, lr.errorf("expected the vehicle number and capacity, got %q", clip(line))
				}
				continue
			}
			if len(f) != 2 {
				return nil, lr.errorf("expected 2 numbers (vehicle number, capacity), got %d fields", len(f))
			}
			var err error
			if in.Vehicles, err = parseCount(f[0]); err != nil {
				return nil, lr.errorf("vehicle number: %v", err)
			}
			if in.Capacity, err = parseCount(f[1]); err != nil {
				return nil, lr.errorf("capacity: %v", err)
			}
			if in.Vehicles < 1 || in.Capacity < 1 {
				return nil, lr.errorf("vehicle number and capacity must be at least 1")
			}
			state = wantCustomer
		case wantCustomer:
			if !strings.EqualFold(line, "CUSTOMER") {
				return nil, lr.errorf("expected the CUSTOMER section, got %q", clip(line))
			}
			state, headers = inCustomers, 0
		case inCustomers:
			f := strings.Fields(line)
			if len(rows.nodes) == 0 && isHeading(f[0]) {
				// "CUST NO. XCOORD. ...": one heading line at most.
				if headers++; headers > 1 {
					return nil, lr.errorf("expected a node row, got %q", clip(line))
				}
				continue
			}
			if err := rows.add(f, lr.n, 0); err != nil {
				return nil, err
			}
		}
	}
	if err := lr.err(); err != nil {
		return nil, err
	}
	switch state {
	case wantName:
		return nil, errors.New("empty file")
	case wantVehicle:
		return nil, fmt.Errorf("line %d: missing VEHICLE section", lr.n)
	case wantFleet:
		return nil, fmt.Errorf("line %d: missing vehicle number and capacity", lr.n)
	case wantCustomer:
		return nil, fmt.Errorf("line %d: missing CUSTOMER section", lr.n)
	}
	if err := rows.finish(lr.n); err != nil {
		return nil, err
	}
	in.Nodes = rows.nodes
	return in, nil
}

// lines reads a file line by line, counting lines for error messages and
// dropping the CR of files written on Windows (the Gehring–Homberger and
// Dumas files are).
type lines struct {
	sc *bufio.Scanner
	n  int
}

func newLines(r io.Reader) *lines {
	sc := bufio.NewScanner(r)
	// Instance lines are short; 1 MiB only guards against a binary file.
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	return &lines{sc: sc}
}

func (l *lines) next() bool {
	if !l.sc.Scan() {
		return false
	}
	l.n++
	return true
}

func (l *lines) text() string { return strings.TrimSpace(l.sc.Text()) }

func (l *lines) err() error {
	if err := l.sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", l.n+1, err)
	}
	return nil
}

func (l *lines) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", l.n, fmt.Sprintf(format, args...))
}

// clip shortens a quoted line so that an error stays on one screen line.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// isHeading tells a column heading ("CUST NO.", "NUMBER") from a number or
// a mistyped one ("4x9" starts with a digit: it is a bad number).
func isHeading(field string) bool {
	for _, r := range field {
		return unicode.IsLetter(r)
	}
	return false
}

// maxAbs bounds every number of a file: benchmark values are at most in the
// thousands, and larger ones would overflow the time arithmetic and the
// VehicleCost bound into infinities.
const maxAbs = 1e9

func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", clip(s))
	}
	if math.Abs(v) > maxAbs {
		return 0, fmt.Errorf("%q is out of range (±%g)", clip(s), maxAbs)
	}
	return v, nil
}

// parseCount reads a non-negative whole number, also when written as a
// decimal ("0.00" in the Dumas files).
func parseCount(s string) (int, error) {
	v, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	if v < 0 || v != math.Trunc(v) {
		return 0, fmt.Errorf("%q is not a whole number ≥ 0", clip(s))
	}
	return int(v), nil
}

// rowSet collects node rows and checks what the two formats share.
type rowSet struct {
	nodes []Node
	seen  map[int]int // id → line
}

func newRowSet() *rowSet { return &rowSet{seen: map[int]int{}} }

// add parses one row: id, x, y, demand, ready, due, service. depotID is the
// id the first row must have.
func (s *rowSet) add(f []string, line, depotID int) error {
	if len(f) != 7 {
		return fmt.Errorf("line %d: expected 7 columns (id, x, y, demand, ready, due, service), got %d", line, len(f))
	}
	id, err := strconv.Atoi(f[0])
	if err != nil || id < 0 {
		return fmt.Errorf("line %d: node id %q is not a whole number ≥ 0", line, clip(f[0]))
	}
	if prev, ok := s.seen[id]; ok {
		return fmt.Errorf("line %d: node %d already given on line %d", line, id, prev)
	}
	if len(s.nodes) == 0 && id != depotID {
		return fmt.Errorf("line %d: the first row must be the depot, node %d; got node %d", line, depotID, id)
	}
	var v [6]float64
	names := [6]string{"x", "y", "demand", "ready time", "due date", "service time"}
	for k := range v {
		if v[k], err = parseNumber(f[k+1]); err != nil {
			return fmt.Errorf("line %d: %s: %v", line, names[k], err)
		}
	}
	demand, err := parseCount(f[3])
	if err != nil {
		return fmt.Errorf("line %d: demand: %v", line, err)
	}
	n := Node{ID: id, X: v[0], Y: v[1], Demand: demand, Ready: v[3], Due: v[4], Service: v[5]}
	if n.Due < n.Ready {
		return fmt.Errorf("line %d: node %d: due date %g before ready time %g", line, id, n.Due, n.Ready)
	}
	if n.Service < 0 {
		return fmt.Errorf("line %d: node %d: negative service time", line, id)
	}
	s.seen[id] = line
	s.nodes = append(s.nodes, n)
	return nil
}

// finish checks the node list as a whole.
func (s *rowSet) finish(line int) error {
	switch len(s.nodes) {
	case 0:
		return fmt.Errorf("line %d: no node row", line)
	case 1:
		return fmt.Errorf("line %d: no customer, only the depot", line)
	}
	return nil
}
