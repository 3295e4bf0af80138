package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func welcomeUpdate(w Welcome, msg tea.Msg) (Welcome, tea.Cmd) {
	m, cmd := w.Update(msg)
	return m.(Welcome), cmd
}

// welcomeKeys sends keys; the commands they return are cursor blinks,
// except the creation a submit starts, which is run at once.
func welcomeKeys(w Welcome, keys ...string) Welcome {
	for _, k := range keys {
		busy := w.busy
		var cmd tea.Cmd
		w, cmd = welcomeUpdate(w, keyPress(k))
		if w.busy && !busy && cmd != nil {
			w, _ = welcomeUpdate(w, cmd())
		}
	}
	return w
}

func welcomeType(w Welcome, s string) Welcome {
	for _, msg := range typeText(s) {
		w, _ = welcomeUpdate(w, msg)
	}
	return w
}

func welcomeView(w Welcome) string { return w.View().Content }

// TestWelcomeCreatesABase walks a first start: the welcome in French, « Créer
// ma base », a weak passphrase refused with advice, a strong one accepted,
// and a refusal from the storage shown for her to correct.
func TestWelcomeCreatesABase(t *testing.T) {
	t.Parallel()
	var got []NewBase
	refuse := errors.New("saisie refusée, rien n'a été enregistré — RPPS : 11 chiffres")
	acts := WelcomeActions{Create: func(_ context.Context, b NewBase) error {
		got = append(got, b)
		if b.RPPS != "10001234565" {
			return refuse
		}
		return nil
	}}
	w := NewWelcome(acts, filepath.Join("tournee", "tournee.db"), "1.0.0")
	w, _ = welcomeUpdate(w, tea.WindowSizeMsg{Width: 100, Height: 30})
	view := welcomeView(w)
	for _, want := range []string{"Bienvenue dans tournée", "version 1.0.0", "Créer ma base", "Rejoindre mon cabinet", "Ouvrir un dossier de remplacement", "Essayer la démonstration"} {
		if !strings.Contains(view, want) {
			t.Errorf("the welcome lacks %q:\n%s", want, view)
		}
	}
	w = welcomeKeys(w, "enter")
	w = welcomeType(w, "Cabinet des Dunes")
	w = welcomeKeys(w, "enter")
	w = welcomeType(w, "Aurélie Duquesne")
	w = welcomeKeys(w, "enter")
	w = welcomeType(w, "123")
	w = welcomeKeys(w, "enter")
	w = welcomeType(w, "azerty")
	if v := welcomeView(w); !strings.Contains(v, "Trop faible") {
		t.Errorf("no strength advice while typing a weak passphrase:\n%s", v)
	}
	w = welcomeKeys(w, "enter")
	w = welcomeType(w, "azerty")
	w = welcomeKeys(w, "enter")
	if len(got) != 0 || !strings.Contains(welcomeView(w), "Phrase de passe trop faible") {
		t.Fatalf("a weak passphrase reached the storage (%d calls) or was not explained:\n%s", len(got), welcomeView(w))
	}
	pass := "cerise volcan tulipe boussole"
	w = welcomeKeys(w, "up")
	for i, field := range []string{pass, pass} {
		for range 6 {
			w = welcomeKeys(w, "backspace")
		}
		w = welcomeType(w, field)
		if i == 0 {
			w = welcomeKeys(w, "down")
		}
	}
	w = welcomeKeys(w, "enter") // on the last field: submit
	if len(got) != 1 || !strings.Contains(welcomeView(w), "RPPS : 11 chiffres") {
		t.Fatalf("the storage's refusal is not shown (%d calls):\n%s", len(got), welcomeView(w))
	}
	if out, _ := w.Outcome(); out != WelcomeQuit {
		t.Fatal("the welcome ended on a refused creation")
	}
	w = welcomeKeys(w, "up", "up")
	for range 3 {
		w = welcomeKeys(w, "backspace")
	}
	w = welcomeType(w, "10001234565")
	w = welcomeKeys(w, "down", "down", "enter")
	out, p := w.Outcome()
	if out != WelcomeOpen || string(p) != pass {
		t.Fatalf("outcome %v, passphrase %q: want the base opened with her passphrase", out, p)
	}
	last := got[len(got)-1]
	if last.Cabinet != "Cabinet des Dunes" || last.Nurse != "Aurélie Duquesne" || string(last.Passphrase) != pass || last.KeyFile != "" {
		t.Errorf("created %+v", last)
	}
}

func TestWelcomeDemoAndQuit(t *testing.T) {
	t.Parallel()
	w := NewWelcome(WelcomeActions{}, "x.db", "dev")
	if out, _ := welcomeKeys(w, "4").Outcome(); out != WelcomeDemo {
		t.Errorf("« 4 » gives %v, want the demo", out)
	}
	if out, _ := welcomeKeys(w, "down", "down", "down", "enter").Outcome(); out != WelcomeDemo {
		t.Errorf("the fourth choice gives %v, want the demo", out)
	}
	if out, _ := welcomeKeys(w, "q").Outcome(); out != WelcomeQuit {
		t.Errorf("q gives %v, want to quit", out)
	}
	// Échap in a form goes back to the choice, not out.
	w = welcomeKeys(w, "3", "esc")
	if v := welcomeView(w); !strings.Contains(v, "Que voulez-vous faire") {
		t.Errorf("échap does not go back to the choice:\n%s", v)
	}
}

func TestWelcomeJoinAndPack(t *testing.T) {
	t.Parallel()
	var joined NewBase
	var pack string
	acts := WelcomeActions{
		Create:   func(_ context.Context, b NewBase) error { joined = b; return nil },
		OpenPack: func(_ context.Context, p string, _, _ []byte) error { pack = p; return nil },
	}
	pass := "cerise volcan tulipe boussole"
	w := welcomeKeys(NewWelcome(acts, "x.db", "dev"), "2")
	for i, v := range []string{"Cabinet des Dunes", "Karim Benali", "10001234565", pass, pass, "E:\\cle cabinet.txt", "phrase du cabinet"} {
		if i > 0 {
			w = welcomeKeys(w, "enter")
		}
		w = welcomeType(w, v)
	}
	w = welcomeKeys(w, "enter")
	if out, _ := w.Outcome(); out != WelcomeOpen || joined.KeyFile != `E:\cle cabinet.txt` || string(joined.KeyPassphrase) != "phrase du cabinet" {
		t.Errorf("join: outcome %v, %+v", out, joined)
	}
	w = welcomeKeys(NewWelcome(acts, "x.db", "dev"), "3")
	for i, v := range []string{"/media/cle/remplacement.tournee", "phrase du dossier", pass, pass} {
		if i > 0 {
			w = welcomeKeys(w, "enter")
		}
		w = welcomeType(w, v)
	}
	w = welcomeKeys(w, "enter")
	if out, p := w.Outcome(); out != WelcomeOpen || pack != "/media/cle/remplacement.tournee" || string(p) != pass {
		t.Errorf("pack: outcome %v, %q", out, pack)
	}
}

// TestHelpScreenShowsVersion: the help screen (?) says which tournée runs,
// the first thing asked on the phone when something goes wrong.
func TestHelpScreenShowsVersion(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	d.Version = "1.2.3"
	a := press(startApp(t, d, 120, 40), "?")
	if v := a.View().Content; !strings.Contains(v, "tournée 1.2.3") {
		t.Errorf("the help screen lacks the version:\n%s", v)
	}
}
