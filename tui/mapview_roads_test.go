package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
)

// detour is a road network where every leg goes north first, along the
// stop's meridian, then east or west, then south: nothing like the
// straight line, so a map that ignored it would show.
func detour(north float64) func(a, b orb.Point) (orb.LineString, bool) {
	return func(a, b orb.Point) (orb.LineString, bool) {
		top := max(a.Lat(), b.Lat()) + north
		return orb.LineString{a, {a.Lon(), top}, {b.Lon(), top}, b}, true
	}
}

func isBraille(r rune) bool { return r >= 0x2801 && r <= 0x28FF }

// Two stops on one row, the road between them going north: the map draws
// the road, not the row, and credits OpenStreetMap.
func TestMapViewRoadLegs(t *testing.T) {
	t.Parallel()
	d := mapData{
		Selected: -1,
		Stops: []mapStop{
			{orb.Point{1.80, 50.95}, "1", stopPlanned},
			{orb.Point{1.95, 50.95}, "2", stopPlanned},
		},
		Leg: detour(0.05),
	}
	out := ansi.Strip(renderMap(d, 60, 20, newStyles(true)))
	lines := strings.Split(out, "\n")
	at := labelCells(out)
	a, b := at["1"], at["2"]
	if a[1] != b[1] || b[0]-a[0] < 20 {
		t.Fatalf("stops at %v and %v, want apart on one row:\n%s", a, b, out)
	}
	row := []rune(lines[a[1]])
	for col := a[0] + 2; col < b[0]-1; col++ {
		if isBraille(row[col]) {
			t.Fatalf("cell %d between the stops is on the route, want the road's detour north:\n%s", col, out)
		}
	}
	// The detour's top runs along one row above them, from one stop's
	// column to the other's.
	top := -1
	for r := range a[1] {
		rs := []rune(lines[r])
		if isBraille(rs[a[0]+1]) && isBraille(rs[(a[0]+b[0])/2]) && isBraille(rs[b[0]-1]) {
			top = r
			break
		}
	}
	if top < 0 {
		t.Fatalf("no road above the stops:\n%s", out)
	}
	if !strings.Contains(lines[0], osmAttribution) {
		t.Errorf("map on roads without « %s » on its top line:\n%s", osmAttribution, out)
	}
}

// Without roads, or when the roads route no leg, the legs are straight
// and nothing is credited.
func TestMapViewStraightWithoutRoads(t *testing.T) {
	t.Parallel()
	noRoad := func(a, b orb.Point) (orb.LineString, bool) { return nil, false }
	for name, leg := range map[string]func(a, b orb.Point) (orb.LineString, bool){"no roads": nil, "no leg routed": noRoad} {
		d := calaisRound()
		d.Leg = leg
		got := ansi.Strip(renderMap(d, 60, 20, newStyles(true)))
		d.Leg = nil
		if want := ansi.Strip(renderMap(d, 60, 20, newStyles(true))); got != want {
			t.Errorf("%s: the map differs from the straight one:\n%s\nwant:\n%s", name, got, want)
		}
		if strings.Contains(got, "OpenStreetMap") {
			t.Errorf("%s: OpenStreetMap credited on a map that draws none of its roads", name)
		}
	}
}

// A pane too narrow for the sentence gives the short credit; the labels
// never hide it.
func TestMapViewAttributionWidths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w, h int
		want string
	}{
		{80, 20, osmAttribution}, {37, 12, osmAttribution}, {36, 12, osmAttributionShort}, {20, 8, osmAttributionShort},
	} {
		d := randomRound(30)
		d.Leg = detour(0.01)
		out := ansi.Strip(renderMap(d, c.w, c.h, newStyles(true)))
		checkSize(t, renderMap(d, c.w, c.h, newStyles(true)), c.w, c.h)
		top := strings.Split(out, "\n")[0]
		if !strings.HasSuffix(top, c.want+" ") {
			t.Errorf("%d×%d: top line %q, want it to end with %q", c.w, c.h, top, c.want+" ")
		}
	}
}

// The calais round on a grid of streets, reviewed: every leg bends at a
// right angle north of its stops, the route still reaches every stop but
// the missed 8, and the credit heads the map.
func TestMapViewRoadsGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{40, 12}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			d := calaisRound()
			d.Leg = detour(0.004)
			golden.RequireEqual(t, ansi.Strip(renderMap(d, sz[0], sz[1], newStyles(true))))
		})
	}
}

// fakeRoads is a travel model with road legs, recording the profile asked.
type fakeRoads struct {
	planner.Crow
	profiles *[]patients.TravelProfile
}

func (f fakeRoads) Leg(a, b orb.Point, tp patients.TravelProfile) (orb.LineString, bool) {
	*f.profiles = append(*f.profiles, tp)
	return orb.LineString{a, b}, true
}

// The map asks the travel model of the plan for its legs, with the
// nurse's profile; the crow model has none to give.
func TestMapLegsFromTheTravelModel(t *testing.T) {
	t.Parallel()
	if legsOn(nil, patients.Urban) != nil || legsOn(planner.DefaultCrow(), patients.Urban) != nil {
		t.Fatal("the crow model gave road legs")
	}
	var asked []patients.TravelProfile
	leg := legsOn(fakeRoads{Crow: planner.DefaultCrow(), profiles: &asked}, patients.Urban)
	if leg == nil {
		t.Fatal("a model with legs gave none")
	}
	if _, ok := leg(orb.Point{1, 50}, orb.Point{2, 50}); !ok || len(asked) != 1 || asked[0] != patients.Urban {
		t.Errorf("leg asked with profiles %v, want [%v]", asked, patients.Urban)
	}
}

// The round screen's map asks the plan's travel model for the legs of the
// nurse's round, with her travel profile, and credits the roads; the crow
// model draws straight lines and credits nothing.
func TestRoundMapOnRoads(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := startApp(t, d, 140, 40)
	if strings.Contains(screenText(a), "OpenStreetMap") {
		t.Fatalf("OpenStreetMap credited on the crow model's map:\n%s", screenText(a))
	}

	d, _ = testDeps(t)
	var asked []patients.TravelProfile
	d.Plan.Travel = fakeRoads{Crow: planner.DefaultCrow(), profiles: &asked}
	a = startApp(t, d, 140, 40)
	out := screenText(a)
	if !strings.Contains(out, osmAttribution) {
		t.Fatalf("the map on roads does not credit them:\n%s", out)
	}
	n, _ := a.round.nurse()
	if len(asked) == 0 || asked[0] != n.TravelProfile {
		t.Errorf("legs asked with profiles %v, want the nurse's %q", asked, n.TravelProfile)
	}
}
