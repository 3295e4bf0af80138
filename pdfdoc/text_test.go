package pdfdoc

import (
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

func testCoverage(t testing.TB) *coverage {
	t.Helper()
	c, err := newCoverage(goregular.TTF, gobold.TTF, goitalic.TTF)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		multiline bool
		want      string
	}{
		{"plain French", "Pansement refait à 8h30, plaie propre ; « RAS » – œdème léger’", false, "Pansement refait à 8h30, plaie propre ; « RAS » – œdème léger’"},
		{"decomposed accent", "Le\u0301on Ce\u0301cile", false, "Léon Cécile"},
		{"xml specials kept", `<b> & "x" 'y'`, false, `<b> & "x" 'y'`},
		{"thumbs up", "Merci 👍", false, "Merci [pouce levé]"},
		{"amount with narrow no-break space", "1\u202f832,05\u00a0€", false, "1\u00a0832,05\u00a0€"},
		{"figure space and thin space", "12\u2007345\u2009m", false, "12\u00a0345 m"},
		{"non-breaking hyphen", "Jean\u2011Pierre", false, "Jean-Pierre"},
		{"thumbs up skin tone", "OK 👍🏽 !", false, "OK [pouce levé] !"},
		{"heart with selector", "❤️", false, "[cœur]"},
		{"bare heart", "❤", false, "[cœur]"},
		{"smiley glued to words", "Bien😀!", false, "Bien [sourire]!"},
		{"smiley before word", "🙂content", false, "[sourire] content"},
		{"warning", "⚠️ chute", false, "[attention] chute"},
		{"bandage", "🩹 changé", false, "[pansement] changé"},
		{"unknown emoji", "Visite 🦄 ok", false, "Visite [émoji] ok"},
		{"zwj sequence is one emoji", "👩‍⚕️ passée", false, "[émoji] passée"},
		{"two emojis", "😀😀", false, "[sourire] [sourire]"},
		{"flag pair", "🇫🇷", false, "[drapeau]"},
		{"two flags", "🇫🇷🇧🇪", false, "[drapeau] [drapeau]"},
		{"keycap keeps the digit", "1️⃣ fois", false, "1 fois"},
		{"lone selector", "\uFE0F", false, ""},
		{"lone skin tone", "\U0001F3FD", false, ""},
		{"symbol the font has", "♥ ☺", false, "♥ ☺"},
		{"control characters dropped", "a\x00b\x1b[31mc\x7f", false, "ab[31mc"},
		{"zero width and soft hyphen dropped", "zero\u200bwidth soft\u00adhyphen \u202Eabc", false, "zerowidth softhyphen abc"},
		{"bom dropped", "\uFEFFdébut", false, "début"},
		{"tab", "a\tb", false, "a b"},
		{"line breaks kept", "l1\r\nl2\rl3\nl4\u2028l5", true, "l1\nl2\nl3\nl4\nl5"},
		{"line breaks flattened", "l1\r\nl2\rl3\nl4", false, "l1 l2 l3 l4"},
		{"missing letters", "M. 漢字", false, "M. \uFFFD\uFFFD"},
		{"invalid utf-8", "a\xffb", false, "a\uFFFDb"},
		{"nbsp kept", "«\u00a0oui\u00a0»", false, "«\u00a0oui\u00a0»"},
		{"empty", "", true, ""},
	}
	c := testCoverage(t)
	for _, tt := range tests {
		if got := c.clean(tt.in, tt.multiline); got != tt.want {
			t.Errorf("%s: clean(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestCleanOnlyDrawable checks the property the renderer relies on: what
// clean returns, the fonts can draw.
func TestCleanOnlyDrawable(t *testing.T) {
	t.Parallel()
	c := testCoverage(t)
	var all []rune
	for r := rune(0); r < 0x20000; r += 7 {
		all = append(all, r)
	}
	assertDrawable(t, c, c.clean(string(all), true))
}

func assertDrawable(t testing.TB, c *coverage, s string) {
	t.Helper()
	for _, r := range s {
		if r != '\n' && !c.has(r) {
			t.Fatalf("clean left U+%04X, which the fonts cannot draw", r)
		}
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", goregular.TTF)
	pdf.SetFont(family, "", smallPt)
	if got := fit(pdf, "Claire Dubœuf, IDE", 100); got != "Claire Dubœuf, IDE" {
		t.Errorf("short text changed: %q", got)
	}
	long := strings.Repeat("é", 5000)
	got := fit(pdf, long, 100)
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("fit(long) = %q, want a prefix and an ellipsis", got)
	}
	if w := pdf.GetStringWidth(got); w > 100 || w < 95 {
		t.Errorf("fitted width %.1f mm, want just under 100", w)
	}
}
