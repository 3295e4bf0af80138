package planner

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
)

// resumeAt is where a nurse takes her round up again at Options.Now.
type resumeAt struct {
	// moved is set when she is no longer at her start: point is then the
	// last patient she saw.
	moved bool
	point orb.Point
	// at is when she can leave: the end of her last visit, or Now.
	at float64
	// past are her visits of the round already behind her, in the order
	// she made them.
	past []patients.Visit
}

// behind reports whether a visit is already behind the nurse at a known
// time: done, or found missed, with DoneAt set.
func behind(v patients.Visit) bool {
	return (v.Status == patients.Done || v.Status == patients.Missed) && !v.DoneAt.IsZero()
}

// madeBy is the nurse who made a visit behind her: DoneBy when recorded.
func madeBy(v patients.Visit) xid.ID {
	if !v.DoneBy.IsZero() {
		return v.DoneBy
	}
	return v.NurseID
}

// endOf is when a visit behind the nurse ended (DoneAt, in minutes after
// midnight), and pastDuration how long it took.
func endOf(v patients.Visit) float64 { return float64(patients.TimeOfDayOf(v.DoneAt)) }

func pastDuration(v patients.Visit) int {
	if v.ActualMin > 0 {
		return v.ActualMin
	}
	return v.DurationMin
}

// pastOf returns the visits of a round behind nurse id, in DoneAt order.
func pastOf(visits []patients.Visit, id xid.ID, round patients.Round) []patients.Visit {
	var out []patients.Visit
	for _, v := range visits {
		if v.Round == round && behind(v) && madeBy(v) == id {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b patients.Visit) int { return a.DoneAt.Compare(b.DoneAt) })
	return out
}

// resumeRound says, for each nurse of the round, where and when she goes on
// at now: after her last visit behind her, or from her start, never before
// now.
func resumeRound(visits []patients.Visit, nurses []patients.Nurse, round patients.Round,
	byPatient map[xid.ID]*patients.Patient, now float64) map[xid.ID]resumeAt {
	out := make(map[xid.ID]resumeAt, len(nurses))
	for _, n := range nurses {
		r := resumeAt{at: now, past: pastOf(visits, n.ID, round)}
		if k := len(r.past); k > 0 {
			last := r.past[k-1]
			if p, ok := byPatient[last.PatientID]; ok {
				r.moved, r.point = true, p.Address.Point
			}
			r.at = math.Max(now, endOf(last))
		}
		out[n.ID] = r
	}
	return out
}

// hasPast reports whether some nurse has visits behind her.
func hasPast(m map[xid.ID]resumeAt) bool {
	for _, r := range m {
		if len(r.past) > 0 {
			return true
		}
	}
	return false
}

// pastStops are the stops of the visits behind the nurse of vehicle v, at
// their real times, with the legs from her start.
func (rp *roundProblem) pastStops(v int) []Stop {
	nu := rp.nurses[v]
	past := rp.opt.resume[nu.ID].past
	if len(past) == 0 {
		return nil
	}
	locs := rp.pastLoc[nu.ID]
	prev := rp.homeLoc[v]
	out := make([]Stop, 0, len(past))
	for k, pv := range past {
		d := pastDuration(pv)
		start := endOf(pv) - float64(d)
		st := Stop{VisitID: pv.ID, PatientID: pv.PatientID, Window: pv.Window, Strict: pv.Strict,
			Arrival: start, Start: start, DurationMin: d, LateMin: math.Max(0, start-float64(pv.Window.End)),
			Done: true, Missed: pv.Status == patients.Missed,
			DriveMin: rp.matrix.Minutes(prev, locs[k]), Meters: rp.matrix.Meters(prev, locs[k])}
		prev = locs[k]
		out = append(out, st)
	}
	return out
}

// byDoneAt puts a nurse's hand-made order with the visits behind her first,
// in the order she made them; the others keep their order.
func byDoneAt(order []patients.Visit) (past, rest []patients.Visit) {
	for _, v := range order {
		if behind(v) {
			past = append(past, v)
		} else {
			rest = append(rest, v)
		}
	}
	slices.SortStableFunc(past, func(a, b patients.Visit) int { return a.DoneAt.Compare(b.DoneAt) })
	return past, rest
}
