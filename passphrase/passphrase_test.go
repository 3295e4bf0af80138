package passphrase

import (
	"errors"
	"strings"
	"testing"
)

func TestEstimate(t *testing.T) {
	for _, tc := range []struct {
		p        string
		maxScore int    // the score is at most this
		minScore int    // and at least this
		ok       bool   // Check accepts it
		advice   string // part of the advice
	}{
		// The two: a database and a pack of 17 patients.
		{"a", 0, 0, false, "trop courte (1 caractère, 10 au moins)"},
		{"1", 0, 0, false, "trop courte"},
		{"demo", 1, 0, false, "trop courte (4 caractères"},
		{"s3cret", 1, 0, false, "trop courte"},
		{"motdepasse", 0, 0, false, "mot de passe trop courant"},
		{"MotDePasse", 1, 0, false, "mot de passe trop courant"},
		{"P@ssw0rd123", 1, 0, false, "mot de passe trop courant"},
		{"jetaime1234", 1, 0, false, "trop courant"},
		{"azertyuiop", 0, 0, false, "trop courant"},
		{"qsdfghjklm", 1, 0, false, "suite de touches"},
		{"mlkjhgfdsqwxcv", 1, 0, false, "suite de touches"},
		{"abcdefghijkl", 1, 0, false, "suite"},
		{"aaaaaaaaaaaa", 1, 0, false, "répétitions"},
		{"abcabcabcabc", 1, 0, false, "répétitions"},
		{"1989 1989 1989 ", 1, 0, false, "répétitions"},
		{"1989-07-14", 1, 0, false, "dates"},
		{"chocolat", 1, 0, false, "trop courte"},
		{"infirmiere", 1, 0, false, "trop courant"},
		{"Infirmière", 1, 0, false, "trop courant"},
		{"Septembre!", 1, 0, false, "mot trop courant"},
		{"maison porte", 2, 2, true, "un mot de plus"}, // two common words: the floor,
		{"infirmiere2024", 1, 0, false, "trop courant"},
		// Accepted.
		{"autre phrase", 4, 2, true, ""},
		{"phrase de passe a", 4, 3, true, ""},
		{"correct horse battery staple", 4, 4, true, "solide"},
		{"chaton rouge mardi piano", 4, 4, true, "solide"},
		{"x7#kQ9!mZ2pL", 4, 4, true, "solide"},
	} {
		s := Estimate(tc.p)
		if s.Score > tc.maxScore || s.Score < tc.minScore {
			t.Errorf("%q: score %d (%.1f bits), want %d..%d", tc.p, s.Score, s.Bits, tc.minScore, tc.maxScore)
		}
		if s.OK() != tc.ok {
			t.Errorf("%q: OK() = %v, want %v (score %d, %.1f bits)", tc.p, s.OK(), tc.ok, s.Score, s.Bits)
		}
		if !strings.Contains(s.Advice, tc.advice) {
			t.Errorf("%q: advice %q, want it to contain %q", tc.p, s.Advice, tc.advice)
		}
		err := Check([]byte(tc.p))
		var we *WeakError
		if tc.ok != (err == nil) || (!tc.ok && !errors.As(err, &we)) {
			t.Errorf("%q: Check = %v", tc.p, err)
		}
	}
}

// TestMoreWordsMoreBits: each word added to a passphrase makes it harder.
func TestMoreWordsMoreBits(t *testing.T) {
	words := []string{"chaton", "rouge", "mardi", "piano", "falaise"}
	prev := -1.0
	for i := 1; i <= len(words); i++ {
		b := Estimate(strings.Join(words[:i], " ")).Bits
		if b <= prev {
			t.Errorf("%d words: %.1f bits, no more than %d words (%.1f)", i, b, i-1, prev)
		}
		prev = b
	}
}

func TestWeakErrorIsFrench(t *testing.T) {
	err := Check([]byte("a"))
	var fr interface{ French() string }
	if !errors.As(err, &fr) {
		t.Fatalf("Check(a) = %v, want a French error", err)
	}
	if got := fr.French(); !strings.HasPrefix(got, "phrase de passe trop faible") || !strings.Contains(got, "trop courte") {
		t.Errorf("French() = %q", got)
	}
	if strings.Contains(err.Error(), "a\"") {
		t.Errorf("the error must not quote the passphrase: %q", err.Error())
	}
}

func TestEmptyAndLong(t *testing.T) {
	if s := Estimate(""); s.Score != 0 || s.OK() {
		t.Errorf("empty: %+v", s)
	}
	long := strings.Repeat("chaton rouge mardi piano ", 20)
	if s := Estimate(long); s.Score != 4 {
		t.Errorf("long: %+v", s)
	}
}

func FuzzEstimate(f *testing.F) {
	for _, s := range []string{"", "a", "p@ssw0rd", "14/07/1989", "été 2024 à Calais", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		s := Estimate(p)
		if s.Score < 0 || s.Score > 4 || s.Bits < 0 || s.Advice == "" {
			t.Fatalf("%q: %+v", p, s)
		}
	})
}
