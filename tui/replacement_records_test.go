package tui

import (
	"context"
	"strings"
	"testing"

	"tournee/packfile"
)

// Issue 16, defect 4: an outside remplaçante is added from screen 4, then
// chosen; the replacement, once written, is listed under the form.
func TestReplacementAddsOutsideRemplacante(t *testing.T) {
	t.Parallel()
	d, _ := testDeps(t)
	_, recipient, err := packfile.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	a := openReplacement(t, startApp(t, d, 100, 40))
	a = press(a, "n")
	if a.repl.step != replAdding || !a.capturing() {
		t.Fatalf("n: step %d — want the new remplaçante's form, capturing the keys", a.repl.step)
	}
	fill := func(a *App, values ...string) *App {
		for _, v := range values {
			a = typeInto(a, v)
			a = press(a, "enter")
		}
		return a
	}
	// Without the authorisation's end: refused in French, nothing stored.
	a = fill(a, "Claire Petit", "10001234565", "62-123456", "12 rue des Lilas, 62000 Arras", "ONI-62-2026-0042", "")
	if a.repl.step != replAdding || !strings.Contains(a.repl.add.problem, "autorisation de remplacement est obligatoire") {
		t.Fatalf("no authorisation: step %d, problem %q", a.repl.step, a.repl.add.problem)
	}
	if !strings.Contains(screenText(a), "autorisation de remplacement est obligatoire") {
		t.Errorf("the refusal is not on the screen:\n%s", screenText(a))
	}
	if ns, _ := d.Store.Nurses(context.Background()); len(ns) != 4 {
		t.Fatalf("%d nurses stored after a refusal, want the demo's 4", len(ns))
	}
	a = typeInto(a, "14/01/2027")
	a = press(a, "enter")
	n, ok := a.repl.remplacant()
	if a.repl.step != replForm || !ok || n.FullName() != "Claire Petit" || n.Replacement == nil || n.Ordre != "62-123456" {
		t.Fatalf("after saving: step %d, proposed %q — want Claire Petit chosen", a.repl.step, n.FullName())
	}

	a = toField(t, a, rfRecipient)
	a = typeInto(a, recipient)
	a = press(a, "enter", "enter") // the file, then the preview
	if a.repl.step != replPreview || a.repl.refused != "" {
		t.Fatalf("preview for Claire: step %d, refused %q", a.repl.step, a.repl.refused)
	}
	a = press(a, "e")
	if a.repl.step != replDone {
		t.Fatalf("write: step %d, problem %q", a.repl.step, a.repl.problem)
	}
	a = press(a, "esc")
	out := screenText(a)
	if !strings.Contains(out, "Remplacements enregistrés") || !strings.Contains(out, "par Claire Petit — dossier envoyé") {
		t.Errorf("the written replacement is not listed on screen 4:\n%s", out)
	}
}

// Issue 16, defect 6: before writing the return, the preview lists what it
// holds.
func TestReplacementReturnListsItsContent(t *testing.T) {
	t.Parallel()
	d, _ := remplacantDeps(t)
	_, recipient, err := packfile.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	a := startApp(t, d, 100, 60)
	a = press(a, "4")
	a = toField(t, a, rfRecipient)
	a = typeInto(a, recipient)
	a = press(a, "enter", "enter")
	if a.repl.step != replPreview || len(a.repl.review.Included) == 0 {
		t.Fatalf("return preview: step %d, review %+v", a.repl.step, a.repl.review)
	}
	out := screenText(a)
	if !strings.Contains(out, "Contenu du retour") || !strings.Contains(out, "visite(s) « faite »") {
		t.Errorf("the preview does not list the return's content:\n%s", out)
	}
}
