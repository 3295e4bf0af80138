package handover

import (
	"fmt"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/french"

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
	// Since is when the pack was written (zero in returns of older
	// versions): her transmissions are returned from then on, so a note
	// written the evening before her first day comes back too.
	Since time.Time `json:"since,omitzero"`
	// Transmissions she wrote during the period, and the visits of the
	// period that are no longer just planned (done, missed, postponed).
	Transmissions []patients.Transmission `json:"transmissions"`
	Visits        []patients.Visit        `json:"visits"`
	// OutcomeStamps says, per visit, when she set its outcome on her
	// laptop (her base's clock, which started after the pack's): the
	// import keeps a later edit of the titulaire's. Absent from the
	// returns of older versions.
	OutcomeStamps map[xid.ID]Stamp `json:"outcome_stamps,omitempty"`
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
		Remplacant: rem, From: r.ContractFrom, To: r.ContractTo, Since: r.PackCreated}
	in := func(d patients.Date) bool { return !d.Before(out.From) && !d.After(out.To) }
	for _, t := range ts {
		if t.AuthorID == rem.ID && out.transmissionIn(t.At) {
			out.Transmissions = append(out.Transmissions, t)
		}
	}
	for _, v := range vs {
		// Hers only: the pack may carry visits of the period the titulaire
		// had already made, or another nurse's.
		if reported(v.Status) && in(v.Date) && v.NurseID == rem.ID {
			out.Visits = append(out.Visits, v)
		}
	}
	slices.SortStableFunc(out.Transmissions, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })
	return out, nil
}

// MaxLeadDays bounds how long before the period a pack may have been
// written and still bring back what she wrote since (a forged Since must
// not pull in notes of long ago).
const MaxLeadDays = 62

// transmissionIn tells a transmission a return carries by its time: within
// the period, or written since the pack was (Since) and before the return.
func (r Return) transmissionIn(at time.Time) bool {
	d := patients.DateOf(at)
	if !d.Before(r.From) && !d.After(r.To) {
		return true
	}
	if r.Since.IsZero() || at.Before(r.Since) || at.After(r.Created) {
		return false
	}
	return !patients.DateOf(r.Since).Before(r.From.AddDays(-MaxLeadDays))
}

// reported tells the outcomes a return brings back: what she did, or could
// not do. A cancellation is the care plans' business, on each base.
func reported(s patients.VisitStatus) bool {
	return s == patients.Done || s == patients.Missed || s == patients.Postponed
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

// MaxPeriodDays bounds a replacement's period in a pack or a return.
const MaxPeriodDays = 366

// ReturnScope is what the titulaire's own base says about a return, read in
// the import's transaction: the truth the return is checked against.
type ReturnScope struct {
	Cabinet  patients.Cabinet
	Nurses   []patients.Nurse
	Patients []patients.Patient
	// PeriodVisits are the base's visits of the return's period; Visits
	// the base's copy of each visit the return names, whatever its day.
	PeriodVisits []patients.Visit
	Visits       map[xid.ID]patients.Visit
	// Transmissions are the base's copy of each transmission the return
	// names or corrects.
	Transmissions map[xid.ID]patients.Transmission
	// OutcomeStamps are the stamps of the base's outcome of Visits.
	OutcomeStamps map[xid.ID]Stamp
	Now           time.Time
}

// SetAside is one element of a return the import did not take, and why,
// in French.
type SetAside struct{ What, Why string }

// Outcome is a visit's outcome the import writes: the base's visit with
// the return's outcome fields (or the return's visit, for a day the base
// never stored), and the stamp of her edit.
type Outcome struct {
	Visit patients.Visit
	At    Stamp
}

// ReturnPlan is what the import writes, and what it set aside.
type ReturnPlan struct {
	Transmissions []patients.Transmission
	Outcomes      []Outcome
	// Kept counts outcomes the titulaire changed after her: hers stay.
	Kept     int
	SetAside []SetAside
}

func returnRefused(why, cause string, args ...any) error {
	return &FileError{Fr: "retour de remplacement refusé : " + why + " ; rien n'a été importé", Cause: "return bundle: " + fmt.Sprintf(cause, args...)}
}

// Screen checks a return against the titulaire's base and keeps only what
// a return may bring: transmissions written by the remplaçant(e), during
// the period, about the patients she covered; the outcome of the period's
// visits she was given. Nothing else: no nurse, no patient, no date or
// patient of a visit, no visit of another nurse. What does not fit is set
// aside with its reason; a return that cannot be hers at all is refused
// whole (a *FileError, or ErrOtherCabinet). An outcome the titulaire
// changed after the remplaçant's (later stamp) stays, so replaying a return
// never undoes a later correction.
func (r Return) Screen(s ReturnScope) (ReturnPlan, error) {
	var plan ReturnPlan
	if err := r.Check(s.Cabinet, s.Nurses); err != nil {
		return plan, err
	}
	rem := r.Remplacant.ID
	switch {
	case rem.IsZero():
		return plan, returnRefused("il ne nomme pas le/la remplaçant(e)", "no remplaçant")
	case !slices.ContainsFunc(s.Nurses, func(n patients.Nurse) bool { return n.ID == rem }):
		return plan, returnRefused(fmt.Sprintf("%s n'est pas une infirmière de ce cabinet (un retour n'ajoute personne)", r.Remplacant.FullName()), "unknown remplaçant %s", rem)
	case slices.Contains(r.Titulaires, rem):
		return plan, returnRefused("le/la remplaçant(e) y est aussi titulaire", "remplaçant %s among the titulaires", rem)
	case len(r.Titulaires) == 0 || len(r.Titulaires) > MaxReplaced:
		return plan, returnRefused(fmt.Sprintf("%d titulaire(s) : un remplacement en compte un ou deux", len(r.Titulaires)), "%d titulaires", len(r.Titulaires))
	}
	if err := r.CheckPeriod(); err != nil {
		return plan, err
	}
	in := func(d patients.Date) bool { return !d.Before(r.From) && !d.After(r.To) }
	names := map[xid.ID]string{}
	for _, p := range s.Patients {
		names[p.ID] = p.DisplayName()
	}
	// The patients she covered: the titulaires' own, and those whose visits
	// of the period were theirs (or already hers).
	mine := func(nurse xid.ID) bool { return nurse == rem || slices.Contains(r.Titulaires, nurse) }
	covered := map[xid.ID]bool{}
	for _, p := range s.Patients {
		if slices.Contains(r.Titulaires, p.PrimaryNurse) {
			covered[p.ID] = true
		}
	}
	for _, v := range s.PeriodVisits {
		if mine(v.NurseID) {
			covered[v.PatientID] = true
		}
	}
	aside := func(what, why string) { plan.SetAside = append(plan.SetAside, SetAside{What: what, Why: why}) }

	taken := map[xid.ID]bool{}
	for _, t := range r.Transmissions {
		what := fmt.Sprintf("transmission « %s » du %s", t.Cible, french.ShortDate(patients.DateOf(t.At)))
		if n, ok := names[t.PatientID]; ok {
			what += " pour " + n
		}
		local, exists := s.Transmissions[t.ID]
		switch {
		case t.ID.IsZero():
			aside(what, "sans identifiant")
		case taken[t.ID]:
			aside(what, "en double dans le retour")
		case exists && sameTransmission(local, t):
			// Already imported: nothing to do.
		case exists:
			aside(what, "une transmission de ce numéro existe déjà avec un autre contenu (une transmission n'est jamais réécrite)")
		case t.AuthorID != rem:
			aside(what, "signée par une autre personne que le/la remplaçant(e)")
		case names[t.PatientID] == "":
			aside(what, "patient inconnu de cette base")
		case !covered[t.PatientID]:
			aside(what, "patient hors du remplacement")
		case t.At.After(s.Now.Add(24 * time.Hour)):
			aside(what, "écrite à une date future")
		case !r.transmissionIn(t.At):
			aside(what, "écrite hors de la période du remplacement")
		case !t.Corrects.IsZero() && !taken[t.Corrects] && s.Transmissions[t.Corrects].ID.IsZero():
			aside(what, "elle corrige une transmission inconnue")
		case t.Validate() != nil:
			aside(what, "incomplète ("+t.Validate().Error()+")")
		default:
			plan.Transmissions = append(plan.Transmissions, t)
		}
		taken[t.ID] = true
	}

	limit := Stamp{Wall: s.Now.Add(24 * time.Hour).UnixMilli()}
	seen := map[xid.ID]bool{}
	for _, v := range r.Visits {
		what := fmt.Sprintf("visite du %s", french.ShortDate(v.Date))
		if n, ok := names[v.PatientID]; ok {
			what += " chez " + n
		}
		at := r.OutcomeStamps[v.ID]
		local, exists := s.Visits[v.ID]
		switch {
		case v.ID.IsZero() || seen[v.ID]:
			aside(what, "sans identifiant ou en double dans le retour")
		case v.NurseID != rem || (!v.DoneBy.IsZero() && v.DoneBy != rem):
			aside(what, "attribuée à une autre infirmière que le/la remplaçant(e)")
		case !reported(v.Status):
			aside(what, fmt.Sprintf("état « %s » : un retour rapporte les visites faites, manquées ou reportées", v.Status))
		case !in(v.Date):
			aside(what, "hors de la période du remplacement")
		case at.Compare(limit) > 0:
			aside(what, "état saisi à une date future")
		case v.ActualMin < 0 || v.ActualMin > 2*MaxVisitMin:
			aside(what, fmt.Sprintf("durée réelle impossible (%d min)", v.ActualMin))
		case v.Validate() != nil:
			aside(what, "incomplète ("+v.Validate().Error()+")")
		case exists && (local.PatientID != v.PatientID || local.Date != v.Date || local.Round != v.Round):
			aside(what, fmt.Sprintf("le patient, le jour ou la tournée de la visite ont été changés (ici : le %s, %s)", french.ShortDate(local.Date), local.Round))
		case exists && !mine(local.NurseID):
			aside(what, "visite d'une autre infirmière dans cette base")
		case !exists && !covered[v.PatientID]:
			aside(what, "patient hors du remplacement ou inconnu de cette base")
		case exists:
			switch {
			case sameOutcome(local, v):
				// Already there.
			case at.IsZero() && local.Status != patients.Planned,
				!at.IsZero() && s.OutcomeStamps[v.ID].Compare(at) >= 0:
				// Changed here after her (or, for a return without
				// stamps, set here at all): the titulaire's stays.
				plan.Kept++
			default:
				w := local
				w.Status, w.DoneAt, w.DoneBy, w.StatusNote, w.ActualMin = v.Status, v.DoneAt, v.DoneBy, v.StatusNote, v.ActualMin
				plan.Outcomes = append(plan.Outcomes, Outcome{Visit: w, At: at})
			}
		default:
			// A day of the period the titulaire's base never stored: the
			// pack built it from the care plans.
			plan.Outcomes = append(plan.Outcomes, Outcome{Visit: v, At: at})
		}
		seen[v.ID] = true
	}
	return plan, nil
}

// CheckPeriod refuses a return whose period cannot be a replacement's.
func (r Return) CheckPeriod() error {
	switch {
	case r.From.IsZero() || r.To.IsZero():
		return returnRefused("la période du remplacement est incomplète", "period %s–%s", r.From, r.To)
	case r.From.After(r.To):
		return returnRefused(fmt.Sprintf("la période est inversée (du %s au %s)", french.ShortDate(r.From), french.ShortDate(r.To)), "period %s after %s", r.From, r.To)
	case r.To.DaysSince(r.From) >= MaxPeriodDays:
		return returnRefused(fmt.Sprintf("la période dure %d jours (plus d'un an)", r.To.DaysSince(r.From)+1), "period of %d days", r.To.DaysSince(r.From)+1)
	}
	return nil
}

func sameTransmission(a, b patients.Transmission) bool {
	return a.PatientID == b.PatientID && a.AuthorID == b.AuthorID && a.At.Equal(b.At) && a.Cible == b.Cible &&
		a.Donnees == b.Donnees && a.Actions == b.Actions && a.Resultats == b.Resultats && a.Corrects == b.Corrects
}

func sameOutcome(a, b patients.Visit) bool {
	return a.Status == b.Status && a.DoneAt.Equal(b.DoneAt) && a.DoneBy == b.DoneBy && a.StatusNote == b.StatusNote &&
		a.ActualMin == b.ActualMin
}
