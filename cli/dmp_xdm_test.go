package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/handover/dmp"
)

// tournee dmp export --xdm writes, beside the document and its sidecar,
// the IHE XDM package of the same document.
func TestDMPExportXDM(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	withINS, _ := patientIDs(t, path, env)
	out := filepath.Join(t.TempDir(), "cle")
	r := run(t, env, "dmp", "export", "--db", path, "--patient", withINS[0], "--from", "2026-11-16", "--to", "2026-11-22", "--out", out, "--xdm")
	if r.code != 0 {
		t.Fatalf("export --xdm: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	zips, _ := filepath.Glob(filepath.Join(out, "*.zip"))
	docs, _ := filepath.Glob(filepath.Join(out, "*.xml"))
	if len(zips) != 1 || len(docs) != 1 || !strings.Contains(r.stdout, zips[0]+" (version 1)") {
		t.Fatalf("zips %v, docs %v, stdout %q", zips, docs, r.stdout)
	}
	pkg, err := os.ReadFile(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	e, err := dmp.VerifyXDM(pkg)
	if err != nil {
		t.Fatalf("the package breaks the XDM rules: %v", err)
	}
	doc, _ := os.ReadFile(docs[0])
	if e.Size != int64(len(doc)) {
		t.Errorf("METADATA.XML gives %d bytes, the document written beside has %d", e.Size, len(doc))
	}
	// Without --xdm, no package: TestDMPExport checks it on its export.
}
