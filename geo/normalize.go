package geo

import (
	"strings"
	"unicode"

	"tournee/patients"
)

// abbreviations maps the short forms found in typed addresses and in some
// BAN names to the word the BAN spells out. No expansion is itself a key or
// a little word: that keeps Normalize idempotent.
var abbreviations = map[string]string{
	"av": "avenue", "ave": "avenue",
	"bd": "boulevard", "bld": "boulevard", "boul": "boulevard", "bvd": "boulevard",
	"st": "saint", "ste": "sainte",
	"chem": "chemin", "ch": "chemin",
	"pl":  "place",
	"imp": "impasse",
	"rte": "route",
	"all": "allee",
	"fbg": "faubourg",
	"sq":  "square",
	"res": "residence",
	"lot": "lotissement",
	"dr":  "docteur",
	"gal": "general",
}

// littleWords carry no meaning for matching and are often left out or
// misspelt: « rue du Moulin », « rue Moulin ».
var littleWords = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true,
	"l": true, "d": true, "a": true, "au": true, "aux": true, "et": true,
}

// Normalize maps a street or town name to its comparison key: lower case
// without accents (patients.Fold), every character other than a letter or
// a digit turned into a space (hyphens, apostrophes, dots), abbreviations
// expanded (« av » → « avenue », « st » → « saint »; « r » → « rue » only as
// the first word, where it cannot be an initial), the little words dropped
// (de, du, des, la, le, les, l, d, a, au, aux, et) and single spaces.
// « Av. de la Résistance » and « avenue Resistance » both give
// « avenue resistance ». Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	folded := patients.Fold(s)
	clean := make([]rune, 0, len(folded))
	for _, r := range folded {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining accent left by decomposed (NFD) input: dropping
			// it makes « e\u0301 » match « é ».
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			clean = append(clean, r)
		default:
			clean = append(clean, ' ')
		}
	}
	var b strings.Builder
	b.Grow(len(clean) + 16)
	for _, w := range strings.Fields(string(clean)) {
		if littleWords[w] {
			continue
		}
		if long, ok := abbreviations[w]; ok {
			w = long
		} else if w == "r" && b.Len() == 0 {
			// Decided on the output so that a dropped leading article
			// (« le r ... ») gives the same result on a second pass.
			w = "rue"
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// streetTypes are the first words that only say what kind of way it is.
// Rank compares names without them too, because nurses often omit them.
var streetTypes = map[string]bool{
	"rue": true, "avenue": true, "boulevard": true, "chemin": true, "place": true,
	"impasse": true, "route": true, "allee": true, "faubourg": true, "square": true,
	"residence": true, "lotissement": true, "quai": true, "cite": true, "sentier": true,
	"passage": true, "cours": true, "voie": true, "ruelle": true, "hameau": true,
	"parvis": true, "promenade": true, "quartier": true, "sente": true,
}

// withoutType drops the leading street type of a normalized name, if any.
func withoutType(s string) string {
	first, rest, ok := strings.Cut(s, " ")
	if ok && streetTypes[first] {
		return rest
	}
	return s
}

// Trigrams returns the distinct three-rune substrings of " " + s + " ",
// first occurrence first. s should already be normalized; the padding lets
// the first and last letters weigh like the others, and runes (not bytes)
// keep non-ASCII letters whole. An empty s has no trigram.
func Trigrams(s string) []string {
	if s == "" {
		return nil
	}
	rs := []rune(" " + s + " ")
	out := make([]string, 0, len(rs)-2)
	seen := make(map[string]bool, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		t := string(rs[i : i+3])
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
