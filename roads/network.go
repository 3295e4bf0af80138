package roads

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Network is the drivable road network of an area: junctions, and directed
// edges between them along a road, with the road's bends as their shape (a
// two-way street gives two edges). It is read-only once built, so one Network
// serves concurrent routers.
type Network struct {
	// Source names the extract imported (its file name) and Imported when.
	Source   string
	Imported time.Time
	// Bound is the area kept: every point given at import plus a margin.
	Bound orb.Bound

	lat, lon []int32 // 1e-7 degree, the PBF's own resolution

	// Edges sorted by tail, as a compressed adjacency: the edges out of
	// node u are first[u]..first[u+1].
	first  []uint32
	tail   []uint32
	head   []uint32
	meters []float32
	// limit is the speed limit in km/h, per travel profile (0 urban,
	// 1 rural): the tagged one, or the class default.
	limit [2][]uint8
	name  []uint32 // index into names; 0 is the unnamed road
	names []string
	rev   []int32 // the same road the other way, -1 for a one-way
	// noSnap marks the roads no point is placed on (snapless).
	noSnap []bool
	// turns are the forbidden (in, out) edge pairs of the turn
	// restrictions, sorted; the rest is derived from them (buildTurns).
	turns            [][2]uint32
	turnState        []int32 // per edge: its state when it has forbidden turns, else -1
	stateNode        []uint32
	stateForbidFirst []uint32
	stateForbid      []uint32
	nodeStates       map[uint32][]uint32

	// The bends of edge e are shapeLat/Lon[shapeFirst[e]:shapeFirst[e+1]].
	shapeFirst         []uint32
	shapeLat, shapeLon []int32

	grid  *grid    // segments by cell, for snapping
	cache *weights // edge costs per metric and profile, made on first use
}

// Nodes and Edges count the graph's size.
func (n *Network) Nodes() int { return len(n.lat) }
func (n *Network) Edges() int { return len(n.head) }

func (n *Network) point(u uint32) orb.Point {
	return orb.Point{float64(n.lon[u]) / 1e7, float64(n.lat[u]) / 1e7}
}

// rawEdge is an edge before the adjacency is built. rev is the index of
// the opposite edge in the same slice (-1 for a one-way), and the shape
// its bends, shapeLen points from shapeOff of the shape arrays given with
// it.
type rawEdge struct {
	tail, head         uint32
	meters             float32
	limit              [2]uint8
	name               uint32
	noSnap             bool
	rev                int32
	wayTail, wayHead   int32 // the import's way at each end (for turns)
	shapeOff, shapeLen uint32
}

// build sorts the edges by tail and fills the adjacency, the shapes and
// the snapping grid.
func (n *Network) build(edges []rawEdge, shapeLat, shapeLon []int32, turns [][2]uint32) {
	perm := make([]int32, len(edges))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return cmp.Compare(edges[a].tail, edges[b].tail) })
	inv := make([]int32, len(edges))
	for i, old := range perm {
		inv[old] = int32(i)
	}
	m := len(edges)
	n.tail, n.head, n.meters, n.name = make([]uint32, m), make([]uint32, m), make([]float32, m), make([]uint32, m)
	n.limit[0], n.limit[1] = make([]uint8, m), make([]uint8, m)
	n.rev = make([]int32, m)
	n.noSnap = make([]bool, m)
	n.shapeFirst = make([]uint32, m+1)
	n.shapeLat, n.shapeLon = make([]int32, 0, len(shapeLat)), make([]int32, 0, len(shapeLon))
	n.first = make([]uint32, len(n.lat)+1)
	for i, old := range perm {
		e := edges[old]
		n.tail[i], n.head[i], n.meters[i], n.name[i] = e.tail, e.head, e.meters, e.name
		n.limit[0][i], n.limit[1][i] = e.limit[0], e.limit[1]
		n.rev[i] = -1
		n.noSnap[i] = e.noSnap
		if e.rev >= 0 {
			n.rev[i] = inv[e.rev]
		}
		n.shapeLat = append(n.shapeLat, shapeLat[e.shapeOff:e.shapeOff+e.shapeLen]...)
		n.shapeLon = append(n.shapeLon, shapeLon[e.shapeOff:e.shapeOff+e.shapeLen]...)
		n.shapeFirst[i+1] = uint32(len(n.shapeLat))
		n.first[e.tail+1]++
	}
	for u := range len(n.lat) {
		n.first[u+1] += n.first[u]
	}
	n.turns = make([][2]uint32, len(turns))
	for i, t := range turns {
		n.turns[i] = [2]uint32{uint32(inv[t[0]]), uint32(inv[t[1]])}
	}
	slices.SortFunc(n.turns, func(a, b [2]uint32) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	n.turns = slices.Compact(n.turns)
	n.buildTurns()
	n.grid = newGrid(n)
	n.cache = &weights{}
}

// reverse returns the edge from e's head back to its tail along the same
// road, or -1 when the road is one-way.
func (n *Network) reverse(e int32) int32 { return n.rev[e] }

// shape returns the points of edge e from its tail to its head.
func (n *Network) shape(e int32, buf []orb.Point) []orb.Point {
	buf = append(buf[:0], n.point(n.tail[e]))
	for i := n.shapeFirst[e]; i < n.shapeFirst[e+1]; i++ {
		buf = append(buf, orb.Point{float64(n.shapeLon[i]) / 1e7, float64(n.shapeLat[i]) / 1e7})
	}
	return append(buf, n.point(n.head[e]))
}

// seconds is the time to drive edge e at DrivingShare of its limit.
func (n *Network) seconds(e int32, profile int) float64 {
	kmh := float64(n.limit[profile][e]) * DrivingShare
	return float64(n.meters[e]) / (kmh / 3.6)
}

// limitByte stores a speed limit in km/h in one byte.
func limitByte(kmh float64) uint8 {
	return uint8(math.Max(1, math.Min(255, math.Round(kmh))))
}
