package patientcsv

import (
	"strings"
	"testing"

	"tournee/patients"
)

func TestDuplicates(t *testing.T) {
	t.Parallel()
	csv := "Nom de naissance;Prénom;NIR;Date de naissance\n" +
		"Leroux;Marcelle;2 38 01 62 193 952 17;11/01/1938\n" + // line 2: in the base (NIR)
		"Caron;Jeanne;;02/03/1941\n" + // line 3: new
		"CARON;jeanne;;02/03/1941\n" + // line 4: line 3 again
		"Wallet;Germaine;;22/09/1930\n" // line 5: in the base (name and birth)
	res, err := Read(strings.NewReader(csv))
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("read: %v %v", err, res.Errors)
	}
	base := []patients.Patient{
		{BirthName: "Martin", FirstName: "Marcelle", INS: &patients.INS{NIR: "238016219395217"}},
		{BirthName: "Wallet", FirstName: "Germaine", BirthDate: patients.Date{Year: 1930, Month: 9, Day: 22}},
	}
	dups, kept := Duplicates(res, base)
	var got []string
	for _, d := range dups {
		got = append(got, d.Error())
	}
	want := []string{
		"ligne 2 : LEROUX Marcelle est déjà enregistré(e) : MARTIN Marcelle (même NIR)",
		"ligne 4 : CARON jeanne est déjà à la ligne 3 (même nom de naissance, prénom et date de naissance)",
		"ligne 5 : WALLET Germaine est déjà enregistré(e) : WALLET Germaine (même nom de naissance, prénom et date de naissance)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("duplicates =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(kept.Patients) != 1 || kept.Patients[0].BirthName != "Caron" || kept.Rows[0] != 3 {
		t.Errorf("kept %v at %v, want Jeanne Caron of line 3 alone", kept.Patients, kept.Rows)
	}
	if len(res.Patients) != 4 {
		t.Error("Duplicates changed the caller's result")
	}
}
