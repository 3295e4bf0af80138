package tui

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
)

// absenceAsk records an absence from the patient file in two steps: the
// motif, then until when (empty: until she is back).
type absenceAsk struct {
	step   absenceStep
	reason string
	until  textinput.Model
}

type absenceStep int

const (
	noAbsence absenceStep = iota
	absenceMotif
	absenceUntil
)

// absenceSavedMsg: the absence was written and the days reconciled.
type absenceSavedMsg struct {
	id   xid.ID
	note string
}

// The motifs a nurse records, by key.
var absenceMotifs = []struct{ key, reason string }{
	{"h", "hospitalisation"}, {"v", "vacances"}, {"a", "autre"},
}

func (s patientsScreen) startAbsence() (patientsScreen, tea.Cmd) {
	in := textinput.New()
	in.Prompt = "jusqu'au (JJ/MM, vide : jusqu'à son retour) : "
	in.CharLimit = 10
	in.SetWidth(12)
	s.file.absence = absenceAsk{step: absenceMotif, until: in}
	return s, nil
}

// updateAbsence takes the motif key, then the date.
func (s patientsScreen) updateAbsence(k tea.KeyPressMsg) (patientsScreen, tea.Cmd) {
	a := s.file.absence
	if key.Matches(k, s.keys.Cancel) {
		s.file.absence = absenceAsk{}
		return s, nil
	}
	if a.step == absenceMotif {
		for _, m := range absenceMotifs {
			if k.String() == m.key {
				a.step, a.reason = absenceUntil, m.reason
				s.file.absence = a
				return s, s.file.absence.until.Focus()
			}
		}
		return s, nil
	}
	if key.Matches(k, s.keys.EditPlan) { // entrée
		today := patients.DateOf(s.now())
		until, err := parseDayMonth(strings.TrimSpace(a.until.Value()), today)
		if err != nil {
			return s, statusCmd("Date illisible : tapez par exemple 9/12, ou laissez vide jusqu'à son retour.")
		}
		if !until.IsZero() && until.Before(today) {
			return s, statusCmd("La fin de l'absence ne peut pas précéder aujourd'hui.")
		}
		s.file.absence = absenceAsk{}
		ab := patients.Absence{Reason: a.reason, From: today, To: until}
		return s, s.saveAbsence(s.file.id, func(p *patients.Patient) string {
			p.Absences = append(p.Absences, ab)
			if until.IsZero() {
				return capitalize(a.reason) + " jusqu'à son retour : visites retirées des tournées."
			}
			return capitalize(a.reason) + " jusqu'au " + french.Date(until) + " : visites retirées jusque-là."
		})
	}
	var cmd tea.Cmd
	a.until, cmd = a.until.Update(k)
	s.file.absence = a
	return s, cmd
}

// endAbsence closes the absence under way: she is back from today. An
// absence that had not started yet is removed.
func (s patientsScreen) endAbsence() (patientsScreen, tea.Cmd) {
	today := patients.DateOf(s.now())
	i := slices.IndexFunc(s.file.p.Absences, func(a patients.Absence) bool { return a.Covers(today) })
	if i < 0 {
		return s, statusCmd("Aucune absence en cours pour ce patient.")
	}
	return s, s.saveAbsence(s.file.id, func(p *patients.Patient) string {
		for j, a := range p.Absences {
			if !a.Covers(today) {
				continue
			}
			if !a.From.Before(today) {
				p.Absences = slices.Delete(p.Absences, j, j+1)
			} else {
				p.Absences[j].To = today.AddDays(-1)
			}
			break
		}
		return "De retour aujourd'hui : ses soins reprennent dans les tournées."
	})
}

// saveAbsence changes the patient's absences, saves her and brings the
// stored days in line.
func (s patientsScreen) saveAbsence(id xid.ID, change func(*patients.Patient) string) tea.Cmd {
	store, today := s.store, patients.DateOf(s.now())
	return func() tea.Msg {
		ctx := context.Background()
		p, err := store.Patient(ctx, id)
		if err != nil {
			return errMsg{"load patient " + id.String(), err, originOf(patientsTab)}
		}
		note := change(&p)
		if err := store.SavePatient(ctx, &p); err != nil {
			return errMsg{"save absence of " + id.String(), err, originOf(patientsTab)}
		}
		if _, err := dayplan.ReconcilePatient(ctx, store, today, id); err != nil {
			return errMsg{"reconcile days of " + id.String(), err, originOf(patientsTab)}
		}
		return absenceSavedMsg{id: id, note: note}
	}
}

// absencePrompt is the line under the file's head while an absence is asked.
func (s patientsScreen) absencePrompt() string {
	st := s.styles
	switch a := s.file.absence; a.step {
	case absenceMotif:
		return ansi.Truncate(st.Bold.Render("Absence : ")+st.Accent.Render("h")+" hospitalisation  "+st.Accent.Render("v")+" vacances  "+
			st.Accent.Render("a")+" autre  "+st.Muted.Render("échap annuler"), s.w, "…")
	case absenceUntil:
		return ansi.Truncate(st.Bold.Render(capitalize(a.reason)+" ")+a.until.View(), s.w, "…")
	}
	return ""
}
