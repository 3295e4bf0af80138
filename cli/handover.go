package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/packfile"
	"tournee/passphrase"
	"tournee/patients"
	"tournee/replacement"
	"tournee/storage"
)

func (a *app) handoverCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "handover",
		Short: "Remplacement : dossier chiffré pour le/la remplaçant(e), clé, ouverture",
	}
	cmd.AddCommand(a.handoverExportCmd(), a.handoverOpenCmd(), a.handoverKeygenCmd(),
		a.handoverReturnCmd(), a.handoverImportReturnCmd(), a.handoverRetroCmd())
	return cmd
}

func (a *app) handoverKeygenCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Créer la clé du/de la remplaçant(e) (à garder) et afficher sa clé publique (à donner)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("--out FICHIER est obligatoire")
			}
			identity, recipient, err := packfile.NewKey()
			if err != nil {
				return err
			}
			if err := replacement.WriteNew(out, []byte(identity)); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "Clé privée écrite dans %s (gardez-la ; elle ouvre les dossiers).\nClé publique à donner au/à la titulaire :\n%s\n", out, recipient)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "fichier où écrire la clé privée (créé 0600, jamais écrasé)")
	return cmd
}

func (a *app) handoverExportCmd() *cobra.Command {
	var remplacant, from, to, out, recipient string
	var titulaires, only []string
	var passphrase bool
	var share float64
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Écrire le dossier de remplacement chiffré (un seul fichier)",
		Long: `Écrit un seul fichier chiffré (age) pour le/la remplaçant(e) : les patients couverts (par défaut
tous les patients actifs du/de la titulaire), leurs soins prescrits, les transmissions des 8 dernières
semaines, les tournées prévues de la période, le dossier imprimable (PDF et HTML) et, au-delà de 24 h,
le projet de contrat. Chiffré pour la clé publique du/de la remplaçant(e) (--recipient age1…, voir
« tournee handover keygen ») ou avec une phrase de passe (--passphrase ; TOURNEE_PACK_PASSPHRASE
dans un script). Il s'ouvre avec « tournee handover open », ou sans tournée avec l'outil age.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if remplacant == "" || from == "" || to == "" || out == "" {
				return usagef("--remplacant, --from, --to et --out sont obligatoires")
			}
			if (recipient == "") == !passphrase {
				return usagef("donnez --recipient CLÉ_PUBLIQUE_AGE ou --passphrase")
			}
			start, end, err := parsePeriod(from, to)
			if err != nil {
				return err
			}
			key := packfile.Key{Recipient: strings.TrimSpace(recipient)}
			if passphrase {
				if key.Passphrase, err = a.packPassphrase(true); err != nil {
					return err
				}
			}
			var covered []xid.ID
			for _, s := range only {
				for _, part := range strings.Split(s, ",") {
					id, err := parseID("patient", part)
					if err != nil {
						return err
					}
					covered = append(covered, id)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				nurses, err := db.Nurses(cmd.Context())
				if err != nil {
					return err
				}
				req := replacement.Request{From: start, To: end, Patients: covered, Share: share, Now: a.env.Now(), RoadTimes: a.sharedRoutes(db) != nil}
				r, err := findNurse(nurses, remplacant)
				if err != nil {
					return err
				}
				req.Remplacant = r.ID
				for _, t := range titulaires {
					n, err := findNurse(nurses, t)
					if err != nil {
						return err
					}
					req.Titulaires = append(req.Titulaires, n.ID)
				}
				prep, err := replacement.PrepareChecked(cmd.Context(), db, req)
				if err != nil {
					return err
				}
				pack := prep.Pack
				for _, w := range prep.Warnings {
					fmt.Fprintln(a.env.Stderr, "attention : "+w)
				}
				fmt.Fprintln(a.env.Stdout, "À vérifier avant le remplacement :")
				for _, c := range prep.Conditions {
					fmt.Fprintln(a.env.Stdout, "  - "+c)
				}
				// The replacement is recorded before the pack leaves: from
				// now on every laptop plans the period without the titulaire.
				rec, err := replacement.Record(cmd.Context(), db, pack, time.Time{})
				if err != nil {
					return err
				}
				if _, err := dayplan.Reconcile(cmd.Context(), db, a.today()); err != nil {
					return fmt.Errorf("replacement recorded, stored days not updated: %w", err)
				}
				if err := replacement.WritePrepared(prep, key, out, a.env.Now()); err != nil {
					return err
				}
				// Only a pack written is « sent ».
				if rec, err = replacement.Record(cmd.Context(), db, pack, a.env.Now()); err != nil {
					return fmt.Errorf("pack written, replacement record not updated: %w", err)
				}
				fmt.Fprintf(a.env.Stdout, "Dossier de remplacement écrit : %s\n%d patient(s), du %s au %s, pour %s.\n", out,
					len(pack.Patients), french.Date(pack.From), french.Date(pack.To), pack.Remplacant.FullName())
				fmt.Fprintf(a.env.Stdout, "Remplacement enregistré (%s) : %s n'est pas planifié(e) pendant la période ; contrat : %s.\n",
					rec.ID, nurseNames(pack.Titulaires), rec.Contract)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&remplacant, "remplacant", "", "le/la remplaçant(e) : identifiant ou numéro RPPS")
	f.StringSliceVar(&titulaires, "titulaire", nil, "infirmière(s) remplacée(s) : identifiant ou RPPS (par défaut, celle de cet ordinateur)")
	f.StringVar(&from, "from", "", "premier jour du remplacement (AAAA-MM-JJ)")
	f.StringVar(&to, "to", "", "dernier jour du remplacement (AAAA-MM-JJ)")
	f.StringSliceVar(&only, "patients", nil, "patients couverts (identifiants séparés par des virgules ; par défaut tous ceux du/de la titulaire)")
	f.Float64Var(&share, "share", 0, "part gardée pour les frais du cabinet (0,10 = 10 % ; par défaut celle du contrat, ou 10 %)")
	f.StringVar(&out, "out", "", "fichier à écrire (jamais écrasé)")
	f.StringVar(&recipient, "recipient", "", "clé publique age du/de la remplaçant(e) (age1…)")
	f.BoolVar(&passphrase, "passphrase", false, "chiffrer avec une phrase de passe à lui transmettre à part")
	return cmd
}

// findNurse resolves a nurse by id or RPPS.
func findNurse(nurses []patients.Nurse, s string) (patients.Nurse, error) {
	s = strings.TrimSpace(s)
	for _, n := range nurses {
		if n.ID.String() == s || n.RPPS == s {
			return n, nil
		}
	}
	return patients.Nurse{}, fmt.Errorf("nurse %q (id or RPPS): %w", s, patients.ErrNotFound)
}

// packPassphrase reads the pack's passphrase: TOURNEE_PACK_PASSPHRASE, or a
// prompt (twice when sealing).
// A new one (confirm: sealing a pack or a return) must be strong enough: a
// pack holds patients' files.
func (a *app) packPassphrase(confirm bool) ([]byte, error) {
	p, err := a.readPackPassphrase(confirm)
	if err == nil && confirm {
		err = passphrase.Check(p)
	}
	return p, err
}

func (a *app) readPackPassphrase(confirm bool) ([]byte, error) {
	if p := a.env.Getenv("TOURNEE_PACK_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if a.env.IsTerminal == nil || !a.env.IsTerminal() {
		return nil, fmt.Errorf("aucune phrase de passe pour le dossier de remplacement : définissez TOURNEE_PACK_PASSPHRASE ou lancez la commande dans un terminal")
	}
	p, err := a.env.prompt("Phrase de passe du dossier : ")
	if err != nil {
		return nil, err
	}
	if confirm {
		again, err := a.env.prompt("Confirmez : ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, fmt.Errorf("les deux phrases de passe diffèrent")
		}
	}
	return p, nil
}

func (a *app) handoverOpenCmd() *cobra.Command {
	var identity string
	var passphrase, noTUI bool
	cmd := &cobra.Command{
		Use:   "open FICHIER",
		Short: "Ouvrir un dossier de remplacement dans une base à soi (côté remplaçant)",
		Long: `Déchiffre le dossier (avec la clé privée --identity, ou la phrase de passe --passphrase ;
TOURNEE_PACK_PASSPHRASE dans un script), crée une base neuve (--db, jamais écrasée) protégée par votre
propre phrase de passe, y importe les patients, soins, transmissions et tournées du remplacement, puis
ouvre l'interface. Un dossier abîmé, modifié ou ouvert avec la mauvaise clé est refusé et rien n'est créé.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.dbFlag == "" {
				return usagef("--db FICHIER est obligatoire : le remplacement a sa propre base")
			}
			files, err := a.openPackFile(args[0], identity, passphrase)
			if err != nil {
				return err
			}
			pack, err := replacement.OpenPack(files)
			if err != nil {
				return err
			}
			if pack.To.Before(patients.DateOf(a.env.Now())) {
				fmt.Fprintf(a.env.Stderr, "attention : ce remplacement s'est terminé le %s.\n", french.Date(pack.To))
			}
			if _, err := os.Stat(a.dbFlag); err == nil {
				return fmt.Errorf("%s: %w", a.dbFlag, storage.ErrExists)
			}
			// Her own base: a passphrase strong enough, and built whole in a
			// temporary file (a kill leaves no half-made base in the way).
			pass, err := a.env.newPassphrase(a.passphraseFile)
			if err != nil {
				return err
			}
			db, err := storage.CreateWith(a.dbFlag, pass, storage.Options{Now: a.env.Now}, func(db *storage.DB) error {
				if err := db.Seed(cmd.Context(), replacement.PackDataset(pack)); err != nil {
					return fmt.Errorf("import pack: %w", err)
				}
				// Her changes are stamped after everything the pack holds:
				// the titulaire's import then merges them as a sync would.
				if err := db.StartAfter(cmd.Context(), pack.Clock); err != nil {
					return fmt.Errorf("import pack: %w", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintf(a.env.Stdout, "Remplacement %s du %s au %s : %d patient(s) importé(s) dans %s.\n",
				french.De(nurseNames(pack.Titulaires)), french.Date(pack.From), french.Date(pack.To), len(pack.Patients), a.dbFlag)
			if noTUI || a.env.RunTUI == nil {
				return nil
			}
			return a.runTUI(cmd.Context(), db)
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "votre clé privée (fichier de « tournee handover keygen » ou age-keygen)")
	cmd.Flags().BoolVar(&passphrase, "passphrase", false, "le dossier est protégé par une phrase de passe")
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "importer sans ouvrir l'interface")
	return cmd
}

func nurseNames(ns []patients.Nurse) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.FullName()
	}
	return strings.Join(names, " et ")
}

// openPackFile decrypts a pack or a return bundle with the key file or the
// passphrase the nurse gave.
func (a *app) openPackFile(path, identity string, passphrase bool) ([]packfile.File, error) {
	if (identity == "") == !passphrase {
		return nil, usagef("donnez --identity FICHIER_DE_CLÉ ou --passphrase")
	}
	var key packfile.Key
	if identity != "" {
		raw, err := os.ReadFile(identity)
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		key.Identity = string(raw)
	} else {
		var err error
		if key.Passphrase, err = a.packPassphrase(false); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return packfile.Open(f, key)
}
