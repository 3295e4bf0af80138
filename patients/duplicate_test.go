package patients

import (
	"testing"
	"time"

	"github.com/rs/xid"
)

func TestSamePerson(t *testing.T) {
	t.Parallel()
	born := Date{Year: 1938, Month: time.January, Day: 11}
	marcelle := Patient{ID: xid.New(), BirthName: "Dupont-Lefèvre", FirstName: "Marcelle", BirthDate: born, INS: &INS{NIR: "238016219395217"}}
	tests := []struct {
		name string
		b    Patient
		want string
	}{
		{"same NIR, other name", Patient{BirthName: "Martin", FirstName: "Jeanne", INS: &INS{NIR: "2 38 01 62 193 952 17"}}, "même NIR"},
		{"same name and birth, typed otherwise", Patient{BirthName: "DUPONT LEFEVRE", FirstName: " marcelle ", BirthDate: born}, "même nom de naissance, prénom et date de naissance"},
		{"homonym born another day", Patient{BirthName: "Dupont-Lefèvre", FirstName: "Marcelle", BirthDate: born.AddDays(1)}, ""},
		{"same name, no birth date", Patient{BirthName: "Dupont-Lefèvre", FirstName: "Marcelle"}, ""},
		{"other first name", Patient{BirthName: "Dupont-Lefèvre", FirstName: "Marcel", BirthDate: born}, ""},
		{"the same record", marcelle, ""},
	}
	for _, tt := range tests {
		why, ok := SamePerson(marcelle, tt.b)
		if why != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: SamePerson = %q, %v; want %q", tt.name, why, ok, tt.want)
		}
	}
	if _, ok := SamePerson(Patient{BirthName: "A", FirstName: "B"}, Patient{BirthName: "A", FirstName: "B"}); ok {
		t.Error("two files without birth date nor NIR taken for one person")
	}
	if _, ok := SamePerson(Patient{}, Patient{}); ok {
		t.Error("two empty files taken for one person")
	}
	other := Patient{BirthName: "Leroux", FirstName: "Marcelle", BirthDate: born}
	if got, _, ok := FindDuplicate(Patient{BirthName: "leroux", FirstName: "Marcelle", BirthDate: born}, []Patient{marcelle, other}); !ok || got.BirthName != "Leroux" {
		t.Errorf("FindDuplicate = %v, %v", got.BirthName, ok)
	}
}
