package patients

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// INS OIDs (docs/dmp-cda.md §2.1).
const (
	OIDInsNIR     = "1.2.250.1.213.1.4.8"
	OIDInsNIA     = "1.2.250.1.213.1.4.9"
	OIDInsNIRTest = "1.2.250.1.213.1.4.10"
	OIDInsDemo    = "1.2.250.1.213.1.4.11"
)

// INSStatus is the identity qualification level of the INS referential.
type INSStatus string

// INS statuses, in the words of the referential.
const (
	INSProvisoire   INSStatus = "provisoire"
	INSRecuperee    INSStatus = "récupérée"
	INSValidee      INSStatus = "validée"
	INSQualifiee    INSStatus = "qualifiée"
	INSUnknownState INSStatus = ""
)

// INS is the matricule INS (the NIR or NIA with its key) and its status.
type INS struct {
	NIR    string    `json:"nir"` // 15 characters, no spaces
	OID    string    `json:"oid"`
	Status INSStatus `json:"status"`
	// The INS traits besides the birth name, date and sex the Patient holds:
	// the first birth given name, every birth given name (space-separated),
	// and the COG code of the birth place. A DMP document needs them all.
	FirstGivenName string `json:"first_given_name,omitempty"`
	GivenNames     string `json:"given_names,omitempty"`
	BirthPlace     string `json:"birth_place,omitempty"`
}

// Qualified reports whether the identity may be used for DMP exchange.
func (i *INS) Qualified() bool { return i != nil && i.Status == INSQualifiee }

// NormalizeNIR removes the spaces, dots and dashes people type, and upper-cases
// the Corsican department letters.
func NormalizeNIR(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s))
}

// NIRKey computes the 2-digit key of the first 13 characters of a NIR:
// 97 − (number mod 97), with Corsica's 2A read as 19 and 2B as 18
// (docs/dmp-cda.md §6).
func NIRKey(first13 string) (int, error) {
	if len(first13) != 13 {
		return 0, fmt.Errorf("nir body has %d characters, want 13", len(first13))
	}
	body := first13
	switch body[5:7] {
	case "2A":
		body = body[:5] + "19" + body[7:]
	case "2B":
		body = body[:5] + "18" + body[7:]
	}
	n, err := strconv.ParseUint(body, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("nir body %q is not numeric", first13)
	}
	return int(97 - n%97), nil
}

// ValidateNIR checks the layout and the key of a 15-character NIR/NIA. The
// message is French because it is shown as is next to the field.
func ValidateNIR(nir string) error {
	const field = "nir"
	// Count characters, not bytes: « 23801621939521é » has 15 and was told
	// « il en a 15 »; the loop below names the accent instead. Every byte is
	// ASCII after that loop, so the byte indexes that follow are safe.
	if n := utf8.RuneCountInString(nir); n != 15 {
		return &ValidationError{field, fmt.Sprintf("le NIR doit compter 15 caractères (13 + clé de 2 chiffres), il en a %d", n)}
	}
	for i, r := range nir {
		if r >= '0' && r <= '9' {
			continue
		}
		if (i == 6) && (r == 'A' || r == 'B') && nir[5] == '2' {
			continue
		}
		return &ValidationError{field, fmt.Sprintf("caractère %q inattendu en position %d du NIR", r, i+1)}
	}
	switch nir[0] {
	case '1', '2', '3', '4', '7', '8':
	default:
		return &ValidationError{field, "le NIR doit commencer par 1 ou 2 (sexe), ou 3, 4, 7, 8 pour un numéro provisoire"}
	}
	key, err := NIRKey(nir[:13])
	if err != nil {
		return &ValidationError{field, "NIR illisible"}
	}
	got, _ := strconv.Atoi(nir[13:])
	if got != key {
		return &ValidationError{field, fmt.Sprintf("la clé du NIR ne correspond pas (%02d attendu, %s saisi) : vérifiez le numéro", key, nir[13:])}
	}
	return nil
}

// ValidateRPPS checks that an RPPS has 11 digits. A Luhn mismatch on the last
// digit only yields a warning: the check digit is not confirmed by an ANS
// source (docs/dmp-cda.md §6), and refusing a real nurse would be worse.
func ValidateRPPS(rpps string) (*Warning, error) {
	if len(rpps) != 11 || strings.Trim(rpps, "0123456789") != "" {
		return nil, &ValidationError{"rpps", "le numéro RPPS doit compter 11 chiffres"}
	}
	if !luhnValid(rpps) {
		return &Warning{"rpps", "le chiffre de contrôle du RPPS ne correspond pas : vérifiez le numéro"}, nil
	}
	return nil, nil
}

// ValidateADELI checks the 9-character ADELI layout; its key is not verified
// (docs/dmp-cda.md §6).
func ValidateADELI(adeli string) error {
	if len(adeli) != 9 || strings.Trim(adeli, "0123456789AB") != "" {
		return &ValidationError{"adeli", "le numéro ADELI doit compter 9 caractères"}
	}
	return nil
}

func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
