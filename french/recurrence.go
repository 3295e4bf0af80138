package french

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"tournee/patients"
)

// Recurrence says on which days care comes back, in the words a nurse
// writes on a care sheet: « tous les jours », « un jour sur deux », « tous
// les 3 jours », « le lundi, le mercredi et le vendredi », « le 2/12, le
// 9/12 ». It says nothing of the start or the end: CarePlanSchedule does.
func Recurrence(r patients.Recurrence) string {
	switch r.Kind {
	case patients.Daily:
		return "tous les jours"
	case patients.EveryN:
		switch {
		case r.N <= 1:
			return "tous les jours"
		case r.N == 2:
			return "un jour sur deux"
		}
		return "tous les " + strconv.Itoa(r.N) + " jours"
	case patients.Weekdays:
		ds := slices.Clone(r.Weekdays)
		slices.Sort(ds)
		ds = slices.Compact(ds)
		if len(ds) == 7 {
			return "tous les jours"
		}
		// Monday first, as a French week.
		slices.SortFunc(ds, func(a, b time.Weekday) int { return cmp.Compare((a+6)%7, (b+6)%7) })
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = "le " + weekdays[d]
		}
		return joinAnd(names)
	case patients.GivenDays:
		ds := slices.Clone(r.Dates)
		slices.SortFunc(ds, patients.Date.Compare)
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = "le " + Date(d)
		}
		return joinAnd(names)
	}
	return string(r.Kind)
}

// CarePlanSchedule is the whole rhythm of a care plan in one phrase: its
// recurrence, how many times a day, and how it ends — a count of acts with
// the day of the last one (« tous les jours, 14 injections, jusqu'au
// dimanche 29 novembre »), or a date. An open-ended plan says nothing of an
// end.
func CarePlanSchedule(c patients.CarePlan) string {
	s := Recurrence(c.Recurrence)
	if perDay := len(c.Windows); perDay > 1 && c.Recurrence.Kind != patients.GivenDays {
		s += ", " + strconv.Itoa(perDay) + " fois par jour"
	}
	last, ends := lastDay(c)
	if n := c.Recurrence.Count; n > 0 {
		acts := n * max(1, len(c.Windows))
		s += ", " + strconv.Itoa(acts) + " " + actNoun(c.Kind, acts)
	}
	if ends && c.Recurrence.Kind != patients.GivenDays {
		s += ", jusqu'au " + Date(last)
		if last.Year != c.Recurrence.Start.Year {
			s += " " + strconv.Itoa(last.Year)
		}
	}
	return s
}

// lastDay is CarePlan.LastDay, completed for a count of given weekdays
// (which LastDay leaves open): the day of the last act.
func lastDay(c patients.CarePlan) (patients.Date, bool) {
	last, ok := c.LastDay()
	r := c.Recurrence
	if r.Kind != patients.Weekdays || r.Count <= 0 || len(r.Weekdays) == 0 || r.Start.IsZero() {
		return last, ok
	}
	n := 0
	// A count of weekdays ends within Count weeks; the bound keeps a bad
	// record from looping.
	for d := r.Start; d.DaysSince(r.Start) <= 7*r.Count; d = d.AddDays(1) {
		if !slices.Contains(r.Weekdays, d.Weekday()) {
			continue
		}
		if n++; n == r.Count {
			if !ok || d.Before(last) {
				return d, true
			}
			break
		}
	}
	return last, ok
}

// actNoun names n acts of a kind of care: injections, pansements, or
// séances when the kind has no better word.
func actNoun(k patients.CareKind, n int) string {
	one, many := "séance", "séances"
	switch k {
	case patients.Insulin, patients.Injection, patients.LMWHInjected:
		one, many = "injection", "injections"
	case patients.Dressing:
		one, many = "pansement", "pansements"
	case patients.BloodDraw:
		one, many = "prise de sang", "prises de sang"
	case patients.Infusion:
		one, many = "perfusion", "perfusions"
	}
	if n > 1 {
		return many
	}
	return one
}

// joinAnd writes a French list: « a », « a et b », « a, b et c ».
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}

// DateSpan is the span of a treatment or a prescription: « du 16/11/2026 au
// 29/11/2026 », « depuis le 16/11/2026 », « jusqu'au 29/11/2026 », or ""
// when neither end is known.
func DateSpan(start, end patients.Date) string {
	switch {
	case !start.IsZero() && !end.IsZero():
		return "du " + ShortDate(start) + " au " + ShortDate(end)
	case !start.IsZero():
		return "depuis le " + ShortDate(start)
	case !end.IsZero():
		return "jusqu'au " + ShortDate(end)
	}
	return ""
}
