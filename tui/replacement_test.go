package tui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/rs/xid"

	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
	"tournee/storage"
)

// goldenRecipient is a fixed public key, so the preview goldens do not
// change with every run (its private key was thrown away).
const goldenRecipient = "age1h793rjasnef3t90e3ah6xpksgf3td4wzu8maqc9hd8lek6vqc4fsxcmj9k"

// goldenFolder is where the goldens' files would go; nothing is written.
const goldenFolder = "/media/cle/remplacement"

// openReplacement shows the screen and checks the demo's remplaçante is
// the one proposed.
func openReplacement(t *testing.T, a *App) *App {
	t.Helper()
	a = press(a, "4")
	if a.active != replacementTab || a.repl.side != replTitulaire {
		t.Fatalf("screen %d, side %d: want the titulaire's replacement form", a.active, a.repl.side)
	}
	n, ok := a.repl.remplacant()
	if !ok || n.RPPS != "99900000003" {
		t.Fatalf("proposed remplaçant(e) %q, want Émilie Lambert", n.FullName())
	}
	return a
}

// toField moves the focus down to a field of the form.
func toField(t *testing.T, a *App, f replField) *App {
	t.Helper()
	for range rfCount {
		if a.repl.focus == f {
			return a
		}
		a = press(a, "down")
	}
	t.Fatalf("field %d not in the form", f)
	return a
}

// retype clears the focused field and types s.
func retype(a *App, s string) *App {
	for range len([]rune(a.repl.in[a.repl.focus].Value())) {
		a = press(a, "backspace")
	}
	return typeInto(a, s)
}

// openPack decrypts a written file and returns its files by name.
func openPack(t *testing.T, path string, k packfile.Key) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files, err := packfile.Open(f, k)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.Name] = f.Data
	}
	return out
}

func TestReplacementPackExport(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	identity, recipient, err := packfile.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	a := openReplacement(t, startApp(t, d, 80, 24))
	a = toField(t, a, rfRecipient)
	if !a.capturing() {
		t.Fatal("a focused text field must capture the keys")
	}
	a = typeInto(a, recipient)
	a = press(a, "enter") // to the file
	if a.repl.focus != rfOut {
		t.Fatalf("enter went to field %d, want the file", a.repl.focus)
	}
	want := filepath.Join(d.ReplacementFolder, "remplacement-lambert-2026-11-24.age")
	if got := a.repl.in[rfOut].Value(); got != want {
		t.Errorf("default file %q, want %q", got, want)
	}
	a = press(a, "enter") // the preview
	if a.repl.step != replPreview || a.repl.refused != "" {
		t.Fatalf("step %d, refused %q: want a preview", a.repl.step, a.repl.refused)
	}
	n := len(a.repl.pack.Patients)
	out := screenText(a)
	if n == 0 || !strings.Contains(out, "Patients confiés : "+strconv.Itoa(n)) {
		t.Fatalf("preview lacks the patient count %d:\n%s", n, out)
	}
	if !strings.Contains(out, a.repl.pack.Patients[0].DisplayName()) {
		t.Errorf("preview lacks the covered patients' names:\n%s", out)
	}
	for _, bad := range []string{"Refusé", "⚠"} {
		if strings.Contains(out, bad) {
			t.Errorf("preview shows %q for a valid replacement:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "du mardi 24 novembre au lundi 30 novembre 2026") || !strings.Contains(out, "requis") {
		t.Errorf("preview lacks the period or the contract:\n%s", out)
	}

	a = press(a, "e")
	if a.repl.step != replDone {
		t.Fatalf("after e: step %d, problem %q", a.repl.step, a.repl.problem)
	}
	out = screenText(a)
	if !strings.Contains(out, "Dossier écrit") || !strings.Contains(out, "clé privée") {
		t.Errorf("done screen lacks the path or the key reminder:\n%s", out)
	}
	files := openPack(t, want, packfile.Key{Identity: identity})
	var p handover.Pack
	if err := json.Unmarshal(files["snapshot.json"], &p); err != nil {
		t.Fatal(err)
	}
	if p.Remplacant.FullName() != "Émilie Lambert" || p.Remplacant.RPPS != "99900000003" || len(p.Patients) != n {
		t.Errorf("snapshot names %q (RPPS %s), %d patients; want Émilie Lambert, %d", p.Remplacant.FullName(), p.Remplacant.RPPS, len(p.Patients), n)
	}
	if _, ok := files["contrat.pdf"]; !ok {
		t.Error("a 7-day replacement needs its contract in the pack")
	}

	// Never overwritten: a second export of the same file is refused in French.
	a = press(a, "esc", "enter", "e")
	if a.repl.step != replPreview || !strings.Contains(a.repl.problem, "existe déjà") {
		t.Errorf("second write: step %d, problem %q", a.repl.step, a.repl.problem)
	}
	if !strings.Contains(screenText(a), "existe déjà") {
		t.Errorf("the refusal is not on the screen:\n%s", screenText(a))
	}
}

func TestReplacementRefusesInvertedPeriod(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := openReplacement(t, startApp(t, d, 120, 40))
	a = toField(t, a, rfFrom)
	a = retype(a, "2026-11-30")
	a = press(a, "down")
	a = retype(a, "24/11/2026")
	a = toField(t, a, rfRecipient)
	a = typeInto(a, goldenRecipient)
	a = press(a, "enter", "enter")
	out := screenText(a)
	if a.repl.step != replPreview || !strings.Contains(out, "Refusé") ||
		!strings.Contains(out, "commence le lundi 30 novembre 2026, après sa fin le mardi 24 novembre 2026") {
		t.Fatalf("an inverted period must be refused in French:\n%s", out)
	}
	for _, b := range a.repl.Keys().ShortHelp() {
		if b.Help().Key == "e" {
			t.Error("the help offers to write a refused pack")
		}
	}
	a = press(a, "e")
	if _, err := os.Stat(d.ReplacementFolder); !os.IsNotExist(err) {
		t.Errorf("a refused replacement wrote something in %s (%v)", d.ReplacementFolder, err)
	}
	// Esc steps back to the form, with what was typed.
	a = press(a, "esc")
	if a.repl.step != replForm || a.repl.in[rfFrom].Value() != "2026-11-30" {
		t.Errorf("esc: step %d, first day %q", a.repl.step, a.repl.in[rfFrom].Value())
	}
}

func TestReplacementPassphraseMismatch(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := openReplacement(t, startApp(t, d, 80, 24))
	a = toField(t, a, rfMode)
	a = press(a, "right")
	if a.repl.byKey {
		t.Fatal("→ on the encryption did not switch to a passphrase")
	}
	a = press(a, "down")
	// q, 4 and ? are typed, not taken as quit, screen or help.
	a = typeInto(a, "q4? cheval")
	a = press(a, "down")
	a = typeInto(a, "q4? cheva")
	if a.quitting || a.active != replacementTab || a.help.ShowAll {
		t.Fatal("keys typed in the passphrase acted as shortcuts")
	}
	if strings.Contains(screenText(a), "cheva") {
		t.Error("the passphrase shows on the screen")
	}
	a = press(a, "enter", "enter")
	out := screenText(a)
	if a.repl.step != replForm || a.repl.focus != rfPassAgain || !strings.Contains(out, "Les deux phrases de passe diffèrent") {
		t.Fatalf("mismatch: step %d, focus %d:\n%s", a.repl.step, a.repl.focus, out)
	}
	if _, err := os.Stat(d.ReplacementFolder); !os.IsNotExist(err) {
		t.Errorf("a refused passphrase wrote something (%v)", err)
	}
	// Esc leaves the text fields: the screen keys work again.
	a = press(a, "esc")
	if a.capturing() {
		t.Error("esc should leave the text field")
	}
}

func TestReplacementPreviewGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(sizeName(sz), func(t *testing.T) {
			t.Parallel()
			d, _ := testDeps(t)
			d.ReplacementFolder = goldenFolder
			a := openReplacement(t, startApp(t, d, sz[0], sz[1]))
			a = toField(t, a, rfRecipient)
			a = typeInto(a, goldenRecipient)
			a = press(a, "enter", "enter")
			if a.repl.step != replPreview {
				t.Fatalf("no preview: %s", a.repl.problem)
			}
			golden.RequireEqual(t, screenText(a))
		})
	}
}

// remplacantDeps turns the demo base into a remplaçant's: the nurse of
// this laptop replaces Karim from three days ago to three days ahead, so
// the visits done these past days go back.
func remplacantDeps(t *testing.T) (Deps, *storage.DB) {
	t.Helper()
	d, db := testDeps(t)
	ctx := context.Background()
	cab, err := db.Cabinet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := db.Nurses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	me, err := db.Nurse(ctx, cab.CurrentNurse)
	if err != nil {
		t.Fatal(err)
	}
	var karim patients.Nurse
	for _, n := range ns {
		if n.FirstName == "Karim" {
			karim = n
		}
	}
	today := patients.DateOf(testNow)
	me.Replacement = &patients.Replacement{Replaces: []xid.ID{karim.ID},
		ContractFrom: today.AddDays(-3), ContractTo: today.AddDays(3), CabinetShare: 0.1}
	if err := db.SaveNurse(ctx, &me); err != nil {
		t.Fatal(err)
	}
	return d, db
}

func TestReplacementReturn(t *testing.T) {
	t.Parallel()
	d, _ := remplacantDeps(t)
	identity, recipient, err := packfile.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Replacement.BuildReturn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Visits) == 0 {
		t.Fatal("the test base has no visit to return")
	}
	a := startApp(t, d, 80, 24)
	a = press(a, "4")
	out := screenText(a)
	if a.repl.side != replRemplacant || !strings.Contains(out, "Remplacement de Karim") || !strings.Contains(out, "Écrire le retour") {
		t.Fatalf("remplaçant's base: side %d:\n%s", a.repl.side, out)
	}
	a = toField(t, a, rfRecipient)
	a = typeInto(a, recipient)
	a = press(a, "enter", "enter")
	out = screenText(a)
	counts := count(len(want.Transmissions), "transmission", "transmissions") + ", " + count(len(want.Visits), "visite", "visites")
	if a.repl.step != replPreview || !strings.Contains(out, counts) {
		t.Fatalf("return preview lacks %q:\n%s", counts, out)
	}
	a = press(a, "e")
	if a.repl.step != replDone || !strings.Contains(screenText(a), "Retour écrit") {
		t.Fatalf("after e: step %d, problem %q", a.repl.step, a.repl.problem)
	}
	files := openPack(t, a.repl.path, packfile.Key{Identity: identity})
	var r handover.Return
	if err := json.Unmarshal(files["retour.json"], &r); err != nil {
		t.Fatal(err)
	}
	if r.Remplacant.ID != want.Remplacant.ID || len(r.Visits) != len(want.Visits) || len(r.Transmissions) != len(want.Transmissions) {
		t.Errorf("return written: %s, %d visits, %d transmissions; want %s, %d, %d", r.Remplacant.ID, len(r.Visits), len(r.Transmissions),
			want.Remplacant.ID, len(want.Visits), len(want.Transmissions))
	}
}

func TestReplacementReturnGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(sizeName(sz), func(t *testing.T) {
			t.Parallel()
			d, _ := remplacantDeps(t)
			d.ReplacementFolder = goldenFolder
			a := startApp(t, d, sz[0], sz[1])
			a = press(a, "4")
			golden.RequireEqual(t, screenText(a))
		})
	}
}

// A slow write is not waited for: esc leaves, and its late answer is dropped.
func TestReplacementDropsStaleAnswers(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	a := openReplacement(t, startApp(t, d, 80, 24))
	a = toField(t, a, rfRecipient)
	a = typeInto(a, goldenRecipient)
	a = press(a, "enter", "enter")
	a.repl, _ = a.repl.write()
	stale := a.repl.seq
	a = press(a, "esc")
	a, _ = appUpdate(a, replWrittenMsg{seq: stale, path: "x", err: nil})
	if a.repl.step != replForm {
		t.Errorf("a stale write answer moved the screen to step %d", a.repl.step)
	}
}

// A passphrase export: sealed with scrypt, slower than drain waits, so the
// write runs here to its end.
func TestReplacementPassphraseExport(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("scrypt twice: seconds under -race")
	}
	d, _ := testDeps(t)
	a := openReplacement(t, startApp(t, d, 80, 24))
	a = toField(t, a, rfMode)
	a = press(a, "right", "down")
	a = typeInto(a, "cheval batterie agrafe")
	a = press(a, "down")
	a = typeInto(a, "cheval batterie agrafe")
	a = press(a, "enter", "enter")
	if a.repl.step != replPreview || a.repl.refused != "" {
		t.Fatalf("no preview: step %d, %q %q", a.repl.step, a.repl.problem, a.repl.refused)
	}
	if !strings.Contains(screenText(a), "Chiffré avec : phrase de passe") {
		t.Errorf("preview does not say how it is sealed:\n%s", screenText(a))
	}
	a, cmd := appUpdate(a, keyPress("e"))
	a, _ = appUpdate(a, cmd())
	out := screenText(a)
	if a.repl.step != replDone || !strings.Contains(out, "phrase de passe à part") {
		t.Fatalf("done screen lacks the passphrase reminder (step %d, %q):\n%s", a.repl.step, a.repl.problem, out)
	}
	if a.repl.in[rfPass].Value() != "" || a.repl.key.Passphrase != nil {
		t.Error("the passphrase stays in memory after the write")
	}
	files := openPack(t, a.repl.path, packfile.Key{Passphrase: []byte("cheval batterie agrafe")})
	if _, ok := files["snapshot.json"]; !ok {
		t.Error("the pack has no snapshot.json")
	}
}
