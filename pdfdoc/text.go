package pdfdoc

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// coverage answers whether every font of the document can draw a rune.
// It holds its own lookup buffer, so one coverage serves one goroutine.
type coverage struct {
	fonts []*sfnt.Font
	buf   sfnt.Buffer
}

func newCoverage(ttfs ...[]byte) (*coverage, error) {
	c := &coverage{}
	for i, ttf := range ttfs {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %d: %w", i, err)
		}
		c.fonts = append(c.fonts, f)
	}
	return c, nil
}

// has reports whether r can be drawn in every style. fpdf addresses glyphs
// by 16-bit code and panics beyond the BMP, so those never count as covered.
func (c *coverage) has(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	for _, f := range c.fonts {
		g, err := f.GlyphIndex(&c.buf, r)
		if err != nil || g == 0 {
			return false
		}
	}
	return true
}

// replacementChar marks a character the font cannot draw and that is not an
// emoji: the reader sees that something is missing.
const replacementChar = '\uFFFD'

// clean makes s drawable: see the package documentation for the rules.
// multiline keeps line breaks; otherwise they become spaces (titles, labels).
func (c *coverage) clean(s string, multiline bool) string {
	if s == "" {
		return ""
	}
	s = norm.NFC.String(s)
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			writeBreak(&b, multiline)
		case r == '\n' || r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f':
			writeBreak(&b, multiline)
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// Invisible in intent; fpdf would draw a box or a hyphen.
		case c.has(r):
			b.WriteRune(r)
		case unicode.Is(unicode.Zs, r):
			b.WriteString(c.space(r))
		case r == '\u2011': // non-breaking hyphen
			b.WriteByte('-')
		case unicode.Is(unicode.So, r):
			end := emojiEnd(rs, i)
			word := emojiWord(r)
			if prev := lastRune(b.String()); prev != 0 && !unicode.IsSpace(prev) && prev != '(' {
				b.WriteByte(' ')
			}
			b.WriteString("[" + word + "]")
			if end < len(rs) && !unicode.IsSpace(rs[end]) && !unicode.IsPunct(rs[end]) {
				b.WriteByte(' ')
			}
			i = end - 1
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Sk):
			// A lone variation selector, skin tone or combining mark with no
			// precomposed form: nothing sensible to draw.
		default:
			b.WriteRune(replacementChar)
		}
	}
	return b.String()
}

// space stands in for a space character the fonts lack. French amounts
// group thousands with U+202F (see package french), which the Go fonts do not
// have: the no-break kinds become U+00A0, which they have and which fpdf
// never breaks a line at, so « 1 832,05 € » stays whole; the others become a
// plain space.
func (c *coverage) space(r rune) string {
	switch r {
	case '\u202F', '\u2007', '\u2060':
		if c.has('\u00A0') {
			return "\u00a0"
		}
	}
	return " "
}

func writeBreak(b *strings.Builder, multiline bool) {
	if multiline {
		b.WriteByte('\n')
		return
	}
	b.WriteByte(' ')
}

func lastRune(s string) rune {
	if s == "" {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// emojiEnd returns the index just past the emoji sequence that starts at
// rs[i], so that « 👍🏽 », « ❤️ » or « 👩‍⚕️ » each become one word, not
// one word per code point. The sequence grammar is UTS #51's.
func emojiEnd(rs []rune, i int) int {
	base := rs[i]
	j := i + 1
	for j < len(rs) {
		r := rs[j]
		switch {
		case r == '\uFE0E' || r == '\uFE0F', // text / emoji presentation
			r >= 0x1F3FB && r <= 0x1F3FF, // skin tone modifiers
			r == '\u20E3',                // combining enclosing keycap
			r >= 0xE0020 && r <= 0xE007F: // tag characters (subdivision flags)
			j++
		case r == '\u200D': // zero width joiner: the next code point belongs too
			j += 2
		case isRegionalIndicator(base) && isRegionalIndicator(r) && j == i+1:
			j++
		default:
			return min(j, len(rs))
		}
	}
	return min(j, len(rs))
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// emojiWord names the emojis whose meaning in a care note is obvious; the
// rest only say that an emoji was there.
func emojiWord(r rune) string {
	switch r {
	case '👍':
		return "pouce levé"
	case '👎':
		return "pouce baissé"
	case '❤', '♥', '💙', '💚', '💛', '💜', '🧡', '🖤', '🤍', '🤎':
		return "cœur"
	case '😀', '😃', '😄', '😁', '🙂', '😊', '☺':
		return "sourire"
	case '🙁', '☹', '😞', '😢':
		return "triste"
	case '⚠':
		return "attention"
	case '🩹':
		return "pansement"
	case '💊':
		return "médicament"
	case '💉':
		return "seringue"
	case '🌡':
		return "thermomètre"
	case '📞', '☎':
		return "téléphone"
	case '✅', '✔', '☑', '✓':
		return "coché"
	case '❌', '✖', '✗':
		return "croix"
	}
	if isRegionalIndicator(r) {
		return "drapeau"
	}
	return "émoji"
}
