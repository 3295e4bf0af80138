package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"tournee/planner"
	"tournee/roads"
	"tournee/storage"
)

// roadTravel is the planner's travel model for db: the imported roads when
// a routes file sits beside the database, nil (the crow model) otherwise.
// A damaged routes file is said once on stderr and the crow model used:
// planning never stops for want of roads.
func (a *app) roadTravel(db *storage.DB) planner.TravelModel {
	return loadRoadTravel(db.Path(), a.env.Stderr)
}

func loadRoadTravel(dbPath string, warn io.Writer) planner.TravelModel {
	net, err := roads.ReadFile(roads.FileFor(dbPath))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && warn != nil {
			fmt.Fprintf(warn, "tournee : attention, routes importées illisibles : trajets estimés à vol d'oiseau ; importez à nouveau l'extrait OpenStreetMap (%v)\n", err)
		}
		return nil
	}
	return roads.NewModel(net)
}

// RoadPlanOptions are the interface's planner options for the database at
// dbPath: the imported roads when there are some.
func RoadPlanOptions(dbPath string) planner.Options {
	return planner.Options{Travel: loadRoadTravel(dbPath, nil)}
}
