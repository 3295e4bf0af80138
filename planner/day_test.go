package planner

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// Fixed IDs keep failures readable and outputs comparable across runs.
var (
	nurseAnne  = tid(1)
	nurseBruno = tid(2)
	patDupont  = tid(11)
	patMartin  = tid(12)
	patAubert  = tid(13)
)

// tid builds a recognisable non-zero ID.
func tid(n int) xid.ID {
	var id xid.ID
	id[0], id[10], id[11] = 0xAB, byte(n>>8), byte(n)
	return id
}

// counter is a deterministic newID: 1, 2, 3...
func counter() func() xid.ID {
	n := 100
	return func() xid.ID { n++; return tid(n) }
}

func date(y int, m time.Month, d int) patients.Date {
	return patients.Date{Year: y, Month: m, Day: d}
}

func win(h1, m1, h2, m2 int) patients.Window {
	return patients.Window{Start: patients.Clock(h1, m1), End: patients.Clock(h2, m2)}
}

func nurse(id xid.ID, first, last string, shifts ...patients.Shift) patients.Nurse {
	return patients.Nurse{ID: id, FirstName: first, LastName: last, Shifts: shifts}
}

func morning(w patients.Window) patients.Shift {
	return patients.Shift{Round: patients.Morning, Hours: w}
}

func evening(w patients.Window) patients.Shift {
	return patients.Shift{Round: patients.Evening, Hours: w}
}

func patient(id xid.ID, last, first string) patients.Patient {
	return patients.Patient{ID: id, BirthName: last, FirstName: first, PrimaryNurse: nurseAnne}
}

// daily is a care plan every day from 2026-01-01 with the given windows.
func daily(n int, pat xid.ID, label string, dur int, ws ...patients.Window) patients.CarePlan {
	return patients.CarePlan{
		ID: tid(1000 + n), PatientID: pat, Kind: patients.OtherCare, Label: label, DurationMin: dur,
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: date(2026, time.January, 1)},
		Windows:    ws,
	}
}

// input is a day with Anne working both usual rounds and Mme DUPONT.
func input(d patients.Date, plans ...patients.CarePlan) DayInput {
	return DayInput{
		Date:      d,
		Patients:  []patients.Patient{patient(patDupont, "Dupont", "Jeanne")},
		CarePlans: plans,
		Nurses:    []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", patients.DefaultShifts()...)},
	}
}

func build(t *testing.T, in DayInput) Day {
	t.Helper()
	day, err := BuildDay(in, counter())
	if err != nil {
		t.Fatalf("BuildDay: %v", err)
	}
	return day
}

func TestBuildDayRecurrence(t *testing.T) {
	t.Parallel()
	base := daily(1, patDupont, "Pansement", 15, win(8, 0, 10, 0))
	with := func(f func(*patients.CarePlan)) patients.CarePlan {
		c := base
		f(&c)
		return c
	}
	everyTwo := with(func(c *patients.CarePlan) {
		c.Recurrence = patients.Recurrence{Kind: patients.EveryN, N: 2, Start: date(2026, time.January, 30)}
	})
	everyTwoTwice := with(func(c *patients.CarePlan) {
		c.Recurrence = patients.Recurrence{Kind: patients.EveryN, N: 2, Count: 2, Start: date(2026, time.January, 30)}
	})
	monWedFri := with(func(c *patients.CarePlan) {
		c.Recurrence = patients.Recurrence{Kind: patients.Weekdays, Start: date(2026, time.November, 1),
			Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}}
	})
	monWedFriThrice := with(func(c *patients.CarePlan) {
		// First matching days: Mon 23, Wed 25, Fri 27 November.
		c.Recurrence = patients.Recurrence{Kind: patients.Weekdays, Start: date(2026, time.November, 23), Count: 3,
			Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}}
	})
	skipHolidays := with(func(c *patients.CarePlan) { c.SkipHolidays = true })
	endsOn := with(func(c *patients.CarePlan) { c.EndsOn = date(2026, time.November, 26) })
	threeDays := with(func(c *patients.CarePlan) {
		c.Recurrence = patients.Recurrence{Kind: patients.Daily, Start: date(2026, time.November, 23), Count: 3}
	})
	until := with(func(c *patients.CarePlan) { c.Recurrence.Until = date(2026, time.February, 28) })
	given := with(func(c *patients.CarePlan) {
		c.Recurrence = patients.Recurrence{Kind: patients.GivenDays,
			Dates: []patients.Date{date(2026, time.March, 2), date(2026, time.March, 16)}}
	})

	tests := []struct {
		name string
		plan patients.CarePlan
		on   patients.Date
		want bool
	}{
		{"every 2 days: start day", everyTwo, date(2026, time.January, 30), true},
		{"every 2 days: day after start", everyTwo, date(2026, time.January, 31), false},
		{"every 2 days: across the month end", everyTwo, date(2026, time.February, 1), true},
		{"every 2 days: off day in February", everyTwo, date(2026, time.February, 2), false},
		{"every 2 days: before start", everyTwo, date(2026, time.January, 28), false},
		{"every 2 days, count 2: second time", everyTwoTwice, date(2026, time.February, 1), true},
		{"every 2 days, count 2: would-be third time", everyTwoTwice, date(2026, time.February, 3), false},
		{"weekdays: monday", monWedFri, date(2026, time.November, 23), true},
		{"weekdays: tuesday", monWedFri, date(2026, time.November, 24), false},
		{"weekdays: friday", monWedFri, date(2026, time.November, 27), true},
		{"weekdays, count 3: third day", monWedFriThrice, date(2026, time.November, 27), true},
		{"weekdays, count 3: fourth day", monWedFriThrice, date(2026, time.November, 30), false},
		{"skip holidays: Ascension 2026", skipHolidays, date(2026, time.May, 14), false},
		{"skip holidays: day before Ascension", skipHolidays, date(2026, time.May, 13), true},
		{"skip holidays: 11 November", skipHolidays, date(2026, time.November, 11), false},
		{"skip holidays: Whit Monday 2026", skipHolidays, date(2026, time.May, 25), false},
		{"holidays kept by default: Ascension", base, date(2026, time.May, 14), true},
		{"holidays kept by default: 11 November", base, date(2026, time.November, 11), true},
		{"prescription end: last day", endsOn, date(2026, time.November, 26), true},
		{"prescription end: day after", endsOn, date(2026, time.November, 27), false},
		{"count 3: third day", threeDays, date(2026, time.November, 25), true},
		{"count 3: fourth day", threeDays, date(2026, time.November, 26), false},
		{"until: last day of February", until, date(2026, time.February, 28), true},
		{"until: 1 March", until, date(2026, time.March, 1), false},
		{"given days: listed", given, date(2026, time.March, 16), true},
		{"given days: not listed", given, date(2026, time.March, 9), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			day := build(t, input(tt.on, tt.plan))
			if got := len(day.Visits) == 1; got != tt.want || len(day.Visits) > 1 {
				t.Fatalf("%s: %d visits, want visit = %v", tt.on, len(day.Visits), tt.want)
			}
			if !tt.want {
				return
			}
			v := day.Visits[0]
			want := patients.Visit{
				ID: tid(101), Date: tt.on, Round: patients.Morning, PatientID: patDupont,
				Items:  []patients.CareItem{{CarePlanID: tt.plan.ID, Kind: patients.OtherCare, Label: "Pansement", DurationMin: 15}},
				Window: win(8, 0, 10, 0), DurationMin: 15, NurseID: nurseAnne, Status: patients.Planned,
			}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("visit\n got %+v\nwant %+v", v, want)
			}
		})
	}
}

func TestBuildDayAbsenceAndArchive(t *testing.T) {
	t.Parallel()
	plan := daily(1, patDupont, "Insuline", 10, win(7, 30, 8, 30), win(18, 0, 19, 0))
	hospital := patients.Absence{Reason: "hospitalisation", From: date(2026, time.November, 20), To: date(2026, time.November, 24)}
	openEnded := patients.Absence{Reason: "EHPAD", From: date(2026, time.November, 20)}
	tests := []struct {
		name     string
		absences []patients.Absence
		archived bool
		on       patients.Date
		visits   int
	}{
		{"present", nil, false, date(2026, time.November, 23), 2},
		{"first day of absence", []patients.Absence{hospital}, false, date(2026, time.November, 20), 0},
		{"last day of absence", []patients.Absence{hospital}, false, date(2026, time.November, 24), 0},
		{"back home", []patients.Absence{hospital}, false, date(2026, time.November, 25), 2},
		{"day before absence", []patients.Absence{hospital}, false, date(2026, time.November, 19), 2},
		{"open-ended absence", []patients.Absence{openEnded}, false, date(2027, time.March, 1), 0},
		{"archived", nil, true, date(2026, time.November, 23), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input(tt.on, plan)
			in.Patients[0].Absences = tt.absences
			in.Patients[0].Archived = tt.archived
			day := build(t, in)
			if len(day.Visits) != tt.visits {
				t.Errorf("%d visits, want %d: %+v", len(day.Visits), tt.visits, day.Visits)
			}
		})
	}
}

// stop is what the merge tests look at in a visit.
type stop struct {
	Patient  xid.ID
	Round    patients.Round
	Window   patients.Window
	Duration int
	Strict   bool
	Nurse    xid.ID
	Plans    []xid.ID
}

func stops(vs []patients.Visit) []stop {
	out := make([]stop, len(vs))
	for i, v := range vs {
		s := stop{v.PatientID, v.Round, v.Window, v.DurationMin, v.Strict, v.NurseID, nil}
		for _, it := range v.Items {
			s.Plans = append(s.Plans, it.CarePlanID)
		}
		out[i] = s
	}
	return out
}

func TestBuildDayMerge(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	insulin := daily(1, patDupont, "Insuline", 10, win(7, 30, 8, 30))
	insulin.Strict = true
	dressing := daily(2, patDupont, "Pansement", 20, win(7, 0, 11, 0))
	pillBox := daily(3, patDupont, "Pilulier", 10, win(14, 0, 17, 0))
	insulinEvening := daily(4, patDupont, "Insuline", 10, win(18, 0, 19, 30))
	wide := daily(5, patDupont, "Toilette", 30, win(8, 0, 12, 0))
	early := daily(6, patDupont, "Collyre", 5, win(9, 0, 10, 0))
	late := daily(7, patDupont, "Bas de contention", 10, win(11, 0, 12, 0))
	touching := daily(8, patDupont, "Surveillance", 5, win(17, 0, 18, 0))
	byBruno := daily(9, patDupont, "PICC line", 30, win(7, 0, 9, 0))
	byBruno.PreferredNurse = nurseBruno
	byAnne := daily(10, patDupont, "Prise de sang", 10, win(7, 0, 8, 0))
	byAnne.PreferredNurse = nurseAnne
	twice := daily(11, patDupont, "Insuline", 10, win(7, 30, 8, 30), win(18, 30, 19, 30))
	martin := daily(12, patMartin, "Insuline", 10, win(7, 30, 8, 30))

	tests := []struct {
		name  string
		plans []patients.CarePlan
		want  []stop
	}{
		{"overlapping morning items make one stop", []patients.CarePlan{dressing, insulin}, []stop{
			{patDupont, patients.Morning, win(7, 30, 8, 30), 30, true, nurseAnne, []xid.ID{dressing.ID, insulin.ID}},
		}},
		{"evening items that do not overlap stay apart", []patients.CarePlan{insulinEvening, pillBox}, []stop{
			{patDupont, patients.Evening, win(14, 0, 17, 0), 10, false, nurseAnne, []xid.ID{pillBox.ID}},
			{patDupont, patients.Evening, win(18, 0, 19, 30), 10, false, nurseAnne, []xid.ID{insulinEvening.ID}},
		}},
		{"greedy grouping by start of window", []patients.CarePlan{late, early, wide}, []stop{
			{patDupont, patients.Morning, win(9, 0, 10, 0), 35, false, nurseAnne, []xid.ID{wide.ID, early.ID}},
			{patDupont, patients.Morning, win(11, 0, 12, 0), 10, false, nurseAnne, []xid.ID{late.ID}},
		}},
		{"touching windows share their bound", []patients.CarePlan{pillBox, touching}, []stop{
			{patDupont, patients.Evening, win(17, 0, 17, 0), 15, false, nurseAnne, []xid.ID{pillBox.ID, touching.ID}},
		}},
		{"preferred nurse takes the merged stop", []patients.CarePlan{dressing, byBruno}, []stop{
			{patDupont, patients.Morning, win(7, 0, 9, 0), 50, false, nurseBruno, []xid.ID{byBruno.ID, dressing.ID}}, // same start: the tighter window first
		}},
		{"two preferred nurses make two stops", []patients.CarePlan{byAnne, byBruno}, []stop{
			{patDupont, patients.Morning, win(7, 0, 8, 0), 10, false, nurseAnne, []xid.ID{byAnne.ID}},
			{patDupont, patients.Morning, win(7, 0, 9, 0), 30, false, nurseBruno, []xid.ID{byBruno.ID}},
		}},
		{"one plan, two rounds", []patients.CarePlan{twice}, []stop{
			{patDupont, patients.Morning, win(7, 30, 8, 30), 10, false, nurseAnne, []xid.ID{twice.ID}},
			{patDupont, patients.Evening, win(18, 30, 19, 30), 10, false, nurseAnne, []xid.ID{twice.ID}},
		}},
		{"two patients are never merged", []patients.CarePlan{martin, insulin}, []stop{
			{patDupont, patients.Morning, win(7, 30, 8, 30), 10, true, nurseAnne, []xid.ID{insulin.ID}},
			{patMartin, patients.Morning, win(7, 30, 8, 30), 10, false, nurseAnne, []xid.ID{martin.ID}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input(on, tt.plans...)
			in.Patients = append(in.Patients, patient(patMartin, "Martin", "Paul"))
			in.Nurses = append(in.Nurses, nurse(nurseBruno, "Bruno", "Petit", patients.DefaultShifts()...))
			day := build(t, in)
			if got := stops(day.Visits); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stops\n got %+v\nwant %+v", got, tt.want)
			}
			if len(day.Warnings) != 0 {
				t.Errorf("unexpected warnings: %+v", day.Warnings)
			}
		})
	}
}

func TestBuildDayOrder(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	in := input(on,
		daily(1, patDupont, "Pilulier", 10, win(17, 0, 18, 0)),
		daily(2, patMartin, "Insuline", 10, win(8, 0, 9, 0)),
		daily(3, patMartin, "Pansement", 20, win(7, 0, 7, 30)),
		daily(4, patAubert, "Insuline", 10, win(7, 0, 8, 0)),
		daily(5, patDupont, "Insuline", 10, win(8, 0, 9, 0)),
	)
	in.Patients = append(in.Patients, patient(patMartin, "Martin", "Paul"), patient(patAubert, "Aubert", "Lucie"))
	day := build(t, in)
	type key struct {
		round   patients.Round
		start   string
		patient xid.ID
	}
	var got []key
	for _, v := range day.Visits {
		got = append(got, key{v.Round, v.Window.Start.String(), v.PatientID})
	}
	want := []key{
		{patients.Morning, "07:00", patAubert}, // AUBERT before MARTIN at the same start
		{patients.Morning, "07:00", patMartin},
		{patients.Morning, "08:00", patDupont},
		{patients.Morning, "08:00", patMartin},
		{patients.Evening, "17:00", patDupont},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
	for i, v := range day.Visits {
		if v.ID != tid(101+i) {
			t.Errorf("visit %d has ID %v, want the %dth ID handed out", i, v.ID, i+1)
		}
	}
}

func TestBuildDayShiftWarnings(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	shortEvening := nurse(nurseAnne, "Anne", "Leroy", morning(win(6, 45, 13, 0)), evening(win(16, 30, 18, 0)))
	morningOnly := nurse(nurseAnne, "Anne", "Leroy", morning(win(6, 45, 13, 0)))
	brunoBoth := nurse(nurseBruno, "Bruno", "Petit", patients.DefaultShifts()...)
	insulin := daily(1, patDupont, "Insuline", 10, win(18, 30, 19, 30))
	insulinForBruno := insulin
	insulinForBruno.PreferredNurse = nurseBruno
	tests := []struct {
		name    string
		nurses  []patients.Nurse
		primary xid.ID
		plan    patients.CarePlan
		want    string // the one warning; "" for none
	}{
		{"inside her hours", []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", patients.DefaultShifts()...)}, nurseAnne, insulin, ""},
		{"window partly in her hours", []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", morning(win(6, 45, 13, 0)), evening(win(16, 30, 19, 0)))}, nurseAnne, insulin, ""},
		{"window after her shift", []patients.Nurse{shortEvening}, nurseAnne, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : en dehors des horaires du soir (Anne Leroy : 16h30–18h00)"},
		{"she does not work the round", []patients.Nurse{morningOnly, brunoBoth}, nurseAnne, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : Anne Leroy ne travaille pas le soir"},
		{"nobody works the round", []patients.Nurse{morningOnly}, nurseAnne, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : aucune infirmière ne travaille le soir"},
		{"no nurse at all", nil, nurseAnne, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : aucune infirmière ne travaille le soir"},
		{"no nurse assigned", []patients.Nurse{brunoBoth}, xid.ID{}, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : aucune infirmière attribuée (ni préférée pour le soin, ni référente du patient)"},
		{"assigned nurse not in the cabinet", []patients.Nurse{brunoBoth}, nurseAnne, insulin,
			"Visite de DUPONT Jeanne (soir, 18h30–19h30) : l'infirmière attribuée ne fait pas partie du cabinet"},
		{"preferred nurse is the one checked", []patients.Nurse{shortEvening, brunoBoth}, nurseAnne, insulinForBruno, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input(on, tt.plan)
			in.Nurses = tt.nurses
			in.Patients[0].PrimaryNurse = tt.primary
			day := build(t, in)
			if len(day.Visits) != 1 {
				t.Fatalf("%d visits, want the visit kept despite any warning", len(day.Visits))
			}
			var got []string
			for _, w := range day.Warnings {
				got = append(got, w.Msg)
				if w.PatientID != patDupont || !w.CarePlanID.IsZero() {
					t.Errorf("warning %q: patient %v plan %v, want the patient and no plan", w.Msg, w.PatientID, w.CarePlanID)
				}
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("warnings\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestBuildDayRenewal(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 19) // a Thursday
	ending := func(last patients.Date) patients.CarePlan {
		c := daily(1, patDupont, "Pansement ulcère", 20, win(8, 0, 10, 0))
		c.EndsOn = last
		return c
	}
	counted := daily(2, patDupont, "Anticoagulant", 5, win(8, 0, 10, 0))
	counted.Recurrence = patients.Recurrence{Kind: patients.Daily, Start: date(2026, time.November, 12), Count: 14} // last day 25 Nov
	tests := []struct {
		name     string
		plan     patients.CarePlan
		archived bool
		want     string
	}{
		{"ends today", ending(on), false,
			"Prescription de Pansement ulcère pour DUPONT Jeanne : fin le jeudi 19 novembre, penser au renouvellement"},
		{"ends in 7 days", ending(on.AddDays(7)), false,
			"Prescription de Pansement ulcère pour DUPONT Jeanne : fin le jeudi 26 novembre, penser au renouvellement"},
		{"ends in 8 days", ending(on.AddDays(8)), false, ""},
		{"ended yesterday", ending(on.AddDays(-1)), false, ""},
		{"open-ended", ending(patients.Date{}), false, ""},
		{"end given by a count", counted, false,
			"Prescription d'Anticoagulant pour DUPONT Jeanne : fin le mercredi 25 novembre, penser au renouvellement"},
		{"archived patient", ending(on.AddDays(3)), true, ""},
		{"label of a plan without one is its kind", func() patients.CarePlan {
			c := ending(on.AddDays(1))
			c.Label, c.Kind = " ", patients.HygieneBSI
			return c
		}(), false, "Prescription de soins d'hygiène BSI pour DUPONT Jeanne : fin le vendredi 20 novembre, penser au renouvellement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input(on, tt.plan)
			in.Patients[0].Archived = tt.archived
			day := build(t, in)
			var got []Warning
			for _, w := range day.Warnings {
				if strings.Contains(w.Msg, "renouvellement") {
					got = append(got, w)
				}
			}
			var want []Warning
			if tt.want != "" {
				want = []Warning{{PatientID: patDupont, CarePlanID: tt.plan.ID, Msg: tt.want}}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("renewal warnings\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestBuildDayPlanWithoutWindow(t *testing.T) {
	t.Parallel()
	c := daily(1, patDupont, "Surveillance", 10)
	day := build(t, input(date(2026, time.November, 23), c))
	want := []Warning{{PatientID: patDupont, CarePlanID: c.ID,
		Msg: "Soin Surveillance pour DUPONT Jeanne : aucune plage horaire, aucune visite prévue"}}
	if len(day.Visits) != 0 || !reflect.DeepEqual(day.Warnings, want) {
		t.Errorf("got visits %+v warnings %+v, want no visit and %+v", day.Visits, day.Warnings, want)
	}
}

func TestBuildDayErrors(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	orphan := daily(1, tid(99), "Insuline", 10, win(8, 0, 9, 0))
	backwards := daily(2, patDupont, "Insuline", 10, win(9, 0, 8, 0))
	tests := []struct {
		name    string
		in      DayInput
		mention string // the ID the message must carry
		is      error
		asValid bool
	}{
		{"care plan of an unknown patient", input(on, orphan), orphan.ID.String(), patients.ErrNotFound, false},
		{"window ending before it starts", input(on, backwards), patDupont.String(), nil, true},
		{"patient listed twice", func() DayInput {
			in := input(on)
			in.Patients = append(in.Patients, in.Patients[0])
			return in
		}(), patDupont.String(), nil, false},
		{"no date", DayInput{}, "no date", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			day, err := BuildDay(tt.in, counter())
			if err == nil {
				t.Fatalf("no error, day %+v", day)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %s", err, tt.mention)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			var ve *patients.ValidationError
			if errors.As(err, &ve) != tt.asValid {
				t.Errorf("error %q: errors.As ValidationError = %v, want %v", err, !tt.asValid, tt.asValid)
			}
			if !reflect.DeepEqual(day, Day{}) {
				t.Errorf("partial day returned with the error: %+v", day)
			}
		})
	}
}

func TestBuildDayEmpty(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	for _, in := range []DayInput{
		{Date: on},
		{Date: on, Nurses: []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", patients.DefaultShifts()...)}},
		input(on), // a patient with no care plan
	} {
		day, err := BuildDay(in, nil)
		if err != nil || day.Date != on || len(day.Visits) != 0 || len(day.Warnings) != 0 {
			t.Errorf("BuildDay(%+v) = %+v, %v; want an empty day", in, day, err)
		}
	}
}

func TestBuildDayDeterministic(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 26)
	insulin := daily(1, patDupont, "Insuline", 10, win(7, 30, 8, 30), win(18, 0, 19, 0))
	insulin.Strict = true
	var plans []patients.CarePlan
	plans = append(plans,
		insulin,
		daily(2, patDupont, "Pansement", 20, win(7, 0, 11, 0)),
		daily(3, patMartin, "Pilulier", 10, win(14, 0, 17, 0)),
		daily(4, patMartin, "Insuline", 10, win(7, 30, 8, 30)),
		daily(5, patAubert, "Toilette", 30, win(7, 30, 9, 0)),
	)
	plans[1].EndsOn = on.AddDays(2) // a renewal warning
	in := input(on, plans...)
	in.Patients = append(in.Patients, patient(patMartin, "Martin", "Paul"), patient(patAubert, "Aubert", "Lucie"))
	in.Nurses = []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", morning(win(6, 45, 13, 0)), evening(win(18, 30, 20, 0)))} // a shift warning

	first := build(t, in)
	if len(first.Visits) != 5 || len(first.Warnings) != 2 {
		t.Fatalf("fixture drifted: %d visits, %d warnings: %+v", len(first.Visits), len(first.Warnings), first.Warnings)
	}
	if again := build(t, in); !reflect.DeepEqual(first, again) {
		t.Errorf("second run differs\n first %+v\nsecond %+v", first, again)
	}
	// The order of the input slices must not matter either: storage returns
	// them in creation order, which changes with every import.
	shuffled := in
	shuffled.Patients = slices.Clone(in.Patients)
	shuffled.CarePlans = slices.Clone(in.CarePlans)
	slices.Reverse(shuffled.Patients)
	slices.Reverse(shuffled.CarePlans)
	if again := build(t, shuffled); !reflect.DeepEqual(first, again) {
		t.Errorf("reversed input differs\n first %+v\nsecond %+v", first, again)
	}
}

func ExampleBuildDay() {
	dupont := patients.Patient{ID: tid(11), BirthName: "Dupont", FirstName: "Jeanne", PrimaryNurse: tid(1)}
	plan := func(n int, label string, dur int, w patients.Window) patients.CarePlan {
		return patients.CarePlan{ID: tid(1000 + n), PatientID: dupont.ID, Kind: patients.OtherCare, Label: label,
			DurationMin: dur, Windows: []patients.Window{w},
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: date(2026, time.November, 1)}}
	}
	day, err := BuildDay(DayInput{
		Date:     date(2026, time.November, 23),
		Patients: []patients.Patient{dupont},
		CarePlans: []patients.CarePlan{
			plan(1, "Insuline", 10, win(7, 30, 8, 30)),
			plan(2, "Pansement", 20, win(7, 0, 11, 0)),
			plan(3, "Pilulier", 10, win(14, 0, 17, 0)),
			plan(4, "Insuline", 10, win(18, 0, 19, 30)),
		},
		Nurses: []patients.Nurse{{ID: tid(1), FirstName: "Anne", LastName: "Leroy", Shifts: patients.DefaultShifts()}},
	}, counter())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range day.Visits {
		fmt.Println(v.Round, v.Window.Start, v.Window.End, v.DurationMin, "min,", len(v.Items), "soin(s)")
	}
	// Output:
	// matin 07:30 08:30 30 min, 2 soin(s)
	// soir 14:00 17:00 10 min, 1 soin(s)
	// soir 18:00 19:30 10 min, 1 soin(s)
}

// TestBuildDayWarningsElide: a name starting with a vowel reads « Visite
// d'AUBERT Hélène », not « Visite de AUBERT Hélène ».
func TestBuildDayWarningsElide(t *testing.T) {
	t.Parallel()
	on := date(2026, time.November, 23)
	aubert := patient(patAubert, "Aubert", "Hélène")
	aubert.Alerts = []patients.Alert{{Kind: patients.AlertVisiteADeux, Text: "lève-malade"}}
	toilette := daily(1, patAubert, "Toilette", 30, win(8, 0, 10, 0))
	toilette.Kind = patients.HygieneBSI
	insulin := daily(2, patAubert, "Insuline", 10, win(18, 30, 19, 30))
	in := DayInput{Date: on, Patients: []patients.Patient{aubert}, CarePlans: []patients.CarePlan{toilette, insulin},
		Nurses: []patients.Nurse{nurse(nurseAnne, "Anne", "Leroy", morning(win(6, 45, 13, 0)), evening(win(16, 30, 18, 0)))}}
	var got []string
	for _, w := range build(t, in).Warnings {
		got = append(got, w.Msg)
	}
	want := []string{
		"Visite d'AUBERT Hélène (soir, 18h30–19h30) : en dehors des horaires du soir (Anne Leroy : 16h30–18h00)",
		"Visite à deux d'AUBERT Hélène (matin, 8h00–10h00) : aucune autre infirmière ne travaille à ce moment, prévoir de l'aide",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n got %q\nwant %q", got, want)
	}
}
