package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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

// carePlanFlags are the fields of the care plan form, as flags. Strings are
// parsed by apply so that errors name the flag in French.
type carePlanFlags struct {
	patient, kind, label, duration     string
	windows, fixed                     []string
	strict, fasting                    bool
	labBefore                          string
	daily                              bool
	every                              int
	weekdays, dates                    []string
	start, until                       string
	count                              int
	skipHolidays, last                 bool
	notBefore, nurse                   string
	prescriber, prescribedOn, cotation string
	notes                              string
}

func (f *carePlanFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.patient, "patient", "", "identifiant du patient")
	fs.StringVar(&f.kind, "soin", "", "type de soin : insuline, injection, anticoagulant, pansement, toilette (BSI), ais, prise-de-sang, pilulier, surveillance, perfusion, contention, palliatif, traitement, autre")
	fs.StringVar(&f.label, "libelle", "", "libellé du soin (par défaut le type de soin)")
	fs.StringVar(&f.duration, "duree", "", "durée en minutes (1 à 240)")
	fs.StringArrayVar(&f.windows, "fenetre", nil, "plage de passage HH:MM-HH:MM ou 7h-8h30 (répétable, deux au plus)")
	fs.StringArrayVar(&f.fixed, "heure-fixe", nil, "heure fixe HH:MM : une plage de durée nulle, horaire strict (répétable)")
	fs.BoolVar(&f.strict, "strict", false, "horaire strict : la tournée ne peut pas le décaler (insuline, traitement à heure fixe)")
	fs.BoolVar(&f.fasting, "a-jeun", false, "prise de sang à jeun")
	fs.StringVar(&f.labBefore, "labo-avant", "", "prise de sang : tubes au laboratoire avant HH:MM")
	fs.BoolVar(&f.daily, "tous-les-jours", false, "chaque jour")
	fs.IntVar(&f.every, "tous-les", 0, "tous les N jours à partir du début")
	fs.StringSliceVar(&f.weekdays, "jours", nil, "certains jours de la semaine : lun,mar,mer,jeu,ven,sam,dim")
	fs.StringSliceVar(&f.dates, "dates", nil, "dates données : AAAA-MM-JJ,AAAA-MM-JJ…")
	fs.StringVar(&f.start, "debut", "", "début des soins (AAAA-MM-JJ ; par défaut aujourd'hui)")
	fs.StringVar(&f.until, "fin", "", "dernier jour de soins (AAAA-MM-JJ ; sans fin par défaut)")
	fs.IntVar(&f.count, "seances", 0, "nombre de jours de soins, puis arrêt (0 : sans limite)")
	fs.BoolVar(&f.skipHolidays, "sauf-feries", false, "pas de soin les jours fériés")
	fs.BoolVar(&f.last, "dernier", false, "en fin de tournée (plaie infectée, patient contagieux)")
	fs.StringVar(&f.notBefore, "pas-avant", "", "jamais avant HH:MM (après l'aide à domicile, après le petit-déjeuner)")
	fs.StringVar(&f.nurse, "infirmiere", "", "identifiant de l'infirmière préférée (« aucune » pour l'enlever)")
	fs.StringVar(&f.prescriber, "prescripteur", "", "médecin prescripteur")
	fs.StringVar(&f.prescribedOn, "prescrit-le", "", "date de la prescription (AAAA-MM-JJ)")
	fs.StringVar(&f.cotation, "cotation", "", "cotation NGAP, ex. « AMI 1 + MAU »")
	fs.StringVar(&f.notes, "notes", "", "notes")
}

// apply writes the flags the user gave onto c (all of them for a new plan,
// only those given for an edit). Unreadable values are usage errors;
// values that read but do not fit are checked by CarePlan.Validate.
func (f *carePlanFlags) apply(cmd *cobra.Command, c *patients.CarePlan, today patients.Date) error {
	set := cmd.Flags().Changed
	var err error
	if set("patient") {
		if c.PatientID, err = parseID("patient", f.patient); err != nil {
			return err
		}
	}
	if set("soin") {
		if c.Kind, err = parseCareKind(f.kind); err != nil {
			return err
		}
	}
	if set("libelle") {
		c.Label = strings.TrimSpace(f.label)
	}
	if strings.TrimSpace(c.Label) == "" && c.Kind != "" {
		c.Label = capitalize(string(c.Kind))
	}
	if set("duree") {
		if c.DurationMin, err = parseMinutes(f.duration); err != nil {
			return usagef("--duree : %v", err)
		}
	}
	if set("fenetre") || set("heure-fixe") {
		c.Windows = nil
		for _, s := range f.windows {
			w, err := parseWindow(s)
			if err != nil {
				return usagef("--fenetre : %v", err)
			}
			c.Windows = append(c.Windows, w)
		}
		for _, s := range f.fixed {
			t, err := patients.ParseTimeOfDay(s)
			if err != nil {
				return usagef("--heure-fixe : heure illisible « %s » (tapez 8:00 ou 8h)", s)
			}
			// A fixed time is a window of no length, and strict: the form
			// does the same with « 8h ».
			c.Windows = append(c.Windows, patients.Window{Start: t, End: t})
			c.Strict = true
		}
		if len(c.Windows) > 2 {
			return usagef("--fenetre/--heure-fixe : deux plages au plus par soin ; un soin plus fréquent est un autre soin")
		}
	}
	if set("strict") {
		c.Strict = f.strict || len(f.fixed) > 0
	}
	if set("a-jeun") {
		c.Fasting = f.fasting
	}
	if set("labo-avant") {
		if c.LabDropoffBefore, err = parseOptionalClock(f.labBefore); err != nil {
			return usagef("--labo-avant : %v", err)
		}
	}
	if err := f.applyRecurrence(cmd, &c.Recurrence, today); err != nil {
		return err
	}
	if set("sauf-feries") {
		c.SkipHolidays = f.skipHolidays
	}
	if set("dernier") {
		c.Last = f.last
	}
	if set("pas-avant") {
		if c.NotBefore, err = parseOptionalClock(f.notBefore); err != nil {
			return usagef("--pas-avant : %v", err)
		}
	}
	if set("infirmiere") {
		c.PreferredNurse = xid.NilID()
		if s := strings.TrimSpace(f.nurse); s != "" && s != "aucune" {
			if c.PreferredNurse, err = parseID("nurse", s); err != nil {
				return err
			}
		}
	}
	if set("prescripteur") {
		c.Prescriber = strings.TrimSpace(f.prescriber)
	}
	if set("prescrit-le") {
		if c.PrescribedOn, err = parseOptionalDate(f.prescribedOn); err != nil {
			return usagef("--prescrit-le : %v", err)
		}
	}
	if set("cotation") {
		c.Cotation = strings.TrimSpace(f.cotation)
	}
	if set("notes") {
		c.Notes = strings.TrimSpace(f.notes)
	}
	return nil
}

// applyRecurrence sets how often the care repeats. A new kind of
// recurrence replaces the old one's days; start, end and count carry over
// unless given.
func (f *carePlanFlags) applyRecurrence(cmd *cobra.Command, r *patients.Recurrence, today patients.Date) error {
	set := cmd.Flags().Changed
	kinds := 0
	for _, name := range []string{"tous-les-jours", "tous-les", "jours", "dates"} {
		if set(name) {
			kinds++
		}
	}
	if kinds > 1 {
		return usagef("--tous-les-jours, --tous-les, --jours et --dates s'excluent : une seule fréquence par soin")
	}
	var err error
	switch {
	case set("tous-les-jours"):
		if !f.daily {
			return usagef("--tous-les-jours=false : donnez plutôt la fréquence voulue (--tous-les, --jours ou --dates)")
		}
		*r = patients.Recurrence{Kind: patients.Daily, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("tous-les"):
		*r = patients.Recurrence{Kind: patients.EveryN, N: f.every, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("jours"):
		days, err := parseWeekdays(f.weekdays)
		if err != nil {
			return usagef("--jours : %v", err)
		}
		*r = patients.Recurrence{Kind: patients.Weekdays, Weekdays: days, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("dates"):
		nr := patients.Recurrence{Kind: patients.GivenDays, Until: r.Until, Count: r.Count}
		for _, s := range f.dates {
			d, err := patients.ParseDate(s)
			if err != nil {
				return usagef("--dates : date illisible « %s » (AAAA-MM-JJ)", s)
			}
			nr.Dates = append(nr.Dates, d)
		}
		slices.SortFunc(nr.Dates, patients.Date.Compare)
		nr.Dates = slices.Compact(nr.Dates)
		if len(nr.Dates) > 0 {
			nr.Start = nr.Dates[0]
		}
		*r = nr
	}
	if set("debut") {
		if r.Start, err = patients.ParseDate(f.start); err != nil {
			return usagef("--debut : date illisible « %s » (AAAA-MM-JJ)", f.start)
		}
	}
	if r.Start.IsZero() && r.Kind != patients.GivenDays && r.Kind != "" {
		r.Start = today
	}
	if set("fin") {
		if r.Until, err = parseOptionalDate(f.until); err != nil {
			return usagef("--fin : %v", err)
		}
	}
	if set("seances") {
		r.Count = f.count
	}
	return nil
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
				return usagef("%q is not a care plan id", args[0])
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
				fmt.Fprintf(a.env.Stdout, "Soins prescrits de %s : %d\n", p.DisplayName(), len(plans))
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
		return p, &patients.ValidationError{Field: "patient", Msg: "le dossier de " + p.DisplayName() + " est archivé"}
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
	parts := []string{c.Label, strings.Join(ws, " et "), french.Duration(c.DurationMin), describeRecurrence(c.Recurrence)}
	if c.Strict {
		parts = append(parts, "horaire strict")
	}
	if !c.EndsOn.IsZero() {
		parts = append(parts, "prescription jusqu'au "+french.ShortDate(c.EndsOn))
	}
	return strings.Join(parts, ", ")
}

func describeRecurrence(r patients.Recurrence) string {
	var s string
	switch r.Kind {
	case patients.Daily:
		s = "chaque jour"
	case patients.EveryN:
		s = fmt.Sprintf("tous les %d jours", r.N)
	case patients.Weekdays:
		names := make([]string, len(r.Weekdays))
		for i, d := range r.Weekdays {
			names[i] = weekdayFR[d]
		}
		s = "le " + strings.Join(names, ", ")
	case patients.GivenDays:
		ds := make([]string, len(r.Dates))
		for i, d := range r.Dates {
			ds[i] = french.ShortDate(d)
		}
		return "le " + strings.Join(ds, ", ")
	default:
		s = string(r.Kind)
	}
	if !r.Start.IsZero() {
		s += " à partir du " + french.ShortDate(r.Start)
	}
	if !r.Until.IsZero() {
		s += " jusqu'au " + french.ShortDate(r.Until)
	}
	if r.Count > 0 {
		s += fmt.Sprintf(" (%d séances)", r.Count)
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

// careKindAliases are the short names a command line accepts, besides the
// kinds' own French names.
var careKindAliases = map[string]patients.CareKind{
	"hbpm": patients.LMWHInjected, "toilette": patients.HygieneBSI, "bsi": patients.HygieneBSI,
	"hygiene": patients.HygieneBSI, "hygiene bsi": patients.HygieneBSI, "ais": patients.HygieneAIS,
	"hygiene ais": patients.HygieneAIS, "pds": patients.BloodDraw, "bilan": patients.BloodDraw,
	"prelevement": patients.BloodDraw, "palliatif": patients.Palliative, "palliatifs": patients.Palliative,
	"traitement": patients.Medication, "medicament": patients.Medication,
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o", "î", "i", "ï", "i", "û", "u", "ù", "u",
	"-", " ", "_", " ", "’", "'")

func normKind(s string) string {
	return strings.Join(strings.Fields(unaccent.Replace(strings.ToLower(s))), " ")
}

// parseCareKind reads --soin: a kind's French name (« prise de sang »,
// « prise-de-sang ») or a short alias (toilette, ais, hbpm).
func parseCareKind(s string) (patients.CareKind, error) {
	n := normKind(s)
	for _, k := range patients.CareKinds() {
		if normKind(string(k)) == n {
			return k, nil
		}
	}
	if k, ok := careKindAliases[n]; ok {
		return k, nil
	}
	return "", usagef("--soin : type de soin inconnu « %s » (insuline, injection, anticoagulant, pansement, toilette, ais, prise-de-sang, pilulier, surveillance, perfusion, contention, palliatif, traitement, autre)", s)
}

var weekdayFR = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// parseWeekdays reads « lun,mer,ven » or full day names, Monday first.
func parseWeekdays(ss []string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, s := range ss {
		n := normKind(s)
		found := false
		for d, name := range weekdayFR {
			if len(n) >= 2 && strings.HasPrefix(name, n) {
				if !slices.Contains(out, time.Weekday(d)) {
					out = append(out, time.Weekday(d))
				}
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("jour inconnu « %s » (lun, mar, mer, jeu, ven, sam, dim)", s)
		}
	}
	// Monday first, as a French week.
	slices.SortFunc(out, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	return out, nil
}

// parseWindow reads « 18:00-19:30 », « 7h-8h30 », « 7h à 8h30 ».
func parseWindow(s string) (patients.Window, error) {
	norm := strings.ReplaceAll(strings.ReplaceAll(s, "–", "-"), " à ", "-")
	from, to, ok := strings.Cut(norm, "-")
	if !ok {
		return patients.Window{}, fmt.Errorf("plage illisible « %s » : tapez 07:30-08:00 ou 7h30-8h (une heure seule : --heure-fixe)", s)
	}
	start, err1 := patients.ParseTimeOfDay(from)
	end, err2 := patients.ParseTimeOfDay(to)
	if err1 != nil || err2 != nil {
		return patients.Window{}, fmt.Errorf("plage illisible « %s » : tapez 07:30-08:00 ou 7h30-8h", s)
	}
	return patients.Window{Start: start, End: end}, nil
}

func parseMinutes(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "min")))
	if err != nil {
		return 0, fmt.Errorf("durée illisible « %s » : un nombre de minutes, par exemple 15", s)
	}
	return n, nil
}

func parseOptionalClock(s string) (patients.TimeOfDay, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	t, err := patients.ParseTimeOfDay(s)
	if err != nil {
		return 0, fmt.Errorf("heure illisible « %s » : tapez 10:30 ou 10h30", s)
	}
	return t, nil
}

func parseOptionalDate(s string) (patients.Date, error) {
	if strings.TrimSpace(s) == "" {
		return patients.Date{}, nil
	}
	d, err := patients.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("date illisible « %s » (AAAA-MM-JJ)", s)
	}
	return d, nil
}

func capitalize(s string) string {
	for i := range s {
		if i > 0 {
			return strings.ToUpper(s[:i]) + s[i:]
		}
	}
	return strings.ToUpper(s)
}
