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
	}
	// roundSavedMsg: visits were written in one transaction.
	roundSavedMsg struct {
		seq    int
		visits []patients.Visit
		risks  map[xid.ID]planner.Risk
		note   string
	}
	replanPreviewMsg struct {
		seq     int
		preview *replanPreview
	}
)

func clockOf(t time.Time) string { return french.Clock(patients.TimeOfDayOf(t)) }

func clockMin(min float64) string { return french.Clock(patients.TimeOfDay(math.Round(min))) }

// reload reads the day again (another date, new data).
func (s roundScreen) reload() (roundScreen, tea.Cmd) {
	s.seq++
	s.loading = true
	s.risks, s.preview, s.mode = nil, nil, browsing
	seq, store, d, me := s.seq, s.deps.Store, s.date, s.session.cabinet.CurrentNurse
	load := func() tea.Msg {
		ctx := context.Background()
		day, err := dayplan.Load(ctx, store, d)
		if err != nil {
			return errMsg{"load day " + d.String(), err}
		}
		unread, err := unreadTransmissions(ctx, store, day, me)
		if err != nil {
			return errMsg{"load transmissions", err}
		}
		return dayLoadedMsg{seq: seq, day: day, unread: unread}
	}
	return s, tea.Batch(load, s.spinner.Tick)
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
	s.seq++
	s.busy = "Optimisation de la journée…"
	s.risks = nil
	seq, store, day, opt := s.seq, s.deps.Store, s.day, s.deps.Plan
	plan := func() tea.Msg {
		p, visits, err := day.Plan(xid.NilID(), opt)
		if err != nil {
			return errMsg{"plan day " + day.Date.String(), err}
		}
		if err := store.SaveVisits(context.Background(), visits); err != nil {
			return errMsg{"save plan", err}
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
			return errMsg{"save visits", err}
		}
		return roundSavedMsg{seq: seq, visits: vs, risks: risks, note: note}
	}
}

// replan re-orders the rest of the round from where the nurse is. With a
// delay it shows a preview first; with a dropped visit (absent, hospitalised)
// it saves the status and the new order together.
func (s roundScreen) replan(delayMin int, dropped *patients.Visit, note string) (roundScreen, tea.Cmd) {
	if s.day == nil {
		return s, nil
	}
	s.seq++
	s.busy = "Recalcul de la tournée…"
	seq, store, day, opt := s.seq, s.deps.Store, s.day, s.deps.Plan
	nurseID, round := s.nurseID, s.round
	var at xid.ID
	for _, v := range s.onRoute() {
		if v.Status == patients.Done {
			at = v.ID
		}
	}
	current := s.currentPlan()
	var drop []xid.ID
	var extra []patients.Visit
	if dropped != nil {
		drop = []xid.ID{dropped.ID}
		d := *dropped
		d.Order, d.Pinned = 0, false
		extra = append(extra, d)
	}
	cmd := func() tea.Msg {
		res, err := planner.Replan(current, day.Visits, day.Context(), planner.Situation{
			NurseID: nurseID, Round: round, At: at, DelayMin: float64(delayMin), Drop: drop,
		}, day.Options(opt))
		if err != nil {
			return errMsg{"replan", err}
		}
		visits := restOrder(day.Visits, res, nurseID, round, at)
		if dropped == nil {
			return replanPreviewMsg{seq: seq, preview: &replanPreview{delayMin: delayMin, result: res, visits: visits}}
		}
		visits = append(visits, extra...)
		if err := store.SaveVisits(context.Background(), visits); err != nil {
			return errMsg{"save visits", err}
		}
		return roundSavedMsg{seq: seq, visits: visits, risks: riskIndex(res.Risks), note: note}
	}
	return s, tea.Batch(cmd, s.spinner.Tick)
}

// restOrder writes a re-plan onto the visits still to do: they follow the
// done ones, in the new order, with their new ETA. Visits the re-plan left
// out keep their place at the end of the round, flagged at risk.
func restOrder(all []patients.Visit, res planner.Replanned, nurseID xid.ID, round patients.Round, at xid.ID) []patients.Visit {
	byID := map[xid.ID]patients.Visit{}
	for _, v := range dayplan.Round(all, nurseID, round) {
		byID[v.ID] = v
	}
	// The new order continues after the visit she is at.
	k := byID[at].Order
	var out []patients.Visit
	for _, st := range res.Route.Stops {
		v, ok := byID[st.VisitID]
		if !ok {
			continue
		}
		k++
		v.Order, v.PlannedArrival = k, patients.TimeOfDay(math.Round(st.Start))
		out = append(out, v)
		delete(byID, v.ID)
	}
	for _, r := range res.Risks {
		if v, ok := byID[r.VisitID]; ok && r.LeftOut && v.Status == patients.Planned {
			k++
			v.Order = k
			out = append(out, v)
			delete(byID, v.ID)
		}
	}
	return out
}

func riskIndex(rs []planner.Risk) map[xid.ID]planner.Risk {
	out := map[xid.ID]planner.Risk{}
	for _, r := range rs {
		out[r.VisitID] = r
	}
	return out
}

// currentPlan is the day as ordered now, every nurse's round of this
// round timed by CheckRound: Replan looks there for a colleague who could
// take a visit at risk.
func (s roundScreen) currentPlan() planner.Plan {
	p := planner.Plan{Date: s.date}
	if s.day == nil {
		return p
	}
	ctx := s.day.Context()
	for _, n := range s.session.nurses {
		var order []patients.Visit
		for _, v := range dayplan.Round(s.day.Visits, n.ID, s.round) {
			if v.Order > 0 && v.Status != patients.Missed && v.Status != patients.Postponed {
				order = append(order, v)
			}
		}
		if len(order) == 0 && n.ID != s.nurseID {
			continue
		}
		r, err := planner.CheckRound(order, n.ID, s.round, ctx, s.deps.Plan)
		if err != nil {
			continue
		}
		p.Routes = append(p.Routes, r)
	}
	return p
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
		r, err := planner.CheckRound(onRoute, s.nurseID, s.round, s.day.Context(), s.deps.Plan)
		var fr interface{ French() string }
		switch {
		case errors.As(err, &fr):
			s.problem = fr.French()
		case err != nil:
			s.problem = userMessage(err)
		default:
			s.route = r
			for i, v := range onRoute {
				s.stopOf[v.ID] = i
			}
		}
	}
	s.clampCursor()
}
