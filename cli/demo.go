package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"tournee/dayplan"
	"tournee/demo"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

// demoPassphrase opens the demo database unless TOURNEE_PASSPHRASE says otherwise.
const demoPassphrase = "demo"

// demoHistoryDays of past visits are seeded as done, and demoAheadDays of
// future ones as planned, so history and planning screens have content.
const demoHistoryDays, demoAheadDays = 7, 13

func (a *app) demoCmd() *cobra.Command {
	var (
		noTUI      bool
		iterations int
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Essayer tournée sur un cabinet de démonstration (patients fictifs)",
		Long: `Crée une base neuve à partir du cabinet de démonstration (trois infirmières titulaires et une
remplaçante, 66 patients fictifs près de Calais), vécue jusqu'à maintenant : la semaine passée est
faite, les visites du jour déjà passées aussi, et les tournées sont organisées jusqu'à J+13 ; puis
ouvre l'interface.

Sans --db, la base vit dans un dossier temporaire effacé à la sortie. Avec --db, elle est gardée
(et réutilisée si elle existe déjà). Sa phrase de passe est « demo », sauf si TOURNEE_PASSPHRASE est défini.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := a.dbFlag
			if path == "" {
				dir, err := os.MkdirTemp("", "tournee-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				path = filepath.Join(dir, "demo.db")
			}
			pass := []byte(demoPassphrase)
			if p := a.env.Getenv("TOURNEE_PASSPHRASE"); p != "" {
				pass = []byte(p)
			}
			if iterations < 0 {
				return usagef("--iterations : au moins 0")
			}
			db, reused, err := openOrSeedDemo(cmd.Context(), path, pass, a.env, iterations)
			if err != nil {
				return err
			}
			defer db.Close()
			if reused {
				fmt.Fprintf(a.env.Stdout, "Base de démonstration existante réutilisée : %s\n", path)
			} else {
				fmt.Fprintf(a.env.Stdout, "Base de démonstration créée : %s (phrase de passe « %s »)\n", path, pass)
			}
			if err := printSummary(cmd.Context(), a.env, db); err != nil {
				return err
			}
			if noTUI {
				return nil
			}
			if a.env.RunTUI == nil {
				keep := path
				if a.dbFlag == "" {
					// The temporary base disappears with this command: suggest keeping one.
					keep = "demo.db"
					fmt.Fprintln(a.env.Stdout, "\nCette base temporaire est effacée à la sortie. Pour la garder et l'explorer :\n"+
						"  tournee demo --db demo.db --no-tui")
				}
				fmt.Fprintln(a.env.Stdout, "\nL'interface plein écran arrive dans une prochaine version ; en attendant (phrase de passe « demo ») :\n"+
					"  tournee plan --db "+keep+"\n  tournee visits --db "+keep+"\n  tournee patients list --db "+keep)
				return nil
			}
			return a.runTUI(cmd.Context(), db)
		},
	}
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "créer la base et afficher un résumé, sans ouvrir l'interface")
	cmd.Flags().IntVar(&iterations, "iterations", 0, "organiser les tournées par une recherche fixe de `N` itérations (N pour celles du jour, N/20 et au moins 100 pour les autres) au lieu d'un temps de calcul : la même démo sur tous les ordinateurs, quelle que soit leur charge")
	return cmd
}

// openOrSeedDemo reuses an existing demo file, or creates and seeds one.
// The new base is built aside and appears at path only once seeded, so a
// demo killed halfway leaves nothing that blocks the next run. Its
// passphrase is not checked for strength: « demo » is known on purpose,
// the base holds fictitious patients only.
// Iterations, when not zero, fixes the search of each round (seedDemoWith).
func openOrSeedDemo(ctx context.Context, path string, pass []byte, env Env, iterations int) (*storage.DB, bool, error) {
	if _, err := os.Stat(path); err == nil {
		db, err := storage.Open(path, pass, storage.Options{Now: env.Now})
		return db, true, err
	}
	db, err := storage.CreateWith(path, pass, storage.Options{Now: env.Now}, func(db *storage.DB) error {
		if err := seedDemoWith(ctx, db, env.Now(), iterations); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		// The seeded days are the care plans' days: reconciling them here
		// finds nothing to change and stamps it, so the first screen and
		// the first commands do not read them all again.
		if _, err := dayplan.Reconcile(ctx, db, patients.DateOf(env.Now())); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return db, false, nil
}

// seedDemoWith loads the embedded cabinet and builds its visits around
// today: the past week done, today done until now and the rest ordered from
// now, the coming days planned. Every day is ordered as « tournee plan »
// would order it (the nurses on duty that day, a replaced titulaire's
// visits handed to her stand-in, the cabinet's lab), so the rounds have an
// order and times from the first screen. Visit ids are derived as dayplan
// derives them, so a day built again later is the same day. Iterations,
// when not zero, replaces the planning budgets by a fixed search (demo
// --iterations): the same demo whatever the machine and its load.
func seedDemoWith(ctx context.Context, db *storage.DB, now time.Time, iterations int) error {
	today := patients.DateOf(now)
	ds, err := demo.Load(today, xid.New)
	if err != nil {
		return err
	}
	var opt planner.Options
	if lab, ok := ds.Cabinet.LabPlace(); ok {
		opt.Lab = &lab
	}
	// The days are planned side by side (each is independent), with a
	// smaller budget for the past week, which is only history: creating the
	// demo takes a second or two, not six.
	n := demoHistoryDays + demoAheadDays + 1
	days := make([][]patients.Visit, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			off := k - demoHistoryDays
			o := opt
			o.TimeLimit = demoPlanBudget
			if off < 0 {
				o.TimeLimit = demoPastBudget
			}
			if iterations > 0 {
				// Today is what the tests look at; the other days only
				// need to exist.
				o.TimeLimit, o.Iterations, o.Seed = 0, iterations, 1
				if off != 0 {
					o.Iterations = max(100, iterations/20)
				}
			}
			days[k], errs[k] = seedDay(ds, today.AddDays(off), off, now, o)
		}()
	}
	wg.Wait()
	for k := range n {
		if errs[k] != nil {
			return errs[k]
		}
		ds.Visits = append(ds.Visits, days[k]...)
	}
	return db.Seed(ctx, ds)
}

// The planning budgets of the seeded days: the coming ones as the app plans
// a day, the past week (done visits, history) lighter.
const demoPlanBudget, demoPastBudget = 120 * time.Millisecond, 40 * time.Millisecond

// seedDay builds and orders day d (off days from today) of the demo cabinet:
// the visits as the app stores them, done when they are over at now.
func seedDay(ds patients.Dataset, d patients.Date, off int, now time.Time, opt planner.Options) ([]patients.Visit, error) {
	day, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, xid.New)
	if err != nil {
		return nil, fmt.Errorf("visits of %s: %w", d, err)
	}
	dayplan.StableIDs(d, day.Visits)
	onDuty, standIn := patients.OnDuty(ds.Nurses, d)
	for i := range day.Visits {
		if s, ok := standIn[day.Visits[i].NurseID]; ok {
			day.Visits[i].NurseID = s
		}
	}
	plan, err := planner.PlanDay(day.Visits, planner.Context{Date: d, Patients: ds.Patients, Nurses: onDuty}, opt)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", d, err)
	}
	// When each nurse dropped her tubes at the lab, in the plan.
	labAt := map[xid.ID]time.Time{}
	for _, r := range plan.Routes {
		for _, st := range r.Stops {
			if st.Lab {
				labAt[r.NurseID] = d.At(patients.TimeOfDay(st.Start + float64(st.DurationMin)))
			}
		}
	}
	var out []patients.Visit
	for _, v := range dayplan.Apply(plan, day.Visits) {
		if off < 0 && v.Order == 0 {
			// The past week's history is whole: a visit the light planning
			// of that week left out was made at the start of its window.
			v.PlannedArrival = v.Window.Start
		}
		end := d.At(v.PlannedArrival).Add(time.Duration(v.DurationMin) * time.Minute)
		// Past visits were done at their planned start, by the nurse of the
		// round, and took the time planned; so were today's already over:
		// the demo opens on a day lived until now.
		if off < 0 || (v.Order > 0 && off == 0 && !end.After(now)) {
			v.Status = patients.Done
			v.DoneAt = end.UTC()
			v.DoneBy = v.NurseID
			if at, ok := labAt[v.NurseID]; ok && v.LabBefore > 0 && !at.After(now) {
				v.TubesDroppedAt = at.UTC()
			}
		}
		out = append(out, v)
	}
	if off == 0 && now.After(d.At(0)) {
		// Today as the nurses live it: what is left is ordered from now
		// and from where each one is, as « o réoptimiser » does. Kept as
		// planned at dawn, a round opens late on a strict insulin the
		// first re-timing from the done visits' real hours pushes past
		// its window.
		o := opt
		o.Now = float64(patients.TimeOfDayOf(now))
		plan, err := planner.PlanDay(out, planner.Context{Date: d, Patients: ds.Patients, Nurses: onDuty}, o)
		if err != nil {
			return nil, fmt.Errorf("plan %s from now: %w", d, err)
		}
		out = dayplan.Apply(plan, out)
	}
	return out, nil
}

func printSummary(ctx context.Context, env Env, db *storage.DB) error {
	c, err := db.Cabinet(ctx)
	if err != nil && !errors.Is(err, patients.ErrNotFound) {
		return err
	}
	nurses, err := db.Nurses(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		return err
	}
	plans, err := db.CarePlans(ctx, xid.NilID())
	if err != nil {
		return err
	}
	today := patients.DateOf(env.Now())
	vs, err := db.Visits(ctx, today)
	if err != nil {
		return err
	}
	byRound := map[patients.Round]int{}
	for _, v := range vs {
		byRound[v.Round]++
	}
	withINS := 0
	for _, p := range ps {
		if p.INS.Qualified() {
			withINS++
		}
	}
	fmt.Fprintf(env.Stdout, "%s : %d infirmier(e)s, %d patients (%d avec INS qualifiée), %d soins prescrits.\n",
		c.Name, len(nurses), len(ps), withINS, len(plans))
	fmt.Fprintf(env.Stdout, "Aujourd'hui, %s : %d visites (%d le matin, %d le soir).\n",
		french.Date(today), len(vs), byRound[patients.Morning], byRound[patients.Evening])
	return nil
}
