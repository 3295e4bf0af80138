package roads

import (
	"math"
	"slices"
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

// end is a search state a search starts from, or a graph node it must
// reach, with the cost of the piece of segment between it and the snapped
// point.
type end struct {
	node     uint32
	cost, c2 float64
}

// starts are the states a car at s can drive to along its segment: the
// end it drives to, in the state of arriving by that edge (its turn
// restrictions apply), or the node itself when it stands on it.
func (n *Network) starts(s Snap, w, w2 []float32) []end {
	e, r := s.Edge, n.reverse(s.Edge)
	out := []end{{n.enter(e), (1 - s.T) * float64(w[e]), (1 - s.T) * float64(w2[e])}}
	switch {
	case s.T == 0:
		out = append(out, end{n.tail[e], 0, 0})
	case r >= 0:
		out = append(out, end{n.enter(r), s.T * float64(w[r]), s.T * float64(w2[r])})
	}
	if s.T == 1 {
		out = append(out, end{n.head[e], 0, 0})
	}
	return out
}

// enter is the search state reached by driving edge e: its head, or the
// head as reached by e when some turn out of e is forbidden.
func (n *Network) enter(e int32) uint32 {
	if ts := n.turnState[e]; ts >= 0 {
		return uint32(len(n.lat)) + uint32(ts)
	}
	return n.head[e]
}

// arrivals are the nodes from which a car reaches s along its segment. A
// point on a junction is reached at the junction: driving a whole edge to
// it here would skip the turn restrictions the search applies. Entering
// the segment of a point between junctions does skip them (a documented
// approximation: the last few metres of a leg).
func (n *Network) arrivals(s Snap, w, w2 []float32) []end {
	e, r := s.Edge, n.reverse(s.Edge)
	switch {
	case s.T == 0:
		return []end{{n.tail[e], 0, 0}}
	case s.T == 1:
		return []end{{n.head[e], 0, 0}}
	}
	out := []end{{n.tail[e], s.T * float64(w[e]), s.T * float64(w2[e])}}
	if r >= 0 {
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

// The states are the nodes, then one per edge out of which some turn is
// forbidden (Network.turnState): reaching a junction by such an edge is
// another state than reaching it otherwise, since fewer ways lead on.
// The record is 32 bytes: the secondary metric is a float32 (a millimetre
// over 10 km), and a target reached has its mark cleared rather than a
// flag of its own.
type nodeState struct {
	dist   float64
	sec    float32
	parent int32  // edge into the state, -1 at a start
	from   int32  // state the parent edge left
	stamp  uint32 // run that reached the state
	done   uint32 // run that settled it
	target uint32 // run for which the node is a target not yet reached, 0 once reached
}

func newSearch(n *Network) *search {
	return &search{n: n, node: make([]nodeState, len(n.lat)+len(n.stateNode))}
}

// cost returns the settled cost of node u in this run, in whichever of its
// states is cheapest, and that state; +Inf when not reached.
func (s *search) cost(u uint32) (c, c2 float64, state uint32) {
	c, c2, state = math.Inf(1), math.Inf(1), u
	if st := &s.node[u]; st.done == s.run {
		c, c2 = st.dist, float64(st.sec)
	}
	for _, x := range s.n.nodeStates[u] {
		if st := &s.node[x]; st.done == s.run && st.dist < c {
			c, c2, state = st.dist, float64(st.sec), x
		}
	}
	return c, c2, state
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
		s.relax(st.node, st.cost, st.c2, -1, -1)
	}
	n := s.n
	nodes := uint32(len(n.lat))
	for len(s.heap) > 0 && left > 0 {
		it := s.heap.pop()
		x := it.u
		sx := &s.node[x]
		if sx.done == s.run || it.d > sx.dist {
			continue
		}
		sx.done = s.run
		u := x
		var forbid []uint32
		if x >= nodes {
			k := x - nodes
			u = n.stateNode[k]
			forbid = n.stateForbid[n.stateForbidFirst[k]:n.stateForbidFirst[k+1]]
		}
		if su := &s.node[u]; su.target == s.run {
			su.target = 0
			left--
		}
		d, d2 := sx.dist, float64(sx.sec)
		for e := n.first[u]; e < n.first[u+1]; e++ {
			if len(forbid) > 0 && slices.Contains(forbid, e) {
				continue
			}
			s.relax(n.enter(int32(e)), d+float64(w[e]), d2+float64(w2[e]), int32(e), int32(x))
		}
	}
}

func (s *search) relax(v uint32, d, d2 float64, via, from int32) {
	sv := &s.node[v]
	if sv.stamp == s.run && d >= sv.dist {
		return
	}
	sv.stamp, sv.dist, sv.sec, sv.parent, sv.from = s.run, d, float32(d2), via, from
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
