package billing

import (
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"tournee/handover"
	"tournee/ngap"
	"tournee/patients"
	"tournee/roads"
)

// RoadDistance is the IK Distancer on the roads imported beside the
// database at dbPath, nil (ngap.CrowFly) when there are none. The IK are
// paid on the shortest road (roads.Distance), not the quickest: the
// smaller figure is the one a caisse cannot dispute. A pair the roads
// cannot join (a home more than roads.MaxSnapMeters from every road) gets
// the crow estimate, flagged as such on its line. The file is read on the
// first distance asked; a damaged one is said once on warn (when set) and
// every distance estimated.
func RoadDistance(dbPath string, warn io.Writer) ngap.Distancer {
	return SharedDistance(roads.OpenShared(dbPath), warn)
}

// SharedDistance is RoadDistance on a routes file the process shares with
// its other uses (the planner's, the map's): nil when src is.
func SharedDistance(src *roads.Shared, warn io.Writer) ngap.Distancer {
	if src == nil {
		return nil
	}
	r := &roadKm{src: src, warn: warn, km: map[[2]orb.Point]float64{}}
	return r.distance
}

// NetworkDistance is the IK Distancer on a network already read.
func NetworkDistance(n *roads.Network) ngap.Distancer {
	return SharedDistance(roads.SharedNetwork(n), nil)
}

// roadKm caches each pair's km: a patient seen every day is one route.
type roadKm struct {
	src  *roads.Shared
	warn io.Writer
	once sync.Once
	net  *roads.Network

	mu sync.Mutex
	km map[[2]orb.Point]float64 // negative: not routed
}

func (r *roadKm) distance(a, b patients.Place) (float64, bool) {
	r.once.Do(func() {
		n, err := r.src.Network()
		if err != nil {
			if r.warn != nil {
				fmt.Fprintf(r.warn, "tournee : attention, routes importées illisibles : IK estimées à vol d'oiseau ; importez à nouveau l'extrait OpenStreetMap (%v)\n", err)
			}
			return
		}
		r.net = n
	})
	if r.net == nil {
		return ngap.CrowFly(a, b)
	}
	k := [2]orb.Point{a.Point, b.Point}
	r.mu.Lock()
	km, ok := r.km[k]
	r.mu.Unlock()
	if !ok {
		km = -1
		if route, _, routed := r.net.Route(a.Point, b.Point, roads.Distance, roads.Rural); routed {
			km = route.Meters / 1000
		}
		r.mu.Lock()
		r.km[k] = km
		r.mu.Unlock()
	}
	if km < 0 {
		return ngap.CrowFly(a, b)
	}
	return km, true
}

// RoadMeasured reports whether an IK line of the fees is measured on the
// imported roads (not the crow estimate).
func RoadMeasured(fees []ngap.VisitFees) bool {
	for _, f := range fees {
		for _, l := range f.Lines {
			if l.Km > 0 && !l.Estimated {
				return true
			}
		}
	}
	return false
}

// CreditRoads adds OpenStreetMap's credit under the title of a document
// whose figures are the fees, when some of their IK are measured on its
// roads, as its licence asks; r is returned unchanged otherwise.
func CreditRoads(r handover.Report, fees []ngap.VisitFees) handover.Report {
	if !RoadMeasured(fees) {
		return r
	}
	r.Meta = append(slices.Clone(r.Meta), handover.Field{Label: "Distances", Value: "par la route, " + roads.Attribution})
	return r
}
