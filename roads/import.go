package roads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// Area is what an import keeps of an extract: the ways whose nodes lie in
// the bounding box of Points grown by MarginMeters. No points keeps the
// whole extract (a test, or a cabinet with nobody placed yet).
type Area struct {
	Points       []orb.Point
	MarginMeters float64
}

// DefaultMarginMeters grows the cabinet's box so that a route between two
// patients near its edge may leave it (a bypass, the next bridge).
const DefaultMarginMeters = 10_000

// bound is the area's box, or ok false for the whole extract.
func (a Area) bound() (b orb.Bound, ok bool) {
	var pts []orb.Point
	for _, p := range a.Points {
		if p != (orb.Point{}) && !math.IsNaN(p[0]) && !math.IsNaN(p[1]) {
			pts = append(pts, p)
		}
	}
	if len(pts) == 0 {
		return orb.Bound{}, false
	}
	b = orb.MultiPoint(pts).Bound()
	dLat := a.MarginMeters / 111_320
	cos := math.Max(0.01, math.Cos(b.Max.Lat()*math.Pi/180))
	dLon := a.MarginMeters / (111_320 * cos)
	b.Min = orb.Point{b.Min.Lon() - dLon, b.Min.Lat() - dLat}
	b.Max = orb.Point{b.Max.Lon() + dLon, b.Max.Lat() + dLat}
	return b, true
}

// Progress reports an import's advance: Pass 1 reads the ways, pass 2 the
// nodes; Done of Total bytes of the file in the current pass.
type Progress struct {
	Pass        int
	Done, Total int64
}

// ErrNoRoads is an extract (or an area) without a single drivable road.
var ErrNoRoads = errors.New("no drivable road in the extract for this area")

// Import reads an OSM PBF extract twice: the ways first, keeping the
// drivable ones and the ids of their nodes, then only those nodes. No map
// of every node of the extract is ever held: the needed ids are one sorted
// slice, and the coordinates two int32 slices beside it. progress, when
// not nil, is called from this goroutine a few times a second at most.
func Import(ctx context.Context, path string, area Area, progress func(Progress)) (*Network, error) {
	box, boxed := area.bound()
	ways, refs, names, rs, err := readWays(ctx, path, progress)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(refs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.Clip(ids)
	lat, lon, present, err := readNodes(ctx, path, ids, box, boxed, progress)
	if err != nil {
		return nil, err
	}

	// Keep the nodes found in the area, numbered densely.
	const none = math.MaxUint32
	index := make([]uint32, len(ids))
	net := &Network{Source: filepath.Base(path), Imported: time.Now().UTC(), names: names}
	var all struct{ lat, lon []int32 } // every node found, before contraction
	for i := range ids {
		index[i] = none
		if present[i/64]&(1<<(i%64)) != 0 {
			index[i] = uint32(len(all.lat))
			all.lat = append(all.lat, lat[i])
			all.lon = append(all.lon, lon[i])
		}
	}
	lat, lon, present = nil, nil, nil
	var pieces []piece
	for wi, w := range ways {
		urban, rural := w.info.limits()
		lim := [2]uint8{limitByte(urban), limitByte(rural)}
		nodes := refs[w.first : w.first+w.count]
		for k := 1; k < len(nodes); k++ {
			ia, _ := slices.BinarySearch(ids, nodes[k-1])
			ib, _ := slices.BinarySearch(ids, nodes[k])
			a, b := index[ia], index[ib]
			if a == none || b == none || a == b {
				continue
			}
			pa := orb.Point{float64(all.lon[a]) / 1e7, float64(all.lat[a]) / 1e7}
			pb := orb.Point{float64(all.lon[b]) / 1e7, float64(all.lat[b]) / 1e7}
			pieces = append(pieces, piece{a: a, b: b, fwd: w.info.forward, bwd: w.info.backward,
				meters: float32(geo.DistanceHaversine(pa, pb)), limit: lim, name: w.name, noSnap: w.info.noSnap, way: int32(wi)})
		}
	}
	if len(pieces) == 0 {
		return nil, ErrNoRoads
	}
	// Turn restrictions: their junctions are kept, their ways found back.
	nodeOf := func(id osm.NodeID) (uint32, bool) {
		i, found := slices.BinarySearch(ids, id)
		if !found {
			return 0, false
		}
		return index[i], index[i] != none
	}
	var force []uint32
	wayIdx := map[osm.WayID]int32{}
	for _, r := range rs {
		if v, ok := nodeOf(r.via); ok {
			force = append(force, v)
		}
		wayIdx[r.from], wayIdx[r.to] = -1, -1
	}
	for wi, w := range ways {
		if _, ok := wayIdx[w.id]; ok {
			wayIdx[w.id] = int32(wi)
		}
	}
	edges, shapeLat, shapeLon, newID := net.contract(all.lat, all.lon, pieces, force)
	turns := forbiddenTurns(rs, edges,
		func(id osm.WayID) (int32, bool) { wi, ok := wayIdx[id]; return wi, ok && wi >= 0 },
		func(id osm.NodeID) (uint32, bool) {
			v, ok := nodeOf(id)
			if !ok {
				return 0, false
			}
			return newID[v], newID[v] != none
		})
	turns = append(turns, noUTurnsMidRoad(len(net.lat), edges)...)
	ways, refs, ids, index = nil, nil, nil, nil
	all.lat, all.lon, pieces = nil, nil, nil
	if boxed {
		net.Bound = box
	} else {
		net.Bound = net.nodeBound()
	}
	net.build(edges, shapeLat, shapeLon, turns)
	return net, nil
}

func (n *Network) nodeBound() orb.Bound {
	b := orb.Bound{Min: n.point(0), Max: n.point(0)}
	for u := range n.lat {
		b = b.Extend(n.point(uint32(u)))
	}
	return b
}

// wayRec is a drivable way: its nodes are refs[first:first+count].
type wayRec struct {
	id           osm.WayID
	first, count int
	info         wayInfo
	name         uint32
}

// readWays is the first pass.
func readWays(ctx context.Context, path string, progress func(Progress)) (ways []wayRec, refs []osm.NodeID, names []string, rs []restriction, err error) {
	nameIdx := map[string]uint32{"": 0}
	names = []string{""}
	err = scan(ctx, path, 1, progress, func(s *osmpbf.Scanner) {
		s.SkipNodes = true
		s.FilterWay = func(w *osm.Way) bool { _, ok := carWay(w.Tags); return ok }
		s.FilterRelation = func(r *osm.Relation) bool { _, ok := carRestriction(r); return ok }
	}, func(o osm.Object) {
		if r, ok := o.(*osm.Relation); ok {
			if res, ok := carRestriction(r); ok {
				rs = append(rs, res)
			}
			return
		}
		w, ok := o.(*osm.Way)
		if !ok || len(w.Nodes) < 2 {
			return
		}
		info, _ := carWay(w.Tags)
		idx, seen := nameIdx[info.name]
		if !seen {
			idx = uint32(len(names))
			nameIdx[info.name] = idx
			names = append(names, info.name)
		}
		info.name = ""
		ways = append(ways, wayRec{id: w.ID, first: len(refs), count: len(w.Nodes), info: info, name: idx})
		for _, wn := range w.Nodes {
			refs = append(refs, wn.ID)
		}
	})
	return ways, refs, names, rs, err
}

// readNodes is the second pass: the coordinates of the nodes in ids that
// lie in the box, and a bit set of those found.
func readNodes(ctx context.Context, path string, ids []osm.NodeID, box orb.Bound, boxed bool, progress func(Progress)) (lat, lon []int32, present []uint64, err error) {
	lat, lon = make([]int32, len(ids)), make([]int32, len(ids))
	present = make([]uint64, (len(ids)+63)/64)
	err = scan(ctx, path, 2, progress, func(s *osmpbf.Scanner) {
		s.SkipWays, s.SkipRelations = true, true
		// Runs in the decoder's goroutines: it only reads ids and box.
		s.FilterNode = func(nd *osm.Node) bool {
			if _, found := slices.BinarySearch(ids, nd.ID); !found {
				return false
			}
			return !boxed || box.Contains(orb.Point{nd.Lon, nd.Lat})
		}
	}, func(o osm.Object) {
		nd, ok := o.(*osm.Node)
		if !ok {
			return
		}
		i, found := slices.BinarySearch(ids, nd.ID)
		if !found {
			return
		}
		lat[i] = int32(math.Round(nd.Lat * 1e7))
		lon[i] = int32(math.Round(nd.Lon * 1e7))
		present[i/64] |= 1 << (i % 64)
	})
	return lat, lon, present, err
}

// scan runs one pass over the file.
func scan(ctx context.Context, path string, pass int, progress func(Progress), setup func(*osmpbf.Scanner), each func(osm.Object)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	cr := &countingReader{r: f}
	s := osmpbf.New(ctx, cr, runtime.GOMAXPROCS(0))
	defer s.Close()
	setup(s)
	var last time.Time
	report := func() {
		if progress != nil {
			progress(Progress{Pass: pass, Done: cr.n.Load(), Total: fi.Size()})
		}
	}
	for s.Scan() {
		each(s.Object())
		if now := time.Now(); progress != nil && now.Sub(last) > 100*time.Millisecond {
			last = now
			report()
		}
	}
	if err := s.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading OSM file %s: %w", filepath.Base(path), err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	report()
	return nil
}

// countingReader counts the bytes read, for the progress; the decoder
// reads from its own goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
