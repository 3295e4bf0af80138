package cli

import (
	"bytes"
	"testing"
)

// Whatever a command prints goes through safeWriter: an escape sequence or
// a bidi override planted in a name never reaches the terminal, while the
// layout characters do.
func TestSafeWriter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"BLONDEL Évelyne\n", "BLONDEL Évelyne\n"},
		{"a\tb\r\n", "a\tb\r\n"},
		{"X\x1b[2J\x1b]0;titre\x07Y\n", "XY\n"},
		{"\x1b]8;;http://x\x1b\\lien\x1b]8;;\x1b\\\n", "lien\n"},
		{"abc\u202edef\n", "abcdef\n"},
		{"\u009b31mrouge\n", "31mrouge\n"},
		{"bad \xff utf8", "bad \ufffd utf8"},
	} {
		var b bytes.Buffer
		n, err := safeWriter{&b}.Write([]byte(tc.in))
		if err != nil || n != len(tc.in) {
			t.Fatalf("%q: wrote %d, %v", tc.in, n, err)
		}
		if b.String() != tc.want {
			t.Errorf("%q printed as %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}
