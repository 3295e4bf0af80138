package cli

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
	"tournee/storage"
)

func (a *app) replanCmd() *cobra.Command {
	var nurse, round string
	var delay time.Duration
	var asJSON, noSave bool
	cmd := &cobra.Command{
		Use:   "replan --nurse ID --delay 25m",
		Short: "Recalculer la suite de la tournée d'aujourd'hui après un retard",
		Long: `Recalcule la suite de la tournée du jour d'une infirmière à partir de là où elle est (sa dernière
visite faite, sinon son départ) avec le retard donné. Affiche le nouvel ordre avec les heures, puis
les visites à risque : d'abord les horaires stricts qui ne peuvent plus être tenus (avec la collègue
qui peut les prendre à temps), puis les visites en retard ou laissées de côté, avec la raison.
Le nouvel ordre est enregistré, sauf avec --no-save.`,
		Example: `  tournee replan --nurse ID --delay 25m
  tournee replan --nurse ID --delay 40m --round soir --no-save --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if nurse == "" {
				return usagef("--nurse est obligatoire")
			}
			nid, err := parseID("nurse", nurse)
			if err != nil {
				return err
			}
			if delay < 0 {
				return usagef("--delay : un retard ne peut pas être négatif")
			}
			now := a.env.Now()
			r := patients.RoundOf(patients.Window{Start: patients.TimeOfDayOf(now), End: patients.TimeOfDayOf(now)})
			switch round {
			case "":
			case string(patients.Morning), string(patients.Evening):
				r = patients.Round(round)
			default:
				return usagef("--round : matin ou soir (« %s » donné)", round)
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ctx := cmd.Context()
				day, _, err := a.openDay(ctx, db, patients.DateOf(now))
				if err != nil {
					return err
				}
				n, ok := nurseByID(day.Nurses, nid)
				if !ok {
					return fmt.Errorf("nurse %s: %w", nid, patients.ErrNotFound)
				}
				if !slices.ContainsFunc(day.Visits, func(v patients.Visit) bool { return v.NurseID == nid && v.Round == r && v.Order > 0 }) {
					return refusef("%s n'a pas de tournée du %s aujourd'hui : rien à recalculer", n.FullName(), r)
				}
				rp, err := day.Replan(dayplan.Delay{NurseID: nid, Round: r, DelayMin: delay.Minutes()}, now, planner.Options{Seed: 1, Travel: a.roadTravel(db)})
				if err != nil {
					return err
				}
				res, visits := rp.Replanned, rp.Visits
				if !noSave && len(visits) > 0 {
					if err := db.SaveVisits(ctx, visits); err != nil {
						return err
					}
				}
				names := dayNames(day)
				byID := map[xid.ID]patients.Visit{}
				for _, v := range day.Visits {
					byID[v.ID] = v
				}
				if asJSON {
					return printJSON(a.env.Stdout, replanJSON(res))
				}
				printReplan(a.env.Stdout, n, r, delay, res, byID, day, names, noSave)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&nurse, "nurse", "", "identifiant de l'infirmière")
	f.DurationVar(&delay, "delay", 0, "retard pris, ex. 25m ou 1h10m")
	f.StringVar(&round, "round", "", "matin ou soir (par défaut celle de l'heure qu'il est)")
	f.BoolVar(&asJSON, "json", false, "sortie JSON")
	f.BoolVar(&noSave, "no-save", false, "afficher sans enregistrer le nouvel ordre")
	return cmd
}

func nurseByID(ns []patients.Nurse, id xid.ID) (patients.Nurse, bool) {
	i := slices.IndexFunc(ns, func(n patients.Nurse) bool { return n.ID == id })
	if i < 0 {
		return patients.Nurse{}, false
	}
	return ns[i], true
}

// sortedRisks puts the strict visits that can no longer be kept first.
func sortedRisks(rs []planner.Risk) []planner.Risk {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(x, y planner.Risk) int {
		rank := func(r planner.Risk) int {
			switch {
			case r.Strict:
				return 0
			case r.LeftOut:
				return 1
			}
			return 2
		}
		return rank(x) - rank(y)
	})
	return out
}

func printReplan(w io.Writer, n patients.Nurse, r patients.Round, delay time.Duration, res planner.Replanned,
	byID map[xid.ID]patients.Visit, day *dayplan.Day, names map[xid.ID]string, noSave bool) {
	fmt.Fprintf(w, "Tournée du %s %s recalculée avec %s de retard :\n", r, french.De(n.FullName()), french.Duration(int(delay.Minutes())))
	k := 0
	for _, s := range res.Route.Stops {
		switch {
		case s.Lab:
			fmt.Fprintf(w, "      %s  dépôt des tubes au laboratoire\n", clock(s.Start))
		case s.Break:
			fmt.Fprintf(w, "      %s  pause (%s)\n", clock(s.Start), french.Duration(s.DurationMin))
		case !s.VisitID.IsZero():
			k++
			flag := ""
			if s.Strict {
				flag = " horaire strict"
			}
			if s.LateMin > 0 {
				flag += fmt.Sprintf(" RETARD %s", french.Duration(int(math.Round(s.LateMin))))
			}
			fmt.Fprintf(w, "  %2d. %5s  %-28s fenêtre %s–%s%s\n", k, clock(s.Start), names[s.PatientID],
				french.Clock(s.Window.Start), french.Clock(s.Window.End), flag)
		}
	}
	if k == 0 {
		fmt.Fprintln(w, "  (plus aucune visite dans sa tournée)")
	}
	risks := sortedRisks(res.Risks)
	if len(risks) > 0 {
		fmt.Fprintf(w, "\nVisites à risque (%d) :\n", len(risks))
	}
	for _, rk := range risks {
		v := byID[rk.VisitID]
		label := visitLabel(v, patientOf(day, v.PatientID))
		who := "aucune collègue ne peut la prendre à temps : prévenez le patient"
		if rk.Proposal != nil {
			who = fmt.Sprintf("%s peut la faire à %s", names[rk.Proposal.NurseID], clock(rk.Proposal.Arrival))
		}
		switch {
		case rk.Strict:
			why := ""
			if rk.LeftOut && rk.Reason != "" {
				why = " (" + rk.Reason + ")"
			}
			fmt.Fprintf(w, "  ⚠ %s ne peut plus être faite à l'heure%s : %s\n", label, why, who)
		case rk.LeftOut:
			fmt.Fprintf(w, "  - %s laissée de côté : %s ; %s\n", label, rk.Reason, who)
		case rk.Proposal != nil:
			fmt.Fprintf(w, "  - %s : %s ; %s\n", label, rk.Reason, who)
		default:
			fmt.Fprintf(w, "  - %s : %s\n", label, rk.Reason)
		}
	}
	if noSave {
		fmt.Fprintln(w, "\nNouvel ordre non enregistré (--no-save).")
	}
}

func patientOf(day *dayplan.Day, id xid.ID) patients.Patient {
	for _, p := range day.Patients {
		if p.ID == id {
			return p
		}
	}
	return patients.Patient{ID: id}
}

type replanStopJSON struct {
	VisitID   string `json:"visit_id"`
	PatientID string `json:"patient_id"`
	Start     string `json:"start"`
	Window    string `json:"window"`
	Strict    bool   `json:"strict"`
}

type proposalJSON struct {
	NurseID string `json:"nurse_id"`
	Arrival string `json:"arrival"`
}

type riskJSON struct {
	VisitID  string        `json:"visit_id"`
	Strict   bool          `json:"strict"`
	LateMin  float64       `json:"late_min"`
	LeftOut  bool          `json:"left_out"`
	Reason   string        `json:"reason"`
	Proposal *proposalJSON `json:"proposal"`
}

func replanJSON(res planner.Replanned) any {
	out := struct {
		Route []replanStopJSON `json:"route"`
		Risks []riskJSON       `json:"risks"`
	}{Route: []replanStopJSON{}, Risks: []riskJSON{}}
	for _, s := range res.Route.Stops {
		if s.VisitID.IsZero() {
			continue
		}
		out.Route = append(out.Route, replanStopJSON{s.VisitID.String(), s.PatientID.String(), hhmm(s.Start),
			s.Window.Start.String() + "-" + s.Window.End.String(), s.Strict})
	}
	for _, rk := range sortedRisks(res.Risks) {
		j := riskJSON{VisitID: rk.VisitID.String(), Strict: rk.Strict, LateMin: round1(rk.LateMin), LeftOut: rk.LeftOut, Reason: rk.Reason}
		if rk.Proposal != nil {
			j.Proposal = &proposalJSON{rk.Proposal.NurseID.String(), hhmm(rk.Proposal.Arrival)}
		}
		out.Risks = append(out.Risks, j)
	}
	return out
}

// hhmm writes minutes after midnight as HH:MM, for scripts.
func hhmm(min float64) string { return patients.TimeOfDay(math.Round(min)).String() }
