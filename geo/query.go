package geo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"

	"tournee/patients"
)

// Query is a parsed free-text address.
type Query struct {
	Number     string // "12", "12 bis", "12 b" (lower case, like Street.Numbers keys) or ""
	Street     string // normalized
	PostalCode string // five digits or ""
	Town       string // normalized, or "" when the text does not say where it starts
}

// repetitions are the suffixes that may follow a house number as a word.
var repetitions = map[string]bool{"bis": true, "ter": true, "quater": true, "quinquies": true}

// ParseQuery splits what a nurse types into number, street, postcode and
// town: "12 bis rue du Moulin 62100 Calais", "12 r du moulin calais",
// "rue du moulin, 62100", "12B rue du Moulin, Calais".
//
// The number is a leading 1–4 digit word, with its repetition either
// attached ("12b", "12bis") or as the next word (bis, ter, quater,
// quinquies); a range "12-14" keeps its first number. The postcode is the
// last five-digit word after the start, wherever it is. The town is what
// follows the postcode, or else what follows the last comma. Without a
// postcode followed by a name or a comma, the town cannot be told from the
// street: Town stays empty, every word stays in Street and Rank tries the
// last words as the town.
func ParseQuery(s string) Query {
	// Tokens are runs of letters and digits, plus "," for the separators
	// that matter (comma, semicolon, line break).
	var toks []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range patients.Fold(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		case r == ',' || r == ';' || r == '\n':
			flush()
			toks = append(toks, ",")
		default:
			flush()
		}
	}
	flush()

	var q Query
	pc := -1
	for i := len(toks) - 1; i > 0; i-- {
		if isDigits(toks[i]) && len(toks[i]) == 5 {
			pc = i
			break
		}
	}
	street, town := toks, []string(nil)
	if pc > 0 {
		q.PostalCode = toks[pc]
		street, town = toks[:pc], toks[pc+1:]
	}
	street, q.Number = cutNumber(street)
	if len(words(town)) == 0 {
		if i := lastIndex(street, ","); i >= 0 {
			street, town = street[:i], street[i+1:]
		}
	}
	q.Street = Normalize(strings.Join(words(street), " "))
	q.Town = Normalize(strings.Join(words(town), " "))
	return q
}

// cutNumber removes the leading house number (and its repetition) from
// toks and returns it in the Street.Numbers key form.
func cutNumber(toks []string) ([]string, string) {
	for len(toks) > 0 && toks[0] == "," {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return toks, ""
	}
	t := toks[0]
	n := 0
	for n < len(t) && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n > 4 {
		return toks, ""
	}
	num, rep := t[:n], t[n:]
	if rep != "" && !repetitions[rep] && !(len(rep) == 1 && rep[0] >= 'a' && rep[0] <= 'z') {
		return toks, "" // "12eme" is rather « 12ème régiment »: not a number
	}
	num = strings.TrimLeft(num, "0")
	if num == "" {
		return toks, ""
	}
	toks = toks[1:]
	if rep == "" && len(toks) > 1 && repetitions[toks[0]] {
		rep, toks = toks[0], toks[1:]
	}
	if rep == "" && len(toks) > 1 && isDigits(toks[0]) && len(toks[0]) <= 4 {
		toks = toks[1:] // the end of a range, "12-14"
	}
	for len(toks) > 0 && toks[0] == "," {
		toks = toks[1:]
	}
	if rep != "" {
		num += " " + rep
	}
	return toks, num
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func words(toks []string) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if t != "," {
			out = append(out, t)
		}
	}
	return out
}

func lastIndex(toks []string, t string) int {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i] == t {
			return i
		}
	}
	return -1
}

// France's metropolitan and Corsican extent, generously rounded: a point
// outside is probably a typo (swapped or truncated numbers).
const (
	franceMinLat, franceMaxLat = 41.0, 51.5
	franceMinLon, franceMaxLon = -5.5, 10.0
)

// ParseCoordinates reads a latitude then a longitude, the order maps show:
// "50.95, 1.85", "50,95 ; 1,85", "50.95 1.85", "50,95 1,85", "50.95,1.85".
// A decimal comma is accepted when the two numbers are separated by a
// semicolon or spaces. It returns orb.Point{lon, lat}. farAway is true for
// a valid point outside metropolitan France and Corsica, so the UI can ask
// for confirmation. Errors are plain French.
func ParseCoordinates(s string) (p orb.Point, farAway bool, err error) {
	latS, lonS, ok := splitCoordinates(s)
	if !ok {
		return orb.Point{}, false, fmt.Errorf("coordonnées illisibles « %s » : tapez la latitude puis la longitude, par exemple 50.95, 1.85", strings.TrimSpace(s))
	}
	lat, err := parseCoordinate(latS, "latitude", 90)
	if err != nil {
		return orb.Point{}, false, err
	}
	lon, err := parseCoordinate(lonS, "longitude", 180)
	if err != nil {
		return orb.Point{}, false, err
	}
	far := lat < franceMinLat || lat > franceMaxLat || lon < franceMinLon || lon > franceMaxLon
	return orb.Point{lon, lat}, far, nil
}

// splitCoordinates finds the two numbers. The separator is, in order of
// preference: a semicolon, spaces (a comma glued to either number is
// dropped), a single comma, or the middle one of three commas
// ("50,95,1,85").
func splitCoordinates(s string) (string, string, bool) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, ";"); ok {
		return strings.TrimSpace(a), strings.TrimSpace(b), !strings.Contains(b, ";")
	}
	if f := strings.Fields(s); len(f) == 2 || len(f) == 3 && f[1] == "," {
		return strings.TrimSuffix(f[0], ","), strings.TrimPrefix(f[len(f)-1], ","), true
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return "", "", false
	}
	switch parts := strings.Split(s, ","); len(parts) {
	case 2:
		return parts[0], parts[1], true
	case 4:
		return parts[0] + "," + parts[1], parts[2] + "," + parts[3], true
	}
	return "", "", false
}

// parseCoordinate reads one decimal degree, point or comma, with an
// optional trailing degree sign.
func parseCoordinate(s, name string, limit float64) (float64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "°")
	if s == "" || strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, fmt.Errorf("%s illisible « %s »", name, s)
	}
	// Only digits, a sign and the decimal mark: strconv would also take
	// "NaN", "Inf" and hexadecimal, which nobody types as a coordinate.
	if strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789+-.,", r) }) >= 0 {
		return 0, fmt.Errorf("%s illisible « %s »", name, s)
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s illisible « %s »", name, s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%s hors limites : %s (entre %g et %g)", name, s, -limit, limit)
	}
	return v, nil
}
