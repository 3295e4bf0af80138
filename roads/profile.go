package roads

import (
	"strconv"
	"strings"

	"github.com/paulmach/osm"
)

// Road classes kept for a car, from the OSM highway tag. Tracks, paths,
// footways, cycleways, pedestrian streets, steps and roads under
// construction or only proposed are not driven by a nurse's car.
const (
	classMotorway uint8 = iota + 1
	classTrunk
	classPrimary
	classSecondary
	classTertiary
	classUnclassified
	classResidential
	classLivingStreet
	classService
	classLink // any *_link: slip roads and junction ramps
	classRoad // highway=road: not yet classified by mappers
)

var classOf = map[string]uint8{
	"motorway": classMotorway, "trunk": classTrunk, "primary": classPrimary,
	"secondary": classSecondary, "tertiary": classTertiary, "unclassified": classUnclassified,
	"residential": classResidential, "living_street": classLivingStreet, "service": classService,
	"motorway_link": classLink, "trunk_link": classLink, "primary_link": classLink,
	"secondary_link": classLink, "tertiary_link": classLink, "road": classRoad,
}

// defaultLimits are the speed limits, in km/h, assumed when a way has no
// usable maxspeed tag, [urban, rural]. They are the French general limits
// (Code de la route R413-2 and R413-3: 50 in town, 80 on two-lane roads
// outside, 110 on dual carriageways, 130 on motorways) adjusted per class
// for what the class usually is: residential streets are more and more
// often « zone 30 » in town, a living_street is a « zone de rencontre »
// (20 km/h, R110-2), service roads (car parks, lanes to a farm) are driven
// at walking-plus pace, and slip roads are taken well below the road they
// join. Which column applies is the nurse's travel profile (urbain/rural):
// OSM has no reliable « in town » flag on a way, and a cabinet's area is
// mostly one or the other.
var defaultLimits = map[uint8][2]float64{
	classMotorway:     {110, 130},
	classTrunk:        {70, 110},
	classPrimary:      {50, 80},
	classSecondary:    {50, 80},
	classTertiary:     {50, 80},
	classUnclassified: {50, 70},
	classResidential:  {30, 50},
	classLivingStreet: {20, 20},
	classService:      {20, 30},
	classLink:         {50, 70},
	classRoad:         {40, 50},
}

// DrivingShare is the part of the speed limit a car averages on a road:
// junctions, lights, bends and traffic. 0.8 is the reduction the OSRM car
// profile applies to tagged limits; an engineering estimate, not a
// measured value.
const DrivingShare = 0.8

// wayInfo is what the car profile keeps of a way.
type wayInfo struct {
	class    uint8
	forward  bool // drivable in the way's node order
	backward bool
	limit    float64 // tagged maxspeed in km/h, 0 when absent or unreadable
	name     string
	noSnap   bool // nobody lives on it: see snapless
}

// carWay reads a way's tags with the car profile: whether a car may drive
// it, in which directions, and at what tagged limit. ok is false for a way
// a car may not use at all.
func carWay(tags osm.Tags) (w wayInfo, ok bool) {
	hw := tags.Find("highway")
	w.class = classOf[hw]
	if w.class == 0 || tags.Find("area") == "yes" || !carAllowed(tags) {
		return wayInfo{}, false
	}
	w.forward, w.backward = directions(tags, hw)
	if !w.forward && !w.backward {
		return wayInfo{}, false
	}
	w.limit = parseMaxspeed(tags.Find("maxspeed"))
	w.name = roadName(tags)
	w.noSnap = snapless(tags, hw)
	return w, true
}

// snapless is a road no door opens onto: a motorway, its ramps, a tunnel.
// A patient's point is never placed on one (Monaco's homes above the A500
// tunnel would otherwise start their rounds inside it).
func snapless(tags osm.Tags, hw string) bool {
	if hw == "motorway" || hw == "motorway_link" {
		return true
	}
	t := tags.Find("tunnel")
	return t != "" && t != "no" && t != "building_passage"
}

// carAllowed applies the access tags from the most general to the most
// specific (access, vehicle, motor_vehicle, motorcar): the most specific
// one present decides, as the OSM access hierarchy says.
func carAllowed(tags osm.Tags) bool {
	allowed := true
	for _, k := range [...]string{"access", "vehicle", "motor_vehicle", "motorcar"} {
		if v := tags.Find(k); v != "" {
			allowed = accessValue(v)
		}
	}
	return allowed
}

// accessValue reads one access value. « destination » and « customers »
// let a car in when it goes there, which a nurse visiting a patient does;
// « private » does not: a private road is usually a home's driveway, and the
// point snaps to the public road next to it instead. Unknown values allow,
// as most routers do.
func accessValue(v string) bool {
	switch strings.TrimSpace(v) {
	case "no", "private", "agricultural", "forestry", "delivery", "emergency",
		"psv", "bus", "military", "discouraged", "use_sidepath":
		return false
	}
	return true
}

// directions reads oneway: yes/true/1 forward only, -1/reverse backward
// only, no/false/0 both ways. Roundabouts and motorways (with their slip
// roads) are one-way unless tagged otherwise. A reversible or alternating
// way changes direction during the day: it is left out, as OSRM does.
func directions(tags osm.Tags, hw string) (fwd, bwd bool) {
	switch tags.Find("oneway") {
	case "yes", "true", "1":
		return true, false
	case "-1", "reverse":
		return false, true
	case "no", "false", "0":
		return true, true
	case "reversible", "alternating":
		return false, false
	}
	switch tags.Find("junction") {
	case "roundabout", "circular":
		return true, false
	}
	if hw == "motorway" || hw == "motorway_link" {
		return true, false
	}
	return true, true
}

// parseMaxspeed reads a maxspeed value in km/h: a number, a number in mph,
// or a French implicit value (FR:urban, FR:zone30…). 0 means unknown, and
// the class default applies; so does « none » (no limit is not a speed).
func parseMaxspeed(v string) float64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = strings.TrimSpace(v[:i]) // several values: the first one
	}
	switch strings.ToLower(v) {
	case "fr:urban", "fr:zone50":
		return 50
	case "fr:rural":
		return 80
	case "fr:trunk":
		return 110
	case "fr:motorway":
		return 130
	case "fr:zone30", "fr:zone:30":
		return 30
	case "fr:zone20", "fr:living_street":
		return 20
	case "walk", "fr:walk":
		return 6
	}
	mph := strings.HasSuffix(v, "mph")
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "mph"), "km/h"))
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f > 200 {
		return 0
	}
	if mph {
		f *= 1.609344
	}
	return f
}

// roadName is how the route's roads are named to the nurse: « D 6007 (Avenue
// de la Madone) » when a road has both, else whichever it has.
func roadName(tags osm.Tags) string {
	name, ref := tags.Find("name"), tags.Find("ref")
	switch {
	case name != "" && ref != "":
		return ref + " (" + name + ")"
	case name != "":
		return name
	}
	return ref
}

// limits returns a way's speed limit for urban and rural driving: the
// tagged one when readable, else the class defaults.
func (w wayInfo) limits() (urban, rural float64) {
	if w.limit > 0 {
		return w.limit, w.limit
	}
	d := defaultLimits[w.class]
	return d[0], d[1]
}
