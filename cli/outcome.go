package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/storage"
)

// outcome is what a nurse records about a visit.
type outcome string

const (
	outcomeDone     outcome = "done"
	outcomeAbsent   outcome = "absent"
	outcomePostpone outcome = "postpone"
)

// refusal is an action the command will not do, with the reason in French
// (« French sentence : precise cause »). Nothing has been written.
type refusal string

func (r refusal) Error() string { return string(r) }

func refusef(format string, args ...any) error { return refusal(fmt.Sprintf(format, args...)) }

func (a *app) visitOutcomeCmd(o outcome) *cobra.Command {
	var at, note, date string
	var confirm, asJSON bool
	cmd := &cobra.Command{
		Use:  string(o) + " ID",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("visit", args[0])
			if err != nil {
				return err
			}
			var atTime patients.TimeOfDay
			if at != "" {
				if atTime, err = patients.ParseTimeOfDay(at); err != nil {
					return usagef("--at : heure illisible « %s » (tapez 8:12 ou 8h12)", at)
				}
			}
			var day patients.Date
			if date != "" {
				if day, err = patients.ParseDate(date); err != nil {
					return usagef("--date : %v", err)
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ctx := cmd.Context()
				v, err := findVisit(ctx, db, id, day, a.today())
				if err != nil {
					return err
				}
				cab, err := db.Cabinet(ctx)
				if err != nil && !errors.Is(err, patients.ErrNotFound) {
					return err
				}
				p, err := db.Patient(ctx, v.PatientID)
				if err != nil {
					return err
				}
				plans, err := db.CarePlans(ctx, v.PatientID)
				if err != nil {
					return err
				}
				if w, err := dayplan.ReplacedWarning(ctx, db, cab.CurrentNurse, v.Date); err != nil {
					return err
				} else if w != "" {
					fmt.Fprintln(a.env.Stderr, "attention : "+w)
				}
				ws, what, err := a.recordOutcome(o, v, p, plans, cab.CurrentNurse, at != "", atTime, strings.TrimSpace(note), confirm)
				if err != nil {
					return err
				}
				// The outcome and, for a postponed visit, tomorrow's: one action.
				if err := db.SaveVisits(ctx, ws); err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, ws[0])
				}
				fmt.Fprintln(a.env.Stdout, what)
				return nil
			})
		},
	}
	switch o {
	case outcomeDone:
		cmd.Short = "Marquer une visite faite (aujourd'hui ; l'heure est celle de --at ou maintenant)"
		cmd.Long = `Marque une visite du jour faite, à l'heure --at (par défaut maintenant), par l'infirmière de cet
ordinateur. Une visite d'un jour passé ne se marque qu'avec l'heure réelle (--at) et --confirm ;
une visite d'un jour à venir ne peut pas être faite, ni une visite plus d'une heure avant sa plage
(un quart d'heure pour un horaire strict).`
	case outcomeAbsent:
		cmd.Short = "Patient absent à la visite (aujourd'hui) : visite manquée"
		cmd.Long = `Le patient n'était pas là : la visite est « manquée », note « absent », à l'heure --at (par défaut
maintenant). Mêmes règles que « visits done » pour les jours passés et à venir. Pour une absence
qui dure (hospitalisation, vacances) : « tournee patients absence add ».`
	case outcomePostpone:
		cmd.Short = "Reporter une visite au lendemain (si la prescription le permet)"
		cmd.Long = `Reporte une visite au lendemain : elle devient « reportée » et le soin est ajouté le lendemain,
à placer dans une tournée (sauf s'il y est de toute façon prévu). Une visite à horaire strict
(insuline, traitement à heure fixe) ne se reporte pas. Un jour passé ne se reporte plus.`
	}
	if o != outcomePostpone {
		cmd.Flags().StringVar(&at, "at", "", "heure réelle (HH:MM ; par défaut maintenant)")
		cmd.Flags().BoolVar(&confirm, "confirm", false, "confirmer une saisie sur un jour passé (avec --at)")
	}
	cmd.Flags().StringVar(&note, "note", "", "note sur la visite")
	cmd.Flags().StringVar(&date, "date", "", "jour de la visite (AAAA-MM-JJ), pour la trouver plus vite")
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (la visite enregistrée)")
	return cmd
}

// recordOutcome returns the visit with the outcome, or the reason it cannot
// be true: an outcome is recorded only for a visit still planned, on today
// (or on a past day with the real time and --confirm), never ahead of time.
func (a *app) recordOutcome(o outcome, v patients.Visit, p patients.Patient, plans []patients.CarePlan, me xid.ID, hasAt bool,
	at patients.TimeOfDay, note string, confirm bool) ([]patients.Visit, string, error) {
	now := a.env.Now()
	today := patients.DateOf(now)
	label := visitLabel(v, p)
	switch v.Status {
	case patients.Planned:
	case patients.Cancelled:
		return nil, "", refusef("%s n'est plus prévue : %s ; rien n'a été changé", label, v.StatusNote)
	case patients.Done:
		return nil, "", refusef("%s est déjà faite (à %s) ; rien n'a été changé", label, french.Time(v.DoneAt))
	default:
		return nil, "", refusef("%s est déjà « %s » ; rien n'a été changé", label, v.Status)
	}
	if me.IsZero() {
		me = v.NurseID
	}
	if o == outcomePostpone {
		if v.Date.Before(today) {
			return nil, "", refusef("%s ne peut plus être reportée : le %s est passé", label, french.Date(v.Date))
		}
		ws, err := dayplan.Postpone(v, plans, me)
		if errors.Is(err, dayplan.ErrStrictCannotWait) {
			return nil, "", refusef("%s ne peut pas être reportée : la prescription impose l'horaire (%s–%s, horaire strict) ; "+
				"prévenez le médecin, ou marquez-la manquée", label, french.Clock(v.Window.Start), french.Clock(v.Window.End))
		}
		if err != nil {
			return nil, "", err
		}
		what := fmt.Sprintf("%s %s.", label, ws[0].StatusNote)
		ws[0].StatusNote = joinNote(ws[0].StatusNote, note)
		return ws, what, nil
	}
	switch {
	case v.Date.After(today):
		return nil, "", refusef("%s ne peut pas être marquée maintenant : elle est prévue le %s, pas encore arrivé", label, french.Date(v.Date))
	case v.Date.Before(today) && (!hasAt || !confirm):
		return nil, "", refusef("%s date du %s : donnez l'heure réelle avec --at HH:MM et ajoutez --confirm pour la saisir après coup", label, french.Date(v.Date))
	case v.Date == today && !hasAt:
		at = patients.TimeOfDayOf(now)
	case v.Date == today && at > patients.TimeOfDayOf(now):
		return nil, "", refusef("--at %s est dans le futur : il est %s ; rien n'a été changé", french.Clock(at), french.Clock(patients.TimeOfDayOf(now)))
	}
	// A visit starts in its window; a little early is life, hours early is a
	// mistake (the wrong visit). A strict window allows less.
	early := patients.TimeOfDay(60)
	if v.Strict {
		early = 15
	}
	if at < v.Window.Start-early {
		return nil, "", refusef("%s ne peut pas avoir eu lieu à %s : sa plage commence à %s ; vérifiez la visite ou l'heure (--at)",
			label, french.Clock(at), french.Clock(v.Window.Start))
	}
	v.DoneAt, v.DoneBy = v.Date.At(at).UTC(), me
	if o == outcomeDone {
		v.Status, v.StatusNote = patients.Done, note
		return []patients.Visit{v}, fmt.Sprintf("%s faite à %s.", label, french.Clock(at)), nil
	}
	// The nurse rang at that time: the planner counts the visit as behind
	// her (a missed visit with DoneAt), as for one she made.
	v.Status, v.StatusNote = patients.Missed, joinNote("absent", note)
	return []patients.Visit{v}, fmt.Sprintf("%s : patient absent à %s, visite manquée.", label, french.Clock(at)), nil
}

func joinNote(base, note string) string {
	if note == "" {
		return base
	}
	return base + " — " + note
}

// visitLabel names a visit the way nurses say it: « Insuline de BLONDEL
// Évelyne (7h00–8h30) ».
func visitLabel(v patients.Visit, p patients.Patient) string {
	what := "La visite"
	if len(v.Items) > 0 {
		what = capitalize(string(v.Items[0].Kind))
	}
	return fmt.Sprintf("%s de %s (%s–%s)", what, p.DisplayName(), french.Clock(v.Window.Start), french.Clock(v.Window.End))
}

// findVisit looks for a visit by id: on the given day, else on the day its
// id was made (ids built from the care plans carry their day), today, and
// then every stored day.
func findVisit(ctx context.Context, db *storage.DB, id xid.ID, day, today patients.Date) (patients.Visit, error) {
	tried := map[patients.Date]bool{}
	look := func(d patients.Date) (patients.Visit, bool, error) {
		if d.IsZero() || tried[d] {
			return patients.Visit{}, false, nil
		}
		tried[d] = true
		vs, err := db.Visits(ctx, d)
		if err != nil {
			return patients.Visit{}, false, err
		}
		i := slices.IndexFunc(vs, func(v patients.Visit) bool { return v.ID == id })
		if i < 0 {
			return patients.Visit{}, false, nil
		}
		return vs[i], true, nil
	}
	first := []patients.Date{day, patients.DateOf(id.Time()), today}
	if !day.IsZero() {
		first = first[:1]
	}
	for _, d := range first {
		if v, ok, err := look(d); err != nil || ok {
			return v, err
		}
	}
	if day.IsZero() {
		days, err := db.VisitDays(ctx, patients.Date{})
		if err != nil {
			return patients.Visit{}, err
		}
		for i := len(days) - 1; i >= 0; i-- {
			if v, ok, err := look(days[i]); err != nil || ok {
				return v, err
			}
		}
	}
	return patients.Visit{}, fmt.Errorf("visit %s: %w", id, patients.ErrNotFound)
}
