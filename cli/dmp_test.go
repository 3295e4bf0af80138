package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// patientIDs lists the demo patients' ids, those with a qualified INS first.
func patientIDs(t *testing.T, path string, env map[string]string) (withINS, without []string) {
	t.Helper()
	r := run(t, env, "patients", "list", "--db", path, "--json")
	ps := decodeJSON[[]struct {
		ID  string `json:"id"`
		INS *struct {
			Status string `json:"status"`
		} `json:"ins"`
	}](t, r.stdout)
	for _, p := range ps {
		if p.INS != nil && p.INS.Status == "qualifiée" {
			withINS = append(withINS, p.ID)
		} else {
			without = append(without, p.ID)
		}
	}
	return withINS, without
}

func TestDMPExport(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	withINS, without := patientIDs(t, path, env)
	out := filepath.Join(t.TempDir(), "cle")

	// The demo seeds the past week as done: one patient over that week.
	r := run(t, env, "dmp", "export", "--db", path, "--patient", withINS[0], "--from", "2026-11-16", "--to", "2026-11-22", "--out", out)
	if r.code != 0 {
		t.Fatalf("export: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.xml"))
	if len(files) != 1 || !strings.Contains(r.stdout, files[0]+" (version 1)") {
		t.Fatalf("files %v, stdout %q", files, r.stdout)
	}
	if !strings.Contains(r.stderr, "pas chiffrés") {
		t.Error("no warning that the files leave unencrypted")
	}
	if zips, _ := filepath.Glob(filepath.Join(out, "*.zip")); len(zips) != 0 {
		t.Errorf("a package written without --xdm: %v", zips)
	}
	if xmllint := lookTool(t, "xmllint"); xmllint != "" {
		schema := filepath.Join("..", "..", "shared", "cda", "xsd", "cda", "CDA_extended.xsd")
		if _, err := os.Stat(schema); err != nil {
			t.Fatalf("the shared ANS folder is missing (shared/ must sit next to the repository): %v", err)
		}
		if b, err := exec.Command(xmllint, "--noout", "--schema", schema, files[0]).CombinedOutput(); err != nil {
			t.Fatalf("the exported document does not validate:\n%s", b)
		}
	}

	// Every patient with a qualified INS and care that week.
	all := filepath.Join(t.TempDir(), "tous")
	r = run(t, env, "dmp", "export", "--db", path, "--all", "--from", "2026-11-16", "--to", "2026-11-22", "--out", all)
	if r.code != 0 {
		t.Fatalf("--all: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	docs, _ := filepath.Glob(filepath.Join(all, "*.xml"))
	if len(docs) == 0 || len(docs) > len(withINS) || !strings.Contains(r.stdout, "synthèse(s) écrite(s)") {
		t.Fatalf("--all wrote %d documents for %d eligible patients:\n%s", len(docs), len(withINS), r.stdout)
	}
	for _, id := range without {
		if m, _ := filepath.Glob(filepath.Join(all, "*"+id+"*")); len(m) > 0 {
			t.Errorf("a patient without a qualified INS was exported: %v", m)
		}
	}
}

func TestDMPExportBadInput(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	withINS, without := patientIDs(t, path, env)
	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"no INS":        {[]string{"--patient", without[0]}, 1, "INS qualifiée"},
		"empty period":  {[]string{"--patient", withINS[0], "--from", "2027-01-01", "--to", "2027-01-07"}, 1, "aucun soin"},
		"reversed":      {[]string{"--patient", withINS[0], "--from", "2026-11-22", "--to", "2026-11-01"}, 2, "--to (01/11/2026) précède --from"},
		"reversed, all": {[]string{"--all", "--from", "2027-03-01", "--to", "2027-01-01"}, 2, "la période est vide"},
		"both":          {[]string{"--patient", withINS[0], "--all"}, 2, "--patient ID ou --all"},
		"neither":       {nil, 2, "--patient ID ou --all"},
		"bad date":      {[]string{"--patient", withINS[0], "--from", "2026-13-45"}, 2, "--from"},
		"bad id":        {[]string{"--patient", "dupont"}, 2, "identifiant de patient illisible"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"dmp", "export", "--db", path, "--out", out}, c.args...)
			r := run(t, env, args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.code, c.want)
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("files written on a refused export: %v", entries)
			}
		})
	}
}

// lookTool finds an external tool, or skips — unless TOURNEE_REQUIRE_TOOLS=1.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (TOURNEE_REQUIRE_TOOLS=1)", name)
		}
		t.Logf("%s not installed: the schema check is skipped", name)
		return ""
	}
	return p
}
