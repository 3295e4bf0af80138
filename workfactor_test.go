package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"filippo.io/age/armor"
	bolt "go.etcd.io/bbolt"
)

// TestShippedWorkFactors checks, on the binary a nurse runs, the cost of
// turning a passphrase into a key: the base is derived with argon2id at
// 19 MiB and 2 passes (OWASP's first configuration), the cabinet key file
// and a hand-over pack with scrypt at age's default, 18 (about a second of
// work per guess). Test binaries, and the crash tests' binary built with
// the tournee_cheapkdf tag, pay a token cost to stay fast (package
// keycost), so only a plain build can tell.
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
	run("demo", "--db", db, "--no-tui", "--iterations", "200") // a fixed search: the rounds are not what is checked
	base, err := bolt.Open(db, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var kdf struct {
		Alg       string `json:"alg"`
		Time      int    `json:"time"`
		MemoryKiB int    `json:"memory_kib"`
	}
	err = base.View(func(tx *bolt.Tx) error {
		return json.Unmarshal(tx.Bucket([]byte("meta")).Get([]byte("kdf")), &kdf)
	})
	base.Close()
	if err != nil || kdf.Alg != "argon2id" || kdf.Time != 2 || kdf.MemoryKiB != 19*1024 {
		t.Errorf("the base's key derivation: %+v (%v), want argon2id, 2 passes, 19,456 KiB", kdf, err)
	}
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
