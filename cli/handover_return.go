package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/handover"
	"tournee/packfile"
	"tournee/replacement"
	"tournee/storage"
)

func (a *app) handoverReturnCmd() *cobra.Command {
	var out, recipient string
	var passphrase, preview bool
	cmd := &cobra.Command{
		Use:   "return",
		Short: "Fin du remplacement : écrire le retour chiffré (transmissions et visites) pour le/la titulaire",
		Long: `Côté remplaçant(e), sur la base ouverte avec « handover open » : écrit un fichier chiffré avec
les transmissions écrites depuis la préparation du dossier (une note de la veille du premier jour
comprise) et les visites faites, manquées ou reportées pendant la période, à rendre au/à la titulaire,
qui l'importe avec « tournee handover import-return ». Avant d'écrire, la commande liste ce que le
retour contient et signale ce qui resterait sur cet ordinateur (--apercu : la liste seule).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" && !preview {
				return usagef("--out FICHIER est obligatoire")
			}
			if (recipient == "") == !passphrase && !preview {
				return usagef("donnez --recipient CLÉ_PUBLIQUE_AGE ou --passphrase")
			}
			key := packfile.Key{Recipient: strings.TrimSpace(recipient)}
			if passphrase && !preview {
				var err error
				if key.Passphrase, err = a.packPassphrase(true); err != nil {
					return err
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ret, review, err := replacement.ReviewReturn(cmd.Context(), db, a.env.Now())
				if err != nil {
					return err
				}
				// She reads what goes back, and what would stay behind,
				// before anything is written.
				fmt.Fprintf(a.env.Stdout, "Le retour contient (%d) :\n", len(review.Included))
				for _, l := range review.Included {
					fmt.Fprintln(a.env.Stdout, "  - "+l)
				}
				if len(review.Behind) > 0 {
					fmt.Fprintf(a.env.Stderr, "attention : %d élément(s) resteraient sur cet ordinateur :\n", len(review.Behind))
					for _, l := range review.Behind {
						fmt.Fprintln(a.env.Stderr, "  - "+l)
					}
				}
				if preview {
					return nil
				}
				if err := replacement.WriteReturn(ret, key, out, a.env.Now()); err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stdout, "Retour écrit : %s — %d transmission(s), %d visite(s) du %s au %s.\n", out,
					len(ret.Transmissions), len(ret.Visits), french.Date(ret.From), french.Date(ret.To))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "fichier à écrire (jamais écrasé)")
	f.StringVar(&recipient, "recipient", "", "clé publique age du/de la titulaire (age1…)")
	f.BoolVar(&passphrase, "passphrase", false, "chiffrer avec une phrase de passe")
	f.BoolVar(&preview, "apercu", false, "lister ce que le retour contient et ce qui resterait, sans l'écrire")
	return cmd
}

func (a *app) handoverImportReturnCmd() *cobra.Command {
	var identity string
	var passphrase bool
	cmd := &cobra.Command{
		Use:   "import-return FICHIER",
		Short: "Importer le retour du/de la remplaçant(e) : ses transmissions et les visites de la période",
		Long: `Côté titulaire : ajoute à votre base, en une seule opération, les transmissions écrites par le/la
remplaçant(e) (signées de son nom) et l'état des visites de la période. Importer deux fois le même
retour ne change rien. Un retour d'un autre cabinet, abîmé ou ouvert avec la mauvaise clé est refusé.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := a.openPackFile(args[0], identity, passphrase)
			if err != nil {
				return err
			}
			var ret handover.Return
			found := false
			for _, file := range files {
				if file.Name == "retour.json" {
					if err := json.Unmarshal(file.Data, &ret); err != nil {
						return fmt.Errorf("%w: retour.json: %v", packfile.ErrDamaged, err)
					}
					found = true
				}
			}
			if !found {
				return fmt.Errorf("%w: no retour.json: is this a return bundle?", packfile.ErrDamaged)
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ctx := cmd.Context()
				res, err := db.ImportReturnChecked(ctx, ret)
				if err != nil {
					return err
				}
				if err := replacement.MarkReturned(ctx, db, ret.Remplacant.ID, ret.From, ret.To, a.env.Now()); err != nil {
					return fmt.Errorf("return imported, replacement record not updated: %w", err)
				}
				// The imported visits are days from today on too: they follow the care plans.
				if _, err := dayplan.Reconcile(ctx, db, a.today()); err != nil {
					return fmt.Errorf("return imported, stored days not updated: %w", err)
				}
				switch {
				case res.Transmissions+res.Visits == 0:
					fmt.Fprintln(a.env.Stdout, "Retour déjà importé : rien de nouveau.")
				default:
					fmt.Fprintf(a.env.Stdout, "Retour %s importé : %d transmission(s), %d visite(s).\n",
						french.De(ret.Remplacant.FullName()), res.Transmissions, res.Visits)
				}
				if res.Kept > 0 {
					fmt.Fprintf(a.env.Stdout, "%d visite(s) modifiée(s) ici après le/la remplaçant(e) : votre version est gardée.\n", res.Kept)
				}
				if len(res.SetAside) == 0 {
					return nil
				}
				fmt.Fprintf(a.env.Stderr, "%d élément(s) du retour écarté(s), non importé(s) :\n", len(res.SetAside))
				for _, s := range res.SetAside {
					fmt.Fprintf(a.env.Stderr, "  - %s : %s\n", s.What, s.Why)
				}
				return &handover.FileError{Fr: fmt.Sprintf("retour importé en partie : %d élément(s) écarté(s), listé(s) ci-dessus", len(res.SetAside)),
					Cause: fmt.Sprintf("return bundle: %d element(s) set aside", len(res.SetAside))}
			})
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "votre clé privée age")
	cmd.Flags().BoolVar(&passphrase, "passphrase", false, "le retour est protégé par une phrase de passe")
	return cmd
}
