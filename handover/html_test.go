package handover

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// updateHTML rewrites the HTML golden files. It is not called -update so it
// cannot clash with the golden package's flag if a test here imports it.
var updateHTML = flag.Bool("update-html", false, "rewrite handover/testdata/*.golden.html")

func TestRenderHTMLEscapes(t *testing.T) {
	t.Parallel()
	r := Report{
		Title:    "Dossier <script>alert(1)</script>",
		Subtitle: "Hélène & « Zoé »",
		Meta:     []Field{{Label: "Patient", Value: `O'Hara "<b>"`}},
		Sections: []Section{
			{Heading: "Alertes", Entries: []Entry{
				{Label: "Allergie", Text: "pénicilline <img src=x onerror=alert(1)>", Alert: true},
				{Label: "Accès", Text: "code 12\n2e étage", Lines: []Field{{Label: "Digicode", Value: "<4512>"}}},
			}},
			{Heading: "Vide", Empty: "Aucune entrée."},
		},
		Footer:  "pied </footer><script>",
		Created: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	}
	page := string(RenderHTML(r))
	for _, bad := range []string{"<script>", "<img", "<b>", "</footer><script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("unescaped %q in the page", bad)
		}
	}
	for _, want := range []string{
		"<!DOCTYPE html>", `<html lang="fr">`, `<meta charset="utf-8">`, "@media print",
		"&lt;script&gt;alert(1)&lt;/script&gt;", "Hélène &amp; « Zoé »", "&lt;4512&gt;",
		`<div class="entry alert"><strong>⚠ Allergie :</strong> <span class="text">pénicilline &lt;img`,
		`<p class="empty">Aucune entrée.</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, external := range []string{"http://", "https://", `src="`, `href="`, "<link", "@import", "url("} {
		if strings.Contains(page, external) {
			t.Errorf("the page loads something from outside: %q", external)
		}
	}
}

func TestRenderHTMLCreatedWithoutFooter(t *testing.T) {
	t.Parallel()
	page := string(RenderHTML(Report{Title: "T", Created: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}))
	if !strings.Contains(page, "<footer>Établi le 20/11/2026</footer>") {
		t.Errorf("no date of creation in\n%s", page)
	}
}

func TestDossierHTMLGolden(t *testing.T) {
	t.Parallel()
	p, _ := mustPack(t, input())
	got := RenderHTML(p.Dossier())
	path := filepath.Join("testdata", "dossier.golden.html")
	if *updateHTML {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handover -update-html)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the dossier's HTML differs from %s; run go test ./handover -update-html and review the diff", path)
	}
}
