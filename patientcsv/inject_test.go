package patientcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"

	"tournee/patients"
)

// live tells whether a spreadsheet could run cell as a formula: after the
// blanks, controls and invisible characters it skips, the first character
// is a formula trigger, and the cell does not start with the text quote.
func live(cell string) bool {
	if strings.HasPrefix(cell, "'") {
		return false
	}
	for _, r := range cell {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		return strings.ContainsRune("=+-@＝＋－＠", r)
	}
	return false
}

func TestEscapeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Dupont", "Dupont"},
		{"=1+1", "'=1+1"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		// The issue: a leading CR defeated the guard.
		{"\r=HYPERLINK(\"x\")", "'\r=HYPERLINK(\"x\")"},
		{"\n=HYPERLINK(\"x\")", "'\n=HYPERLINK(\"x\")"},
		{"\t=1", "'\t=1"},
		{"\t", "'\t"},
		{" =1", "' =1"},
		{"\u00a0\u200b=1", "'\u00a0\u200b=1"},
		{"\x00\x1b=1", "'\x00\x1b=1"},
		{"\u202e=1", "'\u202e=1"},
		{"＝HYPERLINK()", "'＝HYPERLINK()"},
		// Quotes that Read would strip get one more.
		{"'=1", "''=1"},
		{"''", "'''"},
		{"'\r=1", "''\r=1"},
		{"'abc", "'abc"},
		{"a=1", "a=1"},
		{"Jean-Pierre", "Jean-Pierre"},
	} {
		if got := escapeCell(tc.in); got != tc.want {
			t.Errorf("escapeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWriteNeutralisesEveryCell: a patient with a formula behind a CR in
// every text field exports no live formula, and reads back the same.
func TestWriteNeutralisesEveryCell(t *testing.T) {
	p := fullPatient()
	bad := "\r=HYPERLINK(\"http://exemple.invalid\")"
	p.BirthName, p.UsedName, p.FirstName = bad, bad, "\t+1"
	p.Address.Line, p.Address.Complement, p.Address.City = bad, "\n-1", " @x"
	p.Access.DoorCode, p.Access.KeyBox, p.Access.Floor, p.Access.Dog = bad, bad, bad, bad
	p.Access.Parking, p.Access.Notes, p.Household, p.Notes = bad, bad, bad, bad
	p.Allergies, p.Pathologies, p.Treatments = []string{bad}, []string{"=A1"}, []string{"-x"}
	for i := range p.Contacts {
		p.Contacts[i].Name = bad
	}
	var buf bytes.Buffer
	if err := Write(&buf, []patients.Patient{p}); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), utf8BOM)))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if live(cell) && i != int(colLatitude) && i != int(colLongitude) {
				t.Errorf("column %s is a live formula: %q", Headers()[i], cell)
			}
		}
	}
}

// FuzzEscapeCell: no escaped cell is a live formula, and Read gives back
// every value it could have produced.
func FuzzEscapeCell(f *testing.F) {
	for _, s := range []string{"", "=1", "\r=HYPERLINK(\"x\")", "'=1", "''", " \t@", "\u200b-", "abc", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escapeCell(s)
		if live(e) {
			t.Fatalf("escapeCell(%q) = %q is live", s, e)
		}
		if clean := cleanCell(s); clean == s {
			if back := cleanCell(e); back != s {
				t.Fatalf("cleanCell(escapeCell(%q)) = %q", s, back)
			}
		}
	})
}
