package planner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// RenewalNoticeDays is how many days ahead BuildDay warns that a prescription
// ends: a week leaves time to reach the prescriber, who rarely answers the
// same day.
const RenewalNoticeDays = 7

// DayInput is everything BuildDay needs to list one day's visits. It may hold
// every plan of the cabinet: plans not due on Date and archived patients are
// skipped. Every plan's patient must be in Patients, though.
type DayInput struct {
	Date      patients.Date
	Patients  []patients.Patient
	CarePlans []patients.CarePlan
	Nurses    []patients.Nurse
}

// Warning is something the nurse should look at before starting the day. It
// never stops the day from being built: the visit it is about is kept.
type Warning struct {
	// PatientID is the patient concerned.
	PatientID xid.ID
	// CarePlanID is the care plan concerned; it is zero when the warning is
	// about a visit, which may gather several plans.
	CarePlanID xid.ID
	// Msg is plain French, ready for the screen. It names the patient, so it
	// must not be logged.
	Msg string
}

// Day is the list of visits due on one date, before they are ordered along
// the road.
type Day struct {
	Date patients.Date
	// Visits are sorted by round, then start of window, then patient name.
	Visits []patients.Visit
	// Warnings come in the order of the visits they concern, followed by the
	// warnings about care plans, by patient name.
	Warnings []Warning
}

// BuildDay lists the visits due on in.Date.
//
// Every window of every care plan that occurs that day (CarePlan.OccursOn)
// gives one care item, for patients who are neither archived nor absent. A
// patient's items of one round whose windows overlap are done at one stop:
// they become a single visit whose window is the intersection of theirs and
// whose duration is their sum. Items whose windows do not overlap (a pill box
// at 14:00–17:00 and insulin at 18:00–19:30) stay separate visits, and so do
// items whose plans ask for two different nurses.
//
// The visit goes to the nurse a plan prefers, else to the patient's primary
// nurse; when that nurse is replaced on the date (patients.OnDuty), to the
// remplaçant(e) standing in for her. Only the nurses on duty count for the
// warnings. A visit that this nurse cannot make (she does not work that round,
// or its window lies outside her hours) is kept, with a warning. A
// prescription whose last day of care is at most RenewalNoticeDays away gets
// a warning too, whether or not it has care today.
//
// A visit that needs two nurses (NeedsPair: the patient has the « visite à
// deux » alert and the care moves her) is followed in Day.Visits by its
// companion: the same patient, window, duration and items, for another
// nurse on duty that round (the first by name who is not the first visit's
// nurse); each names the other in PairID. When no other nurse works that
// round the visit stays single, with a warning.
//
// newID gives each visit its ID, in the order of Day.Visits, so a counter
// makes the output reproducible; nil means xid.New.
//
// BuildDay fails, without a partial day, on input that cannot be planned: a
// zero date, a patient listed twice, a care plan of an unknown patient
// (wrapping patients.ErrNotFound), or a care plan window that ends before it
// starts (wrapping the *patients.ValidationError, whose message is for the
// nurse). Errors name records by ID only, since they are logged.
func BuildDay(in DayInput, newID func() xid.ID) (Day, error) {
	if in.Date.IsZero() {
		return Day{}, errors.New("build day: no date")
	}
	if newID == nil {
		newID = xid.New
	}
	byID := make(map[xid.ID]*patients.Patient, len(in.Patients))
	for i := range in.Patients {
		p := &in.Patients[i]
		if _, dup := byID[p.ID]; dup {
			// Two records for one patient would plan her twice.
			return Day{}, fmt.Errorf("build day %s: patient %s listed twice", in.Date, p.ID)
		}
		byID[p.ID] = p
	}

	var (
		items     []item
		planWarns []planWarning
	)
	for _, c := range in.CarePlans {
		p, ok := byID[c.PatientID]
		if !ok {
			return Day{}, fmt.Errorf("build day %s: care plan %s: patient %s: %w", in.Date, c.ID, c.PatientID, patients.ErrNotFound)
		}
		if p.Archived {
			// An archived patient is never planned again, so her old plans
			// must not block the day, even when their data is broken.
			continue
		}
		// Checked for every live plan, not only today's, so a broken plan
		// shows up the first time the planner runs rather than on the morning
		// it is due.
		for i, w := range c.Windows {
			if err := w.Validate(fmt.Sprintf("plage %d", i+1)); err != nil {
				return Day{}, fmt.Errorf("build day %s: care plan %s of patient %s: %w", in.Date, c.ID, p.ID, err)
			}
		}
		if w, ok := renewalWarning(in.Date, c, p); ok {
			planWarns = append(planWarns, w)
		}
		if _, absent := p.AbsentOn(in.Date); absent || !c.OccursOn(in.Date) {
			continue
		}
		if len(c.Windows) == 0 {
			// Without a window there is no visit: say so rather than drop
			// the care silently.
			planWarns = append(planWarns, planWarning{p, c, fmt.Sprintf(
				"Soin %s pour %s : aucune plage horaire, aucune visite prévue", planLabel(c), p.DisplayName())})
			continue
		}
		for _, w := range c.EffectiveWindows() {
			items = append(items, item{
				patient: p,
				round:   patients.RoundOf(w),
				window:  w,
				nurse:   c.PreferredNurse,
				strict:  c.Strict,
				last:    c.Last,
				lab:     labCutoff(c),
				care: patients.CareItem{
					CarePlanID:  c.ID,
					Kind:        c.Kind,
					Label:       c.Label,
					DurationMin: c.DurationMin,
				},
			})
		}
	}

	groups := merge(items)
	// A titulaire replaced that day abstains from any care (CSP R.4312-84):
	// her visits go to the remplaçant(e) who stands in for her.
	onDuty, standIn := patients.OnDuty(in.Nurses, in.Date)
	visits := make([]patients.Visit, len(groups))
	for i, g := range groups {
		visits[i] = g.visit(in.Date)
		if sub, ok := standIn[visits[i].NurseID]; ok {
			visits[i].NurseID = sub
		}
	}
	// IDs are handed out after sorting so that they follow the output order,
	// not the order of the input slices.
	slices.SortFunc(visits, func(a, b patients.Visit) int {
		return compareVisits(a, b, byID)
	})
	// A « visite à deux » gets its companion right after it: the same care
	// at the same time, made by a colleague (NeedsPair, pairNurse). The two
	// name each other once both have their ID.
	var alone []xid.ID // patients of a visit à deux with nobody to pair
	for i := 0; i < len(visits); i++ {
		v := visits[i]
		if !NeedsPair(*byID[v.PatientID], v) {
			continue
		}
		c := v
		c.Items = slices.Clone(v.Items)
		c.NurseID = pairNurse(onDuty, v.Round, v.NurseID)
		if c.NurseID.IsZero() {
			// Nobody else works that round: the visit stays single, and
			// the nurse is told to find help (family, an aide).
			alone = append(alone, v.PatientID)
			continue
		}
		visits = slices.Insert(visits, i+1, c)
		i++
	}
	for i := range visits {
		visits[i].ID = newID()
	}
	for i := range visits {
		if i > 0 && visits[i].PatientID == visits[i-1].PatientID && visits[i].Window == visits[i-1].Window &&
			visits[i].Round == visits[i-1].Round && NeedsPair(*byID[visits[i].PatientID], visits[i]) &&
			visits[i-1].PairID.IsZero() {
			visits[i].PairID, visits[i-1].PairID = visits[i-1].ID, visits[i].ID
		}
	}

	day := Day{Date: in.Date, Visits: visits}
	nurses := newNurseIndex(onDuty)
	nurses.all = make(map[xid.ID]patients.Nurse, len(in.Nurses))
	for _, n := range in.Nurses {
		nurses.all[n.ID] = n
	}
	for _, v := range visits {
		if msg := nurses.problem(v, byID[v.PatientID]); msg != "" {
			day.Warnings = append(day.Warnings, Warning{PatientID: v.PatientID, Msg: msg})
		}
		if v.PairID.IsZero() && slices.Contains(alone, v.PatientID) && NeedsPair(*byID[v.PatientID], v) {
			day.Warnings = append(day.Warnings, Warning{PatientID: v.PatientID, Msg: fmt.Sprintf(
				"Visite à deux %s (%s, %s) : aucune autre infirmière ne travaille à ce moment, prévoir de l'aide", french.De(byID[v.PatientID].DisplayName()), v.Round, span(v.Window))})
		}
	}
	slices.SortStableFunc(planWarns, func(a, b planWarning) int {
		return cmp.Or(
			strings.Compare(a.patient.DisplayName(), b.patient.DisplayName()),
			a.patient.ID.Compare(b.patient.ID),
			strings.Compare(planLabel(a.plan), planLabel(b.plan)),
			a.plan.ID.Compare(b.plan.ID),
		)
	})
	for _, w := range planWarns {
		day.Warnings = append(day.Warnings, Warning{PatientID: w.patient.ID, CarePlanID: w.plan.ID, Msg: w.msg})
	}
	return day, nil
}

// item is one window of one care plan on the day, before merging.
type item struct {
	patient *patients.Patient
	round   patients.Round
	window  patients.Window
	nurse   xid.ID // the plan's preferred nurse; zero when it has none
	strict  bool
	last    bool
	lab     patients.TimeOfDay // lab cut-off of a blood draw; zero when none
	care    patients.CareItem
}

// group is the items that will be done at one stop.
type group struct {
	patient *patients.Patient
	round   patients.Round
	window  patients.Window // intersection of the items' windows
	nurse   xid.ID          // the preferred nurse of the first item that has one
	strict  bool
	last    bool
	lab     patients.TimeOfDay
	items   []patients.CareItem
}

// merge gathers each patient's items of a round into stops. Items are taken
// by start of window and each joins the first stop it is compatible with:
// greedy, but the sort makes it deterministic, and a patient rarely has more
// than three items in a round, so an optimal cover would buy nothing.
func merge(items []item) []*group {
	slices.SortFunc(items, func(a, b item) int {
		return cmp.Or(
			a.patient.ID.Compare(b.patient.ID),
			cmp.Compare(roundIndex(a.round), roundIndex(b.round)),
			cmp.Compare(a.window.Start, b.window.Start),
			cmp.Compare(a.window.End, b.window.End),
			a.care.CarePlanID.Compare(b.care.CarePlanID),
		)
	})
	var all, open []*group // open: the stops of the current patient and round
	for _, it := range items {
		if len(open) > 0 && (open[0].patient != it.patient || open[0].round != it.round) {
			open = open[:0]
		}
		joined := false
		for _, g := range open {
			if g.add(it) {
				joined = true
				break
			}
		}
		if !joined {
			g := &group{patient: it.patient, round: it.round, window: it.window, nurse: it.nurse,
				strict: it.strict, last: it.last, lab: it.lab, items: []patients.CareItem{it.care}}
			all = append(all, g)
			open = append(open, g)
		}
	}
	return all
}

// add puts it into g when both can be done at the same stop: their windows
// overlap (touching counts, as a visit may start on the bound) and they do
// not ask for two different nurses.
func (g *group) add(it item) bool {
	w, ok := g.window.Intersect(it.window)
	if !ok {
		return false
	}
	if !g.nurse.IsZero() && !it.nurse.IsZero() && g.nurse != it.nurse {
		return false
	}
	g.window = w
	if g.nurse.IsZero() {
		g.nurse = it.nurse
	}
	g.strict = g.strict || it.strict
	g.last = g.last || it.last
	if it.lab != 0 && (g.lab == 0 || it.lab < g.lab) {
		g.lab = it.lab
	}
	g.items = append(g.items, it.care)
	return true
}

// visit turns the stop into a planned visit, without its ID.
// labCutoff is the lab deadline of a blood draw plan; other care carries none.
func labCutoff(c patients.CarePlan) patients.TimeOfDay {
	if c.Kind != patients.BloodDraw {
		return 0
	}
	return c.LabDropoffBefore
}

func (g *group) visit(d patients.Date) patients.Visit {
	v := patients.Visit{
		Date:      d,
		Round:     g.round,
		PatientID: g.patient.ID,
		Items:     g.items,
		Window:    g.window,
		Strict:    g.strict,
		Last:      g.last,
		LabBefore: g.lab,
		NurseID:   g.nurse,
		Status:    patients.Planned,
	}
	if v.NurseID.IsZero() {
		v.NurseID = g.patient.PrimaryNurse
	}
	for _, c := range g.items {
		v.DurationMin += c.DurationMin
	}
	return v
}

// compareVisits orders visits by round, start of window and patient name,
// then by whatever else tells them apart, so that the order never depends on
// the input's.
func compareVisits(a, b patients.Visit, byID map[xid.ID]*patients.Patient) int {
	return cmp.Or(
		cmp.Compare(roundIndex(a.Round), roundIndex(b.Round)),
		cmp.Compare(a.Window.Start, b.Window.Start),
		strings.Compare(byID[a.PatientID].DisplayName(), byID[b.PatientID].DisplayName()),
		a.PatientID.Compare(b.PatientID),
		cmp.Compare(a.Window.End, b.Window.End),
		// Two visits of one patient in one round never share their first
		// item, since an item belongs to one visit.
		a.Items[0].CarePlanID.Compare(b.Items[0].CarePlanID),
	)
}

// roundIndex gives the place of a round in the day.
func roundIndex(r patients.Round) int { return slices.Index(patients.Rounds(), r) }

// nurseIndex answers which nurse works when.
type nurseIndex struct {
	byID  map[xid.ID]patients.Nurse // the nurses on duty
	all   map[xid.ID]patients.Nurse // every nurse of the cabinet
	staff map[patients.Round]bool   // rounds at least one nurse works
}

func newNurseIndex(ns []patients.Nurse) nurseIndex {
	x := nurseIndex{byID: make(map[xid.ID]patients.Nurse, len(ns)), staff: map[patients.Round]bool{}}
	for _, n := range ns {
		x.byID[n.ID] = n
		for _, s := range n.Shifts {
			x.staff[s.Round] = true
		}
	}
	return x
}

// problem returns, in French, why the visit's nurse cannot make it, or "".
// Only a window entirely outside her hours counts: a window that overlaps
// them can still be met.
func (x nurseIndex) problem(v patients.Visit, p *patients.Patient) string {
	what := fmt.Sprintf("Visite %s (%s, %s)", french.De(p.DisplayName()), v.Round, span(v.Window))
	if !x.staff[v.Round] {
		return fmt.Sprintf("%s : aucune infirmière ne travaille le %s", what, v.Round)
	}
	if v.NurseID.IsZero() {
		return what + " : aucune infirmière attribuée (ni préférée pour le soin, ni référente du patient)"
	}
	n, ok := x.byID[v.NurseID]
	if !ok {
		if off, known := x.all[v.NurseID]; known {
			return fmt.Sprintf("%s : %s ne travaille pas ce jour-là et personne ne la remplace", what, off.FullName())
		}
		return what + " : l'infirmière attribuée ne fait pas partie du cabinet"
	}
	hours, ok := n.ShiftFor(v.Round)
	if !ok {
		return fmt.Sprintf("%s : %s ne travaille pas le %s", what, n.FullName(), v.Round)
	}
	if _, ok := hours.Intersect(v.Window); !ok {
		return fmt.Sprintf("%s : en dehors des horaires du %s (%s : %s)", what, v.Round, n.FullName(), span(hours))
	}
	return ""
}

// planWarning is a warning about a care plan, kept with what sorts it.
type planWarning struct {
	patient *patients.Patient
	plan    patients.CarePlan
	msg     string
}

// renewalWarning reminds the nurse to get a prescription renewed when its
// last day of care is between d and RenewalNoticeDays after it.
func renewalWarning(d patients.Date, c patients.CarePlan, p *patients.Patient) (planWarning, bool) {
	last, ok := c.LastDay()
	if !ok {
		return planWarning{}, false
	}
	if left := last.DaysSince(d); left < 0 || left > RenewalNoticeDays {
		return planWarning{}, false
	}
	return planWarning{p, c, fmt.Sprintf("Prescription %s pour %s : fin le %s, penser au renouvellement",
		french.De(planLabel(c)), p.DisplayName(), french.Date(last))}, true
}

// planLabel names a plan in a message, falling back on its kind when the
// label is blank.
func planLabel(c patients.CarePlan) string {
	if s := strings.TrimSpace(c.Label); s != "" {
		return s
	}
	return string(c.Kind)
}

// span writes a window as "18h00–19h30".
func span(w patients.Window) string { return french.Clock(w.Start) + "–" + french.Clock(w.End) }
