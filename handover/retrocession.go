package handover

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/ngap"
	"tournee/patients"
)

// RetrocessionTitle is the title of the statement.
const RetrocessionTitle = "Relevé de rétrocession"

// Retrocession is what the titulaire pays back to the remplaçant for the
// care she did during the replacement: the caisses pay the titulaire, who
// keeps a contractual share for the cabinet's costs and pays the rest
// (docs/idel-rules.md §1). Amounts are in cents.
type Retrocession struct {
	Remplacant patients.Nurse
	Titulaires []patients.Nurse
	From, To   patients.Date
	// Share is kept by the titulaire, e.g. 0.10. No law fixes it; 5–10 % is
	// usual (idel-rules §1).
	Share float64
	// IncludeIK puts the indemnités kilométriques in the base. The Ordres
	// recommend excluding them (macsf.fr, idel-rules §1), and the demo
	// contract says "fees excluding IK": the IK pay for the remplaçant's car,
	// so the cabinet takes no share of them. Only IK are concerned; IFD and
	// IFI are flat fees of the act and stay in the base.
	IncludeIK bool
	Visits    []ngap.VisitFees
	// Excluded counts her done visits of the period asked that are not the
	// titulaires': outside the contracts, or to patients who are not theirs.
	Excluded int
	// NoContract: no contract was recorded, the period asked was taken.
	NoContract bool
	// Gross is every fee of her visits; TravelExcluded the IK left out of
	// the base; Base = Gross − TravelExcluded; Kept = Base × Share rounded
	// half up to the cent; Due = Base − Kept.
	Gross, TravelExcluded, Base, Kept, Due int64
	// Payable is what the titulaire pays in all: Due plus the IK excluded
	// from the base, which go back to the remplaçant in full (the contract
	// draft's clause, contract.go). Gross − Kept = Payable.
	Payable int64
}

// Contract is one agreed replacement: the remplaçant stands in for the
// titulaires from From to To inclusive (a stored patients.ReplacementRecord,
// or the contract recorded on her Nurse).
type Contract struct {
	From, To   patients.Date
	Titulaires []xid.ID
}

// ContractsOf returns the contracts of a remplaçant: her active replacement
// records, or else the contract recorded on her Nurse.
func ContractsOf(remplacant patients.Nurse, records []patients.ReplacementRecord) []Contract {
	var cs []Contract
	for _, r := range records {
		if r.Remplacant == remplacant.ID && r.Active() {
			cs = append(cs, Contract{From: r.From, To: r.To, Titulaires: r.Titulaires})
		}
	}
	if c := remplacant.Replacement; len(cs) == 0 && c != nil && !c.ContractFrom.IsZero() {
		cs = append(cs, Contract{From: c.ContractFrom, To: c.ContractTo, Titulaires: c.Replaces})
	}
	return cs
}

// ComputeRetrocession bills the visits the remplaçant did for the
// titulaires and computes the rétrocession on them. A visit counts when it
// is done by her (status Done, DoneBy her id), on a day of [from, to]
// covered by one of her contracts that names a titulaire asked, for a
// patient of that titulaire (Patient.PrimaryNurse): her visits outside the
// contracts or to other patients are hers, not the titulaire's, and are
// counted in Excluded. Without any contract the period asked is taken as
// it is, with a point to check. It refuses a remplaçant who is one of the
// titulaires, a titulaire no contract names, a period no contract covers,
// and a share outside 0..1 (0 is allowed: a free replacement). Every visit
// is billed by ngap.BillVisits with the cabinet's commune, zone and
// distances (cab); the statement shows the lines.
func ComputeRetrocession(remplacant patients.Nurse, titulaires []patients.Nurse, contracts []Contract, visits []patients.Visit, plans []patients.CarePlan,
	pts []patients.Patient, cab ngap.Cabinet, from, to patients.Date, share float64, includeIK bool, t ngap.Tariffs) (Retrocession, error) {
	r := Retrocession{Remplacant: remplacant, Titulaires: titulaires, From: from, To: to, Share: share, IncludeIK: includeIK}
	switch {
	case remplacant.ID.IsZero():
		return r, errors.New("rétrocession: remplaçant without id")
	case from.IsZero() || to.IsZero() || to.Before(from):
		return r, fmt.Errorf("rétrocession: bad period %s – %s", from, to)
	case !(share >= 0 && share <= 1):
		return r, fmt.Errorf("rétrocession: share %v outside 0..1", share)
	case len(titulaires) == 0:
		return r, errors.New("rétrocession: no titulaire")
	}
	tits := make([]xid.ID, len(titulaires))
	for i, n := range titulaires {
		tits[i] = n.ID
		if n.ID == remplacant.ID {
			return r, &ScopeError{Fr: fmt.Sprintf("%s ne peut pas être à la fois remplaçante et titulaire remplacée", remplacant.FullName())}
		}
	}
	// covers tells whether day d for a patient of titulaire tit is hers.
	covers := func(d patients.Date, tit xid.ID) bool {
		if !slices.Contains(tits, tit) {
			return false
		}
		if len(contracts) == 0 {
			return true
		}
		return slices.ContainsFunc(contracts, func(c Contract) bool {
			return !d.Before(c.From) && !d.After(c.To) && (len(c.Titulaires) == 0 || slices.Contains(c.Titulaires, tit))
		})
	}
	if len(contracts) == 0 {
		r.NoContract = true
	} else {
		for _, n := range titulaires {
			if !slices.ContainsFunc(contracts, func(c Contract) bool { return len(c.Titulaires) == 0 || slices.Contains(c.Titulaires, n.ID) }) {
				return r, &ScopeError{Fr: fmt.Sprintf("aucun contrat %s ne prévoit le remplacement %s", french.De(remplacant.FullName()), french.De(n.FullName()))}
			}
		}
		// The statement's period is the part of the period asked that the
		// contracts cover.
		var lo, hi patients.Date
		for _, c := range contracts {
			if c.To.Before(from) || c.From.After(to) {
				continue
			}
			cf, ct := c.From, c.To
			if cf.Before(from) {
				cf = from
			}
			if ct.After(to) {
				ct = to
			}
			if lo.IsZero() || cf.Before(lo) {
				lo = cf
			}
			if hi.IsZero() || ct.After(hi) {
				hi = ct
			}
		}
		if lo.IsZero() {
			var ps []string
			for _, c := range contracts {
				ps = append(ps, french.Period(c.From, c.To))
			}
			return r, &ScopeError{Fr: fmt.Sprintf("la période %s est hors des contrats %s (%s)", french.Period(from, to),
				french.De(remplacant.FullName()), strings.Join(ps, ", "))}
		}
		r.From, r.To = lo, hi
	}
	planByID := make(map[xid.ID]patients.CarePlan, len(plans))
	for _, p := range plans {
		planByID[p.ID] = p
	}
	homes := make(map[xid.ID]ngap.Home, len(pts))
	primary := map[xid.ID]xid.ID{}
	for _, p := range pts {
		homes[p.ID] = ngap.HomeOf(p)
		primary[p.ID] = p.PrimaryNurse
	}
	var hers []patients.Visit
	for _, v := range visits {
		if v.Status != patients.Done || v.DoneBy != remplacant.ID {
			continue
		}
		if v.Date.Before(from) || v.Date.After(to) {
			continue // outside what was asked: not even counted
		}
		if !covers(v.Date, primary[v.PatientID]) {
			r.Excluded++
			continue
		}
		hers = append(hers, v)
	}
	slices.SortStableFunc(hers, func(a, b patients.Visit) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return a.DoneAt.Compare(b.DoneAt)
	})
	fees, err := ngap.BillVisits(hers, planByID, homes, cab, t)
	if err != nil {
		return r, fmt.Errorf("rétrocession: %w", err)
	}
	r.Visits = fees
	for _, f := range fees {
		r.Gross += f.Total
		if !includeIK {
			r.TravelExcluded += f.IKTotal
		}
	}
	r.Base = r.Gross - r.TravelExcluded
	r.Kept, r.Due = StatementFromTotals(r.Base, share)
	r.Payable = r.Due + r.TravelExcluded
	return r, nil
}

// ScopeError is a rétrocession asked outside its contract: its message is
// French, for the nurse who typed the command.
type ScopeError struct{ Fr string }

func (e *ScopeError) Error() string { return "rétrocession : " + e.Fr }

// StatementFromTotals splits a base between the titulaire and the
// remplaçant: kept = base × share rounded to the cent, half up (half away
// from zero for a negative base, a correction), and due = base − kept, so
// the two always add up to the base. The share goes through millionths
// (round(share × 10⁶)) and the product is computed on integers: a float
// product would turn 1 234,50 € × 10 % into 123,449999… and lose the
// half-cent. The worked example of docs/idel-rules.md §1: 100000, 0.10 →
// 10000, 90000. A share outside 0..1 is clamped; ComputeRetrocession refuses
// it.
func StatementFromTotals(gross int64, share float64) (kept, due int64) {
	if math.IsNaN(share) || share < 0 {
		share = 0
	}
	share = min(share, 1)
	ppm := int64(math.Round(share * 1e6))
	neg := gross < 0
	g := gross
	if neg {
		g = -g
	}
	// g × ppm overflows past about 92 billion euros; no statement gets there.
	kept = (g*ppm + 500000) / 1e6
	if neg {
		kept = -kept
	}
	return kept, gross - kept
}

// Statement is the relevé given to both nurses. It names no patient, not
// even by initials: the amounts are checked day by day against the
// titulaire's billing software, which holds the detail, and the relevé may go
// on to an accountant, who has no part in the care (professional secrecy,
// CSP L.1110-4, docs/idel-rules.md §2).
func (r Retrocession) Statement() Report {
	rep := Report{
		Title:    RetrocessionTitle,
		Subtitle: "Soins faits par " + r.Remplacant.FullName() + " " + french.Period(r.From, r.To),
		Meta: []Field{
			{Label: titulaireLabel(len(r.Titulaires)), Value: titulaireNames(r.Titulaires)},
			{Label: "Remplaçant(e)", Value: nurseLine(r.Remplacant)},
			{Label: "Période (dans le contrat)", Value: french.Period(r.From, r.To)},
			{Label: "Part du cabinet", Value: french.Percent(r.Share)},
		},
		Footer: "Montants calculés selon les tarifs conventionnels de la NGAP (métropole) — à rapprocher des honoraires facturés et encaissés",
	}

	days := Section{Heading: "Honoraires par jour", Empty: "Aucune visite faite par le remplaçant sur la période"}
	for i := 0; i < len(r.Visits); {
		d := r.Visits[i].Date
		var n int
		var total, ik int64
		for ; i < len(r.Visits) && r.Visits[i].Date == d; i++ {
			n++
			total += r.Visits[i].Total
			ik += r.Visits[i].IKTotal
		}
		text := visitsText(n) + " — " + french.Euros(total)
		if ik > 0 {
			text += " dont IK " + french.Euros(ik)
		}
		days.Entries = append(days.Entries, Entry{Label: french.LongDate(d), Text: text})
	}

	ikLabel := "IK exclues de l'assiette"
	if r.IncludeIK {
		ikLabel = "IK (incluses dans l'assiette)"
	}
	totals := Section{Heading: "Calcul", Entries: []Entry{
		{Label: "Honoraires bruts", Text: french.Euros(r.Gross)},
		{Label: ikLabel, Text: french.Euros(r.TravelExcluded)},
		{Label: "Assiette", Text: french.Euros(r.Base)},
		{Label: "Part du cabinet", Text: french.Percent(r.Share) + " de l'assiette"},
		{Label: "Conservé par le titulaire", Text: french.Euros(r.Kept)},
		{Label: "Rétrocession due au remplaçant", Text: french.Euros(r.Due)},
	}}
	if r.TravelExcluded > 0 {
		totals.Entries = append(totals.Entries,
			Entry{Label: "IK reversées en totalité", Text: french.Euros(r.TravelExcluded)},
			Entry{Label: "Total à verser au remplaçant", Text: french.Euros(r.Payable), Alert: true})
	} else {
		totals.Entries[len(totals.Entries)-1].Alert = true
	}

	detail := Section{Heading: "Détail des visites", Empty: "Aucune visite"}
	for _, v := range r.Visits {
		detail.Entries = append(detail.Entries, Entry{Label: french.ShortDate(v.Date) + " " + french.Clock(v.Time),
			Text: ngap.ActsSummary(v) + " — " + french.Euros(v.Total)})
	}

	checks := Section{Heading: "Points à vérifier", Empty: "Aucun"}
	if r.NoContract {
		checks.Entries = append(checks.Entries, Entry{Label: "Contrat",
			Text: "aucun contrat de remplacement enregistré : la période demandée a été prise telle quelle"})
	}
	if r.Excluded > 0 {
		checks.Entries = append(checks.Entries, Entry{Label: visitsText(r.Excluded),
			Text: "faites hors du contrat ou pour des patients qui ne sont pas ceux des titulaires : non comptées"})
	}
	count := map[string]int{}
	var order []string
	for _, v := range r.Visits {
		for _, w := range v.Warnings {
			if count[w] == 0 {
				order = append(order, w)
			}
			count[w]++
		}
	}
	for _, w := range order {
		checks.Entries = append(checks.Entries, Entry{Label: visitsText(count[w]), Text: w})
	}
	rep.Sections = []Section{days, totals, detail, checks}
	return rep
}

func titulaireNames(ts []patients.Nurse) string {
	return Pack{Titulaires: ts}.titulaireNames()
}

func visitsText(n int) string {
	if n > 1 {
		return strconv.Itoa(n) + " visites"
	}
	return strconv.Itoa(n) + " visite"
}
