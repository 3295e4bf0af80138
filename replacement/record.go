package replacement

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/handover"
	"tournee/patients"
)

// Records is a store that keeps replacement records (storage.DB). A store
// without them (a test double) prepares packs under the per-pack rules only.
type Records interface {
	Replacements(ctx context.Context) ([]patients.ReplacementRecord, error)
	SaveReplacement(ctx context.Context, r *patients.ReplacementRecord) error
	UpdateReplacement(ctx context.Context, id xid.ID, fn func(*patients.ReplacementRecord) error) (patients.ReplacementRecord, error)
}

// ErrNotRecorded: the store keeps no replacement records.
var ErrNotRecorded = errors.New("this store keeps no replacement records")

// recordOf is the record a pack stands for, before it is stored.
func recordOf(p handover.Pack, now time.Time) patients.ReplacementRecord {
	r := patients.ReplacementRecord{Remplacant: p.Remplacant.ID, From: p.From, To: p.To, Share: p.CabinetShare,
		Billing: patients.BillAsTitulaire, Contract: patients.ContractNotRequired, Created: now.UTC()}
	for _, t := range p.Titulaires {
		r.Titulaires = append(r.Titulaires, t.ID)
	}
	return r
}

// existing returns the stored record the pack renews: same remplaçant(e),
// titulaires and period, not cancelled.
func existing(recs []patients.ReplacementRecord, r patients.ReplacementRecord) (patients.ReplacementRecord, bool) {
	for _, o := range recs {
		if o.Active() && o.Remplacant == r.Remplacant && o.From == r.From && o.To == r.To &&
			slices.Equal(sortedIDs(o.Titulaires), sortedIDs(r.Titulaires)) {
			return o, true
		}
	}
	return patients.ReplacementRecord{}, false
}

func sortedIDs(ids []xid.ID) []xid.ID {
	out := slices.Clone(ids)
	slices.SortFunc(out, xid.ID.Compare)
	return out
}

// checkStored applies the rules that need the stored records to the pack
// about to be written, and says whether it needs a contract. A renewal of
// a stored record is checked against the others.
func checkStored(ctx context.Context, st patients.Store, p handover.Pack, now time.Time) (needContract bool, warnings []string, err error) {
	rs, ok := st.(Records)
	r := recordOf(p, now)
	if !ok {
		return handover.ContractRequired(p.From, p.To), nil, nil
	}
	recs, err := rs.Replacements(ctx)
	if err != nil {
		return false, nil, err
	}
	if old, ok := existing(recs, r); ok {
		r.ID = old.ID
	}
	var others []patients.ReplacementRecord
	for _, o := range recs {
		if o.ID != r.ID {
			others = append(others, o)
		}
	}
	nurses, err := st.Nurses(ctx)
	if err != nil {
		return false, nil, err
	}
	needContract = handover.NeedsContract(r, others)
	if needContract {
		r.Contract = patients.ContractDraft
	}
	if err := handover.CheckReplacement(r, nurses, others); err != nil {
		return false, nil, err
	}
	if reps := handover.Repeats(r, others); len(reps) > 0 && !handover.ContractRequired(r.From, r.To) {
		warnings = append(warnings, fmt.Sprintf("remplacement court répété (%d autre(s) remplacement(s) dans l'année) : un contrat écrit est obligatoire, le projet est joint au dossier (CSP R.4312-85)", len(reps)))
	}
	names := map[xid.ID]string{}
	for _, n := range nurses {
		names[n.ID] = n.FullName()
	}
	for t, days := range handover.CumulatedDays(r, others) {
		if days > handover.NonCompeteDays {
			warnings = append(warnings, fmt.Sprintf("%s aura remplacé %s %d jours en tout (plus de trois mois) : pendant deux ans, elle ne pourra pas s'installer en concurrence directe sans accord notifié à l'Ordre (CSP R.4312-87)",
				p.Remplacant.FullName(), names[t], days))
		}
	}
	return needContract, warnings, nil
}

// Record stores the replacement the pack stands for (or finds it, for a
// pack written again), once the pack passed every rule: from then on, every
// laptop of the cabinet plans the period with the titulaires abstaining.
// sent is when the pack was written; zero while it is only prepared.
func Record(ctx context.Context, st patients.Store, p handover.Pack, sent time.Time) (patients.ReplacementRecord, error) {
	rs, ok := st.(Records)
	if !ok {
		return patients.ReplacementRecord{}, ErrNotRecorded
	}
	recs, err := rs.Replacements(ctx)
	if err != nil {
		return patients.ReplacementRecord{}, err
	}
	r := recordOf(p, sent)
	if old, ok := existing(recs, r); ok {
		return rs.UpdateReplacement(ctx, old.ID, func(o *patients.ReplacementRecord) error {
			if !sent.IsZero() {
				o.PackSent = sent.UTC()
			}
			return nil
		})
	}
	var others []patients.ReplacementRecord
	others = append(others, recs...)
	if handover.NeedsContract(r, others) {
		r.Contract = patients.ContractDraft
	}
	if !sent.IsZero() {
		r.PackSent = sent.UTC()
	}
	if err := rs.SaveReplacement(ctx, &r); err != nil {
		return r, err
	}
	return r, nil
}

// Cancel calls a replacement off: the titulaires are planned again over its
// days. A replacement whose return was imported is over, not cancelled.
func Cancel(ctx context.Context, st patients.Store, id xid.ID, reason string, now time.Time) (patients.ReplacementRecord, error) {
	rs, ok := st.(Records)
	if !ok {
		return patients.ReplacementRecord{}, ErrNotRecorded
	}
	return rs.UpdateReplacement(ctx, id, func(r *patients.ReplacementRecord) error {
		switch {
		case !r.Active():
			return patients.ValidationErrors{{Field: "remplacement", Msg: "ce remplacement est déjà annulé"}}
		case !r.ReturnImported.IsZero():
			return patients.ValidationErrors{{Field: "remplacement", Msg: "ce remplacement est terminé : son retour a été importé"}}
		}
		r.Cancelled, r.CancelReason = now.UTC(), reason
		return nil
	})
}

// Shorten ends a replacement earlier, on to: the titulaires are planned
// again from the next day. The new end lies within the period.
func Shorten(ctx context.Context, st patients.Store, id xid.ID, to patients.Date) (patients.ReplacementRecord, error) {
	rs, ok := st.(Records)
	if !ok {
		return patients.ReplacementRecord{}, ErrNotRecorded
	}
	return rs.UpdateReplacement(ctx, id, func(r *patients.ReplacementRecord) error {
		switch {
		case !r.Active():
			return patients.ValidationErrors{{Field: "remplacement", Msg: "ce remplacement est annulé"}}
		case to.Before(r.From) || !to.Before(r.To):
			return patients.ValidationErrors{{Field: "fin", Msg: fmt.Sprintf("la nouvelle fin doit se situer entre le %s et la veille de la fin actuelle (%s)",
				french.LongDate(r.From), french.LongDate(r.To))}}
		}
		if r.PlannedTo.IsZero() {
			r.PlannedTo = r.To
		}
		r.To = to
		return nil
	})
}

// MarkReturned notes that the return of the replacement of rem over
// [from, to] was imported.
func MarkReturned(ctx context.Context, st patients.Store, rem xid.ID, from, to patients.Date, now time.Time) error {
	rs, ok := st.(Records)
	if !ok {
		return nil
	}
	recs, err := rs.Replacements(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Active() && r.Remplacant == rem && r.From == from && (r.To == to || r.PlannedTo == to) {
			_, err := rs.UpdateReplacement(ctx, r.ID, func(o *patients.ReplacementRecord) error {
				o.ReturnImported = now.UTC()
				return nil
			})
			return err
		}
	}
	return nil
}
