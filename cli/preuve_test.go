package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/patients"
)

func TestPreuve(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)
	dir := t.TempDir()
	out := filepath.Join(dir, "preuve.pdf")
	args := []string{"preuve", "--db", path, "--patient", ps[0].ID.String(), "--from", "2026-11-16", "--to", "2026-11-22", "--out", out}
	r := run(t, env, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "visite(s) faite(s)") {
		t.Fatalf("preuve: %d %s %s", r.code, r.stdout, r.stderr)
	}
	csvPath := filepath.Join(dir, "preuve.csv")
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if !strings.Contains(r.stdout, hex.EncodeToString(sum[:])) {
		t.Errorf("the digest printed is not the CSV's:\n%s", r.stdout)
	}
	if !strings.Contains(string(data), "\r\nvisite;2026-11-") {
		t.Errorf("no visit in the CSV:\n%s", data)
	}
	for _, p := range []string{out, csvPath} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s not written 0600: %v", p, err)
		}
	}
	pdf, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Error("not a PDF")
	}
	// Never overwritten, and nothing half written: with the CSV gone and
	// the PDF there, the command refuses and writes no CSV.
	if err := os.Remove(csvPath); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, args...); r.code == 0 || !strings.Contains(r.stderr, "preuve.pdf") {
		t.Errorf("second run: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(csvPath); err == nil {
		t.Error("a CSV was written beside a PDF that was refused")
	}
	if r := run(t, env, "preuve", "--db", path, "--patient", ps[0].ID.String(), "--from", "2026-11-16", "--to", "2026-11-22",
		"--out", filepath.Join(dir, "x.txt")); r.code != 2 {
		t.Errorf("--out without .pdf: %d", r.code)
	}
}
