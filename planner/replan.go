package planner

import (
	"fmt"
	"math"
	"slices"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
	"tournee/planner/solver"
)

// Situation is what the nurse reports on the road: where she is (the visit
// she is at, or nothing for her start) and how late she runs.
type Situation struct {
	NurseID xid.ID
	Round   patients.Round
	// At is the visit she is at; zero means she has not left yet.
	At xid.ID
	// DelayMin pushes her next departure back: « j'ai 20 min de retard ».
	DelayMin float64
	// Drop lists visits that no longer happen (absent, hospitalised).
	Drop []xid.ID
}

// Proposal suggests giving an at-risk visit to a colleague.
type Proposal struct {
	NurseID xid.ID
	Arrival float64 // minutes after midnight in her round
}

// Risk is a visit the new order cannot keep on time.
type Risk struct {
	VisitID   xid.ID
	PatientID xid.ID
	Strict    bool
	LateMin   float64 // 0 when left out entirely
	LeftOut   bool
	Reason    string
	Proposal  *Proposal // nil when no colleague can take it
}

// Replanned is the rest of a round after a delay.
type Replanned struct {
	Route Route
	Risks []Risk
}

// Replan re-orders the rest of one nurse's round from where she is, lists
// the visits whose window is now at risk, and for each proposes the
// colleague who could take it at the least cost. visits are the day's
// visits; plan is the current plan of the day (the colleagues' rounds).
func Replan(plan Plan, visits []patients.Visit, ctx Context, sit Situation, opt Options) (Replanned, error) {
	opt = opt.withDefaults()
	var out Replanned
	ri := slices.IndexFunc(plan.Routes, func(r Route) bool { return r.NurseID == sit.NurseID && r.Round == sit.Round })
	if ri < 0 {
		return out, fmt.Errorf("no %s round planned for nurse %s: %w", sit.Round, sit.NurseID, patients.ErrNotFound)
	}
	cur := plan.Routes[ri]
	byID := map[xid.ID]patients.Visit{}
	for _, v := range visits {
		byID[v.ID] = v
	}
	nurse, ok := findNurse(ctx.Nurses, sit.NurseID)
	if !ok {
		return out, fmt.Errorf("nurse %s: %w", sit.NurseID, patients.ErrNotFound)
	}
	// Where she stands and when she can leave. With a clock, the last visit
	// behind her tells both when she does not say.
	at := sit.At
	if at.IsZero() && opt.Now > 0 {
		if past := pastOf(visits, sit.NurseID, sit.Round); len(past) > 0 {
			at = past[len(past)-1].ID
		}
	}
	pos := -1
	if !at.IsZero() {
		pos = slices.IndexFunc(cur.Stops, func(s Stop) bool { return s.VisitID == at })
		if _, known := byID[at]; pos < 0 && (opt.Now == 0 || !known) {
			return out, fmt.Errorf("visit %s is not in this round: %w", at, patients.ErrNotFound)
		}
	}
	var rest []patients.Visit
	ahead := cur.Stops[pos+1:]
	if opt.Now > 0 {
		ahead = cur.Stops // statuses tell what is behind her, wherever it was
	}
	for _, s := range ahead {
		v, ok := byID[s.VisitID]
		if !ok || s.VisitID.IsZero() || s.VisitID == at || v.Status != patients.Planned || slices.Contains(sit.Drop, v.ID) {
			continue
		}
		v.NurseID = sit.NurseID
		v.Pinned, v.Order = false, 0 // a re-plan may move anything that is left
		if !v.PairID.IsZero() && s.Start > 0 {
			// A visite à deux: the colleague comes at the time agreed, so
			// the visit keeps it (or is at risk).
			v.PinnedTime, v.PlannedArrival = true, patients.TimeOfDay(math.Round(s.Start))
		}
		rest = append(rest, v)
	}
	// She starts from the visit she is at, once it is over, plus the delay.
	h, _ := nurse.ShiftFor(sit.Round)
	leave := float64(h.Start)
	if opt.Now > 0 {
		leave = math.Max(leave, opt.Now)
	}
	if !at.IsZero() {
		here := byID[at]
		p := ctx.patientByID(here.PatientID)
		if p == nil {
			return out, fmt.Errorf("patient %s: %w", here.PatientID, patients.ErrNotFound)
		}
		nurse.Start = patients.Place{Label: p.DisplayName(), Point: p.Address.Point}
		switch {
		case opt.Now > 0 && behind(here):
			leave = math.Max(opt.Now, endOf(here))
		case pos >= 0:
			leave = math.Max(opt.Now, cur.Stops[pos].Start+float64(cur.Stops[pos].DurationMin))
		}
	}
	leave += sit.DelayMin
	// The clock for the colleagues' rounds: now when known, else when she
	// leaves (what is behind her is behind them too).
	clock := leave
	if opt.Now > 0 {
		clock = opt.Now
	}
	// Tubes already drawn and not yet at the lab must still get there.
	for k, s := range cur.Stops {
		if s.Lab && k > pos && pos >= 0 && slices.ContainsFunc(cur.Stops[:pos+1], func(d Stop) bool { return byID[d.VisitID].LabBefore > 0 }) {
			opt.carrying = float64(s.Window.End)
		}
	}
	if !hasDraw(rest) && opt.carrying == 0 {
		opt.Lab = nil
	}
	if leave >= float64(h.End) {
		// Past the end of her shift: nothing left can be done by her.
		for _, v := range rest {
			out.Risks = append(out.Risks, Risk{VisitID: v.ID, PatientID: v.PatientID, Strict: v.Strict, LeftOut: true,
				Reason: fmt.Sprintf("la tournée dépasse la fin de service (%s)", french.Clock(h.End))})
		}
		out.Route = Route{NurseID: sit.NurseID, Round: sit.Round}
		for i := range out.Risks {
			out.Risks[i].Proposal = propose(plan, byID[out.Risks[i].VisitID], sit, ctx, opt, clock)
		}
		return out, nil
	}
	nurse.Shifts = []patients.Shift{{Round: sit.Round, Hours: patients.Window{Start: patients.TimeOfDay(math.Ceil(leave)), End: h.End}}}
	if opt.Iterations == 0 && opt.TimeLimit > replanTimeLimit {
		opt.TimeLimit = replanTimeLimit // a re-plan answers on the doorstep
	}
	inner := opt
	inner.Now = 0 // her start and shift already say where and when she goes on
	newPlan, err := PlanDay(rest, Context{Date: plan.Date, Patients: ctx.Patients, Nurses: []patients.Nurse{nurse}}, inner)
	if err != nil {
		return out, err
	}
	for _, r := range newPlan.Routes {
		if r.Round == sit.Round {
			out.Route = r
		}
	}
	for _, s := range out.Route.Stops {
		if s.VisitID.IsZero() || s.LateMin <= 0 {
			continue
		}
		out.Risks = append(out.Risks, Risk{VisitID: s.VisitID, PatientID: s.PatientID, Strict: s.Strict, LateMin: s.LateMin,
			Reason: fmt.Sprintf("retard prévu de %.0f min", s.LateMin)})
	}
	for _, u := range newPlan.Unplanned {
		out.Risks = append(out.Risks, Risk{VisitID: u.VisitID, PatientID: u.PatientID, Strict: byID[u.VisitID].Strict, LeftOut: true, Reason: u.Reason})
	}
	// For each risk, the colleague whose round takes it best.
	for i := range out.Risks {
		out.Risks[i].Proposal = propose(plan, byID[out.Risks[i].VisitID], sit, ctx, opt, clock)
	}
	return out, nil
}

func hasDraw(vs []patients.Visit) bool {
	return slices.ContainsFunc(vs, func(v patients.Visit) bool { return v.LabBefore > 0 })
}

func findNurse(ns []patients.Nurse, id xid.ID) (patients.Nurse, bool) {
	for _, n := range ns {
		if n.ID == id {
			return n, true
		}
	}
	return patients.Nurse{}, false
}

// patientIndex maps patient ids to the context's patients.
func (c Context) patientIndex() map[xid.ID]*patients.Patient {
	m := make(map[xid.ID]*patients.Patient, len(c.Patients))
	for i := range c.Patients {
		m[c.Patients[i].ID] = &c.Patients[i]
	}
	return m
}

func (c Context) patientByID(id xid.ID) *patients.Patient {
	for i := range c.Patients {
		if c.Patients[i].ID == id {
			return &c.Patients[i]
		}
	}
	return nil
}

// propose tries the visit in every colleague's round of the same time of
// day and keeps the cheapest insertion that keeps every window, the
// visit's own without any lateness. A colleague's round is taken as it
// stands at now: the stops behind her (done, or started before now) stay
// behind, she goes on from the last of them, and the newcomer can only go
// among the stops still ahead, never before now nor after her shift. The
// ETA proposed is when the visit would start, always inside its window.
func propose(plan Plan, v patients.Visit, sit Situation, ctx Context, opt Options, now float64) *Proposal {
	var best *Proposal
	bestCost := math.Inf(1)
	byPatient := ctx.patientIndex()
	if _, ok := byPatient[v.PatientID]; !ok {
		return nil
	}
	for _, r := range plan.Routes {
		if r.Round != sit.Round || r.NurseID == sit.NurseID {
			continue
		}
		nurse, ok := findNurse(ctx.Nurses, r.NurseID)
		if !ok {
			continue
		}
		h, ok := nurse.ShiftFor(r.Round)
		if !ok {
			continue
		}
		open := math.Max(float64(h.Start), now)
		var vs []patients.Visit
		for _, s := range r.Stops {
			if s.VisitID.IsZero() || s.VisitID == v.ID {
				continue // her lab stop and breaks move with her round
			}
			if s.Done || s.Start < now {
				if p, ok := byPatient[s.PatientID]; ok {
					nurse.Start = patients.Place{Label: p.DisplayName(), Point: p.Address.Point}
				}
				open = math.Max(open, s.Start+float64(s.DurationMin))
				vs = vs[:0] // a stop ahead of one behind her was skipped
				continue
			}
			vs = append(vs, patients.Visit{ID: s.VisitID, PatientID: s.PatientID, Round: r.Round, Window: s.Window,
				Strict: s.Strict, DurationMin: s.DurationMin, NurseID: r.NurseID, Status: patients.Planned})
		}
		start := patients.TimeOfDay(math.Ceil(open))
		if start >= h.End {
			continue // her round is over
		}
		nurse.Shifts = []patients.Shift{{Round: r.Round, Hours: patients.Window{Start: start, End: h.End}}}
		cand := v
		cand.NurseID, cand.Pinned, cand.Order = r.NurseID, false, 0
		all := append(slices.Clone(vs), cand)
		o := opt
		o.Lab, o.Breaks, o.History, o.resume, o.Now = nil, nil, nil, nil, 0 // her own tubes and pauses are hers
		rp, err := buildRound(all, []patients.Nurse{nurse}, r.Round, byPatient, o)
		if err != nil {
			continue
		}
		order := make([]int, len(vs))
		for i := range vs {
			order[i] = i
		}
		routes := [][]int{order}
		j := len(vs)
		job := rp.p.Jobs[j]
		for k := 0; k <= len(order); k++ {
			d, ok := solver.InsertionDelta(rp.p, routes, 0, j, k)
			if !ok || d >= bestCost {
				continue
			}
			trial := slices.Insert(slices.Clone(order), k, j)
			s := solver.Schedule(rp.p, 0, trial)
			if st := s.Start[k]; st > job.Due+1e-9 || st < job.Ready-1e-9 || st < now-1e-9 {
				continue // no point moving it to be late elsewhere, or into the past
			}
			bestCost = d
			best = &Proposal{NurseID: r.NurseID, Arrival: s.Start[k]}
		}
	}
	return best
}
