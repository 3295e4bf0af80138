package handover

import (
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// The remplaçante's patient page shows the treatments she gives, with
// their protocol and monitoring, and never turns unrecorded allergies into
// « aucune ».
func TestDossierPatientSheetTreatmentsAndAllergies(t *testing.T) {
	t.Parallel()
	in := input()
	var plan patients.CarePlan
	for _, c := range in.Data.CarePlans {
		if c.PatientID == patient1 {
			plan = c
			break
		}
	}
	for i := range in.Data.Patients {
		pt := &in.Data.Patients[i]
		switch pt.ID {
		case patient1:
			pt.Allergies, pt.NoKnownAllergies = nil, false
			pt.Protocols = []patients.Treatment{
				{ID: xid.New(), Drug: "Lovenox 4000 UI", Dose: "4000 UI", Route: patients.RouteSubcutaneous, Schedule: "le soir",
					Start: from.AddDays(-3), End: to.AddDays(8), Monitoring: "plaquettes lundi et jeudi", CarePlanIDs: []xid.ID{plan.ID}},
				{ID: xid.New(), Drug: "Ceftriaxone", End: from.AddDays(-1)}, // over before the replacement
			}
		case patient2:
			pt.Allergies, pt.NoKnownAllergies = nil, true
		}
	}
	p, _ := mustPack(t, in)
	r := p.Dossier()
	text := func(heading string) string {
		var b strings.Builder
		for _, s := range r.Sections {
			if !strings.HasPrefix(s.Heading, heading) {
				continue
			}
			for _, e := range s.Entries {
				b.WriteString(e.Label + " | " + e.Text)
				for _, f := range e.Lines {
					b.WriteString(" | " + f.Label + ": " + f.Value)
				}
				b.WriteString("\n")
			}
		}
		return b.String()
	}
	var p1, p2 string
	for _, pt := range p.Patients {
		switch pt.ID {
		case patient1:
			p1 = text(pt.DisplayName())
		case patient2:
			p2 = text(pt.DisplayName())
		}
	}
	for _, want := range []string{
		"Allergies | non renseignées : à demander",
		"Traitement suivi | Lovenox 4000 UI — 4000 UI — sous-cutanée — le soir",
		"Surveillance: plaquettes lundi et jeudi",
		"Soins: " + plan.Label,
	} {
		if !strings.Contains(p1, want) {
			t.Errorf("the patient page lacks %q:\n%s", want, p1)
		}
	}
	if strings.Contains(p1, "Ceftriaxone") {
		t.Errorf("a treatment over before the replacement is shown:\n%s", p1)
	}
	if !strings.Contains(p2, "Allergies | aucune allergie connue") {
		t.Errorf("recorded « aucune » is not shown:\n%s", p2)
	}
}
