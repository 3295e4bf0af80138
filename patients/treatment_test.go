package patients

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"
)

func TestAllergyStates(t *testing.T) {
	t.Parallel()
	var p Patient
	if p.AllergyState() != AllergiesUnknown || p.AllergyText() != "non renseignées" {
		t.Errorf("never recorded: %v %q", p.AllergyState(), p.AllergyText())
	}
	p.NoKnownAllergies = true
	if p.AllergyState() != AllergiesNone || p.AllergyText() != "aucune allergie connue" {
		t.Errorf("none known: %v %q", p.AllergyState(), p.AllergyText())
	}
	p.NoKnownAllergies = false
	p.Allergies = []string{"pénicilline", "iode"}
	if p.AllergyState() != AllergiesListed || p.AllergyText() != "pénicilline, iode" {
		t.Errorf("listed: %v %q", p.AllergyState(), p.AllergyText())
	}
}

func TestValidateAllergiesAndTreatments(t *testing.T) {
	t.Parallel()
	base := Patient{BirthName: "Durand", FirstName: "Jeanne"}
	both := base.Clone()
	both.Allergies, both.NoKnownAllergies = []string{"iode"}, true
	if err := both.Validate(); err == nil || !strings.Contains(err.Error(), "aucune allergie connue") {
		t.Errorf("list and « aucune » together: %v", err)
	}
	bad := base.Clone()
	bad.Protocols = []Treatment{{Drug: " "}, {Drug: "Lovenox", Start: NewDate(2026, time.November, 20), End: NewDate(2026, time.November, 10)}}
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), "traitement 1: le nom") || !strings.Contains(err.Error(), "traitement 2: la date de fin") {
		t.Errorf("bad treatments: %v", err)
	}
	rpps := base.Clone()
	rpps.Contacts = []Contact{{Role: MedecinTraitant, Name: "Dr Poulain", RPPS: "1234"}}
	if err := rpps.Validate(); err == nil || !strings.Contains(err.Error(), "Dr Poulain : le numéro RPPS") {
		t.Errorf("short RPPS: %v", err)
	}
	good := base.Clone()
	good.Protocols = []Treatment{{Drug: "Lovenox 4000 UI", Dose: "4000 UI", Route: RouteSubcutaneous}}
	if err := good.Validate(); err != nil {
		t.Errorf("good patient refused: %v", err)
	}
}

func TestTreatmentActiveAndClone(t *testing.T) {
	t.Parallel()
	plan := xid.New()
	tr := Treatment{Drug: "Lovenox", Dose: "4000 UI", Route: RouteSubcutaneous, Schedule: "le soir",
		Start: NewDate(2026, time.November, 16), End: NewDate(2026, time.November, 29), CarePlanIDs: []xid.ID{plan}}
	if !tr.ActiveOn(NewDate(2026, time.November, 29)) || tr.ActiveOn(NewDate(2026, time.November, 30)) || tr.ActiveOn(NewDate(2026, time.November, 15)) {
		t.Error("ActiveOn ignores the inclusive bounds")
	}
	if got := tr.Headline(); got != "Lovenox — 4000 UI — sous-cutanée — le soir" {
		t.Errorf("Headline = %q", got)
	}
	p := Patient{Protocols: []Treatment{tr}}
	c := p.Clone()
	c.Protocols[0].CarePlanIDs[0] = xid.New()
	if !p.Protocols[0].Serves(plan) {
		t.Error("Clone shares the care plan ids of a treatment")
	}
}
