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
// A node's state is one 32-byte record: a relaxation touches one cache
// line instead of four arrays.
type search struct {
	n    *Network
	node []nodeState
	run  uint32
	heap minHeap
}

type nodeState struct {
	dist, sec float64
	parent    int32  // edge into the node, -1 at a start
	stamp     uint32 // run that reached the node
	done      uint32 // run that settled it
	target    uint32 // run for which it is a target
}

func newSearch(n *Network) *search {
	return &search{n: n, node: make([]nodeState, len(n.lat))}
}

// cost returns the settled cost of node u in this run, +Inf when not
// reached.
func (s *search) cost(u uint32) (float64, float64) {
	if st := &s.node[u]; st.done == s.run {
		return st.dist, st.sec
	}
	return math.Inf(1), math.Inf(1)
}

// runFrom settles nodes from the starts until every target node is
// settled or nothing is left to reach.
func (s *search) runFrom(starts []end, targets []uint32, w, w2 []float32) {
	s.run++
	s.heap = s.heap[:0]
	left := 0
	for _, t := range targets {
		if s.node[t].target != s.run {
			s.node[t].target = s.run
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
		su := &s.node[u]
		if su.done == s.run || it.d > su.dist {
			continue
		}
		su.done = s.run
		if su.target == s.run {
			left--
		}
		d, d2 := su.dist, su.sec
		for e := n.first[u]; e < n.first[u+1]; e++ {
			s.relax(n.head[e], d+float64(w[e]), d2+float64(w2[e]), int32(e))
		}
	}
}

func (s *search) relax(v uint32, d, d2 float64, via int32) {
	sv := &s.node[v]
	if sv.stamp == s.run && d >= sv.dist {
		return
	}
	sv.stamp, sv.dist, sv.sec, sv.parent = s.run, d, d2, via
	s.heap.push(item{d, v})
}

type item struct {
	d float64
	u uint32
}

// minHeap is a 4-ary min-heap with lazy deletion: a node improved is
// pushed again and its stale entries skipped when popped. Four children
// per node halve the depth of a binary heap for the same comparisons.
type minHeap []item

func (h *minHeap) push(it item) {
	*h = append(*h, it)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 4
		if a[p].d <= it.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = it
}

func (h *minHeap) pop() item {
	a := *h
	top := a[0]
	last := a[len(a)-1]
	a = a[:len(a)-1]
	*h = a
	if len(a) == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= len(a) {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < len(a); k++ {
			if a[k].d < a[m].d {
				m = k
			}
		}
		if last.d <= a[m].d {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = last
	return top
}
