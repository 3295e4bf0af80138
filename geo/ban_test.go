package geo

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readAll reads every row, collecting line errors; any other error fails
// the test.
func readAll(t *testing.T, r *Reader) ([]Row, []*LineError) {
	t.Helper()
	var rows []Row
	var lineErrs []*LineError
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, lineErrs
		}
		var le *LineError
		if errors.As(err, &le) {
			lineErrs = append(lineErrs, le)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func TestReaderSharedHeaderFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../../shared/data/ban-sample-62.csv")
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("shared BAN sample not found (shared/data must sit next to the repository): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("first Next on a header-only file = %v, want io.EOF", err)
	}
}

func TestBANHeaderHas23Columns(t *testing.T) {
	t.Parallel()
	if n := len(strings.Split(BANHeader, ";")); n != 23 {
		t.Fatalf("BANHeader has %d columns, want 23", n)
	}
	b, err := os.ReadFile("../../shared/data/ban-sample-62.csv")
	if err != nil {
		t.Fatalf("shared BAN sample not found (shared/data must sit next to the repository): %v", err)
	}
	if got := strings.TrimRight(string(b), "\r\n"); got != BANHeader {
		t.Errorf("BANHeader differs from the shared sample's header:\n%s\n%s", BANHeader, got)
	}
}

// TestReaderSyntheticRoundTrip checks the reader against an independent
// split of the synthetic file's text.
func TestReaderSyntheticRoundTrip(t *testing.T) {
	t.Parallel()
	const n = 2000
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, n, 42); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != n+1 {
		t.Fatalf("WriteSynthetic wrote %d lines, want header + %d", len(lines), n)
	}

	r, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	rows, lineErrs := readAll(t, r)
	if len(lineErrs) > 0 {
		t.Fatalf("line errors on synthetic data: %v", lineErrs)
	}
	if len(rows) != n {
		t.Fatalf("read %d rows, want %d", len(rows), n)
	}
	for i, row := range rows {
		f := strings.Split(lines[i+1], ";")
		if len(f) != 23 {
			t.Fatalf("line %d has %d fields", i+2, len(f))
		}
		lon, _ := strconv.ParseFloat(f[12], 64)
		lat, _ := strconv.ParseFloat(f[13], 64)
		want := Row{Line: i + 2, Numero: f[2], Rep: f[3], Voie: f[4], CodePostal: f[5], CodeINSEE: f[6], Commune: f[7], Lon: lon, Lat: lat}
		if row != want {
			t.Fatalf("row %d = %+v, want %+v", i, row, want)
		}
	}
}

func TestReaderGzip(t *testing.T) {
	t.Parallel()
	var plain, zipped bytes.Buffer
	if err := WriteSynthetic(&plain, 300, 7); err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(&zipped)
	zw.Write(plain.Bytes())
	zw.Close()

	read := func(b []byte) []Row {
		r, err := NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		rows, lineErrs := readAll(t, r)
		if len(lineErrs) > 0 {
			t.Fatalf("line errors: %v", lineErrs)
		}
		return rows
	}
	a, b := read(plain.Bytes()), read(zipped.Bytes())
	if len(b) != 300 || len(a) != len(b) {
		t.Fatalf("plain %d rows, gzip %d rows, want 300", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: plain %+v, gzip %+v", i, a[i], b[i])
		}
	}
}

func TestReaderDamagedGzip(t *testing.T) {
	t.Parallel()
	var plain, zipped bytes.Buffer
	WriteSynthetic(&plain, 5000, 7)
	zw := gzip.NewWriter(&zipped)
	zw.Write(plain.Bytes())
	zw.Close()

	t.Run("bad header", func(t *testing.T) {
		_, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0, 0}))
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "gzip") {
			t.Fatalf("err = %v, want a FileError about gzip", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		r, err := NewReader(bytes.NewReader(zipped.Bytes()[:zipped.Len()/2]))
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		for {
			_, err = r.Next()
			var le *LineError
			if err != nil && !errors.As(err, &le) {
				break
			}
		}
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "gzip") {
			t.Fatalf("err = %v, want a FileError about gzip", err)
		}
		if _, again := r.Next(); again != err {
			t.Errorf("Next after failure = %v, want the same error", again)
		}
	})
}

const testHeader = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles\n"

// banLine builds a 23-field line with the given values.
func banLine(numero, rep, voie, lon, lat string) string {
	return "62193_0001_00001;62193_0001;" + numero + ";" + rep + ";" + voie + ";62100;62193;Calais;;;1;2;" + lon + ";" + lat + ";entrée;;;CALAIS;X;commune;commune;1;\n"
}

func TestReaderMalformedLines(t *testing.T) {
	t.Parallel()
	in := testHeader +
		banLine("1", "", "Rue du Moulin", "1.85", "50.95") + // 2
		banLine("2", "", "Rue du Moulin", "abc", "50.95") + // 3
		"62193_0001_00003;3;Rue du Moulin\n" + // 4
		banLine("4", "", "Rue du Moulin", "1.85", "95") + // 5
		banLine("5", "", "", "1.85", "50.95") + // 6
		"\n" + // 7: blank, skipped
		banLine("6", "bis", "Rue du Moulin", "1.85", "50.95") + // 8
		banLine("7", "", "Rue \"du\" Moulin", "1.85", "50.95") + // 9
		banLine("8", "", "Rue du Moulin", "NaN", "50.95") + // 10
		banLine("9", "", "Rue du Moulin", "", "50.95") + // 11
		banLine("10", "", "Rue du Moulin", "1.86", "50.96") // 12
	r, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	rows, lineErrs := readAll(t, r)

	var gotLines []int
	for _, row := range rows {
		gotLines = append(gotLines, row.Line)
	}
	if want := []int{2, 8, 12}; !equalInts(gotLines, want) {
		t.Errorf("rows read on lines %v, want %v", gotLines, want)
	}
	if rows[1].Numero != "6" || rows[1].Rep != "bis" || rows[2].Lon != 1.86 || rows[2].Lat != 50.96 {
		t.Errorf("rows = %+v", rows)
	}

	want := []struct {
		line int
		msg  string
	}{
		{3, "longitude illisible « abc »"},
		{4, "la ligne compte 3 colonnes au lieu de 23"},
		{5, "latitude hors limites « 95 »"},
		{6, "nom de voie vide"},
		{9, "guillemet"},
		{10, "longitude hors limites « NaN »"},
		{11, "longitude absente"},
	}
	if len(lineErrs) != len(want) {
		t.Fatalf("line errors = %v, want %d", lineErrs, len(want))
	}
	for i, w := range want {
		if e := lineErrs[i]; e.Line != w.line || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("error %d = %v, want line %d containing %q", i, e, w.line, w.msg)
		}
	}
	if got := lineErrs[0].Error(); got != "ligne 3 : longitude illisible « abc »" {
		t.Errorf("Error() = %q", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReaderFileErrors(t *testing.T) {
	t.Parallel()
	var emptyGzip bytes.Buffer
	zw := gzip.NewWriter(&emptyGzip)
	zw.Close()
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "fichier vide"},
		{"blank lines", []byte("\n\n"), "fichier vide"},
		{"empty gzip", emptyGzip.Bytes(), "fichier vide"},
		{"patient list", []byte("nom;prenom;adresse\nDUPONT;Jeanne;12 rue du Moulin\n"), "colonne(s) absente(s) de l'en-tête : numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat"},
		{"comma separated", []byte(strings.ReplaceAll(testHeader, ";", ",")), "point-virgule"},
		{"missing lat", []byte("numero;rep;nom_voie;code_postal;code_insee;nom_commune;lon\n"), "absente(s) de l'en-tête : lat"},
		{"binary", []byte("\x00\x01\"\x02"), "n'est pas un export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.in))
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Msg, tt.msg) {
				t.Fatalf("NewReader error = %v, want a FileError containing %q", err, tt.msg)
			}
		})
	}
}

func TestReaderColumnsByName(t *testing.T) {
	t.Parallel()
	in := "\ufefflat;LON;nom_commune;Code_INSEE;code_postal;nom_voie;rep;numero;extra\n" +
		"50.95;1.85;Calais;62193;62100;Rue du Moulin;bis;12;x\n"
	r, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	want := Row{Line: 2, Numero: "12", Rep: "bis", Voie: "Rue du Moulin", CodePostal: "62100", CodeINSEE: "62193", Commune: "Calais", Lon: 1.85, Lat: 50.95}
	if row != want {
		t.Errorf("row = %+v, want %+v", row, want)
	}
}

func FuzzReader(f *testing.F) {
	var synth bytes.Buffer
	WriteSynthetic(&synth, 20, 1)
	f.Add(synth.Bytes())
	f.Add([]byte(testHeader + banLine("1", "", "Rue", "x", "1") + "a;b\n" + banLine("2", "", "\"Rue", "1", "2")))
	f.Add([]byte("lat;lon;numero;rep;nom_voie;code_postal;code_insee;nom_commune\n1;2;3;;v;;;\n"))
	f.Add([]byte{})
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(synth.Bytes()[:500])
	zw.Close()
	f.Add(zipped.Bytes())

	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("NewReader error %T %v, want *FileError", err, err)
			}
			return
		}
		last := 1
		// Each call consumes at least a line, so a plain input ends
		// within len(in) calls; gzip may expand a lot.
		bound := len(in) + 2
		if isGzip(in) {
			bound = 1 << 24
		}
		for range bound {
			row, err := r.Next()
			var le *LineError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &le):
				if le.Line <= last {
					t.Fatalf("line error on line %d after line %d", le.Line, last)
				}
				last = le.Line
			case err != nil:
				return
			default:
				if row.Line <= last || row.Voie == "" || row.Lon < -180 || row.Lon > 180 || row.Lat < -90 || row.Lat > 90 {
					t.Fatalf("bad row %+v after line %d", row, last)
				}
				last = row.Line
			}
		}
		t.Fatalf("Next did not reach the end of a %d-byte input", len(in))
	})
}
