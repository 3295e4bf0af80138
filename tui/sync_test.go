package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/cabinetsync"
	"tournee/french"
	"tournee/patients"
)

// fakeSync is a cabinet sync that records its calls. Sync reports its
// progress, runs onSync (to write what a sync would bring in), waits for
// gate when there is one, and returns report or err. Resolving a conflict
// takes it off the list.
type fakeSync struct {
	mu        sync.Mutex
	progress  []cabinetsync.Progress
	gate      chan struct{}
	onSync    func()
	onRestore func()
	report    cabinetsync.Report
	err       error
	conflicts []cabinetsync.Conflict

	dirs     []string
	resolved []resolveCall
	loads    int
}

type resolveCall struct {
	id      xid.ID
	restore bool
}

var _ cabinetsync.Service = (*fakeSync)(nil)

func (f *fakeSync) Sync(ctx context.Context, dir string, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
	f.mu.Lock()
	f.dirs = append(f.dirs, dir)
	ps, gate, onSync, rep, err := f.progress, f.gate, f.onSync, f.report, f.err
	f.mu.Unlock()
	for _, p := range ps {
		if progress != nil {
			progress(p)
		}
	}
	if onSync != nil {
		onSync()
	}
	if gate != nil {
		<-gate
	}
	rep.Dir = dir
	return rep, err
}

// Repair is Sync, recorded with a « repair: » prefix.
func (f *fakeSync) Repair(ctx context.Context, dir string, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
	rep, err := f.Sync(ctx, dir, progress)
	f.mu.Lock()
	f.dirs[len(f.dirs)-1] = "repair:" + dir
	f.mu.Unlock()
	return rep, err
}

func (f *fakeSync) Conflicts(ctx context.Context) ([]cabinetsync.Conflict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return slices.Clone(f.conflicts), nil
}

func (f *fakeSync) ResolveConflict(ctx context.Context, id xid.ID, restore bool) error {
	f.mu.Lock()
	f.resolved = append(f.resolved, resolveCall{id, restore})
	f.conflicts = slices.DeleteFunc(f.conflicts, func(c cabinetsync.Conflict) bool { return c.ID == id })
	onRestore := f.onRestore
	f.mu.Unlock()
	if restore && onRestore != nil {
		onRestore()
	}
	return nil
}

func (f *fakeSync) calls() ([]string, []resolveCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.dirs), slices.Clone(f.resolved)
}

const syncTestFolder = "/media/cle-usb"

// Fixed laptop ids: their last six characters show on the screen.
var (
	replicaA = xid.ID{0x4d, 0x88, 0xe1, 0x5b, 0x60, 0xf4, 0x86, 0xe4, 0x28, 0x41, 0x2d, 0xc9}
	replicaB = xid.ID{0x4d, 0x88, 0xe1, 0x5b, 0x60, 0xf4, 0x86, 0xe4, 0x28, 0x41, 0x2d, 0xca}
)

// syncReport is a sync that brought a bit of everything and met trouble.
func syncReport() cabinetsync.Report {
	return cabinetsync.Report{
		Written: 12, Bundles: 4, Ops: 24,
		Patients: 3, CarePlans: 2, Visits: 5, Transmissions: 7, Nurses: 1, Conflicts: 1,
		Refused: []cabinetsync.Refusal{
			{Replica: replicaA, File: "/media/cle-usb/tournee/" + replicaA.String() + "/000012.bundle",
				Err: fmt.Errorf("open bundle: %w", cabinetsync.ErrDamaged)},
		},
		Skews: []cabinetsync.Skew{{Replica: replicaB, Ahead: 3*time.Hour + 5*time.Minute}},
	}
}

// phoneConflict is a conflict on a demo patient's phone, made by two of the
// cabinet's nurses.
func phoneConflict(t testing.TB, d Deps) cabinetsync.Conflict {
	t.Helper()
	ns, err := d.Store.Nurses(context.Background())
	if err != nil || len(ns) < 2 {
		t.Fatalf("nurses: %v", err)
	}
	day := patients.DateOf(testNow)
	return cabinetsync.Conflict{
		ID: xid.New(), Entity: "patient", Record: xid.New().String(), Label: "HÉNON Paulette", Field: "phone",
		Kept: "06 12 34 56 78", Lost: "03 21 00 00 00",
		KeptAt: day.At(patients.Clock(7, 2)), LostAt: day.AddDays(-1).At(patients.Clock(18, 40)),
		KeptAuthor: ns[0].ID, LostAuthor: ns[1].ID, Found: testNow,
	}
}

// syncDeps wires the fake into the demo deps, with the folder proposed.
func syncDeps(t testing.TB, f *fakeSync) Deps {
	d, _ := testDeps(t)
	d.Sync, d.SyncFolder = f, syncTestFolder
	return d
}

// pumpSync runs what enter started the way the program would: the sync and
// the progress waits concurrently, each message through the app. It returns
// the screens seen after each progress message, and the app once the sync
// and everything it led to are over. The gate opens after want progress
// messages were shown.
func pumpSync(t *testing.T, a *App, cmd tea.Cmd, f *fakeSync, want int) (*App, []string) {
	t.Helper()
	msgs := make(chan tea.Msg, 16)
	launch := func(c tea.Cmd) {
		if c != nil {
			go func() { msgs <- c() }()
		}
	}
	launch(cmd)
	var seen []string
	if want == 0 && f.gate != nil {
		close(f.gate)
	}
	for {
		var msg tea.Msg
		select {
		case msg = <-msgs:
		case <-time.After(time.Minute): // a bound for a deadlock, not a speed check
			t.Fatal("the sync never ended")
		}
		if cmds, ok := asCmds(msg); ok {
			for _, c := range cmds {
				launch(c)
			}
			continue
		}
		switch msg := msg.(type) {
		case syncProgressMsg:
			var next tea.Cmd
			a, next = appUpdate(a, msg)
			seen = append(seen, screenText(a))
			if len(seen) == want && f.gate != nil {
				close(f.gate)
			}
			launch(next)
		case syncDoneMsg:
			var next tea.Cmd
			a, next = appUpdate(a, msg)
			return drain(a, next, appUpdate), seen
		}
	}
}

func TestSyncShowsProgressThenSummary(t *testing.T) {
	t.Parallel()
	f := &fakeSync{
		progress: []cabinetsync.Progress{
			{Stage: cabinetsync.Writing, Done: 1, Total: 2},
			{Stage: cabinetsync.Reading, Done: 1, Total: 3},
			{Stage: cabinetsync.Applying, Done: 4, Total: 5},
		},
		gate:   make(chan struct{}),
		report: syncReport(),
	}
	d, db := testDeps(t)
	d.Sync, d.SyncFolder = f, syncTestFolder
	a := startApp(t, d, 120, 40)

	// What the sync brings in, written under the app the way storage
	// applies another laptop's changes: a patient of today's round
	// renamed, a transmission for the patient whose history is open.
	p, err := db.Patient(context.Background(), a.round.rows[0].PatientID)
	if err != nil {
		t.Fatal(err)
	}
	a = press(a, "3", "/")
	a = typeInto(a, p.FirstName+" "+p.LastName())
	a = press(a, "enter")
	if a.trans.hist.patientID != p.ID {
		t.Fatalf("history of %s not open", p.DisplayName())
	}
	f.onSync = func() {
		q := p.Clone()
		q.FirstName = "Renommée"
		if err := db.SavePatient(context.Background(), &q); err != nil {
			t.Error(err)
		}
		tr := patients.Transmission{PatientID: p.ID, AuthorID: currentNurse(t, db), At: testNow,
			Cible: "Arrivée par la synchronisation", Donnees: "Écrite sur un autre poste."}
		if err := db.AddTransmission(context.Background(), &tr); err != nil {
			t.Error(err)
		}
	}

	a = press(a, "5")
	if a.active != syncTab || !strings.Contains(screenText(a), "Dossier : "+syncTestFolder) {
		t.Fatalf("the sync screen should propose the folder:\n%s", screenText(a))
	}
	a, cmd := appUpdate(a, keyPress("enter"))
	if a.sync.state != syncRunning || cmd == nil {
		t.Fatalf("enter should start the sync (state %d)", a.sync.state)
	}
	a, seen := pumpSync(t, a, cmd, f, 3)
	if len(seen) != 3 {
		t.Fatalf("%d progress screens, want 3", len(seen))
	}
	for i, want := range []string{"Écriture de vos modifications…  1 / 2", "Lecture des paquets des autres postes…  1 / 3",
		"Application des modifications…  4 / 5"} {
		if !strings.Contains(seen[i], want) || !strings.Contains(seen[i], "█") {
			t.Errorf("progress %d lacks %q and its bar:\n%s", i, want, seen[i])
		}
	}
	if dirs, _ := f.calls(); !slices.Equal(dirs, []string{syncTestFolder}) {
		t.Errorf("synced with %q", dirs)
	}

	out := screenText(a)
	for _, want := range []string{
		"✓ Synchronisé avec /media/cle-usb à 7h10",
		"12 modifications envoyées",
		"Reçu : 3 patients modifiés · 2 plans de soins · 5 visites · 7 transmissions · 1 infirmière",
		"1 nouveau conflit à confirmer ci-dessous",
		"000012.bundle (poste " + replicaA.String()[14:] + ") : paquet abîmé, tronqué ou modifié : ignoré ; l'ordinateur qui",
		"horloge décalée de 3 h 05 avec un autre poste (poste " + replicaB.String()[14:] + ") : vérifiez l'heure des",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(a.status, "Synchronisation terminée") {
		t.Errorf("status %q", a.status)
	}
	// The other screens show what came in.
	if out := screenText(press(fork(a), "1")); !strings.Contains(out, "Renom") { // the name column is narrow
		t.Errorf("the round does not show the renamed patient:\n%s", out)
	}
	if out := screenText(typeInto(press(fork(a), "2", "/"), "renommee")); !strings.Contains(out, "Renommée") {
		t.Errorf("the patients list does not show the renamed patient:\n%s", out)
	}
	if out := screenText(press(fork(a), "3")); !strings.Contains(out, "Arrivée par la synchronisation") {
		t.Errorf("the open history does not show the transmission that came in:\n%s", out)
	}
}

func TestSyncNothingNew(t *testing.T) {
	t.Parallel()
	f := &fakeSync{}
	a := press(startApp(t, syncDeps(t, f), 80, 24), "5", "enter")
	out := screenText(a)
	for _, want := range []string{"Synchronisé avec /media/cle-usb", "Aucune modification à envoyer", "Rien de nouveau"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// A first sync sends the whole base, and may rewrite lost bundles.
	f.report = cabinetsync.Report{Written: 1060, Repaired: 2}
	a = press(a, "enter")
	out = screenText(a)
	for _, want := range []string{french.Count(1060) + " modifications envoyées", "2 paquets de ce poste réécrits", "Rien de nouveau"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Reçu") {
		t.Errorf("nothing was received:\n%s", out)
	}
}

func TestSyncRefusalsInFrench(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want string
	}{
		{cabinetsync.ErrWrongKey, "paquet d'un autre cabinet ou chiffré avec une autre clé : ignoré"},
		{cabinetsync.ErrDamaged, "paquet abîmé, tronqué ou modifié : ignoré ; l'ordinateur qui l'a écrit le réécrira à sa prochaine synchronisation"},
		{cabinetsync.ErrTooNew, "paquet écrit par une version plus récente de tournée : mettez l'application à jour sur cet ordinateur"},
		{cabinetsync.ErrGap, "des paquets de ce poste manquent dans le dossier ; il les réécrira à sa prochaine synchronisation"},
		{errors.New("something else"), "paquet illisible : ignoré ; la prochaine synchronisation le relira"},
	} {
		t.Run(c.err.Error(), func(t *testing.T) {
			t.Parallel()
			if got := refusalText(fmt.Errorf("bundle x: %w", c.err)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSkewText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{3 * time.Hour, "3 h"},
		{12 * time.Minute, "12 min"},
		{3*time.Hour + 5*time.Minute, "3 h 05"},
		{-(3 * time.Hour), "3 h"},
		{12*time.Minute + 40*time.Second, "13 min"},
		{20 * time.Second, "moins d'une minute"},
	} {
		if got := skewText(c.d); got != c.want {
			t.Errorf("skewText(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestSyncErrorsEndTheCallNotTheScreen(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	notAFolder := filepath.Join(folder, "fichier.txt")
	if err := os.WriteFile(notAFolder, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, dir string
		err       error
		want      string
	}{
		{"no-key", folder, fmt.Errorf("sync: %w", cabinetsync.ErrNoCabinetKey),
			"Cet ordinateur n'a pas encore la clé du cabinet : créez le cabinet sur le premier poste, puis rejoignez-le sur les autres."},
		// storage's own « no folder » error: the screen finds out why.
		{"missing-folder", filepath.Join(folder, "clé-débranchée"), errors.New("sync: sync folder not found"),
			"Ce fichier ou ce dossier n'existe pas, ou la clé USB n'est plus branchée."},
		{"not-a-folder", notAFolder, errors.New("sync: sync folder not found"),
			"Ce chemin n'est pas un dossier"},
		{"read-only", folder, fmt.Errorf("sync: %w", &fs.PathError{Op: "open", Path: folder, Err: syscall.EACCES}),
			"Pas le droit d'accéder à ce fichier ou à ce dossier"},
		{"disk-full", folder, fmt.Errorf("sync: %w", &fs.PathError{Op: "write", Path: folder, Err: syscall.ENOSPC}),
			"Plus de place sur la clé USB ou le disque"},
		{"unknown", folder, errors.New("boom"), "La synchronisation n'a pas abouti"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeSync{err: c.err}
			d := syncDeps(t, f)
			d.SyncFolder = c.dir
			a := press(startApp(t, d, 120, 40), "5", "enter")
			if a.sync.state != syncFailed {
				t.Fatalf("state %d, want failed", a.sync.state)
			}
			if out := strings.Join(strings.Fields(screenText(a)), " "); !strings.Contains(out, c.want) {
				t.Errorf("screen lacks %q:\n%s", c.want, screenText(a))
			}
			if !strings.Contains(a.status, c.want) {
				t.Errorf("status %q", a.status)
			}
			// The screen stays usable: the next sync runs.
			f.mu.Lock()
			f.err = nil
			f.mu.Unlock()
			a = press(a, "s")
			if dirs, _ := f.calls(); len(dirs) != 2 || a.sync.state != syncDone {
				t.Errorf("a second sync should run (%d calls, state %d)", len(dirs), a.sync.state)
			}
		})
	}
}

func TestSyncConflictKeepAndRestore(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	f := &fakeSync{}
	d.Sync, d.SyncFolder = f, syncTestFolder
	first, second := phoneConflict(t, d), phoneConflict(t, d)
	second.Label, second.Field, second.Kept, second.Lost = "BLONDEL Évelyne", "access_notes", "Digicode 1234", "Digicode 4321"
	f.conflicts = []cabinetsync.Conflict{first, second}
	p := patientNamed(t, db, "BLONDEL Évelyne")
	f.onRestore = func() {
		q := p.Clone()
		q.FirstName = "Rétablie"
		if err := db.SavePatient(context.Background(), &q); err != nil {
			t.Error(err)
		}
	}
	a := press(startApp(t, d, 120, 40), "5")
	out := screenText(a)
	for _, want := range []string{"Conflits à confirmer (2)", "HÉNON Paulette · téléphone",
		"gardé  : 06 12 34 56 78 (23/11 à 7h02, ", "écarté : 03 21 00 00 00 (22/11 à 18h40, ", "BLONDEL Évelyne · accès"} {
		if !strings.Contains(out, want) {
			t.Errorf("conflicts lack %q:\n%s", want, out)
		}
	}
	// Down from the folder to the first conflict; entrée keeps its value.
	a = press(a, "down", "enter")
	if _, res := f.calls(); !slices.Equal(res, []resolveCall{{first.ID, false}}) {
		t.Fatalf("resolve calls %v", res)
	}
	if out := screenText(a); strings.Contains(out, "HÉNON Paulette · téléphone") || !strings.Contains(out, "Conflits à confirmer (1)") {
		t.Errorf("the list was not reloaded:\n%s", out)
	}
	if a.sync.focus != syncOnConflicts {
		t.Errorf("focus %d, want the conflicts", a.sync.focus)
	}
	// r restores the other value: the screens showing the record reload.
	a = press(a, "r")
	if _, res := f.calls(); !slices.Equal(res, []resolveCall{{first.ID, false}, {second.ID, true}}) {
		t.Fatalf("resolve calls %v", res)
	}
	if !strings.Contains(screenText(a), "Aucun conflit") || a.sync.focus != syncOnFolder {
		t.Errorf("the list should be empty, the focus back on the folder:\n%s", screenText(a))
	}
	if !strings.Contains(a.status, "Autre valeur rétablie") {
		t.Errorf("status %q", a.status)
	}
	if out := screenText(press(a, "2")); !strings.Contains(out, "Rétablie") {
		t.Errorf("the patients list was not reloaded after a restore:\n%s", out)
	}
}

func TestSyncDropsStaleMessages(t *testing.T) {
	t.Parallel()
	f := &fakeSync{gate: make(chan struct{}), report: syncReport()}
	a := press(startApp(t, syncDeps(t, f), 80, 24), "5")
	a, cmd := appUpdate(a, keyPress("enter"))
	run := a.sync.run
	// An earlier run's messages change nothing.
	a, _ = appUpdate(a, syncProgressMsg{run: run - 1, p: cabinetsync.Progress{Stage: cabinetsync.Applying, Done: 9, Total: 9}})
	a, _ = appUpdate(a, syncDoneMsg{run: run - 1, dir: "/ailleurs", report: cabinetsync.Report{Written: 99}})
	if a.sync.state != syncRunning || a.sync.current.Total != 0 || strings.Contains(screenText(a), "/ailleurs") {
		t.Fatalf("a stale message was taken:\n%s", screenText(a))
	}
	a, _ = pumpSync(t, a, cmd, f, 0)
	if a.sync.state != syncDone || a.sync.report.Written != 12 {
		t.Fatalf("the run's own result was not taken (state %d)", a.sync.state)
	}
	// A late progress message of the run that ended is dropped too.
	a, cmd = appUpdate(a, syncProgressMsg{run: run, p: cabinetsync.Progress{Stage: cabinetsync.Reading, Done: 1, Total: 2}})
	if a.sync.state != syncDone || cmd != nil {
		t.Error("a progress message after the result brought the bar back")
	}
}

func TestSyncFolderTyped(t *testing.T) {
	t.Parallel()
	f := &fakeSync{}
	d := syncDeps(t, f)
	d.SyncFolder = ""
	a := press(startApp(t, d, 80, 24), "5")
	if out := screenText(a); !strings.Contains(out, `ex. E:\ ou /media/cle-usb`) {
		t.Fatalf("no placeholder:\n%s", out)
	}
	// With no folder, entrée asks for one rather than syncing.
	a = press(a, "enter")
	if !a.capturing() || !strings.Contains(screenText(a), "Indiquez d'abord le dossier") {
		t.Fatalf("entrée should ask for the folder:\n%s", screenText(a))
	}
	// Digits are typed, not taken as tabs.
	a = typeInto(a, "/mnt/cle5")
	if a.active != syncTab {
		t.Fatal("a digit typed in the folder switched the screen")
	}
	a = press(a, "enter")
	if dirs, _ := f.calls(); !slices.Equal(dirs, []string{"/mnt/cle5"}) || a.capturing() {
		t.Fatalf("synced with %q, capturing %v", dirs, a.capturing())
	}
	// e edits the folder again, échap leaves it, and the digits switch tabs.
	a = press(a, "e")
	if !a.capturing() {
		t.Fatal("e should edit the folder")
	}
	a = press(a, "esc", "1")
	if a.active != roundTab {
		t.Error("after échap, 1 should show the round")
	}
}

// With no folder yet, the nurse types it straight away: no character is
// lost or taken for a shortcut (« s » synchronise, « R » repair).
func TestSyncFolderTypedStraightAway(t *testing.T) {
	t.Parallel()
	f := &fakeSync{}
	d := syncDeps(t, f)
	d.SyncFolder = ""
	a := typeInto(press(startApp(t, d, 80, 24), "5"), "/media/sR")
	if !a.capturing() || a.sync.folder.Value() != "/media/sR" {
		t.Fatalf("typed %q, capturing %v", a.sync.folder.Value(), a.capturing())
	}
	press(a, "enter")
	if dirs, _ := f.calls(); !slices.Equal(dirs, []string{"/media/sR"}) {
		t.Fatalf("synced with %q", dirs)
	}
}

// « R » repairs this laptop's folder, then syncs; what the storage found
// (another copy of the base, a conflict copy, a file set aside) is said.
func TestSyncRepairKeyAndNotes(t *testing.T) {
	t.Parallel()
	f := &fakeSync{report: cabinetsync.Report{Written: 3,
		Forks:    []cabinetsync.Fork{{Old: xid.New(), New: xid.New(), From: 4, Reissued: 3}},
		Copies:   []string{"/media/cle-usb/tournee-sync/x/000000000001-000000000002.sync-conflict-20261205-123456-ABCDEF.bundle"},
		SetAside: []cabinetsync.SetAside{{File: "/media/cle-usb/tournee-sync/x/000000000099-000000000120.bundle", Err: cabinetsync.ErrDamaged}}}}
	a := press(startApp(t, syncDeps(t, f), 120, 40), "5", "R")
	f.mu.Lock()
	dirs := slices.Clone(f.dirs)
	f.mu.Unlock()
	if len(dirs) != 1 || !strings.HasPrefix(dirs[0], "repair:") {
		t.Fatalf("calls %v, want one repair", dirs)
	}
	out := screenText(a)
	for _, want := range []string{"nouvelle identité", "renvoyées", "Copie de conflit lue et fusionnée", "mis de côté"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
