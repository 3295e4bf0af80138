package dayplan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
)

// Stored days are a projection of the care plans: a day is stored when it is
// first planned, and from then on a new prescription, an ended one, a moved
// window, an absence or an archived patient must still reach it. Reconcile
// brings every stored day from today on back in line with what the care
// plans call for, keeping what the nurses did to it (outcomes, pins, manual
// moves, a visit handed to a colleague). Past days are never touched.

// Reconciliation counts what Reconcile changed.
type Reconciliation struct {
	Days      int // stored days looked at (none when it was skipped: nothing written since the last one)
	Added     int // visits that appeared (new care, an absence that ended)
	Cancelled int // visits no longer due (care ended, patient away or archived)
	Updated   int // visits whose care changed (duration, items, flags)
}

// Changed reports whether anything was written.
func (r Reconciliation) Changed() bool { return r.Added+r.Cancelled+r.Updated > 0 }

// Reconcile brings every stored day from today on in line with the current
// care plans, patient absences, holidays, archiving and replacements, in one
// write: at start-up and after a sync. It is idempotent, and two laptops
// that reconcile the same stored day make the same visits (ids derive from
// what the visit is). New visits stay unordered until the day is opened
// (Open inserts them in a round), so reconciling many days stays cheap.
//
// A store that keeps stamps (the database) lets it skip the work when
// nothing was written since a reconciliation of the same day that found
// nothing to change: the stored days cannot have left the care plans since.
func Reconcile(ctx context.Context, st patients.Store, today patients.Date) (Reconciliation, error) {
	if sp, ok := st.(stamps); ok {
		return reconcileStamped(ctx, st, sp, today)
	}
	return reconcile(ctx, st, today, xid.NilID())
}

// ReconcilePatient is Reconcile for one patient, after her file or one of
// her care plans changed: only her visits are read and written.
func ReconcilePatient(ctx context.Context, st patients.Store, today patients.Date, patientID xid.ID) (Reconciliation, error) {
	return reconcile(ctx, st, today, patientID)
}

func reconcile(ctx context.Context, st patients.Store, today patients.Date, only xid.ID) (Reconciliation, error) {
	var rep Reconciliation
	nurses, err := st.Nurses(ctx)
	if err != nil {
		return rep, err
	}
	recs, err := replacementRecords(ctx, st)
	if err != nil {
		return rep, err
	}
	var (
		pts    []patients.Patient
		plans  []patients.CarePlan
		days   []patients.Date
		stored = map[patients.Date][]patients.Visit{}
	)
	if only.IsZero() {
		if days, err = st.VisitDays(ctx, today); err != nil || len(days) == 0 {
			return rep, err
		}
		if pts, err = st.Patients(ctx, patients.PatientFilter{IncludeArchived: true}); err != nil {
			return rep, err
		}
		for _, d := range days {
			if stored[d], err = st.Visits(ctx, d); err != nil {
				return rep, err
			}
		}
	} else {
		p, err := st.Patient(ctx, only)
		if err != nil {
			return rep, err
		}
		pts = []patients.Patient{p}
		// Her visits, newest first, down to today; days stored without her
		// visits are found through the day index.
		if days, err = st.VisitDays(ctx, today); err != nil || len(days) == 0 {
			return rep, err
		}
		vs, err := st.VisitsOfPatient(ctx, only, 0)
		if err != nil {
			return rep, err
		}
		for _, v := range vs {
			if v.Date.Before(today) {
				break
			}
			stored[v.Date] = append(stored[v.Date], v)
		}
	}
	if plans, err = st.CarePlans(ctx, only); err != nil {
		return rep, err
	}
	var writes []patients.Visit
	for _, d := range days {
		staff := patients.NursesOn(nurses, recs, d)
		built, err := buildVisits(d, pts, plans, staff)
		if err != nil {
			return rep, err
		}
		onDuty, _ := patients.OnDuty(staff, d)
		changes, r := ReconcileDay(stored[d], built, pts, onDuty)
		rep.Days++
		rep.Added += r.Added
		rep.Cancelled += r.Cancelled
		rep.Updated += r.Updated
		writes = append(writes, changes...)
	}
	if len(writes) == 0 {
		return rep, nil
	}
	if err := st.SaveVisits(ctx, writes); err != nil {
		return Reconciliation{Days: rep.Days}, err
	}
	return rep, nil
}

// buildVisits lists the visits the care plans call for on d, with their
// derived ids.
func buildVisits(d patients.Date, pts []patients.Patient, plans []patients.CarePlan, nurses []patients.Nurse) ([]patients.Visit, error) {
	built, err := planner.BuildDay(planner.DayInput{Date: d, Patients: pts, CarePlans: plans, Nurses: nurses}, xid.New)
	if err != nil {
		return nil, err
	}
	StableIDs(d, built.Visits)
	return built.Visits, nil
}

// ReconcileDay compares the visits stored for a day with those the care
// plans call for (built, with derived ids) and returns the visits to write:
//
//   - a built visit already stored keeps its nurse, order, pins and planned
//     time; only what comes from the prescription (care items, duration,
//     strictness, lab cut-off, pair) follows the plans. A cancelled one comes
//     back;
//   - a built visit not stored is new: when a stored visit of the same
//     patient and round shares a care plan with it (its window moved), it
//     takes that visit's nurse and place in the round; when that visit
//     already has an outcome (done, missed, postponed), the care was given
//     today and nothing is added;
//   - a stored visit still planned that the plans no longer call for is
//     cancelled, with the reason in French.
//
// Done, missed and postponed visits are never changed. A nurse who is not
// on duty that day (replaced) loses her planned visits to the built nurse.
// Visits stored under an id that is not derived (older databases) are
// matched by what they are: patient, round, window and care plans.
func ReconcileDay(stored, built []patients.Visit, pts []patients.Patient, onDuty []patients.Nurse) ([]patients.Visit, Reconciliation) {
	var rep Reconciliation
	byID := make(map[xid.ID]int, len(stored))
	byKey := map[string][]int{}
	for i, s := range stored {
		byID[s.ID] = i
		if !s.PostponedFrom.IsZero() {
			continue // care carried from another day is never one of the day's own
		}
		k := visitKey(s)
		byKey[k] = append(byKey[k], i)
	}
	duty := map[xid.ID]bool{}
	for _, n := range onDuty {
		duty[n.ID] = true
	}
	used := make([]bool, len(stored))
	var out []patients.Visit
	var added []patients.Visit
	for _, b := range built {
		i, ok := byID[b.ID]
		if ok && used[i] {
			ok = false
		}
		if !ok {
			// An older, non-derived id for the same visit.
			for _, j := range byKey[visitKey(b)] {
				if !used[j] {
					i, ok = j, true
					break
				}
			}
		}
		if ok {
			used[i] = true
			s := stored[i]
			if w, changed := follow(s, b, duty); changed {
				if s.Status == patients.Cancelled {
					rep.Added++
				} else {
					rep.Updated++
				}
				out = append(out, w)
			}
			continue
		}
		added = append(added, b)
	}
	// New visits: take over a stored visit of the same care whose window
	// moved, or add the visit.
	for _, b := range added {
		pred := -1
		for j, s := range stored {
			if used[j] || !s.PostponedFrom.IsZero() || s.PatientID != b.PatientID || s.Round != b.Round || !sharesPlan(s, b) {
				continue
			}
			if pred < 0 || s.ID.Compare(stored[pred].ID) < 0 {
				pred = j
			}
		}
		if pred >= 0 {
			s := stored[pred]
			if hasOutcome(s) {
				// The care was given (or refused) today under the old window.
				continue
			}
			used[pred] = true
			if s.Status == patients.Planned {
				if duty[s.NurseID] {
					b.NurseID = s.NurseID
				}
				if s.Pinned {
					// A visit the nurse placed by hand stays where she put it.
					b.Order, b.PlannedArrival, b.Pinned = s.Order, s.PlannedArrival, true
				}
				// The old visit gives way to the new one, which takes its place.
				s.Status, s.StatusNote, s.Order, s.Pinned, s.PinnedTime = patients.Cancelled, "plage horaire modifiée", 0, false, false
				out = append(out, s)
			}
		}
		rep.Added++
		out = append(out, b)
	}
	byPatient := make(map[xid.ID]*patients.Patient, len(pts))
	for i := range pts {
		byPatient[pts[i].ID] = &pts[i]
	}
	for j, s := range stored {
		if used[j] || s.Status != patients.Planned {
			continue
		}
		if !s.PostponedFrom.IsZero() {
			// Care carried from another day stays unless she is away.
			if p := byPatient[s.PatientID]; p != nil && !p.Archived {
				if _, away := p.AbsentOn(s.Date); !away {
					continue
				}
			}
		}
		s.Status, s.StatusNote = patients.Cancelled, cancelReason(s, byPatient[s.PatientID])
		s.Order, s.Pinned, s.PinnedTime = 0, false, false
		rep.Cancelled++
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b patients.Visit) int { return a.ID.Compare(b.ID) })
	return out, rep
}

// follow updates a stored visit from the built one; it reports whether
// anything changed.
func follow(s, b patients.Visit, duty map[xid.ID]bool) (patients.Visit, bool) {
	if hasOutcome(s) {
		return s, false
	}
	w := s
	if w.Status == patients.Cancelled {
		w.Status, w.StatusNote, w.Order, w.PlannedArrival = patients.Planned, "", 0, 0
		w.NurseID = b.NurseID
	}
	if !duty[w.NurseID] && !w.NurseID.IsZero() && w.NurseID != b.NurseID {
		// Her nurse is replaced that day: the visit goes to the stand-in.
		w.NurseID, w.Order, w.PlannedArrival, w.Pinned, w.PinnedTime = b.NurseID, 0, 0, false, false
	}
	w.Items, w.DurationMin, w.Strict, w.Last, w.LabBefore = b.Items, b.DurationMin, b.Strict, b.Last, b.LabBefore
	w.Window = b.Window
	w.PairID = b.PairID
	return w, !sameVisit(s, w)
}

func sameVisit(a, b patients.Visit) bool {
	return a.Status == b.Status && a.StatusNote == b.StatusNote && a.NurseID == b.NurseID && a.Order == b.Order &&
		a.PlannedArrival == b.PlannedArrival && a.Pinned == b.Pinned && a.PinnedTime == b.PinnedTime &&
		a.DurationMin == b.DurationMin && a.Strict == b.Strict && a.Last == b.Last && a.LabBefore == b.LabBefore &&
		a.Window == b.Window && a.PairID == b.PairID && a.LeftOut == b.LeftOut && slices.Equal(a.Items, b.Items)
}

func hasOutcome(v patients.Visit) bool {
	return v.Status == patients.Done || v.Status == patients.Missed || v.Status == patients.Postponed
}

// visitKey says what a visit is, whatever its id.
func visitKey(v patients.Visit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%d-%d", v.PatientID, v.Round, v.Window.Start, v.Window.End)
	for _, p := range planIDs(v) {
		b.WriteString("|" + p.String())
	}
	return b.String()
}

func planIDs(v patients.Visit) []xid.ID {
	ids := make([]xid.ID, 0, len(v.Items))
	for _, it := range v.Items {
		ids = append(ids, it.CarePlanID)
	}
	slices.SortFunc(ids, xid.ID.Compare)
	return ids
}

func sharesPlan(a, b patients.Visit) bool {
	for _, x := range a.Items {
		for _, y := range b.Items {
			if x.CarePlanID == y.CarePlanID {
				return true
			}
		}
	}
	return false
}

// cancelReason says in French why a visit is no longer due.
func cancelReason(v patients.Visit, p *patients.Patient) string {
	switch {
	case p == nil:
		return "patient inconnu"
	case p.Archived:
		return "dossier archivé"
	}
	if a, ok := p.AbsentOn(v.Date); ok {
		if r := strings.TrimSpace(a.Reason); r != "" {
			return "absente : " + r
		}
		return "absente"
	}
	return "soin arrêté ou modifié"
}

// merged is the day as it will be once changes are written.
func merged(stored, changes []patients.Visit) []patients.Visit {
	at := map[xid.ID]int{}
	out := slices.Clone(stored)
	for i, v := range out {
		at[v.ID] = i
	}
	for _, c := range changes {
		if i, ok := at[c.ID]; ok {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

// insertNew puts each new visit of a day already ordered into a round
// where it costs least, its usual nurse's first: CheckRound times every
// position, so a prescription added at 10h reaches tonight's round without
// reordering what the nurses already know. A position that breaks a window
// is never taken; a visit with no such position stays unordered, with the
// reason, for the round screen to show as left out. Visits of a day never
// ordered stay unordered too: the day is ordered whole when opened.
func insertNew(day *Day, changes []patients.Visit) []patients.Visit {
	if !Ordered(day.Visits) {
		return changes
	}
	out := slices.Clone(changes)
	for ci := range out {
		v := out[ci]
		if v.Status != patients.Planned || v.Order > 0 {
			continue
		}
		// Continuity: a colleague takes the visit only when her usual nurse
		// cannot.
		var best *insertion
		offers := day.offers(v)
		if i := slices.IndexFunc(offers, func(o insertion) bool { return o.nurse == v.NurseID }); i >= 0 {
			best = &offers[i]
		} else if len(offers) > 0 {
			best = &offers[0]
		}
		if best == nil {
			v.LeftOut = "aucune tournée ne peut la prendre sans manquer une fenêtre"
			out[ci] = v
			continue
		}
		for _, rv := range best.apply() {
			day.Visits = replaceVisit(day.Visits, rv)
			out = replaceVisit(out, rv)
		}
	}
	return out
}

// insertion is one way to add a visit to a nurse's round.
type insertion struct {
	nurse xid.ID
	visit xid.ID
	round []patients.Visit // her round with the visit, in order
	route planner.Route    // its timing
	cost  float64          // what the round costs more (minutes)
}

// apply renumbers and re-times the round: the visits to save.
func (in insertion) apply() []patients.Visit {
	var out []patients.Visit
	for k, rv := range in.round {
		was := rv
		rv.Order = k + 1
		if rv.Status == patients.Planned && k < len(in.route.Stops) {
			rv.PlannedArrival = patients.TimeOfDay(math.Round(in.route.Stops[k].Start))
		}
		if rv.ID == in.visit {
			rv.NurseID, rv.LeftOut, rv.Pinned = in.nurse, "", false
		}
		if rv.ID == in.visit || !sameVisit(was, rv) {
			out = append(out, rv)
		}
	}
	return out
}

// offers are the cheapest insertion of v in each on-duty nurse's round
// that breaks no window, cheapest first.
func (d *Day) offers(v patients.Visit) []insertion {
	onDuty, _ := patients.OnDuty(d.Nurses, d.Date)
	ctx := d.Context()
	opt := d.Options(planner.Options{})
	opt.Lab = nil
	var out []insertion
	for _, n := range onDuty {
		if _, works := n.ShiftFor(v.Round); !works {
			continue
		}
		cand := v
		cand.NurseID, cand.Pinned, cand.PinnedTime = n.ID, false, false
		round := roundWith(d.Visits, cand)
		base, err := planner.CheckRound(round, n.ID, v.Round, ctx, opt)
		if err != nil && len(round) > 0 {
			continue
		}
		broken := brokenCount(base)
		var best *insertion
		for k := firstFree(round); k <= len(round); k++ {
			trial := slices.Insert(slices.Clone(round), k, cand)
			r, err := planner.CheckRound(trial, n.ID, v.Round, ctx, opt)
			if err != nil || brokenCount(r) > broken || r.Stops[k].Broken {
				continue
			}
			c := roundCost(r) - roundCost(base)
			if best == nil || c < best.cost {
				best = &insertion{nurse: n.ID, visit: v.ID, round: trial, route: r, cost: c}
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	slices.SortStableFunc(out, func(a, b insertion) int { return cmpFloat(a.cost, b.cost) })
	return out
}

// firstFree is the first position a visit may be inserted at: after what
// is already done (and after any pinned visit placed before it).
func firstFree(round []patients.Visit) int {
	k := 0
	for i, v := range round {
		if v.Status != patients.Planned {
			k = i + 1
		}
	}
	return k
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Offer is a colleague who could take a visit, and when she would be there.
type Offer struct {
	NurseID xid.ID
	Arrival patients.TimeOfDay
	// ExtraMin is what her round grows by.
	ExtraMin int
}

// Offers lists the nurses on duty (other than the visit's own) who could add
// the visit to their round as it stands without breaking any window, best
// first: whom to give a visit left out, or one the delay makes late.
func (d *Day) Offers(v patients.Visit) []Offer {
	var out []Offer
	for _, in := range d.offers(v) {
		if in.nurse == v.NurseID {
			continue
		}
		k := slices.IndexFunc(in.round, func(x patients.Visit) bool { return x.ID == v.ID })
		out = append(out, Offer{NurseID: in.nurse, Arrival: patients.TimeOfDay(math.Round(in.route.Stops[k].Start)),
			ExtraMin: int(math.Round(in.cost))})
	}
	return out
}

// HandOver gives the visit to nurse: it joins her round where it costs
// least, her round is re-timed, and it leaves its former round. It returns
// every visit to save (one write), or an error in French terms when she
// cannot take it without breaking a window.
func (d *Day) HandOver(v patients.Visit, nurse xid.ID) ([]patients.Visit, error) {
	for _, in := range d.offers(v) {
		if in.nurse != nurse {
			continue
		}
		out := in.apply()
		if v.NurseID.IsZero() || v.NurseID == nurse || v.Order == 0 {
			return out, nil
		}
		// Her former round closes the gap and is re-timed.
		var rest []patients.Visit
		for _, x := range roundWith(d.Visits, v) {
			if x.ID != v.ID {
				rest = append(rest, x)
			}
		}
		opt := d.Options(planner.Options{})
		opt.Lab = nil
		r, err := planner.CheckRound(rest, v.NurseID, v.Round, d.Context(), opt)
		if err != nil && len(rest) > 0 {
			return out, nil
		}
		out = append(out, insertion{nurse: v.NurseID, round: rest, route: r}.apply()...)
		return out, nil
	}
	return nil, ErrCannotTake
}

// ErrCannotTake: the colleague's round cannot take the visit in time.
var ErrCannotTake = errors.New("cannot take the visit without breaking a window")

func brokenCount(r planner.Route) int {
	n := 0
	for _, s := range r.Stops {
		if s.Broken {
			n++
		}
	}
	return n
}

// roundWith is the ordered round the new visit joins, without it.
func roundWith(all []patients.Visit, v patients.Visit) []patients.Visit {
	var out []patients.Visit
	for _, x := range Round(all, v.NurseID, v.Round) {
		if x.ID != v.ID && x.Order > 0 && x.Status != patients.Cancelled && x.Status != patients.Missed && x.Status != patients.Postponed {
			out = append(out, x)
		}
	}
	return out
}

// roundCost ranks insertions: lateness first, then the length of the round.
func roundCost(r planner.Route) float64 {
	c := r.WorkMin()
	for _, s := range r.Stops {
		c += 60 * s.LateMin
	}
	return c
}

func replaceVisit(vs []patients.Visit, v patients.Visit) []patients.Visit {
	for i := range vs {
		if vs[i].ID == v.ID {
			vs[i] = v
			return vs
		}
	}
	return append(vs, v)
}
