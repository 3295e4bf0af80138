// Package dayplan loads one day of the cabinet from a patients.Store and
// plans it with the planner: the glue the CLI and the TUI share, so both
// order a day the same way. It holds no state between calls.
package dayplan

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
	"tournee/planner"
)

// HistoryDays of done visits feed learned durations and daily consistency.
const HistoryDays = 14

// Day is what planning or showing one day needs.
type Day struct {
	Date     patients.Date
	Cabinet  patients.Cabinet
	Nurses   []patients.Nurse
	Patients []patients.Patient
	// Visits are the stored visits of the day, or, when none is stored yet,
	// the visits built from the care plans (Built is then true and nothing
	// is saved until the day is planned).
	Visits   []patients.Visit
	Built    bool
	Warnings []planner.Warning
	// Cancelled are the stored visits no longer due (see Reconcile): kept
	// out of Visits so no round, count or map shows them.
	Cancelled []patients.Visit
	// OnDuty are the nurses who work that day (a replaced titulaire is
	// not among them, her remplaçant(e) is); StandIn maps a replaced nurse
	// to hers.
	OnDuty  []patients.Nurse
	StandIn map[xid.ID]xid.ID
	// Replacements says, in French, who is replaced that day, by whom and
	// until when (« … : en remplacement du … au … par … »); Notices what the
	// stored replacements could not do (an authorisation run out).
	Replacements []string
	Notices      []string
	// Now is the clock when the day is today: plans then start from now and
	// from what is done (see Options). Zero for any other use.
	Now time.Time
	// History holds the visits of the HistoryDays before Date.
	History []patients.Visit
	// Travel is the travel model Open was given (the imported roads, when
	// there are some): what Offers, HandOver and the insertion of new care
	// time the rounds with. Nil is the crow model.
	Travel planner.TravelModel
}

// Load reads the day d: cabinet, nurses, every patient, the day's visits
// (built from the care plans when none is stored) and the recent history.
func Load(ctx context.Context, st patients.Store, d patients.Date) (*Day, error) {
	day := &Day{Date: d}
	var err error
	if day.Cabinet, err = st.Cabinet(ctx); err != nil {
		return nil, err
	}
	if day.Nurses, err = st.Nurses(ctx); err != nil {
		return nil, err
	}
	recs, err := replacementRecords(ctx, st)
	if err != nil {
		return nil, err
	}
	day.Nurses = patients.NursesOn(day.Nurses, recs, d)
	day.Replacements, day.Notices = replacementNotices(day.Nurses, recs, d)
	startAtCabinet(day.Cabinet, day.Nurses)
	if day.Patients, err = st.Patients(ctx, patients.PatientFilter{IncludeArchived: true}); err != nil {
		return nil, err
	}
	day.OnDuty, day.StandIn = patients.OnDuty(day.Nurses, d)
	stored, err := st.Visits(ctx, d)
	if err != nil {
		return nil, err
	}
	for _, v := range stored {
		if v.Status == patients.Cancelled {
			day.Cancelled = append(day.Cancelled, v)
		} else {
			day.Visits = append(day.Visits, v)
		}
	}
	// A day whose only stored visits were carried to it from the day before
	// (Postpone) was never planned: its own visits are built.
	own := slices.ContainsFunc(stored, func(v patients.Visit) bool { return v.PostponedFrom.IsZero() })
	if !own {
		carried := day.Visits
		plans, err := st.CarePlans(ctx, xid.NilID())
		if err != nil {
			return nil, err
		}
		// BuildDay skips archived patients itself.
		built, err := planner.BuildDay(planner.DayInput{Date: d, Patients: day.Patients, CarePlans: plans, Nurses: day.Nurses}, xid.New)
		if err != nil {
			return nil, err
		}
		day.Visits, day.Warnings, day.Built = built.Visits, built.Warnings, true
		StableIDs(d, day.Visits)
		day.Visits = append(day.Visits, carried...)
	}
	// Who is replaced, and a replacement that cannot be worked, head the
	// day's warnings: every plan shows them.
	for _, m := range append(slices.Clone(day.Replacements), day.Notices...) {
		day.Warnings = append(day.Warnings, planner.Warning{Msg: m})
	}
	for k := 1; k <= HistoryDays; k++ {
		past, err := st.Visits(ctx, d.AddDays(-k))
		if err != nil {
			return nil, err
		}
		day.History = append(day.History, past...)
	}
	return day, nil
}

// LoadAt is Load for the interface and the commands that act on the day as
// it is lived: when d is the day of now, plans start from now (Day.Now).
func LoadAt(ctx context.Context, st patients.Store, d patients.Date, now time.Time) (*Day, error) {
	day, err := Load(ctx, st, d)
	if err != nil {
		return nil, err
	}
	if patients.DateOf(now) == d {
		day.Now = now
	}
	return day, nil
}

// Today reports whether the day is being lived (LoadAt on its own date).
func (d *Day) Today() bool { return !d.Now.IsZero() }

// Context is the planner's view of the day.
func (d *Day) Context() planner.Context {
	return planner.Context{Date: d.Date, Patients: d.Patients, Nurses: d.Nurses}
}

// Options completes opt with the cabinet's lab and the day's history.
func (d *Day) Options(opt planner.Options) planner.Options {
	if lab, ok := d.Cabinet.LabPlace(); ok {
		opt.Lab = &lab
	}
	opt.History = d.History
	if opt.Travel == nil {
		opt.Travel = d.Travel
	}
	if !d.Now.IsZero() && opt.Now == 0 {
		// Today: plan from now and from what is done, never in the past.
		opt.Now = float64(patients.TimeOfDayOf(d.Now))
	}
	return opt
}

// Plan orders the day's visits: every nurse's, or only those of nurse only
// when it is not zero. It returns the plan and the visits it planned, with
// nurse, order and ETA written back; the Day itself is not changed.
func (d *Day) Plan(only xid.ID, opt planner.Options) (planner.Plan, []patients.Visit, error) {
	staff := d.Nurses
	if d.OnDuty != nil {
		staff = d.OnDuty // a replaced titulaire abstains (CSP R.4312-84)
	}
	nurses := staff
	if !only.IsZero() {
		nurses = nil
		for _, n := range staff {
			if n.ID == only {
				nurses = append(nurses, n)
			}
		}
		if len(nurses) == 0 {
			return planner.Plan{}, nil, fmt.Errorf("nurse %s: %w", only, patients.ErrNotFound)
		}
	}
	var todo []patients.Visit
	for _, v := range d.Visits {
		if only.IsZero() || v.NurseID == only {
			todo = append(todo, v)
		}
	}
	for _, n := range nurses {
		if !hasPoint(n.Start) && slices.ContainsFunc(todo, func(v patients.Visit) bool { return v.NurseID == n.ID || v.NurseID.IsZero() }) {
			return planner.Plan{}, nil, &NoStartError{Nurse: n}
		}
	}
	ctx := d.Context()
	ctx.Nurses = nurses
	plan, err := planner.PlanDay(todo, ctx, d.Options(opt))
	if err != nil {
		return planner.Plan{}, nil, err
	}
	return plan, Apply(plan, todo), nil
}

// Apply writes a plan back onto copies of the visits: nurse, position in
// the round (from 1) and planned start. Visits the plan left out lose their
// order; visits it does not mention (done, missed) are returned unchanged.
func Apply(plan planner.Plan, visits []patients.Visit) []patients.Visit {
	out := slices.Clone(visits)
	at := make(map[xid.ID]int, len(out))
	for i, v := range out {
		at[v.ID] = i
	}
	for _, u := range plan.Unplanned {
		if i, ok := at[u.VisitID]; ok {
			out[i].Order, out[i].PlannedArrival, out[i].LeftOut = 0, 0, u.Reason
		}
	}
	for _, r := range plan.Routes {
		k := 0
		for _, s := range r.Stops {
			i, ok := at[s.VisitID]
			if !ok {
				continue
			}
			k++
			out[i].NurseID, out[i].Order, out[i].LeftOut = r.NurseID, k, ""
			if out[i].Status == patients.Planned {
				out[i].PlannedArrival = patients.TimeOfDay(math.Round(s.Start))
			}
		}
	}
	return out
}

// Round returns the visits of one nurse's round in the order she does them:
// ordered visits by Order, then those never ordered by window.
func Round(visits []patients.Visit, nurse xid.ID, r patients.Round) []patients.Visit {
	var out []patients.Visit
	for _, v := range visits {
		if v.NurseID == nurse && v.Round == r {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b patients.Visit) int {
		switch {
		case a.Order > 0 && b.Order > 0:
			return a.Order - b.Order
		case a.Order > 0:
			return -1
		case b.Order > 0:
			return 1
		}
		return int(a.Window.Start) - int(b.Window.Start)
	})
	return out
}

// Ordered reports whether any visit of the day has been ordered yet.
func Ordered(visits []patients.Visit) bool {
	return slices.ContainsFunc(visits, func(v patients.Visit) bool { return v.Order > 0 })
}

// StableIDs gives each visit built from the care plans an id that depends
// only on what it is — day, patient, round, window, care plans — so that two
// laptops of the cabinet that build the same day make the same visits, which
// the sync then merges instead of doubling. The first four bytes are the
// day's time, as in any xid, so ids still sort by day.
//
// The two visits of a « visite à deux » are told apart by their order and
// keep naming each other (PairID).
func StableIDs(d patients.Date, vs []patients.Visit) {
	seen := make(map[xid.ID]int, len(vs))
	renamed := make(map[xid.ID]xid.ID, len(vs))
	day := uint32(d.At(patients.Clock(6, 0)).Unix())
	for i := range vs {
		v := &vs[i]
		h := sha256.New()
		fmt.Fprintf(h, "%s|%s|%s|%d-%d", d, v.PatientID, v.Round, v.Window.Start, v.Window.End)
		plans := make([]string, 0, len(v.Items))
		for _, it := range v.Items {
			plans = append(plans, it.CarePlanID.String())
		}
		slices.Sort(plans)
		for _, p := range plans {
			fmt.Fprintf(h, "|%s", p)
		}
		sum := h.Sum(nil)
		var raw [12]byte
		binary.BigEndian.PutUint32(raw[:4], day)
		copy(raw[4:], sum[:8])
		id, _ := xid.FromBytes(raw[:])
		// Two identical visits of one patient (never built today, but cheap
		// to rule out) get distinct ids in a stable order.
		if n := seen[id]; n > 0 {
			raw[11] ^= byte(n)
			id, _ = xid.FromBytes(raw[:])
		}
		seen[id]++
		renamed[v.ID] = id
		v.ID = id
	}
	for i := range vs {
		if p, ok := renamed[vs[i].PairID]; ok && !vs[i].PairID.IsZero() {
			vs[i].PairID = p
		}
	}
}

// startAtCabinet has a nurse without a start of her own leave from the
// cabinet, and come back where she left, as most do: a nurse set up with
// « tournee init » has no start until she gives one.
func startAtCabinet(c patients.Cabinet, nurses []patients.Nurse) {
	if !c.Address.HasCoordinates() {
		return
	}
	for i := range nurses {
		n := &nurses[i]
		if !hasPoint(n.Start) {
			n.Start = patients.Place{Label: c.Name, Point: c.Address.Point}
		}
		if !hasPoint(n.End) {
			n.End = n.Start
		}
	}
}

func hasPoint(p patients.Place) bool { return p.Point[0] != 0 || p.Point[1] != 0 }

// NoStartError: a nurse to plan has no starting point and the cabinet no
// coordinates to start from.
type NoStartError struct{ Nurse patients.Nurse }

func (e *NoStartError) Error() string {
	return fmt.Sprintf("nurse %s has no start coordinates", e.Nurse.ID)
}

// French says what to do.
func (e *NoStartError) French() string {
	return fmt.Sprintf("La tournée %s ne peut pas être calculée : ni son point de départ ni l'adresse du cabinet n'ont de coordonnées. Renseignez l'adresse du cabinet.", french.De(e.Nurse.FullName()))
}

// Open loads day d as it is lived at now and makes sure what is shown is a
// round someone chose: a day from today on that was never ordered is
// ordered for the cabinet and stored; visits that reconciliation added to a
// day already ordered are inserted where they cost least (the rest keeps
// the order the nurses know) and stored. Past days are shown as stored.
// Ordered reports whether Open wrote a plan.
func Open(ctx context.Context, st patients.Store, d patients.Date, now time.Time, opt planner.Options) (day *Day, ordered bool, err error) {
	day, err = LoadAt(ctx, st, d, now)
	if err != nil {
		return nil, false, err
	}
	day.Travel = opt.Travel
	if d.Before(patients.DateOf(now)) || len(day.Visits) == 0 {
		return day, false, nil
	}
	if !Ordered(day.Visits) {
		_, visits, err := day.Plan(xid.NilID(), opt)
		if err != nil {
			return nil, false, err
		}
		if err := st.SaveVisits(ctx, visits); err != nil {
			return nil, false, err
		}
		day.Visits, day.Built = visits, false
		return day, true, nil
	}
	var fresh []patients.Visit
	for _, v := range day.Visits {
		if v.Status == patients.Planned && v.Order == 0 {
			fresh = append(fresh, v)
		}
	}
	if len(fresh) == 0 {
		return day, false, nil
	}
	was := make(map[xid.ID]patients.Visit, len(day.Visits))
	for _, v := range day.Visits {
		was[v.ID] = v
	}
	var writes []patients.Visit
	placed := false
	for _, v := range insertNew(day, fresh) {
		if !sameVisit(was[v.ID], v) {
			writes = append(writes, v)
			day.Visits = replaceVisit(day.Visits, v)
			placed = placed || v.Order > 0
		}
	}
	if len(writes) == 0 {
		return day, false, nil
	}
	if err := st.SaveVisits(ctx, writes); err != nil {
		return nil, false, err
	}
	return day, placed, nil
}
