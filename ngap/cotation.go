package ngap

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Act is one coded act: a letter key and its coefficient (AMI 1.5, AIS 3),
// or a BSI daily forfait (BSA 1).
type Act struct {
	Key  string
	Coef float64
}

// Cotation is the NGAP text of a care plan, read: the acts and the
// majorations it names (MAU, MCI, MIE, IFD, IFI, IK, and the night and
// Sunday words, see ParseCotation).
type Cotation struct {
	Acts        []Act
	Majorations []string
	// Unspecified is set by « actes selon la NGAP »: the plan has acts,
	// but the text does not say which. Nothing is priced for them; the
	// visit still bears its majorations and travel (palliative care).
	Unspecified bool
	// Surveillance5bis is set by a note naming the surveillance of art.
	// 5bis (« AMI 1 (+ surveillance, NGAP ch. II art. 5bis) »): the
	// surveillance is an act of its own, AMI 1 (docs/ngap-idel.md §3.1).
	Surveillance5bis bool
}

// Letter keys priced per coefficient unit, and BSI daily forfaits (one unit
// per day), as in the tariff table (docs/ngap-idel.md §1).
var (
	letterKeys = map[string]bool{"AMI": true, "AMX": true, "AIS": true, "DI": true, "TMI": true}
	forfaits   = map[string]bool{"BSA": true, "BSB": true, "BSC": true}
	// majorationWords maps what a nurse writes to the code Bill knows. The
	// night and Sunday majorations have no verified billing code (table code
	// "unknown"), so they are written as words and map to row families.
	majorationWords = map[string]string{
		"MAU": "MAU", "MCI": "MCI", "MIE": "MIE", "IFD": "IFD", "IFI": "IFI", "IK": "IK",
		"NUIT": Night, "NUIT PROFONDE": DeepNight,
		"DIMANCHE": Sunday, "FERIE": Sunday, "FÉRIÉ": Sunday, "DIMANCHE OU FERIE": Sunday, "DIMANCHE OU FÉRIÉ": Sunday,
	}
)

// CotationError says which part of a cotation text could not be read. Its
// message is French: the nurse typed the text and must fix it.
type CotationError struct {
	Text string // the whole cotation
	Part string // the part not understood
	Why  string
}

func (e *CotationError) Error() string {
	if e.Part == "" {
		return fmt.Sprintf("cotation « %s » : %s", e.Text, e.Why)
	}
	return fmt.Sprintf("cotation « %s » : « %s » %s", e.Text, e.Part, e.Why)
}

// maxCoef bounds a coefficient: the largest of the doc is the bilan de plaie
// AMI 11; 99 leaves room and still catches a typo like "AMI 15" read as 15.
const maxCoef = 99

// ParseCotation reads a cotation as nurses write it: acts and majorations
// joined by "+" ("AMI 1 + MAU", "AMI 4 + MCI", "BSA + IFI"), a decimal point
// or comma ("AMI 1.5", "AMI1,5"), any case and spacing. Text in parentheses
// is a note and is ignored ("BSA (forfait journalier BSI) + IFI"). A BSI
// forfait without a number counts once; a letter key needs its coefficient.
// Anything else — "actes selon la NGAP", "unknown - check NGAP" — is an
// error naming the text: guessing an act would bill one that was not done.
func ParseCotation(s string) (Cotation, error) {
	var c Cotation
	text, notes, err := stripNotes(s)
	if err != nil {
		return c, &CotationError{Text: s, Why: err.Error()}
	}
	n := strings.ToUpper(notes)
	c.Surveillance5bis = strings.Contains(n, "SURVEILLANCE") && strings.Contains(n, "5BIS")
	if strings.TrimSpace(text) == "" {
		return c, &CotationError{Text: s, Why: "aucun acte ni majoration"}
	}
	for part := range strings.SplitSeq(text, "+") {
		norm := strings.Join(strings.Fields(strings.ToUpper(part)), " ")
		if norm == "" {
			continue // "AMI 1 +" or "+ +": a stray plus is harmless
		}
		if unspecifiedWords[norm] {
			c.Unspecified = true
			continue
		}
		if code, ok := majorationWords[norm]; ok {
			c.Majorations = append(c.Majorations, code)
			continue
		}
		key, num := splitKey(norm)
		switch {
		case letterKeys[key], forfaits[key]:
		default:
			return Cotation{}, &CotationError{Text: s, Part: strings.TrimSpace(part), Why: "n'est ni une lettre-clé (AMI, AMX, AIS, DI, TMI, BSA, BSB, BSC) ni une majoration connue (MAU, MCI, MIE, IFD, IFI, IK, nuit, dimanche)"}
		}
		coef := 1.0
		if num == "" {
			if letterKeys[key] {
				return Cotation{}, &CotationError{Text: s, Part: strings.TrimSpace(part), Why: "n'a pas de coefficient (ex. « AMI 1 »)"}
			}
		} else {
			coef, err = strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
			if err != nil || !(coef > 0 && coef <= maxCoef) || !twoDecimals(coef) || strings.ContainsAny(num, " eExXpP_") {
				return Cotation{}, &CotationError{Text: s, Part: strings.TrimSpace(part), Why: "a un coefficient illisible (ex. « 1,5 »)"}
			}
		}
		c.Acts = append(c.Acts, Act{Key: key, Coef: coef})
	}
	if len(c.Acts) == 0 && len(c.Majorations) == 0 && !c.Unspecified {
		return Cotation{}, &CotationError{Text: s, Why: "aucun acte ni majoration"}
	}
	return c, nil
}

// unspecifiedWords say "the acts of the NGAP", without naming them: the
// demo's palliative plans ("acts per NGAP + MCI", stored in French).
var unspecifiedWords = map[string]bool{"ACTES SELON LA NGAP": true, "ACTS PER NGAP": true}

// stripNotes removes parenthesised text, nested or not, and returns it apart.
func stripNotes(s string) (text, notes string, err error) {
	var b, n strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
			n.WriteByte(' ')
		case r == ')':
			if depth == 0 {
				return "", "", fmt.Errorf("parenthèse fermante sans ouvrante")
			}
			depth--
		case depth == 0:
			b.WriteRune(r)
		default:
			n.WriteRune(r)
		}
	}
	if depth != 0 {
		return "", "", fmt.Errorf("parenthèse non refermée")
	}
	return b.String(), n.String(), nil
}

// splitKey splits "AMI 1,5" or "AMI1,5" into "AMI" and "1,5". The key is the
// leading letters; what follows is the number, which may not hold a space
// ("AMI 1 2" is refused rather than read as AMI 12).
func splitKey(s string) (key, num string) {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// twoDecimals reports whether a coefficient has at most two decimals, as
// NGAP coefficients do (1.5, 2.5, 1.2): prices are computed in hundredths.
func twoDecimals(f float64) bool {
	h := f * 100
	return math.Abs(h-math.Round(h)) < 1e-6
}

// hundredths returns the coefficient in hundredths: 1.5 → 150.
func hundredths(f float64) int64 { return int64(math.Round(f * 100)) }
