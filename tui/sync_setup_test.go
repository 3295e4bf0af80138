package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
)

const setupPass = "girafe cartable noisette orage"

// clearSetupField empties the focused field of the open cabinet form.
func clearSetupField(a *App) *App {
	n := len([]rune(a.sync.setup.inputs[a.sync.setup.focus].Value()))
	for range n {
		a = press(a, "backspace")
	}
	return a
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestSyncCreatesThenJoinsTheCabinet drives the Synchro screen of a laptop
// outside any cabinet over the real storage: a weak passphrase is refused
// with the database unchanged, the cabinet is created and synced into the
// shared folder; a second laptop refuses to join without the key file's
// passphrase, or with a wrong one, then joins and receives the patients.
func TestSyncCreatesThenJoinsTheCabinet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, db := testDeps(t)
	d.Sync, d.Cabinet = db, db
	folder := filepath.Join(t.TempDir(), "cle-usb")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	keyOut := filepath.Join(d.ReplacementFolder, keyFileName)
	a := press(startApp(t, d, 120, 40), "5")
	if out := flat(screenText(a)); !strings.Contains(out, "Cet ordinateur ne fait pas encore partie d'un cabinet") ||
		!strings.Contains(out, "c Créer le cabinet") || !strings.Contains(out, "j Rejoindre le cabinet") {
		t.Fatalf("no invitation to create or join:\n%s", screenText(a))
	}

	a = press(a, "c")
	if a.sync.setup.mode != setupCreate || a.sync.setup.value(createName) == "" || a.sync.setup.value(createKeyOut) != keyOut {
		t.Fatalf("create form not filled: %+v", a.sync.setup.labels)
	}
	a = press(a, "tab")
	a = typeInto(a, folder)
	a = press(a, "tab", "tab")
	a = typeInto(a, "azerty")
	a = press(a, "tab")
	a = typeInto(a, "azerty")
	a = press(a, "enter")
	if out := flat(screenText(a)); !strings.Contains(out, "Phrase de passe trop faible") || a.sync.setup.focus != createPass {
		t.Fatalf("weak passphrase not refused on its field:\n%s", screenText(a))
	}
	if has, _ := db.HasCabinetKey(ctx); has {
		t.Fatal("a refused create stored a key")
	}
	a = clearSetupField(a)
	a = typeInto(a, setupPass)
	a = press(a, "tab")
	a = clearSetupField(a)
	a = typeInto(a, setupPass)
	a = press(a, "enter")
	out := flat(screenText(a))
	if a.sync.setup.mode != setupNone || a.sync.state != syncDone {
		t.Fatalf("create then sync did not end (state %d, problem %q):\n%s", a.sync.state, a.sync.problem, screenText(a))
	}
	for _, want := range []string{"Cabinet créé", keyOut, "modifications envoyées", "Synchronisé avec " + folder} {
		if !strings.Contains(out, want) {
			t.Errorf("after create, the screen lacks %q:\n%s", want, screenText(a))
		}
	}
	if fi, err := os.Stat(keyOut); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}

	// « c » writes the key again for a new laptop (« cabinet export-key »):
	// never over an existing file; the second laptop joins with this one.
	a = press(a, "c")
	if a.sync.setup.mode != setupExport {
		t.Fatalf("no export form:\n%s", screenText(a))
	}
	a = press(a, "tab")
	a = typeInto(a, setupPass)
	a = press(a, "tab")
	a = typeInto(a, setupPass)
	a = press(a, "enter")
	if out := flat(screenText(a)); !strings.Contains(out, "existe déjà") || a.sync.setup.mode != setupExport {
		t.Fatalf("export over the key file:\n%s", screenText(a))
	}
	a = press(a, "up", "up")
	a = clearSetupField(a)
	exported := filepath.Join(t.TempDir(), "pour-julie", keyFileName)
	a = typeInto(a, exported)
	a = press(a, "down", "down", "enter")
	if out := flat(screenText(a)); a.sync.setup.mode != setupNone || !strings.Contains(out, "Fichier de clé écrit") || !strings.Contains(out, exported) {
		t.Fatalf("export:\n%s", screenText(a))
	}
	keyOut = exported

	// A second laptop, with a base of its own.
	other, err := storage.Create(filepath.Join(t.TempDir(), "autre.db"), testPass, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if err := other.SaveCabinet(ctx, patients.Cabinet{ID: xid.New(), Name: "Mon cabinet"}); err != nil {
		t.Fatal(err)
	}
	d2 := d
	d2.Store, d2.Addresses, d2.Sync, d2.Cabinet, d2.SyncFolder = other, other, other, other, ""
	b := press(startApp(t, d2, 80, 24), "5", "j")
	if b.sync.setup.mode != setupJoin {
		t.Fatalf("no join form:\n%s", screenText(b))
	}
	b = typeInto(b, keyOut)
	b = press(b, "tab", "tab")
	b = typeInto(b, folder)
	b = press(b, "enter")
	if out := flat(screenText(b)); !strings.Contains(out, "protégé : indiquez sa phrase de passe") || b.sync.setup.focus != joinPass {
		t.Fatalf("protected key file without a passphrase:\n%s", screenText(b))
	}
	b = typeInto(b, "pas la bonne phrase")
	b = press(b, "enter", "enter")
	if out := flat(screenText(b)); !strings.Contains(out, "phrase de passe n'ouvre pas le fichier") {
		t.Fatalf("wrong passphrase:\n%s", screenText(b))
	}
	if has, _ := other.HasCabinetKey(ctx); has {
		t.Fatal("a refused join stored a key")
	}
	b = clearSetupField(b)
	b = typeInto(b, setupPass)
	b = press(b, "tab", "enter")
	if b.sync.state != syncDone {
		t.Fatalf("join then sync (state %d, problem %q):\n%s", b.sync.state, b.sync.problem, screenText(b))
	}
	if out := flat(screenText(b)); !strings.Contains(out, "Cet ordinateur fait partie du cabinet") || !strings.Contains(out, "patients modifiés") {
		t.Errorf("after join:\n%s", screenText(b))
	}
	mine, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := other.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs) != len(mine) || len(mine) == 0 {
		t.Errorf("the joining laptop has %d patients, the cabinet %d", len(theirs), len(mine))
	}
}

// TestSyncSetupScreens keeps reviewed goldens of the invitation and of the
// create form refusing a weak passphrase (its advice under the field), at
// the two sizes.
func TestSyncSetupScreens(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		d, _ := testDeps(t)
		d.Sync = &fakeSync{}
		d.Cabinet = noKey{}
		d.ReplacementFolder = "Documents" // relative: no machine path in the goldens
		a := press(startApp(t, d, sz[0], sz[1]), "5")
		t.Run("invitation-"+sizeName(sz), func(t *testing.T) { golden.RequireEqual(t, screenText(a)) })
		a = press(a, "c", "tab")
		a = typeInto(a, "/media/cle-usb")
		a = press(a, "tab", "tab")
		a = typeInto(a, "soleil")
		t.Run("create-"+sizeName(sz), func(t *testing.T) { golden.RequireEqual(t, screenText(a)) })
	}
}

// noKey is a laptop outside any cabinet, for screens only.
type noKey struct{}

func (noKey) HasCabinetKey(context.Context) (bool, error) { return false, nil }
func (noKey) CreateCabinetKey(context.Context) error      { return nil }
func (noKey) CabinetKeyFile(context.Context, []byte) ([]byte, error) {
	return nil, nil
}
func (noKey) JoinCabinet(context.Context, []byte, []byte) error { return nil }
