package patients

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"
)

// BillingMode says how the care of a replacement is billed.
type BillingMode string

// Billing modes (docs/idel-rules.md §1, « Billing under the replaced
// nurse's identity »).
const (
	// BillAsTitulaire: the remplaçant(e) bills under the titulaire's identity
	// (her pre-identified sheets, or a « session de remplacement » with her
	// own CPS remplaçant card); the caisses pay the titulaire, who pays her
	// back. The only mode the rules allow: billing the caisses in her own
	// name would make her a collaborator.
	BillAsTitulaire BillingMode = "titulaire"
)

// ContractState is where the written contract of a replacement stands.
type ContractState string

// Contract states. A contract is required beyond 24 hours, or for shorter
// but repeated replacements (CSP R.4312-85).
const (
	ContractNotRequired ContractState = "non requis"
	ContractDraft       ContractState = "projet"
	ContractSigned      ContractState = "signé"
)

// ReplacementRecord is a replacement as the cabinet knows it: who replaces
// whom, when, on what terms, and how far it has gone (pack sent, return
// imported). It is stored and synced, so every laptop of the cabinet plans
// the period the same way: the titulaires abstain (CSP R.4312-84) and the
// remplaçant(e) takes their rounds.
type ReplacementRecord struct {
	ID         xid.ID        `json:"id"`
	Remplacant xid.ID        `json:"remplacant"`
	Titulaires []xid.ID      `json:"titulaires"`
	From       Date          `json:"from"`
	To         Date          `json:"to"`
	Share      float64       `json:"share"` // 0..1, kept by the titulaire for the cabinet's costs
	Billing    BillingMode   `json:"billing"`
	Contract   ContractState `json:"contract"`
	Created    time.Time     `json:"created"`
	// PackSent is when the pack was written (zero: not yet), ReturnImported
	// when her return came back.
	PackSent       time.Time `json:"pack_sent,omitzero"`
	ReturnImported time.Time `json:"return_imported,omitzero"`
	// Cancelled is when the replacement was called off; CancelReason why.
	Cancelled    time.Time `json:"cancelled,omitzero"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	// PlannedTo is the last day first agreed, when the replacement was
	// shortened (zero otherwise).
	PlannedTo Date `json:"planned_to,omitzero"`
}

// Active tells a replacement that was not cancelled.
func (r ReplacementRecord) Active() bool { return r.Cancelled.IsZero() }

// Covers reports whether the replacement is in force on d.
func (r ReplacementRecord) Covers(d Date) bool {
	return r.Active() && !d.Before(r.From) && !d.After(r.To)
}

// Overlaps reports whether the replacement is in force on any day of
// [from, to].
func (r ReplacementRecord) Overlaps(from, to Date) bool {
	return r.Active() && !r.From.After(to) && !r.To.Before(from)
}

// Days is the number of days of the period, bounds included.
func (r ReplacementRecord) Days() int { return r.To.DaysSince(r.From) + 1 }

// Replaces reports whether nurse is one of the titulaires.
func (r ReplacementRecord) Replaces(nurse xid.ID) bool { return slices.Contains(r.Titulaires, nurse) }

// Validate checks the record on its own; the rules that need the other
// records and the nurses are in handover (CheckReplacement).
func (r ReplacementRecord) Validate() error {
	var errs ValidationErrors
	if r.Remplacant.IsZero() {
		errs.add("remplaçant", "indiquez le/la remplaçant(e)")
	}
	switch {
	case len(r.Titulaires) == 0:
		errs.add("titulaire", "indiquez l'infirmier(e) remplacé(e)")
	case slices.Contains(r.Titulaires, r.Remplacant):
		errs.add("titulaire", "un(e) infirmier(e) ne se remplace pas elle-même ou lui-même")
	}
	switch {
	case r.From.IsZero() || r.To.IsZero():
		errs.add("période", "indiquez la date de début et la date de fin du remplacement")
	case r.From.After(r.To):
		errs.add("période", "le remplacement commence après sa fin")
	}
	if math.IsNaN(r.Share) || r.Share < 0 || r.Share >= 1 {
		errs.add("part du cabinet", "la part du cabinet se situe entre 0 et 100 %, 100 % exclu (la remplaçante ne toucherait rien)")
	}
	switch r.Billing {
	case BillAsTitulaire, "":
	default:
		errs.add("facturation", "un(e) remplaçant(e) facture sous l'identité du/de la titulaire, jamais en son nom propre")
	}
	switch r.Contract {
	case ContractNotRequired, ContractDraft, ContractSigned, "":
	default:
		errs.add("contrat", "état du contrat inconnu ("+string(r.Contract)+")")
	}
	return errs.err()
}

// ReplacedOn returns, for day d, each titulaire replaced and the record
// that replaces her, from the records in force that day whose remplaçant(e)
// may work that day (see AuthorisedOn). The first record wins a titulaire
// named twice.
func ReplacedOn(nurses []Nurse, recs []ReplacementRecord, d Date) map[xid.ID]ReplacementRecord {
	byID := make(map[xid.ID]Nurse, len(nurses))
	for _, n := range nurses {
		byID[n.ID] = n
	}
	out := map[xid.ID]ReplacementRecord{}
	for _, r := range recs {
		rem, ok := byID[r.Remplacant]
		if !r.Covers(d) || !ok || !rem.AuthorisedOn(d) {
			continue
		}
		for _, t := range r.Titulaires {
			if _, taken := out[t]; !taken {
				out[t] = r
			}
		}
	}
	return out
}

// AuthorisedOn reports whether a remplaçant(e) may replace on d as far as
// her recorded authorisation goes (CSP R.4312-83): a nurse with a practice
// of her own needs none, and an authorisation not recorded is a warning at
// the pack, not a refusal here.
func (n Nurse) AuthorisedOn(d Date) bool {
	r := n.Replacement
	if n.OwnPractice || r == nil {
		return true
	}
	return (r.AuthorisationFrom.IsZero() || !d.Before(r.AuthorisationFrom)) &&
		(r.AuthorisationUntil.IsZero() || !d.After(r.AuthorisationUntil))
}

// NursesOn returns copies of nurses as they stand on d given the stored
// replacements: the remplaçant(e) of a record in force carries its period
// and titulaires in her Replacement block, which OnDuty (and so the planner)
// reads; she works the titulaire's rounds, from where they start, when she
// has none of her own. A remplaçant(e) whose authorisation does not cover d
// gets no contract that day: OnDuty then leaves her out. The nurses given
// are not changed.
func NursesOn(nurses []Nurse, recs []ReplacementRecord, d Date) []Nurse {
	out := make([]Nurse, len(nurses))
	copy(out, nurses)
	if len(recs) == 0 {
		return out
	}
	replaced := ReplacedOn(nurses, recs, d)
	byID := make(map[xid.ID]int, len(out))
	for i, n := range out {
		byID[n.ID] = i
	}
	ids := make([]xid.ID, 0, len(replaced))
	for t := range replaced {
		ids = append(ids, t)
	}
	slices.SortFunc(ids, xid.ID.Compare)
	touched := map[xid.ID]bool{}
	for _, t := range ids {
		rec := replaced[t]
		i, ok := byID[rec.Remplacant]
		if !ok {
			continue
		}
		n := &out[i]
		if !touched[n.ID] {
			touched[n.ID] = true
			r := Replacement{}
			if n.Replacement != nil {
				r = *n.Replacement
			}
			r.ContractFrom, r.ContractTo, r.Replaces = rec.From, rec.To, nil
			if rec.Share > 0 {
				r.CabinetShare = rec.Share
			}
			n.Replacement = &r
		}
		n.Replacement.Replaces = append(n.Replacement.Replaces, t)
		if ti, ok := byID[t]; ok {
			if len(n.Shifts) == 0 {
				n.Shifts = slices.Clone(nurses[ti].Shifts)
			}
			if n.Start == (Place{}) {
				n.Start, n.End = nurses[ti].Start, nurses[ti].End
			}
		}
	}
	// A remplaçant(e) whose stored replacements do not cover d, or whose
	// authorisation has run out, has no contract that day.
	for i := range out {
		n := &out[i]
		if touched[n.ID] || n.Replacement == nil || !n.hasRecord(recs) {
			continue
		}
		r := *n.Replacement
		r.ContractFrom, r.ContractTo, r.Replaces = Date{}, Date{}, nil
		n.Replacement = &r
	}
	return out
}

func (n Nurse) hasRecord(recs []ReplacementRecord) bool {
	return slices.ContainsFunc(recs, func(r ReplacementRecord) bool { return r.Remplacant == n.ID && r.Active() })
}

// ReplacementLine says who is replaced on d, by whom and until when, one
// line per titulaire, for the day's header. names maps nurse ids to names;
// period formats a period (french.Period, which this package cannot import).
func ReplacementLines(nurses []Nurse, recs []ReplacementRecord, d Date, period func(from, to Date) string) []string {
	names := make(map[xid.ID]string, len(nurses))
	for _, n := range nurses {
		names[n.ID] = n.FullName()
	}
	replaced := ReplacedOn(nurses, recs, d)
	var lines []string
	for t, r := range replaced {
		lines = append(lines, names[t]+" : en remplacement "+period(r.From, r.To)+" par "+names[r.Remplacant])
	}
	slices.Sort(lines)
	return lines
}

// NameList joins names the French way: « A », « A et B », « A, B et C ».
func NameList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}
