package roads

import (
	"fmt"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// Model is the planner's travel model on the imported roads: the quickest
// route for the time, its length for the kilometres, plus the profile's
// stop time per leg as the crow model has. A pair the network cannot route
// (a point more than MaxSnapMeters from every road, or no road between
// them) takes the crow model's values and is flagged in the matrix
// (see RoadMatrix.Fallback).
type Model struct {
	Net  *Network
	Crow planner.Crow
}

var _ planner.TravelModel = Model{}

// NewModel is the road model with the crow model's documented defaults as
// fallback.
func NewModel(n *Network) Model { return Model{Net: n, Crow: planner.DefaultCrow()} }

// profileOf reads a nurse's travel profile as the crow model does: unset
// is rural.
func profileOf(tp patients.TravelProfile) Profile {
	if tp == patients.Urban {
		return Urban
	}
	return Rural
}

// Matrix implements planner.TravelModel. Points are checked by the crow
// model first, so an unusable point fails with the same *planner.PointError.
func (m Model) Matrix(points []orb.Point, tp patients.TravelProfile) (planner.Matrix, error) {
	cm, err := m.Crow.Matrix(points, tp)
	if err != nil {
		return nil, err
	}
	prof, _ := m.Crow.Profile(tp) // known: Crow.Matrix accepted it
	k := len(points)
	rm := &RoadMatrix{n: k, minutes: make([]float64, k*k), meters: make([]float64, k*k), fallback: make([]bool, k*k)}
	t := m.Net.Matrix(points, Time, profileOf(tp))
	for i := range k {
		for j := range k {
			x := i*k + j
			switch {
			case points[i] == points[j]:
				// Same door: nothing to drive, as in the crow model.
			case t.Routed[x]:
				rm.minutes[x] = t.Seconds[x]/60 + prof.StopMinutes
				rm.meters[x] = t.Meters[x]
			default:
				rm.minutes[x], rm.meters[x], rm.fallback[x] = cm.Minutes(i, j), cm.Meters(i, j), true
			}
		}
	}
	return rm, nil
}

// RoadMatrix is the planner matrix of Model.
type RoadMatrix struct {
	n               int
	minutes, meters []float64
	fallback        []bool
}

var _ planner.Matrix = (*RoadMatrix)(nil)

func (r *RoadMatrix) Len() int                 { return r.n }
func (r *RoadMatrix) Minutes(i, j int) float64 { return r.minutes[r.index(i, j)] }
func (r *RoadMatrix) Meters(i, j int) float64  { return r.meters[r.index(i, j)] }

// Fallback reports that the leg from i to j is the crow model's estimate:
// the roads could not route it.
func (r *RoadMatrix) Fallback(i, j int) bool { return r.fallback[r.index(i, j)] }

func (r *RoadMatrix) index(i, j int) int {
	if uint(i) >= uint(r.n) || uint(j) >= uint(r.n) {
		panic(fmt.Sprintf("roads: travel matrix index (%d, %d) out of range [0, %d)", i, j, r.n))
	}
	return i*r.n + j
}
