package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
)

var timeZero time.Time

type (
	dayLoadedMsg struct {
		seq    int
		day    *dayplan.Day
		unread map[xid.ID]bool
		offers map[xid.ID][]dayplan.Offer
	}
	offersMsg struct {
		seq    int
		offers map[xid.ID][]dayplan.Offer
	}
	// roundSavedMsg: visits were written in one transaction.
	roundSavedMsg struct {
		seq    int
		visits []patients.Visit
		risks  map[xid.ID]planner.Risk
		note   string
		// patient is set when her file changed too (an absence): the other
		// screens, and this one, reload what follows from it.
		patient xid.ID
	}
	replanPreviewMsg struct {
		seq     int
		preview *replanPreview
	}
)

func clockOf(t time.Time) string { return french.Clock(patients.TimeOfDayOf(t)) }

func clockMin(min float64) string { return french.Clock(patients.TimeOfDay(math.Round(min))) }

// reload reads the day again (another date, new data). The day is opened
// as it is lived: from today on, a day never ordered is ordered and new care
// is put in a round (dayplan.Open). The first load, and the first after a
// sync, first brings every stored day in line with the care plans.
func (s roundScreen) reload() (roundScreen, tea.Cmd) {
	s.seq++
	s.loading = true
	// A reload supersedes a command under way: its answer will be dropped.
	s.busy = ""
	s.risks, s.preview, s.mode, s.offers = nil, nil, browsing, nil
	seq, store, d, me, now, opt := s.seq, s.deps.Store, s.date, s.session.cabinet.CurrentNurse, s.deps.Now(), s.deps.Plan
	reconcile := !s.reconciled
	s.reconciled = true
	load := func() tea.Msg {
		ctx := context.Background()
		warmRoads(opt.Travel)
		if reconcile {
			if _, err := dayplan.Reconcile(ctx, store, patients.DateOf(now)); err != nil {
				return errMsg{"reconcile days", err, originOf(roundTab)}
			}
		}
		day, _, err := dayplan.Open(ctx, store, d, now, opt)
		if err != nil {
			return errMsg{"load day " + d.String(), err, originOf(roundTab)}
		}
		unread, err := unreadTransmissions(ctx, store, day, me)
		if err != nil {
			return errMsg{"load transmissions", err, originOf(roundTab)}
		}
		return dayLoadedMsg{seq: seq, day: day, unread: unread, offers: offersFor(day)}
	}
	return s, tea.Batch(load, s.spinner.Tick)
}

// offersFor finds, for each visit left out of the day's rounds, the
// colleagues who could take it in time.
func offersFor(day *dayplan.Day) map[xid.ID][]dayplan.Offer {
	out := map[xid.ID][]dayplan.Offer{}
	if !dayplan.Ordered(day.Visits) {
		return out
	}
	for _, v := range day.Visits {
		if v.Status == patients.Planned && v.Order == 0 {
			out[v.ID] = day.Offers(v)
		}
	}
	return out
}

// refreshOffers looks again for colleagues after the rounds changed.
func (s roundScreen) refreshOffers() tea.Cmd {
	if s.day == nil {
		return nil
	}
	seq, day := s.seq, s.day
	return func() tea.Msg { return offersMsg{seq: seq, offers: offersFor(day)} }
}

// unreadTransmissions marks the patients of the day with a transmission by
// a colleague since this nurse last saw them: what she must read before
// ringing the bell.
func unreadTransmissions(ctx context.Context, store patients.Store, day *dayplan.Day, me xid.ID) (map[xid.ID]bool, error) {
	out := map[xid.ID]bool{}
	seen := map[xid.ID]bool{}
	for _, v := range day.Visits {
		if seen[v.PatientID] {
			continue
		}
		seen[v.PatientID] = true
		ts, err := store.Transmissions(ctx, v.PatientID, 5)
		if err != nil {
			return nil, err
		}
		if len(ts) == 0 {
			continue
		}
		past, err := store.VisitsOfPatient(ctx, v.PatientID, 30)
		if err != nil {
			return nil, err
		}
		var last time.Time
		for _, p := range past {
			if p.Status == patients.Done && (p.DoneBy == me || me.IsZero()) && p.DoneAt.After(last) {
				last = p.DoneAt
			}
		}
		for _, t := range ts {
			if t.AuthorID != me && t.At.After(last) {
				out[v.PatientID] = true
				break
			}
		}
	}
	return out, nil
}

// optimise orders the whole day for the cabinet (pins are kept) and saves
// it, behind a spinner.
func (s roundScreen) optimise() (roundScreen, tea.Cmd) {
	if s.day == nil || s.busy != "" {
		return s, nil
	}
	if len(s.day.Visits) == 0 {
		return s, statusCmd("Aucune visite ce jour-là.")
	}
	if s.date.Before(s.today()) {
		return s, statusCmd("Une journée passée ne se réorganise plus : elle garde l'ordre où les visites ont été faites.")
	}
	s.seq++
	s.busy = "Optimisation de la journée…"
	s.risks = nil
	seq, store, opt := s.seq, s.deps.Store, s.deps.Plan
	// Today is planned from now and from what is done.
	d := *s.day
	if d.Date == s.today() {
		d.Now = s.deps.Now()
	}
	day := &d
	plan := func() tea.Msg {
		p, visits, err := day.Plan(xid.NilID(), opt)
		if err != nil {
			return errMsg{"plan day " + day.Date.String(), err, originOf(roundTab)}
		}
		if err := store.SaveVisits(context.Background(), visits); err != nil {
			return errMsg{"save plan", err, originOf(roundTab)}
		}
		note := "Journée optimisée."
		if n := len(p.Unplanned); n > 0 {
			note = fmt.Sprintf("Journée optimisée ; %d visite(s) sans place dans les tournées (voir en fin de liste).", n)
		}
		return roundSavedMsg{seq: seq, visits: visits, note: note}
	}
	return s, tea.Batch(plan, s.spinner.Tick)
}

// save writes visits in one action and keeps the risks on screen.
func (s roundScreen) save(vs []patients.Visit, risks map[xid.ID]planner.Risk, note string) (roundScreen, tea.Cmd) {
	if len(vs) == 0 {
		return s, nil
	}
	s.seq++
	s.busy = "Enregistrement…"
	seq, store := s.seq, s.deps.Store
	vs = slices.Clone(vs)
	// Show the change at once; the save confirms it.
	s.applySaved(vs)
	s.recompute()
	return s, func() tea.Msg {
		if err := store.SaveVisits(context.Background(), vs); err != nil {
			return errMsg{"save visits", err, originOf(roundTab)}
		}
		return roundSavedMsg{seq: seq, visits: vs, risks: risks, note: note}
	}
}

// replan re-orders the rest of the round from where the nurse is. With a
// delay it shows a preview first; with a dropped visit (absent, hospitalised)
// it saves the status and the new order together.
func (s roundScreen) replan(delayMin int, dropped *patients.Visit, note string) (roundScreen, tea.Cmd) {
	return s.replanWith(delayMin, dropped, nil, note)
}

// replanWith is replan that also records an absence of the dropped visit's
// patient: the visit is stored as missed first, so that bringing the coming
// days in line with the absence keeps today's outcome.
func (s roundScreen) replanWith(delayMin int, dropped *patients.Visit, absence *patients.Absence, note string) (roundScreen, tea.Cmd) {
	postpone := dropped != nil && dropped.Status == patients.Postponed
	if s.day == nil {
		return s, nil
	}
	s.seq++
	s.busy = "Recalcul de la tournée…"
	seq, store, day, opt, now := s.seq, s.deps.Store, s.day, s.deps.Plan, s.deps.Now()
	nurseID, round := s.nurseID, s.round
	var drop []xid.ID
	var extra []patients.Visit
	if dropped != nil {
		drop = []xid.ID{dropped.ID}
		d := *dropped
		d.Order, d.Pinned = 0, false
		extra = append(extra, d)
	}
	cmd := func() tea.Msg {
		rp, err := day.Replan(dayplan.Delay{NurseID: nurseID, Round: round, DelayMin: float64(delayMin), Drop: drop}, now, opt)
		if err != nil {
			return errMsg{"replan", err, originOf(roundTab)}
		}
		res, visits := rp.Replanned, rp.Visits
		if dropped == nil {
			return replanPreviewMsg{seq: seq, preview: &replanPreview{delayMin: delayMin, result: res, visits: visits, readyAt: rp.ReadyAt}}
		}
		ctx := context.Background()
		if postpone {
			// Carried to tomorrow when the prescription allows: the visit of
			// today is « reportée », tomorrow gets the care.
			plans, err := store.CarePlans(ctx, dropped.PatientID)
			if err != nil {
				return errMsg{"load care plans", err, originOf(roundTab)}
			}
			moved, err := dayplan.Postpone(extra[0], plans, dropped.DoneBy)
			if err != nil {
				return errMsg{"postpone visit", err, originOf(roundTab)}
			}
			extra = moved
			note = moved[0].StatusNote
			note = "Visite " + note + "."
		}
		visits = append(visits, extra...)
		if err := store.SaveVisits(ctx, visits); err != nil {
			return errMsg{"save visits", err, originOf(roundTab)}
		}
		if absence != nil {
			p, err := store.Patient(ctx, dropped.PatientID)
			if err != nil {
				return errMsg{"load patient", err, originOf(roundTab)}
			}
			p.Absences = append(p.Absences, *absence)
			if err := store.SavePatient(ctx, &p); err != nil {
				return errMsg{"save absence", err, originOf(roundTab)}
			}
			if _, err := dayplan.ReconcilePatient(ctx, store, patients.DateOf(now), p.ID); err != nil {
				return errMsg{"reconcile days", err, originOf(roundTab)}
			}
			return roundSavedMsg{seq: seq, visits: visits, risks: riskIndex(res.Risks), note: note, patient: p.ID}
		}
		return roundSavedMsg{seq: seq, visits: visits, risks: riskIndex(res.Risks), note: note}
	}
	return s, tea.Batch(cmd, s.spinner.Tick)
}

func riskIndex(rs []planner.Risk) map[xid.ID]planner.Risk {
	out := map[xid.ID]planner.Risk{}
	for _, r := range rs {
		out[r.VisitID] = r
	}
	return out
}

// timing is how the round is timed: today, from now (or from when she said
// she can go on after a delay), never in the past, what is done at its real
// time.
func (s roundScreen) timing() planner.Options {
	opt := s.deps.Plan
	if lab, ok := s.session.cabinet.LabPlace(); ok {
		opt.Lab = &lab // the drop-off is a stop of the round
	}
	if s.day != nil && s.date == s.today() {
		opt.Now = max(float64(patients.TimeOfDayOf(s.deps.Now())), s.readyAt)
	}
	return opt
}

// recompute lays out her round and times it in the order it is stored:
// CheckRound only re-times (no search), so it runs here and the ETAs and
// broken windows follow every move at once.
func (s *roundScreen) recompute() {
	s.rows, s.stopOf, s.problem = nil, map[xid.ID]int{}, ""
	s.route = planner.Route{}
	if s.day == nil {
		return
	}
	mine := dayplan.Round(s.day.Visits, s.nurseID, s.round)
	var onRoute, off, unordered []patients.Visit
	for _, v := range mine {
		switch {
		case v.Status == patients.Missed || v.Status == patients.Postponed:
			off = append(off, v)
		case v.Order == 0 && !s.day.Built && dayplan.Ordered(s.day.Visits):
			unordered = append(unordered, v)
		default:
			onRoute = append(onRoute, v)
		}
	}
	s.rows = slices.Concat(onRoute, off, unordered)
	if len(onRoute) > 0 {
		r, err := planner.CheckRound(onRoute, s.nurseID, s.round, s.day.Context(), s.timing())
		var fr interface{ French() string }
		switch {
		case errors.As(err, &fr):
			s.problem = fr.French()
		case err != nil:
			s.problem = userMessage(err)
		default:
			s.route = r
			// Today, what she did comes first in the order she did it.
			pos := map[xid.ID]int{}
			for i, st := range r.Stops {
				if !st.VisitID.IsZero() {
					s.stopOf[st.VisitID] = i
					pos[st.VisitID] = i
				}
			}
			slices.SortStableFunc(s.rows[:len(onRoute)], func(a, b patients.Visit) int { return pos[a.ID] - pos[b.ID] })
			// The lab drop-off is a row of its own, where the route stops.
			for i, st := range r.Stops {
				if st.Lab {
					s.stopOf[xid.NilID()] = i
					at := slices.IndexFunc(s.rows, func(v patients.Visit) bool { p, ok := pos[v.ID]; return !ok || p > i })
					if at < 0 {
						at = len(onRoute)
					}
					s.rows = slices.Insert(s.rows, at, labRow(st))
				}
			}
		}
	}
	s.clampCursor()
}

// hospitalise marks the visit missed (« hospitalisé »), records the absence
// from this day until the given one (zero: until she is back), takes her out
// of every stored round of the period and re-plans the rest of this one.
func (s roundScreen) hospitalise(v patients.Visit, until patients.Date) (roundScreen, tea.Cmd) {
	v.Status, v.StatusNote = patients.Missed, "hospitalisé"
	v.DoneBy = s.session.cabinet.CurrentNurse
	a := patients.Absence{Reason: "hospitalisation", From: s.date, To: until}
	note := "Hospitalisation jusqu'à son retour : visites retirées des tournées."
	if !until.IsZero() {
		note = "Hospitalisation jusqu'au " + french.Date(until) + " : visites retirées jusque-là."
	}
	return s.replanWith(0, &v, &a, note)
}

// give hands the selected visit to the colleague who can take it in time:
// the one proposed for a risk, or the best of those who could.
func (s roundScreen) give() (roundScreen, tea.Cmd) {
	v, ok := s.selected()
	if !ok || v.PatientID.IsZero() || v.Status != patients.Planned || s.day == nil {
		return s, nil
	}
	if s.date.Before(s.today()) {
		return s, statusCmd("Une journée passée ne se réorganise plus.")
	}
	if r, ok := s.riskOf(v); ok && r.Proposal != nil {
		return s.handOver(v.ID, r.Proposal.NurseID)
	}
	if offers, ok := s.offers[v.ID]; ok {
		if len(offers) == 0 {
			return s, statusCmd("Aucune collègue ne peut prendre cette visite dans sa fenêtre ; reportez-la (x r) ou appelez le prescripteur.")
		}
		return s.handOver(v.ID, offers[0].NurseID)
	}
	return s.handOver(v.ID, xid.NilID())
}

// handOver gives the visit to nurse (zero: the best colleague), re-times both
// rounds and stores them in one write.
func (s roundScreen) handOver(id, nurse xid.ID) (roundScreen, tea.Cmd) {
	i := slices.IndexFunc(s.day.Visits, func(v patients.Visit) bool { return v.ID == id })
	if i < 0 || s.busy != "" {
		return s, nil
	}
	v := s.day.Visits[i]
	s.seq++
	s.busy = "Recherche d'une collègue…"
	seq, store, day := s.seq, s.deps.Store, s.day
	names := map[xid.ID]string{}
	for _, n := range s.session.nurses {
		names[n.ID] = n.FullName()
	}
	patient := "la visite"
	if p := s.byID[v.PatientID]; p != nil {
		patient = "la visite " + french.De(p.DisplayName())
	}
	cmd := func() tea.Msg {
		to := nurse
		if to.IsZero() {
			offers := day.Offers(v)
			if len(offers) == 0 {
				return roundSavedMsg{seq: seq, note: "Aucune collègue ne peut prendre " + patient + " dans sa fenêtre."}
			}
			to = offers[0].NurseID
		}
		vs, err := day.HandOver(v, to)
		if err != nil {
			return errMsg{"hand over visit", err, originOf(roundTab)}
		}
		if err := store.SaveVisits(context.Background(), vs); err != nil {
			return errMsg{"save visits", err, originOf(roundTab)}
		}
		eta := ""
		for _, x := range vs {
			if x.ID == v.ID {
				eta = " (arrivée prévue à " + french.Clock(x.PlannedArrival) + ")"
			}
		}
		return roundSavedMsg{seq: seq, visits: vs, note: capitalize(patient) + " est confiée à " + names[to] + eta + "."}
	}
	return s, tea.Batch(cmd, s.spinner.Tick)
}

// labRow stands for the lab drop-off among the visits: no patient, the
// tubes' deadline as its window.
func labRow(st planner.Stop) patients.Visit {
	return patients.Visit{Window: st.Window, DurationMin: st.DurationMin, Status: patients.Planned}
}

func isLabRow(v patients.Visit) bool { return v.ID.IsZero() && v.PatientID.IsZero() }
