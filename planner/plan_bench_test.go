package planner_test

// An external test package, for the generated days: see generated_test.go.

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	. "tournee/planner"
)

// The goal is a realistic day planned in under 200 ms and a re-plan
// in under 20 ms. Besides the time, the day benchmarks report what the
// plan is worth: minutes of driving and visits left out, of the last plan
// (TimeLimit makes each run slightly different).

// ptBenchDay plans a generated day with the search bounded at 150 ms for
// the whole day (PlanDay shares TimeLimit between the rounds).
func ptBenchDay(b *testing.B, seed uint64, nurses, visits int) {
	_, day, ctx, lab := ptGenDay(b, seed, nurses, visits)
	opt := Options{Lab: lab, TimeLimit: 150 * time.Millisecond}
	var plan Plan
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if plan, err = PlanDay(day, ctx, opt); err != nil {
			b.Fatal(err)
		}
	}
	ptReportPlan(b, plan)
}

func ptReportPlan(b *testing.B, plan Plan) {
	drive := 0.0
	for _, r := range plan.Routes {
		drive += r.DriveMin
	}
	b.ReportMetric(drive, "drive-min")
	b.ReportMetric(float64(len(plan.Unplanned)), "unplanned")
}

func BenchmarkPlan3x20(b *testing.B) { ptBenchDay(b, 1, 3, 20) }

func BenchmarkPlan1x45(b *testing.B) { ptBenchDay(b, 1, 1, 45) }

// BenchmarkPlanDemo plans today's visits of the demo cabinet, lab stop
// included, as `tournee plan` would.
func BenchmarkPlanDemo(b *testing.B) {
	today := patients.DateOf(time.Now())
	n := 0
	ds, err := demo.Load(today, func() xid.ID { n++; return PtID(20_000 + n) })
	if err != nil {
		b.Fatal(err)
	}
	day, err := BuildDay(DayInput{Date: today, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses},
		func() xid.ID { n++; return PtID(20_000 + n) })
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{TimeLimit: 150 * time.Millisecond}
	if lab, ok := ds.Cabinet.LabPlace(); ok {
		opt.Lab = &lab
	}
	ctx := Context{Date: today, Patients: ds.Patients, Nurses: ds.Nurses}
	var plan Plan
	b.ReportAllocs()
	for b.Loop() {
		if plan, err = PlanDay(day.Visits, ctx, opt); err != nil {
			b.Fatal(err)
		}
	}
	ptReportPlan(b, plan)
}

// BenchmarkReplan re-plans a one-nurse morning of 20 visits from her 5th
// visit, 20 min late, with Replan's own time budget.
func BenchmarkReplan(b *testing.B) {
	morning, ctx, lab := ptGenMorning(b, 1, 20)
	opt := Options{Lab: lab, Iterations: 3000, Seed: 1}
	plan, err := PlanDay(morning, ctx, opt)
	if err != nil {
		b.Fatal(err)
	}
	stops := PtVisitStops(plan.Routes[0])
	sit := Situation{NurseID: ctx.Nurses[0].ID, Round: patients.Morning, At: stops[4].VisitID, DelayMin: 20}
	var got Replanned
	b.ReportAllocs()
	for b.Loop() {
		if got, err = Replan(plan, morning, ctx, sit, Options{Lab: lab}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(got.Risks)), "risks")
}

// BenchmarkReplanFromNow re-plans the rest of one nurse's morning on a
// generated three-nurse day (the colleagues' rounds searched for
// proposals): four visits done, the clock just after the fourth, 30 min
// late, at Replan's own budget. The goal is under 20 ms.
func BenchmarkReplanFromNow(b *testing.B) {
	_, visits, ctx, lab := ptGenDay(b, 1, 3, 20)
	morning := PtRound(visits, patients.Morning)
	plan, err := PlanDay(morning, ctx, Options{Lab: lab, Iterations: 2000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	r := plan.Routes[0]
	stops := PtVisitStops(r)
	var now float64
	for _, s := range stops[:4] {
		i := slices.IndexFunc(morning, func(v patients.Visit) bool { return v.ID == s.VisitID })
		end := patients.TimeOfDay(math.Round(s.Start)) + patients.TimeOfDay(s.DurationMin)
		morning[i].Status, morning[i].DoneAt, morning[i].DoneBy = patients.Done, PtDate.At(end), r.NurseID
		now = float64(end) + 5
	}
	opt := Options{Lab: lab, Now: now}
	plan, err = PlanDay(morning, ctx, Options{Lab: lab, Now: now, Iterations: 2000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	sit := Situation{NurseID: r.NurseID, Round: patients.Morning, DelayMin: 30}
	var got Replanned
	b.ReportAllocs()
	for b.Loop() {
		if got, err = Replan(plan, morning, ctx, sit, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(got.Route.Stops)), "stops")
	b.ReportMetric(float64(len(got.Risks)), "risks")
}
