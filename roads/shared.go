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

	mu   sync.Mutex
	legs map[legKey]legLine
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
	return NewModel(n).Matrix(points, tp)
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
