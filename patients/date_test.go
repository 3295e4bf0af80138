package patients

import (
	"testing"
	"time"
)

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	ok := map[string]TimeOfDay{
		"08:30": Clock(8, 30), "8:30": Clock(8, 30), "8h30": Clock(8, 30), "8H30": Clock(8, 30),
		"8h": Clock(8, 0), "08": Clock(8, 0), "0830": Clock(8, 30), " 14h05 ": Clock(14, 5),
		"0:00": 0, "23:59": Clock(23, 59),
	}
	for in, want := range ok {
		if got, err := ParseTimeOfDay(in); err != nil || got != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "24:00", "8:60", "8h300", "abc", "8:3x", "-1:00", "123", "h", ":"} {
		if got, err := ParseTimeOfDay(in); err == nil {
			t.Errorf("ParseTimeOfDay(%q) = %v, want an error", in, got)
		}
	}
}

func FuzzParseTimeOfDay(f *testing.F) {
	for _, s := range []string{"08:30", "8h", "0830", "23:59", "", "h30", "99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tod, err := ParseTimeOfDay(s)
		if err != nil {
			return
		}
		if tod < 0 || tod > Clock(23, 59) {
			t.Fatalf("%q parsed to %d, outside the day", s, tod)
		}
		// The canonical form parses back to the same time.
		if again, err := ParseTimeOfDay(tod.String()); err != nil || again != tod {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, tod, tod.String(), again, err)
		}
	})
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Date{
		"2026-11-23": {2026, time.November, 23}, "23/11/2026": {2026, time.November, 23}, "1/2/2027": {2027, time.February, 1},
	} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"2026-02-30", "2026-13-01", "23.11.2026", "", "demain"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestDateArithmeticAcrossDST(t *testing.T) {
	t.Parallel()
	// 2026-03-29 is the spring DST change in Paris: day arithmetic must not drift.
	d := NewDate(2026, 3, 28)
	if got := d.AddDays(2); got != NewDate(2026, 3, 30) {
		t.Errorf("AddDays across DST = %v", got)
	}
	if n := NewDate(2026, 11, 1).DaysSince(NewDate(2026, 3, 1)); n != 245 {
		t.Errorf("DaysSince = %d, want 245", n)
	}
	if got := DateOf(time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)); got != NewDate(2026, 11, 23) {
		t.Errorf("23:30 UTC is already the next day in Paris, got %v", got)
	}
}

func TestWindowValidate(t *testing.T) {
	t.Parallel()
	if err := (Window{Clock(9, 0), Clock(8, 0)}).Validate("plage"); err == nil {
		t.Error("a window ending before it starts was accepted")
	}
	if err := (Window{Clock(8, 0), Clock(8, 0)}).Validate("plage"); err != nil {
		t.Errorf("a fixed-time window was refused: %v", err)
	}
	w, ok := Window{Clock(7, 0), Clock(8, 30)}.Intersect(Window{Clock(8, 0), Clock(9, 0)})
	if !ok || w != (Window{Clock(8, 0), Clock(8, 30)}) {
		t.Errorf("Intersect = %v, %v", w, ok)
	}
	if _, ok := (Window{Clock(7, 0), Clock(8, 0)}).Intersect(Window{Clock(9, 0), Clock(10, 0)}); ok {
		t.Error("disjoint windows intersect")
	}
}

func TestEasterAndHolidays(t *testing.T) {
	t.Parallel()
	// The table of docs/idel-rules.md §3.
	for y, want := range map[int]Date{2024: {2024, 3, 31}, 2025: {2025, 4, 20}, 2026: {2026, 4, 5}, 2027: {2027, 3, 28}, 2028: {2028, 4, 16}} {
		if got := EasterSunday(y); got != want {
			t.Errorf("Easter %d = %v, want %v", y, got, want)
		}
	}
	holidays := []Date{{2026, 1, 1}, {2026, 4, 6}, {2026, 5, 1}, {2026, 5, 8}, {2026, 5, 14}, {2026, 5, 25},
		{2026, 7, 14}, {2026, 8, 15}, {2026, 11, 1}, {2026, 11, 11}, {2026, 12, 25}, {2015, 5, 25}}
	for _, d := range holidays {
		if !IsPublicHoliday(d) {
			t.Errorf("%v should be a public holiday", d)
		}
	}
	for _, d := range []Date{{2026, 4, 5}, {2026, 12, 26}, {2026, 11, 23}, {2026, 4, 3}} {
		if IsPublicHoliday(d) {
			t.Errorf("%v is not a public holiday outside Alsace-Moselle", d)
		}
	}
}

func TestRecurrence(t *testing.T) {
	t.Parallel()
	start := NewDate(2026, 1, 30)
	cases := []struct {
		name string
		r    Recurrence
		d    Date
		want bool
	}{
		{"daily before start", Recurrence{Kind: Daily, Start: start}, start.AddDays(-1), false},
		{"daily on start", Recurrence{Kind: Daily, Start: start}, start, true},
		{"daily count 10, 10th day", Recurrence{Kind: Daily, Start: start, Count: 10}, start.AddDays(9), true},
		{"daily count 10, 11th day", Recurrence{Kind: Daily, Start: start, Count: 10}, start.AddDays(10), false},
		{"daily until, last day", Recurrence{Kind: Daily, Start: start, Until: NewDate(2026, 2, 3)}, NewDate(2026, 2, 3), true},
		{"daily until, day after", Recurrence{Kind: Daily, Start: start, Until: NewDate(2026, 2, 3)}, NewDate(2026, 2, 4), false},
		{"every 2 days across month end", Recurrence{Kind: EveryN, N: 2, Start: start}, NewDate(2026, 2, 1), true},
		{"every 2 days, odd day", Recurrence{Kind: EveryN, N: 2, Start: start}, NewDate(2026, 2, 2), false},
		{"every 3 days, count 2, 3rd occurrence", Recurrence{Kind: EveryN, N: 3, Start: start, Count: 2}, start.AddDays(6), false},
		{"Mon/Thu on a Thursday", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, NewDate(2026, 2, 5), true},
		{"Mon/Thu on a Friday", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, NewDate(2026, 2, 6), false},
		{"Mondays, count 2, third Monday", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Monday}, Count: 2}, NewDate(2026, 2, 16), false},
		{"given dates hit", Recurrence{Kind: GivenDays, Dates: []Date{NewDate(2026, 3, 2)}}, NewDate(2026, 3, 2), true},
		{"given dates miss", Recurrence{Kind: GivenDays, Dates: []Date{NewDate(2026, 3, 2)}}, NewDate(2026, 3, 3), false},
	}
	for _, c := range cases {
		if got := c.r.Occurs(c.d); got != c.want {
			t.Errorf("%s: Occurs(%v) = %v, want %v", c.name, c.d, got, c.want)
		}
	}
	plan := CarePlan{Recurrence: Recurrence{Kind: Daily, Start: start}, EndsOn: NewDate(2026, 5, 20), SkipHolidays: true}
	for d, want := range map[Date]bool{NewDate(2026, 5, 14): false, NewDate(2026, 5, 15): true, NewDate(2026, 5, 20): true, NewDate(2026, 5, 21): false} {
		if plan.OccursOn(d) != want {
			t.Errorf("plan on %v: want %v (Ascension skipped, ends 20 May)", d, want)
		}
	}
}

func TestPatientValidate(t *testing.T) {
	t.Parallel()
	p := Patient{BirthName: "Leroux", FirstName: "Marcelle", BirthDate: NewDate(1938, 1, 11),
		INS: &INS{NIR: "238016219395217", Status: INSQualifiee}}
	if err := p.Validate(); err != nil {
		t.Fatalf("valid patient refused: %v", err)
	}
	bad := p
	bad.FirstName = ""
	bad.BirthDate = NewDate(1948, 1, 11)
	bad.Absences = []Absence{{Reason: "hospitalisation", From: NewDate(2026, 11, 20), To: NewDate(2026, 11, 10)}}
	bad.Phones = []Phone{{Number: "06 39 98 OO 41"}}
	err := bad.Validate()
	es, ok := err.(ValidationErrors)
	if !ok || len(es) != 4 {
		t.Fatalf("want the 4 problems at once (prénom, année du NIR, absence, téléphone), got %v", err)
	}
}
