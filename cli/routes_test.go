package cli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"tournee/geo"
	"tournee/planner"
)

const monacoPBF = "../../shared/data/osm/monaco.osm.pbf"

// importMonaco imports the whole Monaco extract beside a database path
// (no database needed with --tout) and returns that path.
func importMonaco(t *testing.T) (string, map[string]string) {
	t.Helper()
	if _, err := os.Stat(monacoPBF); err != nil {
		t.Fatalf("the Monaco extract is needed (../shared is part of the workspace): %v", err)
	}
	db := filepath.Join(t.TempDir(), "t.db")
	env := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	r := run(t, env, "routes", "import", monacoPBF, "--tout", "--db", db)
	if r.code != 0 {
		t.Fatalf("routes import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "© les contributeurs d'OpenStreetMap") {
		t.Errorf("import output without the OSM attribution:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("progress bar written without a terminal: %q", r.stderr)
	}
	fi, err := os.Stat(db + ".routes")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("routes file mode %v, want 0600", fi.Mode().Perm())
	}
	return db, env
}

func TestRoutesBetween(t *testing.T) {
	t.Parallel()
	db, env := importMonaco(t)
	// The Casino to the Prince's Palace.
	a, b := "43.7393, 7.4277", "43.7314, 7.4199"
	quick := decodeJSON[routeJSON](t, run(t, env, "routes", "between", a, b, "--json", "--db", db).stdout)
	short := decodeJSON[routeJSON](t, run(t, env, "routes", "between", a, b, "--metric", "distance", "--json", "--db", db).stdout)
	if !quick.Snapped || !short.Snapped || quick.Meters < 1000 || quick.Seconds <= 0 || len(quick.Roads) == 0 {
		t.Fatalf("quickest %+v, shortest %+v", quick, short)
	}
	if short.Meters > quick.Meters || short.Seconds < quick.Seconds {
		t.Errorf("shortest %+v is not shorter and slower than the quickest %+v", short, quick)
	}
	r := run(t, env, "routes", "between", a, b, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "Trajet le plus rapide : ") || !strings.Contains(r.stdout, " km.") ||
		!strings.Contains(r.stdout, "Par : ") || !strings.Contains(r.stdout, "© les contributeurs d'OpenStreetMap") {
		t.Errorf("text output:\n%s%s", r.stdout, r.stderr)
	}
	// Out at sea: the crow model, flagged.
	far := decodeJSON[routeJSON](t, run(t, env, "routes", "between", a, "43.70, 7.60", "--json", "--db", db).stdout)
	if far.Snapped || far.Meters <= 0 || len(far.Roads) != 0 {
		t.Errorf("a point 10 km from the roads: %+v, want snapped false and a crow estimate", far)
	}
	if r := run(t, env, "routes", "between", a, b, "--metric", "vite", "--db", db); r.code != ExitUsage {
		t.Errorf("--metric vite: code %d", r.code)
	}
}

func TestRoutesRefusals(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.db")
	env := map[string]string{"XDG_DATA_HOME": t.TempDir()}
	r := run(t, env, "routes", "between", "43.7393, 7.4277", "43.7314, 7.4199", "--db", db)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "aucune route importée") {
		t.Errorf("no routes file: %d %s", r.code, r.stderr)
	}
	if err := os.WriteFile(db+".routes", []byte("tournee-routes v1\nnot a network"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, env, "routes", "between", "43.7393, 7.4277", "43.7314, 7.4199", "--db", db)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "endommagé") {
		t.Errorf("damaged routes file: %d %s", r.code, r.stderr)
	}
	// A file that is not an extract leaves the routes file as it was.
	bad := filepath.Join(t.TempDir(), "x.osm.pbf")
	os.WriteFile(bad, []byte("not a pbf"), 0o600)
	r = run(t, env, "routes", "import", bad, "--tout", "--db", db)
	got, _ := os.ReadFile(db + ".routes")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "rien n'a été modifié") || string(got) != "tournee-routes v1\nnot a network" {
		t.Errorf("bad extract: %d %s; routes file now %q", r.code, r.stderr, got)
	}
}

// The demo cabinet is in the Pas-de-Calais: the Monaco extract has no road
// in its area, which the import says instead of writing an empty network.
// A damaged routes file never stops a plan: it is said, and the straight
// line used.
func TestRoutesWithTheDemoCabinet(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	r := run(t, env, "routes", "import", monacoPBF, "--db", path)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "aucune route praticable de cet extrait dans la zone du cabinet") {
		t.Errorf("Monaco for a Pas-de-Calais cabinet: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(path + ".routes"); !os.IsNotExist(err) {
		t.Errorf("a routes file was written: %v", err)
	}

	if err := os.WriteFile(path+".routes", []byte("tournee-routes v1\ncut"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, env, "plan", "--db", path, "--date", "2026-11-23", "--no-save", "--json", "--iterations", "300")
	if r.code != 0 || !strings.Contains(r.stderr, "routes importées illisibles") {
		t.Errorf("plan with a damaged routes file: %d %s", r.code, r.stderr)
	}
	os.Remove(path + ".routes")
	if r := run(t, env, "plan", "--db", path, "--date", "2026-11-23", "--no-save", "--json", "--iterations", "300"); r.code != 0 || strings.Contains(r.stderr, "routes") {
		t.Errorf("plan without routes: %d %s", r.code, r.stderr)
	}
}

// An address is looked up in the imported BAN; far from the imported
// roads, the leg is the crow model's estimate from that address's point.
func TestRoutesBetweenAddresses(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"TOURNEE_PASSPHRASE": "marée basse à Calais", "XDG_DATA_HOME": data}
	if r := run(t, env, "init", "--cabinet", "Cabinet", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	var buf bytes.Buffer
	if err := geo.WriteSynthetic(&buf, 500, 4); err != nil {
		t.Fatal(err)
	}
	ban := filepath.Join(t.TempDir(), "adresses-62.csv")
	os.WriteFile(ban, buf.Bytes(), 0o600)
	if r := run(t, env, "geo", "import", ban); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, env, "routes", "import", monacoPBF, "--tout"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	rd, _ := geo.NewReader(bytes.NewReader(buf.Bytes()))
	row, _ := rd.Next()
	q := strings.Join(strings.Fields(row.Numero+" "+row.Rep+" "+row.Voie+" "+row.CodePostal+" "+row.Commune), " ")
	r := run(t, env, "routes", "between", q, "50.95, 1.85", "--json")
	got := decodeJSON[routeJSON](t, r.stdout)
	want := math.Round(orbgeo.DistanceHaversine(orb.Point{row.Lon, row.Lat}, orb.Point{1.85, 50.95}) * planner.DefaultCircuity)
	if got.Snapped || got.Meters != want {
		t.Errorf("between %q and 50.95, 1.85: %+v, want snapped false and %.0f m (%s)", q, got, want, r.stderr)
	}
	if r := run(t, env, "routes", "between", "rue qui n'existe nulle part 62999 Nullepart", "50.95, 1.85"); r.code != ExitFailure || !strings.Contains(r.stderr, "adresse introuvable") {
		t.Errorf("unknown address: %d %s", r.code, r.stderr)
	}
}
