package patients

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/rs/xid"
)

func validCarePlan() CarePlan {
	return CarePlan{
		PatientID: xid.New(), Kind: Insulin, Label: "Insuline rapide matin et soir",
		Acts:         []CareAct{{Key: "AMI", Coef: 1, Modifiers: []ActModifier{Surveillance5bis}}, {Key: "AMI", Coef: 1}},
		PrescribedOn: NewDate(2026, time.November, 2), EndsOn: NewDate(2027, time.February, 1),
		Recurrence:  Recurrence{Kind: Daily, Start: NewDate(2026, time.November, 2)},
		Windows:     []Window{{Clock(7, 0), Clock(8, 30)}, {Clock(18, 0), Clock(19, 30)}},
		DurationMin: 15, Strict: true,
	}
}

func TestCarePlanValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*CarePlan)
		want []problem
	}{
		{"complete plan", func(*CarePlan) {}, nil},
		{"no patient", func(c *CarePlan) { c.PatientID = xid.NilID() }, one("patient", "rattaché à un patient")},
		{"kind typed freely", func(c *CarePlan) { c.Kind = "piqûre" }, one("type", "type de soin inconnu")},
		{"kind left empty", func(c *CarePlan) { c.Kind = "" }, one("type", "type de soin inconnu")},
		{"blank label", func(c *CarePlan) { c.Label = " \t" }, one("libellé", "décrivez le soin")},
		{"duration 0", func(c *CarePlan) { c.DurationMin = 0 }, one("durée", "entre 1 et 240 minutes")},
		{"duration negative", func(c *CarePlan) { c.DurationMin = -15 }, one("durée", "entre 1 et 240 minutes")},
		{"duration 1", func(c *CarePlan) { c.DurationMin = 1 }, nil},
		{"duration 240", func(c *CarePlan) { c.DurationMin = 240 }, nil},
		{"duration 241", func(c *CarePlan) { c.DurationMin = 241 }, one("durée", "entre 1 et 240 minutes")},
		{"no window", func(c *CarePlan) { c.Windows = nil }, one("horaires", "au moins une plage horaire")},
		{"fixed-time window", func(c *CarePlan) { c.Windows[1] = Window{Clock(20, 0), Clock(20, 0)} }, nil},
		{"second window reversed", func(c *CarePlan) { c.Windows[1] = Window{Clock(19, 30), Clock(18, 0)} }, one("plage 2", "avant de commencer")},
		{"first window past midnight", func(c *CarePlan) { c.Windows[0].End = Clock(24, 0) }, one("plage 1", "hors de la journée")},
		{"« pas avant » after the morning window", func(c *CarePlan) { c.NotBefore = Clock(8, 31) }, one("plage 1", "« pas avant 08:31 » tombe après la fin de la plage (08:30)")},
		{"« pas avant » at the window's end", func(c *CarePlan) { c.NotBefore = Clock(8, 30) }, nil},
		{"« pas avant » after every window", func(c *CarePlan) { c.NotBefore = Clock(20, 0) }, []problem{{"plage 1", "pas avant 20:00"}, {"plage 2", "pas avant 20:00"}}},
		{"recurrence not chosen", func(c *CarePlan) { c.Recurrence.Kind = "" }, one("récurrence", "récurrence inconnue")},
		{"recurrence without start", func(c *CarePlan) { c.Recurrence.Start = Date{} }, one("début", "date de début des soins est obligatoire")},
		{"no structured acts (free cotation)", func(c *CarePlan) { c.Acts, c.Cotation = nil, "AMI 1 + AMI 1" }, nil},
		{"first act in lower case", func(c *CarePlan) { c.Acts[0].Key = "ami" }, one("acte 1", "lettre-clé \"ami\" illisible")},
		{"second act without coefficient", func(c *CarePlan) { c.Acts[1].Coef = 0 }, one("acte 2", "coefficient 0 illisible pour AMI")},
		{"prescription ends before it was written", func(c *CarePlan) { c.EndsOn = NewDate(2026, time.November, 1) }, one("fin de prescription", "précède la date de prescription")},
		{"prescription of one day", func(c *CarePlan) { c.EndsOn = c.PrescribedOn }, nil},
		{"end without prescription date", func(c *CarePlan) { c.PrescribedOn = Date{} }, nil},
		{"open-ended prescription", func(c *CarePlan) { c.EndsOn = Date{} }, nil},
	}
	for _, k := range CareKinds() {
		cases = append(cases, struct {
			name string
			edit func(*CarePlan)
			want []problem
		}{fmt.Sprintf("kind %s", k), func(c *CarePlan) { c.Kind = k }, nil})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := validCarePlan()
			p.Windows = append([]Window(nil), p.Windows...)
			p.Acts = append([]CareAct(nil), p.Acts...)
			c.edit(&p)
			expectProblems(t, p.Validate(), c.want)
		})
	}
}

func TestRecurrenceValidateTable(t *testing.T) {
	t.Parallel()
	start := NewDate(2026, time.November, 2)
	cases := []struct {
		name string
		r    Recurrence
		want []problem
	}{
		{"every day", Recurrence{Kind: Daily, Start: start}, nil},
		{"every day without start", Recurrence{Kind: Daily}, one("début", "date de début des soins est obligatoire")},
		{"every 2 days", Recurrence{Kind: EveryN, Start: start, N: 2}, nil},
		{"every 1 day", Recurrence{Kind: EveryN, Start: start, N: 1}, nil},
		{"every 0 days", Recurrence{Kind: EveryN, Start: start}, one("fréquence", "tous les combien de jours (1 ou plus)")},
		{"every -3 days", Recurrence{Kind: EveryN, Start: start, N: -3}, one("fréquence", "1 ou plus")},
		{"every 2 days without start", Recurrence{Kind: EveryN, N: 2}, one("début", "obligatoire")},
		{"mondays and thursdays", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, nil},
		// Sunday is weekday 0: it must not read as « no day chosen ».
		{"sundays only", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Sunday}}, nil},
		{"no weekday ticked", Recurrence{Kind: Weekdays, Start: start}, one("jours", "au moins un jour de la semaine")},
		{"weekday 7", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{time.Monday, 7}}, one("jours", "jour de la semaine inconnu (7)")},
		{"weekday -1", Recurrence{Kind: Weekdays, Start: start, Weekdays: []time.Weekday{-1}}, one("jours", "du dimanche (0) au samedi (6)")},
		{"a blank date among the given ones", Recurrence{Kind: GivenDays, Dates: []Date{start, {}}}, one("dates", "une des dates de soin est vide")},
		{"weekdays without start", Recurrence{Kind: Weekdays, Weekdays: []time.Weekday{time.Monday}}, one("début", "obligatoire")},
		{"given dates, no start needed", Recurrence{Kind: GivenDays, Dates: []Date{start, start.AddDays(7)}}, nil},
		{"given dates left empty", Recurrence{Kind: GivenDays, Start: start}, one("dates", "au moins une date de soin")},
		{"kind not chosen", Recurrence{Start: start}, one("récurrence", "récurrence inconnue \"\"")},
		{"kind invented", Recurrence{Kind: "toutes les semaines", Start: start}, one("récurrence", "récurrence inconnue")},
		{"ends before it starts", Recurrence{Kind: Daily, Start: start, Until: start.AddDays(-1)}, one("jusqu'au", "la date de fin précède la date de début")},
		{"ends the day it starts", Recurrence{Kind: Daily, Start: start, Until: start}, nil},
		{"ends the next day", Recurrence{Kind: Daily, Start: start, Until: start.AddDays(1)}, nil},
		{"count 0 is no limit", Recurrence{Kind: Daily, Start: start, Count: 0}, nil},
		{"count 1", Recurrence{Kind: EveryN, Start: start, N: 2, Count: 1}, nil},
		{"count negative", Recurrence{Kind: Daily, Start: start, Count: -1}, one("nombre", "ne peut pas être négatif")},
		{"no start, no days", Recurrence{Kind: Weekdays}, []problem{{"début", "obligatoire"}, {"jours", "au moins un jour"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			expectProblems(t, c.r.Validate(), c.want)
		})
	}
}

func TestCareActValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    CareAct
		want []problem
	}{
		{"AMI 1", CareAct{Key: "AMI", Coef: 1}, nil},
		{"AMI 1,5", CareAct{Key: "AMI", Coef: 1.5}, nil},
		{"two decimals", CareAct{Key: "AMX", Coef: 1.25}, nil},
		{"coefficient 99", CareAct{Key: "AMI", Coef: 99}, nil},
		{"spaces around the key", CareAct{Key: " AIS ", Coef: 3}, nil},
		{"every modifier", CareAct{Key: "AMI", Coef: 1, Modifiers: ActModifiers()}, nil},
		{"key in lower case", CareAct{Key: "ami", Coef: 1}, one("acte 3", "lettre-clé \"ami\" illisible (ex. « AMI »)")},
		{"key in mixed case", CareAct{Key: "Ami", Coef: 1}, one("acte 3", "lettre-clé")},
		{"key blank", CareAct{Key: "  ", Coef: 1}, one("acte 3", "lettre-clé")},
		{"coefficient 0", CareAct{Key: "AMI"}, one("acte 3", "coefficient 0 illisible pour AMI (ex. 1 ou 1,5)")},
		{"coefficient negative", CareAct{Key: "AMI", Coef: -1}, one("acte 3", "coefficient -1 illisible")},
		{"coefficient above 99", CareAct{Key: "AMI", Coef: 99.5}, one("acte 3", "coefficient 99.5 illisible")},
		{"three decimals", CareAct{Key: "AMI", Coef: 1.005}, one("acte 3", "coefficient 1.005 illisible")},
		{"coefficient not a number", CareAct{Key: "AMI", Coef: math.NaN()}, one("acte 3", "coefficient NaN illisible")},
		{"unknown modifier", CareAct{Key: "AMI", Coef: 1, Modifiers: []ActModifier{"nuit"}}, one("acte 3", "précision \"nuit\" inconnue pour AMI")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var err error
			// validate returns a *ValidationError: a nil one must not become a non-nil error.
			if e := c.a.validate("acte 3"); e != nil {
				err = e
			}
			expectProblems(t, err, c.want)
		})
	}
}
