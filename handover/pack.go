package handover

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// PackFormat is the version of the pack's snapshot; Open refuses newer ones.
const PackFormat = 1

// DefaultCabinetShare is the share of the fees the titulaire keeps for the
// cabinet's costs when nothing else is agreed: usual IDEL practice is 5 to
// 10 %, no law fixes it (docs/idel-rules.md §1, « Rétrocession »).
const DefaultCabinetShare = 0.10

// TransmissionWeeks is how far back the pack carries transmissions: enough
// for the remplaçant to know how each patient has been doing, not the whole
// file (secrecy: only what the replacement needs, docs/idel-rules.md §2).
const TransmissionWeeks = 8

// Pack is what a remplaçant receives: everything to carry on the care.
type Pack struct {
	Format        int                     `json:"format"`
	Created       time.Time               `json:"created"`
	Cabinet       patients.Cabinet        `json:"cabinet"`
	Titulaires    []patients.Nurse        `json:"titulaires"`
	Remplacant    patients.Nurse          `json:"remplacant"`
	From          patients.Date           `json:"from"`
	To            patients.Date           `json:"to"`
	CabinetShare  float64                 `json:"cabinet_share"` // 0..1, default 0.10
	Patients      []patients.Patient      `json:"patients"`
	CarePlans     []patients.CarePlan     `json:"care_plans"`
	Transmissions []patients.Transmission `json:"transmissions"` // the last 8 weeks before From
	Visits        []patients.Visit        `json:"visits"`        // the planned rounds of the period
	// RoadTimes: the rounds' times were computed on OpenStreetMap roads,
	// whose licence asks for the credit wherever they are used.
	RoadTimes bool `json:"road_times,omitempty"`
	// Clock is the titulaire's clock when the pack was written (zero in
	// packs of older versions): the remplaçant's base starts after it.
	Clock Stamp `json:"clock,omitzero"`
}

// PackInput is the whole cabinet; BuildPack keeps what the remplaçant needs.
type PackInput struct {
	Data       patients.Dataset // cabinet, nurses, patients, plans, visits, transmissions
	Titulaires []xid.ID         // the nurses replaced (1 or 2)
	Remplacant xid.ID
	From, To   patients.Date
	Patients   []xid.ID // covered; empty = every active (non-archived) patient whose PrimaryNurse is a titulaire
	Share      float64  // 0 = the remplaçant's Replacement.CabinetShare, or 0.10
	Now        time.Time
}

// BuildPack selects, from the whole cabinet, what a remplaçant needs to carry
// on the care of the covered patients, and nothing else: professional secrecy
// allows sharing only what continuity requires (CSP L.1110-4 and R.4312-12,
// docs/idel-rules.md §2). Blocking problems come back as
// patients.ValidationErrors; the warnings (French) do not block.
func BuildPack(in PackInput) (Pack, []string, error) {
	var errs patients.ValidationErrors
	add := func(field, msg string) { errs = append(errs, &patients.ValidationError{Field: field, Msg: msg}) }

	nurses := map[xid.ID]patients.Nurse{}
	for _, n := range in.Data.Nurses {
		nurses[n.ID] = n
	}
	switch {
	case len(in.Titulaires) == 0:
		add("titulaire", "indiquez l'infirmier(e) remplacé(e)")
	case len(in.Titulaires) > MaxReplaced:
		add("titulaire", fmt.Sprintf("%d titulaires indiqués : un(e) remplaçant(e) ne remplace pas plus de deux infirmiers à la fois (CSP R.4312-83)", len(in.Titulaires)))
	}
	var titulaires []patients.Nurse
	seen := map[xid.ID]bool{}
	for _, id := range in.Titulaires {
		n, ok := nurses[id]
		switch {
		case !ok:
			add("titulaire", fmt.Sprintf("titulaire inconnu(e) (%s)", id))
		case seen[id]:
			add("titulaire", fmt.Sprintf("%s est indiqué(e) deux fois comme titulaire", n.FullName()))
		default:
			titulaires = append(titulaires, n)
		}
		seen[id] = true
	}
	rempl, ok := nurses[in.Remplacant]
	switch {
	case !ok:
		add("remplaçant", fmt.Sprintf("remplaçant(e) inconnu(e) (%s)", in.Remplacant))
	case seen[in.Remplacant]:
		add("remplaçant", fmt.Sprintf("%s ne peut pas se remplacer elle-même ou lui-même", rempl.FullName()))
	}
	switch {
	case in.From.IsZero() || in.To.IsZero():
		add("période", "indiquez la date de début et la date de fin du remplacement")
	case in.From.After(in.To):
		add("période", fmt.Sprintf("le remplacement commence le %s, après sa fin le %s", french.LongDate(in.From), french.LongDate(in.To)))
	}
	share := in.Share
	if share == 0 && rempl.Replacement != nil {
		share = rempl.Replacement.CabinetShare
	}
	if share == 0 {
		share = DefaultCabinetShare
	}
	if share < 0 || share >= 1 {
		add("part du cabinet", fmt.Sprintf("part du cabinet impossible (%s) : elle se situe entre 0 et 100 %%", french.Percent(share)))
	}
	if ok && len(titulaires) == len(in.Titulaires) && !in.From.IsZero() && !in.To.IsZero() {
		if err := CheckReplacementLimit(rempl, in.Titulaires, in.From, in.To); err != nil {
			errs = append(errs, err.(patients.ValidationErrors)...)
		}
	}

	covered, cerrs := coveredPatients(in)
	errs = append(errs, cerrs...)
	if len(cerrs) == 0 && len(covered) == 0 {
		add("patients", "aucun patient à confier : le remplacement ne couvre personne")
	}
	if len(errs) > 0 {
		return Pack{}, nil, errs
	}

	p := Pack{
		Format:       PackFormat,
		Created:      in.Now,
		Cabinet:      in.Data.Cabinet,
		Titulaires:   titulaires,
		Remplacant:   rempl,
		From:         in.From,
		To:           in.To,
		CabinetShare: share,
	}
	ids := map[xid.ID]bool{}
	for _, pt := range covered {
		ids[pt.ID] = true
		p.Patients = append(p.Patients, pt.Clone())
	}
	for _, c := range in.Data.CarePlans {
		// A prescription that ended before the replacement is history, not care
		// to carry on.
		if last, ended := c.LastDay(); ids[c.PatientID] && (!ended || !last.Before(in.From)) {
			p.CarePlans = append(p.CarePlans, c)
		}
	}
	since := in.From.AddDays(-7 * TransmissionWeeks)
	for _, t := range in.Data.Transmissions {
		if d := patients.DateOf(t.At); ids[t.PatientID] && !d.Before(since) && d.Before(in.From) {
			p.Transmissions = append(p.Transmissions, t)
		}
	}
	slices.SortStableFunc(p.Transmissions, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })
	for _, v := range in.Data.Visits {
		if ids[v.PatientID] && !v.Date.Before(in.From) && !v.Date.After(in.To) {
			p.Visits = append(p.Visits, v)
		}
	}
	sortVisits(p.Visits)
	return p, packWarnings(p, in.Now), nil
}

// coveredPatients returns the patients the remplaçant takes on, sorted by
// name: the ones asked for, or the active patients of the titulaires.
func coveredPatients(in PackInput) ([]patients.Patient, patients.ValidationErrors) {
	var errs patients.ValidationErrors
	var out []patients.Patient
	if len(in.Patients) == 0 {
		for _, pt := range in.Data.Patients {
			if !pt.Archived && slices.Contains(in.Titulaires, pt.PrimaryNurse) {
				out = append(out, pt)
			}
		}
	} else {
		byID := map[xid.ID]patients.Patient{}
		for _, pt := range in.Data.Patients {
			byID[pt.ID] = pt
		}
		seen := map[xid.ID]bool{}
		for _, id := range in.Patients {
			pt, ok := byID[id]
			switch {
			case !ok:
				errs = append(errs, &patients.ValidationError{Field: "patients", Msg: fmt.Sprintf("patient inconnu (%s)", id)})
			case !seen[id]:
				out = append(out, pt)
			}
			seen[id] = true
		}
	}
	slices.SortStableFunc(out, func(a, b patients.Patient) int {
		return cmp.Or(cmp.Compare(a.DisplayName(), b.DisplayName()), a.ID.Compare(b.ID))
	})
	return out, errs
}

// packWarnings says what does not block the pack but must be fixed or known.
func packWarnings(p Pack, now time.Time) []string {
	var w []string
	r := p.Remplacant
	switch {
	case r.Replacement == nil || r.Replacement.AuthorisationNumber == "":
		w = append(w, fmt.Sprintf("aucune autorisation de remplacement n'est enregistrée pour %s : sans cabinet propre, elle est obligatoire (CSP R.4312-83)", r.FullName()))
	case !r.Replacement.AuthorisationUntil.IsZero() && r.Replacement.AuthorisationUntil.Before(p.To):
		w = append(w, fmt.Sprintf("l'autorisation de remplacement %s se termine le %s avant la fin du remplacement (%s)",
			french.De(r.FullName()), french.LongDate(r.Replacement.AuthorisationUntil), french.LongDate(p.To)))
	}
	if r.Replacement != nil && !r.Replacement.AuthorisationFrom.IsZero() && r.Replacement.AuthorisationFrom.After(p.From) {
		w = append(w, fmt.Sprintf("l'autorisation de remplacement %s ne commence que le %s, après le début du remplacement",
			french.De(r.FullName()), french.LongDate(r.Replacement.AuthorisationFrom)))
	}
	if !now.IsZero() && p.To.Before(patients.DateOf(now)) {
		w = append(w, fmt.Sprintf("la période du remplacement est déjà terminée (fin le %s)", french.LongDate(p.To)))
	}
	// The titulaire abstains from any nursing activity during the
	// replacement (CSP R.4312-84): visits still on her name are a planning slip.
	for _, t := range p.Titulaires {
		n := 0
		for _, v := range p.Visits {
			if v.NurseID == t.ID {
				n++
			}
		}
		if n > 0 {
			w = append(w, fmt.Sprintf("%d passage(s) de la période restent attribués à %s, remplacé(e) : le titulaire s'abstient de soigner pendant le remplacement (CSP R.4312-84)", n, t.FullName()))
		}
	}
	return w
}

// sortVisits puts visits in round order: day, morning before evening, the
// planned position (unplanned ones last), then the window.
func sortVisits(vs []patients.Visit) {
	slices.SortStableFunc(vs, func(a, b patients.Visit) int {
		return cmp.Or(
			a.Date.Compare(b.Date),
			cmp.Compare(roundRank(a.Round), roundRank(b.Round)),
			cmp.Compare(orderKey(a.Order), orderKey(b.Order)),
			cmp.Compare(a.Window.Start, b.Window.Start),
		)
	})
}

func roundRank(r patients.Round) int {
	if r == patients.Evening {
		return 1
	}
	return 0
}

func orderKey(o int) int {
	if o <= 0 {
		return math.MaxInt
	}
	return o
}

func (p Pack) nurseNames() map[xid.ID]string {
	m := map[xid.ID]string{p.Remplacant.ID: p.Remplacant.FullName()}
	for _, t := range p.Titulaires {
		m[t.ID] = t.FullName()
	}
	return m
}

func (p Pack) titulaireNames() string {
	var s []string
	for _, t := range p.Titulaires {
		s = append(s, t.FullName())
	}
	return strings.Join(s, " et ")
}

func titulaireLabel(n int) string {
	if n > 1 {
		return "Titulaires"
	}
	return "Titulaire"
}

func nurseLine(n patients.Nurse) string {
	s := n.FullName()
	if n.RPPS != "" {
		s += " — RPPS " + n.RPPS
	}
	return s
}

func dayCount(from, to patients.Date) string {
	n := to.DaysSince(from) + 1
	if n > 1 {
		return strconv.Itoa(n) + " jours"
	}
	return "1 jour"
}

// Stamp is a reading of a laptop's hybrid logical clock (storage's
// replica.Stamp without the laptop): milliseconds, then a counter. The pack
// carries the titulaire's, so that every change the remplaçant makes is
// stamped after everything the pack holds; the return carries, per visit,
// the stamp of her outcome, so that the import merges it as a sync would.
type Stamp struct {
	Wall    int64  `json:"w"`
	Logical uint32 `json:"l,omitempty"`
}

// Compare orders stamps: wall time, then counter.
func (s Stamp) Compare(o Stamp) int {
	return cmp.Or(cmp.Compare(s.Wall, o.Wall), cmp.Compare(s.Logical, o.Logical))
}

// IsZero tells a stamp never set (a file of an older version).
func (s Stamp) IsZero() bool { return s == Stamp{} }

// MaxVisitMin bounds a visit's duration in a pack or a return, as a care
// plan's (patients.CarePlan.Validate).
const MaxVisitMin = 240

// FileError is a pack or a return bundle refused for its content: French
// says what, Cause the precise fault (English, for the logs).
type FileError struct{ Fr, Cause string }

func (e *FileError) Error() string { return e.Cause }

// French is the message the nurse reads.
func (e *FileError) French() string { return e.Fr }

func packRefused(why, cause string, args ...any) error {
	return &FileError{Fr: "dossier de remplacement refusé : " + why + " ; rien n'a été créé", Cause: "handover pack: " + fmt.Sprintf(cause, args...)}
}

// Check refuses a pack whose content cannot be what BuildPack writes: a
// pack comes from a file, and a tampered or hand-made one must not become a
// database. The error is a *FileError naming the first problem in French.
func (p Pack) Check() error {
	switch {
	case p.Format > PackFormat:
		return packRefused("il a été écrit par une version plus récente de tournée", "format %d", p.Format)
	case p.From.IsZero() || p.To.IsZero():
		return packRefused("la période du remplacement est incomplète", "period %s–%s", p.From, p.To)
	case p.From.After(p.To):
		return packRefused(fmt.Sprintf("la période est inversée (du %s au %s)", french.ShortDate(p.From), french.ShortDate(p.To)), "period %s after %s", p.From, p.To)
	case p.To.DaysSince(p.From) > 366:
		return packRefused(fmt.Sprintf("la période dure %d jours (plus d'un an)", p.To.DaysSince(p.From)+1), "period of %d days", p.To.DaysSince(p.From)+1)
	case math.IsNaN(p.CabinetShare) || p.CabinetShare <= 0 || p.CabinetShare >= 1:
		return packRefused(fmt.Sprintf("part du cabinet impossible (%v) : elle se situe strictement entre 0 et 100 %%", p.CabinetShare), "cabinet share %v", p.CabinetShare)
	case p.Remplacant.ID.IsZero():
		return packRefused("le/la remplaçant(e) n'est pas indiqué(e)", "no remplaçant")
	case len(p.Titulaires) == 0 || len(p.Titulaires) > MaxReplaced:
		return packRefused(fmt.Sprintf("%d titulaire(s) : un remplacement en compte un ou deux", len(p.Titulaires)), "%d titulaires", len(p.Titulaires))
	}
	for _, t := range p.Titulaires {
		if t.ID.IsZero() || t.ID == p.Remplacant.ID {
			return packRefused("un(e) titulaire est sans identifiant ou est le/la remplaçant(e)", "titulaire %s", t.ID)
		}
	}
	ids := map[xid.ID]bool{}
	for _, pt := range p.Patients {
		if pt.ID.IsZero() {
			return packRefused("un patient est sans identifiant", "patient without id")
		}
		if ids[pt.ID] {
			return packRefused(fmt.Sprintf("le patient %s y figure deux fois", pt.DisplayName()), "duplicate patient %s", pt.ID)
		}
		ids[pt.ID] = true
	}
	for _, c := range p.CarePlans {
		if !ids[c.PatientID] {
			return packRefused("un soin prescrit concerne un patient absent du dossier", "care plan %s of patient %s not in the pack", c.ID, c.PatientID)
		}
		if c.DurationMin <= 0 || c.DurationMin > MaxVisitMin {
			return packRefused(fmt.Sprintf("un soin prescrit dure %d min (1 à %d)", c.DurationMin, MaxVisitMin), "care plan %s lasts %d min", c.ID, c.DurationMin)
		}
	}
	for _, t := range p.Transmissions {
		if !ids[t.PatientID] {
			return packRefused("une transmission concerne un patient absent du dossier", "transmission %s of patient %s not in the pack", t.ID, t.PatientID)
		}
	}
	seen := map[xid.ID]bool{}
	for _, v := range p.Visits {
		day := french.ShortDate(v.Date)
		switch {
		case seen[v.ID] && !v.ID.IsZero():
			return packRefused(fmt.Sprintf("la visite du %s y figure deux fois", day), "duplicate visit %s", v.ID)
		case !ids[v.PatientID]:
			return packRefused(fmt.Sprintf("une visite du %s concerne un patient absent du dossier", day), "visit %s of patient %s not in the pack", v.ID, v.PatientID)
		case v.Date.Before(p.From) || v.Date.After(p.To):
			return packRefused(fmt.Sprintf("une visite du %s est hors de la période du remplacement", day), "visit %s on %s outside %s–%s", v.ID, v.Date, p.From, p.To)
		case v.DurationMin <= 0 || v.DurationMin > MaxVisitMin:
			return packRefused(fmt.Sprintf("une visite du %s dure %d min (1 à %d)", day, v.DurationMin, MaxVisitMin), "visit %s lasts %d min", v.ID, v.DurationMin)
		case v.ActualMin < 0 || v.ActualMin > 2*MaxVisitMin:
			return packRefused(fmt.Sprintf("une visite du %s a duré %d min", day, v.ActualMin), "visit %s took %d min", v.ID, v.ActualMin)
		}
		seen[v.ID] = true
	}
	return nil
}
