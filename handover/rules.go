package handover

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// MaxReplaced is how many nurses one remplaçant(e) may replace at the same
// time, within an association or a group practice too (CSP R.4312-83 al. 2,
// docs/idel-rules.md §1).
const MaxReplaced = 2

// CheckReplacementLimit applies CSP R.4312-83 al. 2: a remplaçant(e) may not
// replace more than two nurses over overlapping periods. The nurses she
// already replaces are her Replacement.Replaces, for her contract period
// (ContractFrom–ContractTo); they count only when that period overlaps
// [from, to]. A missing contract bound is taken as open, so an incomplete
// record errs on the side of the rule. Nurses are counted once, so renewing
// the same replacement does not count twice. The error is a
// patients.ValidationErrors in French.
func CheckReplacementLimit(remplacant patients.Nurse, titulaires []xid.ID, from, to patients.Date) error {
	replaced := slices.Clone(titulaires)
	if r := remplacant.Replacement; r != nil && overlaps(r.ContractFrom, r.ContractTo, from, to) {
		replaced = append(replaced, r.Replaces...)
	}
	slices.SortFunc(replaced, xid.ID.Compare)
	replaced = slices.Compact(replaced)
	if len(replaced) <= MaxReplaced {
		return nil
	}
	msg := fmt.Sprintf("%s remplacerait %d infirmiers sur des périodes qui se chevauchent", remplacant.FullName(), len(replaced))
	if r := remplacant.Replacement; r != nil && len(r.Replaces) > 0 && overlaps(r.ContractFrom, r.ContractTo, from, to) {
		msg += " (contrat en cours" + contractSpan(r.ContractFrom, r.ContractTo) + ")"
	}
	msg += " : un remplaçant ne peut pas remplacer plus de deux infirmiers à la fois (CSP R.4312-83)"
	return patients.ValidationErrors{{Field: "remplaçant", Msg: msg}}
}

// ContractRequired reports whether a replacement from..to needs a written
// contract: beyond 24 hours it does (CSP R.4312-85, docs/idel-rules.md §1).
// Days are whole days of care, so a replacement of one day does not, and
// any span of two days or more does. Shorter but repeated replacements also
// need one; that is for the nurse to judge, the pack knows one period only.
func ContractRequired(from, to patients.Date) bool { return to.After(from) }

// overlaps reports whether [af, at] and [bf, bt] share a day; a zero bound
// of the first span is open.
func overlaps(af, at, bf, bt patients.Date) bool {
	return (af.IsZero() || !af.After(bt)) && (at.IsZero() || !at.Before(bf))
}

func contractSpan(from, to patients.Date) string {
	var parts []string
	if !from.IsZero() {
		parts = append(parts, "du "+french.ShortDate(from))
	}
	if !to.IsZero() {
		parts = append(parts, "au "+french.ShortDate(to))
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}
