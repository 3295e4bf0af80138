package ngap

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/patients"
)

// Fee is one line of a bill. Code is the billing code or row family the line
// is priced with ("AMI", "IFD", IKPlaine); Travel marks the travel allowances
// (IFD, IFI, IK), which a rétrocession may treat apart.
type Fee struct {
	Label  string
	Code   string
	Cents  int64
	Travel bool
}

// IsIK reports whether the line is an indemnité kilométrique.
func (f Fee) IsIK() bool { return f.Code == IKPlaine || f.Code == IKMontagne }

// VisitFees is the bill of one visit done. Total is the sum of the lines;
// TravelTotal the part of it that is IFD, IFI or IK, and IKTotal the IK
// alone. Warnings are French sentences for the nurse: what was not billed and
// what she must check.
type VisitFees struct {
	VisitID     xid.ID
	PatientID   xid.ID
	Date        patients.Date
	Lines       []Fee
	Total       int64
	TravelTotal int64
	IKTotal     int64
	Warnings    []string
}

func (f *VisitFees) sum() {
	f.Total, f.TravelTotal, f.IKTotal = 0, 0, 0
	for _, l := range f.Lines {
		f.Total += l.Cents
		if l.Travel {
			f.TravelTotal += l.Cents
		}
		if l.IsIK() {
			f.IKTotal += l.Cents
		}
	}
}

func (f *VisitFees) warn(format string, a ...any) {
	w := fmt.Sprintf(format, a...)
	if !slices.Contains(f.Warnings, w) {
		f.Warnings = append(f.Warnings, w)
	}
}

// RoadCircuity turns the great-circle distance between the cabinet and the
// home into an estimate of the road distance the IK are paid on. It is the
// planner's DefaultCircuity (planner/travel.go, Ballou, Rahardja & Sakai
// 2002, 1.2–1.4 in Europe), repeated here because ngap does not import the
// planner; no better documented factor for IK was found. The real distance
// is the one the caisse checks: every IK line carries a warning.
const RoadCircuity = 1.3

// IK thresholds and abattements, in metres (NGAP DG art. 13,
// docs/ngap-idel.md §3.4): IK only beyond 2 km in plaine, 1 km in montagne,
// one way; the round trip is reduced by 2 km each way in plaine, 1 km in
// montagne.
const (
	ikMinPlaine        = 2000
	ikMinMontagne      = 1000
	abattementPlaine   = 4000
	abattementMontagne = 2000
)

// billedAct is an act of the visit with what Bill needs to rank it.
type billedAct struct {
	Act
	coef  int64 // hundredths
	unit  int64 // cents per coefficient unit
	plan  patients.CarePlan
	block int
}

// Bill prices one visit done at the patient's home, from the cotations of its
// care items' plans. The rules, all from docs/ngap-idel.md:
//
//   - Article 11B (§3.1): with several acts, the highest coefficient is paid
//     in full, the second at 50 %, the others not at all (listed at 0 €).
//     Exceptions applied, from the CPAM list quoted in §3.1: the acts of an
//     insulin plan (NGAP Titre XVI ch. II art. 5bis: surveillance AMI 1 +
//     injection AMI 1) form one block paid in full, ranked by their summed
//     coefficient — the doc's example is (AMI 1 + AMI 1) + AMI 1.5/2; the
//     acts of one perfusion plan (stages of a perfusion, ch. I art. 9,
//     ch. II art. 3) form one such block too. Not applied: AIS with a
//     pansement lourd et complexe (ch. I art. 11), because a cotation does
//     not say whether a dressing is "lourd et complexe"; the doc calls its
//     exception list incomplete.
//   - MAU (§3.2) is added when the visit has a single act, an AMI of
//     coefficient ≤ 1.5, and no MCI; a MAU written on a plan is dropped
//     with a warning otherwise.
//   - MCI, MIE and the night and Sunday majorations only when a plan names
//     them, once per visit. MCI needs a pansement lourd or soins palliatifs,
//     MIE a child under 7: the plan knows, Bill does not. Night and Sunday
//     are never inferred from the time or day of the visit: NGAP DG art. 14
//     pays them only for an emergency or when the prescription requires
//     night or Sunday care, not for the cabinet's own organisation
//     (§3.2); the two do not cumulate, so the highest is kept.
//   - One IFD per visit, or IFI in the BSI context (a BSA/BSB/BSC forfait,
//     an AMX act, or IFI written on a plan) (§3.3, §3.4). One BSI forfait
//     per visit; once per day is BillVisits's job, since one visit cannot
//     see the others.
//   - IK (§3.4) "en étoile" from the cabinet, plaine or montagne by the
//     cabinet's zone: beyond 2 km (plaine) or 1 km (montagne) of estimated
//     road distance (see RoadCircuity), the round trip minus 4 km (plaine) or
//     2 km (montagne), rounded to the nearest kilometre as in the doc's
//     examples. Not checked: that the home is outside the cabinet's
//     agglomeration, and the nearest cabinet of the discipline — the app
//     knows neither, so a warning asks the nurse. The daily cap (km 300+) is
//     not applied: the rounds of a cabinet are far below it.
//
// home and cabinet with a zero point (no coordinates) give no IK, with a
// warning. A care item whose plan has no cotation, or one that does not
// read, is not billed and gets a warning. Bill fails when the visit is not
// done, when a care item's plan is missing, or when the table has no value
// in force that day for a code it needs.
func Bill(v patients.Visit, plans map[xid.ID]patients.CarePlan, home, cabinet patients.Place, mountain bool, t Tariffs) (VisitFees, error) {
	f := VisitFees{VisitID: v.ID, PatientID: v.PatientID, Date: v.Date}
	if v.Status != patients.Done {
		return f, fmt.Errorf("bill visit %s: status %q, not done", v.ID, v.Status)
	}
	price := func(code string) (int64, error) {
		r, ok := t.Row(code, v.Date)
		if !ok {
			return 0, fmt.Errorf("bill visit %s: no tariff for %s on %s", v.ID, code, v.Date)
		}
		if r.From.IsZero() {
			f.warn("%s : date d'entrée en vigueur inconnue dans la table des tarifs, montant à vérifier", r.Code)
		}
		return r.Cents, nil
	}

	var acts []billedAct
	var forfait *billedAct
	written := map[string]patients.CarePlan{} // majoration → a plan naming it
	blocks := 0
	for _, it := range v.Items {
		plan, ok := plans[it.CarePlanID]
		if !ok {
			return f, fmt.Errorf("bill visit %s: care plan %s not found", v.ID, it.CarePlanID)
		}
		label := cmp.Or(plan.Label, it.Label, string(plan.Kind))
		if strings.TrimSpace(plan.Cotation) == "" {
			f.warn("« %s » : pas de cotation, soin non facturé", label)
			continue
		}
		c, err := ParseCotation(plan.Cotation)
		if err != nil {
			f.warn("« %s » : %v — soin non facturé", label, err)
			continue
		}
		for _, m := range c.Majorations {
			if _, seen := written[m]; !seen {
				written[m] = plan
			}
		}
		// One block per act, except the art. 5bis and perfusion groups.
		grouped := plan.Kind == patients.Insulin || plan.Kind == patients.Infusion
		if grouped {
			blocks++
		}
		for _, a := range c.Acts {
			unit, err := price(a.Key)
			if err != nil {
				return f, err
			}
			ba := billedAct{Act: a, coef: hundredths(a.Coef), unit: unit, plan: plan}
			if forfaits[a.Key] {
				if forfait != nil && forfait.unit*forfait.coef >= ba.unit*ba.coef {
					f.warn("un seul forfait BSI par jour : %s %s non facturé", a.Key, coefText(ba.coef))
					continue
				}
				if forfait != nil {
					f.warn("un seul forfait BSI par jour : %s %s non facturé", forfait.Key, coefText(forfait.coef))
				}
				forfait = &ba
				continue
			}
			if !grouped {
				blocks++
			}
			ba.block = blocks
			acts = append(acts, ba)
		}
	}

	if forfait != nil {
		f.Lines = append(f.Lines, Fee{Label: forfaitLabel(forfait.Key), Code: forfait.Key,
			Cents: roundDiv(forfait.unit*forfait.coef, 100)})
	}
	if len(acts) == 0 && forfait == nil {
		// IFD and majorations go with acts: nothing to add them to.
		f.warn("aucun acte facturable pour cette visite : ni déplacement ni majoration facturés")
		f.sum()
		return f, nil
	}
	rank11B(&f, acts)

	bsi := forfait != nil || slices.ContainsFunc(acts, func(a billedAct) bool { return a.Key == "AMX" })
	if bsi {
		for _, a := range acts {
			switch a.Key {
			case "AIS":
				f.warn("AIS avec un forfait BSI : les forfaits remplacent les AIS pour le patient dépendant, à vérifier")
			case "AMI":
				if forfait != nil {
					f.warn("acte technique dans le cadre du BSI : à coter en AMX (même valeur)")
				}
			}
		}
	}

	// Majorations.
	_, mci := written["MCI"]
	if plan, ok := written["MAU"]; ok && !mauAllowed(acts, mci, forfait) {
		f.warn("MAU de « %s » non facturée : réservée à un acte AMI unique de coefficient ≤ 1,5, sans MCI", cmp.Or(plan.Label, string(plan.Kind)))
	}
	if mauAllowed(acts, mci, forfait) {
		c, err := price("MAU")
		if err != nil {
			return f, err
		}
		f.Lines = append(f.Lines, Fee{Label: "MAU (acte unique)", Code: "MAU", Cents: c})
	}
	if plan, ok := written["MCI"]; ok {
		c, err := price("MCI")
		if err != nil {
			return f, err
		}
		if plan.Kind != patients.Dressing && plan.Kind != patients.Palliative {
			f.warn("MCI : réservée aux pansements lourds et complexes et aux soins palliatifs à domicile, à vérifier")
		}
		f.Lines = append(f.Lines, Fee{Label: "MCI (coordination infirmière)", Code: "MCI", Cents: c})
	}
	if _, ok := written["MIE"]; ok {
		c, err := price("MIE")
		if err != nil {
			return f, err
		}
		f.Lines = append(f.Lines, Fee{Label: "MIE (enfant de moins de 7 ans)", Code: "MIE", Cents: c})
	}
	if err := nightOrSunday(&f, written, price); err != nil {
		return f, err
	}

	// Travel: one flat allowance, then IK.
	flat := "IFD"
	if _, ifi := written["IFI"]; ifi || bsi {
		flat = "IFI"
	}
	c, err := price(flat)
	if err != nil {
		return f, err
	}
	f.Lines = append(f.Lines, Fee{Label: flat + " (déplacement)", Code: flat, Cents: c, Travel: true})
	if err := ik(&f, home, cabinet, mountain, price); err != nil {
		return f, err
	}
	f.sum()
	return f, nil
}

// rank11B adds the act lines at 100 %, 50 % and 0 % (article 11B).
func rank11B(f *VisitFees, acts []billedAct) {
	type block struct {
		id    int
		coef  int64
		value int64
	}
	var bs []block
	for _, a := range acts {
		i := slices.IndexFunc(bs, func(b block) bool { return b.id == a.block })
		if i < 0 {
			bs = append(bs, block{id: a.block})
			i = len(bs) - 1
		}
		bs[i].coef += a.coef
		bs[i].value += a.coef * a.unit
	}
	// Highest coefficient first; between equal coefficients the dearer
	// key first, which is what the nurse would choose.
	slices.SortStableFunc(bs, func(x, y block) int {
		return cmp.Or(cmp.Compare(y.coef, x.coef), cmp.Compare(y.value, x.value))
	})
	for rank, b := range bs {
		pct := int64(0)
		switch rank {
		case 0:
			pct = 100
		case 1:
			pct = 50
		}
		for _, a := range acts {
			if a.block != b.id {
				continue
			}
			label := a.Key + " " + coefText(a.coef)
			switch pct {
			case 50:
				label += " à 50 % (art. 11B)"
			case 0:
				label += " non cumulable (art. 11B), 0 €"
			}
			f.Lines = append(f.Lines, Fee{Label: label, Code: a.Key, Cents: roundDiv(a.unit*a.coef*pct, 10000)})
		}
	}
}

func mauAllowed(acts []billedAct, mci bool, forfait *billedAct) bool {
	return len(acts) == 1 && acts[0].Key == "AMI" && acts[0].coef <= 150 && !mci && forfait == nil
}

// nightOrSunday adds the one night or Sunday majoration a plan names: they
// do not cumulate (NGAP DG art. 14, docs/ngap-idel.md §3.2), so the highest
// is kept. Their billing codes are unverified: the label says so.
func nightOrSunday(f *VisitFees, written map[string]patients.CarePlan, price func(string) (int64, error)) error {
	var best Fee
	n := 0
	for _, m := range []struct{ code, label string }{
		{Night, "Majoration de nuit"}, {DeepNight, "Majoration de nuit profonde"}, {Sunday, "Majoration dimanche ou jour férié"},
	} {
		if _, ok := written[m.code]; !ok {
			continue
		}
		n++
		c, err := price(m.code)
		if err != nil {
			return err
		}
		if c > best.Cents {
			best = Fee{Label: m.label + " (code de facturation à vérifier)", Code: m.code, Cents: c}
		}
	}
	if n > 1 {
		f.warn("les majorations de nuit et de dimanche ne se cumulent pas : seule la plus élevée est facturée")
	}
	if n > 0 {
		f.Lines = append(f.Lines, best)
	}
	return nil
}

// ik adds the indemnités kilométriques of the visit.
func ik(f *VisitFees, home, cabinet patients.Place, mountain bool, price func(string) (int64, error)) error {
	if home.Point == (orb.Point{}) || cabinet.Point == (orb.Point{}) {
		f.warn("IK non calculées : coordonnées du domicile ou du cabinet manquantes")
		return nil
	}
	road := geo.DistanceHaversine(cabinet.Point, home.Point) * RoadCircuity
	code, zone, minimum, abattement := IKPlaine, "plaine", float64(ikMinPlaine), float64(abattementPlaine)
	if mountain {
		code, zone, minimum, abattement = IKMontagne, "montagne", ikMinMontagne, abattementMontagne
	}
	if road <= minimum {
		return nil
	}
	km := int64(math.Round((2*road - abattement) / 1000))
	if km <= 0 {
		return nil
	}
	rate, err := price(code)
	if err != nil {
		return err
	}
	f.Lines = append(f.Lines, Fee{Label: "IK " + zone + " (" + strconv.FormatInt(km, 10) + " km)", Code: code, Cents: km * rate, Travel: true})
	f.warn("IK : distance estimée (vol d'oiseau × 1,3) ; vérifiez le kilométrage réel et que le domicile est hors de l'agglomération du cabinet")
	return nil
}

// roundDiv divides a non-negative n by d, rounding half up: prices are
// rounded to the cent this way (AMI 1.5 = 4,725 € → 4,73 €).
func roundDiv(n, d int64) int64 { return (n + d/2) / d }

// coefText writes a coefficient in hundredths the French way: 150 → "1,5".
func coefText(h int64) string {
	s := strconv.FormatFloat(float64(h)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1)
}

func forfaitLabel(key string) string {
	switch key {
	case "BSA":
		return "BSA (forfait journalier BSI, prise en charge légère)"
	case "BSB":
		return "BSB (forfait journalier BSI, prise en charge intermédiaire)"
	}
	return "BSC (forfait journalier BSI, prise en charge lourde)"
}

// Home is where a patient is seen: the point the IK are computed to and the
// household key (patients.Patient.Household) that tells two patients of one
// home apart from neighbours.
type Home struct {
	Place     patients.Place
	Household string
}

// BillVisits bills several visits (each with Bill, the cabinet's point and
// zone) and applies the rules one visit cannot see:
//
//   - one BSI forfait per patient per day, even over two visits (ngap-idel
//     §3.3): the later visit's forfait is dropped;
//   - one IFD for several patients seen in the same home (§3.4): a visit to
//     a patient of the same household, the same day, on the same round, by
//     the same nurse, as an earlier one loses its IFD/IFI and IK.
//
// "Earlier" is by date, then time done. The result is in the order of vs.
// homes is keyed by patient id; a patient missing from it is billed without IK.
func BillVisits(vs []patients.Visit, plans map[xid.ID]patients.CarePlan, homes map[xid.ID]Home, cabinet patients.Place, mountain bool, t Tariffs) ([]VisitFees, error) {
	out := make([]VisitFees, len(vs))
	order := make([]int, len(vs))
	for i := range vs {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(vs[a].Date.Compare(vs[b].Date), vs[a].DoneAt.Compare(vs[b].DoneAt))
	})
	type dayKey struct {
		date patients.Date
		id   string
	}
	forfaitDays := map[dayKey]bool{}
	type homeKey struct {
		date      patients.Date
		round     patients.Round
		nurse     xid.ID
		household string
	}
	homesSeen := map[homeKey]bool{}
	for _, i := range order {
		v := vs[i]
		h := homes[v.PatientID]
		f, err := Bill(v, plans, h.Place, cabinet, mountain, t)
		if err != nil {
			return nil, err
		}
		dk := dayKey{v.Date, v.PatientID.String()}
		if slices.ContainsFunc(f.Lines, func(l Fee) bool { return forfaits[l.Code] }) {
			if forfaitDays[dk] {
				f.Lines = slices.DeleteFunc(f.Lines, func(l Fee) bool { return forfaits[l.Code] })
				f.warn("forfait BSI déjà facturé ce jour pour ce patient : non refacturé")
			}
			forfaitDays[dk] = true
		}
		if h.Household != "" {
			hk := homeKey{v.Date, v.Round, v.DoneBy, h.Household}
			if homesSeen[hk] {
				f.Lines = slices.DeleteFunc(f.Lines, func(l Fee) bool { return l.Travel })
				f.warn("même domicile qu'un patient déjà vu sur cette tournée : un seul déplacement (IFD, IK) facturé")
			}
			homesSeen[hk] = true
		}
		f.sum()
		out[i] = f
	}
	return out, nil
}
