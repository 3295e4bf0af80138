package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
)

// mapMinWidth is the terminal width from which the map sits beside the list.
const mapMinWidth = 100

func (s roundScreen) sideBySide() bool { return s.w >= mapMinWidth }

func (s roundScreen) listWidth() int {
	if s.sideBySide() {
		return s.w - s.mapWidth()
	}
	return s.w
}

func (s roundScreen) mapWidth() int { return max(s.w/3, 36) }

// chromeLines are the lines around the list: title, summary, detail.
const titleLines, summaryLines, detailLines = 1, 1, 3

func (s roundScreen) listHeight() int {
	return s.h - titleLines - summaryLines - detailLines - 1
}

func (s roundScreen) View() string {
	if s.w <= 0 || s.h <= 0 {
		return ""
	}
	title := s.titleLine()
	if s.loading && s.day == nil {
		return lipgloss.JoinVertical(lipgloss.Left, title, "", s.spinner.View()+" Chargement de la tournée…")
	}
	var body string
	if s.showMap && !s.sideBySide() {
		body = s.mapPane(s.w, s.h-titleLines-summaryLines)
		return lipgloss.JoinVertical(lipgloss.Left, title, s.summaryLine(), body)
	}
	list := s.listPane()
	if s.sideBySide() {
		body = lipgloss.JoinHorizontal(lipgloss.Top, list, s.mapPane(s.mapWidth(), s.h-titleLines-summaryLines))
	} else {
		body = list
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, s.summaryLine(), body)
}

func (s roundScreen) titleLine() string {
	st := s.styles
	name := "—"
	if n, ok := s.nurse(); ok {
		name = n.FullName()
	}
	when := french.Date(s.date)
	if s.date == s.today() {
		when = "aujourd'hui, " + when
	}
	t := st.Section.Render("Tournée du "+string(s.round)) + st.Muted.Render(" · ") + st.Bold.Render(name) +
		st.Muted.Render(" · "+when)
	if s.busy != "" {
		t += "  " + s.spinner.View() + " " + st.Muted.Render(s.busy)
	}
	return ansi.Truncate(t, s.w, "…")
}

// summaryLine: distance, time, lateness, and when the next visit is due.
func (s roundScreen) summaryLine() string {
	st := s.styles
	if s.problem != "" {
		return ansi.Truncate(st.Alert.Render("⚠ "+s.problem), s.w, "…")
	}
	if line := s.replacedLine(); line != "" {
		return ansi.Truncate(st.Alert.Render("⚠ "+line), s.w, "…")
	}
	r := s.route
	if len(r.Stops) == 0 {
		if len(s.rows) == 0 {
			return st.Muted.Render("Aucune visite sur cette tournée.")
		}
		return ""
	}
	// The next visit comes first: it is what she looks for between two
	// doors, and what must survive a narrow terminal.
	sep := st.Muted.Render(" · ")
	var segs []string
	if next := s.nextVisit(); next != "" {
		segs = append(segs, st.Accent.Render(next))
	}
	visits := 0
	for _, stp := range r.Stops {
		if !stp.VisitID.IsZero() {
			visits++
		}
	}
	var alerts []string
	if r.LateMin > 0.5 {
		alerts = append(alerts, st.Late.Render("retard "+french.Duration(int(math.Round(r.LateMin)))))
	}
	broken := 0
	for _, stp := range r.Stops {
		if stp.Broken {
			broken++
		}
	}
	if broken > 0 {
		alerts = append(alerts, st.Broken.Render(fmt.Sprintf("⚠ %d fenêtre(s) non tenue(s)", broken)))
	}
	// The figures of the round give way, from the least useful, before the
	// lateness and the windows not kept are cut on a narrow terminal.
	km, work := french.Km(r.Meters), french.Duration(int(math.Round(r.WorkMin())))
	var line string
	for _, figures := range []string{
		fmt.Sprintf("%d visites · %s · %s (%s–%s)", visits, km, work, clockMin(r.Depart), clockMin(r.Return)),
		fmt.Sprintf("%d visites · %s · %s", visits, km, work),
		fmt.Sprintf("%d visites · %s", visits, km),
		fmt.Sprintf("%d visites", visits),
	} {
		line = strings.Join(slices.Concat(segs, []string{st.Value.Render(figures)}, alerts), sep)
		if ansi.StringWidth(line) <= s.w {
			return line
		}
	}
	return ansi.Truncate(line, s.w, "…")
}

// nextVisit is « prochaine visite dans 12 min » on today's round.
func (s roundScreen) nextVisit() string {
	if s.date != s.today() {
		return ""
	}
	now := float64(patients.TimeOfDayOf(s.deps.Now()))
	for _, v := range s.rows {
		i, ok := s.stopOf[v.ID]
		if !ok || v.Status != patients.Planned || isLabRow(v) {
			continue
		}
		eta := s.route.Stops[i].Start
		switch d := int(math.Round(eta - now)); {
		case d > 0:
			return "prochaine visite dans " + french.Duration(d)
		case d == 0:
			return "prochaine visite maintenant"
		default:
			return "prochaine visite prévue à " + clockMin(eta) + " (" + french.Duration(-d) + " de retard)"
		}
	}
	return ""
}

func (s roundScreen) listPane() string {
	st := s.styles
	w := s.listWidth()
	lines := make([]string, 0, s.listHeight()+detailLines+1)
	if s.mode == askingDelay {
		lines = append(lines, s.delay.View())
	} else if s.mode == askingDoneTime || s.mode == askingAbsentTil {
		lines = append(lines, ansi.Truncate(s.answer.View(), w, "…"))
	} else if alert := s.strictAlert(); alert != "" && s.mode == browsing {
		lines = append(lines, ansi.Truncate(st.Broken.Render(alert), w, "…"))
	} else if s.mode == askingMissed {
		lines = append(lines, st.Bold.Render("Visite non faite : ")+st.Accent.Render("a")+" absent  "+
			st.Accent.Render("h")+" hospitalisé  "+st.Accent.Render("r")+" reportée  "+st.Muted.Render("échap annuler"))
	} else if s.mode == previewing && s.preview != nil {
		lines = append(lines, s.previewHeader())
	} else {
		lines = append(lines, st.Muted.Render(s.header(w)))
	}
	rows := s.rows
	h := s.listHeight()
	if len(rows) == 0 && !s.loading {
		lines = append(lines, st.Muted.Render("  Aucune visite pour "+s.roundName()+" ce jour-là."))
	}
	for i := s.offset; i < len(rows) && i < s.offset+h; i++ {
		lines = append(lines, s.row(i, w))
	}
	for len(lines) < h+1 {
		lines = append(lines, "")
	}
	lines = append(lines, s.detail(w)...)
	return lipgloss.NewStyle().Width(w).MaxWidth(w).Render(strings.Join(lines, "\n"))
}

func (s roundScreen) roundName() string {
	if n, ok := s.nurse(); ok {
		return n.FirstName
	}
	return "cette infirmière"
}

// Column widths of the list; the name column takes what is left.
const colNum, colETA, colWindow, colDur, colFlags = 3, 6, 12, 7, 5

// columns splits what is left between the name and, when there is room, the
// kinds of care (« insuline, pansement »).
func (s roundScreen) columns(w int) (nameW, careW int) {
	nameW = max(w-2-colNum-colETA-2-colWindow-colDur-colFlags-1, 8)
	if nameW >= 36 {
		return 20, nameW - 20 - 1
	}
	return nameW, 0
}

func (s roundScreen) header(w int) string {
	nameW, careW := s.columns(w)
	h := pad("", 2) + pad("N°", colNum) + pad("Prévu", colETA) + pad("", 2) + pad("Patient", nameW) + " "
	if careW > 0 {
		h += pad("Soins", careW) + " "
	}
	return h + pad("Fenêtre", colWindow) + pad("Durée", colDur) + "Infos"
}

// careKinds names the kinds of care of a visit, each once.
func careKinds(v patients.Visit) string {
	var kinds []string
	for _, it := range v.Items {
		if k := string(it.Kind); k != "" && !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return strings.Join(kinds, ", ")
}

func pad(text string, w int) string {
	text = ansi.Truncate(text, w, "…")
	return text + strings.Repeat(" ", max(w-ansi.StringWidth(text), 0))
}

func (s roundScreen) row(i, w int) string {
	st := s.styles
	v := s.rows[i]
	if isLabRow(v) {
		return s.labLine(i, w)
	}
	p := s.byID[v.PatientID]
	name := "?"
	if p != nil {
		name = p.DisplayName()
	}
	cursor := "  "
	if i == s.cursor {
		cursor = st.Cursor.Render("▸ ")
	}
	num, eta, glyph := "", "", " "
	etaStyle := st.Value
	stop, onRoute := s.stopOf[v.ID]
	broken := false
	switch {
	case onRoute && s.preview != nil:
		if v.Order > 0 {
			num = fmt.Sprint(v.Order)
		}
		switch ps, ok := previewStart(s.preview, v.ID); {
		case ok:
			eta = clockMin(ps)
		case v.Status == patients.Done:
			eta = clockMin(s.route.Stops[stop].Start)
		default:
			eta = "—" // left out of the proposed order: its risk line says why
		}
	case onRoute:
		num = fmt.Sprint(stop + 1)
		stp := s.route.Stops[stop]
		eta = clockMin(stp.Start)
		broken = stp.Broken
		if stp.Broken {
			etaStyle = st.Broken
		} else if stp.LateMin > 0.5 {
			etaStyle = st.Late
		}
	}
	risk, atRisk := s.riskOf(v)
	switch v.Status {
	case patients.Done:
		glyph = st.Done.Render("✓")
		eta = clockOf(v.DoneAt)
	case patients.Missed:
		glyph = st.Missed.Render("✗")
	case patients.Postponed:
		glyph = st.Muted.Render("↷")
	default:
		if broken {
			glyph = st.Broken.Render("!")
		} else if atRisk {
			glyph = st.AtRisk.Render("!")
		}
	}
	if !onRoute && v.Status == patients.Planned {
		eta = "—"
		etaStyle = st.Muted
	}
	nameStyle := st.Row
	switch {
	case v.Status == patients.Missed || v.Status == patients.Postponed:
		nameStyle = st.Missed
	case atRisk && risk.LeftOut, atRisk:
		nameStyle = st.AtRisk
	}
	window := french.Clock(v.Window.Start) + "–" + french.Clock(v.Window.End)
	flags := s.flags(v, p)
	nameW, careW := s.columns(w)
	line := cursor + pad(num, colNum) + etaStyle.Render(pad(eta, colETA)) + glyph + " " +
		nameStyle.Render(pad(name, nameW)) + " "
	if careW > 0 {
		line += st.Muted.Render(pad(careKinds(v), careW)) + " "
	}
	line += pad(window, colWindow) + pad(fmt.Sprintf("%d min", v.DurationMin), colDur) + flags
	if i == s.cursor {
		return st.Selected.Render(ansi.Truncate(line, w, "…"))
	}
	return ansi.Truncate(line, w, "…")
}

// flags: ⏱ strict window, ⚠ safety alert, ✉ unread transmission, ⚑ pinned.
func (s roundScreen) flags(v patients.Visit, p *patients.Patient) string {
	st := s.styles
	var b strings.Builder
	if v.Strict {
		b.WriteString(st.Strict.Render("⏱"))
	}
	if p != nil && len(p.Alerts) > 0 {
		b.WriteString(st.Alert.Render("⚠"))
	}
	if s.unread[v.PatientID] {
		b.WriteString(st.Unread.Render("✉"))
	}
	if v.Pinned {
		b.WriteString(st.Pinned.Render("⚑"))
	}
	if p != nil && !p.Address.HasCoordinates() {
		b.WriteString(st.NoCoords.Render("⌀"))
	}
	return b.String()
}

func (s roundScreen) riskOf(v patients.Visit) (planner.Risk, bool) {
	if s.preview != nil {
		for _, r := range s.preview.result.Risks {
			if r.VisitID == v.ID {
				return r, true
			}
		}
		return planner.Risk{}, false
	}
	r, ok := s.risks[v.ID]
	return r, ok && v.Status == patients.Planned
}

func previewStart(p *replanPreview, id xid.ID) (float64, bool) {
	for _, st := range p.result.Route.Stops {
		if st.VisitID == id {
			return st.Start, true
		}
	}
	return 0, false
}

func inPreview(p *replanPreview, id xid.ID) bool {
	_, ok := previewStart(p, id)
	return ok
}

func (s roundScreen) previewHeader() string {
	st := s.styles
	p := s.preview
	n := len(p.result.Risks)
	msg := fmt.Sprintf("Retard de %d min : nouvel ordre proposé", p.delayMin)
	for _, r := range p.result.Risks {
		if !r.Strict {
			continue
		}
		// A strict visit the delay makes impossible comes first, with who
		// can still do it in time.
		name := "une visite stricte"
		if pt := s.byID[r.PatientID]; pt != nil {
			name = pt.DisplayName()
		}
		line := fmt.Sprintf("Retard de %d min, %d visite(s) à risque : ⚠ %s ne peut plus être faite à l'heure", p.delayMin, n, name)
		if r.Proposal != nil {
			line += fmt.Sprintf(" : %s peut y être à %s — d la lui confie", s.nurseName(r.Proposal.NurseID), clockMin(r.Proposal.Arrival))
		}
		return ansi.Truncate(st.Broken.Render(line)+st.Muted.Render(" · entrée garder, échap annuler"), s.listWidth(), "…")
	}
	if n > 0 {
		msg += st.AtRisk.Render(fmt.Sprintf(", %d visite(s) à risque", n))
	} else {
		msg += ", toutes les fenêtres tenues"
	}
	return ansi.Truncate(st.Bold.Render(msg)+st.Muted.Render(" — entrée garder, échap annuler"), s.listWidth(), "…")
}

// detail explains the selected visit in words: care, window, flags, risk.
func (s roundScreen) detail(w int) []string {
	st := s.styles
	out := make([]string, 0, detailLines)
	v, ok := s.selected()
	if !ok {
		return []string{"", "", ""}
	}
	if isLabRow(v) {
		where := "le laboratoire"
		if lab, ok := s.session.cabinet.LabPlace(); ok && lab.Label != "" {
			where = lab.Label
		}
		l3 := ""
		if stop, ok := s.stopOf[xid.NilID()]; ok && s.route.Stops[stop].Broken {
			l3 = st.Broken.Render("⚠ les tubes arriveraient après " + french.Clock(v.Window.End) + " : avancez le dépôt")
		}
		return []string{
			ansi.Truncate(st.Label.Render("Dépôt des tubes : ")+st.Value.Render(where), w, "…"),
			ansi.Truncate(st.Muted.Render("à déposer avant "+french.Clock(v.Window.End)+" (prises de sang de la tournée)"), w, "…"),
			ansi.Truncate(l3, w, "…"),
		}
	}
	p := s.byID[v.PatientID]
	var care []string
	for _, it := range v.Items {
		care = append(care, it.Label)
	}
	l1 := st.Label.Render("Soins : ") + st.Value.Render(strings.Join(care, ", "))
	var info []string
	if v.Strict {
		info = append(info, st.Strict.Render("⏱ horaire strict"))
	}
	if v.LabBefore > 0 {
		info = append(info, "tubes au labo avant "+french.Clock(v.LabBefore))
	}
	if v.Pinned {
		info = append(info, st.Pinned.Render("⚑ épinglée"))
	}
	if s.unread[v.PatientID] {
		info = append(info, st.Unread.Render("✉ transmission non lue"))
	}
	if v.StatusNote != "" {
		info = append(info, st.Muted.Render(string(v.Status)+" : "+v.StatusNote))
	}
	if pair, ok := s.pairOf(v); ok {
		info = append(info, st.Alert.Render("à deux avec "+s.nurseName(pair.NurseID)))
	}
	if !v.PostponedFrom.IsZero() {
		info = append(info, st.Muted.Render("reportée du "+french.ShortDate(v.PostponedFrom)))
	}
	if p != nil && !p.Address.HasCoordinates() {
		info = append(info, st.NoCoords.Render("⌀ sans coordonnées"))
	}
	l2 := strings.Join(info, st.Muted.Render(" · "))
	var l3 string
	if stop, ok := s.stopOf[v.ID]; ok && s.preview == nil && s.route.Stops[stop].Broken {
		stp := s.route.Stops[stop]
		l3 = st.Broken.Render(fmt.Sprintf("⚠ arrivée %s hors de la fenêtre %s–%s", clockMin(stp.Start),
			french.Clock(v.Window.Start), french.Clock(v.Window.End)))
	}
	if r, ok := s.riskOf(v); ok {
		l3 = st.AtRisk.Render("⚠ " + r.Reason)
		if r.Proposal != nil {
			l3 += st.Muted.Render(" — ") + st.Value.Render(s.nurseName(r.Proposal.NurseID)+" peut la prendre à "+clockMin(r.Proposal.Arrival)) +
				st.Muted.Render(" : d pour la lui confier")
		}
	} else if l3 == "" && v.Order == 0 && v.Status == patients.Planned && s.day != nil && dayplanOrdered(s.day.Visits) {
		l3 = s.leftOutAdvice(v)
	} else if l3 == "" && p != nil && len(p.Alerts) > 0 {
		l3 = st.Alert.Render("⚠ " + p.Alerts[0].Text)
	}
	for _, l := range []string{l1, l2, l3} {
		out = append(out, ansi.Truncate(l, w, "…"))
	}
	return out
}

func (s roundScreen) nurseName(id xid.ID) string {
	for _, n := range s.session.nurses {
		if n.ID == id {
			return n.FullName()
		}
	}
	return "une collègue"
}

func dayplanOrdered(vs []patients.Visit) bool { return dayplan.Ordered(vs) }

// mapPane frames the map of the round: her stops in order, the route from
// her start and back, and where she is (her last visit done, today).
func (s roundScreen) mapPane(w, h int) string {
	st := s.styles
	iw := max(w-st.Pane.GetHorizontalFrameSize(), 0)
	ih := max(h-st.Pane.GetVerticalFrameSize(), 0)
	return st.Pane.Width(w).Height(h).Render(renderMap(s.mapData(), iw, ih, st))
}

func (s roundScreen) mapData() mapData {
	d := mapData{Selected: -1, Leg: s.mapLegs()}
	if n, ok := s.nurse(); ok && (n.Start.Point != orb.Point{}) {
		d.Base, d.HasBase = n.Start.Point, true
	} else if lab, ok := s.session.cabinet.LabPlace(); ok {
		d.Base, d.HasBase = lab.Point, true
	}
	next := true
	for i, v := range s.rows {
		p := s.byID[v.PatientID]
		if p == nil || !p.Address.HasCoordinates() {
			continue // a (0, 0) point would stretch the map to the Gulf of Guinea
		}
		stop, onRoute := s.stopOf[v.ID]
		ms := mapStop{Point: p.Address.Point, State: stopPlanned}
		switch {
		case v.Status == patients.Missed || v.Status == patients.Postponed:
			ms.State = stopMissed
		case s.preview != nil && v.Status == patients.Planned && !inPreview(s.preview, v.ID):
			ms.State = stopMissed // left out of the proposed order: off the route
		case !onRoute:
			continue // not on her route: the list says why
		case v.Status == patients.Done:
			ms.State = stopDone
			if s.date == s.today() {
				pt := p.Address.Point
				d.Here = &pt
			}
		case s.preview == nil && s.route.Stops[stop].Broken:
			ms.State = stopBroken
		case next:
			ms.State, next = stopNext, false
		}
		if onRoute {
			ms.Label = fmt.Sprint(stop + 1)
			if s.preview != nil {
				ms.Label = fmt.Sprint(v.Order)
			}
		}
		if i == s.cursor {
			d.Selected = len(d.Stops)
		}
		d.Stops = append(d.Stops, ms)
	}
	if s.preview != nil {
		// The route follows the proposed order.
		slices.SortStableFunc(d.Stops, func(a, b mapStop) int { return labelNum(a.Label) - labelNum(b.Label) })
		d.Selected = -1
	}
	return d
}

func labelNum(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1 << 20
	}
	return n
}
