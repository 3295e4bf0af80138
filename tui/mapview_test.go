package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/paulmach/orb"
)

// calaisRound is a morning round from a cabinet in Calais-Nord: three
// visits done, the next one, a broken window, a missed visit and the rest
// planned; the nurse stands at the last visit she did.
func calaisRound() mapData {
	here := orb.Point{1.8702, 50.9568}
	return mapData{
		Base:    orb.Point{1.8530, 50.9585},
		HasBase: true,
		Stops: []mapStop{
			{orb.Point{1.8412, 50.9641}, "1", stopDone},
			{orb.Point{1.8225, 50.9560}, "2", stopDone},
			{orb.Point{1.8702, 50.9568}, "3", stopDone},
			{orb.Point{1.8874, 50.9492}, "4", stopNext},
			{orb.Point{1.9105, 50.9417}, "5", stopPlanned},
			{orb.Point{1.9360, 50.9523}, "6", stopBroken},
			{orb.Point{1.9468, 50.9286}, "7", stopPlanned},
			{orb.Point{1.9012, 50.9251}, "8", stopMissed},
			{orb.Point{1.8655, 50.9318}, "9", stopPlanned},
			{orb.Point{1.8342, 50.9402}, "10", stopPlanned},
			{orb.Point{1.8061, 50.9449}, "11", stopPlanned},
			{orb.Point{1.8190, 50.9762}, "12", stopPlanned},
		},
		Here:     &here,
		Selected: 4,
	}
}

// randomRound spreads n stops over the Calais area with a fixed generator,
// so benchmarks and size tests see crowded maps without flakiness.
func randomRound(n int) mapData {
	d := calaisRound()
	d.Stops = make([]mapStop, n)
	seed := uint32(7)
	next := func() float64 {
		seed = seed*1664525 + 1013904223
		return float64(seed>>8) / (1 << 24)
	}
	for i := range d.Stops {
		d.Stops[i] = mapStop{
			Point: orb.Point{1.80 + 0.15*next(), 50.92 + 0.06*next()},
			Label: fmt.Sprint(i + 1),
			State: stopState(i % 5),
		}
	}
	return d
}

func checkSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%d×%d: %d lines, want %d", w, h, len(lines), h)
	}
	for i, l := range lines {
		if got := lipgloss.Width(l); got != w {
			t.Fatalf("%d×%d: line %d is %d wide, want %d: %q", w, h, i, got, w, ansi.Strip(l))
		}
	}
}

func TestMapViewSizes(t *testing.T) {
	t.Parallel()
	st := newStyles(true)
	one := orb.Point{1.85, 50.95}
	inputs := map[string]mapData{
		"round":   calaisRound(),
		"crowded": randomRound(60),
		"empty":   {Selected: -1},
		"base only": {
			Base: one, HasBase: true, Selected: -1,
		},
		"same point": {
			Base: one, HasBase: true, Here: &one, Selected: 0,
			Stops: []mapStop{{one, "1", stopNext}, {one, "2", stopPlanned}},
		},
		"north-south line": {
			Selected: -1,
			Stops:    []mapStop{{orb.Point{1.85, 50.90}, "1", stopPlanned}, {orb.Point{1.85, 50.99}, "2", stopPlanned}},
		},
		"no coordinates": {
			Selected: -1,
			Stops:    []mapStop{{orb.Point{math.NaN(), 50}, "1", stopPlanned}},
		},
	}
	sizes := [][2]int{{1, 1}, {1, 5}, {5, 1}, {2, 2}, {3, 3}, {4, 3}, {9, 4}, {10, 4}, {12, 5}, {20, 8}, {40, 12}, {41, 13}, {60, 20}, {80, 24}, {120, 40}, {200, 3}}
	for name, d := range inputs {
		for _, sz := range sizes {
			checkSize(t, renderMap(d, sz[0], sz[1], st), sz[0], sz[1])
			checkSize(t, renderMap(d, sz[0], sz[1], newStyles(false)), sz[0], sz[1])
		}
		if out := renderMap(d, 0, 10, st); out != "" {
			t.Errorf("%s: zero width gave %q", name, out)
		}
	}
}

// labelCells finds where each label landed in the stripped map.
func labelCells(out string) map[string][2]int {
	found := map[string][2]int{}
	for row, line := range strings.Split(ansi.Strip(out), "\n") {
		rs := []rune(line)
		for col := 0; col < len(rs); col++ {
			if rs[col] < '0' || rs[col] > '9' {
				continue
			}
			end := col
			for end < len(rs) && rs[end] >= '0' && rs[end] <= '9' {
				end++
			}
			// The scale's « 2 km » is not a stop.
			if rest := string(rs[end:]); !strings.HasPrefix(rest, " km") && !strings.HasPrefix(rest, " m") {
				found[string(rs[col:end])] = [2]int{col, row}
			}
			col = end
		}
	}
	return found
}

func TestMapViewLabels(t *testing.T) {
	t.Parallel()
	st := newStyles(true)
	d := calaisRound()
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {120, 40}} {
		out := renderMap(d, sz[0], sz[1], st)
		plain := ansi.Strip(out)
		got := labelCells(out)
		for _, s := range d.Stops {
			if _, ok := got[s.Label]; !ok {
				t.Errorf("%d×%d: label %q missing:\n%s", sz[0], sz[1], s.Label, plain)
			}
		}
		if n := strings.Count(plain, glyphBase); n != 1 {
			t.Errorf("%d×%d: %d base glyphs, want 1", sz[0], sz[1], n)
		}
		if n := strings.Count(plain, glyphHere); n != 1 {
			t.Errorf("%d×%d: %d here glyphs, want 1", sz[0], sz[1], n)
		}
		if !strings.Contains(plain, "[5]") {
			t.Errorf("%d×%d: selected stop 5 not bracketed:\n%s", sz[0], sz[1], plain)
		}
		if !strings.Contains(plain, " km") && !strings.Contains(plain, " m") {
			t.Errorf("%d×%d: no scale:\n%s", sz[0], sz[1], plain)
		}
	}
	d.Here = nil
	if out := ansi.Strip(renderMap(d, 60, 20, st)); strings.Contains(out, glyphHere) {
		t.Errorf("here glyph drawn without a position:\n%s", out)
	}
}

// Labels on the same spot must stay apart: « 3 » beside « 4 » would read 34.
func TestMapViewLabelCollisions(t *testing.T) {
	t.Parallel()
	p := orb.Point{1.85, 50.95}
	far := orb.Point{1.95, 50.99}
	d := mapData{Selected: -1}
	for i := range 6 {
		d.Stops = append(d.Stops, mapStop{p, fmt.Sprint(i + 1), stopPlanned})
	}
	d.Stops = append(d.Stops, mapStop{far, "7", stopPlanned})
	out := renderMap(d, 40, 12, newStyles(true))
	got := labelCells(out)
	for i := 1; i <= 7; i++ {
		if _, ok := got[fmt.Sprint(i)]; !ok {
			t.Errorf("label %d missing:\n%s", i, ansi.Strip(out))
		}
	}
	if len(got) != 7 {
		t.Errorf("labels merged into other numbers: %v\n%s", got, ansi.Strip(out))
	}
}

func TestMapViewMissedNotLinked(t *testing.T) {
	t.Parallel()
	d := mapData{
		Selected: -1,
		Stops: []mapStop{
			{orb.Point{1.80, 50.95}, "1", stopPlanned},
			{orb.Point{1.875, 50.99}, "2", stopMissed},
			{orb.Point{1.95, 50.95}, "3", stopPlanned},
		},
	}
	plain := ansi.Strip(renderMap(d, 60, 20, newStyles(true)))
	lines := strings.Split(plain, "\n")
	at := labelCells(plain)
	// The route 1 → 3 runs along one row; nothing links 2 above it.
	c2 := at["2"]
	for row := c2[1] + 1; row < at["1"][1]; row++ {
		if r := []rune(lines[row])[c2[0]]; r != ' ' {
			t.Errorf("cell under missed stop 2 at row %d is %q, want blank:\n%s", row, r, plain)
		}
	}
}

func TestMapViewRoute(t *testing.T) {
	t.Parallel()
	d := mapData{
		Selected: -1,
		Stops: []mapStop{
			{orb.Point{1.80, 50.95}, "1", stopPlanned},
			{orb.Point{1.95, 50.95}, "2", stopPlanned},
		},
	}
	out := renderMap(d, 60, 20, newStyles(true))
	plain := ansi.Strip(out)
	at := labelCells(out)
	a, b := at["1"], at["2"]
	if a[1] != b[1] || b[0]-a[0] < 40 {
		t.Fatalf("stops at %v and %v, want far apart on one row:\n%s", a, b, plain)
	}
	row := []rune(strings.Split(plain, "\n")[a[1]])
	for col := a[0] + 1; col < b[0]; col++ {
		if row[col] < 0x2801 || row[col] > 0x28FF {
			t.Errorf("cell %d between the stops is %q, want a braille route", col, row[col])
		}
	}
	if !strings.Contains(out, mapPens(newStyles(true))[layerRoute].Open) {
		t.Errorf("route not written in the route style")
	}
}

// A square of ground must come out square: twice as many columns as lines,
// since a cell is about twice as tall as wide.
func TestMapViewAspect(t *testing.T) {
	t.Parallel()
	const lat = 50.95
	side := 0.05                             // degrees of latitude
	dLon := side / math.Cos(lat*math.Pi/180) // the same ground distance east-west
	d := mapData{
		Selected: -1,
		Stops: []mapStop{
			{orb.Point{1.85, lat}, "1", stopPlanned},
			{orb.Point{1.85 + dLon, lat}, "2", stopPlanned},
			{orb.Point{1.85 + dLon, lat + side}, "3", stopPlanned},
			{orb.Point{1.85, lat + side}, "4", stopPlanned},
		},
	}
	for _, sz := range [][2]int{{120, 30}, {60, 40}, {80, 24}} {
		at := labelCells(renderMap(d, sz[0], sz[1], newStyles(true)))
		width := float64(at["2"][0] - at["1"][0])
		height := float64(at["1"][1] - at["4"][1])
		if height <= 0 || math.Abs(width/height-2) > 0.25 {
			t.Errorf("%d×%d: square drawn %v columns × %v lines, want a 2:1 ratio", sz[0], sz[1], width, height)
		}
		// Centred: the margins left and right differ by at most a column
		// and a label.
		left, right := at["1"][0], sz[0]-1-at["2"][0]
		if math.Abs(float64(left-right)) > 2 {
			t.Errorf("%d×%d: not centred, %d columns left, %d right", sz[0], sz[1], left, right)
		}
	}
}

func TestMapViewEmpty(t *testing.T) {
	t.Parallel()
	st := newStyles(true)
	out := renderMap(mapData{Selected: -1}, 50, 9, st)
	lines := strings.Split(ansi.Strip(out), "\n")
	mid := lines[4]
	if strings.TrimSpace(mid) != noCoords {
		t.Fatalf("middle line %q, want the message", mid)
	}
	if l, r := len(mid)-len(strings.TrimLeft(mid, " ")), len(mid)-len(strings.TrimRight(mid, " ")); l-r > 1 || r-l > 1 {
		t.Errorf("message not centred: %d spaces left, %d right", l, r)
	}
	if !strings.Contains(out, st.Muted.Render(noCoords)) {
		t.Errorf("message not muted")
	}
	if small := ansi.Strip(renderMap(mapData{Selected: -1}, 12, 3, st)); !strings.Contains(small, "Pas de coor…") {
		t.Errorf("narrow message not truncated with an ellipsis: %q", small)
	}
}

func TestMapViewSinglePoint(t *testing.T) {
	t.Parallel()
	p := orb.Point{1.85, 50.95}
	out := ansi.Strip(renderMap(mapData{Selected: -1, Stops: []mapStop{{p, "1", stopNext}}}, 41, 11, newStyles(true)))
	at := labelCells(out)
	if at["1"] != [2]int{20, 5} {
		t.Errorf("single stop at %v, want the centre (20, 5):\n%s", at["1"], out)
	}
	if strings.Contains(out, "km") {
		t.Errorf("scale drawn for a single point:\n%s", out)
	}
}

// The pens must write exactly what the styles would, or colours drift from
// the rest of the interface.
func TestMapViewPens(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		st := newStyles(dark)
		pens := mapPens(st)
		for l, s := range map[int]lipgloss.Style{
			int(layerRoute): st.MapRoute, int(layerNext): st.MapNext, int(layerBroken): st.MapBroken,
			int(layerSelected): st.Selected, int(layerHere): st.MapHere, int(layerMissed): st.Muted,
		} {
			if pens[l].Open == "" {
				t.Errorf("layer %d: empty pen", l)
			}
			if got, want := pens[l].Open+"[12]"+pens[l].Close, s.Render("[12]"); got != want {
				t.Errorf("layer %d: pen writes %q, style %q", l, got, want)
			}
		}
	}
}

func TestMapViewGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{40, 12}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			golden.RequireEqual(t, ansi.Strip(renderMap(calaisRound(), sz[0], sz[1], newStyles(true))))
		})
	}
}

func BenchmarkRenderMap(b *testing.B) {
	st := newStyles(true)
	for _, c := range []struct{ stops, w, h int }{{60, 120, 40}, {20, 40, 20}} {
		d := randomRound(c.stops)
		b.Run(fmt.Sprintf("%dstops_%dx%d", c.stops, c.w, c.h), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				renderMap(d, c.w, c.h, st)
			}
		})
	}
}
