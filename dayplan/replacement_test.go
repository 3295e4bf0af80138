package dayplan

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

func nurseNamed(t *testing.T, db *storage.DB, first string) patients.Nurse {
	t.Helper()
	ns, err := db.Nurses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.FirstName == first {
			return n
		}
	}
	t.Fatalf("no nurse %s in the demo", first)
	return patients.Nurse{}
}

func roundsOf(vs []patients.Visit, nurse xid.ID) int {
	n := 0
	for _, v := range vs {
		if v.NurseID == nurse && v.Status == patients.Planned {
			n++
		}
	}
	return n
}

// Issue 16, defect 1: a replacement stored by the cabinet (written when the
// pack is prepared) takes the titulaire's rounds on every day of its period,
// in a day opened after it and in a day stored before it; she is planned
// again the day after. The demo's own contract block (a week from the
// reference day, two weeks long) does not reach the days used here.
func TestStoredReplacementTakesTheTitulairesRounds(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	aurelie, emilie := nurseNamed(t, db, "Aurélie"), nurseNamed(t, db, "Émilie")
	from := patients.DateOf(now).AddDays(21)
	to := from.AddDays(6)
	opt := planner.Options{Iterations: 100, Seed: 1}

	// A day stored before the replacement was known: Aurélie works it.
	stored, _, err := Open(ctx, db, from.AddDays(1), now, opt)
	if err != nil {
		t.Fatal(err)
	}
	if roundsOf(stored.Visits, aurelie.ID) == 0 {
		t.Fatal("before the replacement, Aurélie should have a round (fixture)")
	}

	rec := patients.ReplacementRecord{Remplacant: emilie.ID, Titulaires: []xid.ID{aurelie.ID}, From: from, To: to,
		Share: 0.1, Contract: patients.ContractDraft}
	if err := db.SaveReplacement(ctx, &rec); err != nil {
		t.Fatal(err)
	}
	if _, err := Reconcile(ctx, db, patients.DateOf(now)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []patients.Date{from, from.AddDays(1), to} {
		day, _, err := Open(ctx, db, d, now, opt)
		if err != nil {
			t.Fatal(err)
		}
		if n := roundsOf(day.Visits, aurelie.ID); n != 0 {
			t.Errorf("%s: Aurélie, replaced, still has %d visit(s) (CSP R.4312-84)", d, n)
		}
		if roundsOf(day.Visits, emilie.ID) == 0 {
			t.Errorf("%s: Émilie has no round while she replaces Aurélie", d)
		}
		if len(day.Replacements) != 1 || !strings.Contains(day.Replacements[0], "Aurélie Duquesne : en remplacement du ") ||
			!strings.HasSuffix(day.Replacements[0], " par Émilie Lambert") {
			t.Errorf("%s: day header %q, want « Aurélie Duquesne : en remplacement du … au … par Émilie Lambert »", d, day.Replacements)
		}
		if containsNurse(day.OnDuty, aurelie.ID) {
			t.Errorf("%s: Aurélie among the nurses on duty", d)
		}
		// « o » never offers a visit to the replaced titulaire.
		for _, v := range day.Visits {
			if v.NurseID != emilie.ID {
				continue
			}
			for _, o := range day.Offers(v) {
				if o.NurseID == aurelie.ID {
					t.Fatalf("%s: a visit is offered to Aurélie, replaced", d)
				}
			}
			break
		}
	}
	after, _, err := Open(ctx, db, to.AddDays(1), now, opt)
	if err != nil {
		t.Fatal(err)
	}
	if roundsOf(after.Visits, aurelie.ID) == 0 || len(after.Replacements) != 0 {
		t.Errorf("the day after the replacement, Aurélie should work again (%d visits, header %q)",
			roundsOf(after.Visits, aurelie.ID), after.Replacements)
	}

	// Cancelled: the titulaire is planned again over the period.
	if _, err := db.UpdateReplacement(ctx, rec.ID, func(r *patients.ReplacementRecord) error {
		r.Cancelled = now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := Reconcile(ctx, db, patients.DateOf(now)); err != nil {
		t.Fatal(err)
	}
	day, err := Load(ctx, db, from.AddDays(2))
	if err != nil {
		t.Fatal(err)
	}
	if !containsNurse(day.OnDuty, aurelie.ID) || len(day.Replacements) != 0 {
		t.Error("a cancelled replacement still keeps Aurélie off duty")
	}
}

// Issue 16, defect 2: beyond her authorisation the remplaçante is not
// planned, and the day says why.
func TestRemplacanteNotPlannedBeyondHerAuthorisation(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	ctx := context.Background()
	aurelie, emilie := nurseNamed(t, db, "Aurélie"), nurseNamed(t, db, "Émilie")
	from := patients.DateOf(now).AddDays(21)
	rec := patients.ReplacementRecord{Remplacant: emilie.ID, Titulaires: []xid.ID{aurelie.ID}, From: from, To: from.AddDays(9),
		Share: 0.1, Contract: patients.ContractDraft}
	if err := db.SaveReplacement(ctx, &rec); err != nil {
		t.Fatal(err)
	}
	// Her authorisation, renewed in the record of the nurse, now ends mid-period.
	emilie.Replacement.AuthorisationUntil = from.AddDays(4)
	if err := db.SaveNurse(ctx, &emilie); err != nil {
		t.Fatal(err)
	}
	day, err := Load(ctx, db, from.AddDays(6))
	if err != nil {
		t.Fatal(err)
	}
	if containsNurse(day.OnDuty, emilie.ID) || roundsOf(day.Visits, emilie.ID) != 0 {
		t.Errorf("Émilie is planned after her authorisation ended (%d visits)", roundsOf(day.Visits, emilie.ID))
	}
	if len(day.Notices) != 1 || !strings.Contains(day.Notices[0], "autorisation de remplacement a pris fin") {
		t.Errorf("notices %q, want the authorisation's end explained", day.Notices)
	}
	within, err := Load(ctx, db, from.AddDays(4))
	if err != nil {
		t.Fatal(err)
	}
	if !containsNurse(within.OnDuty, emilie.ID) || containsNurse(within.OnDuty, aurelie.ID) {
		t.Error("on the authorisation's last day Émilie replaces Aurélie")
	}
}

func containsNurse(ns []patients.Nurse, id xid.ID) bool {
	for _, n := range ns {
		if n.ID == id {
			return true
		}
	}
	return false
}
