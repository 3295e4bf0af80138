package french

import "testing"

func TestElide(t *testing.T) {
	t.Parallel()
	tests := []struct{ word, next, want string }{
		{"de", "Aurélie", "d'Aurélie"},
		{"de", "Émilie", "d'Émilie"},
		{"de", "émilie", "d'émilie"},
		{"de", "Hélène", "d'Hélène"},
		{"de", "Yvonne", "d'Yvonne"},
		{"de", "Œdipe", "d'Œdipe"},
		{"de", "Claire", "de Claire"},
		{"de", "  Aurélie", "d'Aurélie"},
		{"de", "", "de"},
		{"De", "Anne", "D'Anne"},
		{"le", "infirmier", "l'infirmier"},
		{"la", "ordonnance", "l'ordonnance"},
		{"que", "elle", "qu'elle"},
		{"jusque", "au", "jusqu'au"},
		{"du", "Écrivain", "du Écrivain"},
		{"de", "1er janvier", "de 1er janvier"},
	}
	for _, tt := range tests {
		if got := Elide(tt.word, tt.next); got != tt.want {
			t.Errorf("Elide(%q, %q) = %q, want %q", tt.word, tt.next, got, tt.want)
		}
	}
	if got := "Remplacement " + De("Aurélie"); got != "Remplacement d'Aurélie" {
		t.Errorf("got %q", got)
	}
	if got := "Rétrocession " + De("Émilie Roux"); got != "Rétrocession d'Émilie Roux" {
		t.Errorf("got %q", got)
	}
}

// A conflict on the access code read « — access » on the command line.
func TestFieldName(t *testing.T) {
	for field, want := range map[string]string{"access": "accès", "birth_date": "date de naissance", "windows": "créneaux", "zz_unknown": "zz_unknown"} {
		if got := FieldName(field); got != want {
			t.Errorf("FieldName(%q) = %q, want %q", field, got, want)
		}
	}
}
