package cli

import (
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"
)

// printJSON writes v as one indented JSON document; listings always write an
// array, empty or not, so scripts can iterate without a null check.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// safe makes one line of user data harmless to print on a terminal: a
// name, an address or a cible typed (or imported) with escape sequences
// must not move the cursor, rewrite the screen, retitle the window, plant a
// hyperlink or reverse the text around it. It drops ESC sequences (CSI,
// OSC, DCS and the like, with their parameters), the C0 and C1 control
// characters, DEL and the bidirectional overrides and isolates; tabs and
// line breaks become spaces, so one record stays on one line. Invalid
// UTF-8 becomes U+FFFD.
func safe(s string) string { return sanitize(s, false) }

// safeText is safe for multi-line fields (notes, transmissions): it keeps
// line breaks (a CR or CRLF becomes LF) and indents the lines after the
// first by indent, so they stay under their label.
func safeText(s, indent string) string {
	return strings.ReplaceAll(sanitize(s, true), "\n", "\n"+indent)
}

func sanitize(s string, multiline bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b:
			i += escapeLen(s[i:])
			continue
		case r == '\r' || r == '\n':
			if !multiline {
				b.WriteByte(' ')
			} else if r == '\n' || !strings.HasPrefix(s[i+size:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || bidiControl(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// bidiControl are the characters that reorder the text around them
// (« Trojan Source »): marks, embeddings, overrides and isolates.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// escapeLen is the length of the escape sequence at the start of s (which
// starts with ESC), as a terminal would consume it: CSI (ESC [ params
// final), OSC, DCS, SOS, PM and APC strings (ended by BEL or ESC \, or
// the end of s), or ESC and one more character.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if c := s[i]; c >= 0x40 && c <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := utf8.DecodeRuneInString(s[1:])
	return 1 + size
}

// safeWriter is the last guard on standard output: whatever a command
// prints, user data included, reaches the terminal without escape
// sequences, C0/C1 controls (but tab, CR and LF) or bidi overrides. JSON
// output is unaffected (encoding/json escapes controls itself). Each
// Write is cleaned on its own: the commands print whole lines.
type safeWriter struct{ w io.Writer }

func (s safeWriter) Write(p []byte) (int, error) {
	str := string(p)
	if isPlainOut(str) {
		return s.w.Write(p)
	}
	var b strings.Builder
	for i := 0; i < len(str); {
		r, size := utf8.DecodeRuneInString(str[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b:
			i += escapeLen(str[i:])
			continue
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteRune(r)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || bidiControl(r):
			// dropped
		default:
			b.WriteString(str[i : i+size])
		}
		i += size
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isPlainOut is the fast path of safeWriter: printable text, tabs and line
// breaks, no escape, control or bidi character.
func isPlainOut(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x1b || (r >= 0x7f && r <= 0x9f) || bidiControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
