package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"tournee/french"
	"tournee/patients"
	"tournee/storage"
)

func (a *app) infirmieresCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "infirmieres",
		Short: "Les infirmier(e)s connu(e)s du cabinet, dont les remplaçant(e)s venu(e)s de l'extérieur",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.infirmieresAddCmd(), a.infirmieresListCmd())
	return cmd
}

// nurseFlags are what « infirmieres add » reads.
type nurseFlags struct {
	role, name, rpps, ordre, cdoi, address, phone, rcp string
	authNumber, authFrom, authUntil                    string
	ownPractice, hours2400                             bool
}

// nurse builds the nurse the flags describe; a bad value is a usage error
// in French.
func (f nurseFlags) nurse() (patients.Nurse, error) {
	var n patients.Nurse
	switch strings.ToLower(strings.TrimSpace(f.role)) {
	case "remplacante", "remplaçante", "remplacant", "remplaçant":
		n.Role = patients.Remplacante
	case "titulaire", "":
		n.Role = patients.Titulaire
	default:
		return n, usagef("--role : remplacante ou titulaire attendu (« %s » donné)", f.role)
	}
	fields := strings.Fields(f.name)
	if len(fields) < 2 {
		return n, usagef("--name : le prénom puis le nom (« Claire Petit »)")
	}
	n.FirstName, n.LastName = fields[0], strings.Join(fields[1:], " ")
	n.RPPS, n.Ordre, n.CDOI, n.Phone, n.RCP = strings.TrimSpace(f.rpps), strings.TrimSpace(f.ordre), strings.TrimSpace(f.cdoi), strings.TrimSpace(f.phone), strings.TrimSpace(f.rcp)
	n.OwnPractice, n.Experience2400h = f.ownPractice, f.hours2400
	n.TravelProfile = patients.Rural
	if s := strings.TrimSpace(f.address); s != "" {
		ad := parsePostal(s)
		n.Address = &ad
	}
	if n.Role != patients.Remplacante {
		return n, nil
	}
	if n.Ordre == "" {
		return n, usagef("--ordre : le numéro d'inscription à l'Ordre des infirmiers est obligatoire pour un(e) remplaçant(e) (il figure au contrat)")
	}
	if n.OwnPractice {
		return n, nil
	}
	r := patients.Replacement{AuthorisationNumber: strings.TrimSpace(f.authNumber)}
	var err error
	if f.authUntil == "" {
		return n, usagef("--autorisation-jusqu-au : sans cabinet propre, l'autorisation de remplacement de l'Ordre est obligatoire (CSP R.4312-83) ; ou indiquez --cabinet-propre")
	}
	if r.AuthorisationUntil, err = patients.ParseDate(f.authUntil); err != nil {
		return n, usagef("--autorisation-jusqu-au : date illisible « %s » (AAAA-MM-JJ)", f.authUntil)
	}
	if f.authFrom != "" {
		if r.AuthorisationFrom, err = patients.ParseDate(f.authFrom); err != nil {
			return n, usagef("--autorisation-du : date illisible « %s » (AAAA-MM-JJ)", f.authFrom)
		}
		if r.AuthorisationUntil.Before(r.AuthorisationFrom) {
			return n, usagef("l'autorisation se termine avant de commencer")
		}
	}
	n.Replacement = &r
	return n, nil
}

var postalRe = regexp.MustCompile(`^(.*?),?\s*(\d{5})\s+(.+)$`)

// parsePostal reads « 12 rue des Lilas, 62000 Arras »; anything else is
// kept whole as the street line.
func parsePostal(s string) patients.Address {
	if m := postalRe.FindStringSubmatch(s); m != nil {
		return patients.Address{Line: strings.TrimSpace(m[1]), PostalCode: m[2], City: strings.TrimSpace(m[3])}
	}
	return patients.Address{Line: s}
}

func (a *app) infirmieresAddCmd() *cobra.Command {
	var f nurseFlags
	cmd := &cobra.Command{
		Use:   "add --role remplacante --name \"Prénom Nom\" --rpps N --ordre N --adresse \"…\" --autorisation-jusqu-au AAAA-MM-JJ",
		Short: "Ajouter une infirmière, par exemple une remplaçante extérieure au cabinet",
		Long: `Ajoute une infirmière à la base. Une remplaçante extérieure (--role remplacante) n'a pas de tournée
à elle : elle ne travaille que pendant ses remplacements (« tournee handover export »). Sans cabinet
propre, son autorisation de remplacement (délivrée par l'Ordre, valable un an) est obligatoire et
aucun remplacement n'est préparé ni planifié au-delà de sa date de fin.`,
		Example: `  tournee infirmieres add --role remplacante --name "Claire Petit" --rpps 10000000004 --ordre 62-123456 \
    --adresse "12 rue des Lilas, 62000 Arras" --autorisation ONI-62-2026-0042 --autorisation-jusqu-au 2027-01-14`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := f.nurse()
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				nurses, err := db.Nurses(cmd.Context())
				if err != nil {
					return err
				}
				for _, o := range nurses {
					if o.RPPS == n.RPPS {
						return &patients.ValidationError{Field: "rpps", Msg: fmt.Sprintf("%s a déjà ce numéro RPPS dans la base", o.FullName())}
					}
				}
				warns, err := n.Validate()
				if err != nil {
					return err
				}
				for _, w := range warns {
					fmt.Fprintln(a.env.Stderr, "attention : "+w.Msg)
				}
				if err := db.SaveNurse(cmd.Context(), &n); err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stdout, "%s ajoutée (%s) : %s\n", n.FullName(), n.Role, n.ID)
				if r := n.Replacement; r != nil && !r.AuthorisationUntil.IsZero() {
					fmt.Fprintf(a.env.Stdout, "Autorisation de remplacement jusqu'au %s.\n", french.LongDate(r.AuthorisationUntil))
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.role, "role", "titulaire", "remplacante ou titulaire")
	fl.StringVar(&f.name, "name", "", "prénom et nom")
	fl.StringVar(&f.rpps, "rpps", "", "numéro RPPS (11 chiffres)")
	fl.StringVar(&f.ordre, "ordre", "", "numéro d'inscription à l'Ordre des infirmiers")
	fl.StringVar(&f.cdoi, "cdoi", "", "conseil départemental de l'Ordre où elle est inscrite (ex. « CDOI du Pas-de-Calais »)")
	fl.StringVar(&f.address, "adresse", "", "adresse professionnelle (« 12 rue des Lilas, 62000 Arras »)")
	fl.StringVar(&f.phone, "telephone", "", "téléphone")
	fl.StringVar(&f.rcp, "rcp", "", "assureur et numéro du contrat de responsabilité civile professionnelle")
	fl.StringVar(&f.authNumber, "autorisation", "", "numéro de l'autorisation de remplacement")
	fl.StringVar(&f.authFrom, "autorisation-du", "", "premier jour de validité de l'autorisation (AAAA-MM-JJ)")
	fl.StringVar(&f.authUntil, "autorisation-jusqu-au", "", "dernier jour de validité de l'autorisation (AAAA-MM-JJ)")
	fl.BoolVar(&f.ownPractice, "cabinet-propre", false, "elle exerce dans son propre cabinet (pas d'autorisation de remplacement)")
	fl.BoolVar(&f.hours2400, "2400h", false, "elle justifie 2 400 heures d'exercice sur les six dernières années")
	return cmd
}

func (a *app) infirmieresListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Lister les infirmier(e)s de la base",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				nurses, err := db.Nurses(cmd.Context())
				if err != nil {
					return err
				}
				for _, n := range nurses {
					line := fmt.Sprintf("%s  %s (%s) RPPS %s", n.ID, n.FullName(), n.Role, n.RPPS)
					if r := n.Replacement; r != nil && !r.AuthorisationUntil.IsZero() {
						line += ", autorisation jusqu'au " + french.ShortDate(r.AuthorisationUntil)
					}
					fmt.Fprintln(a.env.Stdout, line)
				}
				return nil
			})
		},
	}
}
