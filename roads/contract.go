package roads

import "slices"

// piece is the stretch of a way between two consecutive OSM nodes, with
// the directions a car may drive it (from a to b: fwd).
type piece struct {
	a, b     uint32
	fwd, bwd bool
	meters   float32
	limit    [2]uint8
	name     uint32
	noSnap   bool
	way      int32 // index of the import's way
}

// oriented returns p's directions seen from node from.
func (p piece) oriented(from uint32) (fwd, bwd bool) {
	if p.a == from {
		return p.fwd, p.bwd
	}
	return p.bwd, p.fwd
}

func (p piece) other(u uint32) uint32 {
	if p.a == u {
		return p.b
	}
	return p.a
}

// contract builds the junction graph: most nodes of a way are bends where
// nothing else meets (nine in ten of Monaco's), and a search that settles
// them does nine times the work. A node is kept when a third piece meets
// it, when the road changes there (name, limit, one-way), or to break a
// ring of bends; the bends between kept nodes become the shape of the edge
// that joins them, for snapping and drawing. lat and lon are the pieces'
// nodes; the network gets only the kept ones.
// Nodes in keep (the junctions of turn restrictions) are kept whatever
// they are; newID gives the network's number of a kept node.
func (n *Network) contract(lat, lon []int32, pieces []piece, force []uint32) (edges []rawEdge, shapeLat, shapeLon []int32, newID []uint32) {
	k := len(lat)
	// Pieces by node.
	start := make([]uint32, k+1)
	for _, p := range pieces {
		start[p.a+1]++
		start[p.b+1]++
	}
	for u := range k {
		start[u+1] += start[u]
	}
	inc := make([]uint32, start[k])
	fill := slices.Clone(start[:k])
	for i, p := range pieces {
		inc[fill[p.a]] = uint32(i)
		fill[p.a]++
		inc[fill[p.b]] = uint32(i)
		fill[p.b]++
	}
	fill = nil
	keep := make([]bool, k)
	for v := range k {
		keep[v] = !bend(uint32(v), pieces, inc[start[v]:start[v+1]])
	}
	for _, v := range force {
		keep[v] = true
	}
	visited := make([]bool, len(pieces))
	newID = make([]uint32, k)
	for i := range newID {
		newID[i] = ^uint32(0)
	}
	id := func(u uint32) uint32 {
		if newID[u] == ^uint32(0) {
			newID[u] = uint32(len(n.lat))
			n.lat, n.lon = append(n.lat, lat[u]), append(n.lon, lon[u])
		}
		return newID[u]
	}
	var shape []uint32
	walk := func(u uint32, pi uint32) {
		p := pieces[pi]
		firstWay := p.way
		fwd, bwd := p.oriented(u)
		meters := p.meters
		visited[pi] = true
		shape = shape[:0]
		cur := p.other(u)
		for !keep[cur] {
			shape = append(shape, cur)
			next := inc[start[cur]]
			if next == pi {
				next = inc[start[cur]+1]
			}
			pi = next
			visited[pi] = true
			meters += pieces[pi].meters
			cur = pieces[pi].other(cur)
		}
		a, b := id(u), id(cur)
		off := uint32(len(shapeLat))
		for _, s := range shape {
			shapeLat, shapeLon = append(shapeLat, lat[s]), append(shapeLon, lon[s])
		}
		e := rawEdge{tail: a, head: b, meters: meters, limit: p.limit, name: p.name, noSnap: p.noSnap, rev: -1,
			shapeOff: off, shapeLen: uint32(len(shape)), wayTail: firstWay, wayHead: pieces[pi].way}
		f := len(edges)
		if fwd {
			edges = append(edges, e)
		}
		if bwd {
			r := e
			r.tail, r.head = b, a
			r.wayTail, r.wayHead = e.wayHead, e.wayTail
			r.shapeOff = uint32(len(shapeLat))
			for i := len(shape) - 1; i >= 0; i-- {
				shapeLat, shapeLon = append(shapeLat, lat[shape[i]]), append(shapeLon, lon[shape[i]])
			}
			if fwd {
				edges[f].rev, r.rev = int32(f+1), int32(f)
			}
			edges = append(edges, r)
		}
	}
	from := func(u uint32) {
		for _, pi := range inc[start[u]:start[u+1]] {
			if !visited[pi] {
				walk(u, pi)
			}
		}
	}
	for u := range k {
		if keep[u] {
			from(uint32(u))
		}
	}
	// What is left are rings of bends: one node of each is kept.
	for i, p := range pieces {
		if !visited[i] {
			keep[p.a] = true
			from(p.a)
		}
	}
	return edges, shapeLat, shapeLon, newID
}

// bend reports that node v is only a bend of one road: exactly two pieces
// meet there, to two other nodes, with the same name, limits, snapping
// and one-way direction through v.
func bend(v uint32, pieces []piece, inc []uint32) bool {
	if len(inc) != 2 {
		return false
	}
	p, q := pieces[inc[0]], pieces[inc[1]]
	oa, ob := p.other(v), q.other(v)
	if oa == v || ob == v || p.name != q.name || p.limit != q.limit || p.noSnap != q.noSnap {
		return false
	}
	// p driven from oa into v, q from v on to ob.
	f1, b1 := p.oriented(oa)
	f2, b2 := q.oriented(v)
	return f1 == f2 && b1 == b2
}
