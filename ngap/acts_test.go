package ngap

import (
	"strings"
	"testing"
	"time"

	"tournee/patients"
)

func TestValidateActs(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	on := day(2026, time.March, 2)
	for _, p := range Presets() {
		if err := ValidateActs(p.Acts, tab, on); err != nil {
			t.Errorf("preset %s: %v", p.ID, err)
		}
		if err := (patients.CarePlan{Acts: p.Acts}).Validate(); err != nil && strings.Contains(err.Error(), "acte") {
			t.Errorf("preset %s refused by the domain: %v", p.ID, err)
		}
	}
	bad := []struct {
		acts []patients.CareAct
		want string
	}{
		{[]patients.CareAct{{Key: "AMY", Coef: 1}}, "n'est pas une lettre-clé"},
		{[]patients.CareAct{{Key: "ami", Coef: 1}}, "majuscules"},
		{[]patients.CareAct{{Key: "AMI", Coef: 1.255}}, "coefficient"},
		{[]patients.CareAct{{Key: "AMI", Coef: 0}}, "coefficient"},
		{[]patients.CareAct{{Key: "BSA", Coef: 2}}, "forfait"},
		{[]patients.CareAct{{Key: "BSA", Coef: 1}, {Key: "BSC", Coef: 1}}, "un seul forfait"},
		{[]patients.CareAct{{Key: "MCI", Coef: 1, Modifiers: []patients.ActModifier{patients.HeavyDressing}}}, "ne s'applique qu'à un acte"},
		{[]patients.CareAct{{Key: "AMI", Coef: 1, Modifiers: []patients.ActModifier{"urgent"}}}, "inconnue"},
		{[]patients.CareAct{{Key: "IFD", Coef: 1}}, "n'est pas une lettre-clé"},
	}
	for _, b := range bad {
		err := ValidateActs(b.acts, tab, on)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ValidateActs(%v) = %v, want an error with %q", b.acts, err, b.want)
		}
	}
	// BSI forfaits did not exist before 2020: the table says so.
	if err := ValidateActs([]patients.CareAct{{Key: "BSB", Coef: 1}}, tab, day(2019, time.June, 1)); err == nil || !strings.Contains(err.Error(), "pas de tarif") {
		t.Errorf("BSB in 2019: %v", err)
	}
}

// An older plan whose text reads bills as the structured list would: the
// text is parsed into acts when the list is empty.
func TestPlanActsFromText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		plan patients.CarePlan
		want string
		majs []string
	}{
		{plan(patients.Insulin, "AMI 1 (+ surveillance, NGAP ch. II art. 5bis)"), "AMI 1 (5bis) + AMI 1 (5bis)", nil},
		{plan(patients.Dressing, "AMI 4 + MCI"), "AMI 4 (pansement lourd)", []string{"MCI"}},
		{plan(patients.Dressing, "AMI 2"), "AMI 2", nil},
		{plan(patients.Infusion, "AMI 9 + AMI 4"), "AMI 9 (perfusion) + AMI 4 (perfusion)", nil},
		{plan(patients.HygieneBSI, "BSB (forfait journalier BSI) + IFI"), "BSB 1", []string{"IFI"}},
	}
	for _, c := range cases {
		pc, err := PlanActs(c.plan)
		if err != nil {
			t.Fatal(err)
		}
		if got := patients.ActsText(pc.Acts); got != c.want || !pc.FromText || strings.Join(pc.Majorations, ",") != strings.Join(c.majs, ",") {
			t.Errorf("PlanActs(%q) = %q %v, want %q %v", c.plan.Cotation, got, pc.Majorations, c.want, c.majs)
		}
	}
	// The structured list wins over the text, which stays a note.
	p := plan(patients.Insulin, "AMI 1 + nuit")
	p.Acts = []patients.CareAct{{Key: "AMI", Coef: 2}, {Key: "MCI", Coef: 1}}
	pc, err := PlanActs(p)
	if err != nil || patients.ActsText(pc.Acts) != "AMI 2" || pc.FromText || len(pc.Majorations) != 1 || pc.Majorations[0] != "MCI" {
		t.Errorf("structured plan read as %+v, %v", pc, err)
	}
}

func TestHolidays(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d              patients.Date
		france, alsace bool
	}{
		{day(2026, time.December, 25), true, true},
		{day(2026, time.December, 26), false, true},
		{day(2026, time.April, 3), false, true}, // Good Friday
		{day(2026, time.April, 6), true, true},  // Easter Monday
		{day(2026, time.December, 1), false, false},
	}
	for _, c := range cases {
		if IsHoliday(c.d, false) != c.france || IsHoliday(c.d, true) != c.alsace {
			t.Errorf("%s: holiday %v/%v, want %v/%v", c.d, IsHoliday(c.d, false), IsHoliday(c.d, true), c.france, c.alsace)
		}
	}
	for pc, want := range map[string]bool{"57000": true, "67000": true, "68100": true, "62100": false, "": false, "75057": false} {
		if InAlsaceMoselle(pc) != want {
			t.Errorf("InAlsaceMoselle(%q) = %v", pc, !want)
		}
	}
	for _, c := range []struct {
		at   patients.TimeOfDay
		want string
	}{{patients.Clock(4, 59), DeepNight}, {patients.Clock(5, 0), Night}, {patients.Clock(7, 59), Night}, {patients.Clock(8, 0), ""},
		{patients.Clock(19, 59), ""}, {patients.Clock(20, 0), Night}, {patients.Clock(22, 59), Night}, {patients.Clock(23, 0), DeepNight}} {
		if got := nightSlot(c.at); got != c.want {
			t.Errorf("nightSlot(%s) = %q, want %q", c.at, got, c.want)
		}
	}
}

// Without a road model the IK line says its kilometres are estimated; with
// one, they are not.
func TestIKDistancer(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	v, plans := fixture(day(2026, time.March, 2), plan(patients.Dressing, "AMI 2"))
	home := Home{Place: atRoadKm(5), Commune: "Guînes"}
	crow := Cabinet{Place: cabinet, Commune: "Calais", Zone: Plaine}
	f, err := Bill(v, plans, home, crow, tab)
	if err != nil {
		t.Fatal(err)
	}
	ik := f.Lines[len(f.Lines)-1]
	if !ik.IsIK() || !ik.Estimated || ik.Km != 6 || ik.Cents != 210 {
		t.Errorf("crow-fly IK line %+v", ik)
	}
	road := crow
	road.Distance = func(a, b patients.Place) (float64, bool) { return 7, true }
	f, err = Bill(v, plans, home, road, tab)
	if err != nil {
		t.Fatal(err)
	}
	ik = f.Lines[len(f.Lines)-1]
	if !ik.IsIK() || ik.Estimated || ik.Km != 10 || ik.Cents != 350 {
		t.Errorf("road IK line %+v, want (14 − 4) km × 0,35", ik)
	}
	// Same commune as the cabinet, whatever the spelling: no IK.
	home.Commune = "CALAIS"
	f, err = Bill(v, plans, home, road, tab)
	if err != nil || f.IKTotal != 0 {
		t.Errorf("IK in the cabinet's commune: %+v, %v", f.Lines, err)
	}
}

func TestUnder7(t *testing.T) {
	t.Parallel()
	birth := day(2019, time.December, 2)
	for d, want := range map[patients.Date]bool{day(2026, time.December, 1): true, day(2026, time.December, 2): false,
		day(2020, time.January, 1): true, day(2030, time.January, 1): false} {
		if under7(birth, d) != want {
			t.Errorf("under7(%s, %s) = %v", birth, d, !want)
		}
	}
	if under7(patients.Date{}, day(2026, time.December, 1)) {
		t.Error("an unknown birth date gave the MIE")
	}
	if !under7(day(2020, time.February, 29), day(2027, time.February, 28)) || under7(day(2020, time.February, 29), day(2027, time.March, 1)) {
		t.Error("born on 29 February: 7 on 1 March")
	}
}
