package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"tournee/billing"
	"tournee/french"
	"tournee/ngap"
	"tournee/pdfdoc"
	"tournee/storage"
)

func (a *app) preuveCmd() *cobra.Command {
	var patient, from, to, out string
	var pf pricingFlags
	cmd := &cobra.Command{
		Use:   "preuve",
		Short: "Preuve de soins d'un patient sur une période (PDF et CSV), en cas de contestation d'indu",
		Long: `Écrit, pour un patient et une période, un PDF et un CSV à côté (même nom, .csv) : les
prescriptions (prescripteur, dates, validité, cotation), chaque visite faite (date, heure réelle de
début et de fin, infirmière, soins, cotation et montant) et les transmissions de la période ou
liées à ces visites. L'empreinte SHA-256 du CSV est imprimée sur le PDF : elle permet de vérifier
que le fichier n'a pas été modifié (sha256sum FICHIER.csv). Aucun fichier existant n'est écrasé.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patient == "" || from == "" || to == "" || out == "" {
				return usagef("--patient, --from, --to et --out sont obligatoires")
			}
			if !strings.EqualFold(filepath.Ext(out), ".pdf") {
				return usagef("--out : le fichier doit finir par .pdf (le CSV est écrit à côté)")
			}
			start, end, err := billingPeriod(from, to)
			if err != nil {
				return err
			}
			pr, err := pf.parse()
			if err != nil {
				return err
			}
			pid, err := parseID("patient", patient)
			if err != nil {
				return err
			}
			tariffs, err := ngap.Load()
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				proof, p, err := billing.Proof(cmd.Context(), db, pid, start, end, a.withRoads(pr, db), tariffs, a.env.Now())
				if err != nil {
					return err
				}
				pdf, err := pdfdoc.Render(proof.Report)
				if err != nil {
					return err
				}
				csvPath, err := billing.WriteProof(out, pdf, proof)
				if err != nil {
					return err
				}
				w := a.env.Stdout
				fmt.Fprintf(w, "Preuve de soins %s %s : %d visite(s) faite(s)\n", french.De(safe(p.DisplayName())), french.Period(start, end), proof.Visits)
				fmt.Fprintf(w, "  PDF : %s\n  CSV : %s\n  empreinte SHA-256 du CSV : %s\n", safe(out), safe(csvPath), proof.SHA256)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&patient, "patient", "", "identifiant du patient")
	f.StringVar(&from, "from", "", "premier jour (AAAA-MM-JJ)")
	f.StringVar(&to, "to", "", "dernier jour (AAAA-MM-JJ)")
	f.StringVar(&out, "out", "", "fichier PDF à écrire (le CSV est écrit à côté ; jamais écrasés)")
	pf.register(cmd)
	return cmd
}
