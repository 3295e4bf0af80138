package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
)

func (s roundScreen) Update(msg tea.Msg) (roundScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionMsg:
		first := s.session.cabinet.Name == "" && len(s.session.nurses) == 0
		s.session = msg
		if first || s.nurseID.IsZero() {
			s.nurseID = msg.cabinet.CurrentNurse
			if _, ok := s.nurse(); !ok && len(msg.nurses) > 0 {
				s.nurseID = msg.nurses[0].ID
			}
			s.date = s.today()
			if n, ok := s.nurse(); ok {
				s.round = defaultRound(n, s.deps.Now())
			}
			return s.reload()
		}
		return s, nil
	case dayLoadedMsg:
		if msg.seq != s.seq {
			return s, nil
		}
		s.loading = false
		s.day, s.unread = msg.day, msg.unread
		s.byID = make(map[xid.ID]*patients.Patient, len(s.day.Patients))
		for i := range s.day.Patients {
			s.byID[s.day.Patients[i].ID] = &s.day.Patients[i]
		}
		// Today's visits were never ordered: order them now rather than
		// show a round nobody chose.
		if s.date == s.today() && len(s.day.Visits) > 0 && !dayplan.Ordered(s.day.Visits) {
			return s.optimise()
		}
		s.recompute()
		return s, nil
	case roundSavedMsg:
		if msg.seq != s.seq {
			return s, nil
		}
		s.busy = ""
		s.risks = msg.risks
		s.applySaved(msg.visits)
		s.recompute()
		cmds := []tea.Cmd{send(visitsChangedMsg{date: s.date})}
		if msg.note != "" {
			cmds = append(cmds, statusCmd(msg.note))
		}
		return s, tea.Batch(cmds...)
	case replanPreviewMsg:
		if msg.seq != s.seq {
			return s, nil
		}
		s.busy = ""
		s.preview = msg.preview
		s.mode = previewing
		s.rows = previewRows(s.rows, msg.preview.visits)
		return s, nil
	case visitsChangedMsg:
		return s, nil // this screen is the only writer of visits and already up to date
	case transmissionsChangedMsg:
		if s.unread[msg.patientID] {
			return s.reload()
		}
		return s, nil
	case patientsChangedMsg:
		return s.reload()
	case errMsg:
		s.busy, s.loading = "", false
		if s.mode == previewing {
			s.mode, s.preview = browsing, nil
		}
		return s, nil
	case spinner.TickMsg:
		if s.busy == "" && !s.loading {
			return s, nil
		}
		var cmd tea.Cmd
		s.spinner, cmd = s.spinner.Update(msg)
		return s, cmd
	case tea.KeyPressMsg:
		switch s.mode {
		case askingDelay:
			return s.updateDelay(msg)
		case askingMissed:
			return s.updateMissed(msg)
		case previewing:
			return s.updatePreview(msg)
		}
		return s.updateBrowsing(msg)
	}
	return s, nil
}

func (s roundScreen) updateBrowsing(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	k := s.keys
	if s.busy != "" {
		// One write at a time: the keys that change the round wait.
		if key.Matches(msg, k.Up, k.Down, k.Map) {
			return s.move(msg)
		}
		return s, nil
	}
	switch {
	case key.Matches(msg, k.Up, k.Down, k.Map):
		return s.move(msg)
	case key.Matches(msg, k.Open):
		if v, ok := s.selected(); ok {
			return s, send(openPatientMsg{id: v.PatientID})
		}
	case key.Matches(msg, k.Transmit):
		if v, ok := s.selected(); ok {
			return s, send(newTransmissionMsg{patientID: v.PatientID, visitID: v.ID})
		}
	case key.Matches(msg, k.Done):
		return s.markDone()
	case key.Matches(msg, k.Missed):
		if v, ok := s.selected(); ok && v.Status == patients.Planned {
			s.mode = askingMissed
		}
	case key.Matches(msg, k.MoveUp):
		return s.shift(-1)
	case key.Matches(msg, k.MoveDown):
		return s.shift(+1)
	case key.Matches(msg, k.Pin):
		return s.togglePin()
	case key.Matches(msg, k.Delay):
		if s.date == s.today() && len(s.route.Stops) > 0 {
			s.mode = askingDelay
			s.delay.Reset()
			return s, s.delay.Focus()
		}
		return s, statusCmd("Le retard se déclare sur la tournée du jour.")
	case key.Matches(msg, k.Optimise):
		return s.optimise()
	case key.Matches(msg, k.NextNurse):
		if len(s.session.nurses) > 1 {
			i := slices.IndexFunc(s.session.nurses, func(n patients.Nurse) bool { return n.ID == s.nurseID })
			s.nurseID = s.session.nurses[(i+1)%len(s.session.nurses)].ID
			s.risks = nil
			s.cursor, s.offset = 0, 0
			s.recompute()
		}
	case key.Matches(msg, k.Round):
		s.round = otherRound(s.round)
		s.risks = nil
		s.cursor, s.offset = 0, 0
		s.recompute()
	case key.Matches(msg, k.PrevDay):
		s.date = s.date.AddDays(-1)
		return s.reload()
	case key.Matches(msg, k.Next):
		s.date = s.date.AddDays(1)
		return s.reload()
	case key.Matches(msg, k.Today):
		s.date = s.today()
		return s.reload()
	}
	return s, nil
}

func (s roundScreen) move(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, s.keys.Up):
		s.cursor--
	case key.Matches(msg, s.keys.Down):
		s.cursor++
	case key.Matches(msg, s.keys.Map):
		s.showMap = !s.showMap
	}
	s.clampCursor()
	return s, nil
}

func otherRound(r patients.Round) patients.Round {
	if r == patients.Morning {
		return patients.Evening
	}
	return patients.Morning
}

func (s roundScreen) updateDelay(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, s.keys.Cancel):
		s.mode = browsing
		s.delay.Blur()
		return s, nil
	case key.Matches(msg, s.keys.Accept):
		n, err := strconv.Atoi(strings.TrimSpace(s.delay.Value()))
		if err != nil || n <= 0 || n > 600 {
			return s, statusCmd("Tapez un retard en minutes, entre 1 et 600.")
		}
		s.mode = browsing
		s.delay.Blur()
		return s.replan(n, nil, "")
	}
	var cmd tea.Cmd
	s.delay, cmd = s.delay.Update(msg)
	return s, cmd
}

func validMinutes(v string) error {
	for _, r := range v {
		if r < '0' || r > '9' {
			return fmt.Errorf("minutes")
		}
	}
	return nil
}

func (s roundScreen) updateMissed(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok {
		s.mode = browsing
		return s, nil
	}
	var status patients.VisitStatus
	var note string
	switch {
	case key.Matches(msg, s.keys.Cancel):
		s.mode = browsing
		return s, nil
	case key.Matches(msg, s.keys.Absent):
		status, note = patients.Missed, "absent"
	case key.Matches(msg, s.keys.Hospital):
		status, note = patients.Missed, "hospitalisé"
	case key.Matches(msg, s.keys.Postpone):
		status, note = patients.Postponed, "reportée"
	default:
		return s, nil
	}
	s.mode = browsing
	v.Status, v.StatusNote = status, note
	v.DoneBy = s.session.cabinet.CurrentNurse
	// The rest of the round goes on without this stop: re-plan it from
	// where she is, and save the status and the new order together.
	return s.replan(0, &v, fmt.Sprintf("Visite marquée « %s » ; suite de la tournée recalculée.", note))
}

func (s roundScreen) updatePreview(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, s.keys.Cancel):
		s.mode, s.preview = browsing, nil
		s.recompute()
		return s, statusCmd("Ordre de la tournée inchangé.")
	case key.Matches(msg, s.keys.Accept):
		p := s.preview
		s.mode, s.preview = browsing, nil
		risks := riskIndex(p.result.Risks)
		note := fmt.Sprintf("Retard de %d min pris en compte ; tournée recalculée.", p.delayMin)
		if len(risks) > 0 {
			note = fmt.Sprintf("Retard de %d min : %d visite(s) à risque, en rouge.", p.delayMin, len(risks))
		}
		return s.save(p.visits, risks, note)
	case key.Matches(msg, s.keys.Up, s.keys.Down):
		return s.move(msg)
	}
	return s, nil
}

func (s roundScreen) markDone() (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok {
		return s, nil
	}
	switch v.Status {
	case patients.Done:
		// A second press undoes a mistaken « faite ».
		v.Status, v.DoneAt, v.DoneBy = patients.Planned, timeZero, xid.NilID()
		return s.save([]patients.Visit{v}, s.risks, "Visite remise à faire.")
	case patients.Planned:
		v.Status, v.DoneAt, v.DoneBy = patients.Done, s.deps.Now().UTC(), s.session.cabinet.CurrentNurse
		if v.DoneBy.IsZero() {
			v.DoneBy = s.nurseID
		}
		return s.save([]patients.Visit{v}, s.risks, "Visite faite à "+clockOf(s.deps.Now())+".")
	}
	return s, statusCmd("Cette visite n'est plus prévue.")
}

// shift moves the selected visit one place along the round and pins it
// there, so a re-optimisation keeps the nurse's choice.
func (s roundScreen) shift(by int) (roundScreen, tea.Cmd) {
	onRoute := s.onRoute()
	i := s.cursor
	j := i + by
	if v, ok := s.selected(); ok && i >= len(onRoute) && v.Order == 0 && v.Status == patients.Planned && by < 0 {
		// A visit the optimiser could not fit: the nurse adds it at the end
		// of her round herself.
		v.Order, v.Pinned = len(onRoute)+1, true
		s.cursor = len(onRoute)
		return s.save([]patients.Visit{v}, s.risks, "Visite ajoutée en fin de tournée et épinglée.")
	}
	if i >= len(onRoute) || j < 0 || j >= len(onRoute) {
		return s, nil
	}
	if onRoute[i].Status != patients.Planned || onRoute[j].Status != patients.Planned {
		return s, statusCmd("Seules les visites encore à faire se déplacent.")
	}
	onRoute[i], onRoute[j] = onRoute[j], onRoute[i]
	onRoute[j].Pinned = true
	for k := range onRoute {
		onRoute[k].Order = k + 1
	}
	s.cursor = j
	return s.save(onRoute, s.risks, "Visite déplacée et épinglée (p pour la libérer).")
}

func (s roundScreen) togglePin() (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok || v.Order == 0 {
		return s, nil
	}
	v.Pinned = !v.Pinned
	note := "Visite épinglée à sa place."
	if !v.Pinned {
		note = "Visite libérée : l'optimisation peut la déplacer."
	}
	return s.save([]patients.Visit{v}, s.risks, note)
}

// onRoute is a copy of the rows the route passes by, in order.
func (s roundScreen) onRoute() []patients.Visit {
	var out []patients.Visit
	for _, v := range s.rows {
		if v.Order > 0 && (v.Status == patients.Planned || v.Status == patients.Done) {
			out = append(out, v)
		}
	}
	return out
}

// applySaved merges saved visits into the day.
func (s *roundScreen) applySaved(vs []patients.Visit) {
	if s.day == nil {
		return
	}
	// A new Day rather than an edit in place: a command may still be
	// reading the old one.
	byID := make(map[xid.ID]patients.Visit, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	d := *s.day
	d.Visits = slices.Clone(d.Visits)
	for i, v := range d.Visits {
		if nv, ok := byID[v.ID]; ok {
			d.Visits[i] = nv
			delete(byID, v.ID)
		}
	}
	for _, v := range vs {
		if _, ok := byID[v.ID]; ok {
			d.Visits = append(d.Visits, v)
		}
	}
	d.Built = false
	s.day = &d
}

// previewRows puts the rows in the order a re-plan proposes: the visits it
// re-ordered take their new place among those on the route; the others
// (missed, never ordered) stay at the end.
func previewRows(rows, proposed []patients.Visit) []patients.Visit {
	byID := make(map[xid.ID]patients.Visit, len(proposed))
	for _, v := range proposed {
		byID[v.ID] = v
	}
	out := slices.Clone(rows)
	for i, v := range out {
		if nv, ok := byID[v.ID]; ok {
			out[i] = nv
		}
	}
	onRoute := func(v patients.Visit) bool {
		return v.Order > 0 && (v.Status == patients.Planned || v.Status == patients.Done)
	}
	slices.SortStableFunc(out, func(a, b patients.Visit) int {
		ra, rb := onRoute(a), onRoute(b)
		switch {
		case ra && rb:
			return a.Order - b.Order
		case ra:
			return -1
		case rb:
			return 1
		}
		return 0
	})
	return out
}
