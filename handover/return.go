package handover

import (
	"fmt"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// ReturnFormat is the version of a return bundle; import refuses newer ones.
const ReturnFormat = 1

// Return is what flows back at the end of a replacement: everything the
// remplaçant wrote and did during the period, for the titulaire's base.
type Return struct {
	Format     int            `json:"format"`
	Created    time.Time      `json:"created"`
	CabinetID  xid.ID         `json:"cabinet_id"`
	Titulaires []xid.ID       `json:"titulaires"`
	Remplacant patients.Nurse `json:"remplacant"`
	From       patients.Date  `json:"from"`
	To         patients.Date  `json:"to"`
	// Transmissions she wrote during the period, and the visits of the
	// period that are no longer just planned (done, missed, postponed).
	Transmissions []patients.Transmission `json:"transmissions"`
	Visits        []patients.Visit        `json:"visits"`
}

// ErrNotReplacement: the base was not opened from a handover pack.
var ErrNotReplacement = fmt.Errorf("this database holds no replacement")

// BuildReturn gathers, from the remplaçant's base, what she wrote and did
// during her replacement. Her Replacement block (filled when the pack was
// opened) gives the period and the nurses replaced.
func BuildReturn(rem patients.Nurse, cabinetID xid.ID, ts []patients.Transmission, vs []patients.Visit, now time.Time) (Return, error) {
	r := rem.Replacement
	if r == nil || r.ContractFrom.IsZero() || r.ContractTo.IsZero() || len(r.Replaces) == 0 {
		return Return{}, ErrNotReplacement
	}
	out := Return{Format: ReturnFormat, Created: now, CabinetID: cabinetID, Titulaires: slices.Clone(r.Replaces),
		Remplacant: rem, From: r.ContractFrom, To: r.ContractTo}
	in := func(d patients.Date) bool { return !d.Before(out.From) && !d.After(out.To) }
	for _, t := range ts {
		if t.AuthorID == rem.ID && in(patients.DateOf(t.At)) {
			out.Transmissions = append(out.Transmissions, t)
		}
	}
	for _, v := range vs {
		if v.Status != patients.Planned && in(v.Date) {
			out.Visits = append(out.Visits, v)
		}
	}
	slices.SortStableFunc(out.Transmissions, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })
	return out, nil
}

// ErrOtherCabinet: the return belongs to another cabinet's replacement.
var ErrOtherCabinet = fmt.Errorf("return bundle of another cabinet")

// Check tells whether this return belongs to this cabinet: same cabinet,
// and every nurse replaced is one of its nurses.
func (r Return) Check(cab patients.Cabinet, nurses []patients.Nurse) error {
	if r.Format > ReturnFormat {
		return fmt.Errorf("return bundle format %d, this version knows up to %d", r.Format, ReturnFormat)
	}
	if r.CabinetID != cab.ID {
		return ErrOtherCabinet
	}
	for _, t := range r.Titulaires {
		if !slices.ContainsFunc(nurses, func(n patients.Nurse) bool { return n.ID == t }) {
			return ErrOtherCabinet
		}
	}
	return nil
}
