package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
	"tournee/planner"
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
				s.date = firstDay(s.date, n)
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
		s.offers = msg.offers
		s.recompute()
		return s, nil
	case offersMsg:
		if msg.seq == s.seq {
			s.offers = msg.offers
		}
		return s, nil
	case roundSavedMsg:
		if msg.seq != s.seq {
			return s, nil
		}
		s.busy = ""
		s.risks = msg.risks
		s.applySaved(msg.visits)
		s.recompute()
		cmds := []tea.Cmd{send(visitsChangedMsg{date: s.date}), s.refreshOffers()}
		if !msg.patient.IsZero() {
			cmds = append(cmds, send(patientsChangedMsg{id: msg.patient}))
		}
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
		if msg.id.IsZero() {
			// A sync or a restore: any care plan may have changed.
			s.reconciled = false
		}
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
		case askingDoneTime, askingAbsentTil:
			return s.updateAnswer(msg)
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
		if v, ok := s.selected(); ok && !isLabRow(v) {
			return s, send(openPatientMsg{id: v.PatientID})
		}
	case key.Matches(msg, k.Transmit):
		if v, ok := s.selected(); ok && !isLabRow(v) {
			return s, send(newTransmissionMsg{patientID: v.PatientID, visitID: v.ID})
		}
	case key.Matches(msg, k.Done):
		return s.markDone()
	case key.Matches(msg, k.Missed):
		if s.date.After(s.today()) {
			return s, statusCmd("Une visite d'un jour à venir ne peut pas être marquée non faite : elle n'a pas encore eu lieu.")
		}
		if v, ok := s.selected(); ok && v.Status == patients.Planned && !v.PatientID.IsZero() {
			s.mode = askingMissed
		}
	case key.Matches(msg, k.Give):
		return s.give()
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
		// Until when? The absence takes her out of every round of the period.
		s.mode, s.pending = askingAbsentTil, v
		s.answer.Reset()
		s.answer.Prompt = "Hospitalisé(e) jusqu'au (JJ/MM, vide : jusqu'à son retour) : "
		s.answer.Placeholder = ""
		return s, s.answer.Focus()
	case key.Matches(msg, s.keys.Postpone):
		if v.Strict || v.PinnedTime {
			s.mode = browsing
			return s, statusCmd("Horaire strict : cette visite ne peut pas être reportée. Confiez-la à une collègue (d) ou marquez-la absent.")
		}
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
		note := fmt.Sprintf("Retard de %d min pris en compte ; tournée recalculée.", p.delayMin)
		if n := len(p.result.Risks); n > 0 {
			note = fmt.Sprintf("Retard de %d min : tournée recalculée ; %d visite(s) en retard ou hors tournée, l'heure en couleur.", p.delayMin, n)
		}
		// The kept order's times hold until her next visit is marked done:
		// she cannot go on before the delay is over.
		s.readyAt = p.readyAt
		// Warnings come from what is stored from now on, not from the
		// preview: no risk is carried over.
		return s.save(p.visits, nil, note)
	case key.Matches(msg, s.keys.Give):
		// The strict visit the delay makes impossible goes to the colleague
		// proposed for it.
		for _, r := range s.preview.result.Risks {
			if r.Strict && r.Proposal != nil {
				s.mode, s.preview = browsing, nil
				s.recompute()
				return s.handOver(r.VisitID, r.Proposal.NurseID)
			}
		}
		return s, statusCmd("Aucune visite à horaire strict à confier.")
	case key.Matches(msg, s.keys.Up, s.keys.Down):
		return s.move(msg)
	}
	return s, nil
}

func (s roundScreen) markDone() (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if ok && isLabRow(v) {
		return s.tubesDropped()
	}
	if !ok || v.PatientID.IsZero() {
		return s, nil
	}
	switch today := s.today(); {
	case s.date.After(today):
		return s, statusCmd("Une visite d'un jour à venir ne peut pas être marquée faite : elle n'a pas encore eu lieu.")
	case s.date.Before(today) && v.Status == patients.Planned:
		// A visit of a past day: the real time is asked, never « now ».
		s.mode, s.pending = askingDoneTime, v
		s.answer.Reset()
		s.answer.Prompt = "Faite le " + french.Date(s.date) + " à (HH:MM) : "
		s.answer.Placeholder = french.Clock(max(v.PlannedArrival, v.Window.Start))
		return s, s.answer.Focus()
	}
	switch v.Status {
	case patients.Done:
		// A second press undoes a mistaken « faite ».
		v.Status, v.DoneAt, v.DoneBy = patients.Planned, timeZero, xid.NilID()
		s, cmd := s.save([]patients.Visit{v}, s.risks, "Visite remise à faire.")
		s.cursorTo(v.ID)
		return s, cmd
	case patients.Planned:
		v.Status, v.DoneAt, v.DoneBy = patients.Done, s.deps.Now().UTC(), s.session.cabinet.CurrentNurse
		if v.DoneBy.IsZero() {
			v.DoneBy = s.nurseID
		}
		// Her round now goes on from here: a kept delay is over.
		s.readyAt = 0
		s, cmd := s.save([]patients.Visit{v}, s.risks, "Visite faite à "+clockOf(s.deps.Now())+".")
		s.cursorTo(v.ID) // done visits move first: the cursor follows
		return s, cmd
	}
	return s, statusCmd("Cette visite n'est plus prévue.")
}

// shift moves the selected visit one place along the round and pins it
// there, so a re-optimisation keeps the nurse's choice.
func (s roundScreen) shift(by int) (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok || isLabRow(v) {
		return s, nil
	}
	onRoute := s.onRoute()
	i := slices.IndexFunc(onRoute, func(x patients.Visit) bool { return x.ID == v.ID })
	if i < 0 {
		if v.Order != 0 || v.Status != patients.Planned || by > 0 {
			return s, nil
		}
		// A visit the optimiser could not fit: the nurse adds it at the end
		// of her round herself — never where a strict window would break.
		v.Order, v.Pinned = len(onRoute)+1, true
		if v.Strict {
			r, err := planner.CheckRound(append(slices.Clone(onRoute), v), s.nurseID, s.round, s.day.Context(), s.timing())
			if err != nil || r.Stops[len(r.Stops)-1].Broken {
				return s, statusCmd("Horaire strict : en fin de tournée elle serait hors de sa fenêtre. Confiez-la à une collègue (d).")
			}
		}
		v.LeftOut = ""
		s, cmd := s.save([]patients.Visit{v}, s.risks, "Visite ajoutée en fin de tournée et épinglée.")
		s.cursorTo(v.ID)
		return s, cmd
	}
	j := i + by
	if j < 0 || j >= len(onRoute) {
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
	s, cmd := s.save(onRoute, s.risks, "Visite déplacée et épinglée (p pour la libérer).")
	s.cursorTo(v.ID)
	return s, cmd
}

// cursorTo puts the cursor on a visit's row.
func (s *roundScreen) cursorTo(id xid.ID) {
	if i := slices.IndexFunc(s.rows, func(v patients.Visit) bool { return v.ID == id }); i >= 0 {
		s.cursor = i
		s.clampCursor()
	}
}

func (s roundScreen) togglePin() (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok || v.Order == 0 || isLabRow(v) {
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

// updateAnswer takes the real time of a past visit, or the last day of a
// hospitalisation.
func (s roundScreen) updateAnswer(msg tea.KeyPressMsg) (roundScreen, tea.Cmd) {
	switch {
	case key.Matches(msg, s.keys.Cancel):
		s.mode = browsing
		s.answer.Blur()
		return s, nil
	case key.Matches(msg, s.keys.Accept):
		text := strings.TrimSpace(s.answer.Value())
		v := s.pending
		if s.mode == askingDoneTime {
			if text == "" {
				text = s.answer.Placeholder
			}
			t, err := patients.ParseTimeOfDay(text)
			if err != nil {
				return s, statusCmd("Heure illisible : tapez par exemple 8h30 ou 08:30.")
			}
			s.mode = browsing
			s.answer.Blur()
			v.Status, v.DoneAt, v.DoneBy = patients.Done, s.date.At(t).UTC(), s.session.cabinet.CurrentNurse
			if v.DoneBy.IsZero() {
				v.DoneBy = s.nurseID
			}
			return s.save([]patients.Visit{v}, s.risks, "Visite du "+french.Date(s.date)+" enregistrée faite à "+french.Clock(t)+".")
		}
		until, err := parseDayMonth(text, s.date)
		if err != nil {
			return s, statusCmd("Date illisible : tapez par exemple 9/12, ou laissez vide jusqu'à son retour.")
		}
		if !until.IsZero() && until.Before(s.date) {
			return s, statusCmd("La fin de l'hospitalisation ne peut pas précéder aujourd'hui.")
		}
		s.mode = browsing
		s.answer.Blur()
		return s.hospitalise(v, until)
	}
	var cmd tea.Cmd
	s.answer, cmd = s.answer.Update(msg)
	return s, cmd
}

// parseDayMonth reads « 9/12 », « 09/12/2026 » or « 2026-12-09 »; a day
// and month without a year is the next such date from ref. Empty is zero.
func parseDayMonth(text string, ref patients.Date) (patients.Date, error) {
	if text == "" {
		return patients.Date{}, nil
	}
	if d, err := patients.ParseDate(text); err == nil {
		return d, nil
	}
	parts := strings.Split(strings.ReplaceAll(text, ".", "/"), "/")
	if len(parts) < 2 || len(parts) > 3 {
		return patients.Date{}, fmt.Errorf("date %q", text)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return patients.Date{}, fmt.Errorf("date %q", text)
		}
		nums[i] = n
	}
	year := ref.Year
	if len(nums) == 3 {
		year = nums[2]
		if year < 100 {
			year += 2000
		}
	}
	if nums[1] < 1 || nums[1] > 12 || nums[0] < 1 || nums[0] > 31 {
		return patients.Date{}, fmt.Errorf("date %q", text)
	}
	d := patients.NewDate(year, time.Month(nums[1]), nums[0])
	if d.Day != nums[0] {
		return patients.Date{}, fmt.Errorf("date %q", text)
	}
	if len(nums) == 2 && d.Before(ref) {
		d = patients.NewDate(year+1, time.Month(nums[1]), nums[0])
	}
	return d, nil
}

// tubesDropped records that the tubes drawn so far on her round reached the
// lab: the drop-off leaves the round once no draw is left to do.
func (s roundScreen) tubesDropped() (roundScreen, tea.Cmd) {
	if s.date != s.today() {
		return s, statusCmd("Le dépôt des tubes se note le jour même.")
	}
	now := s.deps.Now()
	var vs []patients.Visit
	for _, v := range s.rows {
		if v.LabBefore > 0 && v.Status == patients.Done && v.TubesDroppedAt.IsZero() {
			v.TubesDroppedAt = now.UTC()
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return s, statusCmd("Aucun tube prélevé à déposer pour l'instant : faites d'abord la prise de sang.")
	}
	return s.save(vs, s.risks, fmt.Sprintf("Tubes déposés au laboratoire à %s.", clockOf(now)))
}
