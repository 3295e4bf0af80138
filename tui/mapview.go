package tui

import (
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"tournee/tui/canvas"
)

// stopState is how a stop is drawn on the map.
type stopState int

const (
	stopPlanned stopState = iota
	stopNext              // the next visit to do
	stopDone
	stopMissed // missed or postponed: drawn dim, not on the route
	stopBroken // its window is broken by the current order (red)
)

// mapStop is one visit on the map. Visits without coordinates are left out
// by the caller: a (0, 0) point would stretch the map to the Gulf of Guinea.
type mapStop struct {
	Point orb.Point // lon, lat
	Label string    // "1", "2", ... (the order in the round)
	State stopState
}

// mapData is everything the map pane shows; it holds no state of its own,
// so a resize is just another call to renderMap.
type mapData struct {
	Base    orb.Point // where the round starts and ends (home or cabinet)
	HasBase bool
	Stops   []mapStop  // in round order; the route is Base → stops (except missed) → Base
	Here    *orb.Point // where the nurse is now (nil: unknown / not started)
	// Selected is the index in Stops of the highlighted stop, -1 for none.
	Selected int
	// Leg, when set, is the road geometry of the leg from a to b (the
	// imported roads); a leg it cannot give (ok false) is drawn straight.
	Leg func(a, b orb.Point) (line orb.LineString, ok bool)
}

// Map layers, in the order of mapPens. A cell is written with the style of
// the last layer that painted it.
const (
	layerRoute canvas.Layer = iota
	layerPlanned
	layerNext
	layerDone
	layerMissed
	layerBroken
	layerSelected
	layerHere
	layerBase
	layerScale
	layerCount
)

const (
	glyphBase = "⌂"
	glyphHere = "◉"
	noCoords  = "Pas de coordonnées à afficher"
)

// renderMap draws the round fitted to exactly w columns × h lines.
//
// Labels are placed most important first (selected, next, broken, planned,
// done, missed) so that on a crowded map the lesser ones move. A label whose
// cell is taken moves to the nearest free cell, keeping a blank cell between
// two numbers so that « 3 » beside « 4 » never reads « 34 ». A label that
// finds no room within two lines is left out rather than overprinted: the
// list beside the map still names every visit, and a wider pane shows it.
func renderMap(d mapData, w, h int, st *styles) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	pts := mapPoints(d)
	if len(pts) == 0 {
		return emptyMap(w, h, st)
	}
	stops := routePoints(d)
	legs, onRoads := roadLegs(d, stops)
	// The roads may leave the stops' box (a bridge upstream): they are
	// fitted too, so no leg runs off the map.
	for _, l := range legs {
		for _, q := range l {
			if finite(q) {
				pts = append(pts, q)
			}
		}
	}
	p := fitProjection(pts, w, h)
	c := canvas.New(w, h)

	drawRoute(c, p, stops, legs)
	if onRoads {
		drawAttribution(c)
	}

	// The base and the nurse sit on their exact cell: they anchor the
	// reading of the map, the numbers move around them.
	if d.HasBase && finite(d.Base) {
		col, row := p.cell(d.Base)
		c.SetText(col, row, glyphBase, layerBase)
	}
	if d.Here != nil && finite(*d.Here) {
		col, row := p.cell(*d.Here)
		placeLabel(c, col, row, 0, glyphHere, layerHere, false)
	}
	for _, i := range labelOrder(d) {
		s := d.Stops[i]
		col, row := p.cell(s.Point)
		text, anchor, l := s.Label, 0, stateLayer(s.State)
		if i == d.Selected {
			// Brackets show the selection without colour; the number
			// itself stays on the stop's cell.
			text, anchor, l = "["+s.Label+"]", 1, layerSelected
		}
		if !placeLabel(c, col, row, anchor, text, l, true) {
			placeLabel(c, col, row, anchor, text, l, false)
		}
	}
	drawScale(c, p)
	return c.Render(mapPens(st))
}

// mapPoints is every drawable point, for the fit.
func mapPoints(d mapData) []orb.Point {
	pts := make([]orb.Point, 0, len(d.Stops)+2)
	if d.HasBase && finite(d.Base) {
		pts = append(pts, d.Base)
	}
	if d.Here != nil && finite(*d.Here) {
		pts = append(pts, *d.Here)
	}
	for _, s := range d.Stops {
		if finite(s.Point) {
			pts = append(pts, s.Point)
		}
	}
	return pts
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// projection maps lon/lat to canvas dots. Equirectangular with longitude
// shrunk by cos(latitude) is exact enough over a nurse's round (a few km):
// the error against a true projection is far below one dot.
type projection struct {
	kx         float64 // cos of the mean latitude
	minX, maxY float64 // in projected units: degrees of latitude
	scale      float64 // dots per projected unit; 0 when all points coincide
	ox, oy     float64 // dot position of (minX, maxY)
	midLat     float64
}

// fitProjection fits the points' bounding box in the pane, keeping a
// one-cell margin for the labels and the scale, and centres the drawing. A
// braille dot is about square, so one scale serves both axes.
func fitProjection(pts []orb.Point, w, h int) projection {
	b := orb.MultiPoint(pts).Bound()
	midLat := (b.Min[1] + b.Max[1]) / 2
	p := projection{kx: math.Cos(midLat * math.Pi / 180), midLat: midLat}
	p.minX, p.maxY = b.Min[0]*p.kx, b.Max[1]
	dx, dy := (b.Max[0]-b.Min[0])*p.kx, b.Max[1]-b.Min[1]

	// The margin goes before the drawing shrinks to nothing.
	mx, my := 0, 0
	if w >= 4 {
		mx = 1
	}
	if h >= 3 {
		my = 1
	}
	// Span in dots from the first to the last usable dot.
	sw, sh := float64(2*(w-2*mx)-1), float64(4*(h-2*my)-1)
	switch {
	case dx > 0 && dy > 0:
		p.scale = min(sw/dx, sh/dy)
	case dx > 0:
		p.scale = sw / dx
	case dy > 0:
		p.scale = sh / dy
	}
	p.ox = float64(2*mx) + (sw-dx*p.scale)/2
	p.oy = float64(4*my) + (sh-dy*p.scale)/2
	return p
}

func (p projection) dot(pt orb.Point) (x, y int) {
	fx := p.ox + (pt[0]*p.kx-p.minX)*p.scale
	fy := p.oy + (p.maxY-pt[1])*p.scale
	return int(math.Round(fx)), int(math.Round(fy))
}

func (p projection) cell(pt orb.Point) (col, row int) {
	x, y := p.dot(pt)
	return x / 2, y / 4
}

// metersPerCell is the ground width of one column at the middle of the map.
func (p projection) metersPerCell() float64 {
	if p.scale == 0 {
		return 0
	}
	lon := p.minX / p.kx
	dLon := 2 / (p.scale * p.kx) // two dots across
	return geo.Distance(orb.Point{lon, p.midLat}, orb.Point{lon + dLon, p.midLat})
}

// routePoints are the places the route links: base → stops on the route
// → base. Missed stops are off the route: the nurse will not drive there
// today.
func routePoints(d mapData) []orb.Point {
	var out []orb.Point
	base := d.HasBase && finite(d.Base)
	if base {
		out = append(out, d.Base)
	}
	for _, s := range d.Stops {
		if s.State != stopMissed && finite(s.Point) {
			out = append(out, s.Point)
		}
	}
	if base {
		out = append(out, d.Base)
	}
	return out
}

// drawRoute links the route's places in order: along legs[i] from
// stops[i] to stops[i+1] when there is one, straight otherwise.
func drawRoute(c *canvas.Canvas, p projection, stops []orb.Point, legs []orb.LineString) {
	havePrev := false
	var px, py int
	visit := func(pt orb.Point) {
		x, y := p.dot(pt)
		if havePrev {
			c.Line(px, py, x, y, layerRoute)
		} else {
			c.Set(x, y, layerRoute)
		}
		px, py, havePrev = x, y, true
	}
	for i, pt := range stops {
		if i > 0 && i-1 < len(legs) {
			for _, q := range legs[i-1] {
				if finite(q) {
					visit(q)
				}
			}
		}
		visit(pt)
	}
}

// labelOrder is the stops to label, most important first.
func labelOrder(d mapData) []int {
	rank := func(i int) int {
		if i == d.Selected {
			return 0
		}
		switch d.Stops[i].State {
		case stopNext:
			return 1
		case stopBroken:
			return 2
		case stopPlanned:
			return 3
		case stopDone:
			return 4
		}
		return 5
	}
	// Six buckets keep round order inside each rank without a sort.
	var counts [7]int
	for i, s := range d.Stops {
		if finite(s.Point) {
			counts[rank(i)+1]++
		}
	}
	for r := 1; r < len(counts); r++ {
		counts[r] += counts[r-1]
	}
	order := make([]int, counts[6])
	for i, s := range d.Stops {
		if finite(s.Point) {
			r := rank(i)
			order[counts[r]] = i
			counts[r]++
		}
	}
	return order
}

func stateLayer(s stopState) canvas.Layer {
	switch s {
	case stopNext:
		return layerNext
	case stopDone:
		return layerDone
	case stopMissed:
		return layerMissed
	case stopBroken:
		return layerBroken
	}
	return layerPlanned
}

func isNumberLayer(l canvas.Layer) bool {
	return l >= layerPlanned && l <= layerSelected
}

// labelNudges are where a label goes when its own place is taken, nearest
// first. A line is about two columns tall, so a move of one line counts as
// two columns.
var labelNudges = [...][2]int{
	{0, 0},
	{1, 0}, {-1, 0}, {2, 0}, {-2, 0},
	{0, -1}, {0, 1},
	{1, -1}, {-1, -1}, {1, 1}, {-1, 1},
	{3, 0}, {-3, 0},
	{2, -1}, {-2, -1}, {2, 1}, {-2, 1},
	{4, 0}, {-4, 0},
	{3, -1}, {-3, -1}, {3, 1}, {-3, 1},
	{0, -2}, {0, 2},
	{1, -2}, {-1, -2}, {1, 2}, {-1, 2},
	{2, -2}, {-2, -2}, {2, 2}, {-2, 2},
}

// placeLabel writes text so that its rune at anchor lands on (col, row), or
// on the nearest free place. With gap, a number never touches another
// number on its line. It reports whether the label was placed.
func placeLabel(c *canvas.Canvas, col, row, anchor int, text string, l canvas.Layer, gap bool) bool {
	w, h := c.Size()
	n := len([]rune(text))
	if n > w {
		return false
	}
	for _, nd := range labelNudges {
		start := min(max(col-anchor+nd[0], 0), w-n)
		r := row + nd[1]
		if r < 0 || r >= h || !labelFits(c, start, r, n, gap) {
			continue
		}
		c.SetText(start, r, text, l)
		return true
	}
	return false
}

func labelFits(c *canvas.Canvas, start, row, n int, gap bool) bool {
	for col := start; col < start+n; col++ {
		if r, _ := c.Text(col, row); r != 0 {
			return false
		}
	}
	if !gap {
		return true
	}
	for _, col := range [2]int{start - 1, start + n} {
		if r, l := c.Text(col, row); r != 0 && isNumberLayer(l) {
			return false
		}
	}
	return true
}

// scaleSteps are the distances the scale bar may show, in metres.
var scaleSteps = [...]struct {
	meters float64
	label  string
}{
	{50, "50 m"}, {100, "100 m"}, {200, "200 m"}, {500, "500 m"},
	{1e3, "1 km"}, {2e3, "2 km"}, {5e3, "5 km"}, {10e3, "10 km"},
	{20e3, "20 km"}, {50e3, "50 km"}, {100e3, "100 km"}, {200e3, "200 km"},
	{500e3, "500 km"},
}

// drawScale puts « ├──┤ 1 km » in the bottom margin, left if free, else
// right; it is left out when the pane is too small or all points coincide.
func drawScale(c *canvas.Canvas, p projection) {
	w, h := c.Size()
	m := p.metersPerCell()
	if h < 3 || w < 12 || m <= 0 {
		return
	}
	maxBar := min(10, w/4)
	bar, label := 0, ""
	for _, s := range scaleSteps {
		n := int(math.Round(s.meters / m))
		if n > maxBar {
			break
		}
		if n >= 2 {
			bar, label = n, s.label
		}
	}
	if bar == 0 {
		return
	}
	text := "├" + strings.Repeat("─", bar-2) + "┤ " + label
	n := len([]rune(text))
	if n > w-2 {
		return
	}
	for _, start := range [2]int{1, w - 1 - n} {
		if labelFits(c, start-1, h-1, n+2, false) {
			c.SetText(start, h-1, text, layerScale)
			return
		}
	}
}

// mapPens turns the map styles into pens once per draw, so the canvas
// writes escape sequences instead of calling Render for every run of cells.
func mapPens(st *styles) []canvas.Pen {
	pens := make([]canvas.Pen, layerCount)
	for l, s := range [layerCount]lipgloss.Style{
		layerRoute:    st.MapRoute,
		layerPlanned:  st.MapStop,
		layerNext:     st.MapNext,
		layerDone:     st.MapDone,
		layerMissed:   st.Muted,
		layerBroken:   st.MapBroken,
		layerSelected: st.Selected,
		layerHere:     st.MapHere,
		layerBase:     st.MapBase,
		layerScale:    st.Muted,
	} {
		pens[l] = penOf(s)
	}
	return pens
}

// penOf splits a style's rendering of a marker into what comes before and
// after it. The map styles only colour and embolden, so what wraps one
// marker wraps any run; a style that did more (padding, width) would not
// split cleanly and is written plain rather than garbled.
func penOf(s lipgloss.Style) canvas.Pen {
	const marker = "\u2800"
	out := s.Render(marker)
	i := strings.Index(out, marker)
	if i < 0 || strings.Count(out, marker) != 1 || ansi.StringWidth(out) != 1 {
		return canvas.Pen{}
	}
	return canvas.Pen{Open: out[:i], Close: out[i+len(marker):]}
}

// emptyMap is the pane when no point has coordinates.
func emptyMap(w, h int, st *styles) string {
	msg := ansi.Truncate(noCoords, w, "…")
	mw := ansi.StringWidth(msg)
	left := (w - mw) / 2
	blank := strings.Repeat(" ", w)
	var b strings.Builder
	for row := range h {
		if row > 0 {
			b.WriteByte('\n')
		}
		if row != (h-1)/2 {
			b.WriteString(blank)
			continue
		}
		b.WriteString(blank[:left])
		b.WriteString(st.Muted.Render(msg))
		b.WriteString(blank[:w-mw-left])
	}
	return b.String()
}
