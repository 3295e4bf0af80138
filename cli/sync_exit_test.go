package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyncExitCodeSameWithJSON: a bundle set aside makes « sync » exit 1,
// with or without --json (a script reading the JSON relies on the code too).
func TestSyncExitCodeSameWithJSON(t *testing.T) {
	t.Parallel()
	pathA, envA := demoDB(t)
	stick := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "cle.txt")
	if r := run(t, envA, "cabinet", "init", "--db", pathA, "--key-out", keyFile); r.code != 0 {
		t.Fatalf("cabinet init: %s", r.stderr)
	}
	envB := map[string]string{"TOURNEE_PASSPHRASE": "portable de Karim, lundi matin", "XDG_DATA_HOME": t.TempDir()}
	pathB := filepath.Join(t.TempDir(), "b.db")
	if r := run(t, envB, "init", "--db", pathB, "--cabinet", "Cabinet des Dunes", "--nurse", "Karim Benali", "--rpps", "10001234565"); r.code != 0 {
		t.Fatalf("init B: %s", r.stderr)
	}
	if r := run(t, envB, "cabinet", "join", keyFile, "--db", pathB); r.code != 0 {
		t.Fatalf("join: %s", r.stderr)
	}
	if r := run(t, envB, "sync", stick, "--db", pathB); r.code != 0 {
		t.Fatalf("sync B: %s", r.stderr)
	}
	// B's bundles, damaged on the stick.
	bundles, _ := filepath.Glob(filepath.Join(stick, "tournee-sync", "*", "*.bundle"))
	if len(bundles) == 0 {
		t.Fatal("B wrote no bundle")
	}
	for _, b := range bundles {
		raw, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b, raw[:len(raw)/2], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	js := run(t, envA, "sync", stick, "--db", pathA, "--json")
	rep := decodeJSON[syncReportJSON](t, js.stdout)
	if len(rep.Refused) == 0 {
		t.Fatalf("the damaged bundle was not refused: %+v", rep)
	}
	plain := run(t, envA, "sync", stick, "--db", pathA)
	if js.code != 1 || plain.code != js.code {
		t.Errorf("exit codes: --json %d, plain %d; want 1 for both (%q, %q)", js.code, plain.code, js.stderr, plain.stderr)
	}
	if !strings.Contains(plain.stderr, "mis de côté") || !strings.Contains(js.stderr, "mis de côté") {
		t.Errorf("stderr: --json %q, plain %q", js.stderr, plain.stderr)
	}
}
