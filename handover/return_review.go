package handover

import (
	"fmt"
	"slices"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// ReturnReview is what the remplaçant(e) reads before her return is
// written: what it carries, and what of hers would stay behind, in French.
type ReturnReview struct {
	Included []string
	Behind   []string
}

// Review lists, for the return r built from her base (ts and vs as given
// to BuildReturn, names the patients' display names), what goes back and
// what would not: a note written before the pack, an outcome outside the
// period, a visit of a past day of the period left without an outcome.
func (r Return) Review(ts []patients.Transmission, vs []patients.Visit, names map[xid.ID]string, today patients.Date) ReturnReview {
	var rv ReturnReview
	rem := r.Remplacant.ID
	for _, t := range r.Transmissions {
		rv.Included = append(rv.Included, fmt.Sprintf("transmission « %s » du %s, %s", t.Cible, french.ShortDate(patients.DateOf(t.At)), names[t.PatientID]))
	}
	byStatus := map[patients.VisitStatus]int{}
	for _, v := range r.Visits {
		byStatus[v.Status]++
	}
	for _, s := range []patients.VisitStatus{patients.Done, patients.Missed, patients.Postponed} {
		if byStatus[s] > 0 {
			rv.Included = append(rv.Included, fmt.Sprintf("%d visite(s) « %s »", byStatus[s], s))
		}
	}
	taken := map[xid.ID]bool{}
	for _, t := range r.Transmissions {
		taken[t.ID] = true
	}
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })
	for _, t := range sorted {
		if t.AuthorID != rem || taken[t.ID] {
			continue
		}
		rv.Behind = append(rv.Behind, fmt.Sprintf("transmission « %s » du %s, %s : écrite hors de la période et avant le dossier, elle ne sera pas rendue",
			t.Cible, french.ShortDate(patients.DateOf(t.At)), names[t.PatientID]))
	}
	in := func(d patients.Date) bool { return !d.Before(r.From) && !d.After(r.To) }
	open := 0
	for _, v := range vs {
		switch {
		case v.NurseID != rem:
		case reported(v.Status) && !in(v.Date):
			rv.Behind = append(rv.Behind, fmt.Sprintf("visite du %s chez %s (« %s ») : hors de la période du remplacement, elle ne sera pas rendue",
				french.ShortDate(v.Date), names[v.PatientID], v.Status))
		case v.Status == patients.Planned && in(v.Date) && v.Date.Before(today):
			open++
		}
	}
	if open > 0 {
		rv.Behind = append(rv.Behind, fmt.Sprintf("%d visite(s) de jours passés de la période sans état (ni faite, ni manquée, ni reportée) : indiquez-le avant d'écrire le retour, sinon elles restent « prévues » chez le/la titulaire", open))
	}
	return rv
}
