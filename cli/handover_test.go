package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tournee/patients"
	"tournee/storage"
)

// The demo's nurses: Aurélie Duquesne (this laptop), Karim Benali, and
// Émilie Lambert, their remplaçante.
var demoRPPS = []string{"99900000001", "99900000002", "99900000003"}

func TestHandoverRoundTrip(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	rpps := demoRPPS
	dir := t.TempDir()
	key := filepath.Join(dir, "cle.txt")
	r := run(t, env, "handover", "keygen", "--out", key)
	if r.code != 0 {
		t.Fatalf("keygen: %s", r.stderr)
	}
	recipient := lastLine(r.stdout)
	if !strings.HasPrefix(recipient, "age1") {
		t.Fatalf("no public key printed: %q", r.stdout)
	}
	if st, _ := os.Stat(key); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
	pack := filepath.Join(dir, "remplacement.age")
	r = run(t, env, "handover", "export", "--db", path, "--remplacant", rpps[2], "--titulaire", rpps[0],
		"--from", "2026-11-23", "--to", "2026-11-29", "--recipient", recipient, "--out", pack)
	if r.code != 0 {
		t.Fatalf("export: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Dossier de remplacement écrit") {
		t.Errorf("stdout %q", r.stdout)
	}
	raw, _ := os.ReadFile(pack)
	if strings.Contains(string(raw), "Duquesne") || !strings.HasPrefix(string(raw), "age-encryption.org/v1") {
		t.Fatal("the pack is not an age file, or shows a name in clear")
	}
	// Never overwritten.
	if r2 := run(t, env, "handover", "export", "--db", path, "--remplacant", rpps[2], "--from", "2026-11-23",
		"--to", "2026-11-29", "--recipient", recipient, "--out", pack); r2.code == 0 {
		t.Error("an existing pack was overwritten")
	}

	// The remplaçant's side: her own database, her own passphrase.
	mine := filepath.Join(dir, "ma-base.db")
	renv := map[string]string{"TOURNEE_PASSPHRASE": "autre phrase", "XDG_DATA_HOME": t.TempDir()}
	r = run(t, renv, "handover", "open", pack, "--db", mine, "--identity", key, "--no-tui")
	if r.code != 0 {
		t.Fatalf("open: %d %s", r.code, r.stderr)
	}
	r = run(t, renv, "patients", "list", "--db", mine, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"id"`) {
		t.Fatalf("the remplaçant's base has no patients: %s %s", r.stdout, r.stderr)
	}
	r = run(t, renv, "visits", "--db", mine, "--date", "2026-11-24")
	if r.code != 0 || strings.Contains(r.stdout, "Aucune visite") {
		t.Fatalf("no visits for the period in her base: %s %s", r.stdout, r.stderr)
	}

	// Wrong key, tampered or truncated pack: refused, nothing created.
	other := filepath.Join(dir, "autre.txt")
	run(t, env, "handover", "keygen", "--out", other)
	tampered := filepath.Join(dir, "abime.age")
	bad := append([]byte(nil), raw...)
	bad[len(bad)-40] ^= 1
	os.WriteFile(tampered, bad, 0o600)
	truncated := filepath.Join(dir, "tronque.age")
	os.WriteFile(truncated, raw[:len(raw)*2/3], 0o600)
	for name, c := range map[string]struct {
		file, key, want string
	}{
		"wrong key": {pack, other, "n'ouvre pas ce dossier"},
		"tampered":  {tampered, key, "endommagé"},
		"truncated": {truncated, key, "endommagé"},
	} {
		t.Run(name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "x.db")
			r := run(t, renv, "handover", "open", c.file, "--db", db, "--identity", c.key, "--no-tui")
			if r.code != 1 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d %q, want 1 and %q", r.code, r.stderr, c.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("a database was created from a refused pack")
			}
		})
	}
}

func TestHandoverPassphraseAndAgeInterop(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	rpps := demoRPPS
	dir := t.TempDir()
	env["TOURNEE_PACK_PASSPHRASE"] = "mot de passe du dossier"
	pack := filepath.Join(dir, "p.age")
	r := run(t, env, "handover", "export", "--db", path, "--remplacant", rpps[2], "--from", "2026-11-23",
		"--to", "2026-11-24", "--passphrase", "--out", pack)
	if r.code != 0 {
		t.Fatalf("export: %s", r.stderr)
	}
	renv := map[string]string{"TOURNEE_PASSPHRASE": "carnet bleu de la remplaçante", "TOURNEE_PACK_PASSPHRASE": "mauvais", "XDG_DATA_HOME": t.TempDir()}
	if r := run(t, renv, "handover", "open", pack, "--db", filepath.Join(dir, "a.db"), "--passphrase", "--no-tui"); r.code != 1 {
		t.Fatalf("a wrong passphrase must be refused: %d %s", r.code, r.stderr)
	}
	renv["TOURNEE_PACK_PASSPHRASE"] = "mot de passe du dossier"
	if r := run(t, renv, "handover", "open", pack, "--db", filepath.Join(dir, "b.db"), "--passphrase", "--no-tui"); r.code != 0 {
		t.Fatalf("open with the passphrase: %s", r.stderr)
	}

	// Without tournée: age and tar, then the PDF shows every covered patient.
	age := lookTool(t, "age")
	pdftotext := lookTool(t, "pdftotext")
	if age == "" || pdftotext == "" {
		return
	}
	key := filepath.Join(dir, "k.txt")
	r = run(t, env, "handover", "keygen", "--out", key)
	recipient := lastLine(r.stdout)
	pack2 := filepath.Join(dir, "p2.age")
	if r := run(t, env, "handover", "export", "--db", path, "--remplacant", rpps[2], "--from", "2026-11-23",
		"--to", "2026-11-24", "--recipient", recipient, "--out", pack2); r.code != 0 {
		t.Fatal(r.stderr)
	}
	out := filepath.Join(dir, "x")
	os.Mkdir(out, 0o700)
	cmd := exec.Command("sh", "-c", age+" -d -i "+key+" "+pack2+" | tar -x -C "+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("age | tar: %v %s", err, b)
	}
	for _, f := range []string{"LISEZMOI.txt", "dossier.pdf", "dossier.html", "contrat.pdf", "snapshot.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s missing from the pack: %v", f, err)
		}
	}
	text, err := exec.Command(pdftotext, "-layout", filepath.Join(out, "dossier.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	if !strings.Contains(flat, "23 novembre") || !strings.Contains(flat, "24 novembre") {
		t.Errorf("the dossier does not give the period")
	}
	r = run(t, renv, "patients", "list", "--db", filepath.Join(dir, "b.db"), "--json")
	names := decodeJSON[[]struct {
		BirthName string `json:"birth_name"`
		UsedName  string `json:"used_name"`
	}](t, r.stdout)
	if len(names) == 0 {
		t.Fatal("no patient covered")
	}
	for _, n := range names {
		name := strings.ToUpper(n.UsedName)
		if name == "" {
			name = strings.ToUpper(n.BirthName)
		}
		if !strings.Contains(flat, name) {
			t.Errorf("covered patient %s is not in the printed dossier", name)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// TestHandoverReturn: titulaire → remplaçant → return → titulaire, twice.
func TestHandoverReturn(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	dir := t.TempDir()
	remKey, titKey := filepath.Join(dir, "rem.txt"), filepath.Join(dir, "tit.txt")
	remPub := lastLine(run(t, env, "handover", "keygen", "--out", remKey).stdout)
	titPub := lastLine(run(t, env, "handover", "keygen", "--out", titKey).stdout)
	pack := filepath.Join(dir, "pack.age")
	if r := run(t, env, "handover", "export", "--db", path, "--remplacant", demoRPPS[2], "--from", "2026-11-23",
		"--to", "2026-11-25", "--recipient", remPub, "--out", pack); r.code != 0 {
		t.Fatal(r.stderr)
	}
	mine := filepath.Join(dir, "rem.db")
	renv := map[string]string{"TOURNEE_PASSPHRASE": "carnet bleu de la remplaçante", "XDG_DATA_HOME": t.TempDir()}
	if r := run(t, renv, "handover", "open", pack, "--db", mine, "--identity", remKey, "--no-tui"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// She writes a transmission and does a visit.
	ps := decodeJSON[[]struct {
		ID string `json:"id"`
	}](t, run(t, renv, "patients", "list", "--db", mine, "--json").stdout)
	if r := run(t, renv, "transmissions", "add", "--db", mine, "--patient", ps[0].ID, "--cible", "plaie",
		"--donnees", "propre, pas de signe d'infection"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	db, err := storage.Open(mine, []byte("carnet bleu de la remplaçante"), storage.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := db.Visits(context.Background(), patients.Date{Year: 2026, Month: 11, Day: 23})
	done := vs[0]
	done.Status, done.DoneAt, done.DoneBy = patients.Done, fixedNow(), done.NurseID
	if err := db.SaveVisits(context.Background(), []patients.Visit{done}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ret := filepath.Join(dir, "retour.age")
	r := run(t, renv, "handover", "return", "--db", mine, "--recipient", titPub, "--out", ret)
	if r.code != 0 || !strings.Contains(r.stdout, "1 transmission(s), 1 visite(s)") {
		t.Fatalf("return: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, env, "handover", "import-return", ret, "--db", path, "--identity", titKey)
	if r.code != 0 || !strings.Contains(r.stdout, "Émilie Lambert importé : 1 transmission(s), 1 visite(s)") {
		t.Fatalf("import-return: %d %s %s", r.code, r.stdout, r.stderr)
	}
	ts := decodeJSON[[]struct {
		Cible    string `json:"cible"`
		AuthorID string `json:"author_id"`
	}](t, run(t, env, "transmissions", "list", "--db", path, "--patient", ps[0].ID, "--json").stdout)
	if len(ts) == 0 || ts[0].Cible != "plaie" {
		t.Fatalf("her transmission is not in the titulaire's base: %+v", ts)
	}
	// Twice: nothing new, nothing duplicated.
	r = run(t, env, "handover", "import-return", ret, "--db", path, "--identity", titKey)
	if r.code != 0 || !strings.Contains(r.stdout, "déjà importé") {
		t.Fatalf("second import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	again := decodeJSON[[]struct {
		Cible string `json:"cible"`
	}](t, run(t, env, "transmissions", "list", "--db", path, "--patient", ps[0].ID, "--json").stdout)
	if len(again) != len(ts) {
		t.Errorf("second import changed the transmissions: %d then %d", len(ts), len(again))
	}
	// The rétrocession counts the visit she did, with the 10 % share.
	stmt := filepath.Join(dir, "releve.pdf")
	r = run(t, env, "handover", "retrocession", "--db", path, "--remplacant", demoRPPS[2], "--from", "2026-11-23",
		"--to", "2026-11-25", "--out", stmt)
	if r.code != 0 || !strings.Contains(r.stdout, "1 visite(s) faite(s)") || !strings.Contains(r.stdout, "part du cabinet (10 %)") ||
		!strings.Contains(r.stdout, "rétrocession due") {
		t.Fatalf("retrocession: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if st, err := os.Stat(stmt); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("statement PDF not written 0600: %v", err)
	}
	// Another cabinet's base refuses it. A copy of the demo base would be
	// the same cabinet; a base of its own, with its own cabinet and nurse,
	// is what another practice has (init makes one without seeding and
	// planning a whole demo).
	oenv := map[string]string{"TOURNEE_PASSPHRASE": "cabinet voisin", "XDG_DATA_HOME": t.TempDir()}
	if r := run(t, oenv, "init", "--cabinet", "Cabinet du Port", "--nurse", "Chantal Lemaire", "--rpps", "10001234565"); r.code != 0 {
		t.Fatalf("init another cabinet: %d %s", r.code, r.stderr)
	}
	other := filepath.Join(oenv["XDG_DATA_HOME"], "tournee", "tournee.db")
	if r := run(t, oenv, "handover", "import-return", ret, "--db", other, "--identity", titKey); r.code != 1 || !strings.Contains(r.stderr, "autre cabinet") {
		t.Fatalf("another cabinet: %d %s", r.code, r.stderr)
	}
	// The titulaire's own base has no replacement to return.
	if r := run(t, env, "handover", "return", "--db", path, "--recipient", titPub, "--out", filepath.Join(dir, "x.age")); r.code != 1 || !strings.Contains(r.stderr, "pas de retour") {
		t.Fatalf("return from a base that is not a replacement: %d %s", r.code, r.stderr)
	}
}
