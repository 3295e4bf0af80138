package ngap

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
)

// The hand-computed table the issue asks for: 57 visits over weekday,
// Sunday and holiday, day and night, single act, art. 5bis, BSI, perfusion,
// pansement lourd, same home and separate trips, in and out of the cabinet's
// agglomeration, old and new tariffs. Every amount is worked out in the
// comment from docs/ngap-idel.md §1 (values) and §3 (rules):
//
//	AMI 3,15  AIS 2,65  BSB 18,20  IFD/IFI 2,75 (2,50 before 28/01/2024)
//	MAU 1,35  MCI 5,00  N1 9,15  N2 18,30  F 8,50 (8,00 before 01/08/2018)
//	IK plaine 0,35/km (round trip − 4 km), montagne 0,50/km (− 2 km)
//
// The test homes are at fixed road distances from the cabinet in Calais:
// Guînes 5 km (IK plaine (10 − 4) × 0,35 = 2,10; montagne (10 − 2) × 0,50 =
// 4,00), Marck 1,5 km (plaine: within 2 km, no IK; montagne (3 − 2) × 0,50 =
// 0,50), Andres 13,5 km (plaine (27 − 4) × 0,35 = 8,05), Calais 5 km but the
// cabinet's own commune (no IK, §3.4).

var tableKm = map[string]float64{"guines": 5, "marck": 1.5, "calais": 5, "metz": 3, "andres": 13.5}

func tableDistance(_, b patients.Place) (float64, bool) { return tableKm[b.Label], true }

var tableHomes = map[string]Home{
	"calais": {Place: patients.Place{Label: "calais", Point: orb.Point{1.85, 50.94}}, Commune: "Calais", PostalCode: "62100"},
	"guines": {Place: patients.Place{Label: "guines", Point: orb.Point{1.87, 50.87}}, Commune: "Guînes", PostalCode: "62340"},
	"marck":  {Place: patients.Place{Label: "marck", Point: orb.Point{1.94, 50.95}}, Commune: "Marck", PostalCode: "62730"},
	"metz":   {Place: patients.Place{Label: "metz", Point: orb.Point{6.17, 49.11}}, Commune: "Metz", PostalCode: "57000"},
	"enfant": {Place: patients.Place{Label: "calais", Point: orb.Point{1.85, 50.94}}, Commune: "Calais", PostalCode: "62100",
		BirthDate: day(2019, time.December, 2)},
	"andres": {Place: patients.Place{Label: "andres", Point: orb.Point{1.91, 50.86}}, Commune: "Andres", PostalCode: "62340"},
}

func tableCabinet(zone Zone, alsace bool) Cabinet {
	if alsace {
		return Cabinet{Place: patients.Place{Label: "cabinet", Point: orb.Point{6.18, 49.12}}, Commune: "Metz", PostalCode: "57000",
			Zone: zone, Distance: tableDistance}
	}
	return Cabinet{Place: cabinet, Commune: "Calais", PostalCode: "62100", Zone: zone, Distance: tableDistance}
}

var (
	daily  = patients.Recurrence{Kind: patients.Daily, Start: day(2018, time.January, 1)}
	every2 = patients.Recurrence{Kind: patients.EveryN, N: 2, Start: day(2018, time.January, 1)}
)

func sPlan(kind patients.CareKind, r patients.Recurrence, acts ...patients.CareAct) patients.CarePlan {
	return patients.CarePlan{Kind: kind, Label: string(kind), Acts: acts, Recurrence: r}
}

func tPlan(kind patients.CareKind, r patients.Recurrence, text string) patients.CarePlan {
	return patients.CarePlan{Kind: kind, Label: string(kind), Cotation: text, Recurrence: r}
}

func preset(id string, r patients.Recurrence) patients.CarePlan {
	p, ok := PresetByID(id)
	if !ok {
		panic("no preset " + id)
	}
	return sPlan(p.Kind, r, p.Acts...)
}

func flagged(p patients.CarePlan, sunday, night bool) patients.CarePlan {
	p.SundaysAndHolidays, p.NightOrFixedTime = sunday, night
	return p
}

func TestHandComputedTable(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var (
		tue       = day(2026, time.December, 1)
		sun       = day(2026, time.November, 29)
		xmas      = day(2026, time.December, 25) // Friday, national holiday
		stEtienne = day(2026, time.December, 26) // Saturday, holiday in Alsace-Moselle only
		goodFri   = day(2026, time.April, 3)     // Easter 2026 is 5 April
		easterMon = day(2026, time.April, 6)
		old2024   = day(2024, time.January, 27) // Saturday, last day of IFD 2,50
		new2024   = day(2024, time.January, 28) // Sunday, IFD 2,75
		old2018   = day(2018, time.July, 29)    // Sunday, F 8,00
		new2018   = day(2018, time.August, 5)   // Sunday, F 8,50

		ins      = preset("insuline", daily)
		insText  = tPlan(patients.Insulin, daily, "AMI 1 (+ surveillance, NGAP ch. II art. 5bis)")
		inj      = preset("injection", every2)
		draw     = preset("prelevement", every2)
		dress    = preset("pansement-simple", every2)
		heavy    = preset("pansement-lourd", every2)
		heavyTxt = tPlan(patients.Dressing, every2, "AMI 4 + MCI")
		ais      = preset("ais", every2)
		perfTxt  = tPlan(patients.Infusion, daily, "AMI 9 + AMI 4")
		perf     = preset("perfusion-courte", daily)
		bsb      = preset("bsb", daily)
		pallTxt  = tPlan(patients.Palliative, daily, "actes selon la NGAP + MCI")
		injNight = flagged(inj, false, true)
		injSun   = flagged(inj, true, false)
		injBoth  = flagged(inj, true, true)
		nuitTxt  = tPlan(patients.Injection, every2, "AMI 1 + nuit")
		pillbox  = tPlan(patients.PillBox, daily, "")
	)
	type visit struct {
		date    patients.Date
		at      string // start of care, HH:MM; the visit lasts 10 minutes
		home    string
		patient string // same name, same patient; "" = a patient of its own
		plans   []patients.CarePlan
		want    int64 // cents
	}
	type scenario struct {
		name     string
		mountain bool
		alsace   bool
		visits   []visit // billed together by one nurse (BillVisits)
	}
	one := func(name string, v visit) scenario { return scenario{name: name, visits: []visit{v}} }
	mont := func(s scenario) scenario { s.mountain = true; return s }
	alsace := func(s scenario) scenario { s.alsace = true; return s }
	ps := func(p ...patients.CarePlan) []patients.CarePlan { return p }
	scenarios := []scenario{
		// Weekday, day, single acts (§3.1, §3.2).
		one("insulin 5bis structured", visit{tue, "08:30", "calais", "", ps(ins), 630 + 275}),                          // AMI 1 + AMI 1 in full + IFD
		one("insulin 5bis from the text", visit{tue, "08:30", "calais", "", ps(insText), 630 + 275}),                   // same: the note's surveillance is an act
		one("single AMI 1: MAU", visit{tue, "08:30", "calais", "", ps(inj), 315 + 135 + 275}),                          // AMI 1 + MAU + IFD
		one("child the day before 7: MIE with MAU", visit{tue, "08:30", "enfant", "", ps(inj), 315 + 135 + 315 + 275}), // §3.2: MIE 3,15, combines with MAU
		one("blood draw AMI 1,5: MAU", visit{tue, "09:00", "calais", "", ps(draw), 473 + 135 + 275}),                   // 4,725 → 4,73 + MAU + IFD
		one("dressing out of town, plaine", visit{tue, "09:00", "guines", "", ps(dress), 630 + 275 + 210}),             // AMI 2 + IFD + IK 6 km × 0,35
		mont(one("dressing out of town, montagne", visit{tue, "09:00", "guines", "", ps(dress), 630 + 275 + 400})),     // IK 8 km × 0,50
		one("1,5 km in plaine: no IK", visit{tue, "09:00", "marck", "", ps(dress), 630 + 275}),                         // ≤ 2 km
		mont(one("1,5 km in montagne: IK", visit{tue, "09:00", "marck", "", ps(dress), 630 + 275 + 50})),               // (3 − 2) × 0,50
		one("pansement lourd + MCI", visit{tue, "09:00", "calais", "", ps(heavy), 1260 + 500 + 275}),                   // AMI 4 + MCI + IFD, no IK in Calais
		one("pansement lourd from the text", visit{tue, "09:00", "calais", "", ps(heavyTxt), 1260 + 500 + 275}),        // "AMI 4 + MCI" on a dressing
		one("AIS 3 + pansement lourd: both in full", visit{tue, "09:00", "calais", "", ps(ais, heavy), 795 + 1260 + 500 + 275}),
		one("AIS 3 + simple dressing: 11B", visit{tue, "09:00", "calais", "", ps(ais, dress), 795 + 315 + 275}), // AMI 2 at 50 %
		one("insulin + draw: (AMI 1 + AMI 1) + AMI 1,5/2", visit{tue, "09:00", "calais", "", ps(ins, draw), 630 + 236 + 275}),
		one("perfusion stages in full", visit{tue, "10:00", "calais", "", ps(perfTxt), 2835 + 1260 + 275}),   // AMI 9 + AMI 4
		one("perfusion + draw at 50 %", visit{tue, "10:00", "calais", "", ps(perf, draw), 2835 + 236 + 275}), // AMI 9 + 4,725/2
		one("BSB: IFI", visit{tue, "10:00", "calais", "", ps(bsb), 1820 + 275}),                              // forfait + IFI
		one("BSB out of town: IFI + IK", visit{tue, "10:00", "guines", "", ps(bsb), 1820 + 275 + 210}),
		one("palliative, acts unnamed: MCI + IFD", visit{tue, "10:00", "calais", "", ps(pallTxt), 500 + 275}),
		one("palliative + injection: MCI, no MAU", visit{tue, "10:00", "calais", "", ps(pallTxt, inj), 315 + 500 + 275}),
		// Night (NGAP DG art. 14): only with « horaire imposé / nuit ».
		one("night 21h prescribed: N1", visit{tue, "21:00", "calais", "", ps(injNight), 315 + 135 + 915 + 275}),
		one("night 23h30 prescribed: N2", visit{tue, "23:30", "calais", "", ps(injNight), 315 + 135 + 1830 + 275}),
		one("night 6h prescribed: N1", visit{tue, "06:00", "calais", "", ps(injNight), 315 + 135 + 915 + 275}),
		one("night prescribed, done at 10h: nothing", visit{tue, "10:00", "calais", "", ps(injNight), 315 + 135 + 275}),
		one("21h not prescribed: the cabinet's organisation", visit{tue, "21:00", "calais", "", ps(inj), 315 + 135 + 275}),
		one("« + nuit » at 10h: nothing", visit{tue, "10:00", "calais", "", ps(nuitTxt), 315 + 135 + 275}),
		one("« + nuit » at 21h: N1", visit{tue, "21:00", "calais", "", ps(nuitTxt), 315 + 135 + 915 + 275}),
		// Sunday and holidays.
		one("Sunday, insulin every day: F", visit{sun, "08:30", "calais", "", ps(ins), 630 + 850 + 275}),
		one("Sunday, prescribed incl. Sundays: F", visit{sun, "08:30", "calais", "", ps(injSun), 315 + 135 + 850 + 275}),
		one("Sunday, every 2 days, no mention: no F", visit{sun, "09:00", "calais", "", ps(dress), 630 + 275}),
		one("Sunday 21h, both flags: N1 > F", visit{sun, "21:00", "calais", "", ps(injBoth), 315 + 135 + 915 + 275}),
		one("Sunday 23h30, both flags: N2", visit{sun, "23:30", "calais", "", ps(injBoth), 315 + 135 + 1830 + 275}),
		mont(one("Sunday pansement lourd out of town, montagne", visit{sun, "09:00", "guines", "", ps(flagged(heavy, true, false)), 1260 + 500 + 850 + 275 + 400})),
		one("Christmas insulin: F", visit{xmas, "08:30", "calais", "", ps(ins), 630 + 850 + 275}),
		one("Christmas BSB: F + IFI", visit{xmas, "08:30", "calais", "", ps(bsb), 1820 + 850 + 275}),
		one("26 December in Calais: a Saturday", visit{stEtienne, "08:30", "calais", "", ps(ins), 630 + 275}),
		alsace(one("26 December in Metz: holiday", visit{stEtienne, "08:30", "metz", "", ps(ins), 630 + 850 + 275})),
		one("Good Friday in Calais: a Friday", visit{goodFri, "08:30", "calais", "", ps(ins), 630 + 275}),
		alsace(one("Good Friday in Metz: holiday", visit{goodFri, "08:30", "metz", "", ps(ins), 630 + 850 + 275})),
		one("Easter Monday: F", visit{easterMon, "08:30", "calais", "", ps(ins), 630 + 850 + 275}),
		// Old tariff dates.
		one("27/01/2024: IFD 2,50", visit{old2024, "09:00", "guines", "", ps(inj), 315 + 135 + 250 + 210}),
		one("28/01/2024 (Sunday, no mention): IFD 2,75, no F", visit{new2024, "09:00", "guines", "", ps(inj), 315 + 135 + 275 + 210}),
		one("29/07/2018 Sunday: F 8,00, IFD 2,50", visit{old2018, "08:30", "calais", "", ps(ins), 630 + 800 + 250}),
		one("05/08/2018 Sunday: F 8,50", visit{new2018, "08:30", "calais", "", ps(ins), 630 + 850 + 250}),
		// Trips (§3.4): one displacement per trip.
		{name: "a couple seen one after the other: one trip", visits: []visit{
			{tue, "08:00", "guines", "husband", ps(ins), 630 + 275 + 210},
			{tue, "08:12", "guines", "wife", ps(inj), 315 + 135}, // began 2 min after: no IFD, no IK
		}},
		{name: "insulin 7h then dressing 9h: two trips", visits: []visit{
			{tue, "07:00", "guines", "p", ps(ins), 630 + 275 + 210},
			{tue, "09:00", "guines", "p", ps(dress), 630 + 275 + 210},
		}},
		{name: "the issue's example: dressing at 9h after insulin at 7h, 13,5 km away, 17,10 €", visits: []visit{
			{tue, "07:00", "andres", "s", ps(ins), 630 + 275 + 805}, // IK (27 − 4) km × 0,35 = 8,05
			{tue, "09:00", "andres", "s", ps(dress), 630 + 275 + 805},
		}},
		{name: "pill box 14h then insulin 18h: the insulin trip keeps its travel", visits: []visit{
			{tue, "14:00", "guines", "q", ps(pillbox), 0},
			{tue, "18:00", "guines", "q", ps(ins), 630 + 275 + 210},
		}},
		{name: "same household with a visit elsewhere in between: two trips", visits: []visit{
			{tue, "08:00", "guines", "husband", ps(ins), 630 + 275 + 210},
			{tue, "08:15", "calais", "", ps(inj), 315 + 135 + 275},
			{tue, "08:30", "guines", "wife", ps(inj), 315 + 135 + 275 + 210},
		}},
		{name: "BSB morning and evening: one forfait a day, two trips", visits: []visit{
			{tue, "08:00", "calais", "r", ps(bsb), 1820 + 275},
			{tue, "18:00", "calais", "r", ps(bsb), 275},
		}},
	}
	n := 0
	for _, sc := range scenarios {
		n += len(sc.visits)
	}
	if n < 40 {
		t.Fatalf("%d visits in the table, the issue asks for 40 or more", n)
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			zone := Plaine
			if sc.mountain {
				zone = Montagne
			}
			cab := tableCabinet(zone, sc.alsace)
			nurse := xid.New()
			plans := map[xid.ID]patients.CarePlan{}
			homes := map[xid.ID]Home{}
			ids := map[string]xid.ID{}
			var vs []patients.Visit
			for _, tv := range sc.visits {
				pid, ok := ids[tv.patient]
				if !ok || tv.patient == "" {
					pid = xid.New()
					ids[tv.patient] = pid
				}
				h := tableHomes[tv.home]
				if tv.patient == "husband" || tv.patient == "wife" {
					h.Household = "couple"
				}
				homes[pid] = h
				start, err := patients.ParseTimeOfDay(tv.at)
				if err != nil {
					t.Fatal(err)
				}
				v := patients.Visit{ID: xid.New(), PatientID: pid, Date: tv.date, Status: patients.Done, DurationMin: 10,
					DoneAt: tv.date.At(start).Add(10 * time.Minute), DoneBy: nurse}
				for _, p := range tv.plans {
					p.ID = xid.New()
					plans[p.ID] = p
					v.Items = append(v.Items, patients.CareItem{CarePlanID: p.ID, Kind: p.Kind, Label: p.Label})
				}
				vs = append(vs, v)
			}
			fees, err := BillVisits(vs, plans, homes, cab, tab)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range fees {
				if f.Total != sc.visits[i].want {
					t.Errorf("visit %d at %s: %s, want %s\n%s", i+1, sc.visits[i].at, eurosText(f.Total), eurosText(sc.visits[i].want), describe(f))
				}
			}
		})
	}
}

func eurosText(c int64) string { return fmt.Sprintf("%d,%02d €", c/100, c%100) }

func describe(f VisitFees) string {
	var b strings.Builder
	for _, l := range f.Lines {
		fmt.Fprintf(&b, "  %-60s %s\n", l.Label, eurosText(l.Cents))
	}
	for _, w := range slices.Sorted(slices.Values(f.Warnings)) {
		fmt.Fprintf(&b, "  ! %s\n", w)
	}
	return b.String()
}
