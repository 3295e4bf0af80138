package ngap

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/xid"

	"tournee/patients"
)

// FeeKind tells the lines of a bill apart: acts, majorations, travel.
type FeeKind int

// Fee kinds.
const (
	ActFee FeeKind = iota
	MajorationFee
	TravelFee
)

// Fee is one line of a bill. Code is the billing code or row family the line
// is priced with ("AMI", "IFD", IKPlaine); Travel marks the travel allowances
// (IFD, IFI, IK), which a rétrocession may treat apart.
type Fee struct {
	Label  string
	Code   string
	Cents  int64
	Travel bool
	Kind   FeeKind
	// Coef (hundredths) and Rate (percent paid: 100, 50 or 0 under
	// article 11B) are set on act lines.
	Coef int64
	Rate int
	// Km is the distance billed on an IK line; Estimated says it is not a
	// road distance but the crow-fly estimate (see CrowFly).
	Km        int64
	Estimated bool
}

// IsIK reports whether the line is an indemnité kilométrique.
func (f Fee) IsIK() bool { return f.Code == IKPlaine || f.Code == IKMontagne }

// BillingCode is the code a billing software shows for the line: the
// majorations of night and Sunday have no verified code in the tariff table
// (docs/ngap-idel.md §1), so the usual N1, N2 and F are used — to check.
func (f Fee) BillingCode() string {
	switch {
	case f.Code == Night:
		return "N1"
	case f.Code == DeepNight:
		return "N2"
	case f.Code == Sunday:
		return "F"
	case f.IsIK():
		return "IK"
	}
	return f.Code
}

// VisitFees is the bill of one visit done. Total is the sum of the lines;
// TravelTotal the part of it that is IFD, IFI or IK, and IKTotal the IK
// alone. Time is when the care began (see careStart). Warnings are French
// sentences for the nurse: what was not billed and what she must check.
type VisitFees struct {
	VisitID     xid.ID
	PatientID   xid.ID
	NurseID     xid.ID
	Date        patients.Date
	Time        patients.TimeOfDay
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

// billedAct is an act of the visit with what Bill needs to rank it.
type billedAct struct {
	patients.CareAct
	coef  int64 // hundredths
	unit  int64 // cents per coefficient unit
	block int
	// apart acts are paid in full outside the article 11B ranking.
	apart bool
}

// visitPlan is a plan of the visit with its cotation read.
type visitPlan struct {
	plan patients.CarePlan
	cot  PlanCotation
}

// Bill prices one visit done at the patient's home, from the acts of its
// care items' plans (PlanActs). The rules, all from docs/ngap-idel.md:
//
//   - Article 11B (§3.1): with several acts, the highest coefficient is paid
//     in full, the second at 50 %, the others not at all (listed at 0 €).
//     Exceptions applied, from the CPAM list quoted in §3.1: the art. 5bis
//     acts of one plan (surveillance AMI 1 + injection AMI 1) form one block
//     paid in full, ranked by their summed coefficient — the doc's example
//     is (AMI 1 + AMI 1) + AMI 1.5/2; the stages of one perfusion form such
//     a block too; an AIS session cumulates in full with a pansement lourd
//     et complexe (ch. I art. 11): the AIS are then paid apart, in full.
//   - MAU (§3.2) when the visit has a single act, an AMI of coefficient
//     ≤ 1.5, and no MCI; a MAU written on a plan is dropped with a warning
//     otherwise.
//   - MCI (§3.2, NGAP DG art. 23-2) once per visit for a pansement lourd et
//     complexe or any visit of a patient in soins palliatifs; MIE when a
//     plan names it or the patient is under 7 that day (§3.2: no
//     prescription needed).
//   - F and N follow the real day and time of the care (Visit.DoneAt less
//     its duration) and the prescription (NGAP DG art. 14, §3.2): F on a
//     Sunday or public holiday (Alsace-Moselle days for a cabinet there)
//     when a plan of the visit is prescribed « y compris dimanches et jours
//     fériés » or every day — art. 14's « exécution rigoureusement
//     quotidienne », billed with a point to check the mention; N1 (20h–23h,
//     5h–8h) or N2 (23h–5h) when a plan is prescribed « horaire imposé /
//     nuit ». A night round the cabinet chose is not billed. They do not
//     cumulate: the highest is kept. The words « nuit », « dimanche » of an
//     older cotation text stand for the flags, and a contradiction with the
//     real day or time is a point to check, never a majoration.
//   - One IFD per trip, or IFI in the BSI context (a BSA/BSB/BSC forfait, an
//     AMX act, or IFI written on a plan) (§3.3, §3.4); several visits of one
//     trip are BillVisits's job. One BSI forfait per visit (per day:
//     BillVisits).
//   - IK, see Cabinet.ik.
//
// A care item whose plan has no cotation, or one that does not read, is not
// billed and gets a warning; a palliative plan whose acts are not named
// (« actes selon la NGAP ») bears the MCI and the travel, its acts left to
// the nurse. Bill fails when the visit is not done, when a care item's plan
// is missing, or when the table has no value in force that day for a code it
// needs.
func Bill(v patients.Visit, plans map[xid.ID]patients.CarePlan, home Home, cab Cabinet, t Tariffs) (VisitFees, error) {
	f := VisitFees{VisitID: v.ID, PatientID: v.PatientID, NurseID: cmp.Or(v.DoneBy, v.NurseID), Date: v.Date, Time: careStart(v)}
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

	var vps []visitPlan
	var acts []billedAct
	var forfait *billedAct
	written := map[string]patients.CarePlan{} // majoration → a plan naming it
	unspecified := false
	blocks := 0
	for _, it := range v.Items {
		plan, ok := plans[it.CarePlanID]
		if !ok {
			return f, fmt.Errorf("bill visit %s: care plan %s not found", v.ID, it.CarePlanID)
		}
		label := cmp.Or(plan.Label, it.Label, string(plan.Kind))
		c, err := PlanActs(plan)
		if err != nil {
			f.warn("« %s » : %v — soin non facturé", label, err)
			continue
		}
		if len(c.Acts) == 0 && len(c.Majorations) == 0 && !c.Unspecified {
			f.warn("« %s » : pas de cotation, soin non facturé", label)
			continue
		}
		vps = append(vps, visitPlan{plan, c})
		for _, m := range c.Majorations {
			if _, seen := written[m]; !seen {
				written[m] = plan
			}
		}
		if c.Unspecified || (plan.Kind == patients.Palliative && len(c.Acts) == 0) {
			unspecified = true
			f.warn("« %s » : actes non précisés (« actes selon la NGAP ») — à coter, non chiffrés ici", label)
		}
		groups := map[patients.ActModifier]int{}
		for _, a := range c.Acts {
			unit, err := price(a.Key)
			if err != nil {
				return f, err
			}
			ba := billedAct{CareAct: a, coef: hundredths(a.Coef), unit: unit}
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
			// The art. 5bis acts and the stages of a perfusion of one plan
			// share a block; any other act is a block of its own.
			g := patients.ActModifier("")
			for _, m := range []patients.ActModifier{patients.Surveillance5bis, patients.PerfusionStage} {
				if a.Has(m) {
					g = m
				}
			}
			if g == "" {
				blocks++
				ba.block = blocks
			} else {
				if groups[g] == 0 {
					blocks++
					groups[g] = blocks
				}
				ba.block = groups[g]
			}
			acts = append(acts, ba)
		}
	}

	if forfait != nil {
		f.Lines = append(f.Lines, Fee{Label: forfaitLabel(forfait.Key), Code: forfait.Key, Kind: ActFee,
			Coef: forfait.coef, Rate: 100, Cents: roundDiv(forfait.unit*forfait.coef, 100)})
	}
	if len(acts) == 0 && forfait == nil && !unspecified {
		// IFD and majorations go with acts: nothing to add them to.
		f.warn("aucun acte facturable pour cette visite : ni déplacement ni majoration facturés")
		f.sum()
		return f, nil
	}
	heavy := slices.ContainsFunc(acts, func(a billedAct) bool { return a.Has(patients.HeavyDressing) })
	if heavy && slices.ContainsFunc(acts, func(a billedAct) bool { return a.Key == "AIS" }) {
		for i := range acts {
			acts[i].apart = acts[i].Key == "AIS"
		}
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

	if under7(home.BirthDate, v.Date) {
		if _, ok := written["MIE"]; !ok {
			written["MIE"] = patients.CarePlan{}
		}
	}
	if err := majorations(&f, v, vps, acts, forfait, written, heavy, cab, price); err != nil {
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
	f.Lines = append(f.Lines, Fee{Label: flat + " (déplacement)", Code: flat, Cents: c, Travel: true, Kind: TravelFee})
	if err := cab.ik(&f, home, price); err != nil {
		return f, err
	}
	f.sum()
	return f, nil
}

// under7 reports whether someone born on birth is under 7 on day d.
func under7(birth, d patients.Date) bool {
	if birth.IsZero() {
		return false
	}
	seventh := patients.Date{Year: birth.Year + 7, Month: birth.Month, Day: birth.Day}
	if birth.Month == 2 && birth.Day == 29 {
		seventh = patients.Date{Year: birth.Year + 7, Month: 3, Day: 1}
	}
	return d.Before(seventh)
}

// rank11B adds the act lines at 100 %, 50 % and 0 % (article 11B); acts
// set apart are paid in full first.
func rank11B(f *VisitFees, acts []billedAct) {
	for _, a := range acts {
		if a.apart {
			f.Lines = append(f.Lines, Fee{Label: a.Key + " " + coefText(a.coef) + " (cumul à taux plein avec le pansement lourd, ch. I art. 11)",
				Code: a.Key, Kind: ActFee, Coef: a.coef, Rate: 100, Cents: roundDiv(a.unit*a.coef, 100)})
		}
	}
	type block struct {
		id    int
		coef  int64
		value int64
	}
	var bs []block
	for _, a := range acts {
		if a.apart {
			continue
		}
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
		pct := 0
		switch rank {
		case 0:
			pct = 100
		case 1:
			pct = 50
		}
		for _, a := range acts {
			if a.block != b.id || a.apart {
				continue
			}
			label := a.Key + " " + coefText(a.coef)
			if a.Has(patients.Surveillance5bis) {
				label += " (art. 5bis)"
			}
			switch pct {
			case 50:
				label += " à 50 % (art. 11B)"
			case 0:
				label += " non cumulable (art. 11B), 0 €"
			}
			f.Lines = append(f.Lines, Fee{Label: label, Code: a.Key, Kind: ActFee, Coef: a.coef, Rate: pct,
				Cents: roundDiv(a.unit*a.coef*int64(pct), 10000)})
		}
	}
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
