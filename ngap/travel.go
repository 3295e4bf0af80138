package ngap

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/patients"
)

// Zone is the cabinet's IK zone (docs/ngap-idel.md §3.4): the plaine or
// montagne class depends on the cabinet's address, not the patient's.
type Zone string

// IK zones.
const (
	Plaine   Zone = "plaine"
	Montagne Zone = "montagne"
)

// ParseZone reads a zone as written in a flag or a file.
func ParseZone(s string) (Zone, error) {
	switch Zone(strings.ToLower(strings.TrimSpace(s))) {
	case Plaine, "":
		return Plaine, nil
	case Montagne:
		return Montagne, nil
	}
	return "", fmt.Errorf("zone IK « %s » inconnue (plaine ou montagne)", s)
}

// Distancer gives the distance in km the IK are paid on between two places,
// and whether it is a road distance. A road model plugs in here; without one
// CrowFly estimates it.
type Distancer func(a, b patients.Place) (km float64, road bool)

// RoadCircuity turns the great-circle distance between the cabinet and the
// home into an estimate of the road distance. It is the planner's
// DefaultCircuity (planner/travel.go, Ballou, Rahardja & Sakai 2002, 1.2–1.4
// in Europe), repeated here because ngap does not import the planner.
const RoadCircuity = 1.3

// CrowFly is the default Distancer: the great-circle distance × RoadCircuity,
// an estimate (road false) that every IK line built on it says it is.
func CrowFly(a, b patients.Place) (float64, bool) {
	return geo.DistanceHaversine(a.Point, b.Point) * RoadCircuity / 1000, false
}

// IK thresholds and abattements, in km (NGAP DG art. 13, docs/ngap-idel.md
// §3.4): IK only beyond 2 km in plaine, 1 km in montagne, one way; the round
// trip is reduced by 2 km each way in plaine, 1 km in montagne.
const (
	ikMinPlaine        = 2
	ikMinMontagne      = 1
	abattementPlaine   = 4
	abattementMontagne = 2
)

// Cabinet is what pricing needs of the cabinet: where it is, its commune
// and agglomeration, its IK zone, and how distances are measured.
type Cabinet struct {
	Place      patients.Place
	Commune    string
	PostalCode string
	Zone       Zone
	// Agglomeration lists the other communes the caisse counts in the
	// cabinet's agglomeration: no IK to them either. The cabinet's own
	// commune is always in it.
	Agglomeration []string
	Distance      Distancer // nil: CrowFly
}

// CabinetOf builds the pricing view of a stored cabinet. The stored cabinet
// has no IK zone yet: the caller gives it.
func CabinetOf(c patients.Cabinet, zone Zone) Cabinet {
	cab := Cabinet{Commune: c.Address.City, PostalCode: c.Address.PostalCode, Zone: zone}
	if c.Address.HasCoordinates() {
		cab.Place = patients.Place{Label: c.Name, Point: c.Address.Point}
	}
	return cab
}

// AlsaceMoselle reports whether the cabinet is in Alsace-Moselle, whose two
// extra public holidays then count for the F majoration.
func (c Cabinet) AlsaceMoselle() bool { return InAlsaceMoselle(c.PostalCode) }

// Home is where a patient is seen: the point the IK are computed to, the
// commune that says whether IK are due, and the household key
// (patients.Patient.Household) that tells two patients of one home apart
// from neighbours.
type Home struct {
	Place      patients.Place
	Household  string
	Commune    string
	PostalCode string
	// BirthDate gives the MIE for a child under 7 (zero: unknown).
	BirthDate patients.Date
}

// HomeOf builds the pricing view of a patient's home.
func HomeOf(p patients.Patient) Home {
	h := Home{Household: p.Household, Commune: p.Address.City, PostalCode: p.Address.PostalCode, BirthDate: p.BirthDate}
	if p.Address.HasCoordinates() {
		h.Place = patients.Place{Point: p.Address.Point}
	}
	return h
}

// foldCommune compares commune names whatever the case, accents, hyphens.
var accents = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "î", "i", "ï", "i",
	"ô", "o", "ö", "o", "û", "u", "ù", "u", "ü", "u", "ç", "c", "-", " ", "'", " ", "’", " ")

func foldCommune(s string) string {
	return strings.Join(strings.Fields(accents.Replace(strings.ToLower(s))), " ")
}

// inAgglomeration reports whether the home is in the cabinet's commune or
// agglomeration, and whether that could be told (both communes known).
func (c Cabinet) inAgglomeration(h Home) (in, known bool) {
	hc := foldCommune(h.Commune)
	if hc == "" || foldCommune(c.Commune) == "" {
		return false, false
	}
	if hc == foldCommune(c.Commune) {
		return true, true
	}
	return slices.ContainsFunc(c.Agglomeration, func(a string) bool { return foldCommune(a) == hc }), true
}

// ik adds the indemnités kilométriques of a trip (NGAP DG art. 13,
// docs/ngap-idel.md §3.4): only when the home is outside the cabinet's
// agglomeration — the doc's rule (actusoins.com, ILM n°327); the app counts
// the cabinet's commune and the communes listed in Agglomeration, and asks
// the nurse to check the rest — and beyond 2 km (plaine) or 1 km (montagne);
// "en étoile" from the cabinet, the round trip minus 4 km (plaine) or 2 km
// (montagne), rounded to the nearest kilometre as in the doc's examples, at
// the zone's rate. Not applied: the nearest cabinet of the discipline (the
// app does not know the others) and the daily cap from km 300 (a cabinet's
// rounds stay far below it).
func (c Cabinet) ik(f *VisitFees, home Home, price func(string) (int64, error)) error {
	if in, known := c.inAgglomeration(home); in {
		return nil
	} else if !known {
		f.warn("IK : commune du domicile ou du cabinet inconnue — vérifiez que le domicile est hors de l'agglomération du cabinet")
	}
	if home.Place.Point == (orb.Point{}) || c.Place.Point == (orb.Point{}) {
		f.warn("IK non calculées : coordonnées du domicile ou du cabinet manquantes")
		return nil
	}
	dist := c.Distance
	if dist == nil {
		dist = CrowFly
	}
	km, road := dist(c.Place, home.Place)
	code, zone, minimum, abattement := IKPlaine, "plaine", float64(ikMinPlaine), float64(abattementPlaine)
	if c.Zone == Montagne {
		code, zone, minimum, abattement = IKMontagne, "montagne", ikMinMontagne, abattementMontagne
	}
	if km <= minimum {
		return nil
	}
	billed := int64(math.Round(2*km - abattement))
	if billed <= 0 {
		return nil
	}
	rate, err := price(code)
	if err != nil {
		return err
	}
	label := "IK " + zone + " (" + strconv.FormatInt(billed, 10) + " km"
	if !road {
		label += ", estimés"
		f.warn("IK : distance estimée (vol d'oiseau × 1,3) ; vérifiez le kilométrage réel")
	}
	f.Lines = append(f.Lines, Fee{Label: label + ")", Code: code, Cents: billed * rate, Travel: true, Kind: TravelFee,
		Km: billed, Estimated: !road})
	return nil
}

// sameTripGap is how long after finishing one visit the next may begin and
// still be the same trip: the nurse did not leave the home (a couple seen
// one after the other). Beyond it she came back: a new trip.
const sameTripGap = 15 * time.Minute

// BillVisits bills several visits (each with Bill) and applies the rules one
// visit cannot see:
//
//   - one BSI forfait per patient per day, even over two visits (ngap-idel
//     §3.3): the later visit's forfait is dropped;
//   - one displacement per trip (§3.4: IFD once per visit whatever the
//     number of acts, one IFD for several patients of one home): a visit
//     that follows, by the same nurse with no other visit in between, a
//     visit to the same household (or the same patient) and begins within
//     sameTripGap of its end shares that trip and loses its IFD/IFI and IK.
//     Separate trips hours apart each bear their own.
//
// The result is in the order of vs. homes is keyed by patient id; a patient
// missing from it is billed without IK.
func BillVisits(vs []patients.Visit, plans map[xid.ID]patients.CarePlan, homes map[xid.ID]Home, cab Cabinet, t Tariffs) ([]VisitFees, error) {
	out := make([]VisitFees, len(vs))
	order := make([]int, len(vs))
	for i := range vs {
		order[i] = i
	}
	nurse := func(v patients.Visit) xid.ID { return cmp.Or(v.DoneBy, v.NurseID) }
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(vs[a].Date.Compare(vs[b].Date), vs[a].DoneAt.Compare(vs[b].DoneAt))
	})
	type dayKey struct {
		date    patients.Date
		patient xid.ID
	}
	forfaitDays := map[dayKey]bool{}
	type nurseDay struct {
		date  patients.Date
		nurse xid.ID
	}
	last := map[nurseDay]int{}        // index in vs of her previous visit that day
	tripPaid := make([]bool, len(vs)) // the trip of vs[i] bears its travel
	for _, i := range order {
		v := vs[i]
		h := homes[v.PatientID]
		f, err := Bill(v, plans, h, cab, t)
		if err != nil {
			return nil, err
		}
		dk := dayKey{v.Date, v.PatientID}
		if slices.ContainsFunc(f.Lines, func(l Fee) bool { return forfaits[l.Code] }) {
			if forfaitDays[dk] {
				f.Lines = slices.DeleteFunc(f.Lines, func(l Fee) bool { return forfaits[l.Code] })
				f.warn("forfait BSI déjà facturé ce jour pour ce patient : non refacturé")
			}
			forfaitDays[dk] = true
		}
		nd := nurseDay{v.Date, nurse(v)}
		// When the previous visit of the trip billed no travel (no act),
		// this one bears it.
		if p, ok := last[nd]; ok && sameTrip(vs[p], v, homes) && tripPaid[p] {
			f.Lines = slices.DeleteFunc(f.Lines, func(l Fee) bool { return l.Travel })
			f.warn("même domicile, même déplacement que la visite précédente : un seul déplacement (IFD, IK) facturé")
			tripPaid[i] = true
		} else {
			tripPaid[i] = slices.ContainsFunc(f.Lines, func(l Fee) bool { return l.Travel })
		}
		last[nd] = i
		f.sum()
		out[i] = f
	}
	return out, nil
}

// sameTrip reports whether b, the next visit of the same nurse that day,
// continues the trip of a.
func sameTrip(a, b patients.Visit, homes map[xid.ID]Home) bool {
	sameHome := a.PatientID == b.PatientID
	if ha, hb := homes[a.PatientID].Household, homes[b.PatientID].Household; ha != "" && ha == hb {
		sameHome = true
	}
	if !sameHome || a.DoneAt.IsZero() || b.DoneAt.IsZero() {
		return false
	}
	d := b.ActualMin
	if d <= 0 {
		d = b.DurationMin
	}
	began := b.DoneAt.Add(-time.Duration(d) * time.Minute)
	return began.Sub(a.DoneAt) <= sameTripGap
}
