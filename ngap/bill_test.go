package ngap

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/patients"
)

// cabinetPoint is near the demo cabinet, in Calais.
var cabinetPoint = orb.Point{1.8686, 50.9513}

// atRoadKm places a home whose estimated road distance from the cabinet is
// km: the great-circle distance is km / RoadCircuity.
func atRoadKm(km float64) patients.Place {
	return patients.Place{Label: "domicile", Point: geo.PointAtBearingAndDistance(cabinetPoint, 90, km*1000/RoadCircuity)}
}

var cabinet = patients.Place{Label: "cabinet", Point: cabinetPoint}

// cab is a cabinet whose commune is unknown: IK follow the distance alone.
func cab(mountain bool) Cabinet {
	z := Plaine
	if mountain {
		z = Montagne
	}
	return Cabinet{Place: cabinet, Zone: z}
}

// fixture builds a done visit on date d with one care item per plan.
func fixture(d patients.Date, plans ...patients.CarePlan) (patients.Visit, map[xid.ID]patients.CarePlan) {
	v := patients.Visit{ID: xid.New(), PatientID: xid.New(), Date: d, Round: patients.Morning, Status: patients.Done,
		DoneAt: d.At(patients.Clock(8, 0))}
	m := map[xid.ID]patients.CarePlan{}
	for _, p := range plans {
		p.ID = xid.New()
		m[p.ID] = p
		v.Items = append(v.Items, patients.CareItem{CarePlanID: p.ID, Kind: p.Kind, Label: p.Label})
	}
	return v, m
}

func plan(kind patients.CareKind, cot string) patients.CarePlan {
	return patients.CarePlan{Kind: kind, Label: string(kind), Cotation: cot}
}

func codes(f VisitFees) []string {
	var s []string
	for _, l := range f.Lines {
		s = append(s, l.Code)
	}
	return s
}

func TestBill(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	march := day(2026, time.March, 2)
	tests := []struct {
		name     string
		date     patients.Date
		plans    []patients.CarePlan
		home     patients.Place
		mountain bool
		lines    []string
		total    int64 // cents, computed by hand in the comment
		travel   int64
		ik       int64
		warning  string
	}{
		{name: "insulin with the 5bis surveillance: two acts in full, no MAU", plans: []patients.CarePlan{plan(patients.Insulin, "AMI 1 (+ surveillance, NGAP ch. II art. 5bis)")},
			// surveillance AMI 1 + injection AMI 1 in full (art. 5bis) = 6,30 + IFD 2,75
			lines: []string{"AMI", "AMI", "IFD"}, total: 905, travel: 275},
		{name: "single AMI 1: MAU added, IFD", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1")},
			// 3,15 + 1,35 + 2,75
			lines: []string{"AMI", "MAU", "IFD"}, total: 725, travel: 275},
		{name: "AMI 1 + MAU written", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1 + MAU")},
			lines: []string{"AMI", "MAU", "IFD"}, total: 725, travel: 275},
		{name: "IFD at 2,50 the day before avenant 10", date: day(2024, time.January, 27), plans: []patients.CarePlan{plan(patients.Injection, "AMI 1")},
			// 3,15 + 1,35 + 2,50
			lines: []string{"AMI", "MAU", "IFD"}, total: 700, travel: 250},
		{name: "AMI 1.5 alone: MAU (≤ 1.5)", plans: []patients.CarePlan{plan(patients.BloodDraw, "AMI 1.5 (+ MAU if only act)")},
			// 3,15 × 1,5 = 4,725 → 4,73; + 1,35 + 2,75
			lines: []string{"AMI", "MAU", "IFD"}, total: 883, travel: 275},
		{name: "AMI 2 alone: no MAU", plans: []patients.CarePlan{plan(patients.Dressing, "AMI 2")},
			lines: []string{"AMI", "IFD"}, total: 905, travel: 275},
		{name: "AMI 1.5 + AMI 1: article 11B", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1"), plan(patients.BloodDraw, "AMI 1.5")},
			// 4,73 (AMI 1.5 in full) + 3,15 / 2 = 1,575 → 1,58 + IFD 2,75; no MAU with two acts
			lines: []string{"AMI", "AMI", "IFD"}, total: 906, travel: 275},
		{name: "third act at 0 (11B)", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1"), plan(patients.Dressing, "AMI 2"), plan(patients.BloodDraw, "AMI 1.5")},
			// 6,30 + 4,725 / 2 = 2,3625 → 2,36 + 0 + 2,75
			lines: []string{"AMI", "AMI", "AMI", "IFD"}, total: 1141, travel: 275},
		{name: "insulin art. 5bis pair in full, then the draw at 50 %", plans: []patients.CarePlan{plan(patients.Insulin, "AMI 1 + AMI 1"), plan(patients.BloodDraw, "AMI 1.5")},
			// (3,15 + 3,15) + 2,36 + 2,75 — the doc's (AMI 1 + AMI 1) + AMI 1.5/2
			lines: []string{"AMI", "AMI", "AMI", "IFD"}, total: 1141, travel: 275},
		{name: "two plain acts of coefficient 1 are not a 5bis pair", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1 + AMI 1")},
			// 3,15 + 1,575 → 1,58 + 2,75
			lines: []string{"AMI", "AMI", "IFD"}, total: 748, travel: 275},
		{name: "AMI 4 + MCI at home", plans: []patients.CarePlan{plan(patients.Dressing, "AMI 4 + MCI")},
			// 12,60 + 5,00 + 2,75; no MAU with MCI (and coefficient 4)
			lines: []string{"AMI", "MCI", "IFD"}, total: 2035, travel: 275},
		{name: "MAU and MCI never together", plans: []patients.CarePlan{plan(patients.Palliative, "AMI 1 + MAU + MCI")},
			lines: []string{"AMI", "MCI", "IFD"}, total: 315 + 500 + 275, travel: 275, warning: "MAU"},
		{name: "BSA + IFI", plans: []patients.CarePlan{plan(patients.HygieneBSI, "BSA (forfait journalier BSI) + IFI")},
			// 13,00 + 2,75
			lines: []string{"BSA", "IFI"}, total: 1575, travel: 275},
		{name: "BSB without IFI written is still IFI", plans: []patients.CarePlan{plan(patients.HygieneBSI, "BSB")},
			lines: []string{"BSB", "IFI"}, total: 1820 + 275, travel: 275},
		{name: "one forfait per visit, the higher", plans: []patients.CarePlan{plan(patients.HygieneBSI, "BSA"), plan(patients.HygieneBSI, "BSC")},
			lines: []string{"BSC", "IFI"}, total: 2870 + 275, travel: 275, warning: "un seul forfait"},
		{name: "IK plaine, patient 5 km away (doc example)", home: atRoadKm(5), plans: []patients.CarePlan{plan(patients.Injection, "AMI 1")},
			// IFD 2,75 + (10 − 4) × 0,35 = 4,85 of travel, + AMI 1 + MAU
			lines: []string{"AMI", "MAU", "IFD", IKPlaine}, total: 315 + 135 + 485, travel: 485, ik: 210, warning: "kilométrage réel"},
		{name: "IK montagne, patient 12 km away (doc example)", home: atRoadKm(12), mountain: true, plans: []patients.CarePlan{plan(patients.Dressing, "AMI 2")},
			// (24 − 2) × 0,50 = 11,00
			lines: []string{"AMI", "IFD", IKMontagne}, total: 630 + 275 + 1100, travel: 1375, ik: 1100},
		{name: "no IK within 2 km in plaine", home: atRoadKm(1.9), plans: []patients.CarePlan{plan(patients.Dressing, "AMI 2")},
			lines: []string{"AMI", "IFD"}, total: 905, travel: 275},
		{name: "1.9 km in montagne is beyond 1 km", home: atRoadKm(1.9), mountain: true, plans: []patients.CarePlan{plan(patients.Dressing, "AMI 2")},
			// 3,8 − 2 = 1,8 → 2 km × 0,50
			lines: []string{"AMI", "IFD", IKMontagne}, total: 905 + 100, travel: 375, ik: 100},
		{name: "no coordinates: no IK, a warning", home: patients.Place{}, plans: []patients.CarePlan{plan(patients.Dressing, "AMI 2")},
			lines: []string{"AMI", "IFD"}, total: 905, travel: 275, warning: "IK non calculées"},
		{name: "night and Sunday written on a Monday at 8h: neither, two points to check", plans: []patients.CarePlan{plan(patients.Injection, "AMI 1 + nuit + dimanche")},
			// 3,15 + MAU 1,35 + 2,75: the words do not bill against the calendar and the clock
			lines: []string{"AMI", "MAU", "IFD"}, total: 315 + 135 + 275, travel: 275, warning: "ni dimanche ni férié"},
		{name: "no cotation: nothing billed", plans: []patients.CarePlan{plan(patients.PillBox, "")},
			lines: nil, total: 0, warning: "pas de cotation"},
		{name: "palliative with unnamed acts: MCI and IFD, the act priced", plans: []patients.CarePlan{plan(patients.Palliative, "acts per NGAP + MCI"), plan(patients.Injection, "AMI 1")},
			// AMI 1 3,15 + MCI 5,00 + IFD 2,75; no MAU with MCI
			lines: []string{"AMI", "MCI", "IFD"}, total: 315 + 500 + 275, travel: 275, warning: "actes non précisés"},
		{name: "unreadable cotation: the other act alone", plans: []patients.CarePlan{plan(patients.PillBox, "unknown - check NGAP"), plan(patients.Injection, "AMI 1")},
			lines: []string{"AMI", "MAU", "IFD"}, total: 725, travel: 275, warning: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := tt.date
			if d.IsZero() {
				d = march
			}
			home := tt.home
			if home == (patients.Place{}) && !strings.Contains(tt.name, "no coordinates") {
				home = cabinet // same place: no IK
			}
			v, plans := fixture(d, tt.plans...)
			f, err := Bill(v, plans, Home{Place: home}, cab(tt.mountain), tab)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(f); !slices.Equal(got, tt.lines) {
				t.Errorf("lines %v, want %v (%+v)", got, tt.lines, f.Lines)
			}
			if f.Total != tt.total || f.TravelTotal != tt.travel || f.IKTotal != tt.ik {
				t.Errorf("total %d travel %d ik %d; want %d, %d, %d (%+v)", f.Total, f.TravelTotal, f.IKTotal, tt.total, tt.travel, tt.ik, f.Lines)
			}
			var sum int64
			for _, l := range f.Lines {
				sum += l.Cents
			}
			if sum != f.Total {
				t.Errorf("lines add up to %d, total says %d", sum, f.Total)
			}
			if tt.warning != "" && !slices.ContainsFunc(f.Warnings, func(w string) bool { return strings.Contains(w, tt.warning) }) {
				t.Errorf("warnings %q lack %q", f.Warnings, tt.warning)
			}
			if f.VisitID != v.ID || f.Date != d {
				t.Errorf("visit %s on %s, want %s on %s", f.VisitID, f.Date, v.ID, d)
			}
		})
	}
}

func TestBillErrors(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	v, plans := fixture(day(2026, time.March, 2), plan(patients.Injection, "AMI 1"))
	planned := v
	planned.Status = patients.Planned
	if _, err := Bill(planned, plans, Home{Place: cabinet}, cab(false), tab); err == nil {
		t.Error("a planned visit was billed")
	}
	if _, err := Bill(v, map[xid.ID]patients.CarePlan{}, Home{Place: cabinet}, cab(false), tab); err == nil {
		t.Error("a visit with a missing plan was billed")
	}
	early := v
	early.Date = day(2011, time.January, 3) // before the table's first rows
	if _, err := Bill(early, plans, Home{Place: cabinet}, cab(false), tab); err == nil {
		t.Error("a visit with no tariff in force was billed")
	}
	if _, err := Bill(v, plans, Home{Place: cabinet}, cab(false), Tariffs{}); err == nil {
		t.Error("an empty table priced a visit")
	}
}

func TestBillVisits(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d := day(2026, time.March, 2)
	nurse := xid.New()
	hyg := plan(patients.HygieneBSI, "BSB + IFI")
	morning, plans := fixture(d, hyg)
	evening := morning
	evening.ID = xid.New()
	evening.Round = patients.Evening
	evening.DoneAt = d.At(patients.Clock(18, 0))
	// The household: two patients of one home seen one after the other.
	ins := plan(patients.Insulin, "AMI 1")
	husband, p2 := fixture(d, ins)
	wife := husband
	wife.ID, wife.PatientID = xid.New(), xid.New()
	wife.DoneAt = husband.DoneAt.Add(10 * time.Minute)
	for k, v := range p2 {
		plans[k] = v
	}
	for _, v := range []*patients.Visit{&morning, &evening, &husband, &wife} {
		v.DoneBy = nurse
	}
	far := atRoadKm(5)
	homes := map[xid.ID]Home{
		morning.PatientID: {Place: cabinet},
		husband.PatientID: {Place: far, Household: "h1"},
		wife.PatientID:    {Place: far, Household: "h1"},
	}
	// Evening first in the slice: "earlier" is by time done, not slice order.
	fees, err := BillVisits([]patients.Visit{evening, morning, wife, husband}, plans, homes, cab(false), tab)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(fees[1]); !slices.Equal(got, []string{"BSB", "IFI"}) {
		t.Errorf("morning %v, want the forfait and IFI", got)
	}
	if got := codes(fees[0]); !slices.Equal(got, []string{"IFI"}) || fees[0].Total != 275 {
		t.Errorf("evening %v (%d), want IFI only: the forfait is once a day", got, fees[0].Total)
	}
	if got := codes(fees[3]); !slices.Equal(got, []string{"AMI", "MAU", "IFD", IKPlaine}) || fees[3].Total != 315+135+485 {
		t.Errorf("husband %v (%d), want AMI, MAU, IFD, IK", got, fees[3].Total)
	}
	if got := codes(fees[2]); !slices.Equal(got, []string{"AMI", "MAU"}) || fees[2].TravelTotal != 0 || fees[2].Total != 450 {
		t.Errorf("wife %v (%d), want no second travel in the same home", got, fees[2].Total)
	}
}
