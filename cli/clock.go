package cli

import (
	"fmt"
	"strings"
	"time"

	"tournee/patients"
)

// nowLayouts are the forms --now and TOURNEE_NOW accept, in Europe/Paris.
var nowLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"}

// parseNow reads --now or TOURNEE_NOW: a local date and time in Paris.
func parseNow(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range nowLayouts {
		if t, err := time.ParseInLocation(l, s, patients.Paris()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("heure illisible « %s » : attendu AAAA-MM-JJTHH:MM (heure de Paris), par exemple 2026-11-23T10:00", s)
}

// shiftedClock starts at start and then advances with real: a script or a
// demo set at « lundi 7h » still sees minutes pass, so the interface's idle
// lock and the « faite à » times keep working.
func shiftedClock(start time.Time, real func() time.Time) func() time.Time {
	base := real()
	return func() time.Time { return start.Add(real().Sub(base)) }
}

// setClock applies --now, else TOURNEE_NOW, to the app's clock; every
// command reads the time through a.env.Now after this.
func (a *app) setClock() error {
	src, s := "--now", a.nowFlag
	if s == "" {
		src, s = "TOURNEE_NOW", a.env.Getenv("TOURNEE_NOW")
	}
	if s == "" {
		return nil
	}
	start, err := parseNow(s)
	if err != nil {
		return usagef("%s : %v", src, err)
	}
	real := a.env.Now
	if real == nil {
		real = time.Now
	}
	a.env.Now = shiftedClock(start, real)
	return nil
}
