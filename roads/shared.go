package roads

import (
	"os"
	"sync"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// Shared is the routes file beside a database, read on first use and
// then shared by everything in the process that drives on roads: the
// planner's travel model, the IK, the map's legs. A region's file takes a
// moment and a few hundred MB to read; each use reading its own copy would
// pay both again.
//
// A file that cannot be read leaves every use on the crow model (Err says
// why): planning never stops for want of roads.
type Shared struct {
	path string
	once sync.Once
	net  *Network
	err  error

	mu    sync.Mutex
	legs  map[legKey]legLine
	pairs map[pairKey]pairCell
}

type legKey struct {
	a, b orb.Point
	p    Profile
}

type legLine struct {
	line orb.LineString
	ok   bool
}

// OpenShared is the routes file kept beside the database at dbPath (see
// FileFor), not read yet; nil when there is none.
func OpenShared(dbPath string) *Shared {
	path := FileFor(dbPath)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return &Shared{path: path}
}

// SharedNetwork shares a network already read.
func SharedNetwork(n *Network) *Shared {
	s := &Shared{}
	s.once.Do(func() { s.net = n })
	return s
}

// Network reads the file on the first call and returns the same network,
// or the same error, ever after.
func (s *Shared) Network() (*Network, error) {
	s.once.Do(func() { s.net, s.err = ReadFile(s.path) })
	return s.net, s.err
}

var _ planner.TravelModel = (*Shared)(nil)

// Matrix implements planner.TravelModel: the road model (Model) on the
// shared network, the crow model when the file cannot be read.
func (s *Shared) Matrix(points []orb.Point, tp patients.TravelProfile) (planner.Matrix, error) {
	n, err := s.Network()
	if err != nil {
		return planner.DefaultCrow().Matrix(points, tp)
	}
	if m, ok := s.cached(points, tp); ok {
		return m, nil
	}
	m, err := NewModel(n).Matrix(points, tp)
	if err != nil {
		return nil, err
	}
	s.remember(points, tp, m.(*RoadMatrix))
	return m, nil
}

// pairKey is one leg of a matrix as the cache knows it.
type pairKey struct {
	a, b orb.Point
	tp   patients.TravelProfile
}

type pairCell struct {
	minutes, meters float64
	fallback        bool
}

// maxPairs bounds the cache: far more than a cabinet's days need (60
// places are 3,600 pairs), little memory; past it the cache starts again.
const maxPairs = 1 << 18

// cached serves a matrix whose every pair is known. The interface re-times
// the round on each change of nurse, round or order: on a regional network
// a fresh matrix would cost hundreds of milliseconds each time.
func (s *Shared) cached(points []orb.Point, tp patients.TravelProfile) (*RoadMatrix, bool) {
	k := len(points)
	rm := &RoadMatrix{n: k, minutes: make([]float64, k*k), meters: make([]float64, k*k), fallback: make([]bool, k*k)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pairs) == 0 {
		return nil, false
	}
	for i := range k {
		for j := range k {
			c, ok := s.pairs[pairKey{points[i], points[j], tp}]
			if !ok {
				return nil, false
			}
			x := i*k + j
			rm.minutes[x], rm.meters[x], rm.fallback[x] = c.minutes, c.meters, c.fallback
		}
	}
	return rm, true
}

func (s *Shared) remember(points []orb.Point, tp patients.TravelProfile, rm *RoadMatrix) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pairs == nil || len(s.pairs)+rm.n*rm.n > maxPairs {
		s.pairs = make(map[pairKey]pairCell, rm.n*rm.n)
	}
	for i := range rm.n {
		for j := range rm.n {
			x := i*rm.n + j
			s.pairs[pairKey{points[i], points[j], tp}] = pairCell{rm.minutes[x], rm.meters[x], rm.fallback[x]}
		}
	}
}

// Leg is the road geometry of the quickest route from a to b for a nurse
// of profile tp, the one whose time the planner counts; ok is false when
// the roads cannot route it (the planner then used the crow estimate). A
// round's legs are drawn again at every screen refresh, so each is routed
// once and kept.
func (s *Shared) Leg(a, b orb.Point, tp patients.TravelProfile) (orb.LineString, bool) {
	n, err := s.Network()
	if err != nil {
		return nil, false
	}
	k := legKey{a, b, profileOf(tp)}
	s.mu.Lock()
	l, done := s.legs[k]
	s.mu.Unlock()
	if done {
		return l.line, l.ok
	}
	r, _, ok := n.Route(a, b, Time, k.p)
	l = legLine{r.Line, ok}
	s.mu.Lock()
	if s.legs == nil {
		s.legs = map[legKey]legLine{}
	}
	s.legs[k] = l
	s.mu.Unlock()
	return l.line, l.ok
}

// Attribution is the credit the OpenStreetMap licence (ODbL 1.0) asks
// wherever figures or drawings come from its roads.
const Attribution = "© les contributeurs d'OpenStreetMap"
