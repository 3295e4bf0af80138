package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

func TestWritePatientFileHealth(t *testing.T) {
	t.Parallel()
	plan := patients.CarePlan{ID: xid.New(), Label: "Injection anticoagulant", Kind: patients.LMWHInjected,
		Windows:    []patients.Window{{Start: patients.Clock(19, 0), End: patients.Clock(20, 0)}},
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.NewDate(2026, 11, 16), Count: 14}}
	p := patients.Patient{ID: xid.New(), BirthName: "Caron", FirstName: "Jeanne",
		Contacts: []patients.Contact{{Role: patients.MedecinTraitant, Name: "Dr Poulain", RPPS: "99900000101"}},
		Protocols: []patients.Treatment{{Drug: "Lovenox 4000 UI", Dose: "4000 UI", Route: patients.RouteSubcutaneous,
			End: patients.NewDate(2026, 11, 29), Monitoring: "plaquettes lundi et jeudi", CarePlanIDs: []xid.ID{plan.ID}}}}
	var b bytes.Buffer
	writePatientFile(&b, p, []patients.CarePlan{plan}, nil)
	out := b.String()
	for _, want := range []string{"Allergies", "non renseignées", "Dr Poulain (RPPS 99900000101)", "Traitements suivis (1)",
		"Lovenox 4000 UI — 4000 UI — sous-cutanée", "plaquettes lundi et jeudi", "Soins", "Injection anticoagulant",
		"tous les jours, 14 injections, jusqu'au dimanche 29 novembre"} {
		if !strings.Contains(out, want) {
			t.Errorf("patients show lacks %q:\n%s", want, out)
		}
	}
	p.NoKnownAllergies = true
	b.Reset()
	writePatientFile(&b, p, nil, nil)
	if !strings.Contains(b.String(), "aucune allergie connue") {
		t.Errorf("recorded « aucune » not shown:\n%s", b.String())
	}
}
