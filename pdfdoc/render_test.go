package pdfdoc

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tournee/handover"
)

var created = time.Date(2025, 3, 16, 18, 30, 0, 0, time.UTC)

// realistic is a DMP care summary as the handover package will build it:
// accents, XML-special characters and emoji typed on a phone.
func realistic() handover.Report {
	return handover.Report{
		Title:    "Synthèse de soins infirmiers",
		Subtitle: "Mme Hélène Lefèvre-Œuvray — du 3 au 16 mars 2025",
		Meta: []handover.Field{
			{Label: "Patiente", Value: "Mme Hélène Lefèvre-Œuvray, née le 12/07/1938"},
			{Label: "Période", Value: "du 3 au 16 mars 2025"},
			{Label: "Médecin traitant", Value: "Dr François Garçon"},
		},
		Sections: []handover.Section{
			{
				Heading: "Soins réalisés",
				Entries: []handover.Entry{
					{Label: "Pansement ulcère jambe droite", Text: "14 passages ; plaie propre, bords rosés, pas d’odeur 👍"},
					{Label: "Injection d’insuline", Text: "Matin et soir, glycémies entre 1,10 et 2,40 g/l."},
				},
			},
			{
				Heading: "Plan de soins en cours",
				Entries: []handover.Entry{
					{Text: "Pansement tous les 2 jours (hydrocellulaire), surveillance œdème, aide à la toilette."},
				},
			},
			{
				Heading: "Traitements",
				Entries: []handover.Entry{
					{Label: "Lovenox 4000 UI", Text: "1 injection SC le soir jusqu’au 20/03."},
					{Label: "Doliprane 1 g", Text: "Si douleur > 4/10 & pas plus de 3 g/24 h."},
				},
			},
			{
				Heading: "Transmissions pour le médecin",
				Entries: []handover.Entry{{
					Label: "14/03, 14h05 — Douleur",
					Lines: []handover.Field{
						{Label: "Données", Value: "EVA 6/10 au pansement, « ça tire » dit-elle 😀"},
						{Label: "Actions", Value: "Doliprane 1 g donné à 13h30, pansement refait doucement."},
						{Label: "Résultats", Value: "EVA 3/10 à 14h45 ❤️"},
					},
				}},
			},
			{
				Heading: "Événements notables",
				Entries: []handover.Entry{
					{Label: "11/03", Text: `Chute sans gravité dans la salle de bains ⚠️ ; note de la fille : <rappeler> & "vite" 'svp'.`},
					{Label: "12/03", Text: "Visite de l’ergothérapeute 🦄"},
				},
			},
			{
				Heading: "Allergies et alertes",
				Entries: []handover.Entry{
					{Label: "Allergie", Text: "Pénicilline : urticaire géant en 2019.", Alert: true},
				},
			},
			{
				Heading: "Rendez-vous à venir",
				Empty:   "Aucun rendez-vous prévu.",
			},
		},
		Footer:  "Claire Dubœuf, IDE — synthèse du 16/03/2025",
		Created: created,
	}
}

// long has 200 entries of varied length in 25 sections, so headings land
// at every height on the page.
func long() handover.Report {
	r := realistic()
	r.Sections = nil
	n := 0
	for s := 1; s <= 25; s++ {
		sec := handover.Section{Heading: fmt.Sprintf("Section %d", s)}
		for e := 1; e <= 8; e++ {
			n++
			sec.Entries = append(sec.Entries, handover.Entry{
				Label: fmt.Sprintf("Entrée %d-%d", s, e),
				Text:  strings.Repeat("Pansement refait, plaie propre, patiente apaisée. ", n%7+1),
				Lines: make([]handover.Field, n%3),
			})
			for i := range sec.Entries[e-1].Lines {
				sec.Entries[e-1].Lines[i] = handover.Field{Label: "Données", Value: "température 37,2 °C"}
			}
		}
		r.Sections = append(r.Sections, sec)
	}
	return r
}

func render(t testing.TB, r handover.Report) []byte {
	t.Helper()
	b, err := Render(r)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("output starts with %q, want %%PDF-", b[:min(len(b), 8)])
	}
	if !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatalf("output does not end with %%%%EOF")
	}
	return b
}

var pageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

func pageCount(b []byte) int { return len(pageObj.FindAll(b, -1)) }

// pdfPages runs pdftotext and returns the text of each page.
func pdfPages(t *testing.T, b []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("pdftotext not found (apt-get install poppler-utils): %v", err)
		}
		t.Skip("pdftotext not found: install poppler-utils, or set TOURNEE_REQUIRE_TOOLS=1 to fail")
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	// French typography puts a no-break space before « : »; compare as typed.
	text := strings.ReplaceAll(string(out), "\u00a0", " ")
	pages := strings.Split(text, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

func TestRenderText(t *testing.T) {
	t.Parallel()
	r := realistic()
	pages := pdfPages(t, render(t, r))
	all := strings.Join(pages, "\n")
	want := []string{
		"Synthèse de soins infirmiers",
		"Mme Hélène Lefèvre-Œuvray",
		"du 3 au 16 mars 2025",
		"Patiente : Mme Hélène Lefèvre-Œuvray, née le 12/07/1938",
		"Médecin traitant : Dr François Garçon",
		"Soins réalisés", "Plan de soins en cours", "Traitements",
		"Transmissions pour le médecin", "Événements notables",
		"Allergies et alertes", "Rendez-vous à venir",
		"Données : EVA 6/10 au pansement, « ça tire » dit-elle [sourire]",
		"Actions : Doliprane 1 g donné à 13h30",
		"Résultats : EVA 3/10 à 14h45 [cœur]",
		"pas d’odeur [pouce levé]",
		"[attention] ; note de la fille : <rappeler> & \"vite\" 'svp'.",
		"Si douleur > 4/10 & pas plus de 3 g/24 h.",
		"l’ergothérapeute [émoji]",
		"▲ ATTENTION — Allergie",
		"Pénicilline : urticaire géant en 2019.",
		"Aucun rendez-vous prévu.",
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("extracted text lacks %q", w)
		}
	}
	for _, bad := range []string{"\uFFFD", "\uFE0F", "👍", "❤", "😀"} {
		if strings.Contains(all, bad) {
			t.Errorf("extracted text contains %q", bad)
		}
	}
	assertFooters(t, pages, r.Footer)
}

func assertFooters(t *testing.T, pages []string, footer string) {
	t.Helper()
	for i, p := range pages {
		if !strings.Contains(p, footer) {
			t.Errorf("page %d lacks the footer %q", i+1, footer)
		}
		if want := fmt.Sprintf("page %d / %d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}

func TestRenderLong(t *testing.T) {
	t.Parallel()
	r := long()
	b := render(t, r)
	if n := pageCount(b); n < 3 {
		t.Fatalf("200 entries fit in %d pages, want several", n)
	}
	pages := pdfPages(t, b)
	if len(pages) != pageCount(b) {
		t.Fatalf("pdftotext sees %d pages, the file declares %d", len(pages), pageCount(b))
	}
	assertFooters(t, pages, r.Footer)
	for _, s := range r.Sections {
		// A heading must share its page with its first entry.
		first := s.Entries[0].Label
		found := false
		for i, p := range pages {
			if regexp.MustCompile(`(?m)^` + s.Heading + `$`).MatchString(p) {
				found = true
				if !strings.Contains(p, first) {
					t.Errorf("%q is on page %d but its first entry %q is not", s.Heading, i+1, first)
				}
			}
		}
		if !found {
			t.Errorf("heading %q missing", s.Heading)
		}
		for _, e := range s.Entries {
			if !strings.Contains(strings.Join(pages, "\n"), e.Label) {
				t.Errorf("entry %q missing", e.Label)
			}
		}
	}
	// Continuation pages repeat the title, so a loose page says whose it is.
	for i, p := range pages[1:] {
		if !strings.Contains(p, r.Title+" — Mme Hélène") {
			t.Errorf("page %d lacks the running header", i+2)
		}
	}
}

// TestHeadingKeptWithFirstEntry pushes a heading down one line at a time
// past the bottom of page 1: at every position it must share its page with
// its first entry.
func TestHeadingKeptWithFirstEntry(t *testing.T) {
	t.Parallel()
	for k := 30; k <= 52; k++ {
		r := realistic()
		r.Sections = []handover.Section{
			{Heading: "Remplissage", Entries: []handover.Entry{{Text: strings.Repeat("ligne\n", k)}}},
			{Heading: "Suivante", Entries: []handover.Entry{{Label: "Premier soin", Text: "Pansement refait.\nPlaie propre.", Lines: []handover.Field{{Label: "Données", Value: "EVA 2/10"}}}}},
		}
		pages := pdfPages(t, render(t, r))
		for i, p := range pages {
			if strings.Contains(p, "Suivante") && !strings.Contains(p, "Premier soin") {
				t.Errorf("filler of %d lines: heading alone at the bottom of page %d", k, i+1)
			}
			if strings.Contains(p, "Premier soin") && !strings.Contains(p, "Suivante") {
				t.Errorf("filler of %d lines: first entry on page %d without its heading", k, i+1)
			}
		}
	}
}

func TestRenderEdgeCases(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("abcdéfghij", 30)
	tests := []struct {
		name string
		r    handover.Report
		want []string // in the extracted text, line breaks removed
	}{
		{"empty report", handover.Report{}, []string{"page 1 / 1"}},
		{"empty strings", handover.Report{
			Meta:     []handover.Field{{}},
			Sections: []handover.Section{{}, {Entries: []handover.Entry{{}, {Lines: []handover.Field{{}}}}}},
		}, []string{fallbackEmpty}},
		{"long token", handover.Report{
			Title:    token,
			Meta:     []handover.Field{{Label: token, Value: token}},
			Sections: []handover.Section{{Heading: token, Entries: []handover.Entry{{Label: token, Text: token, Lines: []handover.Field{{Label: "L", Value: token}}}}}},
			Footer:   token,
		}, []string{token}},
		{"control characters", handover.Report{
			Title:    "Ti\x00tre\x1b",
			Sections: []handover.Section{{Heading: "Sec\ttion", Entries: []handover.Entry{{Text: "li\x07gne\r\nsuite\x7f\u200b\u202e"}}}},
			Footer:   "pied\npage",
		}, []string{"Titre", "Sec tion", "ligne", "suite", "pied page"}},
		{"only emoji and unknown script", handover.Report{
			Title:    "👍👍",
			Sections: []handover.Section{{Heading: "🇫🇷", Entries: []handover.Entry{{Text: "漢字 \xff 👩‍⚕️", Alert: true}}}},
		}, []string{"[pouce levé] [pouce levé]", "[drapeau]", "\uFFFD\uFFFD \uFFFD [émoji]", "▲ ATTENTION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pages := pdfPages(t, render(t, tt.r))
			flat := strings.ReplaceAll(strings.Join(pages, ""), "\n", "")
			for _, w := range tt.want {
				if !strings.Contains(flat, w) {
					t.Errorf("extracted text lacks %q:\n%s", w, flat)
				}
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	r := long()
	first := render(t, r)
	// Concurrent renders share nothing: same bytes, and -race stays quiet.
	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	for i := range outs {
		wg.Go(func() { outs[i], _ = Render(r) })
	}
	wg.Wait()
	for i, b := range append(outs, render(t, r)) {
		if !bytes.Equal(first, b) {
			t.Fatalf("render %d differs from the first (%d vs %d bytes)", i, len(b), len(first))
		}
	}
	// The date is the report's, not the clock's.
	if !bytes.Contains(first, []byte("D:20250316183000")) && !bytes.Contains(first, utf16("D:20250316183000")) {
		t.Error("creation date is not Report.Created")
	}
	other := r
	other.Created = created.Add(time.Hour)
	if bytes.Equal(first, render(t, other)) {
		t.Error("a different Created gives the same bytes")
	}
}

// utf16 encodes ASCII s as fpdf writes UTF-8 metadata: UTF-16BE.
func utf16(s string) []byte {
	var b []byte
	for i := range len(s) {
		b = append(b, 0, s[i])
	}
	return b
}

func TestRenderDoesNotMutateReport(t *testing.T) {
	t.Parallel()
	r := realistic()
	before := fmt.Sprintf("%#v", r)
	render(t, r)
	if after := fmt.Sprintf("%#v", r); after != before {
		t.Error("Render changed the caller's report")
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "Pansement à 8h30 👍", "❤️‍🔥\u200d\ufe0f", "\x00\r\n\t\x1b", "<&>\"'", "\xff\xfe", strings.Repeat("x", 400), "🇫🇷\U000E0067"} {
		f.Add(s)
	}
	c := testCoverage(f)
	f.Fuzz(func(t *testing.T, text string) {
		assertDrawable(t, c, c.clean(text, true))
		r := handover.Report{
			Title:    text,
			Meta:     []handover.Field{{Label: text, Value: text}},
			Sections: []handover.Section{{Heading: text, Entries: []handover.Entry{{Label: text, Text: text, Alert: true, Lines: []handover.Field{{Label: text, Value: text}}}}}, {Empty: text}},
			Footer:   text,
			Created:  created,
		}
		render(t, r)
	})
}

// three is a report of exactly three pages.
func three() handover.Report {
	r := long()
	r.Sections = r.Sections[:3]
	return r
}

func BenchmarkRender(b *testing.B) {
	r := three()
	out, err := Render(r)
	if err != nil {
		b.Fatal(err)
	}
	if n := pageCount(out); n != 3 {
		b.Fatalf("benchmark report has %d pages, want 3", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(r); err != nil {
			b.Fatal(err)
		}
	}
}
