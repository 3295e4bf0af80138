package patients

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Date is a civil date with no time zone: a day of care. The zero Date means
// "not set" (an open-ended prescription, an unknown birth date).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// parisOnce loads the zone once; it is immutable afterwards, so sharing it is safe.
var parisOnce = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// Without tzdata (main imports time/tzdata, tests may not), fall back to
		// a fixed CET rather than UTC so times are at most an hour off in summer.
		return time.FixedZone("CET", 3600)
	}
	return loc
})

// Paris returns the Europe/Paris zone, in which every care time is expressed
// (docs/idel-rules.md §4).
func Paris() *time.Location { return parisOnce() }

// DateOf returns the civil date of t in Europe/Paris.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Paris()).Date()
	return Date{y, m, d}
}

// NewDate builds a date, normalising overflow (31 April becomes 1 May).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, Paris()))
}

// ParseDate reads YYYY-MM-DD, and also the French DD/MM/YYYY that nurses type
// and Excel exports.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{t.Year(), t.Month(), t.Day()}, nil
		}
	}
	return Date{}, fmt.Errorf("date illisible « %s » : écrivez AAAA-MM-JJ ou JJ/MM/AAAA", s)
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// At returns the instant of the given time of day on d, in Europe/Paris.
func (d Date) At(t TimeOfDay) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(t), 0, 0, Paris())
}

func (d Date) noon() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d shifted by n days (n may be negative).
func (d Date) AddDays(n int) Date {
	t := d.noon().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// DaysSince returns the number of days from o to d (positive when d is later).
func (d Date) DaysSince(o Date) int {
	return int(d.noon().Sub(o.noon()).Hours() / 24)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.noon().Weekday() }

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(d.Month, o.Month)
	default:
		return cmp.Compare(d.Day, o.Day)
	}
}

// String returns YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes the date as YYYY-MM-DD (empty when unset).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts what MarshalText writes.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// TimeOfDay is a local wall-clock time in minutes after midnight (0..1439).
type TimeOfDay int

// Clock builds a TimeOfDay from hours and minutes.
func Clock(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// ParseTimeOfDay reads the ways nurses write a time: "08:30", "8:30", "8h30",
// "8h", "08" and "0830".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	var hs, ms string
	switch {
	case strings.ContainsAny(in, ":h"):
		i := strings.IndexAny(in, ":h")
		hs, ms = in[:i], in[i+1:]
		if ms == "" && in[i] == 'h' {
			ms = "0"
		}
	case len(in) == 4:
		hs, ms = in[:2], in[2:]
	case len(in) == 1 || len(in) == 2:
		hs, ms = in, "0"
	default:
		return 0, fmt.Errorf("heure illisible « %s » : écrivez HH:MM", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || len(hs) > 2 || len(ms) > 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("heure illisible « %s » : écrivez HH:MM", s)
	}
	return Clock(h, m), nil
}

// TimeOfDayOf is the clock time of t in Europe/Paris, to the minute.
func TimeOfDayOf(t time.Time) TimeOfDay {
	t = t.In(Paris())
	return Clock(t.Hour(), t.Minute())
}

// Hour returns the hour part.
func (t TimeOfDay) Hour() int { return int(t) / 60 }

// Minute returns the minute part.
func (t TimeOfDay) Minute() int { return int(t) % 60 }

// String returns HH:MM.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()) }

// MarshalText encodes HH:MM.
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText accepts every form ParseTimeOfDay does.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	p, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// Window is the span in which a visit must start (docs: demo-cabinet.json,
// "visit must START inside the window").
type Window struct {
	Start TimeOfDay `json:"start"`
	End   TimeOfDay `json:"end"`
}

// Contains reports whether t is inside the window, bounds included.
func (w Window) Contains(t TimeOfDay) bool { return t >= w.Start && t <= w.End }

// Validate refuses a window that ends before it starts; a zero-length window
// is a fixed-time appointment and is allowed.
func (w Window) Validate(field string) error {
	if w.Start < 0 || w.End > Clock(23, 59) {
		return &ValidationError{field, "heure hors de la journée (00:00 à 23:59)"}
	}
	if w.End < w.Start {
		return &ValidationError{field, fmt.Sprintf("la plage horaire se termine (%s) avant de commencer (%s)", w.End, w.Start)}
	}
	return nil
}

// Intersect returns the tightest window that fits in both, and false when
// they do not overlap.
func (w Window) Intersect(o Window) (Window, bool) {
	r := Window{max(w.Start, o.Start), min(w.End, o.End)}
	return r, r.Start <= r.End
}
