package dayplan

import (
	"context"
	"fmt"

	"github.com/rs/xid"

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

// ReplacedWarning is what a titulaire reads when she records care on a day
// she is replaced (CSP R.4312-84: she abstains from any nursing activity,
// save assistance to a person in danger), or "" when she is not replaced
// that day. It warns and does not block: an emergency is allowed.
func ReplacedWarning(ctx context.Context, st patients.Store, nurse xid.ID, d patients.Date) (string, error) {
	recs, err := replacementRecords(ctx, st)
	if err != nil || len(recs) == 0 {
		return "", err
	}
	nurses, err := st.Nurses(ctx)
	if err != nil {
		return "", err
	}
	r, ok := patients.ReplacedOn(nurses, recs, d)[nurse]
	if !ok {
		return "", nil
	}
	name := ""
	for _, n := range nurses {
		if n.ID == r.Remplacant {
			name = n.FullName()
		}
	}
	return fmt.Sprintf("vous êtes en remplacement %s par %s : le/la titulaire s'abstient de toute activité infirmière pendant le remplacement, sauf assistance à une personne en danger (CSP R.4312-84)",
		french.Period(r.From, r.To), name), nil
}
