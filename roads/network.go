package roads

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Network is the drivable road network of an area: nodes where ways meet
// or bend, and directed edges between consecutive nodes of a way (a two-way
// street gives two edges). It is read-only once built, so one Network
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

	grid  *grid    // segments by cell, for snapping
	cache *weights // edge costs per metric and profile, made on first use
}

// Nodes and Edges count the graph's size.
func (n *Network) Nodes() int { return len(n.lat) }
func (n *Network) Edges() int { return len(n.head) }

func (n *Network) point(u uint32) orb.Point {
	return orb.Point{float64(n.lon[u]) / 1e7, float64(n.lat[u]) / 1e7}
}

// rawEdge is an edge before the adjacency is built.
type rawEdge struct {
	tail, head uint32
	meters     float32
	limit      [2]uint8
	name       uint32
}

// build sorts the edges by tail and fills the adjacency and the snapping
// grid.
func (n *Network) build(edges []rawEdge) {
	slices.SortFunc(edges, func(a, b rawEdge) int {
		if c := cmp.Compare(a.tail, b.tail); c != 0 {
			return c
		}
		return cmp.Compare(a.head, b.head)
	})
	m := len(edges)
	n.tail, n.head, n.meters, n.name = make([]uint32, m), make([]uint32, m), make([]float32, m), make([]uint32, m)
	n.limit[0], n.limit[1] = make([]uint8, m), make([]uint8, m)
	n.first = make([]uint32, len(n.lat)+1)
	for i, e := range edges {
		n.tail[i], n.head[i], n.meters[i], n.name[i] = e.tail, e.head, e.meters, e.name
		n.limit[0][i], n.limit[1][i] = e.limit[0], e.limit[1]
		n.first[e.tail+1]++
	}
	for u := range len(n.lat) {
		n.first[u+1] += n.first[u]
	}
	n.grid = newGrid(n)
	n.cache = &weights{}
}

// reverse returns the edge from e's head back to its tail, or -1 when the
// way is one-way.
func (n *Network) reverse(e int32) int32 {
	a, b := n.tail[e], n.head[e]
	for f := n.first[b]; f < n.first[b+1]; f++ {
		if n.head[f] == a {
			return int32(f)
		}
	}
	return -1
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
