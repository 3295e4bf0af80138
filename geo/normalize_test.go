package geo

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Av. de la Résistance", "avenue resistance"},
		{"avenue Resistance", "avenue resistance"},
		{"AVENUE DE LA RÉSISTANCE", "avenue resistance"},
		{"Rue Saint-Pierre", "rue saint pierre"},
		{"r st pierre", "rue saint pierre"},
		{"Rue de l'Église", "rue eglise"},
		{"rue de l’eglise", "rue eglise"},
		{"Bd Jacquard", "boulevard jacquard"},
		{"bld jacquard", "boulevard jacquard"},
		{"boul. Jacquard", "boulevard jacquard"},
		{"Boulevard Jacquard", "boulevard jacquard"},
		{"ch. des Dunes", "chemin dunes"},
		{"chem des dunes", "chemin dunes"},
		{"Pl. d'Armes", "place armes"},
		{"imp. des Lilas", "impasse lilas"},
		{"rte de Boulogne", "route boulogne"},
		{"all. des Tilleuls", "allee tilleuls"},
		{"Allée des Tilleuls", "allee tilleuls"},
		{"Fbg du Temple", "faubourg temple"},
		{"sq. Jean Moulin", "square jean moulin"},
		{"Rés. les Tilleuls", "residence tilleuls"},
		{"lot. les Prés", "lotissement pres"},
		{"Ste-Thérèse", "sainte therese"},
		{"Place Sainte-Thérèse", "place sainte therese"},
		{"Rue du 8 Mai 1945", "rue 8 mai 1945"},
		{"Rue Pierre et Marie Curie", "rue pierre marie curie"},
		{"Chemin à Bœufs", "chemin boeufs"},
		{"Route aux Loups", "route loups"},
		{"Rue R. Salengro", "rue r salengro"}, // an initial, not « rue »
		{"Le r du Port", "rue port"},
		{"  rue   du\tMoulin  ", "rue moulin"},
		{"Rue Jeanne d'Arc", "rue jeanne arc"},
		{"Rue du Dr Calmette", "rue docteur calmette"},
		{"Rue du Gal Leclerc", "rue general leclerc"},
		{"E\u0301glise", "eglise"}, // decomposed accent
		{"Guînes", "guines"},
		{"Bonningues-lès-Calais", "bonningues calais"}, // « lès » is dropped like « les »
		{"de la", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Normalize(tt.want); got != tt.want {
				t.Errorf("not idempotent: Normalize(%q) = %q", tt.want, got)
			}
		})
	}
}

// TestAbbreviationsStable guards idempotence: an expansion that is itself
// an abbreviation or a little word would change on a second pass.
func TestAbbreviationsStable(t *testing.T) {
	t.Parallel()
	for short, long := range abbreviations {
		if _, ok := abbreviations[long]; ok || littleWords[long] || littleWords[short] {
			t.Errorf("abbreviation %q → %q is not stable", short, long)
		}
	}
}

func TestTrigrams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{" a "}},
		{"rue", []string{" ru", "rue", "ue "}},
		{"aaaa", []string{" aa", "aaa", "aa "}},
		{"rue ru", []string{" ru", "rue", "ue ", "e r", "ru "}},
		{"ß é", []string{" ß ", "ß é", " é "}},
	}
	for _, tt := range tests {
		if got := Trigrams(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Trigrams(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Av. de la Résistance", "le r du port", "Saint-Pierre", "E\u0301glise", "İstanbul", "ǅ", "\xff\xfe", "l'r st"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", s, once, once, twice)
		}
	})
}
