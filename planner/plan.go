package planner

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner/solver"
)

// Stop is one stop of a planned round: a visit or the lab drop-off.
type Stop struct {
	VisitID   xid.ID // zero for the lab stop and breaks
	PatientID xid.ID
	Lab       bool
	Break     bool
	Window    patients.Window
	Strict    bool
	// Arrival and Start are minutes after midnight (fractional); the visit
	// starts at max(arrival, window start).
	Arrival, Start float64
	DurationMin    int
	LateMin        float64
	// Broken is set by CheckRound when a hand-made order misses a strict
	// window, or a soft one by more than the lateness allowed.
	Broken bool
	// Done stops are behind the nurse (Options.Now): made, or found Missed
	// (the patient was not there), at their real time. They come first in
	// the route, in the order they were made, and are never re-ordered.
	Done   bool
	Missed bool
	// The leg that leads here.
	DriveMin float64
	Meters   float64
}

// Route is one nurse's round.
type Route struct {
	NurseID xid.ID
	Round   patients.Round
	Stops   []Stop
	// Depart is when she leaves home or the cabinet, Return when she is back.
	Depart, Return float64
	DriveMin       float64
	Meters         float64
	LateMin        float64
}

// WorkMin is the length of the round, from leaving to coming back.
func (r Route) WorkMin() float64 {
	if len(r.Stops) == 0 {
		return 0
	}
	return r.Return - r.Depart
}

// Unplanned is a visit no round could take, with the reason in French.
type Unplanned struct {
	VisitID   xid.ID
	PatientID xid.ID
	Reason    string
}

// Plan is the ordered day.
type Plan struct {
	Date      patients.Date
	Routes    []Route
	Unplanned []Unplanned
	// Cost is the solver's objective, for comparisons and tests.
	Cost float64
}

// Context is what the planner needs besides the visits.
type Context struct {
	Date     patients.Date
	Patients []patients.Patient
	Nurses   []patients.Nurse
}

// MissingCoordinatesError lists the patients that cannot be placed on a map.
type MissingCoordinatesError struct {
	Patients []patients.Patient
}

func (e *MissingCoordinatesError) Error() string {
	ids := make([]string, len(e.Patients))
	for i, p := range e.Patients {
		ids[i] = p.ID.String()
	}
	return "patients without coordinates: " + strings.Join(ids, ", ")
}

// French names the patients for the nurse (never for a log).
func (e *MissingCoordinatesError) French() string {
	names := make([]string, len(e.Patients))
	for i, p := range e.Patients {
		names[i] = p.DisplayName()
	}
	return fmt.Sprintf("pas de coordonnées pour %s : impossible de les placer dans la tournée (ajoutez-les sur la fiche)", strings.Join(names, ", "))
}

// ErrNoNurse: visits fall in a round no nurse works.
var ErrNoNurse = errors.New("no nurse works this round")

// NoNurseError names the round with visits but nobody to do them.
type NoNurseError struct {
	Round  patients.Round
	Visits int
}

func (e *NoNurseError) Error() string {
	return fmt.Sprintf("%d visit(s) in the %s round but no nurse works it", e.Visits, e.Round)
}

// Unwrap makes errors.Is(err, ErrNoNurse) work.
func (e *NoNurseError) Unwrap() error { return ErrNoNurse }

// French is the message for the nurse.
func (e *NoNurseError) French() string {
	return fmt.Sprintf("%d visite(s) le %s mais aucune infirmière ne travaille à ce moment : ajoutez des horaires du %s à une infirmière", e.Visits, e.Round, e.Round)
}

// PlanDay orders the visits of a day into rounds, one per nurse and round.
// Visits already done, missed, postponed or cancelled are left as they are
// (with Options.Now, those done or missed at a known time are shown first). Nurses are
// those of ctx.Nurses who work the round; pass one nurse to plan only hers.
func PlanDay(visits []patients.Visit, ctx Context, opt Options) (Plan, error) {
	opt = opt.withDefaults()
	plan := Plan{Date: ctx.Date}
	byPatient := ctx.patientIndex()
	var missing []patients.Patient
	for _, v := range visits {
		if v.Status == patients.Cancelled {
			continue // no longer due: never planned, whatever it holds
		}
		if err := v.Window.Validate("plage horaire"); err != nil {
			return plan, fmt.Errorf("visit %s: %w", v.ID, err)
		}
		if v.Status == patients.Planned && !slices.Contains(patients.Rounds(), v.Round) {
			return plan, fmt.Errorf("visit %s: %w", v.ID, &patients.ValidationError{Field: "tournée",
				Msg: fmt.Sprintf("tournée inconnue %q (matin ou soir)", v.Round)})
		}
		p, ok := byPatient[v.PatientID]
		if !ok {
			return plan, fmt.Errorf("visit %s: patient %s: %w", v.ID, v.PatientID, patients.ErrNotFound)
		}
		if !p.Address.HasCoordinates() && !slices.ContainsFunc(missing, func(m patients.Patient) bool { return m.ID == p.ID }) {
			missing = append(missing, *p)
		}
	}
	if len(missing) > 0 {
		return plan, &MissingCoordinatesError{missing}
	}
	total := 0
	for _, v := range visits {
		if v.Status == patients.Planned {
			total++
		}
	}
	// A titulaire replaced that day abstains from any care (CSP R.4312-84):
	// her remplaçant(e) is the usual nurse of her patients. Which nurses
	// plan a round is the caller's choice (ctx.Nurses): pass
	// patients.OnDuty's to leave out those who do not work that day.
	if !ctx.Date.IsZero() {
		_, opt.standIn = patients.OnDuty(ctx.Nurses, ctx.Date)
	}
	for ri, round := range patients.Rounds() {
		var todo []patients.Visit
		for _, v := range visits {
			if v.Round == round && v.Status == patients.Planned {
				todo = append(todo, v)
			}
		}
		var nurses []patients.Nurse
		for _, n := range ctx.Nurses {
			if _, ok := n.ShiftFor(round); ok {
				nurses = append(nurses, n)
			}
		}
		ropt := opt
		if opt.Now > 0 {
			ropt.resume = resumeRound(visits, nurses, round, byPatient, opt.Now)
		}
		if len(todo) == 0 {
			if !hasPast(ropt.resume) {
				continue
			}
			ropt.Breaks = nil // only what is behind them to show
		}
		if len(nurses) == 0 {
			return plan, &NoNurseError{round, len(todo)}
		}
		share := opt.TimeLimit * time.Duration(len(todo)) / time.Duration(max(total, 1))
		sopt := solver.Options{Seed: opt.Seed + uint64(ri), TimeLimit: share, MaxIterations: opt.Iterations}
		rp, sol, apart, err := planPairs(todo, nurses, round, byPatient, ropt, sopt, share)
		if err != nil {
			return plan, err
		}
		plan.Routes = append(plan.Routes, rp.routes(sol)...)
		plan.Unplanned = append(plan.Unplanned, apart...)
		plan.Unplanned = append(plan.Unplanned, rp.explain(sol)...)
		plan.Cost += sol.Cost.Total
	}
	return plan, nil
}

// roundProblem keeps the mapping between a round's visits and the solver's
// jobs, locations and vehicles.
type roundProblem struct {
	round   patients.Round
	p       *solver.Problem
	matrix  Matrix
	nurses  []patients.Nurse
	visits  []patients.Visit // job i < len(visits) is visits[i]
	kinds   []jobKind        // per job
	patient map[xid.ID]*patients.Patient
	opt     Options
	// pastLoc are the locations of each nurse's visits behind her
	// (opt.resume), homeLoc where each nurse's day began.
	pastLoc map[xid.ID][]int
	homeLoc []int
}

type jobKind int

const (
	jobVisit jobKind = iota
	jobLab
	jobBreak
)

// Ranks: free visits sort after every position pin; "last" visits after them.
const (
	rankFree = 1 << 20
	rankLast = rankFree + 1
)

// strictMissWeight makes leaving out a strict visit (insulin, a fasting
// draw, a fixed-time infusion) dearer than leaving out every soft visit of
// the round together: strict visits come first, soft ones give way (late,
// then left out) before a single strict one is lost. No round has 1,000
// soft visits, and 1,000 × UnassignedCost keeps a minute of driving well
// above a float64 ulp of the total.
const strictMissWeight = 1000

func buildRound(visits []patients.Visit, nurses []patients.Nurse, round patients.Round,
	byPatient map[xid.ID]*patients.Patient, opt Options) (*roundProblem, error) {
	rp := &roundProblem{round: round, nurses: nurses, visits: visits, patient: byPatient, opt: opt}
	// Locations: each nurse's start and end, then each distinct point.
	var points []orb.Point
	index := map[orb.Point]int{}
	loc := func(pt orb.Point) int {
		if i, ok := index[pt]; ok {
			return i
		}
		index[pt] = len(points)
		points = append(points, pt)
		return len(points) - 1
	}
	type depots struct{ start, end int }
	ds := make([]depots, len(nurses))
	for i, n := range nurses {
		ds[i] = depots{loc(n.Start.Point), loc(n.End.Point)}
		if r, ok := opt.resume[n.ID]; ok && r.moved {
			ds[i].start = loc(r.point)
		}
	}
	// The places already behind each nurse, for the legs of her route.
	rp.pastLoc = map[xid.ID][]int{}
	rp.homeLoc = make([]int, len(nurses))
	for i, n := range nurses {
		rp.homeLoc[i] = loc(n.Start.Point)
		for _, v := range opt.resume[n.ID].past {
			rp.pastLoc[n.ID] = append(rp.pastLoc[n.ID], loc(byPatient[v.PatientID].Address.Point))
		}
	}
	visitLoc := make([]int, len(visits))
	for i, v := range visits {
		visitLoc[i] = loc(byPatient[v.PatientID].Address.Point)
	}
	labLoc := -1
	if opt.Lab != nil {
		labLoc = loc(opt.Lab.Point)
	}
	profile := nurses[0].TravelProfile
	m, err := opt.Travel.Matrix(points, profile)
	if err != nil {
		var pe *PointError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("travel matrix, point %d: %w", pe.Index, err)
		}
		return nil, err
	}
	rp.matrix = m
	n := len(points)
	p := &solver.Problem{N: n, Time: make([]float64, n*n), Cost: make([]float64, n*n),
		LatenessWeight: opt.LatePenalty}
	for i := range n {
		for j := range n {
			p.Time[i*n+j] = m.Minutes(i, j)
			p.Cost[i*n+j] = m.Minutes(i, j)
		}
	}
	if len(nurses) > 1 {
		p.BalanceWeight = opt.BalancePenalty
	}
	vehicleOf := map[xid.ID]int{}
	bits := standInBits(opt.standIn, nurses)
	for i, nu := range nurses {
		h, _ := nu.ShiftFor(round)
		open := float64(h.Start)
		if r, ok := opt.resume[nu.ID]; ok {
			open = math.Max(open, r.at)
		}
		p.Vehicles = append(p.Vehicles, solver.Vehicle{Start: ds[i].start, End: ds[i].end,
			Open: open, Close: math.Max(open, float64(h.End)), Skills: vehicleSkills(nu, bits)})
		vehicleOf[nu.ID] = i
	}
	learned := learnDurations(opt.History, visits, round)
	lastSeen := lastTimes(opt.History, visits, round)
	ranks := positionRanks(visits)
	for i, v := range visits {
		job := solver.Job{Loc: visitLoc[i], Ready: float64(v.Window.Start), Due: float64(v.Window.End),
			Soft: !v.Strict, MaxLate: opt.MaxLateMin, Service: float64(v.DurationMin), Rank: rankFree,
			Skills: visitSkills(v)}
		if d, ok := learned[v.PatientID]; ok {
			job.Service = boundDuration(d, v.DurationMin)
		}
		if job.Soft {
			job.MaxLate = opt.MaxLateMin
		} else {
			job.MaxLate = 0
		}
		usual := v.NurseID
		if sub, ok := opt.standIn[usual]; ok {
			usual = sub
		}
		if vi, ok := vehicleOf[usual]; ok {
			job.Preferred, job.PreferredWeight = vi, opt.ContinuityPenalty
		}
		if r, ok := ranks[v.ID]; ok {
			job.Rank = r
			if vi, ok := vehicleOf[v.NurseID]; ok {
				job.Pinned, job.Vehicle = true, vi
			}
		}
		if v.Last {
			job.Rank = rankLast
		}
		if v.PinnedTime && v.PlannedArrival > 0 {
			job.Ready, job.Due, job.Soft, job.MaxLate = float64(v.PlannedArrival), float64(v.PlannedArrival)+5, false, 0
			if vi, ok := vehicleOf[v.NurseID]; ok {
				job.Pinned, job.Vehicle = true, vi
			}
		}
		if t, ok := opt.syncAt[v.ID]; ok {
			// One of a « visite à deux »: both nurses start at t, no sooner,
			// no later, each in her own round.
			job.Ready, job.Due, job.Soft, job.MaxLate = t, t, false, 0
			job.Target, job.TargetWeight = 0, 0
			if vi, ok := vehicleOf[v.NurseID]; ok {
				job.Pinned, job.Vehicle = true, vi
			}
		}
		if t, ok := lastSeen[v.PatientID]; ok && !v.PinnedTime && opt.syncAt[v.ID] == 0 {
			job.Target, job.TargetSlack, job.TargetWeight = t, opt.ConsistencySlackMin, opt.ConsistencyPenalty
		}
		if v.LabBefore > 0 && labLoc >= 0 {
			job.Before = 1
		}
		if v.Strict {
			job.UnassignedWeight = strictMissWeight
		}
		if !job.Pinned {
			job.Skills |= standInSkill(v, opt.standIn, bits)
		}
		p.Jobs = append(p.Jobs, job)
		rp.kinds = append(rp.kinds, jobVisit)
	}
	// A lab stop per nurse, optional: the solver keeps it only in rounds
	// that draw blood, after the draws. Its deadline is the earliest cut-off
	// of the round, so tubes moved to a colleague are never late (a later
	// cut-off elsewhere is honoured conservatively). A nurse already
	// carrying tubes (a re-plan) gets a required stop.
	if labLoc >= 0 {
		cutoff := math.Inf(1)
		for _, v := range visits {
			if v.LabBefore > 0 {
				cutoff = math.Min(cutoff, float64(v.LabBefore))
			}
		}
		if opt.carrying > 0 {
			cutoff = math.Min(cutoff, opt.carrying)
		}
		if !math.IsInf(cutoff, 1) {
			for vi := range nurses {
				p.Jobs = append(p.Jobs, solver.Job{Loc: labLoc, Ready: 0, Due: cutoff, Service: float64(opt.LabStopMin),
					After: 1, Unranked: true, Pinned: true, Vehicle: vi, Optional: opt.carrying == 0})
				rp.kinds = append(rp.kinds, jobLab)
			}
		}
	}
	if b, ok := opt.Breaks[round]; ok && b.DurationMin > 0 {
		for vi := range nurses {
			p.Jobs = append(p.Jobs, solver.Job{Loc: -1, Ready: float64(b.Window.Start), Due: float64(b.Window.End),
				Service: float64(b.DurationMin), Unranked: true, Pinned: true, Vehicle: vi})
			rp.kinds = append(rp.kinds, jobBreak)
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rp.p = p
	return rp, nil
}

// SkilledCare lists the care kinds that need a declared skill: a nurse
// whose Skills list is not empty only gets such care when the kind is in it
// (a nurse with no list is taken to do everything, as most IDEL do).
func SkilledCare() []patients.CareKind {
	return []patients.CareKind{patients.Infusion, patients.Palliative}
}

func skillBit(k patients.CareKind) uint64 {
	if i := slices.Index(SkilledCare(), k); i >= 0 {
		return 1 << i
	}
	return 0
}

func visitSkills(v patients.Visit) uint64 {
	var b uint64
	for _, it := range v.Items {
		b |= skillBit(it.Kind)
	}
	return b
}

func nurseSkills(n patients.Nurse) uint64 {
	if len(n.Skills) == 0 {
		return ^uint64(0)
	}
	var b uint64
	for _, s := range n.Skills {
		b |= skillBit(patients.CareKind(s))
	}
	return b
}

// positionRanks turns position pins into ranks: in each nurse's round, the
// visits before a pinned one must stay before it and everything else after,
// so the pinned visit keeps its place while the rest is optimised.
func positionRanks(visits []patients.Visit) map[xid.ID]int {
	byNurse := map[xid.ID][]patients.Visit{}
	for _, v := range visits {
		if v.Order > 0 {
			byNurse[v.NurseID] = append(byNurse[v.NurseID], v)
		}
	}
	ranks := map[xid.ID]int{}
	for _, vs := range byNurse {
		slices.SortFunc(vs, func(a, b patients.Visit) int { return a.Order - b.Order })
		lastPinned := -1
		for i, v := range vs {
			if v.Pinned {
				lastPinned = i
			}
		}
		// Before the first pin: rank 0; the pin: 1; between pins: 2; and so
		// on. Visits after the last pin keep rankFree, like every other visit.
		r := 0
		for _, v := range vs[:lastPinned+1] {
			if v.Pinned {
				r++
				ranks[v.ID] = r
				r++
			} else {
				ranks[v.ID] = r
			}
		}
	}
	return ranks
}
