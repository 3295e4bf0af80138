package geo

import (
	"math"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Query
	}{
		{"12 bis rue du Moulin 62100 Calais", Query{"12 bis", "rue moulin", "62100", "calais"}},
		{"12 r du moulin calais", Query{"12", "rue moulin calais", "", ""}},
		{"rue du moulin, 62100", Query{"", "rue moulin", "62100", ""}},
		{"12B rue du Moulin, Calais", Query{"12 b", "rue moulin", "", "calais"}},
		{"12bis, rue du Moulin", Query{"12 bis", "rue moulin", "", ""}},
		{"3 TER Av. de la Résistance, 62730 Marck", Query{"3 ter", "avenue resistance", "62730", "marck"}},
		{"rue du moulin 62100", Query{"", "rue moulin", "62100", ""}},
		{"rue du moulin calais 62100", Query{"", "rue moulin calais", "62100", ""}},
		{"rue du Moulin, Calais 62100", Query{"", "rue moulin", "62100", "calais"}},
		{"12-14 rue du Moulin", Query{"12", "rue moulin", "", ""}},
		{"007 rue du Moulin", Query{"7", "rue moulin", "", ""}},
		{"rue du 8 mai 1945, Calais", Query{"", "rue 8 mai 1945", "", "calais"}},
		{"12eme rue", Query{"", "12eme rue", "", ""}},
		{"12 rue du Moulin, Boulogne-sur-Mer", Query{"12", "rue moulin", "", "boulogne sur mer"}},
		{"12 rue du Moulin\n62100 Calais", Query{"12", "rue moulin", "62100", "calais"}},
		{"", Query{}},
		{"12", Query{"12", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := ParseQuery(tt.in); got != tt.want {
				t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("12 bis rue du Moulin 62100 Calais")
	f.Add(",,12,bis,")
	f.Add("1 2 3 4 5 62100 62100")
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if Normalize(q.Street) != q.Street || Normalize(q.Town) != q.Town {
			t.Fatalf("ParseQuery(%q) = %+v: not normalized", s, q)
		}
		if q.PostalCode != "" && (len(q.PostalCode) != 5 || !isDigits(q.PostalCode)) {
			t.Fatalf("ParseQuery(%q): postcode %q", s, q.PostalCode)
		}
	})
}

func TestParseCoordinates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		lat, lon float64
		far      bool
		err      string
	}{
		{in: "50.95, 1.85", lat: 50.95, lon: 1.85},
		{in: "50,95 ; 1,85", lat: 50.95, lon: 1.85},
		{in: "50.95 1.85", lat: 50.95, lon: 1.85},
		{in: "50,95 1,85", lat: 50.95, lon: 1.85},
		{in: "50.95,1.85", lat: 50.95, lon: 1.85},
		{in: "50,95,1,85", lat: 50.95, lon: 1.85},
		{in: " 50.95 , 1.85 ", lat: 50.95, lon: 1.85},
		{in: "50.95 ,1.85", lat: 50.95, lon: 1.85},
		{in: "50.95°, 1.85°", lat: 50.95, lon: 1.85},
		{in: "50.95;1.85", lat: 50.95, lon: 1.85},
		{in: "42.7, 9.45", lat: 42.7, lon: 9.45},                  // Corsica
		{in: "48.85, -4.9", lat: 48.85, lon: -4.9},                // Finistère
		{in: "1.85, 50.95", lat: 1.85, lon: 50.95, far: true},     // swapped: accepted, flagged
		{in: "-21.11, 55.53", lat: -21.11, lon: 55.53, far: true}, // La Réunion
		{in: "90, 180", lat: 90, lon: 180, far: true},             // limits
		{in: "95, 1.85", err: "latitude hors limites"},
		{in: "50.95, 181", err: "longitude hors limites"},
		{in: "abc, 1.85", err: "latitude illisible « abc »"},
		{in: "50.95, NaN", err: "longitude illisible"},
		{in: "50.95, Inf", err: "longitude illisible"},
		{in: "50.95, 0x1p1", err: "longitude illisible"},
		{in: "50.9.5, 1.85", err: "latitude illisible"},
		{in: "50.95", err: "coordonnées illisibles"},
		{in: "", err: "coordonnées illisibles"},
		{in: "50.95 1.85 3", err: "coordonnées illisibles"},
		{in: "50,95,1", err: "coordonnées illisibles"},
		{in: "50;95;1", err: "coordonnées illisibles"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, far, err := ParseCoordinates(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseCoordinates(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCoordinates(%q): %v", tt.in, err)
			}
			if math.Abs(p.Lon()-tt.lon) > 1e-12 || math.Abs(p.Lat()-tt.lat) > 1e-12 || far != tt.far {
				t.Errorf("ParseCoordinates(%q) = %v far=%v, want lon %v lat %v far=%v", tt.in, p, far, tt.lon, tt.lat, tt.far)
			}
		})
	}
}

func FuzzParseCoordinates(f *testing.F) {
	for _, s := range []string{"50.95, 1.85", "50,95 ; 1,85", "50,95,1,85", "-0 ; +0", "1e3 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, _, err := ParseCoordinates(s)
		if err != nil {
			return
		}
		if !(p.Lat() >= -90 && p.Lat() <= 90 && p.Lon() >= -180 && p.Lon() <= 180) {
			t.Fatalf("ParseCoordinates(%q) = %v: out of range", s, p)
		}
	})
}
