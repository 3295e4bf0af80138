package french

import (
	"testing"
	"time"

	"tournee/patients"
)

func TestRecurrence(t *testing.T) {
	t.Parallel()
	start := day(2026, time.November, 16) // a Monday
	for _, tt := range []struct {
		name string
		r    patients.Recurrence
		want string
	}{
		{"daily", patients.Recurrence{Kind: patients.Daily, Start: start}, "tous les jours"},
		{"every 1 day is every day", patients.Recurrence{Kind: patients.EveryN, N: 1, Start: start}, "tous les jours"},
		{"every 2 days", patients.Recurrence{Kind: patients.EveryN, N: 2, Start: start}, "un jour sur deux"},
		{"every 3 days", patients.Recurrence{Kind: patients.EveryN, N: 3, Start: start}, "tous les 3 jours"},
		{"weekdays Monday first", patients.Recurrence{Kind: patients.Weekdays, Start: start,
			Weekdays: []time.Weekday{time.Friday, time.Monday, time.Wednesday}}, "le lundi, le mercredi et le vendredi"},
		{"sunday last", patients.Recurrence{Kind: patients.Weekdays, Start: start,
			Weekdays: []time.Weekday{time.Sunday, time.Tuesday}}, "le mardi et le dimanche"},
		{"seven weekdays", patients.Recurrence{Kind: patients.Weekdays, Start: start,
			Weekdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}, "tous les jours"},
		{"given days sorted", patients.Recurrence{Kind: patients.GivenDays,
			Dates: []patients.Date{day(2026, time.December, 9), day(2026, time.December, 2)}}, "le mercredi 2 décembre et le mercredi 9 décembre"},
	} {
		if got := Recurrence(tt.r); got != tt.want {
			t.Errorf("%s: Recurrence = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCarePlanSchedule(t *testing.T) {
	t.Parallel()
	start := day(2026, time.November, 16)
	evening := []patients.Window{{Start: patients.Clock(19, 0), End: patients.Clock(21, 0)}}
	twice := []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 0)}, {Start: patients.Clock(18, 0), End: patients.Clock(19, 0)}}
	for _, tt := range []struct {
		name string
		c    patients.CarePlan
		want string
	}{
		{"14-dose LMWH ends with its last injection", patients.CarePlan{Kind: patients.LMWHInjected, Windows: evening,
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: start, Count: 14}},
			"tous les jours, 14 injections, jusqu'au dimanche 29 novembre"},
		{"open-ended says no end", patients.CarePlan{Kind: patients.Dressing, Windows: evening,
			Recurrence: patients.Recurrence{Kind: patients.EveryN, N: 2, Start: start}}, "un jour sur deux"},
		{"twice a day counts acts", patients.CarePlan{Kind: patients.Insulin, Windows: twice,
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: start, Count: 3}},
			"tous les jours, 2 fois par jour, 6 injections, jusqu'au mercredi 18 novembre"},
		{"until a date", patients.CarePlan{Kind: patients.Dressing, Windows: evening,
			Recurrence: patients.Recurrence{Kind: patients.EveryN, N: 3, Start: start, Until: day(2026, time.December, 4)}},
			"tous les 3 jours, jusqu'au vendredi 4 décembre"},
		{"prescription end", patients.CarePlan{Kind: patients.Dressing, Windows: evening, EndsOn: day(2027, time.January, 8),
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: start}}, "tous les jours, jusqu'au vendredi 8 janvier 2027"},
		{"count of weekdays", patients.CarePlan{Kind: patients.BloodDraw, Windows: evening,
			Recurrence: patients.Recurrence{Kind: patients.Weekdays, Start: start, Count: 4, Weekdays: []time.Weekday{time.Monday, time.Thursday}}},
			"le lundi et le jeudi, 4 prises de sang, jusqu'au jeudi 26 novembre"},
		{"one session", patients.CarePlan{Kind: patients.OtherCare, Windows: evening,
			Recurrence: patients.Recurrence{Kind: patients.Daily, Start: start, Count: 1}}, "tous les jours, 1 séance, jusqu'au lundi 16 novembre"},
	} {
		if got := CarePlanSchedule(tt.c); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestDateSpan(t *testing.T) {
	t.Parallel()
	a, b := day(2026, time.November, 16), day(2026, time.November, 29)
	for _, tt := range []struct {
		from, to patients.Date
		want     string
	}{{a, b, "du 16/11/2026 au 29/11/2026"}, {a, patients.Date{}, "depuis le 16/11/2026"}, {patients.Date{}, b, "jusqu'au 29/11/2026"}, {}} {
		if got := DateSpan(tt.from, tt.to); got != tt.want {
			t.Errorf("DateSpan(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
