package pdfdoc

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"tournee/handover"
)

// Page geometry and type sizes, in millimetres and points. The bottom margin
// leaves room for the footer, which is drawn inside it.
const (
	marginMM       = 20.0
	bottomMarginMM = 22.0
	headerYMM      = 10.0
	footerYMM      = -15.0 // from the bottom edge
	indentMM       = 6.0

	titlePt   = 18.0
	titleLine = 8.5
	subPt     = 12.0
	subLine   = 6.0
	headPt    = 13.0
	headLine  = 7.0
	bodyPt    = 10.0
	bodyLine  = 5.0
	smallPt   = 8.0
	smallLine = 4.0

	entryGapMM   = 2.0
	sectionGapMM = 4.0

	family = "go"
	// nbsp keeps the French « Label : » colon on the label's line.
	nbsp = "\u00a0"
	// alertMarker is a glyph the Go fonts have (⚠ is not among them) and
	// that stays black on a black-and-white printout.
	alertMarker = "▲ ATTENTION"
	// fallbackEmpty is printed when a section has neither entries nor
	// Empty text, so the heading never stands alone like a rendering bug.
	fallbackEmpty = "Aucun élément."
)

// Render draws the report as an A4 PDF and returns its bytes.
func Render(r handover.Report) ([]byte, error) {
	cov, err := newCoverage(goregular.TTF, gobold.TTF, goitalic.TTF)
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	doc := cleanReport(r, cov)

	pdf, err := draw(doc)
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// cleanReport returns a copy of r whose text the fonts can draw; the
// caller's slices are left untouched.
func cleanReport(r handover.Report, c *coverage) handover.Report {
	out := handover.Report{
		Title:    c.clean(r.Title, false),
		Subtitle: c.clean(r.Subtitle, false),
		Meta:     cleanFields(r.Meta, c),
		Footer:   c.clean(r.Footer, false),
		Created:  r.Created,
	}
	out.Sections = make([]handover.Section, len(r.Sections))
	for i, s := range r.Sections {
		cs := handover.Section{
			Heading: c.clean(s.Heading, false),
			Empty:   c.clean(s.Empty, true),
			Entries: make([]handover.Entry, len(s.Entries)),
			NewPage: s.NewPage,
		}
		for j, e := range s.Entries {
			cs.Entries[j] = handover.Entry{
				Label: c.clean(e.Label, false),
				Text:  c.clean(e.Text, true),
				Lines: cleanFields(e.Lines, c),
				Alert: e.Alert,
			}
		}
		out.Sections[i] = cs
	}
	return out
}

func cleanFields(fs []handover.Field, c *coverage) []handover.Field {
	if len(fs) == 0 {
		return nil
	}
	out := make([]handover.Field, len(fs))
	for i, f := range fs {
		out[i] = handover.Field{Label: c.clean(f.Label, false), Value: c.clean(f.Value, true)}
	}
	return out
}

// pdfDate is the document's creation date. A zero Created would make fpdf
// read the clock; the epoch keeps the output reproducible instead.
func pdfDate(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC()
}

// writer draws one document.
type writer struct {
	pdf    *fpdf.Fpdf
	doc    handover.Report
	left   float64 // left margin
	width  float64 // text column width
	top    float64 // y of the first line on a page
	bottom float64 // y past which fpdf breaks the page
	foot   []string
	// cont is the heading of the section being drawn: a page that breaks
	// inside it repeats it, so a patient's continued sheet still names her.
	cont string
	// pageTop is where the current page's content starts, below a repeated
	// heading.
	pageTop float64
}

func draw(doc handover.Report) (*fpdf.Fpdf, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes(family, "I", goitalic.TTF)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("load fonts: %w", err)
	}
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(pdfDate(doc.Created))
	pdf.SetModificationDate(pdfDate(doc.Created))
	pdf.SetTitle(doc.Title, true)
	pdf.SetSubject(doc.Subtitle, true)
	pdf.SetAuthor(doc.Footer, true)
	pdf.SetCreator("tournée", true)
	pdf.SetLang("fr-FR")
	pdf.SetMargins(marginMM, marginMM, marginMM)
	pdf.SetCellMargin(0)

	pageW, pageH := pdf.GetPageSize()
	w := &writer{
		pdf:     pdf,
		doc:     doc,
		left:    marginMM,
		width:   pageW - 2*marginMM,
		top:     marginMM,
		pageTop: marginMM,
	}
	w.foot = w.footerLines()
	extra := float64(max(len(w.foot)-1, 0)) * smallLine
	pdf.SetAutoPageBreak(true, bottomMarginMM+extra)
	w.bottom = pageH - bottomMarginMM - extra
	pdf.SetHeaderFunc(w.header)
	pdf.AddPage()
	w.head()
	for _, s := range doc.Sections {
		w.section(s)
	}
	w.footers()
	if err := pdf.Error(); err != nil {
		return nil, err
	}
	return pdf, nil
}

func (w *writer) font(style string, pt float64) { w.pdf.SetFont(family, style, pt) }

// header repeats the title on continuation pages, so a loose printed page
// still says whose document it is, and the heading of a section that goes on
// from the page before.
func (w *writer) header() {
	w.pageTop = w.top
	if w.pdf.PageNo() == 1 {
		return
	}
	w.runningTitle()
	if w.cont == "" {
		return
	}
	pdf := w.pdf
	// The break may come while a field is drawn with its own indent.
	lm, tm, rm, _ := pdf.GetMargins()
	pdf.SetMargins(w.left, tm, rm)
	pdf.SetXY(w.left, w.top)
	w.font("B", headPt)
	pdf.MultiCell(w.width, headLine, w.cont+" (suite)", "", "L", false)
	y := pdf.GetY() + 0.5
	pdf.SetLineWidth(0.3)
	pdf.Line(w.left, y, w.left+w.width, y)
	pdf.SetMargins(lm, tm, rm)
	w.pageTop = y + 1.5
	pdf.SetXY(lm, w.pageTop)
}

func (w *writer) runningTitle() {
	text := w.doc.Title
	if w.doc.Subtitle != "" {
		if text != "" {
			text += " — "
		}
		text += w.doc.Subtitle
	}
	if text == "" {
		return
	}
	w.font("I", smallPt)
	w.pdf.SetXY(w.left, headerYMM)
	w.pdf.CellFormat(w.width, smallLine, fit(w.pdf, text, w.width), "", 0, "L", false, 0, "")
	w.pdf.SetXY(w.left, w.top)
}

// footers draws every page's footer once the page count is known: fpdf's
// page-count alias is measured as its placeholder, which would shift the
// right-aligned « page N / M », and a second layout pass would double the
// cost. SetFont and SetLineWidth always re-emit their operators, so drawing
// on an earlier page starts from the right state.
func (w *writer) footers() {
	pdf := w.pdf
	total := pdf.PageCount()
	last := pdf.PageNo()
	auto, margin := pdf.GetAutoPageBreak()
	// The footer lies in the bottom margin, where a cell would break the page.
	pdf.SetAutoPageBreak(false, margin)
	for n := 1; n <= total; n++ {
		pdf.SetPage(n)
		w.footer(n, total)
	}
	pdf.SetAutoPageBreak(auto, margin)
	pdf.SetPage(last)
}

// footerLines wraps the footer to the width left beside the page number:
// a footer carries the date and the signature of a document, so it is
// wrapped, never shortened, and the bottom margin grows to hold it.
func (w *writer) footerLines() []string {
	if w.doc.Footer == "" {
		return nil
	}
	w.font("", smallPt)
	return w.pdf.SplitText(w.doc.Footer, w.footerTextWidth())
}

// footerTextWidth leaves room for the widest page number a document has.
func (w *writer) footerTextWidth() float64 {
	w.font("", smallPt)
	return w.width - w.pdf.GetStringWidth("page 999 / 999") - 4
}

func (w *writer) footer(n, total int) {
	pdf := w.pdf
	pdf.SetY(footerYMM - float64(max(len(w.foot)-1, 0))*smallLine)
	y := pdf.GetY()
	pdf.SetLineWidth(0.2)
	pdf.Line(w.left, y-1, w.left+w.width, y-1)
	w.font("", smallPt)
	page := "page " + strconv.Itoa(n) + " / " + strconv.Itoa(total)
	pageW := pdf.GetStringWidth(page)
	for i, line := range w.foot {
		pdf.SetXY(w.left, y+float64(i)*smallLine)
		pdf.CellFormat(w.footerTextWidth(), smallLine, line, "", 0, "L", false, 0, "")
	}
	pdf.SetXY(w.left+w.width-pageW, y)
	pdf.CellFormat(pageW, smallLine, page, "", 0, "R", false, 0, "")
}

// fit shortens s with an ellipsis to fit one line of width mm in the current
// font: the running header must stay on one line inside its margin (the
// first page carries it whole).
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	// fpdf does not kern, so widths add up rune by rune: one pass suffices
	// even for a pathological footer.
	room := width - pdf.GetStringWidth("…")
	used := 0.0
	for i, r := range s {
		used += pdf.GetStringWidth(string(r))
		if used > room {
			return s[:i] + "…"
		}
	}
	return s
}

// head draws the title, subtitle and meta lines of the first page.
func (w *writer) head() {
	pdf := w.pdf
	if w.doc.Title != "" {
		w.font("B", titlePt)
		pdf.MultiCell(w.width, titleLine, w.doc.Title, "", "L", false)
	}
	if w.doc.Subtitle != "" {
		w.font("", subPt)
		pdf.MultiCell(w.width, subLine, w.doc.Subtitle, "", "L", false)
	}
	if len(w.doc.Meta) > 0 {
		pdf.Ln(2)
		for _, f := range w.doc.Meta {
			w.field(f, 0)
		}
	}
	pdf.Ln(2)
}

func (w *writer) section(s handover.Section) {
	pdf := w.pdf
	defer func() { w.cont = "" }()
	if s.NewPage && pdf.GetY() > w.pageTop+1 {
		pdf.AddPage()
	} else {
		pdf.Ln(sectionGapMM)
	}
	// Keep the heading with its first entry; an entry taller than a page
	// breaks anyway, so ask only for what a fresh page could hold.
	first := w.emptyHeight(s)
	if len(s.Entries) > 0 {
		first = w.entryHeight(s.Entries[0])
	}
	w.keep(w.headingHeight(s.Heading) + min(first, w.bottom-w.top-w.headingHeight(s.Heading)))
	if s.Heading != "" {
		w.font("B", headPt)
		pdf.MultiCell(w.width, headLine, s.Heading, "", "L", false)
		y := pdf.GetY() + 0.5
		pdf.SetLineWidth(0.3)
		pdf.Line(w.left, y, w.left+w.width, y)
		pdf.SetY(y + 1.5)
		w.cont = s.Heading
	}
	if len(s.Entries) == 0 {
		w.font("I", bodyPt)
		pdf.MultiCell(w.width, bodyLine, emptyText(s), "", "L", false)
		return
	}
	for i, e := range s.Entries {
		if i > 0 {
			// Keep an entry's label with the start of its text.
			w.keep(min(w.entryHeight(e), w.entryStartHeight(e)))
		}
		w.entry(e)
	}
}

func emptyText(s handover.Section) string {
	if s.Empty == "" {
		return fallbackEmpty
	}
	return s.Empty
}

func (w *writer) entry(e handover.Entry) {
	pdf := w.pdf
	if label := entryLabel(e); label != "" {
		w.font("B", bodyPt)
		pdf.MultiCell(w.width, bodyLine, label, "", "L", false)
	}
	if e.Text != "" {
		// Alerts stay bold throughout: it survives photocopies, colour does not.
		style := ""
		if e.Alert {
			style = "B"
		}
		w.font(style, bodyPt)
		pdf.MultiCell(w.width, bodyLine, e.Text, "", "L", false)
	}
	for _, f := range e.Lines {
		w.field(f, indentMM)
	}
	pdf.Ln(entryGapMM)
}

func entryLabel(e handover.Entry) string {
	if !e.Alert {
		return e.Label
	}
	if e.Label == "" {
		return alertMarker
	}
	return alertMarker + " — " + e.Label
}

// field draws « Label : value » with the label in bold, wrapping under the
// indent.
func (w *writer) field(f handover.Field, indent float64) {
	if f.Label == "" && f.Value == "" {
		return
	}
	pdf := w.pdf
	pdf.SetLeftMargin(w.left + indent)
	pdf.SetX(w.left + indent)
	if f.Label != "" {
		w.font("B", bodyPt)
		pdf.Write(bodyLine, f.Label+nbsp+": ")
	}
	w.font("", bodyPt)
	pdf.Write(bodyLine, f.Value)
	pdf.SetLeftMargin(w.left)
	pdf.Ln(bodyLine)
}

// keep starts a new page unless h millimetres fit below the cursor.
func (w *writer) keep(h float64) {
	if y := w.pdf.GetY(); y+h > w.bottom && y > w.pageTop+1 {
		w.pdf.AddPage()
	}
}

// lines counts the wrapped lines of s in the given font; heights are
// estimates for keep, the drawing itself wraps with fpdf.
func (w *writer) lines(s, style string, pt, width float64) int {
	if s == "" {
		return 0
	}
	w.font(style, pt)
	return max(1, len(w.pdf.SplitText(s, width)))
}

func (w *writer) headingHeight(h string) float64 {
	if h == "" {
		return 0
	}
	return float64(w.lines(h, "B", headPt, w.width))*headLine + 2
}

func (w *writer) emptyHeight(s handover.Section) float64 {
	return float64(w.lines(emptyText(s), "I", bodyPt, w.width)) * bodyLine
}

func (w *writer) entryStartHeight(e handover.Entry) float64 {
	h := float64(w.lines(entryLabel(e), "B", bodyPt, w.width)) * bodyLine
	return h + 2*bodyLine
}

func (w *writer) entryHeight(e handover.Entry) float64 {
	n := w.lines(entryLabel(e), "B", bodyPt, w.width) + w.lines(e.Text, "B", bodyPt, w.width)
	for _, f := range e.Lines {
		// Bold throughout: an upper bound for the bold label + regular value.
		n += w.lines(f.Label+nbsp+": "+f.Value, "B", bodyPt, w.width-indentMM)
	}
	return float64(n)*bodyLine + entryGapMM
}
