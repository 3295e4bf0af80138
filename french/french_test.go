package french

import (
	"math"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases need the real Europe/Paris rules, not the CET fallback

	"tournee/patients"
)

// day builds a Date without normalising it, so a test can pass an impossible one.
func day(y int, m time.Month, d int) patients.Date { return patients.Date{Year: y, Month: m, Day: d} }

func TestDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		d               patients.Date
		date, long, dmy string
	}{
		{"ordinary monday", day(2026, time.November, 23), "lundi 23 novembre", "lundi 23 novembre 2026", "23/11/2026"},
		{"first of january", day(2026, time.January, 1), "jeudi 1er janvier", "jeudi 1er janvier 2026", "01/01/2026"},
		{"accented month", day(2026, time.August, 15), "samedi 15 août", "samedi 15 août 2026", "15/08/2026"},
		{"february", day(2026, time.February, 1), "dimanche 1er février", "dimanche 1er février 2026", "01/02/2026"},
		{"leap day", day(2028, time.February, 29), "mardi 29 février", "mardi 29 février 2028", "29/02/2028"},
		{"spring DST day", day(2026, time.March, 29), "dimanche 29 mars", "dimanche 29 mars 2026", "29/03/2026"},
		{"autumn DST day", day(2026, time.October, 25), "dimanche 25 octobre", "dimanche 25 octobre 2026", "25/10/2026"},
		{"new year's eve", day(2026, time.December, 31), "jeudi 31 décembre", "jeudi 31 décembre 2026", "31/12/2026"},
		{"impossible date is normalised", day(2026, time.April, 31), "vendredi 1er mai", "vendredi 1er mai 2026", "01/05/2026"},
		{"zero date", patients.Date{}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Date(tt.d); got != tt.date {
				t.Errorf("Date(%v) = %q, want %q", tt.d, got, tt.date)
			}
			if got := LongDate(tt.d); got != tt.long {
				t.Errorf("LongDate(%v) = %q, want %q", tt.d, got, tt.long)
			}
			if got := ShortDate(tt.d); got != tt.dmy {
				t.Errorf("ShortDate(%v) = %q, want %q", tt.d, got, tt.dmy)
			}
		})
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   patients.TimeOfDay
		want string
	}{
		{patients.Clock(0, 0), "0h00"},
		{patients.Clock(8, 0), "8h00"},
		{patients.Clock(8, 5), "8h05"},
		{patients.Clock(14, 5), "14h05"},
		{patients.Clock(23, 59), "23h59"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := Clock(tt.in); got != tt.want {
				t.Errorf("Clock(%d) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"winter is UTC+1", utc(2026, time.January, 1, 7, 5), "8h05"},
		{"summer is UTC+2", utc(2026, time.July, 14, 12, 5), "14h05"},
		{"spring DST: last minute of winter", utc(2026, time.March, 29, 0, 59), "1h59"},
		{"spring DST: 2h00 is skipped", utc(2026, time.March, 29, 1, 0), "3h00"},
		{"autumn DST: first 2h30 (summer)", utc(2026, time.October, 25, 0, 30), "2h30"},
		{"autumn DST: second 2h30 (winter)", utc(2026, time.October, 25, 1, 30), "2h30"},
		{"autumn DST: after the change", utc(2026, time.October, 25, 7, 0), "8h00"},
		{"other zone is converted", time.Date(2026, time.November, 23, 8, 5, 0, 0, time.FixedZone("EST", -5*3600)), "14h05"},
		{"midnight in Paris is the previous UTC day", utc(2026, time.December, 31, 23, 0), "0h00"},
		{"zero time is unset", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Time(tt.in); got != tt.want {
				t.Errorf("Time(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   int
		want string
	}{
		{0, "0 min"},
		{5, "5 min"},
		{45, "45 min"},
		{59, "59 min"},
		{60, "1 h"},
		{65, "1 h 05"},
		{90, "1 h 30"},
		{120, "2 h"},
		{24 * 60, "24 h"},
		{-15, "−15 min"},
		{-90, "−1 h 30"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := Duration(tt.in); got != tt.want {
				t.Errorf("Duration(%d) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEuros(t *testing.T) {
	t.Parallel()
	// Spelled out so a reader sees which space is which.
	const thin, nb = "\u202f", "\u00a0"
	tests := []struct {
		name string
		in   int64
		want string
	}{
		{"zero", 0, "0,00" + nb + "€"},
		{"one cent", 1, "0,01" + nb + "€"},
		{"AMI 1", 315, "3,15" + nb + "€"},
		{"no separator below a thousand", 99999, "999,99" + nb + "€"},
		{"one thousand", 100000, "1" + thin + "000,00" + nb + "€"},
		{"spec example", 123456, "1" + thin + "234,56" + nb + "€"},
		{"a year of fees", 12345678901, "123" + thin + "456" + thin + "789,01" + nb + "€"},
		{"negative", -1250, "−12,50" + nb + "€"},
		{"negative cents only", -5, "−0,05" + nb + "€"},
		{"negative thousands", -123456, "−1" + thin + "234,56" + nb + "€"},
		{"largest", math.MaxInt64, "92" + thin + "233" + thin + "720" + thin + "368" + thin + "547" + thin + "758,07" + nb + "€"},
		{"smallest does not overflow", math.MinInt64, "−92" + thin + "233" + thin + "720" + thin + "368" + thin + "547" + thin + "758,08" + nb + "€"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Euros(tt.in); got != tt.want {
				t.Errorf("Euros(%d) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestKm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"zero", 0, "0,0 km"},
		{"spec example", 12400, "12,4 km"},
		{"rounds down", 12440, "12,4 km"},
		{"rounds up", 12460, "12,5 km"},
		{"under a kilometre", 750, "0,8 km"},
		{"a few metres", 40, "0,0 km"},
		{"carry into the units", 9960, "10,0 km"},
		{"monthly total is grouped", 1234500, "1\u202f234,5 km"},
		{"negative", -2500, "−2,5 km"},
		{"negative rounding to zero has no sign", -40, "0,0 km"},
		{"NaN", math.NaN(), "? km"},
		{"infinite", math.Inf(1), "? km"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Km(tt.in); got != tt.want {
				t.Errorf("Km(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPeriodAndPercent(t *testing.T) {
	d := patients.Date{Year: 2026, Month: 11, Day: 23}
	for _, c := range []struct{ got, want string }{
		{Period(d, d), "le lundi 23 novembre 2026"},
		{Period(d, d.AddDays(1)), "du lundi 23 novembre 2026 au mardi 24 novembre 2026"},
		{Percent(0.10), "10 %"},
		{Percent(0.075), "7,5 %"},
		{Percent(0), "0 %"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 12: "12", 999: "999", 1060: "1" + thinSep + "060", 1234567: "1" + thinSep + "234" + thinSep + "567", -1500: minus + "1" + thinSep + "500"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
