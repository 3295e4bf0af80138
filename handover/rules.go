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

// RepeatWindowDays is how far back a replacement of the same titulaire by
// the same remplaçant(e) makes a short one « repeated »: R.4312-85 asks a
// contract for shorter but repeated replacements without fixing a span; a
// year is the span the Ordre's authorisation runs for.
const RepeatWindowDays = 365

// NonCompeteDays is the cumulated replacement after which R.4312-87's
// two-year non-competition applies (more than three months).
const NonCompeteDays = 90

// CheckReplacement applies, to a replacement about to be stored, the rules
// of CSP R.4312-83 to -87 that the stored records and the nurses let the
// software enforce (docs/idel-rules.md §1). Each refusal is a
// patients.ValidationErrors in French naming the rule:
//   - the remplaçant(e) and the titulaires are nurses of the cabinet;
//   - a remplaçant(e) without a practice of her own holds a replacement
//     authorisation (R.4312-83 al. 1), and it covers the whole period;
//   - she replaces at most two nurses on any day, counting every stored
//     replacement in force (R.4312-83 al. 2);
//   - a replacement beyond 24 hours, or a short one repeated, has a
//     written contract (R.4312-85): its state may not be « non requis ».
func CheckReplacement(r patients.ReplacementRecord, nurses []patients.Nurse, stored []patients.ReplacementRecord) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var errs patients.ValidationErrors
	add := func(field, msg string) { errs = append(errs, &patients.ValidationError{Field: field, Msg: msg}) }
	byID := map[xid.ID]patients.Nurse{}
	for _, n := range nurses {
		byID[n.ID] = n
	}
	rem, ok := byID[r.Remplacant]
	if !ok {
		add("remplaçant", "remplaçant(e) inconnu(e) dans ce cabinet : ajoutez-la avec « tournee infirmieres add --role remplacante »")
	}
	for _, t := range r.Titulaires {
		if _, ok := byID[t]; !ok {
			add("titulaire", fmt.Sprintf("titulaire inconnu(e) (%s)", t))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if err := CheckAuthorisation(rem, r.From, r.To); err != nil {
		errs = append(errs, err.(patients.ValidationErrors)...)
	}
	// R.4312-83 al. 2, day by day: two records that each replace one nurse
	// may overlap on some days only.
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		replaced := slices.Clone(r.Titulaires)
		for _, o := range stored {
			if o.Remplacant == r.Remplacant && o.Covers(d) {
				replaced = append(replaced, o.Titulaires...)
			}
		}
		slices.SortFunc(replaced, xid.ID.Compare)
		if replaced = slices.Compact(replaced); len(replaced) > MaxReplaced {
			var names []string
			for _, id := range replaced {
				names = append(names, byID[id].FullName())
			}
			add("remplaçant", fmt.Sprintf("le %s, %s remplacerait %d infirmiers (%s) : un(e) remplaçant(e) ne peut pas remplacer plus de deux infirmiers à la fois (CSP R.4312-83)",
				french.LongDate(d), rem.FullName(), len(replaced), patients.NameList(names)))
			break
		}
	}
	if r.Contract == patients.ContractNotRequired && NeedsContract(r, stored) {
		add("contrat", "un contrat écrit est obligatoire pour un remplacement de plus de 24 heures ou des remplacements courts répétés (CSP R.4312-85)")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// CheckAuthorisation refuses a period a remplaçant(e) may not work: without
// a practice of her own she needs the authorisation of the conseil
// départemental de l'Ordre (CSP R.4312-83 al. 1, valid one year), and it
// must cover every day.
func CheckAuthorisation(rem patients.Nurse, from, to patients.Date) error {
	a := rem.Replacement
	var msg string
	switch {
	case rem.OwnPractice || (rem.Role != patients.Remplacante && a == nil):
		// A nurse with her own practice (a colleague of the cabinet) needs none.
		return nil
	case a == nil || (a.AuthorisationNumber == "" && a.AuthorisationUntil.IsZero()):
		msg = fmt.Sprintf("aucune autorisation de remplacement n'est enregistrée pour %s : sans cabinet propre, elle est obligatoire (CSP R.4312-83) ; indiquez-la, ou qu'elle exerce dans son propre cabinet", rem.FullName())
	case !a.AuthorisationUntil.IsZero() && a.AuthorisationUntil.Before(to):
		msg = fmt.Sprintf("l'autorisation de remplacement %s se termine le %s, avant la fin du remplacement (%s) : pas de remplacement au-delà de l'autorisation (CSP R.4312-83) ; raccourcissez la période ou enregistrez l'autorisation renouvelée",
			french.De(rem.FullName()), french.LongDate(a.AuthorisationUntil), french.LongDate(to))
	case !a.AuthorisationFrom.IsZero() && a.AuthorisationFrom.After(from):
		msg = fmt.Sprintf("l'autorisation de remplacement %s ne commence que le %s, après le début du remplacement (%s) (CSP R.4312-83)",
			french.De(rem.FullName()), french.LongDate(a.AuthorisationFrom), french.LongDate(from))
	default:
		return nil
	}
	return patients.ValidationErrors{{Field: "autorisation", Msg: msg}}
}

// NeedsContract reports whether a replacement needs a written contract:
// beyond 24 hours, or when the same remplaçant(e) already replaced one of
// the same titulaires within RepeatWindowDays (CSP R.4312-85).
func NeedsContract(r patients.ReplacementRecord, stored []patients.ReplacementRecord) bool {
	return ContractRequired(r.From, r.To) || len(Repeats(r, stored)) > 0
}

// Repeats returns the other active records of the same remplaçant(e) for
// one of the same titulaires within RepeatWindowDays of r.
func Repeats(r patients.ReplacementRecord, stored []patients.ReplacementRecord) []patients.ReplacementRecord {
	var out []patients.ReplacementRecord
	for _, o := range stored {
		if o.ID == r.ID || !o.Active() || o.Remplacant != r.Remplacant ||
			!slices.ContainsFunc(o.Titulaires, r.Replaces) {
			continue
		}
		if o.To.Before(r.From.AddDays(-RepeatWindowDays)) || o.From.After(r.To.AddDays(RepeatWindowDays)) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// CumulatedDays counts the days the remplaçant(e) of r has replaced each of
// its titulaires across the active records (r included), for the R.4312-87
// warning beyond three months.
func CumulatedDays(r patients.ReplacementRecord, stored []patients.ReplacementRecord) map[xid.ID]int {
	days := map[xid.ID]map[patients.Date]bool{}
	for _, o := range append(slices.Clone(stored), r) {
		if !o.Active() || o.Remplacant != r.Remplacant {
			continue
		}
		for _, t := range o.Titulaires {
			if !r.Replaces(t) {
				continue
			}
			if days[t] == nil {
				days[t] = map[patients.Date]bool{}
			}
			for d := o.From; !d.After(o.To); d = d.AddDays(1) {
				days[t][d] = true
			}
		}
	}
	out := map[xid.ID]int{}
	for t, ds := range days {
		out[t] = len(ds)
	}
	return out
}

// Conditions lists, in French, what the nurses must check or do for a
// replacement and the software cannot know: the remplaçant(e)'s status,
// experience or authorisation, insurance, the Ordre and the CPAM
// (docs/idel-rules.md §1). Each line says whether what is recorded
// answers it.
func Conditions(rem patients.Nurse) []string {
	status := "exerce sans cabinet propre : autorisation de remplacement du conseil départemental de l'Ordre obligatoire (CSP R.4312-83)"
	if rem.OwnPractice {
		status = "exerce dans son propre cabinet : pas d'autorisation de remplacement nécessaire"
	}
	exp := "2 400 heures d'exercice sur les six dernières années (pour remplacer un(e) infirmier(e) conventionné(e)) : à justifier"
	if rem.Experience2400h {
		exp = "2 400 heures d'exercice sur les six dernières années : justifiées"
	}
	rcp := "assurance en responsabilité civile professionnelle (CSP L.1142-2) : attestation à demander"
	if rem.RCP != "" {
		rcp = "assurance en responsabilité civile professionnelle (CSP L.1142-2) : " + rem.RCP
	}
	return []string{
		"Statut : " + status,
		"Expérience : " + exp,
		"RCP : " + rcp,
		"Ordre : chacun(e) adresse le contrat à son conseil départemental de l'Ordre des infirmiers (CSP R.4312-83 al. 3)",
		"CPAM : informer la caisse du remplacement ; le/la remplaçant(e) facture sous l'identité du/de la titulaire avec sa carte CPS de remplaçant",
	}
}
