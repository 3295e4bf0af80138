package tui

import (
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// The form's cotation page sets the acts from a preset and the
// prescription's mentions; « garder » keeps the acts of the plan, and an
// older plan's free text stays a note.
func TestCarePlanFormCotation(t *testing.T) {
	today := patients.DateOf(testNow)
	orig := patients.CarePlan{PatientID: xid.New(), Kind: patients.Insulin, Label: "Insuline",
		Cotation: "AMI 1 (+ surveillance, NGAP ch. II art. 5bis)", DurationMin: 10,
		Windows:    []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 0)}},
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: today}}
	f := carePlanForm{orig: orig, draft: carePlanDraftOf(orig, today), today: today}
	c, errs := f.carePlan()
	if len(errs) > 0 || len(c.Acts) != 0 || c.Cotation != orig.Cotation {
		t.Fatalf("keeping: %+v %v", c, errs)
	}
	f.draft.preset, f.draft.sundaysHolidays, f.draft.nightOrTime = "insuline", true, true
	c, errs = f.carePlan()
	if len(errs) > 0 || patients.ActsText(c.Acts) != "AMI 1 (5bis) + AMI 1 (5bis)" || !c.SundaysAndHolidays || !c.NightOrFixedTime || c.Cotation != orig.Cotation {
		t.Fatalf("preset: %+v %v", c, errs)
	}
	// Reopened, the form keeps those acts and flags.
	g := carePlanForm{orig: c, draft: carePlanDraftOf(c, today), today: today}
	if c2, errs := g.carePlan(); len(errs) > 0 || patients.ActsText(c2.Acts) != patients.ActsText(c.Acts) || !c2.SundaysAndHolidays {
		t.Errorf("reopened: %+v %v", c2, errs)
	}
	g.draft.preset = noActs
	if c3, _ := g.carePlan(); len(c3.Acts) != 0 {
		t.Errorf("« aucun acte » kept %v", c3.Acts)
	}
	// A BSI forfait before 2020 has no tariff: refused under the field.
	g.draft.preset, g.draft.prescribedOn = "bsb", "01/06/2019"
	if _, errs := g.carePlan(); len(errs) == 0 || errs[0].Field != "cotation" {
		t.Errorf("BSB prescribed in 2019: %v", errs)
	}
}
