package dayplan

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
)

// Delay is what the nurse reports on the road: her round, how late she
// runs, and the visits that no longer happen (absent, hospitalised).
type Delay struct {
	NurseID  xid.ID
	Round    patients.Round
	DelayMin float64
	Drop     []xid.ID
}

// Replanned is a re-plan of the rest of her round: the planner's answer
// (new order, visits at risk with the colleague who could take them) and
// the visits to save for it.
type Replanned struct {
	planner.Replanned
	// Visits are her visits still to do in their new order and times;
	// those the re-plan leaves out are off her round (Order 0) with the
	// reason, never kept at an hour they cannot be done.
	Visits []patients.Visit
	// ReadyAt is when she can go on, minutes after midnight.
	ReadyAt float64
}

// Replan re-orders the rest of one nurse's round of the day from where she
// is — her last visit done in that round, at now — with the delay: the
// interface's « retard de N min » and « tournee replan » share it. The
// colleagues' rounds are timed as they stand (CheckRound, from now) so
// that a visit at risk is proposed to one who can really take it.
func (d *Day) Replan(dl Delay, now time.Time, opt planner.Options) (Replanned, error) {
	o := d.Options(opt)
	if d.Date == patients.DateOf(now) {
		o.Now = float64(patients.TimeOfDayOf(now))
	}
	current := d.CurrentPlan(dl.Round, dl.NurseID, o)
	i := slices.IndexFunc(current.Routes, func(r planner.Route) bool { return r.NurseID == dl.NurseID && r.Round == dl.Round })
	if i < 0 {
		return Replanned{}, fmt.Errorf("no %s round for nurse %s: %w", dl.Round, dl.NurseID, patients.ErrNotFound)
	}
	// Where she is: her last visit done on this round's route.
	var at xid.ID
	for _, s := range current.Routes[i].Stops {
		if s.Done {
			at = s.VisitID
		}
	}
	res, err := planner.Replan(current, d.Visits, d.Context(), planner.Situation{
		NurseID: dl.NurseID, Round: dl.Round, At: at, DelayMin: dl.DelayMin, Drop: dl.Drop,
	}, o)
	if err != nil {
		return Replanned{}, err
	}
	return Replanned{Replanned: res, Visits: RestOrder(d.Visits, res, dl.NurseID, dl.Round, at),
		ReadyAt: float64(patients.TimeOfDayOf(now)) + dl.DelayMin}, nil
}

// CurrentPlan is the day's round as ordered now for every nurse on duty
// (and for me, even with nothing ordered yet), timed by CheckRound.
func (d *Day) CurrentPlan(r patients.Round, me xid.ID, opt planner.Options) planner.Plan {
	p := planner.Plan{Date: d.Date}
	staff := d.OnDuty
	if staff == nil {
		staff = d.Nurses
	}
	ctx := d.Context()
	for _, n := range staff {
		var order []patients.Visit
		for _, v := range Round(d.Visits, n.ID, r) {
			if v.Order > 0 && v.Status != patients.Missed && v.Status != patients.Postponed {
				order = append(order, v)
			}
		}
		if len(order) == 0 && n.ID != me {
			continue
		}
		rt, err := planner.CheckRound(order, n.ID, r, ctx, opt)
		if err != nil {
			continue
		}
		p.Routes = append(p.Routes, rt)
	}
	return p
}

// RestOrder writes a re-plan onto the visits still to do: they follow the
// visit she is at, in the new order, with their new ETA; the visits the
// re-plan leaves out are taken off her round with the reason.
func RestOrder(all []patients.Visit, res planner.Replanned, nurseID xid.ID, round patients.Round, at xid.ID) []patients.Visit {
	byID := map[xid.ID]patients.Visit{}
	for _, v := range Round(all, nurseID, round) {
		byID[v.ID] = v
	}
	k := byID[at].Order
	var out []patients.Visit
	for _, st := range res.Route.Stops {
		v, ok := byID[st.VisitID]
		if !ok || v.Status != patients.Planned {
			continue
		}
		k++
		v.Order, v.PlannedArrival, v.LeftOut = k, patients.TimeOfDay(math.Round(st.Start)), ""
		out = append(out, v)
		delete(byID, v.ID)
	}
	for _, r := range res.Risks {
		if v, ok := byID[r.VisitID]; ok && r.LeftOut && v.Status == patients.Planned {
			v.Order, v.PlannedArrival, v.LeftOut = 0, 0, r.Reason
			out = append(out, v)
			delete(byID, v.ID)
		}
	}
	return out
}
