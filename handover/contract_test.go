package handover

import (
	"strings"
	"testing"

	"tournee/patients"
)

func TestContractRequiredBeyondOneDay(t *testing.T) {
	t.Parallel()
	in := input()
	in.To = in.From
	p, _ := mustPack(t, in)
	if r, ok := p.Contract(); ok || r.Title != "" {
		t.Errorf("a one-day replacement gave a contract %q, want none (R.4312-85: beyond 24 h)", r.Title)
	}
	in.To = in.From.AddDays(1)
	p, _ = mustPack(t, in)
	if _, ok := p.Contract(); !ok {
		t.Error("a two-day replacement gave no contract")
	}
}

func TestContractContent(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	r, ok := p.Contract()
	if !ok {
		t.Fatal("no contract for three days")
	}
	if r.Title != "Contrat de remplacement (projet)" || !strings.Contains(r.Subtitle, "Projet à relire") {
		t.Errorf("title %q, subtitle %q: the draft must say it is one", r.Title, r.Subtitle)
	}
	if first := r.Sections[0].Entries[0]; !first.Alert {
		t.Errorf("the first entry %q must be the alert saying it is a draft", first.Label)
	}
	page := string(RenderHTML(r))
	for _, want := range []string{
		"Anne Leroy — RPPS 10000000001",
		"Claire Petit — RPPS 10000000004",
		"n° ONI-62-2026-0042",
		"du jeudi 15 janvier 2026 au jeudi 14 janvier 2027",
		"Du lundi 23 novembre 2026 au mercredi 25 novembre 2026 inclus (3 jours)",
		"Cabinet infirmier des Dunes",
		"10 % des honoraires",
		"conserve 100,00\u00a0€ et reverse 900,00\u00a0€",
		"indemnités kilométriques",
		"R.4312-84", "R.4312-87", "trois mois", "R.4312-83, al. 3",
		"Fait à …………, le …………",
		"Le titulaire, Anne Leroy :", "Le remplaçant, Claire Petit :",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the contract lacks %q", want)
		}
	}
	for _, patient := range []string{"Delattre", "DELATTRE", "Fournier", "FOURNIER", "Martin"} {
		if strings.Contains(page, patient) {
			t.Errorf("the contract, sent to the Ordre, names %q", patient)
		}
	}
}

func TestContractWithoutAuthorisation(t *testing.T) {
	t.Parallel()
	in := input()
	in.Data.Nurses[3].Replacement = nil
	in.Share = 0.05
	p, _ := mustPack(t, in)
	r, _ := p.Contract()
	page := string(RenderHTML(r))
	for _, want := range []string{"à compléter", "5 % des honoraires", "conserve 50,00\u00a0€ et reverse 950,00\u00a0€"} {
		if !strings.Contains(page, want) {
			t.Errorf("the contract lacks %q", want)
		}
	}
}

// Issue 16, defect 7: the draft carries the model contract's clauses.
func TestContractFollowsTheOrdresClauses(t *testing.T) {
	t.Parallel()
	in := input()
	rem := &in.Data.Nurses[3]
	rem.Ordre, rem.CDOI, rem.RCP = "62-123456", "CDOI du Pas-de-Calais", "MACSF n° 778899"
	rem.Address = &patients.Address{Line: "12 rue des Lilas", PostalCode: "62000", City: "Arras"}
	rem.Experience2400h = true
	p, _ := mustPack(t, in)
	page := string(RenderHTML(p.ContractDraft()))
	for _, want := range []string{
		"62-123456", "CDOI du Pas-de-Calais", "12 rue des Lilas, 62000 Arras", "sans cabinet propre",
		"MACSF n° 778899", "L.1142-2", "2 400 heures", "(justificatif fourni)", "CPAM",
		"Secret professionnel", "L.1110-4", "226-13", "Matériel, locaux et véhicule", "Conciliation",
		"conciliation du conseil départemental",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the contract lacks %q", want)
		}
	}
	// What the base does not know is left to fill in, never invented.
	if strings.Count(page, "…… (à compléter)") < 2 {
		t.Error("the titulaire's Ordre number and CDOI, unknown, should be left to complete")
	}
	rem.OwnPractice = true
	p, _ = mustPack(t, in)
	page = string(RenderHTML(p.ContractDraft()))
	if !strings.Contains(page, "installé dans son propre cabinet") || !strings.Contains(page, "non requise (cabinet propre") {
		t.Error("a remplaçant with her own practice needs no authorisation")
	}
}
