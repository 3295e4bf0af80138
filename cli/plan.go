package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

func (a *app) planCmd() *cobra.Command {
	var date, nurse string
	var cabinet, asJSON, noSave bool
	var limit time.Duration
	var seed uint64
	var iterations int
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Ordonner la tournée d'un jour (une infirmière ou tout le cabinet)",
		Long: `Calcule l'ordre des visites d'un jour, tournée par tournée : heure d'arrivée, fenêtre, retard,
kilomètres et durée. Les visites du jour sont construites à partir des soins prescrits si elles
n'existent pas encore ; les jours déjà planifiés suivent d'abord les soins prescrits. Aujourd'hui, le
plan part de l'heure qu'il est (--now) et de ce qui est fait. Le plan est enregistré (ordre,
infirmière, heure prévue) sauf avec --no-save.
Les prises de sang passent par le laboratoire (ou le cabinet) avant l'heure limite des tubes.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cabinet && nurse != "" {
				return usagef("--nurse et --cabinet s'excluent")
			}
			d := patients.DateOf(a.env.Now())
			if date != "" {
				var err error
				if d, err = patients.ParseDate(date); err != nil {
					return usagef("--date : %v", err)
				}
			}
			var only xid.ID
			if nurse != "" {
				var err error
				if only, err = parseID("nurse", nurse); err != nil {
					return err
				}
			}
			if limit <= 0 {
				return usagef("--time-limit : la durée doit être positive")
			}
			if iterations < 0 {
				return usagef("--iterations : au moins 0")
			}
			opt := planner.Options{TimeLimit: limit, Seed: seed, Iterations: iterations}
			if iterations > 0 && !cmd.Flags().Changed("time-limit") {
				opt.TimeLimit = 0 // the search alone: the same plan whatever the load
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				// Stored days follow the care plans before anything is planned.
				if _, err := dayplan.Reconcile(cmd.Context(), db, a.today()); err != nil {
					return err
				}
				opt.Travel = a.roadTravel(db)
				res, err := planDay(cmd.Context(), db, d, a.env.Now(), only, opt)
				if err != nil {
					return err
				}
				if !noSave {
					if err := db.SaveVisits(cmd.Context(), res.visits); err != nil {
						return err
					}
				}
				if asJSON {
					return printJSON(a.env.Stdout, res.jsonPlan())
				}
				res.print(a.env.Stdout)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&date, "date", "", "jour (AAAA-MM-JJ ; par défaut aujourd'hui)")
	f.StringVar(&nurse, "nurse", "", "identifiant de l'infirmière : sa tournée seulement")
	f.BoolVar(&cabinet, "cabinet", false, "toutes les infirmières du cabinet ensemble (par défaut)")
	f.DurationVar(&limit, "time-limit", 180*time.Millisecond, "temps de calcul maximal pour la journée")
	f.Uint64Var(&seed, "seed", 1, "graine du calcul (même graine, même résultat à budget égal)")
	f.IntVar(&iterations, "iterations", 0, "`N` itérations de la recherche par tournée au lieu du temps de calcul : même graine, même plan, quelle que soit la charge de l'ordinateur (avec --time-limit, la première limite atteinte)")
	f.BoolVar(&asJSON, "json", false, "sortie JSON")
	f.BoolVar(&noSave, "no-save", false, "afficher le plan sans l'enregistrer")
	return cmd
}

type planResult struct {
	plan     planner.Plan
	visits   []patients.Visit // the day's visits with order, nurse and ETA set
	names    map[xid.ID]string
	warnings []planner.Warning
}

// planDay loads the day as lived at now (building its visits from the care
// plans when none are stored yet) and plans it: today's plan starts from
// now and from what is done.
func planDay(ctx context.Context, db *storage.DB, d patients.Date, now time.Time, only xid.ID, opt planner.Options) (*planResult, error) {
	day, err := dayplan.LoadAt(ctx, db, d, now)
	if err != nil {
		return nil, err
	}
	res := &planResult{names: map[xid.ID]string{}, warnings: day.Warnings}
	for _, p := range day.Patients {
		res.names[p.ID] = p.DisplayName()
	}
	for _, n := range day.Nurses {
		res.names[n.ID] = n.FullName()
	}
	if res.plan, res.visits, err = day.Plan(only, opt); err != nil {
		return nil, err
	}
	return res, nil
}

func clock(min float64) string { return french.Clock(patients.TimeOfDay(math.Round(min))) }

func (res *planResult) print(w io.Writer) {
	fmt.Fprintf(w, "Tournées du %s\n", french.LongDate(res.plan.Date))
	for _, wn := range res.warnings {
		fmt.Fprintf(w, "  ⚠ %s\n", wn.Msg)
	}
	for _, r := range res.plan.Routes {
		if len(r.Stops) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s — tournée du %s : départ %s, retour %s, %s, %s de route, %s au total",
			res.names[r.NurseID], r.Round, clock(r.Depart), clock(r.Return), french.Km(r.Meters),
			french.Duration(int(math.Round(r.DriveMin))), french.Duration(int(math.Round(r.WorkMin()))))
		if r.LateMin > 0 {
			fmt.Fprintf(w, ", %s de retard cumulé", french.Duration(int(math.Round(r.LateMin))))
		}
		fmt.Fprintln(w)
		n := 0
		for _, s := range r.Stops {
			switch {
			case s.Lab:
				fmt.Fprintf(w, "      %5s  dépôt des tubes au laboratoire\n", clock(s.Start))
			case s.Break:
				fmt.Fprintf(w, "      %5s  pause (%s)\n", clock(s.Start), french.Duration(s.DurationMin))
			default:
				n++
				flag := ""
				if s.Strict {
					flag = " horaire strict"
				}
				if s.LateMin > 0 {
					flag += fmt.Sprintf(" RETARD %s", french.Duration(int(math.Round(s.LateMin))))
				}
				// Times right-aligned (« 9h55 » under « 10h03 »): the names line up.
				fmt.Fprintf(w, "  %2d. %5s  %-28s fenêtre %s–%s, %s%s\n", n, clock(s.Start), res.names[s.PatientID],
					french.Clock(s.Window.Start), french.Clock(s.Window.End), french.Duration(s.DurationMin), flag)
			}
		}
	}
	if len(res.plan.Unplanned) > 0 {
		fmt.Fprintf(w, "\nNon planifiées (%d) :\n", len(res.plan.Unplanned))
		for _, u := range res.plan.Unplanned {
			fmt.Fprintf(w, "  - %s\n", u.Reason)
		}
	}
}

type jsonStop struct {
	Order       int     `json:"order,omitempty"`
	VisitID     string  `json:"visit_id,omitempty"`
	PatientID   string  `json:"patient_id,omitempty"`
	Patient     string  `json:"patient,omitempty"`
	Lab         bool    `json:"lab,omitempty"`
	Break       bool    `json:"break,omitempty"`
	Arrival     string  `json:"arrival"`
	Start       string  `json:"start"`
	Window      string  `json:"window,omitempty"`
	Strict      bool    `json:"strict,omitempty"`
	DurationMin int     `json:"duration_min"`
	LateMin     float64 `json:"late_min"`
	Km          float64 `json:"km"`
}

type jsonRoute struct {
	NurseID  string     `json:"nurse_id"`
	Nurse    string     `json:"nurse"`
	Round    string     `json:"round"`
	Depart   string     `json:"depart"`
	Return   string     `json:"return"`
	Km       float64    `json:"km"`
	DriveMin float64    `json:"drive_min"`
	TotalMin float64    `json:"total_min"`
	LateMin  float64    `json:"late_min"`
	Stops    []jsonStop `json:"stops"`
}

type jsonUnplanned struct {
	VisitID   string `json:"visit_id"`
	PatientID string `json:"patient_id"`
	Reason    string `json:"reason"`
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func (res *planResult) jsonPlan() any {
	out := struct {
		Date      string          `json:"date"`
		Routes    []jsonRoute     `json:"routes"`
		Unplanned []jsonUnplanned `json:"unplanned"`
		Warnings  []string        `json:"warnings"`
	}{Date: res.plan.Date.String(), Routes: []jsonRoute{}, Unplanned: []jsonUnplanned{}, Warnings: []string{}}
	for _, wn := range res.warnings {
		out.Warnings = append(out.Warnings, wn.Msg)
	}
	for _, r := range res.plan.Routes {
		jr := jsonRoute{NurseID: r.NurseID.String(), Nurse: res.names[r.NurseID], Round: string(r.Round),
			Depart: clock(r.Depart), Return: clock(r.Return), Km: round1(r.Meters / 1000), DriveMin: round1(r.DriveMin),
			TotalMin: round1(r.WorkMin()), LateMin: round1(r.LateMin), Stops: []jsonStop{}}
		n := 0
		for _, s := range r.Stops {
			js := jsonStop{Lab: s.Lab, Break: s.Break, Arrival: clock(s.Arrival), Start: clock(s.Start),
				DurationMin: s.DurationMin, LateMin: round1(s.LateMin), Km: round1(s.Meters / 1000), Strict: s.Strict}
			if !s.VisitID.IsZero() {
				n++
				js.Order, js.VisitID, js.PatientID, js.Patient = n, s.VisitID.String(), s.PatientID.String(), res.names[s.PatientID]
				js.Window = s.Window.Start.String() + "-" + s.Window.End.String()
			}
			jr.Stops = append(jr.Stops, js)
		}
		out.Routes = append(out.Routes, jr)
	}
	for _, u := range res.plan.Unplanned {
		out.Unplanned = append(out.Unplanned, jsonUnplanned{u.VisitID.String(), u.PatientID.String(), u.Reason})
	}
	return out
}
