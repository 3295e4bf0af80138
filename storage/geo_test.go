package storage

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tournee/geo"

	bolt "go.etcd.io/bbolt"
)

// synthetic returns a BAN file of n rows and its rows read back.
func synthetic(t testing.TB, n int, seed uint64) ([]byte, []geo.Row) {
	t.Helper()
	var buf bytes.Buffer
	if err := geo.WriteSynthetic(&buf, n, seed); err != nil {
		t.Fatal(err)
	}
	rd, err := geo.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var rows []geo.Row
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	return buf.Bytes(), rows
}

func importBytes(t testing.TB, db *DB, raw []byte) (GeoImportResult, error) {
	t.Helper()
	rd, err := geo.NewReader(bytes.NewReader(raw))
	if err != nil {
		return GeoImportResult{}, err
	}
	return db.GeoImport(ctx, rd, nil)
}

func TestGeoImportAndFind(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	if _, err := db.GeoFind(ctx, "12 rue du Moulin Calais", 3); !errors.Is(err, ErrNoAddressIndex) {
		t.Fatalf("find before any import: %v, want ErrNoAddressIndex", err)
	}
	raw, rows := synthetic(t, 3000, 1)
	res, err := importBytes(t, db, raw)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != len(rows) || res.Skipped != 0 || res.Streets == 0 {
		t.Fatalf("import: %+v for %d rows", res.GeoInfo, len(rows))
	}
	// Every tenth address typed back finds itself, exactly, first.
	for i := 0; i < len(rows); i += 10 {
		r := rows[i]
		q := fmt.Sprintf("%s %s %s %s %s", r.Numero, r.Rep, r.Voie, r.CodePostal, r.Commune)
		cands, err := db.GeoFind(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) == 0 || !cands[0].Exact || cands[0].Lon != r.Lon || cands[0].Lat != r.Lat {
			t.Fatalf("%q: got %+v, want %.6f,%.6f", q, cands, r.Lat, r.Lon)
		}
	}
	// A typo and an abbreviation still find the street.
	r := rows[42]
	words := strings.Fields(geo.Normalize(r.Voie))
	last := words[len(words)-1]
	typo := strings.Replace(r.Voie, last[1:], last[2:], 1) // drop one letter of the last word
	cands, err := db.GeoFind(ctx, r.Numero+" "+r.Rep+" "+typo+" "+r.Commune, 3)
	if err != nil || len(cands) == 0 || !strings.Contains(cands[0].Label, r.Voie) {
		t.Errorf("typo %q: %+v, %v", typo, cands, err)
	}
	// The index is plain public data but the file must still open and verify.
	db.Close()
	if err := Verify(path, pass); err != nil {
		t.Errorf("verify with an address index: %v", err)
	}
}

func TestGeoReimportReplacesAtomically(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	raw1, rows1 := synthetic(t, 2000, 1)
	if _, err := importBytes(t, db, raw1); err != nil {
		t.Fatal(err)
	}
	// A gzip cut short fails mid-import: the first index stays in use.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	raw2, rows2 := synthetic(t, 5000, 2)
	zw.Write(raw2)
	zw.Close()
	if _, err := importBytes(t, db, gz.Bytes()[:gz.Len()/2]); err == nil {
		t.Fatal("a truncated file imported without error")
	}
	if info, _ := db.GeoInfo(); info.Rows != len(rows1) {
		t.Errorf("after a failed import the index has %d rows, want the previous %d", info.Rows, len(rows1))
	}
	r := rows1[7]
	if cands, err := db.GeoFind(ctx, r.Numero+" "+r.Rep+" "+r.Voie+" "+r.Commune, 1); err != nil || len(cands) == 0 || !cands[0].Exact {
		t.Errorf("previous index unusable after a failed import: %+v, %v", cands, err)
	}
	// A complete import replaces it, and only one generation stays in the file.
	res, err := importBytes(t, db, gz.Bytes())
	if err != nil || res.Rows != len(rows2) {
		t.Fatalf("second import: %+v, %v", res.GeoInfo, err)
	}
	if info, _ := db.GeoInfo(); info.Rows != len(rows2) {
		t.Errorf("index describes %d rows, want %d", info.Rows, len(rows2))
	}
	geoBucketsLeft := 0
	db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if strings.HasPrefix(string(name), "geo_") {
				geoBucketsLeft++
			}
			return nil
		})
	})
	if geoBucketsLeft != 4 {
		t.Errorf("%d address buckets in the file, want one generation (4)", geoBucketsLeft)
	}
}

func TestGeoImportSkipsMalformedLines(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	raw, rows := synthetic(t, 200, 3)
	lines := strings.Split(string(raw), "\n")
	lines[5] = strings.Replace(lines[5], ";", ";;", 1)             // one field too many
	lines[9] = strings.Join(strings.Split(lines[9], ";")[:5], ";") // cut short
	res, err := importBytes(t, db, []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 2 || res.Rows != len(rows)-2 || len(res.Errors) != 2 || res.Errors[0].Line != 6 || res.Errors[1].Line != 10 {
		t.Errorf("skipped %d, rows %d/%d, errors %v", res.Skipped, res.Rows, len(rows), res.Errors)
	}
	if _, err := importBytes(t, db, nil); err == nil {
		t.Error("an empty file imported")
	}
	if _, err := importBytes(t, db, []byte("nom;prenom\nDupont;Jean\n")); err == nil {
		t.Error("a file that is not a BAN export imported")
	}
}

// BenchmarkGeoImport600k imports a synthetic département of 600,000 rows
// (the figure: < 30 s).
func BenchmarkGeoImport600k(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "adresses.csv")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := geo.WriteSynthetic(f, 600_000, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		db, err := Create(filepath.Join(b.TempDir(), "geo.db"), pass, Options{})
		if err != nil {
			b.Fatal(err)
		}
		in, _ := os.Open(file)
		rd, err := geo.NewReader(in)
		if err != nil {
			b.Fatal(err)
		}
		res, err := db.GeoImport(ctx, rd, nil)
		if err != nil || res.Rows != 600_000 {
			b.Fatalf("%+v %v", res.GeoInfo, err)
		}
		in.Close()
		db.Close()
	}
}

// BenchmarkGeoFind looks up addresses of a 600,000-row index; it reports the
// median as well as the mean (the figure is the median, < 2 ms).
func BenchmarkGeoFind(b *testing.B) {
	var buf bytes.Buffer
	if err := geo.WriteSynthetic(&buf, 600_000, 1); err != nil {
		b.Fatal(err)
	}
	db, err := Create(filepath.Join(b.TempDir(), "geo.db"), pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	raw := buf.Bytes()
	if _, err := importBytes(b, db, raw); err != nil {
		b.Fatal(err)
	}
	_, rows := synthetic(b, 20_000, 1)
	var times []time.Duration
	i := 0
	for b.Loop() {
		r := rows[(i*7919)%len(rows)]
		i++
		start := time.Now()
		if _, err := db.GeoFind(ctx, r.Numero+" "+r.Voie+" "+r.Commune, 5); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}
