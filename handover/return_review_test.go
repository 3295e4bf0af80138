package handover

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// Issue 16, defect 6: a note written the evening before her first day
// (after the pack was written) comes back; one written before the pack does
// not, and the review says so before the return is written.
func TestReturnCarriesTransmissionsSinceThePack(t *testing.T) {
	from, to := patients.NewDate(2026, 12, 7), patients.NewDate(2026, 12, 9)
	tit, pt := xid.New(), xid.New()
	created := from.AddDays(-2).At(patients.Clock(18, 0))
	rem := patients.Nurse{ID: xid.New(), FirstName: "Claire", LastName: "Petit",
		Replacement: &patients.Replacement{ContractFrom: from, ContractTo: to, Replaces: []xid.ID{tit}, PackCreated: created}}
	eve := patients.Transmission{ID: xid.New(), PatientID: pt, AuthorID: rem.ID, At: from.AddDays(-1).At(patients.Clock(21, 0)), Cible: "Chute"}
	old := patients.Transmission{ID: xid.New(), PatientID: pt, AuthorID: rem.ID, At: created.Add(-time.Hour), Cible: "Ancienne"}
	during := patients.Transmission{ID: xid.New(), PatientID: pt, AuthorID: rem.ID, At: from.At(patients.Clock(9, 0)), Cible: "Douleur"}
	outside := patients.Visit{ID: xid.New(), PatientID: pt, Date: to.AddDays(1), Status: patients.Done, NurseID: rem.ID}
	open := patients.Visit{ID: xid.New(), PatientID: pt, Date: from, Status: patients.Planned, NurseID: rem.ID}
	done := patients.Visit{ID: xid.New(), PatientID: pt, Date: from, Status: patients.Done, NurseID: rem.ID}
	now := to.At(patients.Clock(20, 0))
	r, err := BuildReturn(rem, xid.New(), []patients.Transmission{during, eve, old}, []patients.Visit{outside, open, done}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Transmissions) != 2 || r.Transmissions[0].ID != eve.ID || r.Transmissions[1].ID != during.ID {
		t.Fatalf("returned %+v, want the evening-before note and the one of the period", r.Transmissions)
	}
	if !r.Since.Equal(created) {
		t.Errorf("Since %v, want the pack's creation %v", r.Since, created)
	}
	rv := r.Review([]patients.Transmission{during, eve, old}, []patients.Visit{outside, open, done}, map[xid.ID]string{pt: "Mme Martin"}, to)
	if len(rv.Included) != 3 || !strings.Contains(strings.Join(rv.Included, "\n"), "« Chute »") {
		t.Errorf("included %q: want both notes and the done visit", rv.Included)
	}
	behind := strings.Join(rv.Behind, "\n")
	for _, want := range []string{"« Ancienne »", "hors de la période du remplacement", "1 visite(s) de jours passés de la période sans état"} {
		if !strings.Contains(behind, want) {
			t.Errorf("the review does not warn about %q: %q", want, rv.Behind)
		}
	}
	// A forged Since long before the period pulls in nothing old.
	r.Since = from.AddDays(-MaxLeadDays - 5).At(patients.Clock(8, 0))
	if r.transmissionIn(old.At) {
		t.Error("a Since far before the period widened the return")
	}
}
