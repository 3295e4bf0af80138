package errtext

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"tournee/cabinetsync"
	"tournee/patients"
)

// Every known error, however wrapped, reads as its own French — never the
// English chain — and the interface gets it as a sentence.
func TestEveryKnownErrorIsFrench(t *testing.T) {
	for _, e := range sentinels {
		wrapped := fmt.Errorf("open /tmp/x: %w", e.err)
		got, ok := French(wrapped)
		if !ok || got != e.french {
			t.Errorf("French(%v) = %q, %v; want %q", wrapped, got, ok, e.french)
		}
		s, _ := Sentence(wrapped)
		if strings.ToUpper(s[:1]) != s[:1] || !strings.ContainsAny(s[len(s)-1:], ".?!") {
			t.Errorf("Sentence(%v) = %q: not a sentence", wrapped, s)
		}
	}
	for _, e := range refusals {
		if got, ok := French(fmt.Errorf("bundle 12: %w", e.err)); !ok || got != "synchronisation : "+e.french {
			t.Errorf("French(%v) = %q, %v: not the sync report's words", e.err, got, ok)
		}
	}
	if _, ok := French(errors.New("something nobody knows")); ok {
		t.Error("an unknown error was claimed known: the caller's general sentence would be lost")
	}
}

type selfSaid struct{}

func (selfSaid) Error() string  { return "disk on fire" }
func (selfSaid) French() string { return "le disque a pris feu" }

// An error that carries its French wins over the table, and a precise
// sentinel over the general one it wraps.
func TestOrder(t *testing.T) {
	if got, _ := French(fmt.Errorf("x: %w: %w", selfSaid{}, fs.ErrNotExist)); got != "le disque a pris feu" {
		t.Errorf("own French lost: %q", got)
	}
	if got, _ := French(fmt.Errorf("%w: %w", cabinetsync.ErrNoFolder, fs.ErrNotExist)); !strings.Contains(got, "synchronisation") {
		t.Errorf("the sync folder's own sentence lost to the general one: %q", got)
	}
	if got, _ := Sentence(patients.ValidationErrors{{Field: "nir", Msg: "clé invalide"}}); !strings.Contains(got, "clé invalide") {
		t.Errorf("validation errors: %q", got)
	}
	if Refusal(cabinetsync.ErrGap) == "" || Refusal(errors.New("other")) != "" {
		t.Error("refusals: a known cause unsaid, or an unknown one claimed")
	}
}
