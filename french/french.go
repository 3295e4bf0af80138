// Package french formats dates, times, durations, amounts and distances the
// way French nurses read them ("lundi 23 novembre", "14h05", "1 234,56 €"),
// for the terminal UI and the command line.
//
// The output is for display only: exports and storage use machine formats
// (YYYY-MM-DD, cents, metres), because the typographic spaces and minus sign
// used here do not parse back with strconv or a spreadsheet.
//
// Conventions chosen once for the whole app:
//   - Thousands are grouped with a narrow no-break space (U+202F) and the
//     euro sign follows a no-break space (U+00A0), as in CLDR's fr locale, so
//     a terminal never wraps "1 234,56 €" in the middle.
//   - Negative numbers take the true minus sign "−" (U+2212), the one the
//     patients package already uses in its messages; it has the width of a
//     digit, so columns of amounts stay aligned.
//   - The first day of a month is written "1er", as French does.
//   - Durations and distances use plain spaces ("1 h 30", "12,4 km").
package french

import (
	"math"
	"strconv"
	"strings"
	"time"

	"tournee/patients"
)

const (
	// minus is U+2212 MINUS SIGN: see the package comment.
	minus = "\u2212"
	// thinSep groups thousands: U+202F NARROW NO-BREAK SPACE.
	thinSep = "\u202f"
	// nbsp keeps the euro sign on the line of its amount.
	nbsp = "\u00a0"
)

// weekdays and months are indexed by time.Weekday and time.Month; they are
// constant tables, the only package-level state.
var (
	weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	months   = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// Date returns the day as nurses say it, without the year: "lundi 23
// novembre", "jeudi 1er janvier". The zero date (not set) gives "". Like
// LongDate and ShortDate, it normalises an impossible date (31 April is
// 1 May) the way patients.NewDate does.
func Date(d patients.Date) string {
	if d.IsZero() {
		return ""
	}
	// Normalise first so an out-of-range month (bad input) cannot index past
	// the table.
	n := patients.NewDate(d.Year, d.Month, d.Day)
	day := strconv.Itoa(n.Day)
	if n.Day == 1 {
		day = "1er"
	}
	return weekdays[n.Weekday()] + " " + day + " " + months[n.Month]
}

// LongDate returns the day with its year: "lundi 23 novembre 2026". The zero
// date gives "".
func LongDate(d patients.Date) string {
	if d.IsZero() {
		return ""
	}
	n := patients.NewDate(d.Year, d.Month, d.Day)
	return Date(n) + " " + strconv.Itoa(n.Year)
}

// ShortDate returns DD/MM/YYYY, the form of prescriptions and care sheets:
// "23/11/2026". The zero date gives "".
func ShortDate(d patients.Date) string {
	if d.IsZero() {
		return ""
	}
	n := patients.NewDate(d.Year, d.Month, d.Day)
	return pad2(n.Day) + "/" + pad2(int(n.Month)) + "/" + strconv.Itoa(n.Year)
}

// Clock returns a time of day in the French 24-hour form: "14h05", "8h00".
// The hour is not padded, as on a French timetable; the minutes always are.
func Clock(t patients.TimeOfDay) string {
	return hm(t.Hour(), t.Minute())
}

// Time returns the wall-clock time of an instant in Europe/Paris, in the same
// form as Clock. Instants are stored in UTC, so this is where summer time is
// applied. The zero time (not set, e.g. a visit not done yet) gives "".
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	p := t.In(patients.Paris())
	return hm(p.Hour(), p.Minute())
}

// Duration returns a number of minutes the way a nurse writes it: "45 min",
// "1 h 30", "1 h 05", "2 h". Negative durations (a computed lateness) take a
// minus sign.
func Duration(min int) string {
	if min < 0 {
		// -min overflows only for math.MinInt, which no duration reaches.
		return minus + Duration(-min)
	}
	if min < 60 {
		return strconv.Itoa(min) + " min"
	}
	h, m := min/60, min%60
	if m == 0 {
		return strconv.Itoa(h) + " h"
	}
	return strconv.Itoa(h) + " h " + pad2(m)
}

// Euros returns an amount given in cents: "1 234,56 €" with a narrow no-break
// space between thousands, a decimal comma and a no-break space before the
// sign; "−12,50 €" for a negative amount (U+2212, see the package comment).
func Euros(cents int64) string {
	// uint64 of the negated value is exact even for math.MinInt64, whose
	// negation wraps to itself and converts to 2^63.
	u, sign := uint64(cents), ""
	if cents < 0 {
		u, sign = uint64(-cents), minus
	}
	return sign + group(strconv.FormatUint(u/100, 10)) + "," + pad2(int(u%100)) + nbsp + "€"
}

// Km returns a distance in metres as kilometres with one decimal: "12,4 km",
// "0,8 km", "1 234,5 km" (monthly totals for the indemnités kilométriques
// pass a thousand). A distance that is not a number, which only a routing bug
// produces, gives "? km" so the screen shows something is wrong instead of
// "NaN".
func Km(meters float64) string {
	if math.IsNaN(meters) || math.IsInf(meters, 0) {
		return "? km"
	}
	// FormatFloat rounds exactly and copes with any magnitude, where a
	// conversion to an integer would overflow.
	s := strconv.FormatFloat(math.Abs(meters)/1000, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	sign := ""
	if meters < 0 && s != "0.0" { // -40 m rounds to 0,0 km, not −0,0 km
		sign = minus
	}
	return sign + group(whole) + "," + frac + " km"
}

// hm writes hours and minutes as "8h05".
func hm(h, m int) string { return strconv.Itoa(h) + "h" + pad2(m) }

// pad2 writes n on at least two digits.
func pad2(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// group inserts a narrow no-break space every three digits from the right of
// a string of ASCII digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(thinSep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Period returns a span of days: "du lundi 23 novembre 2026 au mardi 24
// novembre 2026", or "le lundi 23 novembre 2026" for a single day.
func Period(from, to patients.Date) string {
	if from == to {
		return "le " + LongDate(from)
	}
	return "du " + LongDate(from) + " au " + LongDate(to)
}

// Percent returns a share of 0..1 as "10 %", "7,5 %", rounded to a tenth:
// 0.075 × 100 is 7.4999… in binary.
func Percent(share float64) string {
	s := strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + " %"
}

// Count writes a whole number with French digit grouping: "1 060", "12".
func Count(n int) string {
	if n < 0 {
		return minus + group(strconv.Itoa(-n))
	}
	return group(strconv.Itoa(n))
}
