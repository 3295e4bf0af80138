package cli

import (
	"errors"
	"fmt"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/dmpexport"
	"tournee/french"
	"tournee/handover/dmp"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/storage"
)

func (a *app) dmpCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dmp",
		Short: "Préparer des synthèses de soins pour le DMP (documents CDA)",
	}
	cmd.AddCommand(a.dmpExportCmd())
	return cmd
}

func (a *app) dmpExportCmd() *cobra.Command {
	var patient, from, to, out string
	var all, xdm bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Écrire la synthèse de soins d'un patient (ou de tous) au format DMP",
		Long: `Écrit, pour un patient et une période, une synthèse de soins infirmiers au format attendu par
le DMP : un document CDA R2 (niveau 1) qui contient la synthèse en PDF, avec l'en-tête CI-SIS
(INS, infirmière, cabinet, période), et ses métadonnées XDS (.json) pour le logiciel qui l'envoie.
Les auteurs du document sont les infirmières qui ont fait les soins de la période (chacune avec
son RPPS) ; celle qui exporte le signe. Avec --xdm, chaque synthèse est aussi écrite en paquet
IHE XDM (.zip : INDEX.HTM, README.TXT, IHE_XDM/SUBSET01/METADATA.XML et le document), prêt à
joindre à un message de messagerie sécurisée de santé (MSSanté) pour Mon espace santé du
patient ou son médecin.
Par défaut la période couvre les 4 dernières semaines. Exporter à nouveau la même synthèse en
écrit une nouvelle version. Le patient doit avoir une INS qualifiée ; avec --all, les patients
qui en ont une et des soins sur la période.

Ces fichiers ne sont pas chiffrés : ils sont faits pour être envoyés au DMP. Ils sont créés en
mode 0600 ; effacez-les de la clé USB une fois l'envoi fait.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (patient == "") == !all {
				return usagef("donnez --patient ID ou --all")
			}
			if out == "" {
				return usagef("--out DOSSIER est obligatoire")
			}
			today := patients.DateOf(a.env.Now())
			start, end := today.AddDays(-dmpexport.DefaultDays+1), today
			var err error
			if from != "" {
				if start, err = patients.ParseDate(from); err != nil {
					return usagef("--from : %v", err)
				}
			}
			if to != "" {
				if end, err = patients.ParseDate(to); err != nil {
					return usagef("--to : %v", err)
				}
			}
			if end.Before(start) {
				return usagef("la période est vide : --to (%s) précède --from (%s)", french.ShortDate(end), french.ShortDate(start))
			}
			var only xid.ID
			if patient != "" {
				if only, err = parseID("patient", patient); err != nil {
					return err
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				svc := dmpexport.Service{Store: db, Exports: db, Render: pdfdoc.Render, Now: a.env.Now}
				ids := []xid.ID{only}
				if all {
					ps, err := svc.Eligible(cmd.Context())
					if err != nil {
						return err
					}
					ids = ids[:0]
					for _, p := range ps {
						ids = append(ids, p.ID)
					}
				}
				written, skipped, failed := 0, 0, 0
				for _, id := range ids {
					res, err := svc.ExportWith(cmd.Context(), id, start, end, out, dmpexport.Options{XDM: xdm})
					switch {
					case !all && err != nil:
						return err
					case errors.Is(err, dmp.ErrNothingToSummarise):
						skipped++ // nothing done for this patient in the period
						continue
					case err != nil:
						// One patient's bad record must not stop the others':
						// say which, go on, and fail at the end.
						failed++
						fmt.Fprintf(a.env.Stderr, "patient %s : %s\n", id, message(err))
						continue
					}
					written++
					for _, f := range res.Files {
						fmt.Fprintf(a.env.Stdout, "%s (version %d)\n", f, res.Version)
					}
				}
				fmt.Fprintf(a.env.Stdout, "%d synthèse(s) écrite(s) pour la période du %s au %s", written,
					french.ShortDate(start), french.ShortDate(end))
				if skipped > 0 {
					fmt.Fprintf(a.env.Stdout, " ; %d patient(s) sans soin ni transmission sur la période", skipped)
				}
				fmt.Fprintln(a.env.Stdout, ".")
				if written > 0 {
					fmt.Fprintln(a.env.Stderr, "attention : ces fichiers ne sont pas chiffrés ; effacez-les de la clé une fois envoyés au DMP.")
				}
				if failed > 0 {
					return fmt.Errorf("%d synthèse(s) non écrite(s), voir ci-dessus", failed)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&patient, "patient", "", "identifiant du patient")
	f.BoolVar(&all, "all", false, "tous les patients qui ont une INS qualifiée")
	f.StringVar(&from, "from", "", "début de la période (AAAA-MM-JJ ; par défaut il y a 4 semaines)")
	f.StringVar(&to, "to", "", "fin de la période (AAAA-MM-JJ ; par défaut aujourd'hui)")
	f.StringVar(&out, "out", "", "dossier où écrire les documents (la clé USB, par exemple)")
	f.BoolVar(&xdm, "xdm", false, "écrire aussi le paquet IHE XDM (.zip) à joindre à un message MSSanté")
	return cmd
}
