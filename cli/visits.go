package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

// cancelledGroup heads the cancelled visits of a listing (--all).
const cancelledGroup patients.Round = "annulées"

// openTimeLimit bounds the ordering of a day opened for the first time.
const openTimeLimit = 180 * time.Millisecond

func (a *app) visitsCmd() *cobra.Command {
	var date string
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "visits",
		Short: "Les visites d'un jour, tournée par tournée ; faite, absent, reportée",
		Long: `Les visites d'un jour, tournée par tournée et dans l'ordre de chaque infirmière. Les jours déjà
planifiés sont d'abord mis à jour avec les soins prescrits ; un jour à venir jamais ordonné est
ordonné pour le cabinet et enregistré, et une visite nouvelle (soin ajouté) prend place dans une
tournée. Les jours passés sont montrés tels qu'ils ont été vécus.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := a.env.Now()
			d := patients.DateOf(now)
			if date != "" {
				var err error
				if d, err = patients.ParseDate(date); err != nil {
					return usagef("--date: %v", err)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				day, ordered, err := a.openDay(cmd.Context(), db, d)
				if err != nil {
					return err
				}
				vs := sortedVisits(day.Visits, day.Nurses)
				if all {
					vs = append(vs, day.Cancelled...)
				}
				if asJSON {
					return printJSON(a.env.Stdout, nonNil(vs))
				}
				names := dayNames(day)
				w := a.env.Stdout
				fmt.Fprintf(w, "Visites du %s : %d\n", french.LongDate(d), len(day.Visits))
				if ordered {
					fmt.Fprintln(w, "(tournées ordonnées et enregistrées à l'ouverture de ce jour)")
				}
				var round patients.Round
				for _, v := range vs {
					if v.Status == patients.Cancelled {
						if round != cancelledGroup {
							round = cancelledGroup
							fmt.Fprintf(w, "\nAnnulées (%d)\n", len(day.Cancelled))
						}
					} else if v.Round != round {
						round = v.Round
						fmt.Fprintf(w, "\nTournée du %s\n", round)
					}
					var items []string
					for _, it := range v.Items {
						items = append(items, it.Label)
					}
					strict := " "
					if v.Strict {
						strict = "!"
					}
					eta := "     "
					if v.Order > 0 && v.PlannedArrival > 0 {
						eta = fmt.Sprintf("%5s", french.Clock(v.PlannedArrival))
					}
					status := string(v.Status)
					if v.Status == patients.Done && !v.DoneAt.IsZero() {
						status += " " + french.Time(v.DoneAt)
					}
					if v.Order == 0 && v.LeftOut != "" && v.Status == patients.Planned {
						eta = "  ⚠  "
						items = append(items, "sans place : "+v.LeftOut)
					}
					fmt.Fprintf(w, "  %s  %s–%s%s %-28s %-8s %-11s %s — %s  %s\n", eta, french.Clock(v.Window.Start), french.Clock(v.Window.End), strict,
						safe(names[v.PatientID]), french.Duration(v.DurationMin), status, safe(names[v.NurseID]), safe(strings.Join(items, " ; ")), v.ID)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "jour (AAAA-MM-JJ ; par défaut aujourd'hui)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau)")
	cmd.Flags().BoolVar(&all, "all", false, "montrer aussi les visites annulées (soin arrêté, patient absent)")
	cmd.AddCommand(a.visitOutcomeCmd(outcomeDone), a.visitOutcomeCmd(outcomeAbsent), a.visitOutcomeCmd(outcomePostpone))
	return cmd
}

// openDay brings the stored days in line with the care plans, then loads
// day d as lived now: from today on it is ordered if it never was, and new
// visits are put in a round (dayplan.Open); a past day is read as stored.
func (a *app) openDay(ctx context.Context, db *storage.DB, d patients.Date) (*dayplan.Day, bool, error) {
	now := a.env.Now()
	if _, err := dayplan.Reconcile(ctx, db, patients.DateOf(now)); err != nil {
		return nil, false, err
	}
	return dayplan.Open(ctx, db, d, now, planner.Options{TimeLimit: openTimeLimit, Seed: 1, Travel: a.roadTravel(db)})
}

// sortedVisits orders a day as the rounds go: morning then evening, nurse
// by nurse in the cabinet's order, each in her order (never ordered ones
// last, by window).
func sortedVisits(vs []patients.Visit, nurses []patients.Nurse) []patients.Visit {
	rank := map[xid.ID]int{}
	for i, n := range nurses {
		rank[n.ID] = i + 1
	}
	out := slices.Clone(vs)
	slices.SortStableFunc(out, func(x, y patients.Visit) int {
		if c := cmp.Compare(roundRank(x.Round), roundRank(y.Round)); c != 0 {
			return c
		}
		if c := cmp.Compare(rank[x.NurseID], rank[y.NurseID]); c != 0 {
			return c
		}
		if (x.Order > 0) != (y.Order > 0) {
			if x.Order > 0 {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(x.Order, y.Order); c != 0 {
			return c
		}
		return cmp.Compare(x.Window.Start, y.Window.Start)
	})
	return out
}

func roundRank(r patients.Round) int {
	if r == patients.Evening {
		return 1
	}
	return 0
}

// dayNames maps the day's patient and nurse ids to display names.
func dayNames(day *dayplan.Day) map[xid.ID]string {
	names := map[xid.ID]string{}
	for _, p := range day.Patients {
		names[p.ID] = p.DisplayName()
	}
	for _, n := range day.Nurses {
		names[n.ID] = n.FullName()
	}
	return names
}
