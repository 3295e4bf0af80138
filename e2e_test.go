package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needTool finds an external program, or skips — unless CI asked for every
// tool to be there (TOURNEE_REQUIRE_TOOLS=1), where a missing one fails.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (TOURNEE_REQUIRE_TOOLS=1) but not installed", name)
		}
		t.Skipf("%s not installed: the end-to-end test drives the real terminal through it", name)
	}
	return path
}

// tmuxSession drives the real binary in a real terminal, on a private tmux
// server so the test never touches the user's sessions.
type tmuxSession struct {
	t          *testing.T
	tmux, sock string
	name       string
}

func (s tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", s.name) }

// keys sends tmux key names: Enter, Tab, C-s, or plain characters.
func (s tmuxSession) keys(keys ...string) {
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// text types text literally, as fast as tmux can: a nurse types fast too.
func (s tmuxSession) text(text string) { s.run("send-keys", "-t", s.name, "-l", text) }

// waitFor polls the screen until it shows want.
func (s tmuxSession) waitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := s.screen()
		if strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", want, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// alive reports whether the program still runs (its session ends with it).
func (s tmuxSession) alive() bool {
	return exec.Command(s.tmux, "-S", s.sock, "has-session", "-t", s.name).Run() == nil
}

// TestEndToEndTransmission starts the demo in tmux, opens a patient from the
// patients screen, writes a transmission, quits, and reads it back with the
// command line on the same database.
func TestEndToEndTransmission(t *testing.T) {
	tmux := needTool(t, "tmux")
	if testing.Short() {
		t.Skip("builds the binary and drives a terminal")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := builtBinary(t)
	db := filepath.Join(dir, "demo.db")
	s := tmuxSession{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock"), name: "tournee-e2e"}
	s.run("new-session", "-d", "-s", s.name, "-x", "120", "-y", "40",
		"env", "TOURNEE_PASSPHRASE=demo", "TERM=xterm-256color", bin, "demo", "--db", db,
		"--iterations", "200") // a fixed search: the rounds are not what is checked
	t.Cleanup(func() { exec.Command(tmux, "-S", s.sock, "kill-server").Run() })

	s.waitFor("Tournée du")
	s.keys("2")
	s.waitFor("BERTIN Louis")
	s.keys("/")
	s.waitFor("Rechercher")
	s.text("pruvost")
	s.waitFor("PRUVOST Alain")
	s.keys("Enter")
	s.waitFor("Accès")
	s.keys("t")
	s.waitFor("Nouvelle transmission")
	s.text("plaie talon")
	s.keys("Tab")
	s.text("Rougeur 2 cm, pas d'écoulement")
	s.keys("C-s")
	s.waitFor("Transmission enregistrée")
	s.keys("q")
	for deadline := time.Now().Add(10 * time.Second); s.alive(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("tournée did not quit on q:\n%s", s.screen())
		}
	}

	cli := func(args ...string) []byte {
		cmd := exec.Command(bin, append(args, "--db", db, "--json")...)
		cmd.Env = append(os.Environ(), "TOURNEE_PASSPHRASE=demo")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("tournee %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	var ps []struct {
		ID        string `json:"id"`
		BirthName string `json:"birth_name"`
		FirstName string `json:"first_name"`
	}
	if err := json.Unmarshal(cli("patients", "list"), &ps); err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, p := range ps {
		if strings.EqualFold(p.BirthName, "Pruvost") && p.FirstName == "Alain" {
			id = p.ID
		}
	}
	if id == "" {
		t.Fatalf("PRUVOST Alain not in the patient list: %+v", ps)
	}
	var ts []struct {
		Cible   string `json:"cible"`
		Donnees string `json:"donnees"`
	}
	if err := json.Unmarshal(cli("transmissions", "list", "--patient", id), &ts); err != nil {
		t.Fatal(err)
	}
	if len(ts) == 0 || ts[0].Cible != "plaie talon" || ts[0].Donnees != "Rougeur 2 cm, pas d'écoulement" {
		t.Fatalf("the transmission typed in the interface is not stored as typed: %+v", ts)
	}
}
