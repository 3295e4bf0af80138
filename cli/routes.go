package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/spf13/cobra"

	"tournee/french"
	"tournee/geo"
	"tournee/patients"
	"tournee/planner"
	"tournee/roads"
)

// osmCredit is the attribution the ODbL asks of anything showing road data
// derived from OpenStreetMap.
const osmCredit = "© les contributeurs d'OpenStreetMap"

func (a *app) routesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "Routes hors ligne : importer un extrait OpenStreetMap, calculer un trajet",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.routesImportCmd(), a.routesBetweenCmd())
	return cmd
}

func (a *app) routesImportCmd() *cobra.Command {
	var marginKm float64
	var whole bool
	cmd := &cobra.Command{
		Use:   "import FICHIER.osm.pbf",
		Short: "Importer les routes d'un extrait OpenStreetMap (Geofabrik, format PBF)",
		Long: `Importe les routes praticables en voiture d'un extrait régional OpenStreetMap au format PBF
(par exemple nord-pas-de-calais-latest.osm.pbf, téléchargé sur download.geofabrik.de), limitées à la zone
du cabinet : tous les patients et points de départ des infirmières, plus une marge. Les temps de trajet,
les kilomètres et les heures d'arrivée des tournées suivent alors les vraies routes (sens uniques compris).
Un nouvel import remplace le précédent d'un seul coup. Données ` + osmCredit + ` (licence ODbL).`,
		Example: `  tournee routes import nord-pas-de-calais-latest.osm.pbf`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(marginKm >= 0) || marginKm > 200 {
				return usagef("--margin-km : une distance entre 0 et 200 km")
			}
			if _, err := os.Stat(args[0]); err != nil {
				return err
			}
			dbPath, err := a.env.dbPath(a.dbFlag)
			if err != nil {
				return err
			}
			area := roads.Area{MarginMeters: marginKm * 1000}
			if !whole {
				pts, err := a.cabinetPoints(cmd.Context())
				if err != nil {
					return err
				}
				if len(pts) == 0 {
					return refusef("aucun patient ni point de départ placé sur la carte : impossible de délimiter la zone du cabinet (ou importez tout l'extrait avec --tout)")
				}
				area.Points = pts
			}
			return a.importRoutes(cmd.Context(), args[0], dbPath, area)
		},
	}
	cmd.Flags().Float64Var(&marginKm, "margin-km", roads.DefaultMarginMeters/1000, "marge autour de la zone du cabinet, en km")
	cmd.Flags().BoolVar(&whole, "tout", false, "garder tout l'extrait au lieu de la zone du cabinet (sans ouvrir la base)")
	return cmd
}

// cabinetPoints are the places of every patient and every nurse's start.
func (a *app) cabinetPoints(ctx context.Context) ([]orb.Point, error) {
	db, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return placesOf(ctx, db)
}

func (a *app) importRoutes(ctx context.Context, src, dbPath string, area roads.Area) error {
	w := a.env.Stderr
	start := time.Now()
	var progress func(roads.Progress)
	if a.env.IsTerminal != nil && a.env.IsTerminal() {
		progress = func(p roads.Progress) {
			pct := roadsFraction(p)
			done := int(pct * 30)
			step := "routes"
			if p.Pass == 2 {
				step = "points"
			}
			fmt.Fprintf(w, "\r[%s%s] %3.0f %% — lecture des %s", strings.Repeat("█", done), strings.Repeat("░", 30-done), pct*100, step)
		}
	}
	net, err := roads.Import(ctx, src, area, progress)
	if progress != nil {
		fmt.Fprintln(w)
	}
	if errors.Is(err, roads.ErrNoRoads) {
		return refusef("aucune route praticable de cet extrait dans la zone du cabinet : est-ce le bon département ? Rien n'a été modifié.")
	}
	if err != nil {
		return fmt.Errorf("import des routes impossible, rien n'a été modifié : %w", err)
	}
	if err := net.WriteFile(roads.FileFor(dbPath)); err != nil {
		return fmt.Errorf("enregistrement des routes impossible, l'ancien réseau est conservé : %w", err)
	}
	fmt.Fprintf(a.env.Stdout, "Routes importées : %s carrefours, %s tronçons, en %s s.\n",
		french.Count(net.Nodes()), french.Count(net.Edges()), strings.Replace(fmt.Sprintf("%.1f", time.Since(start).Seconds()), ".", ",", 1))
	fmt.Fprintf(a.env.Stdout, "Zone : %.4f, %.4f — %.4f, %.4f. Fichier : %s\n",
		net.Bound.Min.Lat(), net.Bound.Min.Lon(), net.Bound.Max.Lat(), net.Bound.Max.Lon(), roads.FileFor(dbPath))
	fmt.Fprintln(a.env.Stdout, "Données routières "+osmCredit+" (ODbL).")
	return nil
}

func (a *app) routesBetweenCmd() *cobra.Command {
	var metric, profile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "between A B",
		Short: "Trajet entre deux points (« lat, lon » ou adresse) sur les routes importées",
		Long: `Calcule le trajet en voiture de A à B sur les routes importées (« tournee routes import ») : durée,
kilomètres et routes principales. A et B sont des coordonnées « latitude, longitude » ou des adresses
cherchées dans la Base Adresse Nationale importée. Un point à plus de 1 km de toute route importée
est estimé à vol d'oiseau × 1,3, comme sans routes (« snapped »: false en JSON).`,
		Example: `  tournee routes between "43.7384, 7.4246" "43.7311, 7.4197"
  tournee routes between "43.7384, 7.4246" "43.7311, 7.4197" --metric distance --json`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := roads.Time
			switch metric {
			case "time", "temps":
			case "distance":
				m = roads.Distance
			default:
				return usagef("--metric : « time » (le plus rapide) ou « distance » (le plus court), pas %q", metric)
			}
			tp := patients.TravelProfile(profile)
			if tp != patients.Urban && tp != patients.Rural {
				return usagef("--profile : « urbain » ou « rural », pas %q", profile)
			}
			dbPath, err := a.env.dbPath(a.dbFlag)
			if err != nil {
				return err
			}
			net, err := roads.ReadFile(roads.FileFor(dbPath))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return refusef("aucune route importée pour cette base : lancez d'abord « tournee routes import FICHIER.osm.pbf »")
			case errors.Is(err, roads.ErrDamaged):
				return fmt.Errorf("le fichier des routes est endommagé : importez à nouveau l'extrait OpenStreetMap (%w)", err)
			case err != nil:
				return err
			}
			var pts [2]orb.Point
			for i, s := range args {
				if pts[i], err = a.routePoint(cmd.Context(), s); err != nil {
					return err
				}
			}
			return a.printRoute(net, pts, m, tp, asJSON)
		},
	}
	cmd.Flags().StringVar(&metric, "metric", "time", "« time » : le trajet le plus rapide ; « distance » : le plus court en km (sens uniques respectés)")
	cmd.Flags().StringVar(&profile, "profile", string(patients.Rural), "vitesses par défaut des routes sans limitation indiquée : « urbain » ou « rural »")
	cmd.Flags().BoolVar(&asJSON, "json", false, `sortie JSON : {"seconds", "meters", "snapped", "roads"}`)
	return cmd
}

// routePoint reads « lat, lon », or looks an address up in the BAN index
// (which opens the database).
func (a *app) routePoint(ctx context.Context, s string) (orb.Point, error) {
	if p, _, err := geo.ParseCoordinates(s); err == nil {
		return p, nil
	} else if strings.ContainsAny(s, "0123456789") && !strings.ContainsFunc(s, isLetter) {
		return orb.Point{}, usageError{err}
	}
	var p orb.Point
	err := func() error {
		db, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		cands, err := db.GeoFind(ctx, s, 1)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return refusef("adresse introuvable dans la base d'adresses : « %s »", s)
		}
		p = orb.Point{cands[0].Lon, cands[0].Lat}
		return nil
	}()
	return p, err
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 }

// routeJSON is the --json output.
type routeJSON struct {
	Seconds float64  `json:"seconds"`
	Meters  float64  `json:"meters"`
	Snapped bool     `json:"snapped"`
	Roads   []string `json:"roads"`
}

func (a *app) printRoute(net *roads.Network, pts [2]orb.Point, m roads.Metric, tp patients.TravelProfile, asJSON bool) error {
	prof := roads.Rural
	if tp == patients.Urban {
		prof = roads.Urban
	}
	r, unsnapped, ok := net.Route(pts[0], pts[1], m, prof)
	out := routeJSON{Seconds: math.Round(r.Seconds), Meters: math.Round(r.Meters), Snapped: ok, Roads: r.Roads}
	if out.Roads == nil {
		out.Roads = []string{}
	}
	why := ""
	if !ok {
		// The crow model, as the planner falls back to it.
		crow, err := planner.DefaultCrow().Matrix(pts[:], tp)
		if err != nil {
			return usagef("point inutilisable : %v", err)
		}
		out.Meters = math.Round(crow.Meters(0, 1))
		out.Seconds = math.Round((crow.Minutes(0, 1) - planner.DefaultStopMinutes) * 60)
		switch unsnapped {
		case 0:
			why = "le départ est à plus de 1 km de toute route importée"
		case 1:
			why = "l'arrivée est à plus de 1 km de toute route importée"
		default:
			why = "aucune route importée ne relie ces deux points (île, zone coupée par les limites de l'import)"
		}
	}
	if asJSON {
		return printJSON(a.env.Stdout, out)
	}
	w := a.env.Stdout
	kind := "le plus rapide"
	if m == roads.Distance {
		kind = "le plus court"
	}
	if !ok {
		fmt.Fprintf(w, "Pas de trajet sur les routes : %s.\nEstimation à vol d'oiseau × %s : %s, %s.\n",
			why, strings.Replace(fmt.Sprint(planner.DefaultCircuity), ".", ",", 1), french.Duration(int(math.Round(out.Seconds/60))), french.Km(out.Meters))
	} else {
		fmt.Fprintf(w, "Trajet %s : %s, %s.\n", kind, french.Duration(int(math.Round(out.Seconds/60))), french.Km(out.Meters))
		if len(r.Roads) > 0 {
			fmt.Fprintln(w, "Par : "+safe(strings.Join(r.Roads, ", "))+".")
		}
	}
	fmt.Fprintln(w, "Données routières "+osmCredit+".")
	return nil
}
