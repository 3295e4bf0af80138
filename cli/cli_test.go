package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tournee/patients"
	"tournee/storage"
)

// fixedNow is a Monday morning in Paris.
func fixedNow() time.Time { return time.Date(2026, 11, 23, 6, 30, 0, 0, patients.Paris()) }

type result struct {
	code           int
	stdout, stderr string
}

// run executes the command line in-process, like the binary would.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:     func(k string) string { return env[k] },
		Now:        fixedNow,
		IsTerminal: func() bool { return false },
	}
	code := Run(args, e)
	return result{code, out.String(), errb.String()}
}

// demoDB is a copy of the demo base seeded once for the package (seeding
// plans two weeks of rounds: it was most of these tests' time). Copies
// share the laptop's and the cabinet's identity: a test that needs another
// laptop or another cabinet makes it (« init », or the demo command).
func demoDB(t *testing.T) (string, map[string]string) {
	t.Helper()
	return demoCopy(t)
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return v
}

func TestDemoSeedsAndLists(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	r := run(t, env, "patients", "list", "--db", path, "--json")
	ps := decodeJSON[[]patients.Patient](t, r.stdout)
	// The demo's size is the demo package's; the summary line gives it.
	want := 0
	if r := run(t, env, "demo", "--db", path, "--no-tui"); !strings.Contains(r.stdout, fmt.Sprintf(" %d patients", len(ps))) {
		t.Errorf("summary does not count %d patients:\n%s", len(ps), r.stdout)
	} else {
		want = len(ps)
	}
	if r.code != 0 || len(ps) == 0 || len(ps) != want {
		t.Fatalf("patients list: code %d, %d patients; %s", r.code, len(ps), r.stderr)
	}
	for _, p := range ps {
		if p.ID.IsZero() {
			t.Fatal("listing without ids")
		}
	}
	r = run(t, env, "visits", "--db", path, "--date", "2026-11-23", "--json")
	vs := decodeJSON[[]patients.Visit](t, r.stdout)
	if len(vs) == 0 {
		t.Fatal("the demo has no visits today")
	}
	for _, v := range vs {
		if v.Date != patients.NewDate(2026, 11, 23) || v.Status != patients.Planned {
			t.Errorf("visit %s on %s with status %s", v.ID, v.Date, v.Status)
		}
	}
	// The past week is history: done visits.
	r = run(t, env, "visits", "--db", path, "--date", "2026-11-20", "--json")
	for _, v := range decodeJSON[[]patients.Visit](t, r.stdout) {
		if v.Status != patients.Done {
			t.Errorf("past visit %s is %s, want done", v.ID, v.Status)
		}
	}
	r = run(t, env, "visits", "--db", path)
	if !strings.Contains(r.stdout, "lundi 23 novembre 2026") || !strings.Contains(r.stdout, "Tournée du matin") {
		t.Errorf("human listing lacks the French date or the rounds:\n%s", r.stdout)
	}
	// A second demo run on the same file reuses it.
	if r := run(t, env, "demo", "--db", path, "--no-tui"); r.code != 0 || !strings.Contains(r.stdout, "réutilisée") {
		t.Errorf("second demo run: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestTransmissionAddAndList(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)
	id := ps[0].ID.String()
	r := run(t, env, "transmissions", "add", "--db", path, "--patient", id, "--cible", "Douleur",
		"--donnees", "EVA 6/10 genou droit", "--actions", "Paracétamol 1 g", "--resultats", "EVA 3/10 à 30 min", "--medecin", "--json")
	if r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	added := decodeJSON[patients.Transmission](t, r.stdout)
	r = run(t, env, "transmissions", "list", "--db", path, "--patient", id, "--json")
	ts := decodeJSON[[]patients.Transmission](t, r.stdout)
	if len(ts) == 0 || ts[0].ID != added.ID || ts[0].Donnees != "EVA 6/10 genou droit" || !ts[0].ForDoctor {
		t.Fatalf("list after add: %+v", ts)
	}
	// Missing content: refused with the French reason, exit 1, nothing stored.
	r = run(t, env, "transmissions", "add", "--db", path, "--patient", id, "--cible", "Douleur")
	if r.code != 1 || !strings.Contains(r.stderr, "renseignez au moins") {
		t.Errorf("empty transmission: %d %q", r.code, r.stderr)
	}
	if again := decodeJSON[[]patients.Transmission](t, run(t, env, "transmissions", "list", "--db", path, "--patient", id, "--json").stdout); len(again) != len(ts) {
		t.Errorf("a refused transmission was stored")
	}
	// No patient given: said in French (it was « --patient is required »).
	for _, args := range [][]string{{"add", "--cible", "Douleur"}, {"list"}} {
		sub := args[0]
		r = run(t, env, append([]string{"transmissions", sub, "--db", path}, args[1:]...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "--patient est obligatoire") {
			t.Errorf("transmissions %s without --patient: %d %q", sub, r.code, r.stderr)
		}
	}
}

func TestErrorsAndExitCodes(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	wrong := map[string]string{"TOURNEE_PASSPHRASE": "nope"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"wrong passphrase", wrong, []string{"patients", "list", "--db", path}, 1, "phrase de passe incorrecte"},
		{"no passphrase", map[string]string{}, []string{"patients", "list", "--db", path}, 1, "TOURNEE_PASSPHRASE"},
		{"no database", env, []string{"patients", "list", "--db", filepath.Join(t.TempDir(), "x.db")}, 1, "tournee init"},
		{"unknown command", env, []string{"patinets"}, 2, "commande inconnue"},
		{"unknown flag", env, []string{"patients", "list", "--jsn"}, 2, "option inconnue"},
		{"bad date", env, []string{"visits", "--db", path, "--date", "2026-13-45"}, 2, "--date"},
		{"bad id", env, []string{"patients", "show", "--db", path, "123"}, 2, "identifiant de patient illisible"},
		{"unknown patient", env, []string{"patients", "show", "--db", path, "dc1fe99ksdufgnrfkhi0"}, 1, "introuvable"},
		{"missing arg", env, []string{"restore", "--db", path}, 2, "prend 1 argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.env, c.args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", r.code, c.code, r.stderr, c.want)
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 1 || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("error is not one clear line:\n%s", r.stderr)
			}
		})
	}
}

func TestDatabaseOpenTwice(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	db, err := storage.Open(path, []byte("demo"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := run(t, env, "patients", "list", "--db", path)
	if r.code != 1 || !strings.Contains(r.stderr, "la base est déjà ouverte dans une autre fenêtre") {
		t.Errorf("second window: %d %q", r.code, r.stderr)
	}
}

func TestInitByFlags(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"TOURNEE_PASSPHRASE": "s3cret marée haute", "XDG_DATA_HOME": data}
	r := run(t, env, "init", "--cabinet", "Cabinet des Dunes", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565")
	if r.code != 0 || strings.Contains(r.stderr, "attention") {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	path := filepath.Join(data, "tournee", "tournee.db")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database at %s: %v", path, err)
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v, want 0700", fi.Mode().Perm())
	}
	if r := run(t, env, "init", "--cabinet", "X", "--nurse", "Y Z", "--rpps", "10001234565"); r.code != 1 || !strings.Contains(r.stderr, "existe déjà") {
		t.Errorf("second init: %d %q", r.code, r.stderr)
	}
	if r := run(t, map[string]string{"TOURNEE_PASSPHRASE": "x", "XDG_DATA_HOME": t.TempDir()}, "init", "--cabinet", "X", "--nurse", "Y Z", "--rpps", "123"); r.code != 1 || !strings.Contains(r.stderr, "11 chiffres") {
		t.Errorf("init with a short RPPS: %d %q", r.code, r.stderr)
	}
	if r := run(t, map[string]string{"XDG_DATA_HOME": t.TempDir()}, "init"); r.code != 2 {
		t.Errorf("init with no flags outside a terminal: %d, want usage error", r.code)
	}
	// A wrong check digit warns but does not refuse (docs/dmp-cda.md §6).
	r = run(t, map[string]string{"TOURNEE_PASSPHRASE": "x marée haute", "XDG_DATA_HOME": t.TempDir()}, "init", "--cabinet", "X", "--nurse", "Y Z", "--rpps", "10001234568")
	if r.code != 0 || !strings.Contains(r.stderr, "attention") {
		t.Errorf("init with a bad RPPS check digit: %d %q", r.code, r.stderr)
	}
	r = run(t, env, "patients", "add", "--nom", "Leroux", "--prenom", "Marcelle", "--nir", "2 38 01 62 193 952 17", "--statut-ins", "qualifiée", "--json")
	if r.code != 0 {
		t.Fatalf("add: %s", r.stderr)
	}
	r = run(t, env, "patients", "add", "--nom", "Leroux", "--prenom", "Marcelle", "--nir", "238016219395218")
	if r.code != 1 || !strings.Contains(r.stderr, "clé du NIR") {
		t.Errorf("add with a wrong NIR key: %d %q", r.code, r.stderr)
	}
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	n0 := len(decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout))
	dir := t.TempDir()
	r := run(t, env, "backup", "--db", path, dir)
	if r.code != 0 {
		t.Fatalf("backup: %s", r.stderr)
	}
	files, _ := storage.Backups(dir)
	if len(files) != 1 {
		t.Fatalf("%d backup files", len(files))
	}
	r = run(t, env, "patients", "add", "--db", path, "--nom", "Nouveau", "--prenom", "Patient")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	// A truncated backup is refused and the database keeps the new patient.
	raw, _ := os.ReadFile(files[0])
	bad := filepath.Join(dir, "tronquee.db")
	os.WriteFile(bad, raw[:len(raw)/2], 0o600)
	if r := run(t, env, "restore", "--db", path, bad); r.code != 1 || !strings.Contains(r.stderr, "endommagé") {
		t.Errorf("restore of a truncated file: %d %q", r.code, r.stderr)
	}
	if n := len(decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)); n != n0+1 {
		t.Errorf("after a refused restore: %d patients, want %d", n, n0+1)
	}
	if r := run(t, env, "restore", "--db", path, files[0]); r.code != 0 {
		t.Fatalf("restore: %s", r.stderr)
	}
	if n := len(decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)); n != n0 {
		t.Errorf("after restore: %d patients, want %d", n, n0)
	}
}

func TestDemoFileHoldsNoClearText(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)
	checked := 0
	for _, p := range ps {
		secrets := []string{p.BirthName, p.UsedName, p.FirstName, p.Address.Line, p.Access.Notes, p.Notes}
		if p.INS != nil {
			secrets = append(secrets, p.INS.NIR)
		}
		for _, s := range secrets {
			// Six bytes or more: a shorter string could turn up in ciphertext by chance.
			if len(s) < 6 {
				continue
			}
			checked++
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("the database file holds %q in clear", s)
			}
		}
	}
	if checked < 150 {
		t.Fatalf("only %d strings checked", checked)
	}
}

func TestPatientsImportAllOrNothing(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"TOURNEE_PASSPHRASE": "s3cret marée haute", "XDG_DATA_HOME": data}
	if r := run(t, env, "init", "--cabinet", "Cabinet", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	csv := filepath.Join(t.TempDir(), "patients.csv")
	os.WriteFile(csv, []byte("Nom de naissance;Prénom;NIR;Date de naissance;Latitude;Longitude\n"+
		"Leroux;Marcelle;2 38 01 62 193 952 17;11/01/1938;50,9486;1,8539\n"+
		"Caron;;;;;\n"+ // line 3: no first name
		"Wallet;Germaine;230096264597154;22/09/1930;;\n"+ // line 4: wrong NIR key
		"Martin;René;;;;\n"), 0o600)
	r := run(t, env, "patients", "import", csv)
	if r.code != 1 || !strings.Contains(r.stderr, "ligne 3") || !strings.Contains(r.stderr, "ligne 4") || !strings.Contains(r.stderr, "rien n'a été importé") {
		t.Fatalf("import with bad rows: %d\n%s", r.code, r.stderr)
	}
	if n := len(decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--json").stdout)); n != 0 {
		t.Fatalf("a refused import wrote %d patients", n)
	}
	r = run(t, env, "patients", "import", "--skip-invalid", csv)
	if r.code != 0 || !strings.Contains(r.stdout, "2 patient(s) importé(s)") {
		t.Fatalf("--skip-invalid: %d %s %s", r.code, r.stdout, r.stderr)
	}
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--json").stdout)
	if len(ps) != 2 || ps[0].DisplayName() != "LEROUX Marcelle" || !ps[0].Address.HasCoordinates() {
		t.Fatalf("imported: %+v", ps)
	}

	// Export, then import into a second database: the same patients come back.
	out := filepath.Join(t.TempDir(), "export.csv")
	if r := run(t, env, "patients", "export", out); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want 0600", fi.Mode().Perm())
	}
	if r := run(t, env, "patients", "export", out); r.code != 1 {
		t.Error("export overwrote an existing file")
	}
	env2 := map[string]string{"TOURNEE_PASSPHRASE": "autre phrase du soir", "XDG_DATA_HOME": t.TempDir()}
	run(t, env2, "init", "--cabinet", "C2", "--nurse", "Karim Benali", "--rpps", "10001234565")
	if r := run(t, env2, "patients", "import", out); r.code != 0 {
		t.Fatalf("re-import of an export: %s", r.stderr)
	}
	again := decodeJSON[[]patients.Patient](t, run(t, env2, "patients", "list", "--json").stdout)
	if len(again) != 2 || again[0].INS == nil || again[0].INS.NIR != "238016219395217" || again[0].Address.Point != ps[0].Address.Point {
		t.Errorf("round trip through CSV: %+v", again)
	}
}
