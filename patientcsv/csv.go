package patientcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"tournee/patients"
)

// Result is what Read found in a readable file.
type Result struct {
	// Patients are the rows that passed every check, in file order, with a
	// zero ID: the store assigns it.
	Patients []patients.Patient
	// Rows holds the line of each patient (Rows[i] is Patients[i]'s line),
	// so the caller can say which line a later failure came from.
	Rows []int
	// Errors are the refused rows, every problem of a row included. A row
	// with an error gives no patient.
	Errors []RowError
	// Warnings do not refuse a row: a leading zero put back after Excel
	// dropped it, an RPPS whose check digit looks wrong.
	Warnings []RowError
	// Unknown lists the headers that match no column, as written in the
	// file; their cells are ignored, and a typo there loses data silently
	// unless the caller shows them.
	Unknown []string
	// Encoding is "UTF-8" or "Windows-1252", and Comma is ';' or ',': what
	// was detected, for the caller to report.
	Encoding string
	Comma    rune
}

// RowError is one problem on one line. Msg is plain French, written for
// the nurse who will fix the spreadsheet.
type RowError struct {
	Line  int    // line as numbered by a spreadsheet, header = 1
	Field string // documented column name (see Headers), or "" for the whole row
	Msg   string
}

// Error returns e.g. "ligne 7 : nir : la clé du NIR ne correspond pas …".
func (e RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("ligne %d : %s : %s", e.Line, e.Field, e.Msg)
}

// FileError means the whole file cannot be read (empty, no usable header,
// an unclosed quote that swallows the rest): no row was imported. Msg is
// plain French; Line is 0 when the problem is not on one line.
type FileError struct {
	Line int
	Msg  string
}

// Error returns the message, prefixed with the line when there is one.
func (e *FileError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg)
}

// maxFileSize bounds what Read loads in memory. A cabinet's patient list is
// a few hundred kilobytes; anything this large is the wrong file.
const maxFileSize = 32 << 20

// Read parses a patient CSV file (see the package documentation for the
// format). The error is nil, a *FileError when the file as a whole is
// unusable, or the reader's own error, wrapped. Refused rows are in
// Result.Errors: deciding whether to import the rest is the caller's job.
func Read(r io.Reader) (Result, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Result{}, fmt.Errorf("read patient csv: %w", err)
	}
	if len(raw) > maxFileSize {
		return Result{}, &FileError{Msg: "fichier trop volumineux (plus de 32 Mo) : est-ce bien une liste de patients ?"}
	}
	text, enc, err := decode(raw)
	if err != nil {
		return Result{}, err
	}
	res := Result{Encoding: enc, Comma: detectComma(text)}
	p := newParser(text, res.Comma)

	var head record
	for {
		head, err = p.next()
		if errors.Is(err, io.EOF) {
			return Result{}, &FileError{Msg: "fichier vide : la première ligne doit porter les noms des colonnes"}
		}
		if err != nil {
			return Result{}, err
		}
		if !blankRecord(head.cells) {
			break
		}
	}
	if head.quoteErr != "" {
		return Result{}, &FileError{Line: head.row, Msg: "en-tête illisible : " + head.quoteErr}
	}
	index, err := mapHeader(head, text, &res)
	if err != nil {
		return Result{}, err
	}

	seenNIR := make(map[string]int)
	for {
		rec, err := p.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Result{}, err
		}
		if rec.quoteErr != "" {
			res.Errors = append(res.Errors, RowError{Line: rec.row, Msg: rec.quoteErr})
			continue
		}
		if blankRecord(rec.cells) {
			continue
		}
		if msg := fieldCountProblem(rec.cells, len(head.cells), res.Comma); msg != "" {
			res.Errors = append(res.Errors, RowError{Line: rec.row, Msg: msg})
			continue
		}
		var cells [numCols]string
		for i, c := range index {
			if c >= 0 {
				cells[c] = cleanCell(rec.cells[i])
			}
		}
		pt, errs, warns := parseRow(&cells, rec.row)
		if pt.INS != nil && len(errs) == 0 {
			if first, dup := seenNIR[pt.INS.NIR]; dup {
				errs = append(errs, RowError{rec.row, "nir", fmt.Sprintf("ce NIR figure déjà ligne %d", first)})
			} else {
				seenNIR[pt.INS.NIR] = rec.row
			}
		}
		res.Warnings = append(res.Warnings, warns...)
		if len(errs) > 0 {
			res.Errors = append(res.Errors, errs...)
			continue
		}
		res.Patients = append(res.Patients, pt)
		res.Rows = append(res.Rows, rec.row)
	}
	return res, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decode returns the file as UTF-8. Without a BOM there is no reliable
// marker, but a Windows-1252 file with accents is almost never valid UTF-8,
// so validity decides: that is how Excel's two CSV flavours come out.
func decode(raw []byte) (text, encoding string, err error) {
	if bytes.HasPrefix(raw, []byte{0xff, 0xfe}) || bytes.HasPrefix(raw, []byte{0xfe, 0xff}) {
		return "", "", &FileError{Msg: "fichier en UTF-16 (« Texte Unicode ») : enregistrez-le au format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »"}
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	if utf8.Valid(raw) {
		return string(raw), "UTF-8", nil
	}
	b, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		// Every byte has a Windows-1252 mapping, so this is not expected.
		return "", "", fmt.Errorf("decode windows-1252: %w", err)
	}
	return string(b), "Windows-1252", nil
}

// detectComma looks at the first non-blank line, the header: French Excel
// writes ";", most other tools ",". Header names contain neither.
func detectComma(text string) rune {
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.Count(line, ";") > strings.Count(line, ",") {
			return ';'
		}
		break
	}
	return ','
}

// mapHeader returns, for each header cell, its column or -1, and refuses a
// header that lacks a mandatory column or names one twice.
func mapHeader(head record, text string, res *Result) ([]col, error) {
	index := make([]col, len(head.cells))
	where := make(map[col]string)
	for i, h := range head.cells {
		h = cleanCell(h)
		c, ok := headerIndex[headerKey(h)]
		switch {
		case !ok:
			index[i] = -1
			if h != "" {
				res.Unknown = append(res.Unknown, h)
			}
			continue
		case where[c] != "":
			return nil, &FileError{Line: head.row, Msg: fmt.Sprintf("les colonnes « %s » et « %s » désignent toutes deux %s : gardez-en une", where[c], h, columns[c].name)}
		}
		where[c] = h
		index[i] = c
	}
	var missing []string
	if where[colFirstName] == "" {
		missing = append(missing, columns[colFirstName].name)
	}
	if where[colBirthName] == "" && where[colUsedName] == "" {
		missing = append(missing, columns[colBirthName].name+" (ou "+columns[colUsedName].name+")")
	}
	if len(missing) == 0 {
		return index, nil
	}
	msg := "colonne obligatoire absente : " + strings.Join(missing, ", ")
	if len(head.cells) == 1 {
		msg += " ; une seule colonne lue : le séparateur doit être « ; » ou « , »"
		if strings.Contains(text, "\t") {
			msg += " (tabulations trouvées)"
		}
	} else {
		msg += " ; en-têtes lus : « " + strings.Join(head.cells, " », « ") + " »"
	}
	return nil, &FileError{Line: head.row, Msg: msg}
}

func blankRecord(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fieldCountProblem refuses a row whose cells would land in the wrong
// columns. Extra empty cells at the end are tolerated: spreadsheets add
// them when a column past the table was ever formatted.
func fieldCountProblem(cells []string, want int, comma rune) string {
	if len(cells) > want && blankRecord(cells[want:]) {
		return ""
	}
	if len(cells) == want {
		return ""
	}
	msg := fmt.Sprintf("la ligne compte %d colonnes au lieu de %d", len(cells), want)
	if len(cells) > want && comma == ',' {
		msg += " : dans un fichier séparé par des virgules, un texte ou un nombre contenant une virgule (50,95) doit être entre guillemets"
	}
	return msg
}

// record is one CSV record and the line a spreadsheet shows it on.
type record struct {
	cells    []string
	row      int
	quoteErr string // set when the record has a misplaced quote
}

// parser numbers records the way a spreadsheet numbers rows: a quoted
// cell spanning three physical lines is still one row, so every later
// line number is shifted back by the extra physical lines seen so far.
type parser struct {
	text       string
	cr         *csv.Reader
	lineStarts []int // byte offset of each physical line
	extra      int   // physical lines inside quoted cells, so far
}

func newParser(text string, comma rune) *parser {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	// Hand-written files put a space after the separator before a quote.
	cr.TrimLeadingSpace = true
	starts := []int{0}
	for i := range len(text) {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &parser{text: text, cr: cr, lineStarts: starts}
}

// lineOf returns the 1-based physical line holding byte off.
func (p *parser) lineOf(off int) int {
	return sort.SearchInts(p.lineStarts, off+1)
}

// next returns the next record, io.EOF at the end, or a *FileError when
// a quote is never closed, since the rest of the file was swallowed into
// one cell and nothing after it can be trusted.
func (p *parser) next() (record, error) {
	cells, err := p.cr.Read()
	end := int(p.cr.InputOffset())
	if errors.Is(err, io.EOF) {
		return record{}, io.EOF
	}
	var rec record
	var startLine int
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		startLine = pe.StartLine
		rec.quoteErr = "guillemet (\") mal placé : un texte contenant des guillemets doit être entouré de guillemets, et ses propres guillemets doublés (\"\")"
		// encoding/csv reads to the end of the file after an opening quote
		// only when every later quote came as a "" pair, so from the start of
		// the record the quotes are odd in number. A misplaced quote after a
		// closed cell, even on the last line, leaves them even.
		if errors.Is(pe.Err, csv.ErrQuote) && end == len(p.text) && strings.Count(p.text[p.lineStarts[startLine-1]:], `"`)%2 == 1 {
			return record{}, &FileError{Line: startLine - p.extra, Msg: "guillemet ouvert jamais refermé : la suite du fichier ne peut pas être lue"}
		}
	case err != nil:
		// A strings.Reader does not fail, but do not hide it if it ever does.
		return record{}, fmt.Errorf("parse patient csv: %w", err)
	default:
		startLine, _ = p.cr.FieldPos(0)
	}
	endLine := p.lineOf(end - 1)
	rec.cells = cells
	rec.row = startLine - p.extra
	p.extra += endLine - startLine
	return rec, nil
}
