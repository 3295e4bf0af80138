package cli

import (
	"fmt"
	"strings"

	"tournee/french"
	"tournee/patients"
	"tournee/storage"

	"github.com/spf13/cobra"
)

func (a *app) transmissionsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "transmissions",
		Aliases: []string{"tr"},
		Short:   "Écrire et lire les transmissions ciblées (cible, Données, Actions, Résultats)",
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.transmissionsAddCmd(), a.transmissionsListCmd())
	return cmd
}

func (a *app) transmissionsAddCmd() *cobra.Command {
	var t patients.Transmission
	var patient, visit, corrects string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Ajouter une transmission ciblée",
		Example: `  tournee transmissions add --patient cv1k8m3n4d0s7f2a1b3c --cible "Glycémie" \
    --donnees "1,85 g/l à jeun" --actions "Appel du Dr Poulain" --resultats "Dose du soir ajustée" --medecin`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patient == "" {
				return usagef("--patient est obligatoire")
			}
			id, err := parseID("patient", patient)
			if err != nil {
				return err
			}
			t.PatientID = id
			if visit != "" {
				if t.VisitID, err = parseID("visit", visit); err != nil {
					return err
				}
			}
			if corrects != "" {
				if t.Corrects, err = parseID("transmission", corrects); err != nil {
					return err
				}
			}
			t.At = a.env.Now()
			return a.withDB(cmd, func(db *storage.DB) error {
				if err := db.AddTransmission(cmd.Context(), &t); err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, t)
				}
				fmt.Fprintf(a.env.Stdout, "Transmission enregistrée : %s (%s, %s)\n", t.ID, french.Date(patients.DateOf(t.At)), french.Time(t.At))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&patient, "patient", "", "identifiant du patient (obligatoire)")
	f.StringVar(&t.Cible, "cible", "", "cible (ex. douleur, plaie, glycémie)")
	f.StringVar(&t.Donnees, "donnees", "", "Données : ce qui est observé")
	f.StringVar(&t.Actions, "actions", "", "Actions : ce qui a été fait")
	f.StringVar(&t.Resultats, "resultats", "", "Résultats : l'effet obtenu")
	f.BoolVar(&t.Urgent, "urgent", false, "à lire en priorité")
	f.BoolVar(&t.ForReplacement, "remplacant", false, "à l'attention du/de la remplaçant(e)")
	f.BoolVar(&t.ForDoctor, "medecin", false, "à l'attention du médecin")
	f.StringVar(&visit, "visite", "", "identifiant de la visite concernée")
	f.StringVar(&corrects, "corrige", "", "identifiant de la transmission que celle-ci corrige")
	f.BoolVar(&asJSON, "json", false, "sortie JSON")
	return cmd
}

func (a *app) transmissionsListCmd() *cobra.Command {
	var patient string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Lister les transmissions d'un patient, les plus récentes d'abord",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patient == "" {
				return usagef("--patient est obligatoire")
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := patientByID(cmd.Context(), db, patient)
				if err != nil {
					return err
				}
				ts, err := db.Transmissions(cmd.Context(), p.ID, limit)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, nonNil(ts))
				}
				w := a.env.Stdout
				fmt.Fprintf(w, "Transmissions %s (%d)\n", french.De(safe(p.DisplayName())), len(ts))
				for _, t := range ts {
					var flags []string
					for _, f := range []struct {
						on   bool
						name string
					}{{t.Urgent, "URGENT"}, {t.ForReplacement, "remplaçant"}, {t.ForDoctor, "médecin"}, {!t.Corrects.IsZero(), "correction de " + t.Corrects.String()}} {
						if f.on {
							flags = append(flags, f.name)
						}
					}
					fl := ""
					if len(flags) > 0 {
						fl = " [" + strings.Join(flags, ", ") + "]"
					}
					fmt.Fprintf(w, "\n%s %s — %s%s  (%s)\n", french.Date(patients.DateOf(t.At)), french.Time(t.At), safe(t.Cible), fl, t.ID)
					for _, l := range []struct{ k, v string }{{"D", t.Donnees}, {"A", t.Actions}, {"R", t.Resultats}} {
						if l.v != "" {
							fmt.Fprintf(w, "  %s : %s\n", l.k, safeText(l.v, "      "))
						}
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&patient, "patient", "", "identifiant du patient (obligatoire)")
	cmd.Flags().IntVar(&limit, "limit", 0, "nombre maximal de transmissions (0 = toutes)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau)")
	return cmd
}
