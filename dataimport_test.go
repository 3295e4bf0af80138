package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/demo"
	"tournee/geo"
	"tournee/patients"
	"tournee/roads"
	"tournee/storage"
	"tournee/tui"
)

// TestDataImportsService: the « Données » screen's service imports a BAN
// file as « tournee geo import » does, with progress, and refuses the
// roads of an extract far from the cabinet (the demo is in Calais, the
// shared extract Monaco) or of a base with nothing on the map, writing no
// routes file.
func TestDataImportsService(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Create(filepath.Join(dir, "tournee.db"), []byte("demo-pass-2026-x"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := dataImports{db}

	if _, err := svc.ImportRoads(ctx, "shared/none.pbf", nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing extract: %v", err)
	}
	monaco := filepath.Join("..", "shared", "data", "osm", "monaco.osm.pbf")
	if _, err := os.Stat(monaco); err != nil {
		t.Fatalf("the shared Monaco extract is required: %v", err)
	}
	if _, err := svc.ImportRoads(ctx, monaco, nil); !errors.Is(err, tui.ErrNoArea) {
		t.Errorf("a base with nothing on the map: %v, want tui.ErrNoArea", err)
	}

	ds, err := demo.Load(patients.DateOf(time.Now()), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Seed(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportRoads(ctx, monaco, nil); !errors.Is(err, roads.ErrNoRoads) {
		t.Errorf("Monaco for a Calais cabinet: %v, want roads.ErrNoRoads", err)
	}
	if _, err := os.Stat(roads.FileFor(db.Path())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused import wrote the routes file: %v", err)
	}
	// One patient moved to Monaco: the area now holds the extract, whose
	// roads are written beside the base and given to the rounds.
	p := ds.Patients[0]
	p.Address.Point = orb.Point{7.4246, 43.7384}
	if err := db.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var fracs []float64
	got, err := svc.ImportRoads(ctx, monaco, func(p tui.DataProgress) { fracs = append(fracs, p.Fraction) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Edges == 0 || got.Travel == nil {
		t.Errorf("roads imported %+v", got)
	}
	if _, err := roads.ReadFile(roads.FileFor(db.Path())); err != nil {
		t.Errorf("routes file: %v", err)
	}
	for i, f := range fracs {
		if f < 0 || f > 1 || i > 0 && f < fracs[i-1] {
			t.Errorf("progress %v goes back or out of 0..1", fracs)
			break
		}
	}

	ban := filepath.Join(dir, "adresses-62.csv")
	f, err := os.Create(ban)
	if err != nil {
		t.Fatal(err)
	}
	if err := geo.WriteSynthetic(f, 3000, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var last tui.DataProgress
	res, err := svc.ImportAddresses(ctx, ban, func(p tui.DataProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3000 || res.Skipped != 0 || res.Streets == 0 {
		t.Errorf("imported %+v, want 3000 rows", res)
	}
	if last.Rows == 0 || last.Fraction <= 0 || last.Fraction > 1 {
		t.Errorf("last progress %+v", last)
	}
	// The first address of the file is found.
	raw, err := os.ReadFile(ban)
	if err != nil {
		t.Fatal(err)
	}
	row := strings.Split(strings.Split(string(raw), "\n")[1], ";")
	query := row[2] + " " + row[4] + " " + row[7]
	cands, err := db.GeoFind(ctx, query, 1)
	if err != nil || len(cands) == 0 || !cands[0].Exact {
		t.Errorf("%q not found after the import: %+v %v", query, cands, err)
	}
}
