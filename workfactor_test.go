package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"filippo.io/age/armor"
)

// TestShippedWorkFactors checks, on the binary a nurse runs, the scrypt work
// factor of what is protected by a passphrase: the cabinet key file and a
// hand-over pack are written at age's default, 18 (about a second of work
// per guess). Test binaries write a lower factor to stay fast, so only the
// real binary can tell.
func TestShippedWorkFactors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and seeds the demo")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := builtBinary(t)
	db := filepath.Join(dir, "demo.db")
	env := append(os.Environ(), "TOURNEE_PASSPHRASE=demo", "XDG_DATA_HOME="+dir,
		"TOURNEE_KEY_PASSPHRASE=phrase du cabinet", "TOURNEE_PACK_PASSPHRASE=mot de passe du dossier")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tournee %v: %v\n%s", args, err, out)
		}
	}
	run("demo", "--db", db, "--no-tui")
	key := filepath.Join(dir, "cle.txt")
	run("cabinet", "init", "--db", db, "--key-out", key, "--protect")
	pack := filepath.Join(dir, "dossier.age")
	run("handover", "export", "--db", db, "--remplacant", "99900000003", "--from", "2026-11-23",
		"--to", "2026-11-24", "--passphrase", "--out", pack)

	stanza := regexp.MustCompile(`(?m)^-> scrypt \S+ (\d+)$`)
	for name, file := range map[string]string{"key file": key, "pack": pack} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte(armor.Header)) {
			var plain bytes.Buffer
			if _, err := plain.ReadFrom(armor.NewReader(bytes.NewReader(bytes.TrimSpace(data)))); err != nil {
				t.Fatalf("%s: armor: %v", name, err)
			}
			data = plain.Bytes()
		}
		m := stanza.FindSubmatch(data)
		if m == nil || string(m[1]) != "18" {
			t.Errorf("%s: scrypt work factor %q, want 18 (age's default)", name, m)
		}
	}
}
