package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/paulmach/orb"

	"tournee/geo"
	"tournee/patients"
	"tournee/roads"
	"tournee/storage"
)

// ImportProgress is how far an import from the interface is: Fraction of
// the work (0 to 1), and the addresses read so far for a BAN file.
type ImportProgress struct {
	Fraction float64
	Rows     int
}

// ImportAddresses replaces db's address index with a BAN file, as « tournee
// geo import » does. progress, when not nil, is called from this goroutine.
// The old index stays in force on any error, cancellation included.
func ImportAddresses(ctx context.Context, db *storage.DB, path string, progress func(ImportProgress)) (storage.GeoImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return storage.GeoImportResult{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return storage.GeoImportResult{}, err
	}
	cr := &countingReader{r: f}
	rd, err := geo.NewReader(cr)
	if err != nil {
		return storage.GeoImportResult{}, fmt.Errorf("%s: %w", path, err)
	}
	var rows func(int)
	if progress != nil {
		rows = func(n int) {
			p := ImportProgress{Rows: n}
			if fi.Size() > 0 {
				p.Fraction = min(float64(cr.n)/float64(fi.Size()), 1)
			}
			progress(p)
		}
	}
	return db.GeoImport(ctx, rd, rows)
}

// ErrNoArea is a base with no patient nor nurse's start placed on the map:
// the roads to keep cannot be chosen.
var ErrNoArea = errors.New("no place to bound the cabinet's area")

// ImportRoads reads an OpenStreetMap extract into the routes file beside
// db, kept to the cabinet's area with the default margin, as « tournee
// routes import » does. progress gets the two passes as one fraction. The
// routes file already there stays in force on any error (roads.ErrNoRoads
// for an extract of another region).
func ImportRoads(ctx context.Context, db *storage.DB, src string, progress func(ImportProgress)) (*roads.Network, error) {
	if _, err := os.Stat(src); err != nil {
		return nil, err
	}
	pts, err := placesOf(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return nil, ErrNoArea
	}
	var pass func(roads.Progress)
	if progress != nil {
		pass = func(p roads.Progress) { progress(ImportProgress{Fraction: roadsFraction(p)}) }
	}
	net, err := roads.Import(ctx, src, roads.Area{Points: pts, MarginMeters: roads.DefaultMarginMeters}, pass)
	if err != nil {
		return nil, err
	}
	if err := net.WriteFile(roads.FileFor(db.Path())); err != nil {
		return nil, err
	}
	return net, nil
}

// roadsFraction is the two passes of an import as one fraction.
func roadsFraction(p roads.Progress) float64 {
	if p.Total <= 0 {
		return float64(max(p.Pass-1, 0)) / 2
	}
	return min((float64(p.Pass-1)+float64(p.Done)/float64(p.Total))/2, 1)
}

// placesOf are the places of every patient and every nurse's start.
func placesOf(ctx context.Context, st patients.Store) ([]orb.Point, error) {
	var pts []orb.Point
	ps, err := st.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Address.HasCoordinates() {
			pts = append(pts, p.Address.Point)
		}
	}
	ns, err := st.Nurses(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.Start.Point != (orb.Point{}) {
			pts = append(pts, n.Start.Point)
		}
	}
	return pts, nil
}
