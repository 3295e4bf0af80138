package planner

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"tournee/patients"
)

// Matrix gives the travel between the places of one plan. It is computed
// once per plan, before any ordering, so that the solver only reads numbers.
// Indexes are positions in the slice of points the matrix was built from;
// an index out of range panics, as a slice index does.
type Matrix interface {
	// Len is the number of places.
	Len() int
	// Minutes is the door-to-door travel time from place i to place j.
	Minutes(i, j int) float64
	// Meters is the road distance from place i to place j.
	Meters(i, j int) float64
}

// TravelModel builds the travel matrix of a plan for a nurse's travel
// profile. Crow is the only model today; a road-network matrix (OSRM,
// Valhalla, a precomputed table) can replace it behind this interface
// without the planner changing.
type TravelModel interface {
	Matrix(points []orb.Point, profile patients.TravelProfile) (Matrix, error)
}

// Defaults of the crow-flies model. They are literature values and
// engineering estimates, not measurements: calibrate them against the
// nurse's real times when she has some.
const (
	// DefaultCircuity is road distance over great-circle distance.
	// Ballou, Rahardja & Sakai (2002), "Selected country circuity factors
	// for road travel distance estimation", Transportation Research Part A
	// 36, estimate such factors country by country; the issue "Planner"
	// quotes European and French values of about 1.2 to 1.4 from it. That
	// range is a literature value taken on trust: the paper's table could
	// not be consulted when this was written. Secondary sources agree on the
	// order of magnitude: Newell (1980) finds about 1.2 for random points
	// in a city and O'Sullivan (1996) 1.21 to 1.23 around transit stations
	// (both as summarised by the Wikibooks page "Transportation Geography
	// and Network Science/Circuity"), and sparser rural networks detour
	// more. 1.3 is the middle of the range, for both profiles.
	DefaultCircuity = 1.3

	// UrbanSpeedKmh is the door-to-door average speed in a town centre:
	// limits of 50 km/h (30 km/h in many French centres) with lights,
	// junctions and traffic bring the average to about half the limit.
	// An engineering estimate, not a measured value.
	UrbanSpeedKmh = 25.0

	// RuralSpeedKmh is the average speed between villages: departmental
	// roads limited to 80 or 90 km/h, village crossings at 50 or 30 km/h,
	// and legs of only a few kilometres, so a car rarely holds the limit for
	// long. About half the road limit; an engineering estimate, not a
	// measured value.
	RuralSpeedKmh = 45.0

	// DefaultStopMinutes is the fixed cost of every leg between two
	// different places: parking and walking to the door (and back). An
	// estimate; a same-place leg (a couple in one home) costs nothing.
	DefaultStopMinutes = 2.0
)

// Profile is how a nurse moves: the detour of her roads, her average speed
// and the fixed cost of stopping.
type Profile struct {
	// Circuity multiplies the great-circle distance to get the road
	// distance; at least 1.
	Circuity float64
	// SpeedKmh is the average door-to-door speed, in km/h; positive.
	SpeedKmh float64
	// StopMinutes is added to every leg between two different places for
	// parking and walking to the door; 0 for two visits at one place.
	StopMinutes float64
}

// validate refuses a profile that would give negative, zero or infinite
// travel times: a zero Crow{} is the usual culprit.
func (p Profile) validate() error {
	switch {
	case !(p.Circuity >= 1) || math.IsInf(p.Circuity, 0):
		return fmt.Errorf("circuity %v: want a finite value of at least 1", p.Circuity)
	case !(p.SpeedKmh > 0) || math.IsInf(p.SpeedKmh, 0):
		return fmt.Errorf("speed %v km/h: want a finite positive value", p.SpeedKmh)
	case !(p.StopMinutes >= 0) || math.IsInf(p.StopMinutes, 0):
		return fmt.Errorf("stop time %v min: want a finite value of at least 0", p.StopMinutes)
	}
	return nil
}

// Crow is the crow-flies travel model: great-circle distance × circuity for
// the road distance, road distance ÷ speed plus the stop time for the
// travel time, with one Profile per patients.TravelProfile. It is
// symmetric, which real roads are not (one-way streets), ignores the hour
// of the day, and drives every leg at one speed, so long legs that a car
// would drive on a motorway (the A16 along the coast) come out slow: all
// things a road-network model would add.
type Crow struct {
	Urban Profile
	Rural Profile
}

// DefaultCrow returns the crow-flies model with the documented defaults:
// DefaultCircuity and DefaultStopMinutes for both profiles, UrbanSpeedKmh
// for urbain and RuralSpeedKmh for rural.
func DefaultCrow() Crow {
	return Crow{
		Urban: Profile{Circuity: DefaultCircuity, SpeedKmh: UrbanSpeedKmh, StopMinutes: DefaultStopMinutes},
		Rural: Profile{Circuity: DefaultCircuity, SpeedKmh: RuralSpeedKmh, StopMinutes: DefaultStopMinutes},
	}
}

var _ TravelModel = Crow{}

// Profile returns the parameters used for a travel profile. An unset
// profile is read as rural, the profile every nurse gets by default (the
// demo and `tournee init` create rural nurses).
func (c Crow) Profile(tp patients.TravelProfile) (Profile, error) {
	switch tp {
	case patients.Urban:
		return c.Urban, nil
	case patients.Rural, "":
		return c.Rural, nil
	}
	return Profile{}, fmt.Errorf("unknown travel profile %q", tp)
}

// PointError is a point the travel model cannot use. Index is its position
// in the slice given to Matrix, so that the caller can name the patient or
// place it stands for; the message holds no coordinates, since a patient's
// position is as personal as her address and errors are logged.
type PointError struct {
	Index  int
	Reason string
}

func (e *PointError) Error() string {
	return fmt.Sprintf("point %d: %s", e.Index, e.Reason)
}

// checkPoint returns why p is not a usable WGS-84 position, or "".
func checkPoint(p orb.Point) string {
	lon, lat := p.Lon(), p.Lat()
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return "coordinates are not numbers"
	case lat < -90 || lat > 90:
		return "latitude outside -90..90"
	case lon < -180 || lon > 180:
		return "longitude outside -180..180"
	case lon == 0 && lat == 0:
		// 0,0 is what a patient without coordinates carries (the zero
		// orb.Point), never a real patient of a French cabinet.
		return "coordinates are 0,0 (missing)"
	}
	return ""
}

// Matrix computes every leg between points once. It fails with a
// *PointError for the first unusable point (not a number, out of range, or
// 0,0), or when the profile is unknown or its parameters are not usable.
func (c Crow) Matrix(points []orb.Point, tp patients.TravelProfile) (Matrix, error) {
	p, err := c.Profile(tp)
	if err != nil {
		return nil, fmt.Errorf("travel matrix: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("travel matrix: profile %q: %w", tp, err)
	}
	for i, pt := range points {
		if why := checkPoint(pt); why != "" {
			return nil, fmt.Errorf("travel matrix: %w", &PointError{Index: i, Reason: why})
		}
	}
	n := len(points)
	t := &table{n: n, minutes: make([]float64, n*n), meters: make([]float64, n*n)}
	minPerMeter := 60 / (p.SpeedKmh * 1000)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if points[i] == points[j] {
				// Same door (a couple in one home): no driving, no parking.
				continue
			}
			m := geo.DistanceHaversine(points[i], points[j]) * p.Circuity
			mins := m*minPerMeter + p.StopMinutes
			t.meters[i*n+j], t.meters[j*n+i] = m, m
			t.minutes[i*n+j], t.minutes[j*n+i] = mins, mins
		}
	}
	return t, nil
}

// table is a dense row-major matrix: 2×n² floats, 58 KB for 60 places,
// which is cheaper than recomputing a haversine in the solver's inner loop.
type table struct {
	n       int
	minutes []float64
	meters  []float64
}

var _ Matrix = (*table)(nil)

func (t *table) Len() int                 { return t.n }
func (t *table) Minutes(i, j int) float64 { return t.minutes[t.index(i, j)] }
func (t *table) Meters(i, j int) float64  { return t.meters[t.index(i, j)] }

// index checks both coordinates: a bad j alone could otherwise land inside
// the slice on another row and return a wrong but plausible number.
func (t *table) index(i, j int) int {
	if uint(i) >= uint(t.n) || uint(j) >= uint(t.n) {
		panic(fmt.Sprintf("planner: travel matrix index (%d, %d) out of range [0, %d)", i, j, t.n))
	}
	return i*t.n + j
}
