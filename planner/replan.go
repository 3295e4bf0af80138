package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

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
	// Where she stands and when she can leave.
	pos := -1
	if !sit.At.IsZero() {
		pos = slices.IndexFunc(cur.Stops, func(s Stop) bool { return s.VisitID == sit.At })
		if pos < 0 {
			return out, fmt.Errorf("visit %s is not in this round: %w", sit.At, patients.ErrNotFound)
		}
	}
	var rest []patients.Visit
	for _, s := range cur.Stops[pos+1:] {
		v, ok := byID[s.VisitID]
		if !ok || s.VisitID.IsZero() || v.Status != patients.Planned || slices.Contains(sit.Drop, v.ID) {
			continue
		}
		v.NurseID = sit.NurseID
		v.Pinned, v.Order = false, 0 // a re-plan may move anything that is left
		rest = append(rest, v)
	}
	nurse, ok := findNurse(ctx.Nurses, sit.NurseID)
	if !ok {
		return out, fmt.Errorf("nurse %s: %w", sit.NurseID, patients.ErrNotFound)
	}
	// She starts from the visit she is at, once it is over, plus the delay.
	h, _ := nurse.ShiftFor(sit.Round)
	leave := float64(h.Start) + sit.DelayMin
	if pos >= 0 {
		here := cur.Stops[pos]
		p := ctx.patientByID(here.PatientID)
		if p == nil {
			return out, fmt.Errorf("patient %s: %w", here.PatientID, patients.ErrNotFound)
		}
		nurse.Start = patients.Place{Label: p.DisplayName(), Point: p.Address.Point}
		leave = here.Start + float64(here.DurationMin) + sit.DelayMin
	}
	// Tubes already drawn and not yet at the lab must still get there.
	for k, s := range cur.Stops {
		if s.Lab && k > pos && slices.ContainsFunc(cur.Stops[:pos+1], func(d Stop) bool { return byID[d.VisitID].LabBefore > 0 }) {
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
			out.Risks[i].Proposal = propose(plan, byID[out.Risks[i].VisitID], sit, ctx, opt, leave)
		}
		return out, nil
	}
	nurse.Shifts = []patients.Shift{{Round: sit.Round, Hours: patients.Window{Start: patients.TimeOfDay(math.Ceil(leave)), End: h.End}}}
	if opt.Iterations == 0 && opt.TimeLimit > 15*time.Millisecond {
		opt.TimeLimit = 15 * time.Millisecond // a re-plan answers on the doorstep
	}
	newPlan, err := PlanDay(rest, Context{Date: plan.Date, Patients: ctx.Patients, Nurses: []patients.Nurse{nurse}}, opt)
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
		out.Risks[i].Proposal = propose(plan, byID[out.Risks[i].VisitID], sit, ctx, opt, leave)
	}
	return out, nil
}

// stopStart is when the route's stop for visit id starts.
func (r Route) stopStart(id xid.ID) float64 {
	for _, s := range r.Stops {
		if s.VisitID == id {
			return s.Start
		}
	}
	return math.Inf(1)
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

// propose tries the visit in every colleague's current round of the same
// time of day and keeps the cheapest insertion that keeps every window.
// Only the part of her round still ahead at now is considered.
func propose(plan Plan, v patients.Visit, sit Situation, ctx Context, opt Options, now float64) *Proposal {
	var best *Proposal
	bestCost := math.Inf(1)
	byPatient := ctx.patientIndex()
	for _, r := range plan.Routes {
		if r.Round != sit.Round || r.NurseID == sit.NurseID {
			continue
		}
		nurse, ok := findNurse(ctx.Nurses, r.NurseID)
		if !ok {
			continue
		}
		// Her round as it stands, plus the visit.
		var vs []patients.Visit
		for _, s := range r.Stops {
			if s.VisitID.IsZero() {
				continue
			}
			vs = append(vs, patients.Visit{ID: s.VisitID, PatientID: s.PatientID, Round: r.Round, Window: s.Window,
				Strict: s.Strict, DurationMin: s.DurationMin, NurseID: r.NurseID, Status: patients.Planned})
		}
		cand := v
		cand.NurseID = r.NurseID
		all := append(vs, cand)
		o := opt
		o.Lab = nil // a colleague does not carry this round's tubes
		rp, err := buildRound(all, []patients.Nurse{nurse}, r.Round, byPatient, o)
		if err != nil {
			continue
		}
		routes := [][]int{}
		order := make([]int, len(vs))
		for i := range vs {
			order[i] = i
		}
		routes = append(routes, order)
		j := len(vs)
		// Her stops already started by now stay before the newcomer.
		from := 0
		for from < len(vs) && r.stopStart(vs[from].ID) < now {
			from++
		}
		for k := from; k <= len(order); k++ {
			d, ok := solver.InsertionDelta(rp.p, routes, 0, j, k)
			if !ok || d >= bestCost {
				continue
			}
			trial := [][]int{slices.Insert(slices.Clone(order), k, j)}
			s := solver.Schedule(rp.p, 0, trial[0])
			if s.Lateness[k] > 0 || s.Start[k] < now {
				continue // no point moving it to be late elsewhere, or into the past
			}
			bestCost = d
			best = &Proposal{NurseID: r.NurseID, Arrival: s.Start[k]}
		}
	}
	return best
}
