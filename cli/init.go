package cli

import (
	"bufio"
	"fmt"
	"strings"

	"tournee/patients"
	"tournee/storage"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

func (a *app) initCmd() *cobra.Command {
	var cabinet, nurse, rpps, adeli, siret string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Créer votre base chiffrée (cabinet, infirmière, phrase de passe)",
		Long: `Crée la base de données chiffrée de cet ordinateur.

Sans options, les questions sont posées une à une. Pour un script, tout passe par les options
et la phrase de passe par TOURNEE_PASSPHRASE ou --passphrase-file. Une phrase de passe de moins de
10 caractères, ou trop facile à deviner (mot de passe courant, suite de touches, date, un seul mot),
est refusée avec un conseil : quatre mots sans rapport entre eux font une bonne phrase de passe.

  TOURNEE_PASSPHRASE=… tournee init --cabinet "Cabinet des Dunes" --nurse "Aurélie Duquesne" --rpps 10001234565`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.env.dbPath(a.dbFlag)
			if err != nil {
				return err
			}
			if cabinet == "" || nurse == "" || rpps == "" {
				if a.env.IsTerminal == nil || !a.env.IsTerminal() {
					return usagef("hors d'un terminal, « tournee init » demande --cabinet, --nurse et --rpps")
				}
				r := bufio.NewReader(a.env.Stdin)
				for _, q := range []struct {
					label string
					dst   *string
				}{{"Nom du cabinet : ", &cabinet}, {"Votre prénom et nom : ", &nurse}, {"Votre numéro RPPS (11 chiffres) : ", &rpps}} {
					for *q.dst == "" {
						if *q.dst, err = a.env.ask(r, q.label); err != nil {
							return fmt.Errorf("read answer: %w", err)
						}
					}
				}
			}
			first, last := splitName(nurse)
			n := patients.Nurse{ID: xid.NewWithTime(a.env.Now()), FirstName: first, LastName: last, RPPS: strings.TrimSpace(rpps), ADELI: adeli,
				Role: patients.Titulaire, Shifts: patients.DefaultShifts(), TravelProfile: patients.Rural}
			warns, err := n.Validate()
			if err != nil {
				return err
			}
			c := patients.Cabinet{Name: strings.TrimSpace(cabinet), NurseIDs: []xid.ID{n.ID}, CurrentNurse: n.ID,
				SIRET: strings.ReplaceAll(siret, " ", "")}
			if err := c.Validate(); err != nil {
				return err
			}
			pass, err := a.env.newPassphrase(a.passphraseFile)
			if err != nil {
				return err
			}
			// Built aside and renamed when seeded: a kill leaves no half-made base.
			db, err := storage.CreateWith(path, pass, storage.Options{Now: a.env.Now}, func(db *storage.DB) error {
				return db.Seed(cmd.Context(), patients.Dataset{Cabinet: c, Nurses: []patients.Nurse{n}})
			})
			if err != nil {
				return err
			}
			defer db.Close()
			for _, w := range warns {
				fmt.Fprintf(a.env.Stderr, "attention : %s : %s\n", w.Field, w.Msg)
			}
			fmt.Fprintf(a.env.Stdout, "Base créée : %s\nCabinet « %s », infirmière %s.\nGardez votre phrase de passe en lieu sûr : sans elle, les données ne peuvent pas être relues.\n",
				path, c.Name, n.FullName())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cabinet, "cabinet", "", "nom du cabinet")
	f.StringVar(&nurse, "nurse", "", "prénom et nom de l'infirmière qui utilise cet ordinateur")
	f.StringVar(&rpps, "rpps", "", "numéro RPPS (11 chiffres)")
	f.StringVar(&adeli, "adeli", "", "numéro ADELI (facultatif)")
	f.StringVar(&siret, "siret", "", "SIRET du cabinet (14 chiffres ; nécessaire pour les documents DMP)")
	return cmd
}

// splitName reads "Prénom Nom" (the first word is the first name); a single
// word is taken as the last name.
func splitName(s string) (first, last string) {
	f := strings.Fields(s)
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return "", f[0]
	}
	return f[0], strings.Join(f[1:], " ")
}
