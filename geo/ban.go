package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Row is one BAN address line.
type Row struct {
	Line                                              int // physical line in the file, header = 1
	Numero, Rep, Voie, CodePostal, CodeINSEE, Commune string
	Lon, Lat                                          float64
}

// LineError is a malformed line: Next returns it and the reader can go on.
// Msg is plain French for the person who picked the file.
type LineError struct {
	Line int
	Msg  string
}

// Error returns e.g. "ligne 12 : longitude illisible « abc »".
func (e *LineError) Error() string {
	return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg)
}

// FileError means the file cannot be read as a BAN export at all (empty,
// not a BAN header, damaged gzip). Msg is plain French; Err, when not nil,
// is the underlying cause, kept for the log.
type FileError struct {
	Msg string
	Err error
}

// Error returns the French message.
func (e *FileError) Error() string { return e.Msg }

// Unwrap returns the underlying cause, if any.
func (e *FileError) Unwrap() error { return e.Err }

// requiredColumns are the BAN columns Row is built from; the others
// (x, y, id, cad_parcelles...) are ignored.
var requiredColumns = []string{"numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat"}

// column indexes into a record, in requiredColumns order.
const (
	colNumero = iota
	colRep
	colVoie
	colCodePostal
	colCodeINSEE
	colCommune
	colLon
	colLat
)

// Reader streams a BAN CSV file. It is not safe for concurrent use.
type Reader struct {
	csv    *csv.Reader
	idx    [colLat + 1]int
	fields int // header's field count: every line must have as many
	failed error
}

// NewReader reads the header of a BAN CSV (plain or gzip, detected from the
// magic bytes) and maps its columns by name. The error is a *FileError for
// an empty file, a damaged gzip or a header missing one of the columns
// numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &FileError{Msg: "lecture du fichier impossible", Err: err}
	}
	var src io.Reader = br
	if isGzip(magic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipError(err)
		}
		// Concatenated gzip members are one file, as gzip(1) sees them.
		src = bufio.NewReaderSize(zr, 64<<10)
	}

	cr := csv.NewReader(src)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1 // checked by Next, with a French message
	cr.ReuseRecord = true

	head, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &FileError{Msg: "fichier vide : un export BAN commence par la ligne d'en-tête « id;id_fantoir;numero;… »"}
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &FileError{Msg: "ce n'est pas un export de la Base Adresse Nationale : en-tête illisible", Err: err}
		}
		return nil, readError(err)
	}

	names := make(map[string]int, len(head))
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := names[h]; !dup {
			names[h] = i
		}
	}
	rd := &Reader{csv: cr, fields: len(head)}
	var missing []string
	for i, c := range requiredColumns {
		j, ok := names[c]
		if !ok {
			missing = append(missing, c)
		}
		rd.idx[i] = j
	}
	if len(missing) > 0 {
		msg := "ce n'est pas un export de la Base Adresse Nationale : colonne(s) absente(s) de l'en-tête : " + strings.Join(missing, ", ")
		if len(head) == 1 && strings.ContainsAny(head[0], ",\t") {
			msg += " (le séparateur attendu est le point-virgule)"
		}
		return nil, &FileError{Msg: msg}
	}
	return rd, nil
}

// Next returns the next address. At the end it returns io.EOF. A malformed
// line gives a *LineError: record it and call Next again. Any other error
// (damaged gzip, failing reader) is a *FileError and ends the reading:
// later calls return it again.
func (r *Reader) Next() (Row, error) {
	if r.failed != nil {
		return Row{}, r.failed
	}
	rec, err := r.csv.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && pe.Err != nil && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote)) {
			// encoding/csv has consumed the bad line (an unclosed quote
			// consumes the rest of the file), so reading can go on.
			return Row{}, &LineError{Line: pe.StartLine, Msg: "guillemet mal placé ou jamais fermé"}
		}
		r.failed = readError(err)
		return Row{}, r.failed
	}
	line, _ := r.csv.FieldPos(0)
	if len(rec) != r.fields {
		return Row{}, &LineError{Line: line, Msg: fmt.Sprintf("la ligne compte %d colonnes au lieu de %d", len(rec), r.fields)}
	}
	field := func(c int) string { return strings.TrimSpace(rec[r.idx[c]]) }
	row := Row{
		Line:       line,
		Numero:     field(colNumero),
		Rep:        field(colRep),
		Voie:       field(colVoie),
		CodePostal: field(colCodePostal),
		CodeINSEE:  field(colCodeINSEE),
		Commune:    field(colCommune),
	}
	if row.Voie == "" {
		return Row{}, &LineError{Line: line, Msg: "nom de voie vide"}
	}
	if row.Lon, err = parseDegrees(field(colLon), "longitude", 180); err != nil {
		return Row{}, &LineError{Line: line, Msg: err.Error()}
	}
	if row.Lat, err = parseDegrees(field(colLat), "latitude", 90); err != nil {
		return Row{}, &LineError{Line: line, Msg: err.Error()}
	}
	return row, nil
}

// parseDegrees reads a decimal degree within [-limit, limit]. NaN and
// infinities, which strconv accepts, are refused as out of range.
func parseDegrees(s, name string, limit float64) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("%s absente", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s illisible « %s »", name, s)
	}
	if !(v >= -limit && v <= limit) {
		return 0, fmt.Errorf("%s hors limites « %s » (entre %g et %g)", name, s, -limit, limit)
	}
	return v, nil
}

// readError turns a failure of the underlying stream into a *FileError,
// naming gzip damage when that is the cause.
func readError(err error) error {
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
		return gzipError(err)
	}
	return &FileError{Msg: "lecture du fichier impossible", Err: err}
}

func gzipError(err error) error {
	return &FileError{Msg: "fichier compressé (gzip) endommagé ou incomplet : téléchargez-le à nouveau", Err: err}
}

// isGzip reports whether b starts with the gzip magic bytes.
func isGzip(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }
