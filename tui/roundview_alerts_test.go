package tui

import (
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
)

// A strict visit reached too late on her own round first points to « o »
// (another order of her visits may keep it: the demo Monday at 7h30 had an
// insulin two minutes late, held once re-optimised); the dead end « aucune
// collègue libre » is for a visit no round can take.
func TestStrictAlertPointsToReoptimising(t *testing.T) {
	t.Parallel()
	p := patients.Patient{ID: xid.New(), BirthName: "LEROY", FirstName: "Danielle"}
	v := patients.Visit{ID: xid.New(), PatientID: p.ID, Strict: true, Status: patients.Planned,
		Window: patients.Window{Start: patients.Clock(8, 25), End: patients.Clock(9, 35)}, Order: 14}
	s := roundScreen{rows: []patients.Visit{v}, byID: map[xid.ID]*patients.Patient{p.ID: &p},
		stopOf: map[xid.ID]int{v.ID: 0}, route: planner.Route{Stops: []planner.Stop{{VisitID: v.ID, Broken: true}}}}
	if got := s.strictAlert(); !strings.Contains(got, "o réoptimise") || strings.Contains(got, "aucune collègue") {
		t.Errorf("late on her round: %q", got)
	}
	s.route.Stops[0].Broken = false
	if got := s.strictAlert(); got != "" {
		t.Errorf("held in time, yet an alert: %q", got)
	}
}
