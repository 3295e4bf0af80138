package roads

import (
	"math"

	"github.com/paulmach/orb"
)

// cellDeg is the side of a grid cell in degrees of latitude (about 220 m):
// a town's street has a few segments per cell, a motorway segment spans a
// few cells.
const cellDeg = 0.002

const metersPerDeg = 111_320.0

// grid indexes the network's segments (one per street piece, whatever its
// directions) by the cells their bounding boxes overlap.
type grid struct {
	cosLat float64 // longitudes are scaled to make cells about square
	cells  map[[2]int32][]int32
}

func newGrid(n *Network) *grid {
	midLat := 0.0
	if len(n.lat) > 0 {
		midLat = float64(n.lat[0]) / 1e7
	}
	g := &grid{cosLat: math.Max(0.05, math.Cos(midLat*math.Pi/180)), cells: map[[2]int32][]int32{}}
	for e := range n.head {
		a, b := n.tail[e], n.head[e]
		if a > b && n.reverse(int32(e)) >= 0 {
			continue // the two directions of a street are one segment
		}
		ca, cb := g.cell(n.point(a)), g.cell(n.point(b))
		for x := min(ca[0], cb[0]); x <= max(ca[0], cb[0]); x++ {
			for y := min(ca[1], cb[1]); y <= max(ca[1], cb[1]); y++ {
				g.cells[[2]int32{x, y}] = append(g.cells[[2]int32{x, y}], int32(e))
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
				for _, e := range n.grid.cells[[2]int32{x, y}] {
					ax, ay := proj(n.point(n.tail[e]))
					bx, by := proj(n.point(n.head[e]))
					dx, dy := bx-ax, by-ay
					t := 0.0
					if l2 := dx*dx + dy*dy; l2 > 0 {
						t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
					}
					px, py := ax+t*dx, ay+t*dy
					if d := math.Hypot(px, py); d < best {
						best = d
						s = Snap{Edge: e, T: t, Offset: d}
					}
				}
			}
		}
	}
	if best > MaxSnapMeters {
		return Snap{}, false
	}
	a, b := n.point(n.tail[s.Edge]), n.point(n.head[s.Edge])
	s.OnRoad = orb.Point{a.Lon() + s.T*(b.Lon()-a.Lon()), a.Lat() + s.T*(b.Lat()-a.Lat())}
	return s, true
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
