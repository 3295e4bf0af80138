package ngap

import (
	"strings"
	"time"

	"tournee/patients"
)

// InAlsaceMoselle reports whether a postal code is in Moselle (57),
// Bas-Rhin (67) or Haut-Rhin (68), where local law adds two public holidays
// (Code du travail L.3134-13): Good Friday and 26 December.
func InAlsaceMoselle(postalCode string) bool {
	pc := strings.TrimSpace(postalCode)
	return strings.HasPrefix(pc, "57") || strings.HasPrefix(pc, "67") || strings.HasPrefix(pc, "68")
}

// IsHoliday reports whether d is a public holiday for a cabinet: the
// national list (patients.IsPublicHoliday), plus Good Friday and 26 December
// in Alsace-Moselle.
func IsHoliday(d patients.Date, alsaceMoselle bool) bool {
	if patients.IsPublicHoliday(d) {
		return true
	}
	if !alsaceMoselle {
		return false
	}
	return (d.Month == time.December && d.Day == 26) || d == patients.EasterSunday(d.Year).AddDays(-2)
}

// sundayOrHoliday is the day of the F majoration (NGAP DG art. 14). The
// convention's « from Saturday 08:00 » applies to emergency calls only
// (docs/ngap-idel.md §3.2); the app records no emergency call, so Saturday
// is never F.
func sundayOrHoliday(d patients.Date, alsaceMoselle bool) bool {
	return d.Weekday() == time.Sunday || IsHoliday(d, alsaceMoselle)
}

// nightSlot returns the night family of a time of care: 23h–5h is the deep
// night (N2), 20h–23h and 5h–8h the night (N1) — NGAP DG art. 14,
// docs/ngap-idel.md §1 and §3.2 — and "" by day.
func nightSlot(t patients.TimeOfDay) string {
	switch {
	case t >= patients.Clock(23, 0) || t < patients.Clock(5, 0):
		return DeepNight
	case t >= patients.Clock(20, 0) || t < patients.Clock(8, 0):
		return Night
	}
	return ""
}

// careStart is when the care of a done visit began: the time recorded is
// when it was marked done, so its real (or else planned) duration is taken
// off. The majorations follow this time, when the nurse was at the bedside.
func careStart(v patients.Visit) patients.TimeOfDay {
	if v.DoneAt.IsZero() {
		return v.PlannedArrival
	}
	d := v.ActualMin
	if d <= 0 {
		d = v.DurationMin
	}
	start := v.DoneAt.Add(-time.Duration(d) * time.Minute)
	if patients.DateOf(start) != v.Date {
		return 0 // began the day before: count it from midnight
	}
	return patients.TimeOfDayOf(start)
}

// everyDay reports whether a recurrence calls for care every day, Sundays
// included: the « exécution rigoureusement quotidienne » of NGAP DG art. 14.
func everyDay(r patients.Recurrence) bool {
	switch r.Kind {
	case patients.Daily:
		return true
	case patients.EveryN:
		return r.N == 1
	case patients.Weekdays:
		return len(r.Weekdays) == 7
	}
	return false
}
