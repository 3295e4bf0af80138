package roads

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
	"tournee/planner/plantest"
)

// A generated nurse's day moved to Monaco and planned with the road model:
// each round's kilometres are the road model's legs, stop after stop.
func TestPlannerDrivesOnRoads(t *testing.T) {
	t.Parallel()
	n := loadMonaco(t)
	date := patients.NewDate(2026, time.November, 23)
	in := plantest.GenerateDay(1, 1, 16, date)
	// The generated cabinet is in Coulogne; its area, shrunk to 40 %,
	// lands on Monaco's hills (a few points fall in the sea: those legs
	// are the crow model's).
	from, to := orb.Point{1.8813, 50.9209}, orb.Point{7.42, 43.735}
	move := func(p orb.Point) orb.Point {
		return orb.Point{to[0] + (p[0]-from[0])*0.4, to[1] + (p[1]-from[1])*0.4}
	}
	for i := range in.Patients {
		in.Patients[i].Address.Point = move(in.Patients[i].Address.Point)
	}
	for i := range in.Nurses {
		in.Nurses[i].Start.Point = move(in.Nurses[i].Start.Point)
		in.Nurses[i].End.Point = move(in.Nurses[i].End.Point)
	}
	day, err := planner.BuildDay(in, xid.New)
	if err != nil {
		t.Fatal(err)
	}
	model := NewModel(n)
	plan, err := planner.PlanDay(day.Visits, planner.Context{Date: date, Patients: in.Patients, Nurses: in.Nurses},
		planner.Options{Travel: model, Iterations: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	where := map[xid.ID]orb.Point{}
	for _, p := range in.Patients {
		where[p.ID] = p.Address.Point
	}
	roadLegs := 0
	for _, r := range plan.Routes {
		nurse := in.Nurses[0]
		pts := []orb.Point{nurse.Start.Point}
		for _, s := range r.Stops {
			if !s.Break && !s.Lab {
				pts = append(pts, where[s.PatientID])
			}
		}
		pts = append(pts, nurse.End.Point)
		mx, err := model.Matrix(pts, nurse.TravelProfile)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i := 1; i < len(pts); i++ {
			sum += mx.Meters(i-1, i)
			if !mx.(*RoadMatrix).Fallback(i-1, i) && pts[i-1] != pts[i] {
				roadLegs++
			}
		}
		if math.Abs(sum-r.Meters) > 1e-6*sum+0.01 {
			t.Errorf("%s round: %.0f m planned, %.0f m along the road legs", r.Round, r.Meters, sum)
		}
	}
	if len(plan.Routes) == 0 || roadLegs < 10 {
		t.Fatalf("%d rounds, %d legs on the roads: the test says little", len(plan.Routes), roadLegs)
	}
}
