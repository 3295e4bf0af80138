package handover

import (
	"slices"
	"strings"
	"testing"

	"tournee/french"
	"tournee/patients"
)

func labels(s Section) []string {
	var out []string
	for _, e := range s.Entries {
		out = append(out, e.Label)
	}
	return out
}

func section(t *testing.T, r Report, heading string) Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.Heading == heading {
			return s
		}
	}
	t.Fatalf("no section %q in %q", heading, headings(r))
	return Section{}
}

func headings(r Report) []string {
	var out []string
	for _, s := range r.Sections {
		out = append(out, s.Heading)
	}
	return out
}

func TestDossierSections(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	r := p.Dossier()
	if r.Title != "Dossier de remplacement" || r.Subtitle != "Claire Petit — du lundi 23 novembre 2026 au mercredi 25 novembre 2026" {
		t.Errorf("title %q, subtitle %q", r.Title, r.Subtitle)
	}
	want := []string{
		"Conditions du remplacement",
		"DELATTRE Hélène, 84 ans",
		"FOURNIER Jean, 76 ans",
		"Tournée du lundi 23 novembre — matin",
		"Tournée du lundi 23 novembre — soir",
		"Tournée du mardi 24 novembre — matin",
		"Tournée du mercredi 25 novembre",
		"Médecins et pharmacies",
	}
	if got := headings(r); !slices.Equal(got, want) {
		t.Errorf("sections =\n%q\nwant\n%q", got, want)
	}
}

func TestDossierConditions(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	var b strings.Builder
	for _, e := range section(t, p.Dossier(), "Conditions du remplacement").Entries {
		b.WriteString(e.Label + " " + e.Text + "\n")
		for _, l := range e.Lines {
			b.WriteString(l.Label + " " + l.Value + "\n")
		}
	}
	for _, w := range []string{
		"Titulaire Anne Leroy — RPPS 10000000001",
		"Remplaçant(e) Claire Petit — RPPS 10000000004",
		"n° ONI-62-2026-0042",
		"Valable jusqu'au jeudi 14 janvier 2027",
		"du lundi 23 novembre 2026 au mercredi 25 novembre 2026 (3 jours)",
		"10 % des honoraires",
		"2 rue de la Mer, 62100 Calais",
		"03 21 00 00 00",
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("the cover lacks %q:\n%s", w, b.String())
		}
	}
}

func TestDossierPatientOrder(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	r := p.Dossier()
	helene := section(t, r, "DELATTRE Hélène, 84 ans")
	got := labels(helene)
	want := []string{"Accès", "Alerte (sécurité)", "Allergie", "Médecin traitant", "Pharmacie", "Famille (fils)",
		"Insuline — Lantus 12 UI", "Pathologies", "Traitement", "22/11/2026 23h50 — chute", "28/09/2026 0h05 — glycémie"}
	if !slices.Equal(got, want) {
		t.Errorf("Hélène's entries =\n%q\nwant\n%q", got, want)
	}
	access := slices.Index(got, "Accès")
	firstContact := slices.Index(got, "Famille (fils)")
	if access != 0 || firstContact < 0 || firstContact < access {
		t.Errorf("Accès must come first, before the contacts: %q", got)
	}
	if helene.Entries[0].Lines[0] != (Field{Label: "Digicode", Value: "4512B"}) {
		t.Errorf("first access line = %v, want the door code", helene.Entries[0].Lines[0])
	}
	for _, l := range []string{"Alerte (sécurité)", "Allergie"} {
		i := slices.Index(got, l)
		if i < 0 || !helene.Entries[i].Alert || i > firstContact {
			t.Errorf("%s must be an alert before the contacts: %q", l, got)
		}
	}
	if slices.Contains(got, "Pansement — pansement ancien") {
		t.Error("an ended prescription is in the dossier")
	}
	var trans []string
	for _, e := range helene.Entries {
		if strings.Contains(e.Label, " — ") && strings.Contains(e.Label, "/2026") {
			trans = append(trans, e.Label)
		}
	}
	if want := []string{"22/11/2026 23h50 — chute", "28/09/2026 0h05 — glycémie"}; !slices.Equal(trans, want) {
		t.Errorf("transmissions = %q, want newest first %q", trans, want)
	}
	plan := helene.Entries[slices.Index(got, "Insuline — Lantus 12 UI")]
	if plan.Text != "tous les jours, jusqu'au dimanche 24 janvier 2027, 7h30–8h00, 15 min, horaire strict" {
		t.Errorf("plan text = %q", plan.Text)
	}
	jean := section(t, r, "FOURNIER Jean, 76 ans")
	if jean.Entries[0].Label != "Accès" || !slices.Contains(jean.Entries[0].Lines, Field{Label: "Carte", Value: "adresse non placée sur la carte"}) {
		t.Errorf("Jean's access = %+v, want first, saying he is not on the map", jean.Entries[0])
	}
}

// TestDossierDaySheets: one sheet per round, in planned order, each stop
// with the time to be there, its window, the address and the door code; a
// day without visits says so on one line.
func TestDossierDaySheets(t *testing.T) {
	t.Parallel()
	in := input()
	for i, v := range in.Data.Visits {
		if v.ID == id(103) {
			in.Data.Visits[i].PlannedArrival = patients.Clock(7, 5)
		}
	}
	p, _ := mustPack(t, in)
	r := p.Dossier()
	morning := section(t, r, "Tournée du lundi 23 novembre — matin")
	var got []string
	for _, e := range morning.Entries {
		line := e.Label + " | " + e.Text
		for _, l := range e.Lines {
			line += " | " + l.Label + " : " + l.Value
		}
		got = append(got, line)
	}
	want := []string{
		"1. 7h05 — FOURNIER Jean | plage 7h00–7h30 · insuline : lundi tôt · 15 min | Adresse : 8 place d'Armes, 62100 Calais",
		"2. 7h30–8h00 — DELATTRE Hélène | insuline : Lantus lundi · 15 min" +
			" | Adresse : 5 rue des Prés, 62100 Calais — digicode 4512B · boîte à clés boîte grise, code 1942 · 2e sans ascenseur",
	}
	if !slices.Equal(got, want) {
		t.Errorf("monday morning =\n%q\nwant\n%q", got, want)
	}
	evening := section(t, r, "Tournée du lundi 23 novembre — soir")
	if len(evening.Entries) != 1 || !strings.Contains(evening.Entries[0].Label, "FOURNIER Jean") {
		t.Errorf("monday evening = %+v, want Jean's pill box alone", evening.Entries)
	}
	for _, s := range []Section{morning, evening} {
		if !s.NewPage {
			t.Errorf("%q does not start a page: a round sheet goes in the car alone", s.Heading)
		}
	}
	wed := section(t, r, "Tournée du mercredi 25 novembre")
	if len(wed.Entries) != 0 || wed.Empty == "" || wed.NewPage {
		t.Errorf("wednesday = %+v, want one French line, no page of its own", wed)
	}
}

func TestDossierDirectory(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	dir := section(t, p.Dossier(), "Médecins et pharmacies")
	var got []string
	for _, e := range dir.Entries {
		got = append(got, e.Label+" | "+e.Text+" | "+e.Lines[0].Value)
	}
	want := []string{
		"Médecin traitant | Dr Paul Martin — 03 21 00 00 01 | DELATTRE Hélène, FOURNIER Jean",
		"Pharmacie | Pharmacie du Beffroi — 03 21 22 22 22 | DELATTRE Hélène, FOURNIER Jean",
	}
	if !slices.Equal(got, want) {
		t.Errorf("directory =\n%q\nwant\n%q (the same doctor typed twice differently is listed once)", got, want)
	}
}

func TestPercentAndAge(t *testing.T) {
	t.Parallel()
	for share, want := range map[float64]string{0.1: "10 %", 0.07: "7 %", 0.075: "7,5 %", 0: "0 %"} {
		if got := french.Percent(share); got != want {
			t.Errorf("french.Percent(%v) = %q, want %q", share, got, want)
		}
	}
	if a, _ := ageOn(from.AddDays(-365*80-20), from); a != 80 {
		t.Errorf("age = %d, want 80", a)
	}
	if a, ok := ageOn(from.AddDays(1), from); ok {
		t.Errorf("a birth after the day gives age %d", a)
	}
}

// A 14-dose LMWH tells the remplaçante when it stops: the count and the
// last day, never « tous les jours » alone.
func TestDossierPlanEntryCountedLMWH(t *testing.T) {
	t.Parallel()
	c := patients.CarePlan{Kind: patients.LMWHInjected, Label: "Enoxaparine 4 000 UI SC", DurationMin: 10,
		Windows:    []patients.Window{{Start: patients.Clock(8, 0), End: patients.Clock(9, 0)}},
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.NewDate(2026, 11, 16), Count: 14}}
	got := planEntry(c).Text
	if want := "tous les jours, 14 injections, jusqu'au dimanche 29 novembre, 8h00–9h00, 10 min"; got != want {
		t.Errorf("dossier line %q, want %q", got, want)
	}
	c.Recurrence = patients.Recurrence{Kind: patients.EveryN, N: 1, Start: patients.NewDate(2026, 11, 16)}
	if got := planEntry(c).Text; !strings.HasPrefix(got, "tous les jours, 8h00") {
		t.Errorf("every day, open-ended: %q", got)
	}
}
