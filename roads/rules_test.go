package roads

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// synth builds a small synthetic town on a grid whose unit is about 100 m,
// near Monaco's latitude.
type synth struct {
	nodes  []*osm.Node
	ways   []*osm.Way
	rels   []*osm.Relation
	byXY   map[[2]float64]osm.NodeID
	nextID int64
}

const unitLat, unitLon = 0.0009, 0.00124 // ~100 m each way at 43.7° N

func (s *synth) pt(x, y float64) orb.Point { return orb.Point{7.4 + x*unitLon, 43.7 + y*unitLat} }

// node returns the node at (x, y), made on first use so that ways through
// one place share it.
func (s *synth) node(x, y float64) osm.NodeID {
	if s.byXY == nil {
		s.byXY = map[[2]float64]osm.NodeID{}
	}
	if id, ok := s.byXY[[2]float64{x, y}]; ok {
		return id
	}
	s.nextID++
	id := osm.NodeID(s.nextID)
	p := s.pt(x, y)
	s.nodes = append(s.nodes, &osm.Node{ID: id, Lat: p.Lat(), Lon: p.Lon()})
	s.byXY[[2]float64{x, y}] = id
	return id
}

// way adds a way through the grid points xy (x1, y1, x2, y2…) with tags
// given as key, value pairs.
func (s *synth) way(tags []string, xy ...float64) {
	w := &osm.Way{ID: osm.WayID(len(s.ways) + 1)}
	for i := 0; i+1 < len(tags); i += 2 {
		w.Tags = append(w.Tags, osm.Tag{Key: tags[i], Value: tags[i+1]})
	}
	for i := 0; i+1 < len(xy); i += 2 {
		w.Nodes = append(w.Nodes, osm.WayNode{ID: s.node(xy[i], xy[i+1])})
	}
	s.ways = append(s.ways, w)
}

func (s *synth) network(t testing.TB) *Network {
	t.Helper()
	n, err := Import(context.Background(), writePBF(t, s.nodes, s.ways, s.rels...), Area{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func residential(extra ...string) []string {
	return append([]string{"highway", "residential"}, extra...)
}

// meters routes a to b by shortest distance; -1 when there is no route.
func meters(t *testing.T, n *Network, a, b orb.Point) float64 {
	t.Helper()
	tb := n.Matrix([]orb.Point{a, b}, Distance, Urban)
	if !tb.Snapped[0] || !tb.Snapped[1] {
		t.Fatalf("points not snapped: %v", tb.Snapped)
	}
	if !tb.Routed[1] {
		return -1
	}
	return tb.Meters[1]
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// A square block of 1 km sides: from B to A is one side when the streets
// are two-way, three when they are one-way A→B→C→D→A, whichever way the
// one-way is tagged (oneway=yes, oneway=-1 on the reversed way, or a
// roundabout).
func TestOneWayChangesRoute(t *testing.T) {
	t.Parallel()
	square := []float64{0, 0, 10, 0, 10, 10, 0, 10, 0, 0}
	reversed := []float64{0, 0, 0, 10, 10, 10, 10, 0, 0, 0}
	side := 10 * unitLat * metersPerDeg // ~1 km: sides are ~100 m per unit both ways
	cases := []struct {
		name  string
		tags  []string
		nodes []float64
		want  float64 // in sides
	}{
		{"two-way", residential(), square, 1},
		{"oneway=yes", residential("oneway", "yes"), square, 3},
		{"oneway=-1 on the reversed way", residential("oneway", "-1"), reversed, 3},
		{"roundabout", residential("junction", "roundabout"), square, 3},
		{"roundabout with oneway=no", residential("junction", "roundabout", "oneway", "no"), square, 1},
		{"tunnel with oneway=yes", residential("oneway", "yes", "tunnel", "building_passage"), square, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s synth
			s.way(c.tags, c.nodes...)
			n := s.network(t)
			got := meters(t, n, s.pt(10, 0), s.pt(0, 0))
			if !near(got, c.want*side, 0.03*side) {
				t.Errorf("B to A: %.0f m, want about %.0f m (%v sides)", got, c.want*side, c.want)
			}
			// A to B is one side in every case.
			if got := meters(t, n, s.pt(0, 0), s.pt(10, 0)); !near(got, side, 0.03*side) {
				t.Errorf("A to B: %.0f m, want about %.0f m", got, side)
			}
		})
	}
}

// Motorways and their ramps are one-way unless tagged otherwise (no point
// snaps to them, so they are checked on the tags).
func TestMotorwaysAreOneWay(t *testing.T) {
	t.Parallel()
	for _, hw := range []string{"motorway", "motorway_link"} {
		tags := osm.Tags{{Key: "highway", Value: hw}}
		if f, b := directions(tags, hw); !f || b {
			t.Errorf("%s: forward %v backward %v, want one-way", hw, f, b)
		}
		tags = append(tags, osm.Tag{Key: "oneway", Value: "no"})
		if f, b := directions(tags, hw); !f || !b {
			t.Errorf("%s oneway=no: forward %v backward %v, want both", hw, f, b)
		}
	}
}

// A house above a tunnel snaps to the street beside it, not into the
// tunnel, even when the tunnel is nearer.
func TestNoSnapInTunnels(t *testing.T) {
	t.Parallel()
	var s synth
	s.way(residential("tunnel", "yes", "name", "Tunnel"), 0, 0, 10, 0)
	s.way(residential("name", "Rue"), 0, 2, 10, 2)
	s.way([]string{"highway", "motorway", "name", "A 8"}, 0, -1, 10, -1)
	n := s.network(t)
	sn, ok := n.Snap(s.pt(5, 0.1))
	if !ok || n.names[n.name[sn.Edge]] != "Rue" {
		t.Errorf("snapped to %q (ok %v), want Rue", n.names[n.name[sn.Edge]], ok)
	}
}

// A short street from S to T and a detour: access tags on the short street
// decide which one is taken; the most specific tag wins.
func TestAccessChangesRoute(t *testing.T) {
	t.Parallel()
	short := 10 * unitLon * metersPerDeg * math.Cos(43.7*math.Pi/180)
	detour := short + 2*5*unitLat*metersPerDeg
	cases := []struct {
		tags []string
		want float64
	}{
		{residential(), short},
		{residential("access", "no"), detour},
		{residential("access", "private"), detour},
		{residential("motor_vehicle", "no"), detour},
		{residential("access", "no", "motor_vehicle", "yes"), short},
		{residential("access", "destination"), short},
		{[]string{"highway", "footway"}, detour},
		{[]string{"highway", "pedestrian"}, detour},
		{residential("oneway", "reversible"), detour},
	}
	for _, c := range cases {
		var s synth
		s.way(c.tags, 0, 0, 10, 0)
		s.way(residential(), 0, 0, 0, 5, 10, 5, 10, 0)
		got := meters(t, s.network(t), s.pt(0, 0), s.pt(10, 0))
		if !near(got, c.want, 0.02*c.want) {
			t.Errorf("tags %v: %.0f m, want about %.0f m", c.tags, got, c.want)
		}
	}
}

// Two banks of a river, one bridge 2 km downstream: facing houses are
// 1 km apart as the crow flies, and 4.6 km by road.
func TestRiverWithOneBridge(t *testing.T) {
	t.Parallel()
	var s synth
	s.way(residential("name", "Quai sud"), 0, 0, 20, 0)
	s.way(residential("name", "Quai nord"), 0, 10, 20, 10)
	s.way([]string{"highway", "tertiary", "name", "Pont", "bridge", "yes"}, 20, 0, 20, 10)
	n := s.network(t)
	we := unitLon * metersPerDeg * math.Cos(43.7*math.Pi/180)
	ns := unitLat * metersPerDeg
	want := 18*we + 10*ns + 18*we
	a, b := s.pt(2, 0), s.pt(2, 10)
	if got := meters(t, n, a, b); !near(got, want, 0.02*want) {
		t.Errorf("across the river: %.0f m, want about %.0f m", got, want)
	}
	r, _, ok := n.Route(a, b, Time, Rural)
	if !ok {
		t.Fatal("no route across the river")
	}
	if len(r.Roads) != 3 || r.Roads[0] != "Quai sud" || r.Roads[1] != "Pont" || r.Roads[2] != "Quai nord" {
		t.Errorf("roads %q, want Quai sud, Pont, Quai nord", r.Roads)
	}
}

// restrict adds a turn restriction from way from (1-based, in the order
// added) through the node at (x, y) onto way to.
func (s *synth) restrict(kind string, from int, x, y float64, to int, extra ...string) {
	r := &osm.Relation{ID: osm.RelationID(len(s.rels) + 1), Tags: osm.Tags{{Key: "type", Value: "restriction"}, {Key: "restriction", Value: kind}}}
	for i := 0; i+1 < len(extra); i += 2 {
		r.Tags = append(r.Tags, osm.Tag{Key: extra[i], Value: extra[i+1]})
	}
	r.Members = osm.Members{
		{Type: osm.TypeWay, Ref: int64(from), Role: "from"},
		{Type: osm.TypeNode, Ref: int64(s.node(x, y)), Role: "via"},
		{Type: osm.TypeWay, Ref: int64(to), Role: "to"},
	}
	s.rels = append(s.rels, r)
}

// A crossroads at J (10, 0): coming from the west, the left turn north is
// forbidden, so the car goes straight on, turns round at the next junction
// east and comes back to go north, or takes the block around; an only_
// restriction and an except=motorcar are read too.
func TestTurnRestrictions(t *testing.T) {
	t.Parallel()
	build := func(rel func(s *synth)) *Network {
		var s synth
		s.way(residential("name", "Ouest"), 0, 0, 10, 0)            // 1
		s.way(residential("name", "Est"), 10, 0, 20, 0)             // 2
		s.way(residential("name", "Nord"), 10, 0, 10, 10)           // 3
		s.way(residential("name", "Sud"), 10, 0, 10, -10)           // 4
		s.way(residential("name", "Boucle"), 20, 0, 20, 10, 10, 10) // 5: east end up and back to Nord's end
		if rel != nil {
			rel(&s)
		}
		return s.network(t)
	}
	var s synth
	a, b := s.pt(0, 0), s.pt(10, 10)
	free := meters(t, build(nil), a, b)
	cases := []struct {
		name   string
		rel    func(s *synth)
		longer bool
	}{
		{"no_left_turn", func(s *synth) { s.restrict("no_left_turn", 1, 10, 0, 3) }, true},
		{"only_straight_on", func(s *synth) { s.restrict("only_straight_on", 1, 10, 0, 2) }, true},
		{"only_left_turn", func(s *synth) { s.restrict("only_left_turn", 1, 10, 0, 3) }, false},
		{"no_left_turn except motorcar", func(s *synth) { s.restrict("no_left_turn", 1, 10, 0, 3, "except", "motorcar") }, false},
		{"no_right_turn elsewhere", func(s *synth) { s.restrict("no_right_turn", 1, 10, 0, 4) }, false},
	}
	for _, c := range cases {
		got := meters(t, build(c.rel), a, b)
		if c.longer && !(got > free+500) || !c.longer && !near(got, free, 1) {
			t.Errorf("%s: %.0f m, free %.0f m, want longer %v", c.name, got, free, c.longer)
		}
	}
	// The routes file keeps them.
	n := build(func(s *synth) { s.restrict("no_left_turn", 1, 10, 0, 3) })
	path := t.TempDir() + "/r.routes"
	if err := n.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := meters(t, back, a, b), meters(t, n, a, b); got != want {
		t.Errorf("after the routes file: %.0f m, want %.0f m", got, want)
	}
}

// A road that no road joins: both ends snap, nothing routes between them.
func TestUnreachableIsland(t *testing.T) {
	t.Parallel()
	var s synth
	s.way(residential(), 0, 0, 10, 0)
	s.way(residential(), 0, 30, 10, 30) // 3 km north, no link
	n := s.network(t)
	if got := meters(t, n, s.pt(5, 0), s.pt(5, 30)); got != -1 {
		t.Errorf("island reached in %.0f m", got)
	}
	if _, _, ok := n.Route(s.pt(5, 0), s.pt(5, 30), Time, Rural); ok {
		t.Error("Route found a way to the island")
	}
	if _, ok := n.Snap(s.pt(5, 60)); ok {
		t.Error("a point 3 km from every road snapped")
	}
}

// The quickest route takes the fast road, the shortest the short one.
func TestTimeAndDistanceMetrics(t *testing.T) {
	t.Parallel()
	var s synth
	s.way(residential("maxspeed", "20"), 0, 0, 10, 0)
	s.way([]string{"highway", "primary", "maxspeed", "90"}, 0, 0, 0, 3, 10, 3, 10, 0)
	n := s.network(t)
	a, b := s.pt(0, 0), s.pt(10, 0)
	short, _, _ := n.Route(a, b, Distance, Urban)
	quick, _, _ := n.Route(a, b, Time, Urban)
	if !(short.Meters < quick.Meters && quick.Seconds < short.Seconds) {
		t.Errorf("shortest %.0f m %.0f s, quickest %.0f m %.0f s: want the quickest longer and faster",
			short.Meters, short.Seconds, quick.Meters, quick.Seconds)
	}
	// 1 km at 0.8 × 20 km/h.
	if want := short.Meters / (20 * DrivingShare / 3.6); !near(short.Seconds, want, 1) {
		t.Errorf("1 km at 20 km/h: %.0f s, want %.0f s", short.Seconds, want)
	}
}
