package french

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Elide writes word before next the French way: « de » + « Aurélie » is
// « d'Aurélie », « de » + « Claire » is « de Claire ». The short words that
// elide (de, le, la, que, je, ne, se, me, te, ce, jusque, lorsque, puisque)
// lose their final vowel before a vowel or a mute h; any other word is
// joined with a space. First names starting with an h are taken as mute
// (« d'Hélène », « d'Henri »), the usage for almost all of them. The
// apostrophe is the typewriter one, as everywhere else in the app.
func Elide(word, next string) string {
	next = strings.TrimLeftFunc(next, unicode.IsSpace)
	if next == "" {
		return word
	}
	if elides(word) && startsWithVowelSound(next) {
		last := strings.LastIndexAny(word, "eaEA")
		return word[:last] + "'" + next
	}
	return word + " " + next
}

// De is Elide("de", name): « Remplacement » + " " + De("Aurélie") reads
// « Remplacement d'Aurélie ».
func De(name string) string { return Elide("de", name) }

func elides(word string) bool {
	switch strings.ToLower(word) {
	case "de", "le", "la", "que", "je", "ne", "se", "me", "te", "ce", "jusque", "lorsque", "puisque":
		return true
	}
	return false
}

func startsWithVowelSound(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'h',
		'à', 'â', 'ä', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'ô', 'ö', 'ù', 'û', 'ü', 'œ', 'æ':
		return true
	}
	return false
}
