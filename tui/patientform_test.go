package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/patients"
)

func TestWhyNotADate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"31/02/1940": "le 31 février n'existe pas : février 1940 compte 29 jours",
		"29/02/1941": "le 29 février n'existe pas : février 1941 compte 28 jours",
		"31/04/1950": "le 31 avril n'existe pas : avril 1950 compte 30 jours",
		"12/13/1950": "il n'y a pas de mois 13",
		"00/05/1950": "le jour doit être au moins 01",
		"le 3 mai":   "date illisible : tapez JJ/MM/AAAA",
	} {
		if got := whyNotADate(in); !strings.Contains(got, want) {
			t.Errorf("whyNotADate(%q) = %q, want %q", in, got, want)
		}
	}
}

// A date fixed after a refused save no longer shows the old error.
func TestPatientFormFixedDateClearsItsError(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := ptShow(startApp(t, d, 100, 40))
	a = press(a, "a")
	a = ptPaste(a, "Durand")
	a = press(a, "tab", "tab")
	a = ptPaste(a, "Paul")
	a = press(a, "tab")
	a = ptPaste(a, "01/01/2030")
	a = press(a, "ctrl+s")
	if !strings.Contains(ptText(a), "⚠ la date de naissance est dans le futur") {
		t.Fatalf("the error is not shown:\n%s", ptText(a))
	}
	a = press(a, "tab", "tab", "tab") // back on the date, from the first field
	a = ptSend(a, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	a = ptPaste(a, "01/01/1930")
	a = press(a, "tab")
	if got := ptText(a); strings.Contains(got, "dans le futur") {
		t.Errorf("the fixed date still shows its old error:\n%s", got)
	}
}

func TestTreatmentsRoundTripAndLinkToPlans(t *testing.T) {
	t.Parallel()
	plans := []patients.CarePlan{{ID: xid.New(), Label: "Injection anticoagulant"}, {ID: xid.New(), Label: "Insuline soir"}}
	old := []patients.Treatment{{ID: xid.New(), Drug: "Lovenox 4000 UI/0,4 mL"}}
	text := `Médicament : Lovenox 4000 UI/0,4 mL
Dose : 4000 UI
Voie : sous-cutanée
Horaire : le soir vers 20h
Du : 16/11/2026
Au : 29/11/2026
Surveillance : plaquettes lundi et jeudi
Soins : injection anticoagulant

Médicament : Insuline Lantus
Code : 3400935929285
Protocole : selon glycémie capillaire
  < 1,2 g/L : 0 UI
1,2 à 2 g/L : 4 UI
Soins : Insuline soir`
	got, errs := parseTreatments(text, old, plans)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(got) != 2 {
		t.Fatalf("%d treatments, want 2: %+v", len(got), got)
	}
	lmwh, ins := got[0], got[1]
	if lmwh.ID != old[0].ID {
		t.Error("an unchanged treatment lost its id")
	}
	if lmwh.Dose != "4000 UI" || lmwh.Route != patients.RouteSubcutaneous || lmwh.End != patients.NewDate(2026, time.November, 29) ||
		lmwh.Monitoring != "plaquettes lundi et jeudi" || !slices.Equal(lmwh.CarePlanIDs, []xid.ID{plans[0].ID}) {
		t.Errorf("LMWH %+v", lmwh)
	}
	if ins.Code != "3400935929285" || ins.Protocol != "selon glycémie capillaire\n< 1,2 g/L : 0 UI\n1,2 à 2 g/L : 4 UI" || ins.ID.IsZero() {
		t.Errorf("insulin %+v", ins)
	}
	again, errs := parseTreatments(formatTreatments(got, plans), got, plans)
	if len(errs) > 0 || len(again) != 2 || again[1].Protocol != ins.Protocol || again[0].Start != lmwh.Start || again[1].ID != ins.ID {
		t.Errorf("round trip: %+v %v", again, errs)
	}
	_, errs = parseTreatments("Médicament : X\nPosologie : 2\nSoins : pansement\nDu : 31/02/2026", nil, plans)
	msgs := errs.Error()
	for _, want := range []string{"« Posologie » : rubrique inconnue", "aucun soin prescrit ne s'appelle « pansement »", "date « 31/02/2026 » illisible"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors %q lack %q", msgs, want)
		}
	}
}

func TestHealthDraftAllergiesAndContacts(t *testing.T) {
	t.Parallel()
	p := patients.Patient{BirthName: "Caron", FirstName: "Jeanne",
		INS: &patients.INS{NIR: "279035121518989", OID: patients.OIDInsNIRTest, Status: patients.INSQualifiee, FirstGivenName: "JEANNE", GivenNames: "JEANNE MARIE", BirthPlace: "51215"},
		Contacts: []patients.Contact{
			{Role: patients.MedecinTraitant, Name: "Dr Poulain", Phone: "06 39 98 00 21", RPPS: "99900000101"},
			{Role: patients.Prescripteur, Name: "Dr Vasseur (cardiologue)", Phone: "03 21 00 00 01", RPPS: "10001234567"},
			{Role: patients.Pharmacie, Name: "Pharmacie du Beffroi", Phone: "03 21 00 00 02"},
			{Role: patients.Famille, Relation: "fille", Name: "Sandrine Caron", Phone: "06 39 98 00 41"},
			{Role: patients.Aidant, Relation: "aidante", Name: "Mme Lenoir"},
			{Role: patients.AutreContact, Name: "Kiné"},
		}}
	f := patientForm{orig: p, draft: draftOf(p, xid.ID{}, nil)}
	if f.draft.health.allergyState != allergyUnknown {
		t.Errorf("never recorded allergies show as %q", f.draft.health.allergyState)
	}
	got := p.Clone()
	if errs := f.applyHealth(&got); len(errs) > 0 {
		t.Fatal(errs)
	}
	if !slices.Equal(got.Contacts[:5], p.Contacts[:5]) && len(got.Contacts) != len(p.Contacts) {
		t.Errorf("contacts changed by a round trip:\n%+v\n%+v", got.Contacts, p.Contacts)
	}
	for _, c := range p.Contacts {
		if !slices.Contains(got.Contacts, c) {
			t.Errorf("contact %+v lost", c)
		}
	}
	if *got.INS != *p.INS {
		t.Errorf("INS changed: %+v", got.INS)
	}
	if got.AllergyState() != patients.AllergiesUnknown {
		t.Error("unknown allergies became known")
	}
	f.draft.health.allergyState = allergyNone
	if errs := f.applyHealth(&got); len(errs) > 0 || got.AllergyState() != patients.AllergiesNone {
		t.Errorf("« aucune connue »: %v %v", errs, got.AllergyState())
	}
	f.draft.health.allergies = "pénicilline"
	if errs := f.applyHealth(&got); len(errs) != 1 || !strings.Contains(errs[0].Msg, "« aucune connue » est choisi") {
		t.Errorf("none with a list: %v", errs)
	}
	f.draft.health.allergyState = allergyListed
	if errs := f.applyHealth(&got); len(errs) > 0 || got.AllergyText() != "pénicilline" {
		t.Errorf("list: %v %q", errs, got.AllergyText())
	}
	f.draft.health.doctorRPPS = "123"
	if errs := f.applyHealth(&got); len(errs) != 1 || errs[0].Field != "médecin" {
		t.Errorf("short doctor RPPS: %v", errs)
	}
}

// The last step of the form records allergies « aucune connue » and a
// structured treatment, which the file then shows.
func TestPatientFormHealthStep(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	a := ptShow(startApp(t, d, 100, 50))
	a = ptOpen(a, "lefebvre yvette") // allergies not recorded, no treatment yet
	a = press(a, "e")
	a = ptPgDown(a)
	a = ptPgDown(a)
	a = ptPgDown(a)
	if !strings.Contains(ptText(a), "Médecin traitant") {
		t.Fatalf("the last step does not show the people around the patient:\n%s", ptText(a))
	}
	a = press(a, "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab") // Entourage → Pathologies → Allergies
	a = ptSend(a, tea.KeyPressMsg{Code: tea.KeyRight})                   // Non renseignées → Aucune connue
	a = press(a, "tab", "tab", "tab")
	a = ptPaste(a, "Médicament : Lovenox 4000 UI\nDose : 4000 UI\nVoie : sous-cutanée\nAu : 29/11/2026\nSurveillance : plaquettes deux fois par semaine")
	a = press(a, "ctrl+s")
	if !strings.Contains(ptText(a), "Patient enregistré") {
		t.Fatalf("not saved:\n%s", ptText(a))
	}
	p, _ := ptFind(t, db, "Yvette")
	if p.AllergyState() != patients.AllergiesNone {
		t.Errorf("allergies %v, want « aucune connue »", p.AllergyText())
	}
	if len(p.Protocols) != 1 || p.Protocols[0].Monitoring != "plaquettes deux fois par semaine" || p.Protocols[0].Route != patients.RouteSubcutaneous {
		t.Fatalf("treatments %+v", p.Protocols)
	}
	out := ptText(a)
	for _, want := range []string{"Lovenox 4000 UI — 4000 UI — sous-cutanée", "plaquettes deux fois par semaine", "aucune allergie connue"} {
		if !strings.Contains(out, want) {
			t.Errorf("the file lacks %q:\n%s", want, out)
		}
	}
}
