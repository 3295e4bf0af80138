package replacement

import (
	"context"
	"slices"

	"github.com/rs/xid"

	"tournee/billing"
	"tournee/handover"
	"tournee/ngap"
	"tournee/patients"
)

// RetroRequest is the rétrocession a titulaire asks for at the end of a
// replacement.
type RetroRequest struct {
	Remplacant xid.ID
	// Titulaires are the nurses replaced; empty means the titulaires of
	// her contracts in force over the period, and failing those the nurse
	// of this laptop.
	Titulaires []xid.ID
	From, To   patients.Date
	// Share is the cabinet's part; nil means her contract's (the stored
	// replacement record of the period, then her nurse record), then 10 %.
	// A share of 0 is a free replacement, not « unset ».
	Share     *float64
	IncludeIK bool
	Pricing   billing.Pricing
	Tariffs   ngap.Tariffs
}

// Retrocession computes what the remplaçante is owed for the period, from
// the visits she made for the patients of the titulaires under her
// contracts: the same lines as « facturation ».
func Retrocession(ctx context.Context, st patients.Store, req RetroRequest) (handover.Retrocession, error) {
	cab, err := st.Cabinet(ctx)
	if err != nil {
		return handover.Retrocession{}, err
	}
	nurses, err := st.Nurses(ctx)
	if err != nil {
		return handover.Retrocession{}, err
	}
	rem, err := nurseByID(nurses, req.Remplacant)
	if err != nil {
		return handover.Retrocession{}, err
	}
	var recs []patients.ReplacementRecord
	if rs, ok := st.(Records); ok {
		if recs, err = rs.Replacements(ctx); err != nil {
			return handover.Retrocession{}, err
		}
	}
	contracts := handover.ContractsOf(rem, recs)
	ids := req.Titulaires
	if len(ids) == 0 {
		ids = contractTitulaires(contracts, req.From, req.To)
	}
	if len(ids) == 0 {
		ids = []xid.ID{cab.CurrentNurse}
	}
	tits := make([]patients.Nurse, 0, len(ids))
	for _, id := range ids {
		n, err := nurseByID(nurses, id)
		if err != nil {
			return handover.Retrocession{}, err
		}
		tits = append(tits, n)
	}
	pts, err := st.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	if err != nil {
		return handover.Retrocession{}, err
	}
	plans, err := st.CarePlans(ctx, xid.NilID())
	if err != nil {
		return handover.Retrocession{}, err
	}
	var visits []patients.Visit
	for d := req.From; !d.After(req.To); d = d.AddDays(1) {
		vs, err := st.Visits(ctx, d)
		if err != nil {
			return handover.Retrocession{}, err
		}
		visits = append(visits, vs...)
	}
	return handover.ComputeRetrocession(rem, tits, contracts, visits, plans, pts, req.Pricing.Cabinet(cab),
		req.From, req.To, shareOf(req, rem, recs), req.IncludeIK, req.Tariffs)
}

// contractTitulaires are the titulaires of the contracts in force over
// the period, in the contracts' order.
func contractTitulaires(contracts []handover.Contract, from, to patients.Date) []xid.ID {
	var ids []xid.ID
	for _, c := range contracts {
		if c.To.Before(from) || c.From.After(to) {
			continue
		}
		for _, id := range c.Titulaires {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// shareOf is the cabinet's part: the one asked, else the stored record of
// the period, else her nurse record's, else the default.
func shareOf(req RetroRequest, rem patients.Nurse, recs []patients.ReplacementRecord) float64 {
	if req.Share != nil {
		return *req.Share
	}
	rate := handover.DefaultCabinetShare
	if rem.Replacement != nil && rem.Replacement.CabinetShare > 0 {
		rate = rem.Replacement.CabinetShare
	}
	for _, rec := range recs {
		if rec.Remplacant == rem.ID && rec.Overlaps(req.From, req.To) {
			rate = rec.Share
		}
	}
	return rate
}

func nurseByID(nurses []patients.Nurse, id xid.ID) (patients.Nurse, error) {
	for _, n := range nurses {
		if n.ID == id {
			return n, nil
		}
	}
	return patients.Nurse{}, patients.ErrNotFound
}

// Retrocession is the service form of Retrocession.
func (s Service) Retrocession(ctx context.Context, req RetroRequest) (handover.Retrocession, error) {
	return Retrocession(ctx, s.Store, req)
}
