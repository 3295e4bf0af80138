package handover

import (
	"errors"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

func TestCheckReplacementLimit(t *testing.T) {
	t.Parallel()
	contract := func(from, to patients.Date, replaces ...xid.ID) patients.Nurse {
		return patients.Nurse{FirstName: "Claire", LastName: "Petit", Replacement: &patients.Replacement{
			Replaces: replaces, ContractFrom: from, ContractTo: to}}
	}
	none := patients.Nurse{FirstName: "Claire", LastName: "Petit"}
	tests := []struct {
		name       string
		remplacant patients.Nurse
		titulaires []xid.ID
		ok         bool
	}{
		{"two at once, no other contract", none, []xid.ID{nurseA, nurseB}, true},
		{"three at once", none, []xid.ID{nurseA, nurseB, nurseO}, false},
		{"one more during an overlapping contract", contract(from.AddDays(-5), from, nurseO), []xid.ID{nurseA}, true},
		{"third during an overlapping contract", contract(from.AddDays(-5), from, nurseO), []xid.ID{nurseA, nurseB}, false},
		{"contract overlapping at its end", contract(to, to.AddDays(10), nurseO), []xid.ID{nurseA, nurseB}, false},
		{"contract over before", contract(from.AddDays(-10), from.AddDays(-1), nurseO), []xid.ID{nurseA, nurseB}, true},
		{"contract starting after", contract(to.AddDays(1), to.AddDays(9), nurseO, nurseB), []xid.ID{nurseA, nurseB}, true},
		{"the same replacement renewed", contract(from, to, nurseA, nurseB), []xid.ID{nurseA, nurseB}, true},
		{"open-ended contract counts", contract(patients.Date{}, patients.Date{}, nurseO), []xid.ID{nurseA, nurseB}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckReplacementLimit(tt.remplacant, tt.titulaires, from, to)
			if tt.ok {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var ve patients.ValidationErrors
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), "plus de deux infirmiers") {
				t.Errorf("err = %v, want the R.4312-83 refusal", err)
			}
		})
	}
}

func TestBuildPackTwoNursesRule(t *testing.T) {
	t.Parallel()
	// Claire already replaces Anne from From to To: replacing Bruno too is
	// allowed, Bruno and Olivier together are not.
	in := input()
	in.Titulaires = []xid.ID{nurseA, nurseB}
	if _, _, err := BuildPack(in); err != nil {
		t.Errorf("two titulaires refused: %v", err)
	}
	in.Titulaires = []xid.ID{nurseB, nurseO}
	if _, _, err := BuildPack(in); err == nil || !strings.Contains(err.Error(), "R.4312-83") {
		t.Errorf("a third overlapping titulaire: err = %v, want refused", err)
	}
	// The same two after Claire's contract with Anne has ended are fine.
	in.From, in.To = to.AddDays(1), to.AddDays(7)
	if _, _, err := BuildPack(in); err != nil {
		t.Errorf("non-overlapping replacement refused: %v", err)
	}
}

func TestContractRequired(t *testing.T) {
	t.Parallel()
	if ContractRequired(from, from) {
		t.Error("one day needs no written contract")
	}
	if !ContractRequired(from, from.AddDays(1)) {
		t.Error("two days need a written contract")
	}
}
