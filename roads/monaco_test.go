package roads

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// monacoPath is the real extract shared by the project's tests. It is
// required: a router test without a real network proves little.
const monacoPath = "../../shared/data/osm/monaco.osm.pbf"

var monaco struct {
	once sync.Once
	net  *Network
	err  error
}

// loadMonaco imports the Monaco extract once per test binary.
func loadMonaco(tb testing.TB) *Network {
	tb.Helper()
	if _, err := os.Stat(monacoPath); err != nil {
		tb.Fatalf("the Monaco extract is needed (../shared is part of the workspace): %v", err)
	}
	monaco.once.Do(func() {
		monaco.net, monaco.err = Import(context.Background(), monacoPath, Area{}, nil)
	})
	if monaco.err != nil {
		tb.Fatal(monaco.err)
	}
	return monaco.net
}

func TestMonacoImport(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	t.Logf("%d junctions, %d edges, %d names, %d forbidden turns (%d entry states), bound %v",
		n.Nodes(), n.Edges(), len(n.names), len(n.turns), len(n.stateNode), n.Bound)
}

// plainGraph is the Monaco network built again in the test from the PBF,
// without the package's import: OSM node id → arcs, for a plain Dijkstra.
type plainGraph struct {
	coord map[osm.NodeID]orb.Point
	arcs  map[osm.NodeID][]plainArc
	// onStreet: the node is on a road a point may snap to (not only on a
	// motorway or in a tunnel).
	onStreet map[osm.NodeID]bool
	// The turn restrictions: forbidden turns, and the only way out of an
	// only_* restriction.
	no   map[plainTurn]bool
	only map[[2]int64]osm.WayID
	in   map[osm.NodeID][]osm.NodeID // predecessors, for counting neighbours
}

type plainArc struct {
	to  osm.NodeID
	m   float64
	way osm.WayID
}

// plainTurn is one way in and out of a junction.
type plainTurn struct {
	from osm.WayID
	via  osm.NodeID
	to   osm.WayID
}

func readPlain(t *testing.T) plainGraph {
	t.Helper()
	f, err := os.Open(monacoPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := plainGraph{coord: map[osm.NodeID]orb.Point{}, arcs: map[osm.NodeID][]plainArc{}, onStreet: map[osm.NodeID]bool{},
		no: map[plainTurn]bool{}, only: map[[2]int64]osm.WayID{}, in: map[osm.NodeID][]osm.NodeID{}}
	var ways []*osm.Way
	s := osmpbf.New(context.Background(), f, 1)
	defer s.Close()
	for s.Scan() {
		switch o := s.Object().(type) {
		case *osm.Node:
			g.coord[o.ID] = orb.Point{o.Lon, o.Lat}
		case *osm.Way:
			ways = append(ways, o)
		case *osm.Relation:
			if r, ok := carRestriction(o); ok && r.only {
				g.only[[2]int64{int64(r.from), int64(r.via)}] = r.to
			} else if ok {
				g.no[plainTurn{r.from, r.via, r.to}] = true
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range ways {
		info, ok := carWay(w.Tags) // the rules are tested apart, on synthetic extracts
		if !ok {
			continue
		}
		for k := 1; k < len(w.Nodes); k++ {
			a, b := w.Nodes[k-1].ID, w.Nodes[k].ID
			pa, okA := g.coord[a]
			pb, okB := g.coord[b]
			if !okA || !okB || a == b {
				continue
			}
			m := geo.DistanceHaversine(pa, pb)
			if !info.noSnap {
				g.onStreet[a], g.onStreet[b] = true, true
			}
			if info.forward {
				g.arcs[a] = append(g.arcs[a], plainArc{b, m, w.ID})
				g.in[b] = append(g.in[b], a)
			}
			if info.backward {
				g.arcs[b] = append(g.arcs[b], plainArc{a, m, w.ID})
				g.in[a] = append(g.in[a], b)
			}
		}
	}
	return g
}

// dijkstra is the textbook algorithm over maps and container/heap.
// A state is a node, the way the car arrived on (0 at the start) and the
// node it came from: turn restrictions depend on the way, and a car turns
// round only where more than two roads meet or at a dead end.
func (g plainGraph) dijkstra(from osm.NodeID) map[osm.NodeID]float64 {
	type state struct {
		id, prev osm.NodeID
		way      osm.WayID
	}
	neighbours := func(id osm.NodeID) int {
		seen := map[osm.NodeID]bool{}
		for _, a := range g.arcs[id] {
			seen[a.to] = true
		}
		for _, a := range g.in[id] {
			seen[a] = true
		}
		return len(seen)
	}
	dist := map[state]float64{{from, 0, 0}: 0}
	h := &plainHeap{{from, 0, 0, 0}}
	best := map[osm.NodeID]float64{}
	for h.Len() > 0 {
		it := heap.Pop(h).(plainItem)
		if it.d > dist[state{it.id, it.prev, it.way}] {
			continue
		}
		if d, ok := best[it.id]; !ok || it.d < d {
			best[it.id] = it.d
		}
		only, hasOnly := g.only[[2]int64{int64(it.way), int64(it.id)}]
		for _, a := range g.arcs[it.id] {
			if it.way != 0 && (g.no[plainTurn{it.way, it.id, a.way}] || hasOnly && a.way != only) {
				continue
			}
			if it.way != 0 && a.to == it.prev && neighbours(it.id) == 2 {
				continue // no U-turn in the middle of a road
			}
			to := state{a.to, it.id, a.way}
			if d, seen := dist[to]; !seen || it.d+a.m < d {
				dist[to] = it.d + a.m
				heap.Push(h, plainItem{a.to, it.d + a.m, a.way, it.id})
			}
		}
	}
	return best
}

type plainItem struct {
	id   osm.NodeID
	d    float64
	way  osm.WayID
	prev osm.NodeID
}
type plainHeap []plainItem

func (h plainHeap) Len() int           { return len(h) }
func (h plainHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h plainHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *plainHeap) Push(x any)        { *h = append(*h, x.(plainItem)) }
func (h *plainHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// Shortest distances from the router equal a plain Dijkstra's over the
// ways read again from the PBF, between random road nodes of Monaco, and
// survive the routes file.
func TestMonacoShortestDistances(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	g := readPlain(t)
	// Street nodes with a unique position, so a point maps back to one node.
	at := map[orb.Point][]osm.NodeID{}
	for id := range g.coord {
		p := g.coord[id]
		at[p] = append(at[p], id)
	}
	var ids []osm.NodeID
	for _, l := range at {
		if len(l) == 1 && g.onStreet[l[0]] {
			ids = append(ids, l[0])
		}
	}
	slices.Sort(ids)
	rng := rand.New(rand.NewPCG(19, 19))
	const k = 20
	pts := make([]orb.Point, k)
	pick := make([]osm.NodeID, k)
	for i := range k {
		pick[i] = ids[rng.IntN(len(ids))]
		pts[i] = g.coord[pick[i]]
	}
	path := filepath.Join(t.TempDir(), "x.db.routes")
	if err := n.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dists := make([]map[osm.NodeID]float64, k)
	for i := range k {
		dists[i] = g.dijkstra(pick[i])
	}
	for _, net := range []*Network{n, back} {
		tb := net.Matrix(pts, Distance, Rural)
		checked, unreachable := 0, 0
		for i := range k {
			dist := dists[i]
			for j := range k {
				want, ok := dist[pick[j]]
				got := tb.Meters[i*k+j]
				if !ok {
					unreachable++
					if tb.Routed[i*k+j] {
						t.Errorf("%d→%d: routed %.1f m, the plain Dijkstra finds no route", pick[i], pick[j], got)
					}
					continue
				}
				checked++
				if !tb.Routed[i*k+j] || math.Abs(got-want) > 0.05+1e-5*want {
					t.Errorf("%d→%d: %.2f m (routed %v), plain Dijkstra %.2f m", pick[i], pick[j], got, tb.Routed[i*k+j], want)
				}
			}
		}
		if checked < k*k/2 {
			t.Fatalf("only %d of %d pairs connected: the sample says little", checked, k*k)
		}
		t.Logf("%d pairs equal, %d unreachable in both", checked, unreachable)
	}
}
