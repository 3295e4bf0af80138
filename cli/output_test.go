package cli

import (
	"strings"
	"testing"
	"unicode"
)

// harmful reports the first character of s a terminal would act on.
func harmful(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if unicode.IsControl(r) || bidiControl(r) {
			return r, true
		}
	}
	return 0, false
}

func TestSafe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Dupont", "Dupont"},
		{"Hélène Lefèvre", "Hélène Lefèvre"},
		{"\x1b[2J\x1b[HDUPONT", "DUPONT"},
		{"\x1b[31mrouge\x1b[0m", "rouge"},
		{"\x1b]0;titre volé\x07Jeanne", "Jeanne"},
		{"\x1b]8;;http://exemple.invalid\x1b\\clic\x1b]8;;\x1b\\", "clic"},
		{"\x1bPdcs\x1b\\x", "x"},
		{"a\x1bcb", "ab"},
		{"fin\x1b", "fin"},
		{"\x1b[", ""},
		{"\u009b31mC1", "31mC1"},
		{"\u0085next", "next"},
		{"abc\u202edcb", "abcdcb"},
		{"\u2066x\u2069\u200f", "x"},
		{"ligne 1\nligne 2\r\nligne 3\rfin", "ligne 1 ligne 2  ligne 3 fin"},
		{"tab\there", "tab here"},
		{"nul\x00bell\x07del\x7f", "nulbelldel"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		if got := safe(tc.in); got != tc.want {
			t.Errorf("safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"une\ndeux", "une\n  deux"},
		{"une\r\ndeux\rtrois", "une\n  deux\n  trois"},
		{"\x1b[1Aune\x1b[2K", "une"},
	} {
		if got := safeText(tc.in, "  "); got != tc.want {
			t.Errorf("safeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"", "\x1b[31m", "\x1b]8;;x\x07", "a\u202eb", "\r\n", "\xff\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, bad := harmful(safe(s), false); bad {
			t.Fatalf("safe(%q) keeps %U", s, r)
		}
		if r, bad := harmful(safeText(s, "  "), true); bad {
			t.Fatalf("safeText(%q) keeps %U", s, r)
		}
	})
}

// TestPrintedUserDataIsHarmless: a patient named with escape
// sequences, and a transmission full of them, print harmless in every
// listing.
func TestPrintedUserDataIsHarmless(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	evil := "\x1b]0;pwned\x07\x1b[2J\u202eDUPONT\x1b[31m"
	r := run(t, env, "patients", "add", "--db", path, "--nom", evil, "--prenom", "Jeanne\x1b[8m", "--json")
	if r.code != 0 {
		t.Fatalf("add: %s", r.stderr)
	}
	id := decodeJSON[struct{ ID string }](t, r.stdout).ID
	if r := run(t, env, "transmissions", "add", "--db", path, "--patient", id, "--cible", "\x1b[1Acible", "--donnees", "ligne\n\x1b[2Kdeux"); r.code != 0 {
		t.Fatalf("transmission: %s", r.stderr)
	}
	for _, args := range [][]string{
		{"patients", "list"},
		{"patients", "show", id},
		{"transmissions", "list", "--patient", id},
		{"visits"},
	} {
		r := run(t, env, append(args, "--db", path)...)
		if r.code != 0 {
			t.Fatalf("%v: %s", args, r.stderr)
		}
		if c, bad := harmful(r.stdout, true); bad {
			t.Errorf("%v prints %U:\n%q", args, c, r.stdout)
		}
		if strings.Contains(r.stdout, "pwned") {
			t.Errorf("%v prints the OSC title", args)
		}
	}
}
