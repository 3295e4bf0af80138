package patients

import (
	"strings"
	"testing"
)

// These complete ident_test.go: every refusal is checked for its field and
// its French sentence, and the provisional numbers are accepted.
func TestValidateNIRMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, nir string
		want      []problem
	}{
		{"provisional number 3", "338016219395264", nil},
		{"provisional number 4", "438016219395214", nil},
		{"NIA 7", "738016219395258", nil},
		{"provisional number 8", "899129912345653", nil},
		{"sex digit 0", "038016219395220", one("nir", "doit commencer par 1 ou 2 (sexe)")},
		{"sex digit 5", "538016219395217", one("nir", "commencer par 1 ou 2")},
		{"sex digit 6", "638016219395217", one("nir", "3, 4, 7, 8 pour un numéro provisoire")},
		{"sex digit 9", "938016219395217", one("nir", "commencer par")},
		{"key one off", "238016219395216", one("nir", "la clé du NIR ne correspond pas (17 attendu, 16 saisi)")},
		{"key 00 typed", "238016219395200", one("nir", "(17 attendu, 00 saisi)")},
		{"B after a department not starting with 2", "185051B12345633", one("nir", "caractère 'B' inattendu en position 7")},
		{"Corsica in lower case (not normalised)", "185052a12345633", one("nir", "caractère 'a' inattendu en position 7")},
		{"letter in the key", "23801621939521O", one("nir", "caractère 'O' inattendu en position 15")},
		{"space kept inside", "2 3801621939521", one("nir", "caractère ' ' inattendu en position 2")},
		{"14 characters", "23801621939521", one("nir", "15 caractères (13 + clé de 2 chiffres), il en a 14")},
		{"16 characters", "2380162193952170", one("nir", "il en a 16")},
		// 15 characters but 16 bytes: the nurse counted right, the accent is the mistake.
		{"accented letter among 15 characters", "23801621939521é", one("nir", "caractère 'é' inattendu en position 15")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			expectProblems(t, ValidateNIR(c.nir), c.want)
		})
	}
}

func TestValidateRPPSMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, rpps string
		want       []problem
		warn       string
	}{
		{"Luhn-valid", "10001234565", nil, ""},
		{"all zeros passes Luhn", "00000000000", nil, ""},
		{"check digit off by one", "10001234566", nil, "le chiffre de contrôle du RPPS ne correspond pas"},
		{"two digits swapped", "10001243565", nil, "vérifiez le numéro"},
		{"12 digits", "100012345650", one("rpps", "le numéro RPPS doit compter 11 chiffres"), ""},
		{"spaces between groups", "100 012 345", one("rpps", "11 chiffres"), ""},
		{"letter O for zero", "1OOO1234565", one("rpps", "11 chiffres"), ""},
		{"Arabic-Indic digits", "١٠٠٠١٢٣٤٥٦٥", one("rpps", "11 chiffres"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w, err := ValidateRPPS(c.rpps)
			expectProblems(t, err, c.want)
			switch {
			case c.warn == "" && w != nil:
				t.Errorf("unexpected warning %v", *w)
			case c.warn != "" && (w == nil || w.Field != "rpps" || !strings.Contains(w.Msg, c.warn)):
				t.Errorf("warning %v, want one on rpps saying %q", w, c.warn)
			}
		})
	}
}

func TestValidateADELITable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, adeli string
		want        []problem
	}{
		{"Pas-de-Calais", "621234567", nil},
		{"Corse-du-Sud", "2A1234567", nil},
		{"Haute-Corse", "2B1234567", nil},
		{"Corsica in lower case", "2a1234567", one("adeli", "le numéro ADELI doit compter 9 caractères")},
		{"8 characters", "62123456", one("adeli", "9 caractères")},
		{"10 characters", "6212345678", one("adeli", "9 caractères")},
		{"letter other than A or B", "62123456C", one("adeli", "9 caractères")},
		{"empty", "", one("adeli", "9 caractères")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			expectProblems(t, ValidateADELI(c.adeli), c.want)
		})
	}
}
