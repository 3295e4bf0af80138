package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/storage"
)

// absenceReasons are the reasons the interface offers.
var absenceReasons = []string{"hospitalisation", "vacances", "autre"}

func (a *app) absenceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "absence",
		Short: "Absences d'un patient (hospitalisation, vacances) : pas de visite pendant ce temps",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.absenceAddCmd(), a.absenceEndCmd())
	return cmd
}

func (a *app) absenceAddCmd() *cobra.Command {
	var reason, from, to, note string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add ID --motif hospitalisation|vacances|autre [--du AAAA-MM-JJ] [--au AAAA-MM-JJ]",
		Short: "Déclarer une absence : ses visites de la période sont annulées",
		Long: `Déclare une absence du patient, du --du (par défaut aujourd'hui) au --au inclus ; sans --au,
l'absence reste ouverte jusqu'à « tournee patients absence end ID ». Les visites prévues pendant
l'absence, dans les jours déjà planifiés, sont aussitôt annulées ; celles déjà faites restent.`,
		Example: `  tournee patients absence add ID --motif hospitalisation
  tournee patients absence add ID --motif vacances --du 2026-12-20 --au 2027-01-03 --note "chez sa fille"`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("patient", args[0])
			if err != nil {
				return err
			}
			ab := patients.Absence{Reason: strings.ToLower(strings.TrimSpace(reason)), Note: strings.TrimSpace(note)}
			if !slices.Contains(absenceReasons, ab.Reason) {
				return usagef("--motif : %s attendu (« %s » donné)", strings.Join(absenceReasons, ", "), reason)
			}
			ab.From = a.today()
			if from != "" {
				if ab.From, err = patients.ParseDate(from); err != nil {
					return usagef("--du : date illisible « %s » (AAAA-MM-JJ)", from)
				}
			}
			if ab.To, err = parseOptionalDate(to); err != nil {
				return usagef("--au : %v", err)
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := db.Patient(cmd.Context(), id)
				if err != nil {
					return err
				}
				if !ab.To.IsZero() && ab.To.Before(ab.From) {
					return &patients.ValidationError{Field: "absence", Msg: "la fin de l'absence précède son début"}
				}
				for _, o := range p.Absences {
					if overlaps(o, ab) {
						return &patients.ValidationError{Field: "absence", Msg: "elle chevauche l'absence déjà déclarée " + describeAbsence(o) +
							" ; fermez-la d'abord (« tournee patients absence end »)"}
					}
				}
				p.Absences = append(p.Absences, ab)
				if err := db.SavePatient(cmd.Context(), &p); err != nil {
					return err
				}
				return a.afterAbsence(cmd.Context(), db, p, "Absence enregistrée : "+p.DisplayName()+", "+describeAbsence(ab)+".", asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&reason, "motif", "", "hospitalisation, vacances ou autre")
	cmd.Flags().StringVar(&from, "du", "", "premier jour d'absence (AAAA-MM-JJ ; par défaut aujourd'hui)")
	cmd.Flags().StringVar(&to, "au", "", "dernier jour d'absence, inclus (AAAA-MM-JJ ; sans date, absence ouverte)")
	cmd.Flags().StringVar(&note, "note", "", "précision (service, adresse de vacances…)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (les absences du patient et la mise à jour des jours planifiés)")
	return cmd
}

func (a *app) absenceEndCmd() *cobra.Command {
	var back string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "end ID [--le AAAA-MM-JJ]",
		Short: "Fin d'absence : le patient est de retour (ses visites reprennent ce jour-là)",
		Long: `Le patient est de retour le --le (par défaut aujourd'hui) : l'absence en cours ou ouverte se
termine la veille, et les visites reprennent dans les jours déjà planifiés dès ce jour-là. Une
absence qui n'avait pas encore commencé est supprimée.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("patient", args[0])
			if err != nil {
				return err
			}
			d := a.today()
			if back != "" {
				if d, err = patients.ParseDate(back); err != nil {
					return usagef("--le : date illisible « %s » (AAAA-MM-JJ)", back)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := db.Patient(cmd.Context(), id)
				if err != nil {
					return err
				}
				i := returningFrom(p.Absences, d)
				if i < 0 {
					return &patients.ValidationError{Field: "absence", Msg: fmt.Sprintf("%s n'a pas d'absence en cours ou ouverte le %s", p.DisplayName(), french.Date(d))}
				}
				ab := p.Absences[i]
				var what string
				if !ab.From.Before(d) {
					p.Absences = slices.Delete(p.Absences, i, i+1)
					what = "Absence supprimée (elle n'avait pas commencé) : " + describeAbsence(ab) + "."
				} else {
					p.Absences[i].To = d.AddDays(-1)
					what = fmt.Sprintf("Fin d'absence : %s est de retour le %s (%s).", p.DisplayName(), french.Date(d), describeAbsence(p.Absences[i]))
				}
				if err := db.SavePatient(cmd.Context(), &p); err != nil {
					return err
				}
				return a.afterAbsence(cmd.Context(), db, p, what, asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&back, "le", "", "jour du retour (AAAA-MM-JJ ; par défaut aujourd'hui)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON")
	return cmd
}

// returningFrom picks the absence a return on d ends: the one covering d,
// else an open-ended one; -1 when there is none.
func returningFrom(abs []patients.Absence, d patients.Date) int {
	if i := slices.IndexFunc(abs, func(x patients.Absence) bool { return x.Covers(d) }); i >= 0 {
		return i
	}
	return slices.IndexFunc(abs, func(x patients.Absence) bool { return x.To.IsZero() })
}

// overlaps reports whether two absences share a day (zero To is open-ended).
func overlaps(x, y patients.Absence) bool {
	endsBefore := func(a, b patients.Absence) bool { return !a.To.IsZero() && a.To.Before(b.From) }
	return !endsBefore(x, y) && !endsBefore(y, x)
}

func describeAbsence(ab patients.Absence) string {
	s := ab.Reason + " du " + french.ShortDate(ab.From)
	if ab.To.IsZero() {
		s += ", sans date de retour"
	} else {
		s += " au " + french.ShortDate(ab.To)
	}
	if ab.Note != "" {
		s += " (" + ab.Note + ")"
	}
	return s
}

// afterAbsence brings the patient's stored days in line and reports.
func (a *app) afterAbsence(ctx context.Context, db *storage.DB, p patients.Patient, what string, asJSON bool) error {
	rec, err := dayplan.ReconcilePatient(ctx, db, a.today(), p.ID)
	if err != nil {
		return fmt.Errorf("patient %s saved, stored days not updated: %w", p.ID, err)
	}
	if asJSON {
		return printJSON(a.env.Stdout, struct {
			PatientID      string             `json:"patient_id"`
			Absences       []patients.Absence `json:"absences"`
			Reconciliation reconciliationJSON `json:"reconciliation"`
		}{p.ID.String(), nonNil(p.Absences), reconJSON(rec)})
	}
	fmt.Fprintln(a.env.Stdout, what)
	fmt.Fprintln(a.env.Stdout, reconcileNote(rec))
	return nil
}
