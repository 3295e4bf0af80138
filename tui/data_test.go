package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/paulmach/orb"

	"tournee/geo"
	"tournee/roads"
	"tournee/storage"
)

// monacoExtract is the real OpenStreetMap extract shared by the tests.
const monacoExtract = "../../shared/data/osm/monaco.osm.pbf"

// storageData imports into the real storage and roads packages, as main's
// service does; the roads are kept to area (the demo cabinet is in Calais,
// the shared extract is Monaco).
type storageData struct {
	db   *storage.DB
	area roads.Area
}

func (s storageData) ImportAddresses(ctx context.Context, path string, progress func(DataProgress)) (AddressesImported, error) {
	f, err := os.Open(path)
	if err != nil {
		return AddressesImported{}, err
	}
	defer f.Close()
	rd, err := geo.NewReader(f)
	if err != nil {
		return AddressesImported{}, err
	}
	res, err := s.db.GeoImport(ctx, rd, func(n int) { progress(DataProgress{Rows: n}) })
	out := AddressesImported{Rows: res.Rows, Streets: res.Streets, Skipped: res.Skipped}
	for _, le := range res.Errors {
		out.Lines = append(out.Lines, le.Error())
	}
	return out, err
}

func (s storageData) ImportRoads(ctx context.Context, path string, progress func(DataProgress)) (RoadsImported, error) {
	net, err := roads.Import(ctx, path, s.area, func(p roads.Progress) {
		progress(DataProgress{Fraction: float64(p.Pass-1) / 2})
	})
	if err != nil {
		return RoadsImported{}, err
	}
	return RoadsImported{Nodes: net.Nodes(), Edges: net.Edges(), Travel: roads.SharedNetwork(net)}, nil
}

// writeBAN writes a synthetic BAN file of n rows, and one malformed line.
func writeBAN(t *testing.T, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, "adresses-62.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := geo.WriteSynthetic(f, n, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("62193_0001_00001;;1;;Rue cassée;62100;62193;Calais;;;;;pas-une-longitude;50,9;;;;;;;;;\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDataImportsAddresses drives « Données » over the real storage: the
// path field completes the file from its folder, the import runs, the
// report counts the addresses and the malformed line, and the addresses
// are found afterwards.
func TestDataImportsAddresses(t *testing.T) {
	t.Parallel()
	d, db := testDeps(t)
	dir := t.TempDir()
	writeBAN(t, dir, 500)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d.Data, d.DataFolder = storageData{db: db}, dir
	a := press(startApp(t, d, 120, 40), "6")
	if out := screenText(a); !strings.Contains(out, "Données hors ligne") || !strings.Contains(out, "6 Données") {
		t.Fatalf("no data screen:\n%s", out)
	}
	a = press(a, "a")
	if !a.data.Capturing() || a.data.path.Value() != dir+string(filepath.Separator) {
		t.Fatalf("path field %q, want the data folder", a.data.path.Value())
	}
	// The folder holds one BAN file: tab completes to it, not to notes.txt.
	a = typeInto(a, "adr")
	a = press(a, "tab")
	if got, want := a.data.path.Value(), filepath.Join(dir, "adresses-62.csv"); got != want {
		t.Fatalf("completed to %q, want %q", got, want)
	}
	a = press(a, "enter")
	out := flat(screenText(a))
	if a.data.state != dataIdle || !a.data.done {
		t.Fatalf("import did not end (problem %q):\n%s", a.data.problem, screenText(a))
	}
	for _, want := range []string{"✓ 500 adresses importées", "1 ligne illisible ignorée", "ligne 502", "Licence Ouverte 2.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, screenText(a))
		}
	}
	info, err := db.GeoInfo()
	if err != nil || info.Rows != 500 {
		t.Fatalf("index holds %d rows (%v), want 500", info.Rows, err)
	}

	// A folder, then a file that is not a BAN export: said in French, the
	// index kept.
	a = press(a, "a")
	for range len([]rune(a.data.path.Value())) {
		a = press(a, "backspace")
	}
	a = typeInto(a, dir)
	a = press(a, "enter")
	if out := flat(screenText(a)); !strings.Contains(out, "C'est un dossier") || !a.data.Capturing() {
		t.Errorf("a folder:\n%s", screenText(a))
	}
	for range len([]rune(a.data.path.Value())) {
		a = press(a, "backspace")
	}
	a = typeInto(a, filepath.Join(dir, "notes.txt"))
	a = press(a, "enter")
	if out := flat(screenText(a)); !strings.Contains(out, "les adresses déjà importées restent en service") {
		t.Errorf("bad file:\n%s", screenText(a))
	}
	if info, _ := db.GeoInfo(); info.Rows != 500 {
		t.Errorf("a refused import changed the index: %d rows", info.Rows)
	}
}

// TestDataImportsRoads: the real Monaco extract imported from the screen
// reaches the round: the app's planner and the round's now drive on it,
// and the round is reloaded.
func TestDataImportsRoads(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(monacoExtract); err != nil {
		t.Fatalf("the shared Monaco extract is required: %v", err)
	}
	d, db := testDeps(t)
	extract, err := filepath.Abs(monacoExtract)
	if err != nil {
		t.Fatal(err)
	}
	area := roads.Area{Points: []orb.Point{{7.4246, 43.7384}}, MarginMeters: 2000}
	d.Data = storageData{db: db, area: area}
	a := press(startApp(t, d, 80, 24), "6", "r")
	for range len([]rune(a.data.path.Value())) {
		a = press(a, "backspace")
	}
	a = typeInto(a, extract)
	a = press(a, "enter")
	if !a.data.done || a.data.roads.Edges == 0 {
		t.Fatalf("roads import (problem %q):\n%s", a.data.problem, screenText(a))
	}
	if out := flat(screenText(a)); !strings.Contains(out, "✓ Routes importées") || !strings.Contains(out, "OpenStreetMap (ODbL)") {
		t.Errorf("report:\n%s", screenText(a))
	}
	if a.deps.Plan.Travel == nil || a.round.deps.Plan.Travel != a.deps.Plan.Travel {
		t.Error("the round does not drive on the imported roads")
	}
	if a.round.loading || a.round.day == nil {
		t.Error("the round was not reloaded")
	}
}

// blockingData imports nothing until cancelled.
type blockingData struct{ started chan struct{} }

func (b blockingData) ImportAddresses(ctx context.Context, _ string, progress func(DataProgress)) (AddressesImported, error) {
	progress(DataProgress{Fraction: 0.42, Rows: 1234})
	close(b.started)
	<-ctx.Done()
	return AddressesImported{}, ctx.Err()
}

func (b blockingData) ImportRoads(ctx context.Context, path string, progress func(DataProgress)) (RoadsImported, error) {
	_, err := b.ImportAddresses(ctx, path, progress)
	return RoadsImported{}, err
}

// TestDataProgressAndCancel: the progress bar follows the import's
// reports, and échap cancels it, said in French.
func TestDataProgressAndCancel(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(sizeName(sz), func(t *testing.T) {
			t.Parallel()
			d, _ := testDeps(t)
			d.Data, d.DataFolder = blockingData{started: make(chan struct{})}, "/media/cle"
			a := press(startApp(t, d, sz[0], sz[1]), "6")
			t.Run("idle", func(t *testing.T) { golden.RequireEqual(t, screenText(a)) })
			a = press(a, "a")
			a = typeInto(a, "adresses-62.csv.gz")
			t.Run("choosing", func(t *testing.T) { golden.RequireEqual(t, screenText(a)) })

			// Started by hand: drain would wait for the import's end.
			a, cmd := appUpdate(a, keyPress("enter"))
			cmds, ok := asCmds(cmd())
			if !ok || len(cmds) != 2 {
				t.Fatalf("start gave %T", cmd())
			}
			work := make(chan tea.Msg, 1)
			go func() { work <- cmds[0]() }()
			progress := cmds[1]()
			a, _ = appUpdate(a, progress)
			out := flat(screenText(a))
			if !strings.Contains(out, "Import des adresses… 42 % — 1 234 adresses") {
				t.Errorf("progress:\n%s", screenText(a))
			}
			t.Run("running", func(t *testing.T) { golden.RequireEqual(t, screenText(a)) })
			a, _ = appUpdate(a, keyPress("esc"))
			a, _ = appUpdate(a, <-work)
			if out := flat(screenText(a)); !strings.Contains(out, "Import annulé : les adresses déjà importées restent en service.") {
				t.Errorf("after échap:\n%s", screenText(a))
			}
		})
	}
}
