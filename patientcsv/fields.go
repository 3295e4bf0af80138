package patientcsv

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tournee/patients"
)

// cleanCell trims a cell and undoes the formula guard of escapeCell.
// A lone CR becomes LF because encoding/csv's CRLF writer drops a lone CR,
// which would otherwise change notes between export and import.
func cleanCell(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))
	if guarded(s) {
		s = s[1:]
	}
	return s
}

// formulaStart are the characters that make Excel and LibreOffice evaluate
// a cell as a formula (OWASP "CSV injection"), with their full-width forms,
// which some spreadsheets fold to them.
const formulaStart = "=+-@＝＋－＠"

// needsGuard tells whether a spreadsheet could read s as a formula: it
// starts with a formula character, or with a tab, CR or LF (listed by
// OWASP), or a formula character comes after any leading run of blanks,
// control or invisible characters, which spreadsheets skip: "\r=HYPERLINK(…)"
// became a live link in LibreOffice.
func needsGuard(s string) bool {
	for i, r := range s {
		switch {
		case strings.ContainsRune(formulaStart, r):
			return true
		case i == 0 && (r == '\t' || r == '\r' || r == '\n'):
			return true
		case unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			continue // skipped by the spreadsheet: look further
		}
		return false
	}
	return false
}

// guarded tells whether s carries escapeCell's quote: a quote before a
// cell that needed a guard, or before another quote.
func guarded(s string) bool {
	return len(s) > 1 && s[0] == '\'' && (s[1] == '\'' || needsGuard(s[1:]))
}

// escapeCell prefixes a quote, which spreadsheets read as "this is text",
// to cells that could run as a formula: a note "=HYPERLINK(...)" must not
// execute, even behind a CR or a tab, and "+33 6 …" must not become #NOM?.
// A cell that already looks guarded gets one more quote, so that every
// value survives Write then Read.
func escapeCell(s string) string {
	if needsGuard(s) || guarded(s) {
		return "'" + s
	}
	return s
}

// splitList splits a list cell on "|" and on line breaks (Alt+Entrée in
// Excel), dropping empty items. ";" is not a separator because it is the
// field separator of French CSV files.
func splitList(s string) []string {
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '\n' }) {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// joinList is the inverse of splitList.
func joinList(items []string) string { return strings.Join(items, " | ") }

// splitPhones also accepts " / ", which people use between two numbers;
// a bare "/" is left alone because it is not a phone number character
// anyway and validation will report it.
func splitPhones(s string) []string {
	return splitList(strings.ReplaceAll(s, " / ", "|"))
}

// splitParen splits "Marie Dupont (fille)" into "Marie Dupont" and
// "fille". Only a trailing, balanced, non-empty parenthesis counts, so
// "+33 (0)6 12 34 56 78" keeps its "(0)".
func splitParen(s string) (head, inner string) {
	if !strings.HasSuffix(s, ")") {
		return s, ""
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				inner = strings.TrimSpace(s[i+1 : len(s)-1])
				if inner == "" {
					return s, ""
				}
				return strings.TrimSpace(s[:i]), inner
			}
		}
	}
	return s, ""
}

// joinParen is the inverse of splitParen.
func joinParen(head, inner string) string {
	if inner == "" {
		return head
	}
	return strings.TrimSpace(head + " (" + inner + ")")
}

// parsePhone reads "06 12 34 56 78 (fille)". The label must contain a
// letter: "(0)" or "(78)" are part of the number.
func parsePhone(s string) patients.Phone {
	num, label := splitParen(s)
	if !strings.ContainsFunc(label, unicode.IsLetter) {
		return patients.Phone{Number: s}
	}
	return patients.Phone{Number: num, Label: label}
}

// formatPhone is the inverse of parsePhone.
func formatPhone(ph patients.Phone) string { return joinParen(ph.Number, ph.Label) }

// lostZero restores the leading zero a spreadsheet drops when it reads a
// code as a number: "1000" for the postal code 01000, "612345678" for
// 06 12 34 56 78. It returns ok=false when s was left alone.
func lostZero(s string, width int) (fixed string, ok bool) {
	if len(s) != width-1 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return s, false
	}
	return "0" + s, true
}

// decimalRE is the only number shape accepted for coordinates: no
// exponent, hex, NaN or Inf, which strconv.ParseFloat would take and
// which no spreadsheet writes for a coordinate.
var decimalRE = regexp.MustCompile(`^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$`)

// parseDecimal accepts "50.95" and the French "50,95".
func parseDecimal(s string) (float64, bool) {
	if !decimalRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return f, err == nil
}

// formatDecimal writes the shortest exact form with a decimal comma, which
// French Excel reads as a number in a ";" file.
func formatDecimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// parseSex accepts the INS letters and the French "H" and words.
func parseSex(s string) (patients.Sex, bool) {
	switch headerKey(s) {
	case "":
		return "", true
	case "f", "femme", "feminin":
		return patients.Female, true
	case "m", "h", "homme", "masculin":
		return patients.Male, true
	case "u", "inconnu", "indetermine":
		return patients.Unknown, true
	}
	return "", false
}

var insStatuses = map[string]patients.INSStatus{
	"provisoire": patients.INSProvisoire,
	"recuperee":  patients.INSRecuperee,
	"validee":    patients.INSValidee,
	"qualifiee":  patients.INSQualifiee,
}

// insTypes maps the short labels of docs/dmp-cda.md §2.1 to the INS OIDs.
// Nothing is guessed from the number: a NIA and a NIR share their layout.
var insTypes = []struct {
	label string
	oid   string
}{
	{"NIR", patients.OIDInsNIR},
	{"NIA", patients.OIDInsNIA},
	{"test", patients.OIDInsNIRTest},
	{"démo", patients.OIDInsDemo},
}

func parseINSType(s string) (string, bool) {
	for _, t := range insTypes {
		if headerKey(s) == headerKey(t.label) || s == t.oid {
			return t.oid, true
		}
	}
	return "", s == ""
}

func formatINSType(oid string) string {
	for _, t := range insTypes {
		if oid == t.oid {
			return t.label
		}
	}
	return oid
}

// formatNIR groups the NIR as on the carte Vitale (S AA MM DD CCC OOO KK).
// Besides being readable, the spaces stop Excel from turning the 15
// digits into 2,79035E+14, which it would then save in place of the NIR.
func formatNIR(nir string) string {
	if len(nir) != 15 {
		return nir
	}
	return strings.Join([]string{nir[0:1], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:15]}, " ")
}

// parseYesNo reads a yes/no cell; "x" is how people tick a box in Excel.
func parseYesNo(s string) (yes, set, ok bool) {
	switch headerKey(s) {
	case "":
		return false, false, true
	case "oui", "o", "x", "1", "vrai", "yes", "y":
		return true, true, true
	case "non", "n", "0", "faux", "no":
		return false, true, true
	}
	return false, false, false
}

// defaultTwoCarers is the alert text when visite_a_deux is "oui" and no
// « visite à deux » alert says more.
const defaultTwoCarers = "Visite à deux soignants"

var alertKinds = map[string]patients.AlertKind{
	"info":        patients.AlertInfo,
	"securite":    patients.AlertSafety,
	"visite_deux": patients.AlertVisiteADeux,
}

// parseAlert reads "sécurité : chien agressif"; an item with no known
// prefix is an information alert, colon or not ("RDV : 8h").
func parseAlert(s string) (a patients.Alert, prefixed bool) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if k, ok := alertKinds[headerKey(s[:i])]; ok {
			return patients.Alert{Kind: k, Text: strings.TrimSpace(s[i+1:])}, true
		}
	}
	return patients.Alert{Kind: patients.AlertInfo, Text: s}, false
}

// formatAlert writes the prefix only when parseAlert needs it to find the
// kind back.
func formatAlert(a patients.Alert) string {
	switch a.Kind {
	case patients.AlertSafety:
		return "sécurité : " + a.Text
	case patients.AlertVisiteADeux:
		return "visite à deux : " + a.Text
	}
	if _, prefixed := parseAlert(a.Text); prefixed {
		return "info : " + a.Text
	}
	return a.Text
}
