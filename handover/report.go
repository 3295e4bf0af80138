package handover

import "time"

// Report is a printable document described as data: the PDF renderer and
// any other output (HTML, text preview) draw it the same way. Text is plain
// UTF-8; the renderer escapes and wraps it.
type Report struct {
	Title    string
	Subtitle string // e.g. the patient and the period
	// Meta lines sit under the title: « Patient : … », « Période : … ».
	Meta     []Field
	Sections []Section
	// Footer is printed at the bottom of every page (author, date).
	Footer  string
	Created time.Time
}

// Section is a heading and its entries. Empty says what to print when
// there are no entries (« Aucune transmission pour le médecin »).
type Section struct {
	Heading string
	Entries []Entry
	Empty   string
	// NewPage starts the section on a fresh page (a round's day sheet, so
	// one sheet per round goes in the car).
	NewPage bool
}

// Entry is one item of a section: an optional label in bold (« 14h05 —
// Douleur »), then its text, then optional indented sub-lines (D / A / R).
// Alert marks what must stand out (urgent, allergy).
type Entry struct {
	Label string
	Text  string
	Lines []Field
	Alert bool
}

// Field is a label and a value: « Données : … ».
type Field struct {
	Label string
	Value string
}
