package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/paulmach/orb"

	"tournee/billing"
	"tournee/patients"
	"tournee/planner"
	"tournee/roads"
	"tournee/storage"
)

// routesSource is the routes file of the base a command opened, read once
// for the whole command: a command that plans and bills, or plans twice,
// reads a region's file once.
type routesSource struct {
	path string
	src  *roads.Shared
}

// sharedRoutes is the routes file beside db, nil when there is none.
func (a *app) sharedRoutes(db *storage.DB) *roads.Shared {
	if a.routes.src == nil || a.routes.path != db.Path() {
		a.routes = routesSource{path: db.Path(), src: roads.OpenShared(db.Path())}
	}
	return a.routes.src
}

// roadTravel is the planner's travel model for db: the imported roads when
// a routes file sits beside the database, nil (the crow model) otherwise.
func (a *app) roadTravel(db *storage.DB) planner.TravelModel {
	return roadTravel(a.sharedRoutes(db), a.env.Stderr)
}

func roadTravel(src *roads.Shared, warn io.Writer) planner.TravelModel {
	if src == nil {
		return nil
	}
	return &warnedRoads{src: src, warn: warn}
}

// warnedRoads is the shared roads' travel model, which says once (when
// warn is set) that the routes file cannot be read: the crow model is then
// used, planning never stops for want of roads. The file is read on the
// first plan only: most commands that open a day never plan.
type warnedRoads struct {
	src  *roads.Shared
	warn io.Writer
	once sync.Once
}

func (w *warnedRoads) Matrix(points []orb.Point, tp patients.TravelProfile) (planner.Matrix, error) {
	w.once.Do(func() {
		if _, err := w.src.Network(); err != nil && w.warn != nil {
			fmt.Fprintf(w.warn, "tournee : attention, routes importées illisibles : trajets estimés à vol d'oiseau ; importez à nouveau l'extrait OpenStreetMap (%v)\n", err)
		}
	})
	return w.src.Matrix(points, tp)
}

// Leg is the road geometry of a leg, for the interface's map (see
// roads.Shared.Leg).
func (w *warnedRoads) Leg(a, b orb.Point, tp patients.TravelProfile) (orb.LineString, bool) {
	return w.src.Leg(a, b, tp)
}

// Routes are the interface's uses of the roads imported beside the
// database at dbPath, all on one reading of the routes file: the
// planner's options (travel model, and the map's road legs through it)
// and the IK of the proofs. Without a routes file, both are the crow
// model's.
func Routes(dbPath string) (planner.Options, billing.Pricing) {
	src := roads.OpenShared(dbPath)
	return planner.Options{Travel: roadTravel(src, nil)}, billing.Pricing{Distance: billing.SharedDistance(src, nil)}
}
