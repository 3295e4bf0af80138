package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two laptops of a cabinet pass a stick: the demo cabinet's laptop creates
// the key, a laptop set up with « init » joins with the protected key file,
// and both end with the same patients.
func TestCabinetSyncThroughAStick(t *testing.T) {
	t.Parallel()
	pathA, envA := demoDB(t)
	dir := t.TempDir()
	stick := t.TempDir()
	keyFile := filepath.Join(dir, "cle-cabinet.txt")

	if r := run(t, envA, "sync", stick, "--db", pathA); r.code != 1 || !strings.Contains(r.stderr, "clé du cabinet") {
		t.Fatalf("sync before any key: %d %q", r.code, r.stderr)
	}
	keyEnv := map[string]string{"TOURNEE_PASSPHRASE": "demo", "XDG_DATA_HOME": envA["XDG_DATA_HOME"], "TOURNEE_KEY_PASSPHRASE": "phrase du cabinet"}
	r := run(t, keyEnv, "cabinet", "init", "--db", pathA, "--key-out", keyFile, "--protect")
	if r.code != 0 {
		t.Fatalf("cabinet init: %s", r.stderr)
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
	if raw, _ := os.ReadFile(keyFile); strings.Contains(string(raw), "AGE-SECRET-KEY") {
		t.Fatal("a protected key file shows the key")
	}
	if r := run(t, envA, "cabinet", "init", "--db", pathA, "--key-out", filepath.Join(dir, "autre.txt")); r.code != 1 || !strings.Contains(r.stderr, "déjà la clé du cabinet") {
		t.Errorf("second cabinet init: %d %q", r.code, r.stderr)
	}

	envB := map[string]string{"TOURNEE_PASSPHRASE": "portable de Karim, lundi matin", "XDG_DATA_HOME": t.TempDir()}
	pathB := filepath.Join(t.TempDir(), "b.db")
	if r := run(t, envB, "init", "--db", pathB, "--cabinet", "Cabinet des Dunes", "--nurse", "Karim Benali", "--rpps", "10001234565"); r.code != 0 {
		t.Fatalf("init B: %s", r.stderr)
	}
	wrong := map[string]string{"TOURNEE_PASSPHRASE": "portable de Karim, lundi matin", "XDG_DATA_HOME": envB["XDG_DATA_HOME"], "TOURNEE_KEY_PASSPHRASE": "pas la bonne"}
	if r := run(t, wrong, "cabinet", "join", keyFile, "--db", pathB); r.code != 1 || !strings.Contains(r.stderr, "n'ouvre pas le fichier de la clé") {
		t.Fatalf("join with a wrong passphrase: %d %q", r.code, r.stderr)
	}
	if r := run(t, envB, "sync", stick, "--db", pathB); r.code != 1 || !strings.Contains(r.stderr, "clé du cabinet") {
		t.Errorf("a failed join must leave B without a key: %d %q", r.code, r.stderr)
	}
	joinEnv := map[string]string{"TOURNEE_PASSPHRASE": "portable de Karim, lundi matin", "XDG_DATA_HOME": envB["XDG_DATA_HOME"], "TOURNEE_KEY_PASSPHRASE": "phrase du cabinet"}
	if r := run(t, joinEnv, "cabinet", "join", keyFile, "--db", pathB); r.code != 0 {
		t.Fatalf("join: %s", r.stderr)
	}

	r = run(t, envA, "sync", stick, "--db", pathA)
	if r.code != 0 || !strings.Contains(r.stdout, "Envoyé :") || !strings.Contains(r.stdout, "rien de nouveau") {
		t.Fatalf("sync A: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, envB, "sync", stick, "--db", pathB, "--json")
	if r.code != 0 {
		t.Fatalf("sync B: %s", r.stderr)
	}
	rep := decodeJSON[syncReportJSON](t, r.stdout)
	if rep.Patients == 0 || rep.Transmissions == 0 || len(rep.Refused) != 0 {
		t.Fatalf("B received %+v", rep)
	}
	listA := decodeJSON[[]map[string]any](t, run(t, envA, "patients", "list", "--db", pathA, "--json").stdout)
	listB := decodeJSON[[]map[string]any](t, run(t, envB, "patients", "list", "--db", pathB, "--json").stdout)
	if len(listB) != len(listA) || len(listA) != rep.Patients {
		t.Errorf("A has %d patients, B %d, report %d", len(listA), len(listB), rep.Patients)
	}

	// B adds a patient; A gets it at its next sync.
	if r := run(t, envB, "patients", "add", "--db", pathB, "--nom", "Leroux", "--prenom", "Marcelle", "--json"); r.code != 0 {
		t.Fatalf("add on B: %s", r.stderr)
	}
	run(t, envB, "sync", stick, "--db", pathB)
	r = run(t, envA, "sync", stick, "--db", pathA)
	if r.code != 0 || !strings.Contains(r.stdout, "Reçu : 1 patient modifié") {
		t.Errorf("sync A after B's patient: %d %s", r.code, r.stdout)
	}
	if out := run(t, envA, "patients", "list", "--db", pathA, "--json").stdout; !strings.Contains(out, "LEROUX") && !strings.Contains(out, "Leroux") {
		t.Error("B's patient is not on A")
	}
	for _, c := range []struct {
		env  map[string]string
		path string
	}{{envA, pathA}, {envB, pathB}} {
		r := run(t, c.env, "sync", stick, "--db", c.path)
		if r.code != 0 || !strings.Contains(r.stdout, "Envoyé : 0 modification.") || !strings.Contains(r.stdout, "rien de nouveau") {
			t.Errorf("second sync did something: %s", r.stdout)
		}
		if r := run(t, c.env, "sync", "conflicts", "--db", c.path); r.code != 0 || !strings.Contains(r.stdout, "Aucun conflit") {
			t.Errorf("conflicts: %s %s", r.stdout, r.stderr)
		}
	}
	if r := run(t, envA, "sync", filepath.Join(stick, "absent"), "--db", pathA); r.code != 1 || !strings.Contains(r.stderr, "clé USB est-elle branchée") {
		t.Errorf("missing folder: %d %q", r.code, r.stderr)
	}
}

func TestDeleteCarePlan(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	list := decodeJSON[[]map[string]any](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)
	id := list[0]["id"].(string)
	file := decodeJSON[map[string]any](t, run(t, env, "patients", "show", id, "--db", path, "--json").stdout)
	plans := file["care_plans"].([]any)
	if len(plans) == 0 {
		t.Fatal("the first demo patient has no care plan")
	}
	planID := plans[0].(map[string]any)["id"].(string)
	if r := run(t, env, "patients", "delete-careplan", planID, "--db", path); r.code != 0 {
		t.Fatalf("delete: %s", r.stderr)
	}
	file = decodeJSON[map[string]any](t, run(t, env, "patients", "show", id, "--db", path, "--json").stdout)
	if got := len(file["care_plans"].([]any)); got != len(plans)-1 {
		t.Errorf("%d plans left, want %d", got, len(plans)-1)
	}
	if r := run(t, env, "patients", "delete-careplan", planID, "--db", path); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("deleting twice: %d %q", r.code, r.stderr)
	}
}

// « cabinet init --key-out » into a folder that does not exist yet creates
// it: the key is stored and its file written, or neither.
func TestCabinetInitKeyOutIntoMissingFolder(t *testing.T) {
	t.Parallel()
	pathA, envA := demoDB(t)
	keyFile := filepath.Join(t.TempDir(), "nouveau", "dossier", "cle.txt")
	if r := run(t, envA, "cabinet", "init", "--db", pathA, "--key-out", keyFile); r.code != 0 {
		t.Fatalf("cabinet init into a missing folder: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(keyFile); err != nil {
		t.Fatalf("no key file: %v", err)
	}
	// An existing file is refused before anything is stored.
	pathB, envB := demoDB(t)
	if r := run(t, envB, "cabinet", "init", "--db", pathB, "--key-out", keyFile); r.code != 1 || !strings.Contains(r.stderr, "existe déjà") {
		t.Fatalf("cabinet init onto an existing file: %d %q", r.code, r.stderr)
	}
	if r := run(t, envB, "sync", t.TempDir(), "--db", pathB); r.code != 1 || !strings.Contains(r.stderr, "clé du cabinet") {
		t.Errorf("a key was stored although its file was refused: %d %q", r.code, r.stderr)
	}
}

// A protected key file needs a passphrase strong enough, checked before the
// key is made: nothing is stored when it is refused.
func TestCabinetInitRefusesAWeakKeyPassphrase(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	env["TOURNEE_KEY_PASSPHRASE"] = "1234"
	out := filepath.Join(t.TempDir(), "cle.txt")
	r := run(t, env, "cabinet", "init", "--db", path, "--key-out", out, "--protect")
	if r.code == 0 || !strings.Contains(r.stderr, "courte") {
		t.Fatalf("a 4-digit key passphrase was accepted: %+v", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a key file was written")
	}
	env["TOURNEE_KEY_PASSPHRASE"] = "les galets de la plage de Sangatte"
	if r := run(t, env, "cabinet", "init", "--db", path, "--key-out", out, "--protect"); r.code != 0 {
		t.Fatalf("the key was not made after the refusal: %s", r.stderr)
	}
}
