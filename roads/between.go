package roads

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Route is one route between two points.
type Route struct {
	Seconds, Meters float64
	// Roads are the route's main roads in driving order: the named roads
	// that make up a good part of it (see mainRoads).
	Roads []string
	// Line is the route's geometry, from the first point's road to the
	// second's.
	Line orb.LineString
}

// Route finds the route from a to b for the metric. ok is false when a
// point is farther than MaxSnapMeters from every road or no road joins
// them (unsnapped tells which of the two: 0 a, 1 b, -1 neither).
func (n *Network) Route(a, b orb.Point, m Metric, p Profile) (r Route, unsnapped int, ok bool) {
	sa, okA := n.Snap(a)
	sb, okB := n.Snap(b)
	switch {
	case !okA:
		return Route{}, 0, false
	case !okB:
		return Route{}, 1, false
	}
	if samePlace(sa, sb) {
		// One door to itself, or two doors on one spot of the same road:
		// nothing to drive. Counting each point's line to the road would
		// give a car going out to the street and straight back in.
		return Route{Line: orb.LineString{sa.OnRoad, sb.OnRoad}}, -1, true
	}
	w, w2 := n.weights(m, p)
	arr := n.arrivals(sb, w, w2)
	s := newSearch(n)
	targets := []uint32{arr[0].node}
	if len(arr) > 1 {
		targets = append(targets, arr[1].node)
	}
	s.runFrom(n.starts(sa, w, w2), targets, w, w2)
	c, c2 := s.best(sa, sb, arr, w, w2)
	if math.IsInf(c, 1) {
		return Route{}, -1, false
	}
	var edges []int32
	if d, _, along := n.along(sa, sb, w, w2); !along || d > c {
		// Through the graph: the arrival that gave c, then back along the
		// parents, state by state.
		last := uint32(math.MaxUint32)
		for _, e := range arr {
			if d, _, x := s.cost(e.node); d+e.cost == c {
				last = x
				break
			}
		}
		for x := int32(last); x >= 0 && s.node[x].parent >= 0; x = s.node[x].from {
			edges = append(edges, s.node[x].parent)
		}
		slices.Reverse(edges)
	}
	r.Meters, r.Seconds = c, c2
	if m == Time {
		r.Meters, r.Seconds = c2, c
	}
	off := sa.Offset + sb.Offset
	r.Meters += off
	r.Seconds += off / (ApproachKmh / 3.6)
	r.Line = append(r.Line, sa.OnRoad)
	var buf []orb.Point
	for _, e := range edges {
		buf = n.shape(e, buf)
		r.Line = append(r.Line, buf[1:]...)
	}
	r.Line = append(r.Line, sb.OnRoad)
	// The two partial segments at the ends count for their road too.
	pieces := []int32{sa.Edge}
	pieces = append(pieces, edges...)
	pieces = append(pieces, sb.Edge)
	r.Roads = n.mainRoads(pieces)
	return r, -1, true
}

// mainRoads names the roads of a path in order, merging consecutive pieces
// of one road and keeping those that make at least a tenth of its length
// or 500 m, at most eight: what a nurse would say to describe the route.
func (n *Network) mainRoads(edges []int32) []string {
	type stretch struct {
		name   string
		meters float64
	}
	var all []stretch
	total := 0.0
	for _, e := range edges {
		name := n.names[n.name[e]]
		total += float64(n.meters[e])
		if len(all) > 0 && all[len(all)-1].name == name {
			all[len(all)-1].meters += float64(n.meters[e])
			continue
		}
		all = append(all, stretch{name, float64(n.meters[e])})
	}
	var out []string
	for _, s := range all {
		if s.name == "" || (s.meters < total/10 && s.meters < 500) {
			continue
		}
		if len(out) > 0 && out[len(out)-1] == s.name {
			continue
		}
		out = append(out, s.name)
		if len(out) == 8 {
			break
		}
	}
	return out
}

// samePlace reports that two snapped points stand on the same spot of the
// network: the same position of the same edge, or the same point on the
// road (the end of one edge and the start of the next).
func samePlace(a, b Snap) bool {
	return a.Edge == b.Edge && a.T == b.T || a.OnRoad == b.OnRoad
}
