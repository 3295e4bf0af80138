package tui

import (
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// The form's cotation page sets the acts from a preset and the
// prescription's mentions; « garder » keeps the acts of the plan, and an
// older plan's free text stays a note.
func TestCarePlanFormCotation(t *testing.T) {
	t.Parallel()
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

// The form ends the care on a date or after a count of séances, and a
// reopened plan shows the same choice; an unreadable end is said under its
// field.
func TestCarePlanFormEnd(t *testing.T) {
	t.Parallel()
	today := patients.DateOf(testNow)
	orig := patients.CarePlan{ID: xid.New(), PatientID: xid.New(), Kind: patients.LMWHInjected, Label: "Enoxaparine 4 000 UI", DurationMin: 10,
		Windows:    []patients.Window{{Start: patients.Clock(8, 0), End: patients.Clock(9, 0)}},
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.NewDate(2026, 11, 16)}}
	f := carePlanForm{orig: orig, draft: carePlanDraftOf(orig, today), today: today}
	if f.draft.end != endOpen {
		t.Fatalf("an open-ended plan opens on %q", f.draft.end)
	}
	f.draft.end, f.draft.count = endCount, "14"
	c, errs := f.carePlan()
	if len(errs) > 0 || c.Recurrence.Count != 14 || !c.Recurrence.Until.IsZero() {
		t.Fatalf("14 séances: %+v %v", c.Recurrence, errs)
	}
	if got, want := f.rhythm(), "Anticoagulant · tous les jours, 14 injections, jusqu'au dimanche 29 novembre"; got != want {
		t.Errorf("rhythm line %q, want %q", got, want)
	}
	g := carePlanForm{orig: c, draft: carePlanDraftOf(c, today), today: today}
	if g.draft.end != endCount || g.draft.count != "14" {
		t.Errorf("reopened counted plan: end %q count %q", g.draft.end, g.draft.count)
	}
	g.draft.end, g.draft.until = endUntil, "29/11/2026"
	if c, errs := g.carePlan(); len(errs) > 0 || c.Recurrence.Count != 0 || c.Recurrence.Until != patients.NewDate(2026, 11, 29) {
		t.Errorf("until 29/11: %+v %v", c.Recurrence, errs)
	}
	g.draft.end = endOpen
	if c, _ := g.carePlan(); c.Recurrence.Count != 0 || !c.Recurrence.Until.IsZero() {
		t.Errorf("« à la fin de la prescription » kept an end: %+v", c.Recurrence)
	}
	for _, tc := range []struct{ end, until, count, field string }{
		{endCount, "", "0", "nombre"},
		{endCount, "", "quatorze", "nombre"},
		{endUntil, "", "", "jusqu'au"},
		{endUntil, "31/02/2026", "", "jusqu'au"},
		{endUntil, "01/11/2026", "", "jusqu'au"}, // before the start
	} {
		g.draft.end, g.draft.until, g.draft.count = tc.end, tc.until, tc.count
		_, errs := g.carePlan()
		if len(errs) == 0 || carePlanFieldKey(errs[0].Field) != tc.field || carePlanGroup(tc.field) < 0 {
			t.Errorf("%+v: errors %v, want one under %q", tc, errs, tc.field)
		}
	}
}

// A fasting blood draw keeps the lab's deadline and its window; other care
// carries neither.
func TestCarePlanFormFastingDraw(t *testing.T) {
	t.Parallel()
	today := patients.DateOf(testNow)
	orig := patients.CarePlan{ID: xid.New(), PatientID: xid.New(), Kind: patients.BloodDraw, Label: "Bilan à jeun", DurationMin: 10,
		Windows:    []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}},
		Recurrence: patients.Recurrence{Kind: patients.GivenDays, Dates: []patients.Date{patients.NewDate(2026, 11, 26)}}}
	f := carePlanForm{orig: orig, draft: carePlanDraftOf(orig, today), today: today}
	f.draft.fasting, f.draft.labCutoff = true, "10h30"
	c, errs := f.carePlan()
	if len(errs) > 0 || !c.Fasting || !c.Strict || c.LabDropoffBefore != patients.Clock(10, 30) {
		t.Fatalf("fasting draw: %+v %v", c, errs)
	}
	f.draft.labCutoff = "midi"
	if _, errs := f.carePlan(); len(errs) == 0 || errs[0].Field != "laboratoire" || carePlanGroup("laboratoire") < 0 {
		t.Errorf("unreadable lab time: %v", errs)
	}
	f.draft.kind, f.draft.labCutoff = string(patients.Dressing), "10h30"
	if c, _ := f.carePlan(); c.Fasting || c.LabDropoffBefore != 0 {
		t.Errorf("a dressing kept the draw's flags: %+v", c)
	}
}

// The chosen type de soin stays on the screen once its list is left and on
// every later page, with the rhythm as the file will say it; the blood draw
// page (à jeun, laboratoire) comes for a draw only.
func TestCarePlanFormShowsKindAndRhythm(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 100, 40))
	a = ptOpen(a, "leroux marcelle")
	a = press(a, "c")
	if a.patients.mode != carePlanFormMode {
		t.Fatalf("c does not open the care plan form:\n%s", ptText(a))
	}
	a = press(a, "down", "down") // Injection → Anticoagulant → Pansement
	a = press(a, "tab")          // leave the list for the label
	got := ptText(a)
	if !strings.Contains(got, "Type de soin : Pansement") {
		t.Errorf("the chosen kind is not shown once the list is left:\n%s", got)
	}
	if !strings.Contains(got, "Pansement · tous les jours") {
		t.Errorf("no rhythm line under the title:\n%s", got)
	}
	a.patients.plan.draft.kind = string(patients.BloodDraw)
	a = press(a, "tab", "tab") // label, duration: to the « Quand » page
	if got := ptText(a); !strings.Contains(got, "Fin des soins") || !strings.Contains(got, "Prise de sang · tous les jours") {
		t.Errorf("the « Quand » page lacks the end choice or the rhythm line:\n%s", got)
	}
	a = press(a, "tab", "tab", "tab") // fréquence, début, fin: to the windows
	a = ptPaste(a, "7h-8h30")
	a = press(a, "tab", "tab") // plages, strict: to the draw's page
	if got := ptText(a); !strings.Contains(got, "À jeun ?") || !strings.Contains(got, "Tubes au laboratoire avant") {
		t.Errorf("a blood draw has no fasting and lab page:\n%s", got)
	}
}
