package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/billing"
	"tournee/french"
	"tournee/ngap"
	"tournee/patients"
	"tournee/storage"
)

// maxBillingDays bounds a period: a year is what an accountant asks for.
const maxBillingDays = billing.MaxDays

// billingPeriod reads --from and --to of a billing command: a period of a
// year at most, in order.
func billingPeriod(from, to string) (start, end patients.Date, err error) {
	if start, end, err = parsePeriod(from, to); err != nil {
		return start, end, err
	}
	if end.Before(start) || end.DaysSince(start) >= maxBillingDays {
		return start, end, usagef("période invalide : du %s au %s (un an au plus)", start, end)
	}
	return start, end, nil
}

// pricingFlags are what pricing needs of the cabinet and the stored cabinet
// does not hold yet: its IK zone and the communes of its agglomeration.
type pricingFlags struct {
	zone string
	aggl []string
}

func (p *pricingFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&p.zone, "ik-zone", "plaine", "zone du cabinet pour les indemnités kilométriques : plaine ou montagne")
	cmd.Flags().StringSliceVar(&p.aggl, "agglomeration", nil, "autres communes de l'agglomération du cabinet, sans IK (ex. Coquelles,Coulogne)")
}

// parse checks the flags; the distances are set once the base is open
// (withRoads).
func (p pricingFlags) parse() (billing.Pricing, error) {
	z, err := ngap.ParseZone(p.zone)
	if err != nil {
		return billing.Pricing{}, usageError{err}
	}
	return billing.Pricing{Zone: z, Agglomeration: p.aggl}, nil
}

// withRoads measures the IK on the roads imported beside db when there are
// some (routes import); the crow estimate stays for the pairs they cannot
// join and for a base without roads.
func (a *app) withRoads(pr billing.Pricing, db *storage.DB) billing.Pricing {
	pr.Distance = billing.SharedDistance(a.sharedRoutes(db), a.env.Stderr)
	return pr
}

func (a *app) facturationCmd() *cobra.Command {
	var from, to, nurse string
	var pf pricingFlags
	var asCSV, asJSON bool
	cmd := &cobra.Command{
		Use:   "facturation",
		Short: "Lignes de facturation NGAP par visite faite, pour rapprocher du logiciel SESAM-Vitale",
		Long: `Une ligne par visite faite sur la période : date, heure de début du soin, patient, actes et
coefficients (taux de l'article 11B), majorations (MAU, MCI, MIE, N1, N2, F selon le jour, l'heure
réelle et la prescription), IFD ou IFI et IK (un déplacement par trajet), montant. Puis les totaux
par jour et par infirmière, et les points à vérifier. Montants : tarifs conventionnels (métropole),
avant partage entre Assurance Maladie et complémentaire.
Les IK sont calculées sur le plus court trajet par la route quand les routes sont importées
(tournee routes import), sinon à vol d'oiseau × 1,3 (signalé « estimés »), et seulement hors de
l'agglomération du cabinet : sa commune et celles données par --agglomeration.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return usagef("--from et --to sont obligatoires")
			}
			if asCSV && asJSON {
				return usagef("--csv ou --json, pas les deux")
			}
			start, end, err := billingPeriod(from, to)
			if err != nil {
				return err
			}
			pr, err := pf.parse()
			if err != nil {
				return err
			}
			tariffs, err := ngap.Load()
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				b, err := billing.Load(cmd.Context(), db, start, end)
				if err != nil {
					return err
				}
				var only xid.ID
				if nurse != "" {
					n, err := findNurse(b.Nurses, nurse)
					if err != nil {
						return err
					}
					only = n.ID
				}
				fees, err := billing.BillDone(b, only, a.withRoads(pr, db), tariffs)
				if err != nil {
					return err
				}
				w := a.env.Stdout
				switch {
				case asJSON:
					lines := make([]ngap.Line, len(fees))
					for i, f := range fees {
						lines[i] = ngap.LineOf(f)
					}
					return printJSON(w, lines)
				case asCSV:
					return writeBillingCSV(w, fees, b)
				}
				printBilling(w, fees, b)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "premier jour (AAAA-MM-JJ)")
	f.StringVar(&to, "to", "", "dernier jour (AAAA-MM-JJ)")
	f.StringVar(&nurse, "nurse", "", "seulement les visites faites par cette infirmière (identifiant ou RPPS)")
	f.BoolVar(&asCSV, "csv", false, "sortie CSV (point-virgule, virgule décimale, pour un tableur)")
	f.BoolVar(&asJSON, "json", false, "sortie JSON (tableau d'objets, montants en euros)")
	pf.register(cmd)
	return cmd
}

// printBilling writes the lines, the totals per day and nurse, and the
// points to check, in French.
func printBilling(w io.Writer, fees []ngap.VisitFees, b billing.Data) {
	if len(fees) == 0 {
		fmt.Fprintln(w, "Aucune visite faite sur la période.")
		return
	}
	type key struct {
		date  patients.Date
		nurse xid.ID
	}
	var order []key
	totals := map[key]int64{}
	counts := map[key]int{}
	var all int64
	checks := map[string]int{}
	var checkOrder []string
	for _, f := range fees {
		fmt.Fprintf(w, "%s %s  %-28s %s — %s\n", french.ShortDate(f.Date), f.Time, safe(b.PatientName(f.PatientID)),
			ngap.ActsSummary(f), french.Euros(f.Total))
		k := key{f.Date, f.NurseID}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
		totals[k] += f.Total
		all += f.Total
		for _, c := range f.Warnings {
			if checks[c] == 0 {
				checkOrder = append(checkOrder, c)
			}
			checks[c]++
		}
	}
	fmt.Fprintln(w, "\nTotaux par jour et par infirmière :")
	byNurse := map[xid.ID]int64{}
	var nurses []xid.ID
	for _, k := range order {
		fmt.Fprintf(w, "  %s  %-24s %3d visite(s)  %s\n", french.ShortDate(k.date), safe(b.NurseName(k.nurse)), counts[k], french.Euros(totals[k]))
		if _, ok := byNurse[k.nurse]; !ok {
			nurses = append(nurses, k.nurse)
		}
		byNurse[k.nurse] += totals[k]
	}
	fmt.Fprintln(w, "Totaux par infirmière :")
	for _, n := range nurses {
		fmt.Fprintf(w, "  %-24s %s\n", safe(b.NurseName(n)), french.Euros(byNurse[n]))
	}
	fmt.Fprintf(w, "Total : %d visite(s), %s\n", len(fees), french.Euros(all))
	if billing.RoadMeasured(fees) {
		fmt.Fprintln(w, "IK mesurées par la route : données "+osmCredit)
	}
	if len(checkOrder) > 0 {
		fmt.Fprintln(w, "\nPoints à vérifier :")
		for _, c := range checkOrder {
			fmt.Fprintf(w, "  %4d × %s\n", checks[c], c)
		}
	}
}

// writeBillingCSV writes one row per visit, shaped for French spreadsheets
// like the patient export: UTF-8 with BOM, ";", decimal commas, CRLF.
func writeBillingCSV(w io.Writer, fees []ngap.VisitFees, b billing.Data) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write([]string{"visite", "date", "heure", "patient_id", "patient", "infirmiere_id", "infirmiere", "actes",
		"majorations", "ifd", "ik_km", "ik", "total", "points_a_verifier"}); err != nil {
		return err
	}
	for _, f := range fees {
		l := ngap.LineOf(f)
		var acts, majs []string
		for _, a := range l.Acts {
			acts = append(acts, a.Code+" "+decimal(a.Coef)+" ×"+decimal(a.Rate))
		}
		for _, m := range l.Majorations {
			majs = append(majs, m.Code)
		}
		if err := cw.Write([]string{l.VisitID, l.Date, l.Time, l.PatientID, csvCell(b.PatientName(f.PatientID)), l.NurseID,
			csvCell(b.NurseName(f.NurseID)), strings.Join(acts, " + "), strings.Join(majs, " + "), decimal(l.IFD), decimal(l.IKKm),
			decimal(l.IK), decimal(l.Total), csvCell(strings.Join(l.Checks, " | "))}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// decimal writes a number with a decimal comma: 9.05 → "9,05".
func decimal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
}

// csvCell keeps a spreadsheet from reading user text as a formula (OWASP
// « CSV injection »): a cell starting with = + - @ is prefixed with '.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@＝＋－＠\t\r", []rune(s)[0]) {
		return "'" + s
	}
	return s
}
