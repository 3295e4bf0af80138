package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// replacementNurses stores three titulaires and an outside remplaçante
// whose authorisation runs until 14 January 2027.
func replacementNurses(t *testing.T, db *DB) (tits [3]patients.Nurse, rem patients.Nurse) {
	t.Helper()
	for i, first := range []string{"Aurélie", "Karim", "Nathalie"} {
		n := sampleNurse()
		n.FirstName = first
		if err := db.SaveNurse(ctx, &n); err != nil {
			t.Fatal(err)
		}
		tits[i] = n
	}
	rem = patients.Nurse{FirstName: "Claire", LastName: "Petit", RPPS: "10001234565", Role: patients.Remplacante, Ordre: "62-123456",
		Replacement: &patients.Replacement{AuthorisationNumber: "ONI-62-2026-0042", AuthorisationUntil: patients.NewDate(2027, 1, 14)}}
	if err := db.SaveNurse(ctx, &rem); err != nil {
		t.Fatal(err)
	}
	return tits, rem
}

func refused(t *testing.T, err error, want string) {
	t.Helper()
	var ve patients.ValidationErrors
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want a French refusal containing %q", err, want)
	}
}

func TestReplacementRecordRules(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	tits, rem := replacementNurses(t, db)
	rec := func(from, to patients.Date, ts ...patients.Nurse) patients.ReplacementRecord {
		r := patients.ReplacementRecord{Remplacant: rem.ID, From: from, To: to, Share: 0.1, Contract: patients.ContractDraft}
		for _, n := range ts {
			r.Titulaires = append(r.Titulaires, n.ID)
		}
		return r
	}
	first := rec(patients.NewDate(2026, 12, 7), patients.NewDate(2026, 12, 20), tits[0])
	if err := db.SaveReplacement(ctx, &first); err != nil {
		t.Fatal(err)
	}
	second := rec(patients.NewDate(2026, 12, 14), patients.NewDate(2026, 12, 18), tits[1])
	if err := db.SaveReplacement(ctx, &second); err != nil {
		t.Fatalf("a second titulaire at once is allowed: %v", err)
	}

	// A third titulaire on a shared day: refused, whatever the request holds alone.
	third := rec(patients.NewDate(2026, 12, 18), patients.NewDate(2026, 12, 19), tits[2])
	refused(t, db.SaveReplacement(ctx, &third), "plus de deux infirmiers à la fois (CSP R.4312-83)")
	if !third.ID.IsZero() {
		t.Error("a refused record keeps an id")
	}
	// The same once the second one ended: allowed.
	third = rec(patients.NewDate(2026, 12, 19), patients.NewDate(2026, 12, 20), tits[2])
	if err := db.SaveReplacement(ctx, &third); err != nil {
		t.Fatalf("two titulaires on 19–20 December: %v", err)
	}

	// Beyond her authorisation: refused.
	late := rec(patients.NewDate(2027, 1, 10), patients.NewDate(2027, 1, 25), tits[0])
	refused(t, db.SaveReplacement(ctx, &late), "se termine le jeudi 14 janvier 2027")

	// A short replacement repeated needs a contract.
	short := rec(patients.NewDate(2027, 1, 5), patients.NewDate(2027, 1, 5), tits[0])
	short.Contract = patients.ContractNotRequired
	refused(t, db.SaveReplacement(ctx, &short), "un contrat écrit est obligatoire")
	// And any replacement beyond 24 hours.
	long := rec(patients.NewDate(2027, 1, 5), patients.NewDate(2027, 1, 6), tits[1])
	long.Contract = patients.ContractNotRequired
	refused(t, db.SaveReplacement(ctx, &long), "un contrat écrit est obligatoire")

	// A remplaçante without her own practice and without an authorisation.
	bare := patients.Nurse{FirstName: "Inès", LastName: "Roux", RPPS: "10001234565", Role: patients.Remplacante}
	if err := db.SaveNurse(ctx, &bare); err != nil {
		t.Fatal(err)
	}
	noAuth := rec(patients.NewDate(2027, 2, 1), patients.NewDate(2027, 2, 3), tits[2])
	noAuth.Remplacant = bare.ID
	refused(t, db.SaveReplacement(ctx, &noAuth), "aucune autorisation de remplacement")
	bare.OwnPractice = true
	if err := db.SaveNurse(ctx, &bare); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveReplacement(ctx, &noAuth); err != nil {
		t.Fatalf("with a practice of her own she needs no authorisation: %v", err)
	}

	recs, err := db.Replacements(ctx)
	if err != nil || len(recs) != 4 {
		t.Fatalf("stored %d records (%v), want 4", len(recs), err)
	}

	// Cancel and shorten go through UpdateReplacement; a cancelled record
	// no longer counts.
	if _, err := db.UpdateReplacement(ctx, second.ID, func(r *patients.ReplacementRecord) error {
		r.Cancelled = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	third2 := rec(patients.NewDate(2026, 12, 15), patients.NewDate(2026, 12, 16), tits[2])
	if err := db.SaveReplacement(ctx, &third2); err != nil {
		t.Fatalf("the second replacement was cancelled, a third titulaire fits: %v", err)
	}
	if _, err := db.UpdateReplacement(ctx, xid.New(), func(*patients.ReplacementRecord) error { return nil }); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("updating an unknown record: %v", err)
	}
}

func TestReplacementRecordsSync(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 2)
	a, b := dbs[0], dbs[1]
	stick := t.TempDir()
	tits, rem := replacementNurses(t, a)
	r := patients.ReplacementRecord{Remplacant: rem.ID, Titulaires: []xid.ID{tits[0].ID}, From: patients.NewDate(2026, 12, 7),
		To: patients.NewDate(2026, 12, 20), Share: 0.1, Contract: patients.ContractDraft}
	if err := a.SaveReplacement(ctx, &r); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	got, err := b.Replacements(ctx)
	if err != nil || len(got) != 1 || got[0].ID != r.ID || got[0].To != r.To || got[0].Remplacant != rem.ID {
		t.Fatalf("B's replacements: %+v %v", got, err)
	}
	// Shortened on B, A learns it.
	if _, err := b.UpdateReplacement(ctx, r.ID, func(x *patients.ReplacementRecord) error {
		x.PlannedTo, x.To = x.To, patients.NewDate(2026, 12, 15)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, stick)
	mustSync(t, a, stick)
	back, err := a.Replacement(ctx, r.ID)
	if err != nil || back.To != patients.NewDate(2026, 12, 15) || back.PlannedTo != patients.NewDate(2026, 12, 20) {
		t.Fatalf("A's record after B shortened it: %+v %v", back, err)
	}
}
