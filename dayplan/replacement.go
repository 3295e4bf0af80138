package dayplan

import (
	"context"
	"fmt"

	"tournee/french"
	"tournee/patients"
)

// replacementLister is a store that keeps the cabinet's replacement records
// (storage.DB); a store without them plans from the nurses' own
// Replacement blocks only, as a remplaçant(e)'s base does.
type replacementLister interface {
	Replacements(ctx context.Context) ([]patients.ReplacementRecord, error)
}

func replacementRecords(ctx context.Context, st patients.Store) ([]patients.ReplacementRecord, error) {
	if l, ok := st.(replacementLister); ok {
		return l.Replacements(ctx)
	}
	return nil, nil
}

// replacementNotices says who is replaced on d, and which replacement in
// force cannot be worked because the remplaçant(e)'s authorisation does not
// cover d (CSP R.4312-83): she is then not planned, and the titulaire keeps
// her rounds.
func replacementNotices(nurses []patients.Nurse, recs []patients.ReplacementRecord, d patients.Date) (lines, notices []string) {
	lines = patients.ReplacementLines(nurses, recs, d, french.Period)
	byID := map[string]patients.Nurse{}
	for _, n := range nurses {
		byID[n.ID.String()] = n
	}
	for _, r := range recs {
		rem, ok := byID[r.Remplacant.String()]
		if !r.Covers(d) || !ok || rem.AuthorisedOn(d) {
			continue
		}
		until := "ne couvre pas ce jour"
		if a := rem.Replacement; a != nil && !a.AuthorisationUntil.IsZero() && d.After(a.AuthorisationUntil) {
			until = "a pris fin le " + french.LongDate(a.AuthorisationUntil)
		}
		notices = append(notices, fmt.Sprintf("%s n'est pas planifiée le %s : son autorisation de remplacement %s (CSP R.4312-83)",
			rem.FullName(), french.LongDate(d), until))
	}
	return lines, notices
}
