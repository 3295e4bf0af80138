package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner/solver"
)

// A « visite à deux » (patients.AlertVisiteADeux): two nurses together for
// the care that moves the patient (lifting, turning her in bed). BuildDay
// doubles the visits that need it; PlanDay puts the two copies in two
// nurses' rounds, both starting at the same minute.

// NeedsPair reports whether a visit of this patient takes two nurses: the
// patient has the « visite à deux » alert and the visit holds hygiene care
// (AIS or BSI: the toilette moves her) or a heavy dressing (PairDressingMin
// minutes or more: a sacral or leg ulcer dressed in bed). Injections,
// insulin, pill boxes and short dressings are made alone.
func NeedsPair(p patients.Patient, v patients.Visit) bool {
	if !p.NeedsTwoCarers() {
		return false
	}
	for _, it := range v.Items {
		switch {
		case it.Kind == patients.HygieneAIS || it.Kind == patients.HygieneBSI:
			return true
		case it.Kind == patients.Dressing && it.DurationMin >= PairDressingMin:
			return true
		}
	}
	return false
}

// PairDressingMin is how long a dressing must be to count as heavy for a
// « visite à deux ».
const PairDressingMin = 30

// pairNurse chooses, deterministically, the colleague who makes the second
// visit: the first nurse by name (then id) who works the round and is not
// the first visit's nurse. Zero when there is none.
func pairNurse(nurses []patients.Nurse, round patients.Round, first xid.ID) xid.ID {
	var cand []patients.Nurse
	for _, n := range nurses {
		if _, ok := n.ShiftFor(round); ok && n.ID != first {
			cand = append(cand, n)
		}
	}
	if len(cand) == 0 {
		return xid.NilID()
	}
	slices.SortFunc(cand, func(a, b patients.Nurse) int {
		if c := compareNames(a, b); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
	return cand[0].ID
}

func compareNames(a, b patients.Nurse) int {
	switch x, y := a.LastName+" "+a.FirstName, b.LastName+" "+b.FirstName; {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// pairOf finds, in a round's visits, the pairs whose two copies are both to
// plan: index of the first, index of the second.
func pairsOf(todo []patients.Visit) [][2]int {
	at := map[xid.ID]int{}
	for i, v := range todo {
		at[v.ID] = i
	}
	var out [][2]int
	for i, v := range todo {
		if v.PairID.IsZero() {
			continue
		}
		if j, ok := at[v.PairID]; ok && i < j {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// planPairs plans a round whose visits may hold pairs. Without pairs it is
// buildRound and solveRound. With them, a heuristic: plan the round with
// the first copy of each pair alone; then, pair by pair, try start times
// (where the first copy landed, then every quarter of an hour of the
// window) with both copies fixed at that minute in two nurses' rounds, and
// keep the first time that loses no other visit. A pair no time fits is
// left out whole, with the reason.
func planPairs(todo []patients.Visit, nurses []patients.Nurse, round patients.Round,
	byPatient map[xid.ID]*patients.Patient, opt Options, sopt solver.Options, share time.Duration) (*roundProblem, solver.Solution, []Unplanned, error) {
	pairs := pairsOf(todo)
	solve := func(vs []patients.Visit, o Options, so solver.Options, budget time.Duration) (*roundProblem, solver.Solution, error) {
		rp, err := buildRound(vs, nurses, round, byPatient, o)
		if err != nil {
			return nil, solver.Solution{}, err
		}
		sol, err := solveRound(rp, so, budget)
		if err != nil {
			return nil, solver.Solution{}, fmt.Errorf("plan the %s round: %w", round, err)
		}
		return rp, sol, nil
	}
	if len(pairs) == 0 {
		rp, sol, err := solve(todo, opt, sopt, share)
		return rp, sol, nil, err
	}
	// Trials share half the round's time, the last solve gets the other
	// half.
	trials := 1
	for _, pr := range pairs {
		w := todo[pr[0]].Window
		trials += int(w.End-w.Start)/15 + 2
	}
	trial := sopt
	trial.TimeLimit = share / time.Duration(2*trials)
	sopt.TimeLimit, share = share/2, share/2
	if sopt.MaxIterations > 0 {
		trial.MaxIterations = max(200, sopt.MaxIterations/4)
	}
	todo = slices.Clone(todo)
	second := map[xid.ID]bool{}
	for _, pr := range pairs {
		second[todo[pr[1]].ID] = true
	}
	without := slices.DeleteFunc(slices.Clone(todo), func(v patients.Visit) bool { return second[v.ID] })
	rp, sol, err := solve(without, opt, trial, trial.TimeLimit)
	if err != nil {
		return nil, solver.Solution{}, nil, err
	}
	missBase := missedVisits(rp, sol)
	o := opt
	o.syncAt = map[xid.ID]float64{}
	var apart []Unplanned
	out := map[xid.ID]bool{}
	for _, pr := range pairs {
		a, b := todo[pr[0]], todo[pr[1]]
		// The nurses: each copy's own when they differ and both work the
		// round, else the first colleague by name.
		na, nb := a.NurseID, b.NurseID
		if !works(nurses, na) {
			na = pairNurse(nurses, round, nb)
		}
		if nb == na || !works(nurses, nb) {
			nb = pairNurse(nurses, round, na)
		}
		// Where the first copy landed when inside the window, then every
		// quarter of an hour of it; a soft visit may then start where the
		// first copy landed late.
		var times []float64
		first := math.Ceil(startOf(rp, sol, a.ID))
		if first <= float64(a.Window.End) {
			times = append(times, first)
		}
		for t := a.Window.Start; t <= a.Window.End; t += 15 {
			if !slices.Contains(times, float64(t)) {
				times = append(times, float64(t))
			}
		}
		if !a.Strict && first > float64(a.Window.End) && first <= float64(a.Window.End)+opt.MaxLateMin {
			times = append(times, first)
		}
		placed := false
		if !na.IsZero() && !nb.IsZero() {
			todo[pr[0]].NurseID, todo[pr[1]].NurseID = na, nb
			for _, t := range times {
				o.syncAt[a.ID], o.syncAt[b.ID] = t, t
				vs := slices.DeleteFunc(slices.Clone(todo), func(v patients.Visit) bool { return out[v.ID] })
				tr := trial
				tr.Initial = carry(rp, sol, vs, a.ID, b.ID)
				trp, tsol, err := solve(vs, o, tr, trial.TimeLimit)
				if err != nil {
					return nil, solver.Solution{}, nil, err
				}
				if !math.IsNaN(startOf(trp, tsol, a.ID)) && !math.IsNaN(startOf(trp, tsol, b.ID)) && missedVisits(trp, tsol) <= missBase {
					placed = true
					break
				}
			}
		}
		if !placed {
			delete(o.syncAt, a.ID)
			delete(o.syncAt, b.ID)
			out[a.ID], out[b.ID] = true, true
			why := fmt.Sprintf("%s (%s) : visite à deux, impossible de réunir deux infirmières à la même heure dans les tournées", patientName(byPatient, a.PatientID), span(a.Window))
			if nb.IsZero() || na.IsZero() {
				why = fmt.Sprintf("%s (%s) : visite à deux, mais une seule infirmière travaille le %s", patientName(byPatient, a.PatientID), span(a.Window), round)
			}
			apart = append(apart, Unplanned{VisitID: a.ID, PatientID: a.PatientID, Reason: why},
				Unplanned{VisitID: b.ID, PatientID: b.PatientID, Reason: why})
		}
	}
	vs := slices.DeleteFunc(todo, func(v patients.Visit) bool { return out[v.ID] })
	rp, sol, err = solve(vs, o, sopt, share)
	if err != nil {
		return nil, solver.Solution{}, nil, err
	}
	// The search may have lost one copy of a pair on its own: then neither
	// is made, as a nurse alone cannot make it.
	for _, pr := range pairs {
		a, b := todo[pr[0]].ID, todo[pr[1]].ID
		if out[a] {
			continue
		}
		ia, ib := math.IsNaN(startOf(rp, sol, a)), math.IsNaN(startOf(rp, sol, b))
		if ia != ib {
			sol = dropJobs(rp, sol, a, b)
		}
	}
	return rp, sol, apart, nil
}

func works(nurses []patients.Nurse, id xid.ID) bool {
	return !id.IsZero() && slices.ContainsFunc(nurses, func(n patients.Nurse) bool { return n.ID == id })
}

func patientName(byPatient map[xid.ID]*patients.Patient, id xid.ID) string {
	if p, ok := byPatient[id]; ok {
		return p.DisplayName()
	}
	return id.String()
}

// startOf is when the solution starts visit id, NaN when it is left out.
func startOf(rp *roundProblem, sol solver.Solution, id xid.ID) float64 {
	for v, r := range sol.Routes {
		for k, j := range r {
			if rp.kinds[j] == jobVisit && rp.visits[j].ID == id {
				return solver.Schedule(rp.p, v, r).Start[k]
			}
		}
	}
	return math.NaN()
}

// dropJobs takes the visits out of the solution's routes (the others keep
// their order, timed again by routes) into Unassigned.
func dropJobs(rp *roundProblem, sol solver.Solution, ids ...xid.ID) solver.Solution {
	drop := func(j int) bool { return rp.kinds[j] == jobVisit && slices.Contains(ids, rp.visits[j].ID) }
	out := solver.Solution{Routes: make([][]int, len(sol.Routes)), Unassigned: slices.Clone(sol.Unassigned), Cost: sol.Cost}
	for v, r := range sol.Routes {
		for _, j := range r {
			if drop(j) {
				out.Unassigned = append(out.Unassigned, j)
			} else {
				out.Routes[v] = append(out.Routes[v], j)
			}
		}
	}
	slices.Sort(out.Unassigned)
	if c, err := solver.Evaluate(rp.p, out.Routes); err == nil {
		out.Cost = c
	}
	return out
}

// missedVisits counts the visits a solution leaves out (lab stops and
// breaks aside).
func missedVisits(rp *roundProblem, sol solver.Solution) int {
	n := 0
	for _, j := range sol.Unassigned {
		if rp.kinds[j] == jobVisit {
			n++
		}
	}
	return n
}

// carry maps a solution of rp onto the round of visits vs (same nurses,
// lab stops and breaks): visits by id, the others by their place after the
// visits; the visits in skip are left for the search to insert.
func carry(rp *roundProblem, sol solver.Solution, vs []patients.Visit, skip ...xid.ID) *solver.Solution {
	at := map[xid.ID]int{}
	for i, v := range vs {
		at[v.ID] = i
	}
	out := &solver.Solution{Routes: make([][]int, len(sol.Routes))}
	for v, r := range sol.Routes {
		for _, j := range r {
			if rp.kinds[j] != jobVisit {
				out.Routes[v] = append(out.Routes[v], j-len(rp.visits)+len(vs))
				continue
			}
			id := rp.visits[j].ID
			if k, ok := at[id]; ok && !slices.Contains(skip, id) {
				out.Routes[v] = append(out.Routes[v], k)
			}
		}
	}
	return out
}
