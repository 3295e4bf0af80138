package planner

import (
	"fmt"
	"math"
	"slices"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner/solver"
)

// CheckRound times a round in the order the nurse chose by hand, without
// optimising it: every ETA is recomputed at once and the stops whose window
// the order breaks are marked Broken, so the screen can show them in red.
// order holds the visits of one nurse's round, in the order she wants.
//
// With opt.Now set, the visits behind her (done or missed, DoneAt set) come
// first, at their real times and in the order she made them (Stop.Done),
// and the rest follows in the given order from the last of them, never
// before Now.
func CheckRound(order []patients.Visit, nurseID xid.ID, round patients.Round, ctx Context, opt Options) (Route, error) {
	opt = opt.withDefaults()
	lab := opt.Lab
	opt.Lab, opt.Breaks = nil, nil // only her visits, as she ordered them
	nurse, ok := findNurse(ctx.Nurses, nurseID)
	if !ok {
		return Route{}, fmt.Errorf("nurse %s: %w", nurseID, patients.ErrNotFound)
	}
	if _, works := nurse.ShiftFor(round); !works {
		return Route{}, &NoNurseError{round, len(order)}
	}
	// A cancelled visit is no longer due: it has no place in a round.
	order = slices.DeleteFunc(slices.Clone(order), func(v patients.Visit) bool { return v.Status == patients.Cancelled })
	byPatient := ctx.patientIndex()
	var missing []patients.Patient
	for _, v := range order {
		p, ok := byPatient[v.PatientID]
		if !ok {
			return Route{}, fmt.Errorf("visit %s: patient %s: %w", v.ID, v.PatientID, patients.ErrNotFound)
		}
		if !p.Address.HasCoordinates() {
			missing = append(missing, *p)
		}
		if err := v.Window.Validate("plage horaire"); err != nil {
			return Route{}, fmt.Errorf("visit %s: %w", v.ID, err)
		}
	}
	if len(missing) > 0 {
		return Route{}, &MissingCoordinatesError{missing}
	}
	draws, cutoff := 0, math.Inf(1)
	for _, v := range order {
		if v.LabBefore > 0 && (v.Status == patients.Planned || (v.Status == patients.Done && v.TubesDroppedAt.IsZero())) {
			draws++
			cutoff = math.Min(cutoff, float64(v.LabBefore))
		}
	}
	npast := 0
	if opt.Now > 0 {
		// What is behind her stays at its real time, first; the rest
		// follows from there, never before now.
		var past []patients.Visit
		past, order = byDoneAt(order)
		res := resumeAt{at: opt.Now, past: past}
		if k := len(past); k > 0 {
			res.moved, res.point = true, byPatient[past[k-1].PatientID].Address.Point
			res.at = math.Max(opt.Now, endOf(past[k-1]))
		}
		opt.resume = map[xid.ID]resumeAt{nurseID: res}
		npast = len(past)
	}
	// The lab drop-off is a stop of her round when she draws blood: it goes
	// where it costs least after the last draw, and stays while the tubes
	// can still make it (with Now, until the cut-off).
	if lab != nil && draws > 0 && (opt.Now == 0 || opt.Now < cutoff) {
		opt.Lab = lab
		opt.carrying = cutoff // the stop is required, even after the draws are done
	}
	rp, err := buildRound(order, []patients.Nurse{nurse}, round, byPatient, opt)
	if err != nil {
		return Route{}, err
	}
	jobs := make([]int, len(order))
	for i := range order {
		jobs[i] = i // buildRound keeps the visits' order as job indexes
	}
	if opt.Lab != nil && len(rp.p.Jobs) > len(order) {
		jobs = withLabStop(rp.p, jobs, len(order), order)
	}
	sol := solver.Solution{Routes: [][]int{jobs}}
	routes := rp.routes(sol)
	r := routes[0]
	for k := npast; k < len(r.Stops); k++ {
		st := &r.Stops[k]
		job := rp.p.Jobs[jobs[k-npast]]
		limit := job.Due
		if job.Soft {
			limit += job.MaxLate
		}
		// Stored times are whole minutes: a minute of rounding is no break.
		st.Broken = st.Start > limit+roundingMin
	}
	if veh := rp.p.Vehicles[0]; r.Return > veh.Close+roundingMin && len(r.Stops) > npast {
		// Back after the end of her shift: the last stop is where it breaks.
		r.Stops[len(r.Stops)-1].Broken = true
	}
	return r, nil
}

// withLabStop inserts the lab job after the last blood draw of the round,
// at the position where she is back earliest with the tubes in time (the
// earliest position after the draws when none is in time, so the stop
// shows broken).
func withLabStop(p *solver.Problem, jobs []int, labJob int, order []patients.Visit) []int {
	last := -1
	for k, v := range order {
		if v.LabBefore > 0 {
			last = k
		}
	}
	best, bestEnd := last+1, math.Inf(1)
	for k := last + 1; k <= len(jobs); k++ {
		trial := slices.Insert(slices.Clone(jobs), k, labJob)
		s := solver.Schedule(p, 0, trial)
		if s.Start[k] > p.Jobs[labJob].Due+1e-9 {
			continue
		}
		end := s.Return
		for _, l := range s.Lateness {
			end += 60 * l
		}
		if end < bestEnd {
			best, bestEnd = k, end
		}
	}
	return slices.Insert(jobs, best, labJob)
}

// roundingMin is the slack CheckRound allows before calling a window broken:
// done times and ETAs are kept to the minute, so re-timing a stored round can
// land up to a minute past what the plan had.
const roundingMin = 1.0
