package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tournee/storage"
)

// terminalEnv is a person at a terminal: no TOURNEE_PASSPHRASE, answers
// typed at the prompts in turn.
func terminalEnv(t *testing.T, answers ...string) (Env, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	return Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:     func(k string) string { return vars[k] },
		Now:        fixedNow,
		IsTerminal: func() bool { return true },
		ReadPassword: func() ([]byte, error) {
			if len(answers) == 0 {
				return nil, context.Canceled
			}
			a := answers[0]
			answers = answers[1:]
			return []byte(a), nil
		},
	}, &errb
}

// TestFirstRunWelcomeToAWorkingBase starts tournée with no argument and no
// base, as a double-click does: the welcome comes up, creates her base with
// what she typed, and the interface opens on it.
func TestFirstRunWelcomeToAWorkingBase(t *testing.T) {
	t.Parallel()
	env, errb := terminalEnv(t)
	pass := "cerise volcan tulipe boussole"
	var shownPath string
	var refused error
	env.Welcome = func(path string, acts FirstRunActions) (FirstRunOutcome, []byte, error) {
		shownPath = path
		refused = acts.Create(context.Background(), NewBase{Cabinet: "Cabinet des Dunes", Nurse: "Aurélie Duquesne", RPPS: "123", Passphrase: []byte(pass)})
		if err := acts.Create(context.Background(), NewBase{Cabinet: "Cabinet des Dunes", Nurse: "Aurélie Duquesne", RPPS: "10001234565", Passphrase: []byte(pass)}); err != nil {
			t.Errorf("create: %v", err)
			return FirstRunQuit, nil, nil
		}
		return FirstRunOpen, []byte(pass), nil
	}
	var opened *storage.DB
	var nurses int
	env.RunTUI = func(db *storage.DB, _ func() time.Time) error {
		opened = db
		ns, err := db.Nurses(context.Background())
		nurses = len(ns)
		return err
	}
	if code := Run(nil, env); code != ExitOK {
		t.Fatalf("first start: exit %d: %s", code, errb)
	}
	if refused == nil || !strings.Contains(refused.Error(), "RPPS") || strings.HasPrefix(refused.Error(), "tournee") {
		t.Errorf("a bad RPPS gives %v, want the French refusal alone", refused)
	}
	if !strings.HasSuffix(shownPath, filepath.Join("tournee", "tournee.db")) {
		t.Errorf("welcome for %q, want the default base", shownPath)
	}
	if opened == nil || nurses != 1 {
		t.Fatalf("the interface did not open on the new base (%v, %d nurses)", opened, nurses)
	}
	// The second start opens the base: no welcome any more.
	env2, errb2 := terminalEnv(t, pass)
	env2.Getenv = env.Getenv
	env2.Welcome = func(string, FirstRunActions) (FirstRunOutcome, []byte, error) {
		t.Error("the welcome came back although the base exists")
		return FirstRunQuit, nil, nil
	}
	env2.RunTUI = func(*storage.DB, func() time.Time) error { return nil }
	if code := Run(nil, env2); code != ExitOK {
		t.Fatalf("second start: exit %d: %s", code, errb2)
	}
}

// TestWrongPassphraseAsksAgain: a mistyped passphrase at start-up asks
// again instead of closing the window.
func TestWrongPassphraseAsksAgain(t *testing.T) {
	t.Parallel()
	pass := "cerise volcan tulipe boussole"
	env, errb := terminalEnv(t, pass, pass)
	if code := Run([]string{"init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"}, env); code != ExitOK {
		t.Fatalf("init: %s", errb)
	}
	env2, errb2 := terminalEnv(t, "cerise volcan tulipe", pass)
	env2.Getenv = env.Getenv
	opened := false
	env2.RunTUI = func(*storage.DB, func() time.Time) error { opened = true; return nil }
	if code := Run(nil, env2); code != ExitOK || !opened {
		t.Fatalf("exit %d, opened %v: %s", code, opened, errb2)
	}
	if !strings.Contains(errb2.String(), "Phrase de passe incorrecte, réessayez.") {
		t.Errorf("no French retry message: %q", errb2)
	}
	// With TOURNEE_PASSPHRASE a wrong passphrase fails at once (a script).
	r := run(t, map[string]string{"TOURNEE_PASSPHRASE": "mauvaise phrase", "XDG_DATA_HOME": env.Getenv("XDG_DATA_HOME")}, "patients", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "phrase de passe incorrecte") {
		t.Errorf("scripted wrong passphrase: %d %q", r.code, r.stderr)
	}
}

// TestFirstRunJoinsTheCabinet: « Rejoindre mon cabinet » with the key file
// a colleague made; a wrong key passphrase creates nothing, so she can
// correct it and submit again.
func TestFirstRunJoinsTheCabinet(t *testing.T) {
	t.Parallel()
	pathA, envA := demoDB(t)
	keyFile := filepath.Join(t.TempDir(), "cle-cabinet.txt")
	keyEnv := map[string]string{"TOURNEE_PASSPHRASE": "demo", "XDG_DATA_HOME": envA["XDG_DATA_HOME"], "TOURNEE_KEY_PASSPHRASE": "phrase du cabinet"}
	if r := run(t, keyEnv, "cabinet", "init", "--db", pathA, "--key-out", keyFile, "--protect"); r.code != 0 {
		t.Fatalf("cabinet init: %s", r.stderr)
	}
	env, errb := terminalEnv(t)
	pass := "cerise volcan tulipe boussole"
	base := NewBase{Cabinet: "Cabinet des Dunes", Nurse: "Karim Benali", RPPS: "10001234565", Passphrase: []byte(pass), KeyFile: keyFile}
	var wrong error
	env.Welcome = func(path string, acts FirstRunActions) (FirstRunOutcome, []byte, error) {
		base.KeyPassphrase = []byte("pas la bonne")
		wrong = acts.Create(context.Background(), base)
		base.KeyPassphrase = []byte("phrase du cabinet")
		if err := acts.Create(context.Background(), base); err != nil {
			t.Errorf("join: %v", err)
			return FirstRunQuit, nil, nil
		}
		return FirstRunOpen, []byte(pass), nil
	}
	env.RunTUI = func(*storage.DB, func() time.Time) error { return nil }
	if code := Run(nil, env); code != ExitOK {
		t.Fatalf("first start: exit %d: %s", code, errb)
	}
	if wrong == nil || !strings.Contains(wrong.Error(), "rien n'a été créé") {
		t.Errorf("a wrong key passphrase gives %v", wrong)
	}
	// Joined: a sync now has the cabinet key.
	r := run(t, map[string]string{"TOURNEE_PASSPHRASE": pass, "XDG_DATA_HOME": env.Getenv("XDG_DATA_HOME")}, "sync", t.TempDir())
	if r.code != 0 {
		t.Errorf("sync after joining: %d %s", r.code, r.stderr)
	}
}
