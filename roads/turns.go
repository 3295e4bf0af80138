package roads

import (
	"slices"
	"strings"

	"github.com/paulmach/osm"
)

// restriction is an OSM turn restriction for cars: from a way, through a
// node, onto a way; only restrictions (only_*) forbid every other way out.
// Restrictions through a way (via a way) are not read.
type restriction struct {
	from, to osm.WayID
	via      osm.NodeID
	only     bool
}

// carRestriction reads a type=restriction relation that applies to cars:
// restriction=* or restriction:motorcar=*, without an except= naming cars.
func carRestriction(r *osm.Relation) (restriction, bool) {
	if r.Tags.Find("type") != "restriction" {
		return restriction{}, false
	}
	kind := r.Tags.Find("restriction:motorcar")
	if kind == "" {
		kind = r.Tags.Find("restriction")
	}
	for _, x := range strings.Split(r.Tags.Find("except"), ";") {
		if x = strings.TrimSpace(x); x == "motorcar" || x == "motor_vehicle" {
			return restriction{}, false
		}
	}
	var res restriction
	switch {
	case strings.HasPrefix(kind, "no_"):
	case strings.HasPrefix(kind, "only_"):
		res.only = true
	default:
		return restriction{}, false
	}
	var froms, tos, vias int
	for _, m := range r.Members {
		switch {
		case m.Role == "from" && m.Type == osm.TypeWay:
			res.from = osm.WayID(m.Ref)
			froms++
		case m.Role == "to" && m.Type == osm.TypeWay:
			res.to = osm.WayID(m.Ref)
			tos++
		case m.Role == "via" && m.Type == osm.TypeNode:
			res.via = osm.NodeID(m.Ref)
			vias++
		case m.Role == "via":
			return restriction{}, false // via a way: not read
		}
	}
	return res, froms == 1 && tos == 1 && vias == 1
}

// forbiddenTurns turns the restrictions into pairs of edges (in, out) a car
// may not chain at their common junction. way gives the index, in ways,
// of an OSM way id; via the junction of a node index of the import, or
// false when the node was cut out of the area.
func forbiddenTurns(rs []restriction, edges []rawEdge, way func(osm.WayID) (int32, bool), via func(osm.NodeID) (uint32, bool)) [][2]uint32 {
	if len(rs) == 0 {
		return nil
	}
	at := map[uint32]bool{}
	type turn struct {
		from, to int32
		only     bool
	}
	byNode := map[uint32][]turn{}
	for _, r := range rs {
		v, ok := via(r.via)
		f, okF := way(r.from)
		t, okT := way(r.to)
		if ok && okF && okT {
			at[v] = true
			byNode[v] = append(byNode[v], turn{f, t, r.only})
		}
	}
	in, out := map[uint32][]int{}, map[uint32][]int{}
	for i, e := range edges {
		if at[e.head] {
			in[e.head] = append(in[e.head], i)
		}
		if at[e.tail] {
			out[e.tail] = append(out[e.tail], i)
		}
	}
	var pairs [][2]uint32
	for v, turns := range byNode {
		for _, t := range turns {
			for _, i := range in[v] {
				if edges[i].wayHead != t.from {
					continue
				}
				for _, o := range out[v] {
					onTo := edges[o].wayTail == t.to
					if onTo != t.only {
						pairs = append(pairs, [2]uint32{uint32(i), uint32(o)})
					}
				}
			}
		}
	}
	slices.SortFunc(pairs, func(a, b [2]uint32) int {
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		return int(a[1]) - int(b[1])
	})
	return slices.Compact(pairs)
}

// buildTurns derives the search's turn states from the forbidden pairs:
// every edge that some turn is forbidden from leads to a state of its own
// (node count + k), out of which those turns are skipped.
func (n *Network) buildTurns() {
	n.turnState = make([]int32, len(n.head))
	for i := range n.turnState {
		n.turnState[i] = -1
	}
	n.stateNode, n.stateForbidFirst, n.stateForbid = nil, []uint32{0}, nil
	for i, p := range n.turns {
		if i == 0 || n.turns[i-1][0] != p[0] {
			n.turnState[p[0]] = int32(len(n.stateNode))
			n.stateNode = append(n.stateNode, n.head[p[0]])
			if i > 0 {
				n.stateForbidFirst = append(n.stateForbidFirst, uint32(len(n.stateForbid)))
			}
		}
		n.stateForbid = append(n.stateForbid, p[1])
	}
	if len(n.turns) > 0 {
		n.stateForbidFirst = append(n.stateForbidFirst, uint32(len(n.stateForbid)))
	}
	// The states of each node, for the cost of arriving there.
	n.nodeStates = map[uint32][]uint32{}
	for k, v := range n.stateNode {
		n.nodeStates[v] = append(n.nodeStates[v], uint32(len(n.lat)+k))
	}
}

// noUTurnsMidRoad forbids turning back where only two roads meet (a node
// kept because the road's name or limit changes there, or for a turn
// restriction): a car turns round at junctions and dead ends, not in the
// middle of a street, and bends inside an edge allow no turn at all.
func noUTurnsMidRoad(nodes int, edges []rawEdge) [][2]uint32 {
	const none = ^uint32(0)
	first, second := make([]uint32, nodes), make([]uint32, nodes)
	for i := range first {
		first[i], second[i] = none, none
	}
	many := make([]bool, nodes)
	see := func(v, w uint32) {
		switch {
		case first[v] == none || first[v] == w:
			first[v] = w
		case second[v] == none || second[v] == w:
			second[v] = w
		default:
			many[v] = true
		}
	}
	for _, e := range edges {
		see(e.tail, e.head)
		see(e.head, e.tail)
	}
	var pairs [][2]uint32
	for i, e := range edges {
		v := e.head
		if e.rev >= 0 && second[v] != none && !many[v] {
			pairs = append(pairs, [2]uint32{uint32(i), uint32(e.rev)})
		}
	}
	return pairs
}
