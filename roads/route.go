package roads

import (
	"math"
	"sync"
)

// Metric is what a route minimises.
type Metric int

const (
	// Time is the quickest route at DrivingShare of the limits.
	Time Metric = iota
	// Distance is the shortest route in metres, one-ways respected.
	Distance
)

// Profile picks the speed limits a way without a maxspeed tag gets.
type Profile int

const (
	Urban Profile = iota
	Rural
)

// ApproachKmh is the speed of the straight line between a point and the
// road it snaps to (a yard, a lane the map lacks): walking pace of a car.
const ApproachKmh = 20

// weights caches each metric's edge costs: [0] metres, [1+profile] seconds.
type weights struct {
	once [3]sync.Once
	w    [3][]float32
}

func (n *Network) weights(m Metric, p Profile) (primary, secondary []float32) {
	if n.cache == nil {
		panic("roads: network not built")
	}
	get := func(k int) []float32 {
		n.cache.once[k].Do(func() {
			w := make([]float32, len(n.head))
			for e := range w {
				if k == 0 {
					w[e] = n.meters[e]
				} else {
					w[e] = float32(n.seconds(int32(e), k-1))
				}
			}
			n.cache.w[k] = w
		})
		return n.cache.w[k]
	}
	secs := get(1 + int(p))
	if m == Distance {
		return get(0), secs
	}
	return secs, get(0)
}

// end is a graph node a search starts from or must reach, with the cost of
// the piece of segment between it and the snapped point.
type end struct {
	node     uint32
	cost, c2 float64
}

// starts are the nodes a car at s can drive to along its segment.
func (n *Network) starts(s Snap, w, w2 []float32) []end {
	e, r := s.Edge, n.reverse(s.Edge)
	out := []end{{n.head[e], (1 - s.T) * float64(w[e]), (1 - s.T) * float64(w2[e])}}
	switch {
	case s.T == 0:
		out = append(out, end{n.tail[e], 0, 0})
	case r >= 0:
		out = append(out, end{n.tail[e], s.T * float64(w[r]), s.T * float64(w2[r])})
	}
	return out
}

// arrivals are the nodes from which a car reaches s along its segment.
func (n *Network) arrivals(s Snap, w, w2 []float32) []end {
	e, r := s.Edge, n.reverse(s.Edge)
	out := []end{{n.tail[e], s.T * float64(w[e]), s.T * float64(w2[e])}}
	switch {
	case s.T == 1:
		out = append(out, end{n.head[e], 0, 0})
	case r >= 0:
		out = append(out, end{n.head[e], (1 - s.T) * float64(w[r]), (1 - s.T) * float64(w2[r])})
	}
	return out
}

// along is the cost of driving from a to b on their common segment without
// leaving it, or ok false when the one-way forbids it (or they are on
// different segments).
func (n *Network) along(a, b Snap, w, w2 []float32) (c, c2 float64, ok bool) {
	if a.Edge != b.Edge {
		return 0, 0, false
	}
	e := a.Edge
	if a.T <= b.T {
		return (b.T - a.T) * float64(w[e]), (b.T - a.T) * float64(w2[e]), true
	}
	if r := n.reverse(e); r >= 0 {
		return (a.T - b.T) * float64(w[r]), (a.T - b.T) * float64(w2[r]), true
	}
	return 0, 0, false
}

// search is one Dijkstra run's state, reused between sources: a stamp
// tells which entries belong to the current run, so nothing is cleared.
type search struct {
	n      *Network
	dist   []float64
	sec    []float64
	parent []int32 // edge into the node, -1 at a start
	stamp  []uint32
	done   []uint32 // stamp when settled
	target []uint32 // stamp when a target of this run
	run    uint32
	heap   minHeap
}

func newSearch(n *Network) *search {
	k := len(n.lat)
	return &search{n: n, dist: make([]float64, k), sec: make([]float64, k), parent: make([]int32, k),
		stamp: make([]uint32, k), done: make([]uint32, k), target: make([]uint32, k)}
}

// cost returns the settled cost of node u in this run, +Inf when not
// reached.
func (s *search) cost(u uint32) (float64, float64) {
	if s.done[u] != s.run {
		return math.Inf(1), math.Inf(1)
	}
	return s.dist[u], s.sec[u]
}

// run settles nodes from the starts until every target node is settled
// or nothing is left to reach.
func (s *search) runFrom(starts []end, targets []uint32, w, w2 []float32) {
	s.run++
	s.heap = s.heap[:0]
	left := 0
	for _, t := range targets {
		if s.target[t] != s.run {
			s.target[t] = s.run
			left++
		}
	}
	for _, st := range starts {
		s.relax(st.node, st.cost, st.c2, -1)
	}
	n := s.n
	for len(s.heap) > 0 && left > 0 {
		it := s.heap.pop()
		u := it.u
		if s.done[u] == s.run || it.d > s.dist[u] {
			continue
		}
		s.done[u] = s.run
		if s.target[u] == s.run {
			left--
		}
		for e := n.first[u]; e < n.first[u+1]; e++ {
			s.relax(n.head[e], it.d+float64(w[e]), s.sec[u]+float64(w2[e]), int32(e))
		}
	}
}

func (s *search) relax(v uint32, d, d2 float64, via int32) {
	if s.stamp[v] == s.run && d >= s.dist[v] {
		return
	}
	s.stamp[v] = s.run
	s.dist[v], s.sec[v], s.parent[v] = d, d2, via
	s.heap.push(item{d, v})
}

type item struct {
	d float64
	u uint32
}

// minHeap is a binary min-heap with lazy deletion: a node improved is pushed
// again and its stale entries skipped when popped.
type minHeap []item

func (h *minHeap) push(it item) {
	*h = append(*h, it)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= a[i].d {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *minHeap) pop() item {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(a) {
			break
		}
		if r := l + 1; r < len(a) && a[r].d < a[l].d {
			l = r
		}
		if a[i].d <= a[l].d {
			break
		}
		a[i], a[l] = a[l], a[i]
		i = l
	}
	*h = a
	return top
}
