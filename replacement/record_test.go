package replacement

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	"tournee/storage"
)

var now = time.Date(2026, 11, 23, 7, 0, 0, 0, patients.Paris())

// demoBase is the demo cabinet (Aurélie on this laptop, Karim, Nathalie,
// Émilie their remplaçante, authorised until 24 September 2027) and Claire,
// an outside remplaçante authorised until 14 January 2027.
func demoBase(t *testing.T) (*storage.DB, map[string]patients.Nurse) {
	t.Helper()
	ds, err := demo.Load(patients.DateOf(now), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Create(filepath.Join(t.TempDir(), "d.db"), []byte("x"), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.Seed(ctx, ds); err != nil {
		t.Fatal(err)
	}
	claire := patients.Nurse{FirstName: "Claire", LastName: "Petit", RPPS: "10001234565", Role: patients.Remplacante, Ordre: "62-123456",
		Replacement: &patients.Replacement{AuthorisationNumber: "ONI-62-2026-0042", AuthorisationUntil: patients.NewDate(2027, 1, 14)}}
	if err := db.SaveNurse(ctx, &claire); err != nil {
		t.Fatal(err)
	}
	ns, err := db.Nurses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]patients.Nurse{}
	for _, n := range ns {
		byName[n.FirstName] = n
	}
	return db, byName
}

func refusal(t *testing.T, err error, want string) {
	t.Helper()
	var ve patients.ValidationErrors
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want a French refusal with %q", err, want)
	}
}

// Issue 16, defect 2: a pack beyond the authorisation is refused, not
// only warned about.
func TestPackBeyondAuthorisationRefused(t *testing.T) {
	db, n := demoBase(t)
	ctx := context.Background()
	_, err := PrepareChecked(ctx, db, Request{Remplacant: n["Claire"].ID, Titulaires: []xid.ID{n["Aurélie"].ID},
		From: patients.NewDate(2027, 1, 10), To: patients.NewDate(2027, 1, 25), Now: now})
	refusal(t, err, "se termine le jeudi 14 janvier 2027, avant la fin du remplacement")
	if _, err := PrepareChecked(ctx, db, Request{Remplacant: n["Claire"].ID, Titulaires: []xid.ID{n["Aurélie"].ID},
		From: patients.NewDate(2027, 1, 10), To: patients.NewDate(2027, 1, 14), Now: now}); err != nil {
		t.Fatalf("up to the authorisation's last day: %v", err)
	}
	if recs, _ := db.Replacements(ctx); len(recs) != 0 {
		t.Error("preparing a pack recorded a replacement: only writing it does")
	}
}

// Issue 16, defect 3: the counting rules see the stored replacements.
func TestPackRulesAcrossStoredReplacements(t *testing.T) {
	db, n := demoBase(t)
	ctx := context.Background()
	claire := n["Claire"].ID
	record := func(from, to patients.Date, tit string) (Prepared, error) {
		p, err := PrepareChecked(ctx, db, Request{Remplacant: claire, Titulaires: []xid.ID{n[tit].ID}, From: from, To: to, Now: now})
		if err != nil {
			return p, err
		}
		_, err = Record(ctx, db, p.Pack, now)
		return p, err
	}
	if _, err := record(patients.NewDate(2026, 12, 14), patients.NewDate(2026, 12, 20), "Aurélie"); err != nil {
		t.Fatal(err)
	}
	if _, err := record(patients.NewDate(2026, 12, 18), patients.NewDate(2026, 12, 19), "Karim"); err != nil {
		t.Fatalf("a second titulaire: %v", err)
	}
	// A third, on days the two others are replaced: refused (R.4312-83).
	_, err := record(patients.NewDate(2026, 12, 19), patients.NewDate(2026, 12, 19), "Nathalie")
	refusal(t, err, "ne peut pas remplacer plus de deux infirmiers à la fois")

	// A one-day replacement alone needs no contract; repeated, it does,
	// and the pack then carries the draft.
	one, err := record(patients.NewDate(2026, 12, 21), patients.NewDate(2026, 12, 21), "Nathalie")
	if err != nil || one.Contract {
		t.Fatalf("a first one-day replacement: contract %v, %v", one.Contract, err)
	}
	again, err := record(patients.NewDate(2026, 12, 28), patients.NewDate(2026, 12, 28), "Nathalie")
	if err != nil || !again.Contract {
		t.Fatalf("a repeated one-day replacement must carry a contract: %v, %v", again.Contract, err)
	}
	files, err := FilesWith(again.Pack, again.Contract)
	if err != nil {
		t.Fatal(err)
	}
	hasContract := false
	for _, f := range files {
		hasContract = hasContract || f.Name == "contrat.pdf"
	}
	if !hasContract {
		t.Error("the repeated one-day pack has no contrat.pdf")
	}
	if !strings.Contains(strings.Join(again.Warnings, "\n"), "remplacement court répété") {
		t.Errorf("warnings %q: the repetition should be named", again.Warnings)
	}
	recs, _ := db.Replacements(ctx)
	if len(recs) != 4 || recs[3].Contract != patients.ContractDraft || recs[2].Contract != patients.ContractNotRequired {
		t.Fatalf("records %+v", recs)
	}

	// Writing the same pack again updates its record, no second one.
	if _, err := record(patients.NewDate(2026, 12, 28), patients.NewDate(2026, 12, 28), "Nathalie"); err != nil {
		t.Fatal(err)
	}
	if recs, _ := db.Replacements(ctx); len(recs) != 4 {
		t.Errorf("a pack written twice made %d records", len(recs))
	}

	// Shorten and cancel, with their refusals.
	first := recs[0]
	_, err = Shorten(ctx, db, first.ID, first.To.AddDays(2))
	refusal(t, err, "la nouvelle fin doit se situer")
	short, err := Shorten(ctx, db, first.ID, patients.NewDate(2026, 12, 16))
	if err != nil || short.To != patients.NewDate(2026, 12, 16) || short.PlannedTo != first.To {
		t.Fatalf("shortened: %+v %v", short, err)
	}
	if _, err := Cancel(ctx, db, first.ID, "titulaire rétablie", now); err != nil {
		t.Fatal(err)
	}
	_, err = Cancel(ctx, db, first.ID, "", now)
	refusal(t, err, "déjà annulé")
	// Cancelled, it no longer counts: Nathalie fits on the 19th now.
	if _, err := record(patients.NewDate(2026, 12, 19), patients.NewDate(2026, 12, 19), "Nathalie"); err != nil {
		t.Fatalf("after the cancellation: %v", err)
	}
}

// A remplaçante without a practice of her own and without an authorisation
// gets no pack.
func TestPackWithoutAuthorisationRefused(t *testing.T) {
	db, n := demoBase(t)
	ctx := context.Background()
	ines := patients.Nurse{FirstName: "Inès", LastName: "Roux", RPPS: "10001234565", Role: patients.Remplacante}
	if err := db.SaveNurse(ctx, &ines); err != nil {
		t.Fatal(err)
	}
	_, err := PrepareChecked(ctx, db, Request{Remplacant: ines.ID, Titulaires: []xid.ID{n["Aurélie"].ID},
		From: patients.NewDate(2026, 12, 14), To: patients.NewDate(2026, 12, 15), Now: now})
	refusal(t, err, "aucune autorisation de remplacement n'est enregistrée pour Inès Roux")
	ines.OwnPractice = true
	if err := db.SaveNurse(ctx, &ines); err != nil {
		t.Fatal(err)
	}
	p, err := PrepareChecked(ctx, db, Request{Remplacant: ines.ID, Titulaires: []xid.ID{n["Aurélie"].ID},
		From: patients.NewDate(2026, 12, 14), To: patients.NewDate(2026, 12, 15), Now: now})
	if err != nil {
		t.Fatalf("with her own practice: %v", err)
	}
	joined := strings.Join(p.Conditions, "\n")
	for _, want := range []string{"2 400 heures", "L.1142-2", "CPAM", "conseil départemental de l'Ordre"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the conditions to check lack %q: %q", want, p.Conditions)
		}
	}
}
