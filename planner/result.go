package planner

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
	"tournee/planner/solver"
)

// routes turns a solution into the nurses' rounds with times and distances.
func (rp *roundProblem) routes(sol solver.Solution) []Route {
	p := rp.p
	out := make([]Route, 0, len(sol.Routes))
	for v, jobs := range sol.Routes {
		nu := rp.nurses[v]
		r := Route{NurseID: nu.ID, Round: rp.round}
		past := rp.pastStops(v)
		if len(jobs) == 0 {
			out = append(out, rp.withPast(r, v, past))
			continue
		}
		sch := solver.Schedule(p, v, jobs)
		veh := p.Vehicles[v]
		prev := veh.Start
		for k, j := range jobs {
			job := p.Jobs[j]
			st := Stop{Window: patients.Window{Start: patients.TimeOfDay(job.Ready), End: patients.TimeOfDay(job.Due)},
				Strict: !job.Soft, Arrival: sch.Arrival[k], Start: sch.Start[k], DurationMin: int(math.Round(job.Service)),
				LateMin: sch.Lateness[k]}
			if job.Loc >= 0 {
				st.DriveMin, st.Meters = rp.matrix.Minutes(prev, job.Loc), rp.matrix.Meters(prev, job.Loc)
				prev = job.Loc
			}
			switch rp.kinds[j] {
			case jobVisit:
				vis := rp.visits[j]
				st.VisitID, st.PatientID, st.Window = vis.ID, vis.PatientID, vis.Window
				if _, ok := rp.opt.syncAt[vis.ID]; ok {
					// A visit à deux is held to its minute, not its window.
					st.Strict, st.LateMin = vis.Strict, math.Max(0, st.Start-float64(vis.Window.End))
				}
			case jobLab:
				st.Lab = true
			case jobBreak:
				st.Break = true
			}
			r.DriveMin += st.DriveMin
			r.Meters += st.Meters
			r.LateMin += st.LateMin
			r.Stops = append(r.Stops, st)
		}
		// A lab stop with no blood drawn before it carries nothing: the
		// solver placed it where it costs nothing, the nurse need not see it.
		drawn := rp.opt.carrying > 0 // tubes drawn before a re-plan
		r.Stops = slices.DeleteFunc(r.Stops, func(s Stop) bool {
			if !s.VisitID.IsZero() && rp.visitByID(s.VisitID).LabBefore > 0 {
				drawn = true
			}
			return s.Lab && !drawn
		})
		r.DriveMin += rp.matrix.Minutes(prev, veh.End)
		r.Meters += rp.matrix.Meters(prev, veh.End)
		if len(r.Stops) == 0 {
			out = append(out, rp.withPast(Route{NurseID: nu.ID, Round: rp.round}, v, past))
			continue
		}
		// She leaves in time for the first visit rather than waiting at the door.
		first := &r.Stops[0]
		r.Depart = math.Max(veh.Open, first.Start-first.DriveMin)
		first.Arrival = math.Max(first.Arrival, r.Depart+first.DriveMin)
		r.Return = sch.Return
		out = append(out, rp.withPast(r, v, past))
	}
	return out
}

// withPast puts the stops behind the nurse of vehicle v before the rest of
// her route r: she left for the first of them, and when nothing is left,
// she goes home from the last.
func (rp *roundProblem) withPast(r Route, v int, past []Stop) Route {
	if len(past) == 0 {
		return r
	}
	for _, s := range past {
		r.DriveMin += s.DriveMin
		r.Meters += s.Meters
		r.LateMin += s.LateMin
	}
	if len(r.Stops) == 0 {
		last := past[len(past)-1]
		end := rp.p.Vehicles[v].End
		from := rp.pastLoc[rp.nurses[v].ID][len(past)-1]
		r.DriveMin += rp.matrix.Minutes(from, end)
		r.Meters += rp.matrix.Meters(from, end)
		r.Return = last.Start + float64(last.DurationMin) + rp.matrix.Minutes(from, end)
	}
	r.Depart = past[0].Start - past[0].DriveMin
	r.Stops = append(past, r.Stops...)
	return r
}

func (rp *roundProblem) visitByID(id xid.ID) patients.Visit {
	for _, v := range rp.visits {
		if v.ID == id {
			return v
		}
	}
	return patients.Visit{}
}

// explain says, for every visit left out, why no round could take it.
func (rp *roundProblem) explain(sol solver.Solution) []Unplanned {
	var out []Unplanned
	for _, j := range sol.Unassigned {
		if rp.kinds[j] != jobVisit {
			continue // a lab stop or break with nothing to do
		}
		v := rp.visits[j]
		out = append(out, Unplanned{VisitID: v.ID, PatientID: v.PatientID, Reason: rp.reason(j, sol)})
	}
	return out
}

func (rp *roundProblem) name(patientID xid.ID) string {
	if p, ok := rp.patient[patientID]; ok {
		return p.DisplayName()
	}
	return patientID.String()
}

// reason finds the plainest true explanation: the window cannot be reached
// at all, or it collides with another strict visit, or there are simply too
// many strict visits at that hour for the nurses working.
func (rp *roundProblem) reason(j int, sol solver.Solution) string {
	p := rp.p
	job := p.Jobs[j]
	v := rp.visits[j]
	who := rp.name(v.PatientID)
	limit := job.Due
	if job.Soft {
		limit += job.MaxLate
	}
	// 00. The day is behind (Options.Now): the round is over, or the window.
	if now := rp.opt.Now; now > 0 {
		over := true
		for _, veh := range p.Vehicles {
			if veh.Close > veh.Open {
				over = false
			}
		}
		if over {
			return fmt.Sprintf("%s (%s) : trop tard, la tournée du %s est finie", who, span(v.Window), rp.round)
		}
		if limit < now {
			return fmt.Sprintf("%s (%s) : trop tard, l'heure est passée (il est %s)", who, span(v.Window), french.Clock(patients.TimeOfDay(now)))
		}
	}
	// 0. No nurse of the round has the skill this care needs.
	if !slices.ContainsFunc(p.Vehicles, func(veh solver.Vehicle) bool { return job.Skills&^veh.Skills == 0 }) {
		var kinds []string
		for _, k := range SkilledCare() {
			if job.Skills&skillBit(k) != 0 {
				kinds = append(kinds, string(k))
			}
		}
		return fmt.Sprintf("%s : aucune infirmière de cette tournée n'a la compétence « %s »", who, strings.Join(kinds, ", "))
	}
	// 1. Unreachable even straight from the start of the round, or ending
	// too late to be home by the end of it.
	reachable, homeInTime := false, false
	for vi, veh := range p.Vehicles {
		if job.Pinned && job.Vehicle != vi {
			continue
		}
		arrive := veh.Open + p.Time[veh.Start*p.N+job.Loc]
		if arrive <= limit {
			reachable = true
			if math.Max(arrive, job.Ready)+job.Service+p.Time[job.Loc*p.N+veh.End] <= veh.Close {
				homeInTime = true
			}
		}
	}
	veh := p.Vehicles[0]
	if !reachable {
		return fmt.Sprintf("%s (%s) : impossible à tenir, il faut %.0f min de route depuis le départ de la tournée à %s",
			who, span(v.Window), p.Time[veh.Start*p.N+job.Loc], french.Clock(patients.TimeOfDay(veh.Open)))
	}
	if !homeInTime {
		return fmt.Sprintf("%s (%s, %d min) : la visite finit trop tard pour rentrer avant la fin de la tournée à %s (%.0f min de retour)",
			who, span(v.Window), v.DurationMin, french.Clock(patients.TimeOfDay(veh.Close)), p.Time[job.Loc*p.N+veh.End])
	}
	if job.Before != 0 {
		hasLab := false
		for k := range p.Jobs {
			if p.Jobs[k].After == job.Before {
				hasLab = true
			}
		}
		if !hasLab {
			return fmt.Sprintf("%s : prise de sang sans passage au laboratoire possible avant %s", who, french.Clock(v.LabBefore))
		}
	}
	// 2. A strict visit it cannot share a round with.
	for _, r := range sol.Routes {
		for _, o := range r {
			oj := p.Jobs[o]
			if rp.kinds[o] != jobVisit || oj.Soft {
				continue
			}
			if !bothOrders(p, j, o) {
				ov := rp.visits[o]
				return fmt.Sprintf("%s (%s) et %s (%s) ne peuvent pas être vus par la même infirmière : %.0f min de route entre les deux",
					who, span(v.Window), rp.name(ov.PatientID), span(ov.Window), p.Time[job.Loc*p.N+oj.Loc])
			}
		}
	}
	// 3. Too many strict visits around that time.
	overlap := 0
	for k, oj := range p.Jobs {
		if k != j && rp.kinds[k] == jobVisit && !oj.Soft && oj.Ready <= job.Due && oj.Due >= job.Ready {
			overlap++
		}
	}
	if job.Soft {
		return fmt.Sprintf("%s (%s) : aucune place dans les tournées, même avec jusqu'à %.0f min de retard (%s au plus tard) ; journée trop chargée pour %d infirmière(s)",
			who, span(v.Window), job.MaxLate, french.Clock(patients.TimeOfDay(limit)), len(p.Vehicles))
	}
	if overlap == 0 {
		return fmt.Sprintf("%s (%s, horaire strict) : aucune tournée n'a de place à cette heure-là ; journée trop chargée pour %d infirmière(s)",
			who, span(v.Window), len(p.Vehicles))
	}
	return fmt.Sprintf("%s (%s) : %d autre(s) visite(s) à horaire strict sur ce créneau, trop pour %d infirmière(s)",
		who, span(v.Window), overlap, len(p.Vehicles))
}

// bothOrders reports whether one nurse could do a then b, or b then a, as
// far as their windows go (starting each as early as allowed).
func bothOrders(p *solver.Problem, a, b int) bool {
	ok := func(x, y int) bool {
		jx, jy := p.Jobs[x], p.Jobs[y]
		limit := jy.Due
		if jy.Soft {
			limit += jy.MaxLate
		}
		return jx.Ready+jx.Service+p.Time[jx.Loc*p.N+jy.Loc] <= limit
	}
	return ok(a, b) || ok(b, a)
}

// learnDurations returns, per patient of visits, the median of the last
// five real durations of their visits on this round (at least two needed).
// Only the patients of visits are looked at: a round checked many times
// (each place a colleague could take a visit) reads a fortnight of history
// each time.
func learnDurations(history, visits []patients.Visit, round patients.Round) map[xid.ID]float64 {
	type done struct {
		date patients.Date
		min  int
	}
	byPatient := make(map[xid.ID][]done, len(visits))
	for _, v := range visits {
		byPatient[v.PatientID] = nil
	}
	for i := range history {
		v := &history[i]
		if v.Status != patients.Done || v.ActualMin <= 0 || v.Round != round {
			continue
		}
		if ds, ok := byPatient[v.PatientID]; ok {
			byPatient[v.PatientID] = append(ds, done{v.Date, v.ActualMin})
		}
	}
	out := map[xid.ID]float64{}
	for id, vs := range byPatient {
		if len(vs) < 2 {
			continue
		}
		slices.SortFunc(vs, func(a, b done) int { return b.date.Compare(a.date) })
		vs = vs[:min(5, len(vs))]
		ds := make([]float64, len(vs))
		for i, v := range vs {
			ds[i] = float64(v.min)
		}
		slices.Sort(ds)
		m := ds[len(ds)/2]
		if len(ds)%2 == 0 {
			m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
		}
		out[id] = m
	}
	return out
}

// boundDuration keeps a learned duration within half and one and a half
// times the prescription, so one odd day (a fall, a chat) cannot wreck the plan.
func boundDuration(learned float64, prescribed int) float64 {
	lo, hi := 0.5*float64(prescribed), 1.5*float64(prescribed)
	return math.Round(math.Max(lo, math.Min(hi, learned)))
}

// lastTimes returns, per patient of visits, the time of day the most
// recent done visit on this round started.
func lastTimes(history, visits []patients.Visit, round patients.Round) map[xid.ID]float64 {
	type done struct {
		at  time.Time
		min int
	}
	latest := make(map[xid.ID]done, len(visits))
	for _, v := range visits {
		latest[v.PatientID] = done{}
	}
	for i := range history {
		v := &history[i]
		if v.Status != patients.Done || v.Round != round || v.DoneAt.IsZero() {
			continue
		}
		if o, ok := latest[v.PatientID]; ok && (o.at.IsZero() || v.DoneAt.After(o.at)) {
			latest[v.PatientID] = done{v.DoneAt, v.ActualMin}
		}
	}
	out := map[xid.ID]float64{}
	for id, v := range latest {
		if v.at.IsZero() {
			continue
		}
		t := v.at.In(patients.Paris())
		start := float64(t.Hour()*60+t.Minute()) - float64(v.min)
		if v.min == 0 {
			start = float64(t.Hour()*60 + t.Minute())
		}
		out[id] = start
	}
	return out
}
