package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/patients"
)

// TestDuplicatePatients: the same NIR, or the same birth name, first name
// and birth date, is refused on add; importing the same CSV twice lists the
// duplicates and stores nobody twice.
func TestDuplicatePatients(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TOURNEE_PASSPHRASE": "cerise volcan tulipe boussole", "XDG_DATA_HOME": t.TempDir()}
	if r := run(t, env, "init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	add := []string{"patients", "add", "--nom", "Leroux", "--prenom", "Marcelle", "--naissance", "1938-01-11", "--nir", "238016219395217"}
	if r := run(t, env, add...); r.code != 0 {
		t.Fatalf("add: %s", r.stderr)
	}
	if r := run(t, env, "patients", "add", "--nom", "Martin", "--prenom", "Jeanne", "--nir", "2 38 01 62 193 952 17"); r.code != 1 || !strings.Contains(r.stderr, "déjà enregistré : LEROUX Marcelle") || !strings.Contains(r.stderr, "même NIR") {
		t.Errorf("same NIR: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "patients", "add", "--nom", "LEROUX", "--prenom", "marcelle", "--naissance", "11/01/1938"); r.code != 1 || !strings.Contains(r.stderr, "même nom de naissance, prénom et date de naissance") {
		t.Errorf("same name and birth date: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "patients", "add", "--nom", "Leroux", "--prenom", "Marcelle", "--naissance", "1940-05-02"); r.code != 0 {
		t.Errorf("a homonym born another day is refused: %s", r.stderr)
	}
	csv := filepath.Join(t.TempDir(), "patients.csv")
	os.WriteFile(csv, []byte("Nom de naissance;Prénom;Date de naissance\nCaron;Jeanne;02/03/1941\nWallet;Germaine;22/09/1930\n"), 0o600)
	if r := run(t, env, "patients", "import", csv); r.code != 0 {
		t.Fatalf("first import: %s", r.stderr)
	}
	r := run(t, env, "patients", "import", csv)
	if r.code != 1 || !strings.Contains(r.stderr, "ligne 2 : CARON Jeanne est déjà enregistré(e)") || !strings.Contains(r.stderr, "ligne 3 : WALLET Germaine") || !strings.Contains(r.stderr, "--skip-duplicates") {
		t.Errorf("second import: %d %q", r.code, r.stderr)
	}
	os.WriteFile(csv, []byte("Nom de naissance;Prénom;Date de naissance\nCaron;Jeanne;02/03/1941\nDubois;Paul;01/01/1950\n"), 0o600)
	r = run(t, env, "patients", "import", csv, "--skip-duplicates")
	if r.code != 0 || !strings.Contains(r.stdout, "1 patient(s) importé(s), 1 doublon(s) ignoré(s)") {
		t.Errorf("import --skip-duplicates: %d %q %q", r.code, r.stdout, r.stderr)
	}
	list := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--json").stdout)
	if len(list) != 5 {
		t.Errorf("%d patients stored, want 5 (Marcelle twice as homonyms, Jeanne, Germaine, Paul)", len(list))
	}
}
