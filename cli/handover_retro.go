package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"tournee/billing"
	"tournee/french"
	"tournee/ngap"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/replacement"
	"tournee/storage"
)

func (a *app) handoverRetroCmd() *cobra.Command {
	var remplacant, from, to, out string
	var pf pricingFlags
	var titulaires []string
	var share float64
	var includeIK bool
	cmd := &cobra.Command{
		Use:   "retrocession",
		Short: "Relevé de rétrocession : honoraires générés par le/la remplaçant(e), part du cabinet, montant dû",
		Long: `Calcule, à partir des visites faites par le/la remplaçant(e) pendant la période (après
« handover import-return ») et de la table des tarifs NGAP en vigueur chaque jour, les honoraires
générés, la part gardée pour les frais du cabinet (celle de son contrat, 10 % par défaut ; --share 0
pour ne rien garder) et le montant à lui reverser. Seules comptent les visites faites pendant son
contrat, pour les patients des titulaires remplacé(e)s (par défaut celles que nomme son contrat) ;
le relevé montre chaque visite avec sa cotation, calculée comme « tournee facturation ».
Les indemnités kilométriques (IK) sont hors base par défaut et reversées en totalité
(--include-ik pour les inclure). Les points à vérifier (cotations illisibles, IK estimées)
sont listés. Avec --out, écrit aussi le relevé en PDF.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if remplacant == "" || from == "" || to == "" {
				return usagef("--remplacant, --from et --to sont obligatoires")
			}
			start, end, err := parsePeriod(from, to)
			if err != nil {
				return err
			}
			pr, err := pf.parse()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("share") && !(share >= 0 && share <= 1) {
				return usagef("--share : part du cabinet entre 0 et 1 (0,10 = 10 %%), pas %v", share)
			}
			tariffs, err := ngap.Load()
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ctx := cmd.Context()
				nurses, err := db.Nurses(ctx)
				if err != nil {
					return err
				}
				rem, err := findNurse(nurses, remplacant)
				if err != nil {
					return err
				}
				req := replacement.RetroRequest{Remplacant: rem.ID, From: start, To: end, IncludeIK: includeIK,
					Pricing: a.withRoads(pr, db), Tariffs: tariffs}
				for _, s := range titulaires {
					n, err := findNurse(nurses, s)
					if err != nil {
						return err
					}
					req.Titulaires = append(req.Titulaires, n.ID)
				}
				// --share 0 is a share of 0 (a free replacement): only an
				// absent flag falls back on the contract, then on 10 %.
				if cmd.Flags().Changed("share") {
					req.Share = &share
				}
				r, err := replacement.Retrocession(ctx, db, req)
				if err != nil {
					return err
				}
				w := a.env.Stdout
				fmt.Fprintf(w, "Rétrocession %s, du %s au %s : %d visite(s) faite(s)\n", french.De(r.Remplacant.FullName()),
					french.LongDate(r.From), french.LongDate(r.To), len(r.Visits))
				if r.Excluded > 0 {
					fmt.Fprintf(w, "  (%d visite(s) hors contrat ou pour d'autres patients que ceux des titulaires : non comptées)\n", r.Excluded)
				}
				fmt.Fprintf(w, "  honoraires générés      %s\n", french.Euros(r.Gross))
				if r.TravelExcluded > 0 {
					fmt.Fprintf(w, "  dont IK, hors base      %s\n", french.Euros(r.TravelExcluded))
				}
				fmt.Fprintf(w, "  base                    %s\n", french.Euros(r.Base))
				fmt.Fprintf(w, "  part du cabinet (%s)  %s\n", french.Percent(r.Share), french.Euros(r.Kept))
				fmt.Fprintf(w, "  rétrocession due        %s\n", french.Euros(r.Due))
				if r.Payable != r.Due {
					fmt.Fprintf(w, "  à verser en tout        %s (IK reversées en totalité)\n", french.Euros(r.Payable))
				}
				if out != "" {
					pdf, err := pdfdoc.Render(billing.CreditRoads(r.Statement(), r.Visits))
					if err != nil {
						return err
					}
					if err := replacement.WriteNew(out, pdf); err != nil {
						return err
					}
					fmt.Fprintf(w, "Relevé écrit : %s\n", out)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&remplacant, "remplacant", "", "le/la remplaçant(e) : identifiant ou numéro RPPS")
	f.StringSliceVar(&titulaires, "titulaire", nil, "infirmière(s) remplacée(s) (par défaut, celle de cet ordinateur)")
	f.StringVar(&from, "from", "", "premier jour (AAAA-MM-JJ)")
	f.StringVar(&to, "to", "", "dernier jour (AAAA-MM-JJ)")
	f.Float64Var(&share, "share", 0, "part gardée par le cabinet (0.10 = 10 % ; 0 = rien ; par défaut celle du contrat, ou 10 %)")
	f.BoolVar(&includeIK, "include-ik", false, "inclure les indemnités kilométriques dans la base")
	f.StringVar(&out, "out", "", "écrire aussi le relevé en PDF (jamais écrasé)")
	pf.register(cmd)
	return cmd
}

// parsePeriod reads the --from and --to flags of a period.
func parsePeriod(from, to string) (start, end patients.Date, err error) {
	if start, err = patients.ParseDate(from); err != nil {
		return start, end, usagef("--from : %v", err)
	}
	if end, err = patients.ParseDate(to); err != nil {
		return start, end, usagef("--to : %v", err)
	}
	return start, end, nil
}
