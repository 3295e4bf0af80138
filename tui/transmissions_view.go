package tui

import (
	"strconv"
	"strings"
	"tournee/patients"

	"charm.land/lipgloss/v2"
)

func (s transmissionsScreen) pickerWidth() int {
	if !s.wide() {
		return s.w
	}
	return max(34, min(44, s.w/3))
}

func (s transmissionsScreen) historyWidth() int {
	if !s.wide() {
		return s.w
	}
	return s.w - s.pickerWidth()
}

// View shows the form when it is open; otherwise the picker and the
// history side by side, or one of them on a narrow terminal.
func (s transmissionsScreen) View() string {
	if s.dar.open() {
		name := ""
		if r, ok := s.rowOf(s.dar.patientID); ok {
			name = r.name
			if r.born != "" {
				name += " (" + r.born + ")"
			}
		}
		return s.dar.view(s.styles, name, s.nurses[s.author])
	}
	switch {
	case s.wide():
		return lipgloss.JoinHorizontal(lipgloss.Top, s.pickerPane(), s.historyPane())
	case s.focus == transOnHistory:
		return s.historyPane()
	}
	return s.pickerPane()
}

func (s transmissionsScreen) pane(focused bool, w int, lines []string) string {
	st := s.styles.Pane
	if focused {
		st = s.styles.FocusedPane
	}
	ih := max(0, s.h-st.GetVerticalFrameSize())
	if len(lines) > ih {
		lines = lines[:ih]
	}
	return st.Width(w).Height(s.h).Render(strings.Join(lines, "\n"))
}

func (s transmissionsScreen) pickerPane() string {
	st := s.styles
	w := s.pickerWidth()
	iw := w - st.Pane.GetHorizontalFrameSize()
	count := st.Muted.Render("chargement…")
	if s.loaded {
		n := strconv.Itoa(len(s.rows))
		if len(s.shown) != len(s.rows) {
			n = strconv.Itoa(len(s.shown)) + " sur " + n
		}
		count = st.Muted.Render(n)
	}
	lines := make([]string, 0, s.pickerRows()+2)
	lines = append(lines, transClip(st.Section.Render("Patients")+"  "+count, iw))
	switch {
	case s.focus == transOnSearch:
		lines = append(lines, s.search.View())
	case s.search.Value() != "":
		lines = append(lines, transClip(st.Accent.Render("/ "+s.search.Value()), iw))
	default:
		lines = append(lines, st.Muted.Render("/ rechercher"))
	}
	if s.loaded && len(s.shown) == 0 {
		lines = append(lines, st.Muted.Render("Aucun patient ne correspond."))
	}
	// Only the rows on screen are drawn, whatever the size of the file.
	end := min(len(s.shown), s.top+s.pickerRows())
	for i := s.top; i < end; i++ {
		lines = append(lines, s.pickerRow(s.rows[s.shown[i]], i == s.cursor, iw))
	}
	return s.pane(s.focus != transOnHistory, w, lines)
}

func (s transmissionsScreen) pickerRow(r transRow, cur bool, w int) string {
	st := s.styles
	text := transClip(r.name, w-2)
	if r.born != "" && w >= 30 {
		nw := w - 2 - 1 - len(r.born)
		text = transPad(transClip(r.name, nw), nw) + " " + r.born
	}
	switch {
	case cur && s.focus != transOnHistory:
		return st.Selected.Render(transPad("▸ "+text, w))
	case cur:
		return st.Cursor.Render("▸ ") + st.Bold.Render(text)
	}
	return "  " + st.Row.Render(text)
}

// historyPane is the selected patient's name, the filter, and the
// scrolling history.
func (s transmissionsScreen) historyPane() string {
	st := s.styles
	w := s.historyWidth()
	iw := w - st.Pane.GetHorizontalFrameSize()
	r, ok := s.current()
	if !ok {
		return s.pane(false, w, []string{st.Muted.Render("Aucun patient sélectionné.")})
	}
	head := st.Section.Render(r.name)
	if r.born != "" {
		head += st.Muted.Render(" · " + r.born)
	}
	filter := st.Muted.Render(s.filter.label())
	if s.filter != transAll {
		filter = st.Accent.Render(s.filter.label())
	}
	count := ""
	if s.hist.loaded {
		n := len(s.hist.shown)
		count = " · " + strconv.Itoa(n) + " transmission"
		if n > 1 {
			count += "s"
		}
		if !s.vp.AtBottom() {
			count += " · ↓ suite"
		}
		count = st.Muted.Render(count)
	}
	lines := []string{transClip(head, iw), transClip(st.Label.Render("Filtre : ")+filter+count, iw), ""}
	lines = append(lines, strings.Split(s.vp.View(), "\n")...)
	return s.pane(s.focus == transOnHistory, w, lines)
}

// transHistoryChrome is the lines above the history's viewport.
const transHistoryChrome = 3

// refreshHistory redraws the history into the viewport; entries keep their
// line spans so the selection can be scrolled into view.
func (s *transmissionsScreen) refreshHistory() {
	st := s.styles
	iw := max(10, s.historyWidth()-st.Pane.GetHorizontalFrameSize())
	s.vp.SetWidth(iw)
	s.vp.SetHeight(max(1, s.h-st.Pane.GetVerticalFrameSize()-transHistoryChrome))
	var lines []string
	var spans [][2]int
	switch {
	case s.hist.patientID.IsZero():
	case s.hist.failed:
		lines = []string{st.ErrorText.Render("L'historique n'a pas pu être chargé.")}
	case !s.hist.loaded:
		lines = []string{st.Muted.Render("Chargement…")}
	case len(s.hist.list) == 0:
		lines = []string{st.Muted.Render("Aucune transmission pour ce patient."), st.Muted.Render("n : écrire la première.")}
	case len(s.hist.shown) == 0:
		lines = []string{st.Muted.Render("Aucune transmission dans le filtre « " + s.filter.label() + " ».")}
	}
	if s.hist.loaded {
		for i, idx := range s.hist.shown {
			start := len(lines)
			lines = appendDAR(lines, st, s.entry(s.hist.list[idx], i == s.sel), iw)
			spans = append(spans, [2]int{start, len(lines) - 1})
			lines = append(lines, "")
		}
	}
	s.hist.spans = spans
	s.vp.SetContentLines(lines)
}

// entry gathers what the history shows around a transmission.
func (s transmissionsScreen) entry(t patients.Transmission, selected bool) darEntry {
	st := s.styles
	e := darEntry{t: t, bar: "  ", author: s.nurses[t.AuthorID], when: transWhen(t.At, s.now()), corrected: s.hist.corrected[t.ID]}
	if selected && s.focus == transOnHistory {
		e.bar = st.Cursor.Render("▌ ")
	} else if selected {
		e.bar = st.Muted.Render("▌ ")
	}
	if i, ok := s.hist.byID[t.Corrects]; ok && !t.Corrects.IsZero() {
		e.correctsOf = transOf(s.hist.list[i].At, s.now())
	}
	return e
}
