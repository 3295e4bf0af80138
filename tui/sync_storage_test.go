package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
)

// TestSyncWithStorage drives the screen over the real storage.DB: the
// folder and key errors it really returns, a first sync, then a concurrent
// edit from a second laptop that shows up as a conflict and is restored.
func TestSyncWithStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, db := testDeps(t)
	folder := filepath.Join(t.TempDir(), "cle-usb")
	d.Sync, d.SyncFolder = db, folder
	a := press(startApp(t, d, 120, 40), "5", "enter")
	if out := screenText(a); !strings.Contains(out, "Dossier de synchronisation introuvable : la clé USB est-elle branchée ?") {
		t.Fatalf("missing folder:\n%s", out)
	}
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	a = press(a, "enter")
	if out := strings.Join(strings.Fields(screenText(a)), " "); !strings.Contains(out, "Cet ordinateur n'a pas encore la clé du cabinet") {
		t.Fatalf("no cabinet key:\n%s", screenText(a))
	}
	if err := db.CreateCabinetKey(ctx); err != nil {
		t.Fatal(err)
	}
	a = press(a, "enter")
	if out := screenText(a); a.sync.state != syncDone || a.sync.report.Written == 0 || !strings.Contains(out, "modifications envoyées") ||
		!strings.Contains(out, "Rien de nouveau") {
		t.Fatalf("first sync (state %d, problem %q):\n%s", a.sync.state, a.sync.problem, out)
	}

	// A second laptop joins, takes the base, and changes a phone number
	// while this one changes it too.
	other, err := storage.Create(filepath.Join(t.TempDir(), "autre.db"), testPass, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	keyFile, err := db.CabinetKeyFile(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.SaveCabinet(ctx, patients.Cabinet{ID: xid.New(), Name: "Mon cabinet"}); err != nil {
		t.Fatal(err)
	}
	if err := other.JoinCabinet(ctx, keyFile, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Sync(ctx, folder, nil); err != nil {
		t.Fatal(err)
	}
	p := patientNamed(t, db, "HÉNON Paulette")
	setPhone := func(st patients.Store, number string) {
		q, err := st.Patient(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		q.Phones = []patients.Phone{{Label: "portable", Number: number}}
		if err := st.SavePatient(ctx, &q); err != nil {
			t.Fatal(err)
		}
	}
	setPhone(other, "06 11 11 11 11")
	if _, err := other.Sync(ctx, folder, nil); err != nil {
		t.Fatal(err)
	}
	setPhone(db, "06 22 22 22 22")

	a = press(a, "enter")
	out := screenText(a)
	for _, want := range []string{"1 patient modifié", "1 nouveau conflit à confirmer", "Conflits à confirmer (1)",
		"HÉNON Paulette · téléphones", "06 11 11 11 11", "06 22 22 22 22"} {
		if !strings.Contains(out, want) {
			t.Errorf("after the concurrent edit, the screen lacks %q:\n%s", want, out)
		}
	}
	if len(a.sync.conflicts) != 1 {
		t.Fatalf("%d conflicts", len(a.sync.conflicts))
	}
	lost := a.sync.conflicts[0].Lost
	a = press(a, "down", "r")
	if len(a.sync.conflicts) != 0 || !strings.Contains(screenText(a), "Aucun conflit") {
		t.Fatalf("the conflict is still listed:\n%s", screenText(a))
	}
	q, err := db.Patient(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Phones) != 1 || !strings.Contains(lost, q.Phones[0].Number) {
		t.Errorf("restore kept %+v, want the value set aside %q", q.Phones, lost)
	}
}
