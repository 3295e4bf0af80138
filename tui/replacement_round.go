package tui

import (
	"strings"

	"tournee/patients"
)

// firstDay is the day the round screen opens on: today, or, in a
// remplaçant(e)'s base opened from a pack before the replacement begins,
// its first day — the round she prepares is that one.
func firstDay(today patients.Date, n patients.Nurse) patients.Date {
	if r := n.Replacement; r != nil && len(r.Replaces) > 0 && !r.ContractFrom.IsZero() && r.ContractFrom.After(today) {
		return r.ContractFrom
	}
	return today
}

// replacedLine is the day's « en remplacement du … au … par … » line when
// the nurse shown is replaced that day: she has no round (CSP R.4312-84).
func (s roundScreen) replacedLine() string {
	n, ok := s.nurse()
	if s.day == nil || !ok {
		return ""
	}
	for _, l := range s.day.Replacements {
		if strings.HasPrefix(l, n.FullName()+" :") {
			return l + " — pas de soins pendant le remplacement (CSP R.4312-84)"
		}
	}
	return ""
}
