package roads

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// cellDeg is the side of a grid cell in degrees of latitude (about 220 m):
// a town's street has a few segments per cell, a motorway segment spans a
// few cells.
const cellDeg = 0.002

const metersPerDeg = 111_320.0

// grid indexes the straight pieces of the network's edges (one direction
// of a two-way road only) by the cells their bounding boxes overlap.
type grid struct {
	cosLat float64 // longitudes are scaled to make cells about square
	cells  map[[2]int32][]segRef
}

// segRef is piece k of edge e's shape (from its k-th point to the next).
type segRef struct{ e, k int32 }

func newGrid(n *Network) *grid {
	midLat := 0.0
	if len(n.lat) > 0 {
		midLat = float64(n.lat[0]) / 1e7
	}
	g := &grid{cosLat: math.Max(0.05, math.Cos(midLat*math.Pi/180)), cells: map[[2]int32][]segRef{}}
	var pts []orb.Point
	for e := range n.head {
		if r := n.rev[e]; r >= 0 && r < int32(e) || n.noSnap[e] {
			continue // the two directions of a road are one line
		}
		pts = n.shape(int32(e), pts)
		for k := 1; k < len(pts); k++ {
			ca, cb := g.cell(pts[k-1]), g.cell(pts[k])
			for x := min(ca[0], cb[0]); x <= max(ca[0], cb[0]); x++ {
				for y := min(ca[1], cb[1]); y <= max(ca[1], cb[1]); y++ {
					c := [2]int32{x, y}
					g.cells[c] = append(g.cells[c], segRef{int32(e), int32(k - 1)})
				}
			}
		}
	}
	return g
}

func (g *grid) cell(p orb.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p.Lon() * g.cosLat / cellDeg)), int32(math.Floor(p.Lat() / cellDeg))}
}

// Snap is a point placed on the nearest drivable segment.
type Snap struct {
	// Edge is the segment, in one of its drivable directions; T the
	// position along it from its tail (0) to its head (1).
	Edge int32
	T    float64
	// OnRoad is the point on the road; Offset the straight line from the
	// given point to it, in metres.
	OnRoad orb.Point
	Offset float64
}

// MaxSnapMeters is how far from every drivable road a point may be and
// still be routed: farther, it is outside the imported area or the
// import missed its road, and the crow model takes over for it.
const MaxSnapMeters = 1000

// Snap finds the nearest drivable segment within MaxSnapMeters of p; ok is
// false when there is none.
func (n *Network) Snap(p orb.Point) (s Snap, ok bool) {
	if n.grid == nil || len(n.head) == 0 {
		return Snap{}, false
	}
	cosP := math.Cos(p.Lat() * math.Pi / 180)
	proj := func(q orb.Point) (x, y float64) {
		return (q.Lon() - p.Lon()) * cosP * metersPerDeg, (q.Lat() - p.Lat()) * metersPerDeg
	}
	best := math.Inf(1)
	var bestRef segRef
	var bestT float64
	var buf []orb.Point
	c := n.grid.cell(p)
	// The narrower side of a cell, in metres, at p's latitude.
	side := cellDeg * metersPerDeg * math.Min(1, cosP/n.grid.cosLat)
	maxRing := int32(MaxSnapMeters/side) + 2
	for r := int32(0); r <= maxRing; r++ {
		// A segment in ring r or beyond is at least r-1 cells away.
		if best < float64(r-1)*side {
			break
		}
		for x := c[0] - r; x <= c[0]+r; x++ {
			for y := c[1] - r; y <= c[1]+r; y++ {
				if max(abs32(x-c[0]), abs32(y-c[1])) != r {
					continue // inner rings are done
				}
				for _, ref := range n.grid.cells[[2]int32{x, y}] {
					buf = n.shape(ref.e, buf)
					ax, ay := proj(buf[ref.k])
					bx, by := proj(buf[ref.k+1])
					dx, dy := bx-ax, by-ay
					t := 0.0
					if l2 := dx*dx + dy*dy; l2 > 0 {
						t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
					}
					px, py := ax+t*dx, ay+t*dy
					if d := math.Hypot(px, py); d < best {
						best, bestRef, bestT = d, ref, t
					}
				}
			}
		}
	}
	if best > MaxSnapMeters {
		return Snap{}, false
	}
	// T is the share of the edge's length before the point, measured as
	// the edge's metres are.
	buf = n.shape(bestRef.e, buf)
	before, total := 0.0, 0.0
	for k := 1; k < len(buf); k++ {
		l := geo.DistanceHaversine(buf[k-1], buf[k])
		if int32(k-1) < bestRef.k {
			before += l
		} else if int32(k-1) == bestRef.k {
			before += bestT * l
		}
		total += l
	}
	s = Snap{Edge: bestRef.e, Offset: best}
	if total > 0 {
		s.T = math.Min(1, before/total)
	}
	a, b := buf[bestRef.k], buf[bestRef.k+1]
	s.OnRoad = orb.Point{a.Lon() + bestT*(b.Lon()-a.Lon()), a.Lat() + bestT*(b.Lat()-a.Lat())}
	return s, true
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
