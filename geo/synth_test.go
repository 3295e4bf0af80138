package geo

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestWriteSyntheticDeterministic(t *testing.T) {
	t.Parallel()
	var a, b, c bytes.Buffer
	WriteSynthetic(&a, 1500, 9)
	WriteSynthetic(&b, 1500, 9)
	WriteSynthetic(&c, 1500, 10)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed, different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same output")
	}
}

func TestWriteSyntheticShape(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 17, 5000} {
		var buf bytes.Buffer
		if err := WriteSynthetic(&buf, n, 5); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(buf.String(), BANHeader+"\n") {
			t.Fatalf("n=%d: output does not start with the BAN header", n)
		}
		r, err := NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, lineErrs := readAll(t, r)
		if len(rows) != n || len(lineErrs) != 0 {
			t.Fatalf("n=%d: %d rows, line errors %v", n, len(rows), lineErrs)
		}

		// Grouped by commune then street: once a block is left, it never
		// comes back.
		doneCommune, doneStreet := map[string]bool{}, map[string]bool{}
		numbers := map[string]bool{}
		communes := map[string]bool{}
		reps := map[string]int{}
		for i, row := range rows {
			key := (Street{Voie: row.Voie, CodeINSEE: row.CodeINSEE}).Key()
			if i > 0 && rows[i-1].CodeINSEE != row.CodeINSEE {
				doneCommune[rows[i-1].CodeINSEE] = true
			}
			if i > 0 && rows[i-1].Voie+rows[i-1].CodeINSEE != row.Voie+row.CodeINSEE {
				doneStreet[(Street{Voie: rows[i-1].Voie, CodeINSEE: rows[i-1].CodeINSEE}).Key()] = true
			}
			if doneCommune[row.CodeINSEE] || doneStreet[key] {
				t.Fatalf("n=%d: line %d goes back to %s, %s", n, row.Line, row.Commune, row.Voie)
			}
			nk := key + "|" + NumberKey(row.Numero, row.Rep)
			if numbers[nk] {
				t.Fatalf("n=%d: duplicate address %s", n, nk)
			}
			numbers[nk] = true
			communes[row.Commune] = true
			reps[row.Rep]++
			if row.Lon < 1.7 || row.Lon > 2.15 || row.Lat < 50.75 || row.Lat > 51.0 {
				t.Fatalf("n=%d: line %d at %v,%v, outside the Calaisis", n, row.Line, row.Lon, row.Lat)
			}
		}
		if n == 5000 && (len(communes) != len(synthCommunes) || reps["bis"] == 0 || reps["ter"] == 0) {
			t.Errorf("n=%d: %d communes, reps %v: want every commune and some bis and ter", n, len(communes), reps)
		}
	}
}

// failingWriter fails after a few bytes, like a full disk.
type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		return 0, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

func TestWriteSyntheticWriteError(t *testing.T) {
	t.Parallel()
	if err := WriteSynthetic(&failingWriter{left: 100 << 10}, 10000, 1); err == nil || err.Error() != "disk full" {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

func BenchmarkWriteSynthetic600k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSynthetic(io.Discard, 600_000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReader600k(b *testing.B) {
	var buf bytes.Buffer
	WriteSynthetic(&buf, 600_000, 1)
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				b.Fatal(err)
			}
		}
	}
}
