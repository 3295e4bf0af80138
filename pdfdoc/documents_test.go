package pdfdoc

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/french"
	"tournee/handover"
	"tournee/handover/dmp"
	"tournee/patients"
	"tournee/planner"
)

// needTool finds an external tool, or skips — unless TOURNEE_REQUIRE_TOOLS=1
// (CI), where a missing tool fails the test.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (TOURNEE_REQUIRE_TOOLS=1; apt-get install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found: install poppler-utils, or set TOURNEE_REQUIRE_TOOLS=1 to fail", name)
	}
	return p
}

// rasterize draws every page with pdftoppm, as a printer driver would, and
// checks each page has ink: a PDF that poppler cannot draw, or draws blank,
// fails here even when its text extracts. The pages come as raw PPM, not
// PNG: compressing them was two thirds of pdftoppm's time, for nothing.
func rasterize(t *testing.T, b []byte) int {
	t.Helper()
	bin := needTool(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", "24", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "page-*.ppm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pixels, err := ppmPixels(data)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		ink := 0
		for i := 0; i < len(pixels); i += 3 {
			if pixels[i] < 0x80 { // the red sample, as dark as half
				ink++
			}
		}
		if ink == 0 {
			t.Errorf("%s is blank", filepath.Base(f))
		}
	}
	return len(files)
}

// ppmPixels returns the RGB samples of a binary PPM (P6) with one byte per
// sample, the form pdftoppm writes, after checking its header.
func ppmPixels(data []byte) ([]byte, error) {
	var magic string
	var w, h, maxval int
	n, err := fmt.Sscan(string(data[:min(len(data), 64)]), &magic, &w, &h, &maxval)
	if err != nil || n != 4 || magic != "P6" || w <= 0 || h <= 0 || maxval <= 0 || maxval > 255 {
		return nil, fmt.Errorf("not a PPM pdftoppm would write (header %q)", data[:min(len(data), 20)])
	}
	// The header is four fields, each followed by one whitespace byte.
	at := 0
	for range 4 {
		for at < len(data) && isSpace(data[at]) {
			at++
		}
		for at < len(data) && !isSpace(data[at]) {
			at++
		}
	}
	at++
	if len(data)-at != w*h*3 {
		return nil, fmt.Errorf("%d bytes of pixels for %d×%d", len(data)-at, w, h)
	}
	return data[at:], nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// flat joins pages into one line of text, so a wrapped phrase reads whole.
func flat(pages []string) string {
	return strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
}

func TestAmountsKeepTheirSpace(t *testing.T) {
	t.Parallel()
	r := realistic()
	r.Sections = []handover.Section{{Heading: "Calcul", Entries: []handover.Entry{
		{Label: "Honoraires bruts", Text: french.Euros(183205)},
		{Label: "Rétrocession due", Text: french.Euros(1234567890)},
	}}}
	b := render(t, r)
	rasterize(t, b)
	all := strings.Join(pdfPages(t, b), "\n")
	for _, w := range []string{"1 832,05 €", "12 345 678,90 €"} {
		if !strings.Contains(all, w) {
			t.Errorf("the PDF lacks %q:\n%s", w, all)
		}
	}
	if strings.Contains(all, "\uFFFD") {
		t.Errorf("an amount prints a replacement character:\n%s", all)
	}
}

func TestLongFooterWrapsOnEveryPage(t *testing.T) {
	t.Parallel()
	r := three()
	r.Footer = "Confidentiel, secret professionnel — Cabinet infirmier des Dunes et de la Côte d'Opale, 12 avenue du Général-de-Gaulle — remis à Claire Petit-Vandenbussche le 23/11/2026"
	b := render(t, r)
	pages := pdfPages(t, b)
	if n := rasterize(t, b); n != len(pages) {
		t.Errorf("pdftoppm drew %d pages, pdftotext read %d", n, len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(flat([]string{p}), r.Footer) {
			t.Errorf("page %d lacks the whole footer (its end is the date):\n%s", i+1, p)
		}
		if strings.Contains(p, "…") {
			t.Errorf("page %d shortens something with « … »", i+1)
		}
	}
}

// TestContinuedSectionNamesItsPatient: a patient's sheet that runs over a
// page repeats her name at the top of the next one.
func TestContinuedSectionNamesItsPatient(t *testing.T) {
	t.Parallel()
	r := realistic()
	sec := handover.Section{Heading: "DELATTRE Hélène, 84 ans"}
	for i := range 40 {
		sec.Entries = append(sec.Entries, handover.Entry{Label: fmt.Sprintf("Transmission %d", i+1),
			Text: "Pansement refait, plaie propre, patiente apaisée, glycémie 1,32 g/l."})
	}
	r.Sections = []handover.Section{sec, {Heading: "Médecins et pharmacies", Entries: []handover.Entry{{Label: "Pharmacie", Text: "du Beffroi"}}}}
	pages := pdfPages(t, render(t, r))
	if len(pages) < 2 {
		t.Fatalf("the sheet fits on %d page, the test needs more", len(pages))
	}
	for i, p := range pages[1:] {
		if strings.Contains(p, "Transmission") && !strings.Contains(p, "DELATTRE Hélène, 84 ans (suite)") {
			t.Errorf("page %d continues the sheet without the patient's name:\n%s", i+2, p)
		}
	}
	if last := pages[len(pages)-1]; strings.Contains(last, "Médecins et pharmacies (suite)") {
		t.Error("a section that starts on a page is marked « suite »")
	}
}

func TestNewPageSection(t *testing.T) {
	t.Parallel()
	r := realistic()
	r.Sections = []handover.Section{
		{Heading: "Tournée du lundi 23 novembre — matin", NewPage: true, Entries: []handover.Entry{{Label: "1. 7h05 — FOURNIER Jean"}}},
		{Heading: "Tournée du lundi 23 novembre — soir", NewPage: true, Entries: []handover.Entry{{Label: "1. 17h10 — FOURNIER Jean"}}},
		{Heading: "Tournée du mardi 24 novembre", Empty: "Aucun passage prévu ce jour."},
	}
	pages := pdfPages(t, render(t, r))
	if len(pages) != 3 {
		t.Fatalf("%d pages, want the head, the morning, then the evening with the empty day", len(pages))
	}
	if !strings.Contains(pages[1], "— matin") || strings.Contains(pages[1], "— soir") || !strings.Contains(pages[2], "— soir") || !strings.Contains(pages[2], "mardi") {
		t.Errorf("each round does not start its own page:\n%q", pages)
	}
}

// TestRealDocuments renders the documents the app prints, built from the
// demo cabinet, and reads them back: each page draws, nothing is lost to a
// missing glyph, the footer is whole, the day sheets go in round order with
// addresses, and a patient's sheet names her on every page.
func TestRealDocuments(t *testing.T) {
	t.Parallel()
	pack := demoPack(t)
	contract, ok := pack.Contract()
	if !ok {
		t.Fatal("the demo replacement needs a contract: the test would skip it")
	}
	statement := handover.Retrocession{Remplacant: pack.Remplacant, Titulaires: pack.Titulaires, From: pack.From, To: pack.To,
		Share: 0.1, Gross: 203561, TravelExcluded: 20356, Base: 183205, Kept: 18321, Due: 164884, Payable: 185240}.Statement()
	summary := demoSummary(t)
	dossier := pack.Dossier()
	docs := map[string]handover.Report{
		"dossier":      dossier,
		"contrat":      contract,
		"rétrocession": statement,
		"synthèse DMP": summary,
	}
	// Each document is rendered and read once, here, and the subtests share
	// the result: the dossier alone (a page per patient and per round) is
	// the costliest file of the package to draw and to read back.
	type read struct {
		pdf   []byte
		pages []string
	}
	got := map[string]read{}
	for name, r := range docs {
		b := render(t, r)
		got[name] = read{b, pdfPages(t, b)}
	}
	for name, r := range docs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, pages := got[name].pdf, got[name].pages
			if n := rasterize(t, b); n != len(pages) || n != pageCount(b) {
				t.Errorf("pdftoppm drew %d pages, pdftotext read %d, the file declares %d", n, len(pages), pageCount(b))
			}
			all := flat(pages)
			if strings.Contains(all, "\uFFFD") {
				t.Errorf("a character is missing from the fonts:\n%s", all)
			}
			for i, p := range pages {
				if r.Footer != "" && !strings.Contains(flat([]string{p}), flat([]string{r.Footer})) {
					t.Errorf("page %d lacks the whole footer %q", i+1, r.Footer)
				}
			}
		})
	}
	t.Run("rétrocession amounts", func(t *testing.T) {
		t.Parallel()
		all := flat(got["rétrocession"].pages)
		for _, w := range []string{"2 035,61 €", "1 832,05 €", "1 648,84 €", "1 852,40 €"} {
			if !strings.Contains(all, w) {
				t.Errorf("the statement lacks %q", w)
			}
		}
	})
	t.Run("day sheets", func(t *testing.T) {
		t.Parallel()
		pages := got["dossier"].pages
		rounds := 0
		for _, s := range dossier.Sections {
			if !s.NewPage {
				continue
			}
			rounds++
			var on []int
			for i, p := range pages {
				if strings.Contains(flat([]string{p}), s.Heading) && !strings.Contains(p, s.Heading+" (suite)") {
					on = append(on, i)
				}
			}
			if len(on) != 1 {
				t.Errorf("%q starts on pages %v, want one", s.Heading, on)
				continue
			}
			page := flat([]string{pages[on[0]]})
			last := -1
			for _, e := range s.Entries {
				at := strings.Index(page, flat([]string{e.Label}))
				if at < 0 {
					if len(s.Entries) <= 10 {
						t.Errorf("%q: a round of %d visits does not fit its page (%q missing)", s.Heading, len(s.Entries), e.Label)
					}
					break
				}
				if at < last {
					t.Errorf("%q: %q printed out of round order", s.Heading, e.Label)
				}
				last = at
				if !strings.Contains(page, "Adresse :") {
					t.Errorf("%q: no address", s.Heading)
				}
			}
		}
		if rounds == 0 {
			t.Fatal("the demo dossier has no round sheet")
		}
	})
	t.Run("patient named on every page", func(t *testing.T) {
		t.Parallel()
		pages := got["dossier"].pages
		var heads []string
		for _, s := range dossier.Sections {
			heads = append(heads, s.Heading)
		}
		for i, p := range pages[1:] {
			named := false
			for _, h := range heads {
				if strings.Contains(flat([]string{p}), h) {
					named = true
				}
			}
			if !named {
				t.Errorf("page %d names no section:\n%s", i+2, p)
			}
		}
	})
}

// demoPack is the demo remplaçante's week, planned as the app plans it.
func demoPack(t *testing.T) handover.Pack {
	t.Helper()
	day := patients.NewDate(2026, time.November, 23)
	var n uint32
	newID := func() xid.ID {
		n++
		var x xid.ID
		x[0] = 0xde
		binary.BigEndian.PutUint32(x[8:], n)
		return x
	}
	ds, err := demo.Load(day, newID)
	if err != nil {
		t.Fatal(err)
	}
	var rempl patients.Nurse
	for _, nu := range ds.Nurses {
		if nu.Role == patients.Remplacante && nu.Replacement != nil && len(nu.Replacement.Replaces) > 0 {
			rempl = nu
		}
	}
	if rempl.ID.IsZero() {
		t.Fatal("the demo has no remplaçante")
	}
	for d := day; !d.After(day.AddDays(6)); d = d.AddDays(1) {
		built, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, newID)
		if err != nil {
			t.Fatal(err)
		}
		ds.Visits = append(ds.Visits, built.Visits...)
	}
	p, warns, err := handover.BuildPack(handover.PackInput{Data: ds, Titulaires: rempl.Replacement.Replaces[:1], Remplacant: rempl.ID,
		From: day, To: day.AddDays(6), Now: day.At(patients.Clock(8, 0))})
	if err != nil {
		t.Fatalf("BuildPack: %v (warnings %q)", err, warns)
	}
	return p
}

// demoSummary is the DMP nursing summary of the first demo patient with a
// qualified INS and some care in the week.
func demoSummary(t *testing.T) handover.Report {
	t.Helper()
	now := time.Date(2026, 11, 23, 18, 30, 0, 0, patients.Paris())
	today := patients.DateOf(now)
	ds, err := demo.Load(today.AddDays(-7), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	var visits []patients.Visit
	for off := -7; off <= 0; off++ {
		d := today.AddDays(off)
		day, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, xid.New)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range day.Visits {
			v.Status, v.DoneAt, v.DoneBy = patients.Done, d.At(v.Window.Start), v.NurseID
			visits = append(visits, v)
		}
	}
	for _, p := range ds.Patients {
		if !p.INS.Qualified() {
			continue
		}
		in := dmp.Input{Patient: p, Nurses: ds.Nurses, Cabinet: ds.Cabinet, Signer: ds.Nurses[0],
			From: today.AddDays(-6), To: today, Now: now}
		for _, v := range visits {
			if v.PatientID == p.ID {
				in.Visits = append(in.Visits, v)
			}
		}
		for _, c := range ds.CarePlans {
			if c.PatientID == p.ID {
				in.Plans = append(in.Plans, c)
			}
		}
		for _, tr := range ds.Transmissions {
			if tr.PatientID == p.ID {
				in.Transmissions = append(in.Transmissions, tr)
			}
		}
		if len(in.Visits) > 3 {
			s, err := dmp.Summarize(in)
			if err != nil {
				t.Fatal(err)
			}
			return s.Report
		}
	}
	t.Fatal("no demo patient with a qualified INS and visits")
	return handover.Report{}
}
