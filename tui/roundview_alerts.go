package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// What the round says beyond its rows: the lab drop-off's line, why a
// visit has no place and what to do, the strict visit that cannot be kept,
// the other nurse of a visite à deux.

// labLine is the lab drop-off's row: its time and the tubes' deadline.
func (s roundScreen) labLine(i, w int) string {
	st := s.styles
	stop, ok := s.stopOf[xid.NilID()]
	if !ok {
		return ""
	}
	stp := s.route.Stops[stop]
	cursor := "  "
	if i == s.cursor {
		cursor = st.Cursor.Render("▸ ")
	}
	etaStyle := st.Value
	if stp.Broken {
		etaStyle = st.Broken
	}
	nameW, careW := s.columns(w)
	line := cursor + pad(fmt.Sprint(stop+1), colNum) + etaStyle.Render(pad(clockMin(stp.Start), colETA)) + "  " +
		st.Bold.Render(pad("Laboratoire", nameW)) + " "
	if careW > 0 {
		line += st.Muted.Render(pad("dépôt des tubes", careW)) + " "
	}
	line += pad("avant "+french.Clock(stp.Window.End), colWindow) + pad(fmt.Sprintf("%d min", stp.DurationMin), colDur)
	if i == s.cursor {
		return st.Selected.Render(ansi.Truncate(line, w, "…"))
	}
	return ansi.Truncate(line, w, "…")
}

// leftOutAdvice says why a visit has no place and what she can do: give it
// to a named colleague (with her ETA), add it at the end of her round when
// that keeps its window, or postpone it when the prescription allows.
func (s roundScreen) leftOutAdvice(v patients.Visit) string {
	st := s.styles
	why := "Hors tournée"
	if v.LeftOut != "" {
		why += " : " + v.LeftOut
	}
	var acts []string
	if offers := s.offers[v.ID]; len(offers) > 0 {
		o := offers[0]
		acts = append(acts, fmt.Sprintf("d : la confier à %s (%s)", s.nurseName(o.NurseID), french.Clock(o.Arrival)))
	}
	if !v.Strict {
		acts = append(acts, "K : en fin de tournée", "x r : reporter")
	}
	if len(acts) == 0 {
		acts = append(acts, "aucune collègue libre à temps : prévenez le prescripteur")
	}
	return st.Late.Render(why) + st.Muted.Render(" — "+strings.Join(acts, " · "))
}

// strictAlert names, at the top of the round, the first strict visit that
// cannot be done in its window (off the round, or reached too late), with
// the colleague who can do it in time.
func (s roundScreen) strictAlert() string {
	for _, v := range s.rows {
		if !v.Strict || v.Status != patients.Planned {
			continue
		}
		name := "?"
		if p := s.byID[v.PatientID]; p != nil {
			name = p.DisplayName()
		}
		stop, onRoute := s.stopOf[v.ID]
		late := onRoute && s.route.Stops[stop].Broken
		left := !onRoute && v.Order == 0 && s.day != nil && dayplanOrdered(s.day.Visits)
		if !late && !left {
			continue
		}
		// Short enough for 80 columns: the name and the way out come first.
		msg := fmt.Sprintf("⚠ %s %s–%s strict, pas tenable", name, french.Clock(v.Window.Start), french.Clock(v.Window.End))
		if offers := s.offers[v.ID]; len(offers) > 0 {
			msg += fmt.Sprintf(" : %s à %s (d)", s.nurseName(offers[0].NurseID), french.Clock(offers[0].Arrival))
		} else if r, ok := s.risks[v.ID]; ok && r.Proposal != nil {
			msg += fmt.Sprintf(" : %s à %s (d)", s.nurseName(r.Proposal.NurseID), clockMin(r.Proposal.Arrival))
		} else if late {
			// On her round but reached too late: another order of her
			// own visits may keep it, before any colleague is needed.
			msg = fmt.Sprintf("⚠ %s %s–%s strict, prévue trop tard : o réoptimise", name, french.Clock(v.Window.Start), french.Clock(v.Window.End))
		} else {
			msg += " : aucune collègue libre à temps"
		}
		return msg
	}
	return ""
}

// pairOf is the other visit of a « visite à deux ».
func (s roundScreen) pairOf(v patients.Visit) (patients.Visit, bool) {
	if v.PairID.IsZero() || s.day == nil {
		return patients.Visit{}, false
	}
	i := slices.IndexFunc(s.day.Visits, func(x patients.Visit) bool { return x.ID == v.PairID })
	if i < 0 {
		return patients.Visit{}, false
	}
	return s.day.Visits[i], true
}
