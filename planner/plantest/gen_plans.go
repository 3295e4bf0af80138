package plantest

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
)

// plans returns the care plans of a patient of kind c. Every plan occurs on
// g.date except those of genOffDay; start dates lie in the past, as for
// patients followed for a while.
func (g *dayGen) plans(c genCare, patient xid.ID) []patients.CarePlan {
	d := g.date
	since := func(lo, hi int) patients.Date { return d.AddDays(-(lo + g.rng.IntN(hi-lo+1))) }
	daily := func(start patients.Date) patients.Recurrence {
		return patients.Recurrence{Kind: patients.Daily, Start: start}
	}
	plan := func(kind patients.CareKind, label string, dur int, r patients.Recurrence, ws ...patients.Window) patients.CarePlan {
		return patients.CarePlan{
			ID: g.ids.next(), PatientID: patient, Kind: kind, Label: label, DurationMin: dur,
			Prescriber:   genPick(g, "Dr Martel (fictif)", "Dr Lecointe (fictif)", "Dr Baillet (fictif)"),
			PrescribedOn: r.Start, Recurrence: r, Windows: ws,
		}
	}
	// everyOther is a dressing every other day from a start that falls on
	// today (due) or yesterday (not due), with the prescription's end.
	everyOther := func(due bool) patients.Recurrence {
		start := d.AddDays(-2 * g.rng.IntN(8))
		if !due {
			start = start.AddDays(-1)
		}
		return patients.Recurrence{Kind: patients.EveryN, N: 2, Start: start, Until: d.AddDays(10 + g.rng.IntN(20))}
	}

	switch c {
	case genInsulinTwice, genHospitalised:
		p := plan(patients.Insulin, "Glycémie capillaire et insuline (matin et soir)", genPick(g, 5, 10),
			daily(since(60, 900)), genInsulinAM, genInsulinPM)
		p.Strict = true
		return []patients.CarePlan{p}
	case genInsulinEvening:
		p := plan(patients.Insulin, "Glycémie capillaire et insuline lente au dîner", genPick(g, 5, 10),
			daily(since(30, 700)), genInsulinPM)
		p.Strict = true
		return []patients.CarePlan{p}
	case genFastingDraw:
		r := patients.Recurrence{Kind: patients.GivenDays, Dates: []patients.Date{d}}
		if g.rng.IntN(2) == 0 {
			// A weekly check-up for a few weeks.
			r = patients.Recurrence{Kind: patients.Weekdays, Start: since(7, 21), Weekdays: []time.Weekday{d.Weekday()},
				Until: d.AddDays(14 + g.rng.IntN(14))}
		} else {
			r.Start = d
		}
		p := plan(patients.BloodDraw, genPick(g, "Prise de sang à jeun : glycémie, bilan lipidique",
			"Prise de sang à jeun : bilan rénal et ionogramme", "Prise de sang à jeun : NFS, CRP"), 10, r, genDrawAM)
		p.Strict, p.Fasting, p.LabDropoffBefore = true, true, genLabDropoff
		return []patients.CarePlan{p}
	case genHygiene:
		return []patients.CarePlan{plan(genPick(g, patients.HygieneBSI, patients.HygieneAIS), "Toilette complète au lit",
			genPick(g, 30, 35, 40, 45), daily(since(30, 1000)),
			genPick(g, genWin(8, 0, 10, 0), genWin(8, 0, 11, 0), genWin(8, 30, 11, 0), genWin(9, 0, 11, 0)))}
	case genFixedMorning:
		// A 14-day IV antibiotic course, every 24 h at the same time.
		r := patients.Recurrence{Kind: patients.Daily, Start: since(1, 10), Count: 14}
		p := plan(patients.Infusion, "Antibiotique IV à heure fixe", 30, r, genWin(10, 30, 10, 30))
		p.Strict = true
		return []patients.CarePlan{p}
	case genFixedEvening:
		p := plan(patients.Medication, "Traitement antiparkinsonien à heure fixe", 10, daily(since(30, 400)), genWin(17, 30, 17, 30))
		p.Strict = true
		return []patients.CarePlan{p}
	case genCompression:
		return []patients.CarePlan{plan(patients.Compression, "Pose et retrait des bas de contention", 10,
			daily(since(10, 300)), genWin(7, 30, 9, 30), genWin(18, 30, 20, 0))}
	case genDressingMorning, genOffDay:
		r := everyOther(c == genDressingMorning)
		if c == genDressingMorning && g.rng.IntN(3) == 0 {
			r = daily(since(1, 40)) // a wet wound is dressed every day
		}
		p := plan(patients.Dressing, genPick(g, "Pansement d'ulcère de jambe", "Pansement post-opératoire",
			"Pansement d'escarre sacrée", "Pansement de plaie du pied diabétique"), genPick(g, 10, 15, 20, 25), r,
			genPick(g, genWin(8, 30, 12, 0), genWin(9, 0, 12, 0), genWin(10, 0, 12, 0)))
		p.EndsOn = r.Until
		return []patients.CarePlan{p}
	case genInjectionMorning, genInjectionEvening:
		// Anticoagulant after surgery: a course of a few weeks.
		n := 10 + g.rng.IntN(25)
		r := patients.Recurrence{Kind: patients.Daily, Start: since(0, n-1), Count: n}
		w := genWin(8, 0, 10, 0)
		if c == genInjectionEvening {
			w = genWin(18, 0, 20, 0)
		}
		return []patients.CarePlan{plan(patients.LMWHInjected, "Injection d'anticoagulant (HBPM)", 5, r, w)}
	case genMonitoring:
		return []patients.CarePlan{plan(patients.Monitoring, "Surveillance tension, poids et état cutané", 10,
			daily(since(10, 300)), genWin(9, 0, 12, 0))}
	case genMedication:
		return []patients.CarePlan{plan(patients.Medication, "Aide à la prise des traitements", 10,
			daily(since(10, 500)), genWin(8, 0, 10, 0))}
	case genPillBox:
		r := patients.Recurrence{Kind: patients.Weekdays, Start: since(7, 400), Weekdays: []time.Weekday{d.Weekday()}}
		return []patients.CarePlan{plan(patients.PillBox, "Préparation du pilulier de la semaine", 15, r, genWin(16, 30, 18, 30))}
	case genDressingEvening:
		r := everyOther(true)
		p := plan(patients.Dressing, "Pansement de stomie", 15, r, genWin(17, 0, 19, 0))
		p.EndsOn = r.Until
		return []patients.CarePlan{p}
	}
	panic(fmt.Sprintf("plantest: dayGen has no plans for care kind %d", c))
}

// strictFeasible reports whether nurse can make every strict visit of each
// round on time, one round at a time from her start, travelling by
// DefaultCrow: an exact search over the order of the strict stops (dynamic
// programming over subsets, keeping the earliest finish; waiting is free, so
// earlier always dominates). Soft visits are left out, since they may be
// late. A round with more than genMaxStrictSearch strict stops is too dense
// to be feasible in two hours anyway and is reported infeasible.
func (g *dayGen) strictFeasible(nurse patients.Nurse, ps []patients.Patient, plans []patients.CarePlan) bool {
	where := make(map[xid.ID]*patients.Patient, len(ps))
	for i := range ps {
		where[ps[i].ID] = &ps[i]
	}
	for _, r := range patients.Rounds() {
		hours, ok := nurse.ShiftFor(r)
		if !ok {
			continue
		}
		var stops []genStop
		for _, c := range plans {
			p := where[c.PatientID]
			if _, absent := p.AbsentOn(g.date); !c.Strict || absent || !c.OccursOn(g.date) {
				continue
			}
			for _, w := range c.Windows {
				if patients.RoundOf(w) == r {
					stops = append(stops, genStop{p.Address.Point, w, c.DurationMin})
				}
			}
		}
		if !genScheduleExists(nurse.Start.Point, hours.Start, stops) {
			return false
		}
	}
	return true
}

// genStop is a strict visit for the feasibility search.
type genStop struct {
	at     orb.Point
	window patients.Window
	dur    int
}

// genMaxStrictSearch caps the subset search at 2^14 × 14 states.
const genMaxStrictSearch = 14

// genScheduleExists reports whether the stops can all start inside their
// windows on one route leaving from at start.
func genScheduleExists(from orb.Point, start patients.TimeOfDay, stops []genStop) bool {
	k := len(stops)
	if k == 0 {
		return true
	}
	if k > genMaxStrictSearch {
		return false
	}
	pts := []orb.Point{from}
	for _, s := range stops {
		pts = append(pts, s.at)
	}
	mx, err := planner.DefaultCrow().Matrix(pts, patients.Rural)
	if err != nil {
		// The generator's points are all valid; a failure here is a bug
		// that the tests' feasibility check would show.
		return false
	}
	// finish[set*k+last]: earliest end of service having served set, last
	// served last; +Inf when no order works.
	finish := make([]float64, (1<<k)*k)
	for i := range finish {
		finish[i] = math.Inf(1)
	}
	reach := func(set, last int, t float64, j int) {
		arrive := max(t+mx.Minutes(last, j+1), float64(stops[j].window.Start))
		if arrive <= float64(stops[j].window.End) {
			next := set | 1<<j
			finish[next*k+j] = min(finish[next*k+j], arrive+float64(stops[j].dur))
		}
	}
	for j := range k {
		reach(0, 0, float64(start), j)
	}
	for set := 1; set < 1<<k; set++ {
		for i := range k {
			t := finish[set*k+i]
			if math.IsInf(t, 1) {
				continue
			}
			for j := range k {
				if set&(1<<j) == 0 {
					reach(set, i+1, t, j)
				}
			}
		}
	}
	all := (1<<k - 1) * k
	return slices.ContainsFunc(finish[all:all+k], func(t float64) bool { return !math.IsInf(t, 1) })
}
