// Package passphrase estimates how hard a passphrase is to guess and says,
// in French, how to make it stronger. It is a small estimator in the spirit
// of zxcvbn: the passphrase is cut into pieces an attacker would try first
// (common passwords, dictionary words, keyboard walks and alphabet runs,
// repeats, dates), each piece costs the number of guesses it takes, and
// what no pattern explains is brute force. The cheapest cut gives an
// entropy-like number of bits and a score from 0 to 4.
//
// # What is refused
//
// Check refuses a passphrase shorter than MinRunes (10) characters or
// scoring below MinScore (2, about a hundred million guesses). The database
// key is derived with argon2id, so each guess costs an attacker real
// time, but a stolen laptop or a lost USB key leaves them all the time in
// the world: a hundred million guesses is the floor, four common words
// unrelated to each other is the advice. The length floor also stops
// short random-looking strings that the estimate alone would let through.
//
// Check is for every passphrase that protects health data: the database
// (init, the interface's first run), handover packs, return bundles and
// protected cabinet key files. The demo database keeps its known passphrase
// « demo »: it holds only fictitious patients and is meant to be shared.
package passphrase

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinRunes and MinScore are the floors Check enforces.
const (
	MinRunes = 10
	MinScore = 2
)

// Strength is the estimate of one passphrase.
type Strength struct {
	// Score is 0 (guessed at once) to 4 (out of reach), zxcvbn's scale:
	// below 10³, 10⁶, 10⁸, 10¹⁰ guesses, and above.
	Score int
	// Bits is log2 of the estimated number of guesses.
	Bits float64
	// Runes is the length in characters.
	Runes int
	// Advice is one French sentence on what makes it weak, or how to keep
	// it strong.
	Advice string
}

// OK tells whether Check accepts it.
func (s Strength) OK() bool { return s.Runes >= MinRunes && s.Score >= MinScore }

// WeakError is Check's refusal; its French sentence carries the advice.
type WeakError struct{ Strength Strength }

func (e *WeakError) Error() string {
	return fmt.Sprintf("passphrase too weak: score %d/4, %d characters (at least %d characters and score %d needed)",
		e.Strength.Score, e.Strength.Runes, MinRunes, MinScore)
}

// French is the sentence shown to the nurse.
func (e *WeakError) French() string {
	return "phrase de passe trop faible, rien n'a été créé : " + e.Strength.Advice
}

// Check returns a *WeakError when p is too weak to protect health data.
func Check(p []byte) error {
	s := Estimate(string(p))
	if s.OK() {
		return nil
	}
	return &WeakError{s}
}

// kind is what a piece of the passphrase is.
type kind int

const (
	bruteForce kind = iota
	commonPassword
	dictionaryWord
	sequence
	repeat
	date
)

// match is a piece [i, j) of the passphrase and its cost in bits.
type match struct {
	i, j int
	bits float64
	kind kind
}

var (
	passwordRanks = ranked(commonPasswords)
	wordRanks     = ranked(commonWords)
)

// maxRunes bounds the work: longer passphrases are scored on their first
// maxRunes characters plus brute force for the rest, which only
// underestimates them.
const maxRunes = 64

// Estimate scores p.
func Estimate(p string) Strength {
	rs := []rune(p)
	st := Strength{Runes: utf8.RuneCountInString(p)}
	if len(rs) == 0 {
		st.Advice = "elle est vide : choisissez quatre mots sans rapport entre eux."
		return st
	}
	card := cardinality(rs)
	head := rs
	if len(head) > maxRunes {
		head = head[:maxRunes]
	}
	bits, kinds := cheapest(head, card)
	bits += float64(len(rs)-len(head)) * math.Log2(card)
	st.Bits = bits
	st.Score = score(bits)
	st.Advice = advice(st, kinds)
	return st
}

func score(bits float64) int {
	switch {
	case bits < math.Log2(1e3):
		return 0
	case bits < math.Log2(1e6):
		return 1
	case bits < math.Log2(1e8):
		return 2
	case bits < math.Log2(1e10):
		return 3
	}
	return 4
}

// advice picks the sentence for the weakest trait found.
func advice(st Strength, kinds map[kind]bool) string {
	weak := st.Score < MinScore
	switch {
	case st.Runes < MinRunes:
		return fmt.Sprintf("trop courte (%d caractère%s, %d au moins) : ajoutez des mots.", st.Runes, plural(st.Runes), MinRunes)
	case weak && kinds[commonPassword]:
		return "mot de passe trop courant : les attaquants essaient d'abord « azerty », « motdepasse », « soleil »… ; ajoutez des mots sans rapport entre eux."
	case weak && kinds[sequence]:
		return "suite de touches ou de lettres (azerty, 1234, abcd) : elle se devine tout de suite ; ajoutez des mots."
	case weak && kinds[repeat]:
		return "les répétitions (aaaa, abcabc) n'ajoutent presque rien : ajoutez des mots différents."
	case weak && kinds[date]:
		return "les dates et les années se devinent vite : ajoutez des mots."
	case weak && kinds[dictionaryWord]:
		return "mot trop courant : un ou deux mots du dictionnaire se devinent vite ; ajoutez des mots sans rapport entre eux."
	case weak:
		return "trop facile à deviner : ajoutez des mots ; quatre mots sans rapport entre eux font une bonne phrase de passe."
	case st.Score < 4:
		return "acceptable ; un mot de plus la rendrait plus sûre."
	}
	return "solide."
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// cardinality is the size of the alphabet a brute force over p's
// character classes would use.
func cardinality(rs []rune) float64 {
	var lower, upper, digit, symbol, other bool
	for _, r := range rs {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case r < utf8.RuneSelf:
			symbol = true
		default:
			other = true
		}
	}
	c := 0.0
	for _, x := range []struct {
		on bool
		n  float64
	}{{lower, 26}, {upper, 26}, {digit, 10}, {symbol, 33}, {other, 100}} {
		if x.on {
			c += x.n
		}
	}
	return max(c, 10)
}

// cheapest cuts rs into the pieces that cost an attacker the fewest
// guesses (dynamic programming over the end positions) and returns the
// total in bits and the kinds of pieces used.
func cheapest(rs []rune, card float64) (float64, map[kind]bool) {
	n := len(rs)
	ms := matches(rs, card)
	byEnd := make([][]match, n+1)
	for _, m := range ms {
		byEnd[m.j] = append(byEnd[m.j], m)
	}
	best := make([]float64, n+1)
	from := make([]match, n+1)
	bf := math.Log2(card)
	for j := 1; j <= n; j++ {
		best[j] = best[j-1] + bf
		from[j] = match{i: j - 1, j: j, bits: bf, kind: bruteForce}
		for _, m := range byEnd[j] {
			// One bit per piece: the attacker also guesses how pieces
			// follow each other.
			if c := best[m.i] + m.bits + 1; c < best[j] {
				best[j], from[j] = c, m
			}
		}
	}
	kinds := map[kind]bool{}
	for j := n; j > 0; j = from[j].i {
		kinds[from[j].kind] = true
	}
	return best[n], kinds
}

// separators are what people put between the words of a passphrase.
const separators = " -_./,+"

// matches finds every piece of rs a guesser would try.
func matches(rs []rune, card float64) []match {
	n := len(rs)
	folded := make([]rune, n)
	unleet := make([]rune, n)
	for k, r := range rs {
		folded[k] = fold(r)
		unleet[k] = deLeet(folded[k])
	}
	var ms []match
	for i := 0; i < n; i++ {
		for j := i + 1; j <= n; j++ {
			ms = append(ms, dictionary(rs[i:j], folded[i:j], unleet[i:j], i, j)...)
			if m, ok := dateMatch(folded[i:j], i, j); ok {
				ms = append(ms, m)
			}
		}
	}
	// A separator between words is one of a handful, not any character.
	for k, r := range rs {
		if strings.ContainsRune(separators, r) {
			ms = append(ms, match{k, k + 1, math.Log2(float64(len(separators))), bruteForce})
		}
	}
	ms = append(ms, sequences(folded)...)
	ms = append(ms, repeats(rs, card)...)
	return ms
}

// dictionary matches a piece against the password and word lists, as
// typed, reversed, and with leet substitutions (p@ssw0rd) undone.
func dictionary(orig, folded, unleet []rune, i, j int) []match {
	var ms []match
	w := string(folded)
	variants := uppercaseBits(orig)
	try := func(s string, extra float64) {
		if r, ok := passwordRanks[s]; ok {
			ms = append(ms, match{i, j, math.Log2(float64(r)) + variants + extra, commonPassword})
		}
		if r, ok := wordRanks[s]; ok {
			// Words come after the passwords in an attacker's list.
			ms = append(ms, match{i, j, math.Log2(float64(r)+float64(len(passwordRanks))) + variants + extra, dictionaryWord})
		}
	}
	try(w, 0)
	if j-i >= 3 {
		try(reverse(w), 1)
	}
	if u := string(unleet); u != w {
		subs := 0
		for k := range folded {
			if folded[k] != unleet[k] {
				subs++
			}
		}
		try(u, float64(min(subs, 3)))
	}
	return ms
}

// uppercaseBits is what capitals add: one bit for « Soleil » or « SOLEIL »,
// one per capital otherwise.
func uppercaseBits(rs []rune) float64 {
	up, letters := 0, 0
	for _, r := range rs {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	switch {
	case up == 0:
		return 0
	case up == letters || (up == 1 && unicode.IsUpper(rs[0])):
		return 1
	}
	return float64(up)
}

// sequences finds runs of three or more along the alphabet, the digits or
// a keyboard row, either way: « abcd », « 4321 », « azerty », « qsdf ».
func sequences(rs []rune) []match {
	var ms []match
	n := len(rs)
	for i := 0; i < n; i++ {
		// Code point runs: abc, 987.
		for _, step := range []rune{1, -1} {
			j := i + 1
			for j < n && rs[j]-rs[j-1] == step {
				j++
			}
			if j-i >= 3 {
				ms = append(ms, match{i, j, math.Log2(26 * 2 * float64(j-i)), sequence})
			}
		}
		// Keyboard rows.
		for _, row := range keyboardRows {
			for _, r := range []string{row, reverse(row)} {
				row := []rune(r)
				for s := range row {
					if row[s] != rs[i] {
						continue
					}
					k := 1
					for i+k < n && s+k < len(row) && rs[i+k] == row[s+k] {
						k++
					}
					if k >= 3 {
						ms = append(ms, match{i, i + k, math.Log2(2 * float64(len(row)) * float64(k)), sequence})
					}
				}
			}
		}
	}
	return ms
}

// repeats finds a block said again: « aaaa », « abcabc », « lolol ».
// The cost is the block's own cost plus the count.
func repeats(rs []rune, card float64) []match {
	var ms []match
	n := len(rs)
	for i := 0; i < n; i++ {
		for l := 1; i+2*l <= n; l++ {
			k := 1
			for i+(k+1)*l <= n && string(rs[i+k*l:i+(k+1)*l]) == string(rs[i:i+l]) {
				k++
			}
			if k < 2 || k*l < 3 {
				continue
			}
			var blockBits float64
			if l == 1 {
				blockBits = math.Log2(card)
			} else {
				blockBits, _ = cheapest(rs[i:i+l], card)
			}
			ms = append(ms, match{i, i + k*l, blockBits + math.Log2(float64(k)), repeat})
		}
	}
	return ms
}

// dateMatch recognises years (1900–2099) and day-month-year dates in
// digits, with or without separators: « 1984 », « 14071989 », « 3/2/24 ».
func dateMatch(rs []rune, i, j int) (match, bool) {
	s := string(rs)
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	seps := len(rs) - len(digits)
	if seps > 2 || len(digits) < 4 || len(digits) > 8 {
		return match{}, false
	}
	for _, r := range rs {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune("/-. ", r) {
			return match{}, false
		}
	}
	if seps == 0 && len(digits) == 4 && isYear(digits) {
		return match{i, j, math.Log2(200), date}, true
	}
	if len(digits) >= 4 && validDate(digits) {
		return match{i, j, math.Log2(366 * 200), date}, true
	}
	return match{}, false
}

func isYear(s string) bool {
	return len(s) == 4 && (s[:2] == "19" || s[:2] == "20")
}

// validDate tells whether digits read as ddmmyy(yy), yyyymmdd or d/m/yy.
func validDate(d string) bool {
	atoi := func(s string) int {
		n := 0
		for _, r := range s {
			n = n*10 + int(r-'0')
		}
		return n
	}
	ok := func(day, month int) bool { return day >= 1 && day <= 31 && month >= 1 && month <= 12 }
	switch len(d) {
	case 8:
		return (ok(atoi(d[:2]), atoi(d[2:4])) && isYear(d[4:])) || (isYear(d[:4]) && ok(atoi(d[6:]), atoi(d[4:6])))
	case 6:
		return ok(atoi(d[:2]), atoi(d[2:4])) || (isYear(d[2:]) && ok(atoi(d[:1]), atoi(d[1:2])))
	case 5, 4:
		return ok(atoi(d[:1]), atoi(d[1:2])) || ok(atoi(d[:2]), atoi(d[2:3]))
	}
	return false
}

// fold lowercases and drops French accents, so « Été » is « ete ».
func fold(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'â', 'ä', 'á':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'î', 'ï', 'í':
		return 'i'
	case 'ô', 'ö', 'ó':
		return 'o'
	case 'ù', 'û', 'ü', 'ú':
		return 'u'
	case 'ç':
		return 'c'
	case 'ÿ':
		return 'y'
	}
	return r
}

// deLeet undoes the usual substitutions: p@ssw0rd is password.
func deLeet(r rune) rune {
	switch r {
	case '@', '4':
		return 'a'
	case '0':
		return 'o'
	case '1', '!':
		return 'i'
	case '3', '€':
		return 'e'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return r
}

func reverse(s string) string {
	rs := []rune(s)
	for a, b := 0, len(rs)-1; a < b; a, b = a+1, b-1 {
		rs[a], rs[b] = rs[b], rs[a]
	}
	return string(rs)
}
