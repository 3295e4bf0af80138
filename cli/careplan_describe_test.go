package cli

import (
	"testing"

	"tournee/patients"
)

// The one-line description of careplan add/list/edit says the rhythm as the
// file and the dossier do: never « tous les 1 jours », and a counted plan
// gives its count and last day.
func TestDescribeCarePlanRhythm(t *testing.T) {
	t.Parallel()
	c := patients.CarePlan{Kind: patients.LMWHInjected, Label: "Enoxaparine", DurationMin: 10,
		Windows:    []patients.Window{{Start: patients.Clock(8, 0), End: patients.Clock(9, 0)}},
		Recurrence: patients.Recurrence{Kind: patients.EveryN, N: 1, Start: patients.NewDate(2026, 11, 16), Count: 14}}
	want := "Enoxaparine, 8h00–9h00, 10 min, tous les jours, 14 injections, jusqu'au dimanche 29 novembre (depuis le 16/11/2026)"
	if got := describeCarePlan(c); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	c.Recurrence = patients.Recurrence{Kind: patients.EveryN, N: 1, Start: patients.NewDate(2026, 11, 16)}
	want = "Enoxaparine, 8h00–9h00, 10 min, tous les jours (depuis le 16/11/2026)"
	if got := describeCarePlan(c); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
