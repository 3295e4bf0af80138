package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/storage"
)

func (a *app) careplanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "careplan",
		Short: "Soins prescrits : ajouter, modifier, arrêter, supprimer",
		Long: `Les soins prescrits (plans de soins) d'un patient. Chaque modification met aussitôt à jour les
jours déjà planifiés à partir d'aujourd'hui : visites ajoutées, modifiées ou annulées, sans toucher
aux visites faites ni à l'ordre que les infirmières ont choisi.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.careplanListCmd(), a.careplanAddCmd(), a.careplanEditCmd(), a.careplanEndCmd(), a.careplanDeleteCmd("delete ID"))
	return cmd
}

func (a *app) careplanAddCmd() *cobra.Command {
	var f carePlanFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --patient ID --soin TYPE --fenetre HH:MM-HH:MM --duree MIN (--tous-les-jours | --tous-les N | --jours J,J | --dates D,D)",
		Short: "Ajouter un soin prescrit à un patient",
		Long: `Ajoute un soin prescrit. Les jours déjà planifiés à partir d'aujourd'hui reçoivent aussitôt leurs
visites ; les autres jours les auront à leur ouverture.

--heure-fixe 8:00 est un soin à heure fixe : une plage 8h00–8h00 (de durée nulle) à horaire strict,
comme « 8h » dans le formulaire de l'interface. Pour laisser un peu de marge, donnez plutôt une
plage courte et --strict : --fenetre 8:00-8:15 --strict.`,
		Example: `  tournee careplan add --patient ID --soin insuline --fenetre 18:00-19:30 --duree 10 --strict --tous-les-jours
  tournee careplan add --patient ID --soin pansement --fenetre 8h-11h --duree 20 --jours lun,mer,ven --fin 2026-12-31
  tournee careplan add --patient ID --soin prise-de-sang --fenetre 7h-8h --duree 10 --a-jeun --labo-avant 10:30 --dates 2026-11-25`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, need := range []string{"patient", "soin"} {
				if !cmd.Flags().Changed(need) {
					return usagef("--%s est obligatoire", need)
				}
			}
			if !slices.ContainsFunc([]string{"tous-les-jours", "tous-les", "jours", "dates"}, cmd.Flags().Changed) {
				return usagef("indiquez la fréquence : --tous-les-jours, --tous-les N, --jours lun,mer,ven ou --dates AAAA-MM-JJ,…")
			}
			today := a.today()
			var c patients.CarePlan
			if err := f.apply(cmd, &c, today); err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := a.checkCarePlan(cmd.Context(), db, &c)
				if err != nil {
					return err
				}
				if err := db.SaveCarePlan(cmd.Context(), &c); err != nil {
					return err
				}
				return a.afterCarePlan(cmd.Context(), db, c, p, "Soin ajouté", asJSON)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (le soin, avec la mise à jour des jours planifiés)")
	return cmd
}

func (a *app) careplanEditCmd() *cobra.Command {
	var f carePlanFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit ID [options]",
		Short: "Modifier un soin prescrit (seules les options données changent)",
		Long: `Modifie un soin prescrit : seules les options données changent. Une option oui/non s'enlève avec
=false (--strict=false). --fenetre ou --heure-fixe remplacent toutes les plages du soin. Une nouvelle
fréquence (--tous-les-jours, --tous-les, --jours, --dates) remplace l'ancienne ; le début, la fin et
le nombre de séances sont gardés s'ils ne sont pas redonnés. Les jours déjà planifiés à partir
d'aujourd'hui suivent aussitôt.`,
		Example: `  tournee careplan edit ID --fenetre 18:30-19:30
  tournee careplan edit ID --jours lun,jeu --strict=false`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("care plan", args[0])
			if err != nil {
				return err
			}
			changed := 0
			cmd.LocalNonPersistentFlags().VisitAll(func(fl *pflag.Flag) {
				if fl.Changed && fl.Name != "json" {
					changed++
				}
			})
			if changed == 0 {
				return usagef("rien à modifier : donnez au moins une option (« tournee careplan edit --help »)")
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				c, err := carePlanByID(cmd.Context(), db, id)
				if err != nil {
					return err
				}
				wasBlood := c.Kind == patients.BloodDraw
				if err := f.apply(cmd, &c, a.today()); err != nil {
					return err
				}
				if wasBlood && c.Kind != patients.BloodDraw && !cmd.Flags().Changed("a-jeun") && !cmd.Flags().Changed("labo-avant") {
					// As in the form: fasting and the lab cut-off belong to blood draws.
					c.Fasting, c.LabDropoffBefore = false, 0
				}
				p, err := a.checkCarePlan(cmd.Context(), db, &c)
				if err != nil {
					return err
				}
				if err := db.SaveCarePlan(cmd.Context(), &c); err != nil {
					return err
				}
				return a.afterCarePlan(cmd.Context(), db, c, p, "Soin modifié", asJSON)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (le soin, avec la mise à jour des jours planifiés)")
	return cmd
}

func (a *app) careplanEndCmd() *cobra.Command {
	var on string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "end ID [--le AAAA-MM-JJ]",
		Short: "Arrêter un soin prescrit : fin de la prescription (dernier jour de soins inclus)",
		Long: `Donne sa fin à la prescription : --le est le dernier jour de soins, inclus (par défaut aujourd'hui,
dont les visites restent prévues). Pour arrêter dès aujourd'hui, donnez la date d'hier. Les visites
prévues après cette date sont annulées ; celles déjà faites ne changent pas.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("care plan", args[0])
			if err != nil {
				return err
			}
			end := a.today()
			if on != "" {
				if end, err = patients.ParseDate(on); err != nil {
					return usagef("--le : date illisible « %s » (AAAA-MM-JJ)", on)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				c, err := carePlanByID(cmd.Context(), db, id)
				if err != nil {
					return err
				}
				c.EndsOn = end
				p, err := a.checkCarePlan(cmd.Context(), db, &c)
				if err != nil {
					return err
				}
				if err := db.SaveCarePlan(cmd.Context(), &c); err != nil {
					return err
				}
				return a.afterCarePlan(cmd.Context(), db, c, p, "Soin arrêté après le "+french.Date(end), asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&on, "le", "", "dernier jour de soins (AAAA-MM-JJ ; par défaut aujourd'hui)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON")
	return cmd
}

// careplanDeleteCmd is both « patients delete-careplan ID » and
// « careplan delete ID ».
func (a *app) careplanDeleteCmd(use string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: "Supprimer un soin prescrit saisi par erreur (l'id est dans « careplan list --patient ID »)",
		Long: `Supprime un plan de soins saisi par erreur. La suppression part avec la prochaine
synchronisation et l'emporte sur les modifications faites ailleurs entre-temps. Une prescription
terminée ne se supprime pas : donnez-lui une date de fin (« tournee careplan end ID »).
Les visites encore prévues de ce soin, à partir d'aujourd'hui, sont annulées.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := xid.FromString(args[0])
			if err != nil {
				return usagef("« %s » n'est pas un identifiant de soin", args[0])
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				c, err := carePlanByID(cmd.Context(), db, id)
				if err != nil {
					return err
				}
				if err := db.DeleteCarePlan(cmd.Context(), id); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, "Plan de soins supprimé.")
				rec, err := dayplan.ReconcilePatient(cmd.Context(), db, a.today(), c.PatientID)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, reconcileNote(rec))
				return nil
			})
		},
	}
}

func (a *app) careplanListCmd() *cobra.Command {
	var patient string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list --patient ID",
		Short: "Les soins prescrits d'un patient, avec leurs identifiants",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patient == "" {
				return usagef("--patient est obligatoire")
			}
			pid, err := parseID("patient", patient)
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := db.Patient(cmd.Context(), pid)
				if err != nil {
					return err
				}
				plans, err := db.CarePlans(cmd.Context(), pid)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, nonNil(plans))
				}
				fmt.Fprintf(a.env.Stdout, "Soins prescrits %s : %d\n", french.De(p.DisplayName()), len(plans))
				for _, c := range plans {
					fmt.Fprintf(a.env.Stdout, "%s  %s\n", c.ID, describeCarePlan(c))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&patient, "patient", "", "identifiant du patient")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau)")
	return cmd
}

// carePlanByID finds a care plan among all the cabinet's.
func carePlanByID(ctx context.Context, db *storage.DB, id xid.ID) (patients.CarePlan, error) {
	plans, err := db.CarePlans(ctx, xid.NilID())
	if err != nil {
		return patients.CarePlan{}, err
	}
	for _, c := range plans {
		if c.ID == id {
			return c, nil
		}
	}
	return patients.CarePlan{}, fmt.Errorf("care plan %s: %w", id, patients.ErrNotFound)
}

// checkCarePlan checks the plan before anything is written: every field
// problem at once (CarePlan.Validate and what only a prise de sang takes),
// then that its patient and preferred nurse exist.
func (a *app) checkCarePlan(ctx context.Context, db *storage.DB, c *patients.CarePlan) (patients.Patient, error) {
	var errs patients.ValidationErrors
	if err := c.Validate(); err != nil && !errors.As(err, &errs) {
		return patients.Patient{}, err
	}
	if c.Kind != patients.BloodDraw && (c.Fasting || c.LabDropoffBefore > 0) {
		errs = append(errs, &patients.ValidationError{Field: "prise de sang",
			Msg: "« à jeun » et « tubes au laboratoire avant » ne concernent qu'une prise de sang"})
	}
	if len(errs) > 0 {
		return patients.Patient{}, errs
	}
	p, err := db.Patient(ctx, c.PatientID)
	if err != nil {
		return p, err
	}
	if p.Archived {
		return p, &patients.ValidationError{Field: "patient", Msg: "le dossier " + french.De(p.DisplayName()) + " est archivé"}
	}
	if !c.PreferredNurse.IsZero() {
		if _, err := db.Nurse(ctx, c.PreferredNurse); err != nil {
			return p, fmt.Errorf("preferred nurse %s: %w", c.PreferredNurse, err)
		}
	}
	return p, nil
}

type reconciliationJSON struct {
	Days      int `json:"days"`
	Added     int `json:"added"`
	Cancelled int `json:"cancelled"`
	Updated   int `json:"updated"`
}

func reconJSON(r dayplan.Reconciliation) reconciliationJSON {
	return reconciliationJSON{r.Days, r.Added, r.Cancelled, r.Updated}
}

// afterCarePlan brings the stored days of the patient in line with the
// plan just saved, then says what was saved and what changed.
func (a *app) afterCarePlan(ctx context.Context, db *storage.DB, c patients.CarePlan, p patients.Patient, what string, asJSON bool) error {
	rec, err := dayplan.ReconcilePatient(ctx, db, a.today(), c.PatientID)
	if err != nil {
		return fmt.Errorf("care plan %s saved, stored days not updated: %w", c.ID, err)
	}
	if asJSON {
		return printJSON(a.env.Stdout, struct {
			patients.CarePlan
			Reconciliation reconciliationJSON `json:"reconciliation"`
		}{c, reconJSON(rec)})
	}
	fmt.Fprintf(a.env.Stdout, "%s : %s\n  %s — %s\n", what, c.ID, p.DisplayName(), describeCarePlan(c))
	fmt.Fprintln(a.env.Stdout, reconcileNote(rec))
	return nil
}

// describeCarePlan is one line: what, when, how long, how often.
func describeCarePlan(c patients.CarePlan) string {
	var ws []string
	for _, w := range c.Windows {
		if w.Start == w.End {
			ws = append(ws, "à "+french.Clock(w.Start))
		} else {
			ws = append(ws, french.Clock(w.Start)+"–"+french.Clock(w.End))
		}
	}
	parts := []string{c.Label, strings.Join(ws, " et "), french.Duration(c.DurationMin), describeSchedule(c)}
	if c.Strict {
		parts = append(parts, "horaire strict")
	}
	if !c.EndsOn.IsZero() {
		parts = append(parts, "prescription jusqu'au "+french.ShortDate(c.EndsOn))
	}
	return strings.Join(parts, ", ")
}

// describeSchedule is the plan's rhythm as everywhere else
// (french.CarePlanSchedule), with the day it starts.
func describeSchedule(c patients.CarePlan) string {
	s := french.CarePlanSchedule(c)
	if r := c.Recurrence; !r.Start.IsZero() && r.Kind != patients.GivenDays {
		s += " (depuis le " + french.ShortDate(r.Start) + ")"
	}
	return s
}

// reconcileNote says in French what bringing the stored days in line did.
func reconcileNote(r dayplan.Reconciliation) string {
	if r.Days == 0 {
		return "Aucun jour n'est encore planifié à partir d'aujourd'hui : les visites seront créées à l'ouverture de chaque jour."
	}
	days := plural(r.Days, "jour déjà planifié", "jours déjà planifiés")
	if !r.Changed() {
		return days + " : rien à changer."
	}
	var parts []string
	if r.Added > 0 {
		parts = append(parts, plural(r.Added, "visite ajoutée", "visites ajoutées"))
	}
	if r.Updated > 0 {
		parts = append(parts, plural(r.Updated, "visite modifiée", "visites modifiées"))
	}
	if r.Cancelled > 0 {
		parts = append(parts, plural(r.Cancelled, "visite annulée", "visites annulées"))
	}
	return days + " mis à jour : " + strings.Join(parts, ", ")
}
