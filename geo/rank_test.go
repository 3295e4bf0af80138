package geo

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// street builds a test street whose numbers lie along a line from (lon, lat).
func street(voie, cp, insee, commune string, lon, lat float64, numbers ...string) Street {
	s := Street{Voie: voie, CodePostal: cp, CodeINSEE: insee, Commune: commune, Numbers: map[string][2]float64{}}
	for i, n := range numbers {
		p := [2]float64{lon + float64(i)*0.0001, lat}
		s.Numbers[n] = p
		s.Center[0] += p[0] / float64(len(numbers))
		s.Center[1] += p[1] / float64(len(numbers))
	}
	return s
}

func testStreets() []Street {
	return []Street{
		street("Rue du Moulin", "62100", "62193", "Calais", 1.85, 50.95, "10", "12", "12 bis", "14"),
		street("Rue du Moulin", "62730", "62548", "Marck", 1.95, 50.94, "1", "12", "20"),
		street("Chemin du Moulin", "62100", "62193", "Calais", 1.86, 50.93, "3", "12"),
		street("Rue des Moulins", "62100", "62193", "Calais", 1.87, 50.96, "12"),
		street("Avenue de la Résistance", "62100", "62193", "Calais", 1.84, 50.95, "1", "2", "3"),
		street("Rue Saint-Pierre", "62100", "62193", "Calais", 1.83, 50.95, "5"),
		street("Rue de l'Église", "62231", "62239", "Coquelles", 1.80, 50.93, "1"),
		street("Rue de l'Église", "62231", "62774", "Sangatte", 1.76, 50.94, "1"),
		street("Boulevard Jacquard", "62100", "62193", "Calais", 1.855, 50.952, "33"),
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	streets := testStreets()
	tests := []struct {
		query    string
		label    string
		exact    bool
		minScore float64
	}{
		{"12 bis rue du Moulin 62100 Calais", "12 bis Rue du Moulin, 62100 Calais", true, 0.999},
		{"12 rue du Moulin, Calais", "12 Rue du Moulin, 62100 Calais", true, 0.99},
		{"12 rue du Mouln 62100 Calais", "12 Rue du Moulin, 62100 Calais", true, 0.9},  // typo
		{"12 rue du Mouiln 62100", "12 Rue du Moulin, 62100 Calais", true, 0.9},        // swapped letters
		{"12 r du moulin calais", "12 Rue du Moulin, 62100 Calais", true, 0.9},         // town not separated
		{"12 rue du moulin calais 62100", "12 Rue du Moulin, 62100 Calais", true, 0.9}, // idem, postcode last
		{"12 rue du Moulin, Marck", "12 Rue du Moulin, 62730 Marck", true, 0.99},
		{"12 rue du Moulin 62730", "12 Rue du Moulin, 62730 Marck", true, 0.99},
		{"12 r du moulin marck", "12 Rue du Moulin, 62730 Marck", true, 0.9},
		{"3 av de la resistance calais", "3 Avenue de la Résistance, 62100 Calais", true, 0.9},
		{"5 r st pierre, 62100", "5 Rue Saint-Pierre, 62100 Calais", true, 0.99},
		{"33 bd Jacquard", "33 Boulevard Jacquard, 62100 Calais", true, 0.85},
		{"1 rue de l'eglise 62231 Sangatte", "1 Rue de l'Église, 62231 Sangatte", true, 0.99}, // shared postcode
		{"1 rue de l'eglise 62231 Coquelles", "1 Rue de l'Église, 62231 Coquelles", true, 0.99},
		{"33 jacquard, calais", "33 Boulevard Jacquard, 62100 Calais", true, 0.9}, // no street type
		{"12 chemin du moulin calais", "12 Chemin du Moulin, 62100 Calais", true, 0.99},
		{"99 rue du Moulin, Calais", "Rue du Moulin, 62100 Calais", false, 0.8},        // unknown number: centre
		{"rue du Moulin, Calais", "Rue du Moulin, 62100 Calais", false, 0.9},           // no number: centre
		{"14 ter rue du Moulin, Calais", "14 Rue du Moulin, 62100 Calais", false, 0.9}, // ter unknown, 14 known
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			got := Rank(ParseQuery(tt.query), streets, 5)
			if len(got) == 0 {
				t.Fatalf("no candidate")
			}
			c := got[0]
			if c.Label != tt.label || c.Exact != tt.exact || c.Score < tt.minScore || c.Score > 1 {
				t.Fatalf("first = %+v, want %q exact=%v score ≥ %v; all: %+v", c, tt.label, tt.exact, tt.minScore, got)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Score > got[i-1].Score {
					t.Fatalf("not sorted: %+v", got)
				}
			}
			if len(got) > 1 && got[1].Score == c.Score {
				t.Errorf("no clear winner: %+v", got[:2])
			}
		})
	}
}

func TestRankPoints(t *testing.T) {
	t.Parallel()
	streets := testStreets()
	moulin := streets[0]

	got := Rank(ParseQuery("12 bis rue du Moulin 62100 Calais"), streets, 1)
	if p := moulin.Numbers["12 bis"]; got[0].Lon != p[0] || got[0].Lat != p[1] {
		t.Errorf("exact number at %v,%v, want %v", got[0].Lon, got[0].Lat, p)
	}
	got = Rank(ParseQuery("99 rue du Moulin 62100 Calais"), streets, 1)
	if got[0].Lon != moulin.Center[0] || got[0].Lat != moulin.Center[1] || got[0].Exact {
		t.Errorf("unknown number: %+v, want the centre %v, not exact", got[0], moulin.Center)
	}
	exact := Rank(ParseQuery("12 rue du Moulin 62100 Calais"), streets, 1)[0]
	none := Rank(ParseQuery("rue du Moulin 62100 Calais"), streets, 1)[0]
	if !(exact.Score > none.Score && none.Score > got[0].Score) {
		t.Errorf("scores exact %v, no number %v, unknown number %v: want decreasing", exact.Score, none.Score, got[0].Score)
	}
}

func TestRankLimitAndEmpty(t *testing.T) {
	t.Parallel()
	streets := testStreets()
	q := ParseQuery("rue du moulin")
	if got := Rank(q, streets, 2); len(got) != 2 {
		t.Errorf("limit 2: %d candidates", len(got))
	}
	if got := Rank(q, streets, 100); len(got) != 4 {
		t.Errorf("limit 100: %d candidates %+v, want the 4 moulin streets only", len(got), got)
	}
	if got := Rank(q, streets, 0); got != nil {
		t.Errorf("limit 0: %+v", got)
	}
	if got := Rank(ParseQuery("62100 Calais"), streets, 5); got != nil {
		t.Errorf("no street: %+v", got)
	}
	if got := Rank(ParseQuery("rue Victor Hugo"), streets, 5); got != nil {
		t.Errorf("unrelated street: %+v", got)
	}
	if got := Rank(q, nil, 5); got != nil {
		t.Errorf("no streets: %+v", got)
	}
}

func TestRankDeterministic(t *testing.T) {
	t.Parallel()
	streets := testStreets()
	// Two identical streets (same name, two INSEE codes, same postcode and
	// commune name) tie on score: the order must not follow the input.
	twin := streets[0]
	twin.CodeINSEE = "62999"
	twin.Center = [2]float64{1.9, 50.9}
	streets = append(streets, twin)
	q := ParseQuery("rue du moulin 62100")
	want := Rank(q, streets, 10)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(streets), func(i, j int) { streets[i], streets[j] = streets[j], streets[i] })
		if got := Rank(q, streets, 10); !reflect.DeepEqual(got, want) {
			t.Fatalf("order depends on input order:\n%+v\n%+v", got, want)
		}
	}
}

func TestStreetKey(t *testing.T) {
	t.Parallel()
	s := Street{Voie: "Avenue de la Résistance", CodeINSEE: "62193"}
	if got := s.Key(); got != "avenue resistance|62193" {
		t.Errorf("Key() = %q", got)
	}
	if NumberKey("12", "BIS") != "12 bis" || NumberKey(" 12 ", "") != "12" {
		t.Errorf("NumberKey: %q %q", NumberKey("12", "BIS"), NumberKey(" 12 ", ""))
	}
}

// TestRankSynthetic runs the whole chain on synthetic data: every address
// of a few streets, typed back as its label, is found exactly and first.
func TestRankSynthetic(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, 3000, 3); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*Street{}
	var order []string
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		s := Street{Voie: row.Voie, CodePostal: row.CodePostal, CodeINSEE: row.CodeINSEE, Commune: row.Commune}
		k := s.Key()
		if byKey[k] == nil {
			s.Numbers = map[string][2]float64{}
			byKey[k] = &s
			order = append(order, k)
		}
		byKey[k].Numbers[NumberKey(row.Numero, row.Rep)] = [2]float64{row.Lon, row.Lat}
	}
	streets := make([]Street, 0, len(order))
	for _, k := range order {
		streets = append(streets, *byKey[k])
	}
	for i := 0; i < len(streets); i += 7 {
		s := streets[i]
		for n, p := range s.Numbers {
			label := n + " " + s.Voie + ", " + s.CodePostal + " " + s.Commune
			got := Rank(ParseQuery(label), streets, 3)
			if len(got) == 0 || got[0].Label != label || !got[0].Exact || got[0].Lon != p[0] || got[0].Lat != p[1] {
				t.Fatalf("query %q: got %+v", label, got)
			}
		}
	}
}

func BenchmarkRank(b *testing.B) {
	streets := testStreets()
	for range 20 {
		streets = append(streets, testStreets()...)
	}
	q := ParseQuery("12 r du mouln calais")
	b.ReportAllocs()
	for b.Loop() {
		Rank(q, streets, 5)
	}
}
