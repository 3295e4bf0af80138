package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/replacement"
	"tournee/storage"
)

func (a *app) remplacementsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remplacements",
		Short: "Les remplacements du cabinet : liste, annulation, fin anticipée",
		Long: `Un remplacement est enregistré quand son dossier est préparé (« tournee handover export ») et
partagé avec le cabinet à la synchronisation : pendant sa période, le/la titulaire n'est pas planifié(e)
(CSP R.4312-84) et ses tournées vont au/à la remplaçant(e).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.remplacementsListCmd(), a.remplacementsCancelCmd(), a.remplacementsShortenCmd())
	return cmd
}

func (a *app) remplacementsListCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Lister les remplacements (en cours et à venir ; --all : tous)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				recs, err := db.Replacements(cmd.Context())
				if err != nil {
					return err
				}
				nurses, err := db.Nurses(cmd.Context())
				if err != nil {
					return err
				}
				today, n := a.today(), 0
				for _, r := range recs {
					if !all && (!r.Active() || r.To.Before(today)) {
						continue
					}
					n++
					fmt.Fprintln(a.env.Stdout, describeReplacement(r, nurses))
				}
				if n == 0 {
					fmt.Fprintln(a.env.Stdout, "Aucun remplacement en cours ou à venir.")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "montrer aussi les remplacements passés et annulés")
	return cmd
}

// describeReplacement is one replacement on one line, then its state.
func describeReplacement(r patients.ReplacementRecord, nurses []patients.Nurse) string {
	names := map[string]string{}
	for _, n := range nurses {
		names[n.ID.String()] = n.FullName()
	}
	var tits []string
	for _, t := range r.Titulaires {
		tits = append(tits, names[t.String()])
	}
	var state []string
	state = append(state, "part du cabinet "+french.Percent(r.Share), "contrat : "+string(r.Contract))
	if r.PackSent.IsZero() {
		state = append(state, "dossier préparé, non envoyé")
	} else {
		state = append(state, "dossier envoyé le "+french.ShortDate(patients.DateOf(r.PackSent)))
	}
	if !r.ReturnImported.IsZero() {
		state = append(state, "retour importé le "+french.ShortDate(patients.DateOf(r.ReturnImported)))
	}
	if !r.PlannedTo.IsZero() {
		state = append(state, "raccourci (fin prévue le "+french.ShortDate(r.PlannedTo)+")")
	}
	if !r.Active() {
		state = append(state, "ANNULÉ le "+french.ShortDate(patients.DateOf(r.Cancelled)))
		if r.CancelReason != "" {
			state[len(state)-1] += " (" + r.CancelReason + ")"
		}
	}
	return fmt.Sprintf("%s  %s en remplacement %s par %s\n    %s", r.ID, patients.NameList(tits), french.Period(r.From, r.To),
		names[r.Remplacant.String()], strings.Join(state, " · "))
}

func (a *app) remplacementsCancelCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "cancel ID [--motif TEXTE]",
		Short: "Annuler un remplacement : le/la titulaire est de nouveau planifié(e) sur la période",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("remplacement", args[0])
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				r, err := replacement.Cancel(cmd.Context(), db, id, strings.TrimSpace(reason), a.env.Now())
				if err != nil {
					return err
				}
				if _, err := dayplan.Reconcile(cmd.Context(), db, a.today()); err != nil {
					return fmt.Errorf("replacement cancelled, stored days not updated: %w", err)
				}
				fmt.Fprintf(a.env.Stdout, "Remplacement annulé (%s) : les tournées de la période reviennent au/à la titulaire.\n", french.Period(r.From, r.To))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "motif", "", "pourquoi le remplacement est annulé")
	return cmd
}

func (a *app) remplacementsShortenCmd() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "shorten ID --au AAAA-MM-JJ",
		Short: "Terminer un remplacement plus tôt : le/la titulaire reprend le lendemain",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("remplacement", args[0])
			if err != nil {
				return err
			}
			end, err := patients.ParseDate(to)
			if err != nil {
				return usagef("--au : date illisible « %s » (AAAA-MM-JJ)", to)
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				r, err := replacement.Shorten(cmd.Context(), db, id, end)
				if err != nil {
					return err
				}
				if _, err := dayplan.Reconcile(cmd.Context(), db, a.today()); err != nil {
					return fmt.Errorf("replacement shortened, stored days not updated: %w", err)
				}
				fmt.Fprintf(a.env.Stdout, "Remplacement raccourci : désormais %s ; le/la titulaire reprend le %s.\n",
					french.Period(r.From, r.To), french.LongDate(r.To.AddDays(1)))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "au", "", "nouveau dernier jour du remplacement (AAAA-MM-JJ)")
	return cmd
}
