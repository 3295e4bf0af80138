package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInitPassphraseRefusedWhenWeak: the issue's « a » and its likes are
// refused with French advice, and nothing is created.
func TestInitPassphraseRefusedWhenWeak(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ pass, advice string }{
		{"a", "trop courte (1 caractère, 10 au moins)"},
		{"1", "trop courte"},
		{"motdepasse", "mot de passe trop courant"},
		{"azertyuiop", "trop courant"},
		{"aaaaaaaaaaaa", "répétitions"},
	} {
		data := t.TempDir()
		r := run(t, map[string]string{"TOURNEE_PASSPHRASE": tc.pass, "XDG_DATA_HOME": data},
			"init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565")
		if r.code != 1 || !strings.Contains(r.stderr, "phrase de passe trop faible") || !strings.Contains(r.stderr, tc.advice) {
			t.Errorf("init with %q: %d %q, want refusal with %q", tc.pass, r.code, r.stderr, tc.advice)
		}
		if _, err := os.Stat(filepath.Join(data, "tournee")); err == nil {
			if es, _ := os.ReadDir(filepath.Join(data, "tournee")); len(es) != 0 {
				t.Errorf("init with %q left files: %v", tc.pass, es)
			}
		}
	}
}

// TestInitPassphrasePromptAsksAgain: at a terminal, a weak passphrase gets
// the advice and the question again.
func TestInitPassphrasePromptAsksAgain(t *testing.T) {
	t.Parallel()
	answers := []string{"a", "a", "chaton rouge mardi piano", "chaton rouge mardi piano"}
	var out, errb bytes.Buffer
	e := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:     func(k string) string { return map[string]string{"XDG_DATA_HOME": t.TempDir()}[k] },
		Now:        fixedNow,
		IsTerminal: func() bool { return true },
		ReadPassword: func() ([]byte, error) {
			a := answers[0]
			answers = answers[1:]
			return []byte(a), nil
		},
	}
	code := Run([]string{"init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"}, e)
	if code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "Phrase de passe trop faible : trop courte") {
		t.Errorf("no advice at the prompt: %q", errb.String())
	}
	if len(answers) != 0 {
		t.Errorf("%d answers left", len(answers))
	}
}

// TestDemoAndInitAfterAKilledCreation: a creation killed halfway leaves
// only a temporary file beside the target (never the target itself); the
// rerun removes it and succeeds. Without TOURNEE_PASSPHRASE the demo keeps
// its known passphrase, « demo », weak on purpose, and says so.
func TestDemoAndInitAfterAKilledCreation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	stale := filepath.Join(dir, ".demo.db.creating-0123456789abcdef")
	if err := os.WriteFile(stale, []byte("half a base"), 0o600); err != nil {
		t.Fatal(err)
	}
	// No TOURNEE_PASSPHRASE: the demo's own, « demo », opens it below.
	if r := run(t, map[string]string{"XDG_DATA_HOME": t.TempDir()}, "demo", "--db", path, "--no-tui", "--iterations", "300"); r.code != 0 || !strings.Contains(r.stdout, "« demo »") {
		t.Fatalf("demo after a killed one: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 || es[0].Name() != "demo.db" {
		t.Errorf("folder after the rerun: %v", es)
	}

	// --iterations: the same rounds on every machine (visit ids aside,
	// drawn anew), today and on a coming day; a negative count is refused.
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "TOURNEE_PASSPHRASE": "demo"}
	again := filepath.Join(t.TempDir(), "demo.db")
	if r := run(t, env, "demo", "--db", again, "--no-tui", "--iterations", "300"); r.code != 0 {
		t.Fatalf("second demo: %d %s", r.code, r.stderr)
	}
	ids := regexp.MustCompile(`(?m)  [0-9a-v]{20}$`)
	for _, day := range []string{"2026-11-23", "2026-11-27"} {
		a := run(t, env, "visits", "--db", path, "--date", day)
		b := run(t, env, "visits", "--db", again, "--date", day)
		if a.code != 0 || !strings.Contains(a.stdout, "Tournée du matin") || ids.ReplaceAllString(a.stdout, "") != ids.ReplaceAllString(b.stdout, "") {
			t.Errorf("two demos with --iterations 300 differ on %s:\n%s\n---\n%s", day, a.stdout, b.stdout)
		}
	}
	if r := run(t, env, "demo", "--db", filepath.Join(t.TempDir(), "x.db"), "--no-tui", "--iterations", "-1"); r.code != 2 || !strings.Contains(r.stderr, "--iterations : au moins 0") {
		t.Errorf("demo --iterations -1: %d %q", r.code, r.stderr)
	}

	data := t.TempDir()
	folder := filepath.Join(data, "tournee")
	if err := os.MkdirAll(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	stale = filepath.Join(folder, ".tournee.db.creating-0123456789abcdef")
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, map[string]string{"TOURNEE_PASSPHRASE": "chaton rouge mardi piano", "XDG_DATA_HOME": data},
		"init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565")
	if r.code != 0 {
		t.Fatalf("init after a killed one: %d %s", r.code, r.stderr)
	}
	if es, _ := os.ReadDir(folder); len(es) != 1 || es[0].Name() != "tournee.db" {
		t.Errorf("folder after init: %v", es)
	}
}
