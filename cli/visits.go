package cli

import (
	"fmt"
	"strings"

	"tournee/french"
	"tournee/patients"
	"tournee/storage"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

func (a *app) visitsCmd() *cobra.Command {
	var date string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "visits",
		Short: "Les visites d'un jour, tournée par tournée",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d := patients.DateOf(a.env.Now())
			if date != "" {
				var err error
				if d, err = patients.ParseDate(date); err != nil {
					return usagef("--date: %v", err)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				vs, err := db.Visits(cmd.Context(), d)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, nonNil(vs))
				}
				// Names for display only; a missing one is shown by id.
				ps, err := db.Patients(cmd.Context(), patients.PatientFilter{IncludeArchived: true})
				if err != nil {
					return err
				}
				nurses, err := db.Nurses(cmd.Context())
				if err != nil {
					return err
				}
				names := map[xid.ID]string{}
				for _, p := range ps {
					names[p.ID] = p.DisplayName()
				}
				for _, n := range nurses {
					names[n.ID] = n.FullName()
				}
				w := a.env.Stdout
				fmt.Fprintf(w, "Visites du %s : %d\n", french.LongDate(d), len(vs))
				var round patients.Round
				for _, v := range vs {
					if v.Round != round {
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
					fmt.Fprintf(w, "  %s–%s%s %-28s %-8s %-9s %s — %s\n", french.Clock(v.Window.Start), french.Clock(v.Window.End), strict,
						names[v.PatientID], french.Duration(v.DurationMin), v.Status, names[v.NurseID], strings.Join(items, " ; "))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "jour (AAAA-MM-JJ ; par défaut aujourd'hui)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau)")
	return cmd
}
