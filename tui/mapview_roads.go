package tui

import (
	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
	"tournee/tui/canvas"
)

// The credit the OpenStreetMap licence (ODbL) asks of a map drawn on its
// data, and the short form for a pane too narrow for it.
const (
	osmAttribution      = "© les contributeurs d'OpenStreetMap"
	osmAttributionShort = "© OpenStreetMap"
)

// legDrawer is a travel model that can also give the road geometry of a
// leg: the imported roads (roads.Shared, through the command line's
// wiring). The crow model cannot, and the map then draws straight lines.
type legDrawer interface {
	Leg(a, b orb.Point, tp patients.TravelProfile) (orb.LineString, bool)
}

// legsOn is how the map asks for the road geometry of a nurse's legs: on
// the roads the round is timed with, for her travel profile; nil without
// roads.
func legsOn(m planner.TravelModel, tp patients.TravelProfile) func(a, b orb.Point) (orb.LineString, bool) {
	ld, ok := m.(legDrawer)
	if !ok {
		return nil
	}
	return func(a, b orb.Point) (orb.LineString, bool) { return ld.Leg(a, b, tp) }
}

// mapLegs are the road legs of the nurse whose round the screen shows.
func (s roundScreen) mapLegs() func(a, b orb.Point) (orb.LineString, bool) {
	n, _ := s.nurse() // unknown: the default profile, as the planner does
	return legsOn(s.deps.Plan.Travel, n.TravelProfile)
}

// roadLegs is the geometry of each leg between consecutive stops, door to
// door (the roads' line starts and ends on the road, the door is linked to
// it straight); nil for a leg drawn straight. onRoads reports that at
// least one leg follows the roads, so the map must credit them.
func roadLegs(d mapData, stops []orb.Point) (legs []orb.LineString, onRoads bool) {
	if d.Leg == nil || len(stops) < 2 {
		return nil, false
	}
	legs = make([]orb.LineString, len(stops)-1)
	for i := 1; i < len(stops); i++ {
		a, b := stops[i-1], stops[i]
		if a == b {
			continue
		}
		if l, ok := d.Leg(a, b); ok && len(l) > 0 {
			legs[i-1], onRoads = l, true
		}
	}
	return legs, onRoads
}

// drawAttribution credits OpenStreetMap on the top line, right-aligned,
// before the labels are placed so that they move around it rather than
// hide it. A pane too narrow for the sentence gets the short form.
func drawAttribution(c *canvas.Canvas) {
	w, _ := c.Size()
	for _, text := range [2]string{osmAttribution, osmAttributionShort} {
		if n := len([]rune(text)); n <= w-2 {
			c.SetText(w-1-n, 0, text, layerScale)
			return
		}
	}
}

// warmRoads reads the roads of a travel model that reads them on first
// use (the imported roads): run in a command, so that the first timing of
// a round or the first map in Update and View finds them read.
func warmRoads(m planner.TravelModel) {
	if m != nil {
		_, _ = m.Matrix(nil, patients.Rural) // only the reading matters
	}
}
