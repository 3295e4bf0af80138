package cli

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/paulmach/orb"

	"tournee/patients"
	"tournee/planner"
	"tournee/roads"
	"tournee/storage"
)

// roadTravel is the planner's travel model for db: the imported roads when
// a routes file sits beside the database, nil (the crow model) otherwise.
func (a *app) roadTravel(db *storage.DB) planner.TravelModel {
	return loadRoadTravel(db.Path(), a.env.Stderr)
}

func loadRoadTravel(dbPath string, warn io.Writer) planner.TravelModel {
	path := roads.FileFor(dbPath)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return &lazyRoads{path: path, warn: warn}
}

// lazyRoads reads the routes file on the first plan only: most commands
// that open a day never plan, and a region's file takes a moment to read.
// A damaged file is said once (when warn is set) and the crow model used:
// planning never stops for want of roads.
type lazyRoads struct {
	path  string
	warn  io.Writer
	once  sync.Once
	model planner.TravelModel
}

func (l *lazyRoads) Matrix(points []orb.Point, tp patients.TravelProfile) (planner.Matrix, error) {
	l.once.Do(func() {
		net, err := roads.ReadFile(l.path)
		if err != nil {
			if l.warn != nil {
				fmt.Fprintf(l.warn, "tournee : attention, routes importées illisibles : trajets estimés à vol d'oiseau ; importez à nouveau l'extrait OpenStreetMap (%v)\n", err)
			}
			l.model = planner.DefaultCrow()
			return
		}
		l.model = roads.NewModel(net)
	})
	return l.model.Matrix(points, tp)
}

// RoadPlanOptions are the interface's planner options for the database at
// dbPath: the imported roads when there are some.
func RoadPlanOptions(dbPath string) planner.Options {
	return planner.Options{Travel: loadRoadTravel(dbPath, nil)}
}
