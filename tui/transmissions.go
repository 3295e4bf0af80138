package tui

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// transFocus is where the keys go on the transmissions screen.
type transFocus int

const (
	transOnPicker transFocus = iota
	transOnSearch
	transOnHistory
)

// transFilter narrows the history to one flag; f cycles through them.
type transFilter int

const (
	transAll transFilter = iota
	transUrgent
	transForReplacement
	transForDoctor
	transFilterCount
)

// transFilters is a constant table: the label shown, and what passes.
var transFilters = [transFilterCount]struct {
	label string
	keep  func(patients.Transmission) bool
}{
	{"toutes", func(patients.Transmission) bool { return true }},
	{"urgentes", func(t patients.Transmission) bool { return t.Urgent }},
	{"pour le remplaçant", func(t patients.Transmission) bool { return t.ForReplacement }},
	{"pour le médecin", func(t patients.Transmission) bool { return t.ForDoctor }},
}

func (f transFilter) label() string                     { return transFilters[f].label }
func (f transFilter) keep(t patients.Transmission) bool { return transFilters[f].keep(t) }

// transWideLayout is the width from which the picker and the history sit side by side.
const transWideLayout = 100

// transRow is a patient as the picker needs it, folded once per load so
// a search over 2,000 patients does no work per row but a substring test.
type transRow struct {
	id     xid.ID
	name   string // « DUPONT Marie »
	born   string // 19/07/1932, or ""
	folded string // name, then birth name, folded for the search
}

// transHistory is the selected patient's transmissions, newest first.
type transHistory struct {
	patientID xid.ID
	loaded    bool
	failed    bool
	list      []patients.Transmission
	shown     []int           // indexes into list passing the filter
	corrected map[xid.ID]bool // ids some later transmission corrects
	byID      map[xid.ID]int  // index into list
	spans     [][2]int        // first and last content line of each shown entry
}

type (
	transPatientsMsg struct {
		rows []transRow
	}
	transHistoryMsg struct {
		patientID xid.ID
		list      []patients.Transmission
	}
	transSavedMsg struct{ patientID, id xid.ID }
)

type transKeys struct {
	Up, Down, Open, Back, Search, New, Correct, Filter key.Binding
	SearchUp, SearchDown, SearchOpen, SearchClear      key.Binding
	dar                                                darKeys
}

func newTransKeys() transKeys {
	return transKeys{
		Up:          upKey(),
		Down:        downKey(),
		Open:        key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("entrée", "historique")),
		Back:        key.NewBinding(key.WithKeys("esc", "left", "h"), key.WithHelp("échap", "patients")),
		Search:      searchKey(),
		New:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "nouvelle transmission")),
		Correct:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "corriger")),
		Filter:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filtre")),
		SearchUp:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "monter")),
		SearchDown:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "descendre")),
		SearchOpen:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "ouvrir")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "effacer")),
		dar:         newDARKeys(),
	}
}

// transHelp is a help.KeyMap assembled for the current focus.
type transHelp [][]key.Binding

func (k transHelp) ShortHelp() []key.Binding  { return slices.Concat(k...) }
func (k transHelp) FullHelp() [][]key.Binding { return k }

// transmissionsScreen lists the patients and, for the selected one, the
// transmissions ciblées newest first; it opens the DAR form to write one.
type transmissionsScreen struct {
	store  patients.Store
	now    func() time.Time
	styles *styles
	keys   transKeys
	w, h   int
	focus  transFocus

	rows   []transRow
	loaded bool
	shown  []int // indexes into rows matching the search
	cursor int   // index into shown
	top    int   // first of shown on screen
	search textinput.Model
	want   xid.ID // patient to select once the list arrives

	nurses map[xid.ID]string
	author xid.ID

	hist    transHistory
	filter  transFilter
	vp      viewport.Model
	sel     int    // selected entry, index into hist.shown
	wantSel xid.ID // entry to select once the history reloads

	dar darForm
}

func newTransmissionsScreen(d Deps, st *styles) transmissionsScreen {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "nom ou prénom"
	s := transmissionsScreen{
		store:  d.Store,
		now:    d.Now,
		styles: st,
		keys:   newTransKeys(),
		search: in,
		vp:     viewport.New(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Init loads the patients; the history follows the selection.
func (s transmissionsScreen) Init() tea.Cmd { return s.loadPatients() }

func (s transmissionsScreen) loadPatients() tea.Cmd {
	store := s.store
	return func() tea.Msg {
		ps, err := store.Patients(context.Background(), patients.PatientFilter{})
		if err != nil {
			return errMsg{"load patients for transmissions", err, originOf(transmissionsTab)}
		}
		rows := make([]transRow, len(ps))
		for i, p := range ps {
			folded := patients.Fold(p.DisplayName())
			if p.UsedName != "" && p.BirthName != "" {
				folded += " " + patients.Fold(p.BirthName)
			}
			rows[i] = transRow{id: p.ID, name: p.DisplayName(), born: french.ShortDate(p.BirthDate), folded: folded}
		}
		slices.SortStableFunc(rows, func(a, b transRow) int { return strings.Compare(a.folded, b.folded) })
		return transPatientsMsg{rows}
	}
}

func transHistoryOp(id xid.ID) string { return "load transmissions of patient " + id.String() }

func (s transmissionsScreen) loadHistory(id xid.ID) tea.Cmd {
	store := s.store
	return func() tea.Msg {
		list, err := store.Transmissions(context.Background(), id, 0)
		if err != nil {
			return errMsg{transHistoryOp(id), err, originOf(transmissionsTab)}
		}
		return transHistoryMsg{id, list}
	}
}

func addTransmission(store patients.Store, t patients.Transmission, op string) tea.Cmd {
	return func() tea.Msg {
		if err := store.AddTransmission(context.Background(), &t); err != nil {
			return errMsg{op, err, originOf(transmissionsTab)}
		}
		return transSavedMsg{t.PatientID, t.ID}
	}
}

// Capturing is true while letters are text: the search or the form.
func (s transmissionsScreen) Capturing() bool {
	return s.dar.open() || s.focus == transOnSearch
}

func (s transmissionsScreen) wide() bool { return s.w >= transWideLayout }

// current is the patient under the cursor.
func (s transmissionsScreen) current() (transRow, bool) {
	if s.cursor < 0 || s.cursor >= len(s.shown) {
		return transRow{}, false
	}
	return s.rows[s.shown[s.cursor]], true
}

func (s transmissionsScreen) rowOf(id xid.ID) (transRow, bool) {
	for _, r := range s.rows {
		if r.id == id {
			return r, true
		}
	}
	return transRow{}, false
}

func (s transmissionsScreen) selected() (patients.Transmission, bool) {
	if !s.hist.loaded || s.sel < 0 || s.sel >= len(s.hist.shown) {
		return patients.Transmission{}, false
	}
	return s.hist.list[s.hist.shown[s.sel]], true
}

func (s transmissionsScreen) Update(msg tea.Msg) (transmissionsScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionMsg:
		s.nurses = make(map[xid.ID]string, len(msg.nurses))
		for _, n := range msg.nurses {
			s.nurses[n.ID] = n.FullName()
		}
		s.author = msg.cabinet.CurrentNurse
		s.refreshHistory()
		return s, nil
	case patientsChangedMsg:
		return s, s.loadPatients()
	case transPatientsMsg:
		return s.setRows(msg.rows)
	case transmissionsChangedMsg:
		if !s.hist.patientID.IsZero() && (msg.patientID.IsZero() || msg.patientID == s.hist.patientID) {
			return s, s.loadHistory(s.hist.patientID)
		}
		return s, nil
	case transHistoryMsg:
		if msg.patientID == s.hist.patientID {
			s.setHistory(msg.list)
		}
		return s, nil
	case newTransmissionMsg:
		return s.openNew(msg.patientID, msg.visitID)
	case transSavedMsg:
		s.dar = darForm{}
		s.focus = transOnHistory
		s.filter = transAll // the nurse must see what she just wrote
		s.filterHistory()
		s.wantSel = msg.id
		var load tea.Cmd
		s, load = s.selectPatient(msg.patientID)
		s.refreshHistory()
		return s, tea.Batch(load, send(transmissionsChangedMsg{msg.patientID}), statusCmd("Transmission enregistrée"))
	case errMsg:
		switch {
		case s.dar.saving && msg.op == s.dar.op:
			s.dar.saving = false
			s.dar.setErrs(validationMessages(msg.err))
		case msg.op == transHistoryOp(s.hist.patientID):
			s.hist.failed = true
			s.refreshHistory()
		}
		return s, nil
	}
	if s.dar.open() {
		return s.updateForm(msg)
	}
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch s.focus {
		case transOnSearch:
			s, cmd = s.updateSearch(msg)
		case transOnHistory:
			s, cmd = s.updateHistory(msg)
		default:
			s, cmd = s.updatePicker(msg)
		}
	case tea.PasteMsg:
		if s.focus == transOnSearch {
			s.search, cmd = s.search.Update(msg)
			s, cmd = s.applySearch(cmd)
		}
	default:
		if s.focus == transOnSearch {
			s.search, cmd = s.search.Update(msg)
		}
	}
	return s, cmd
}

func (s transmissionsScreen) updatePicker(msg tea.KeyPressMsg) (transmissionsScreen, tea.Cmd) {
	k := s.keys
	switch {
	case key.Matches(msg, k.Up):
		return s.moveCursor(-1)
	case key.Matches(msg, k.Down):
		return s.moveCursor(1)
	case key.Matches(msg, k.Open):
		if _, ok := s.current(); ok {
			s.focus = transOnHistory
			s.refreshHistory()
		}
	case key.Matches(msg, k.Back):
		if s.search.Value() != "" {
			s.search.Reset()
			return s.applySearch(nil)
		}
	case key.Matches(msg, k.Search):
		s.focus = transOnSearch
		return s, s.search.Focus()
	case key.Matches(msg, k.New):
		if r, ok := s.current(); ok {
			return s.openForm(r.id, xid.NilID(), nil)
		}
	case key.Matches(msg, k.Filter):
		s.cycleFilter()
	}
	return s, nil
}

func (s transmissionsScreen) updateSearch(msg tea.KeyPressMsg) (transmissionsScreen, tea.Cmd) {
	k := s.keys
	switch {
	case key.Matches(msg, k.SearchUp):
		return s.moveCursor(-1)
	case key.Matches(msg, k.SearchDown):
		return s.moveCursor(1)
	case key.Matches(msg, k.SearchOpen):
		s.search.Blur()
		s.focus = transOnPicker
		if _, ok := s.current(); ok {
			s.focus = transOnHistory
		}
		s.refreshHistory()
		return s, nil
	case key.Matches(msg, k.SearchClear):
		s.search.Blur()
		s.search.Reset()
		s.focus = transOnPicker
		return s.applySearch(nil)
	}
	var cmd tea.Cmd
	s.search, cmd = s.search.Update(msg)
	return s.applySearch(cmd)
}

func (s transmissionsScreen) updateHistory(msg tea.KeyPressMsg) (transmissionsScreen, tea.Cmd) {
	k := s.keys
	switch {
	case key.Matches(msg, k.Up):
		s.scrollEntry(-1)
	case key.Matches(msg, k.Down):
		s.scrollEntry(1)
	case key.Matches(msg, k.Back):
		s.focus = transOnPicker
		s.refreshHistory()
	case key.Matches(msg, k.New):
		return s.openForm(s.hist.patientID, xid.NilID(), nil)
	case key.Matches(msg, k.Correct):
		if t, ok := s.selected(); ok {
			return s.openForm(t.PatientID, t.VisitID, &t)
		}
	case key.Matches(msg, k.Filter):
		s.cycleFilter()
	}
	return s, nil
}

func (s transmissionsScreen) updateForm(msg tea.Msg) (transmissionsScreen, tea.Cmd) {
	d, cmd, save, cancel := s.dar.update(msg, s.keys.dar, s.author, s.now())
	s.dar = d
	switch {
	case cancel:
		s.dar = darForm{}
		s.refreshHistory()
		return s, nil
	case save != nil:
		return s, tea.Batch(cmd, addTransmission(s.store, *save, s.dar.op))
	}
	return s, cmd
}

// openNew answers the round screen: the form at once, for that patient and visit.
func (s transmissionsScreen) openNew(patientID, visitID xid.ID) (transmissionsScreen, tea.Cmd) {
	s, load := s.selectPatient(patientID)
	s, open := s.openForm(patientID, visitID, nil)
	return s, tea.Batch(load, open)
}

func (s transmissionsScreen) openForm(patientID, visitID xid.ID, corrected *patients.Transmission) (transmissionsScreen, tea.Cmd) {
	if patientID.IsZero() {
		return s, nil
	}
	var hist []patients.Transmission
	if s.hist.patientID == patientID {
		hist = s.hist.list
	}
	var cmd tea.Cmd
	s.search.Blur()
	s.dar, cmd = newDARForm(s.styles, s.keys.dar, patientID, visitID, corrected, hist, s.now(), s.w, s.h)
	return s, cmd
}

func (s *transmissionsScreen) cycleFilter() {
	s.filter = (s.filter + 1) % transFilterCount
	s.sel = 0
	s.filterHistory()
	s.refreshHistory()
	s.vp.GotoTop()
}

func (s *transmissionsScreen) setHistory(list []patients.Transmission) {
	h := transHistory{patientID: s.hist.patientID, loaded: true, list: list,
		corrected: make(map[xid.ID]bool), byID: make(map[xid.ID]int, len(list))}
	for i, t := range list {
		h.byID[t.ID] = i
		if !t.Corrects.IsZero() {
			h.corrected[t.Corrects] = true
		}
	}
	var keep xid.ID
	if t, ok := s.selected(); ok {
		keep = t.ID
	}
	if !s.wantSel.IsZero() {
		keep, s.wantSel = s.wantSel, xid.NilID()
	}
	s.hist = h
	s.filterHistory()
	s.sel = max(0, slices.IndexFunc(s.hist.shown, func(i int) bool { return list[i].ID == keep }))
	s.refreshHistory()
	s.showSelected()
}

func (s *transmissionsScreen) filterHistory() {
	s.hist.shown = nil
	for i, t := range s.hist.list {
		if s.filter.keep(t) {
			s.hist.shown = append(s.hist.shown, i)
		}
	}
	s.sel = max(0, min(s.sel, len(s.hist.shown)-1))
}

// pickerRows is how many patients fit in the picker pane.
func (s transmissionsScreen) pickerRows() int {
	return max(1, s.h-s.styles.Pane.GetVerticalFrameSize()-2)
}

func (s *transmissionsScreen) clampTop() {
	n := s.pickerRows()
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+n {
		s.top = s.cursor - n + 1
	}
	s.top = max(0, min(s.top, len(s.shown)-n))
}

func (s *transmissionsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.search.SetWidth(max(s.pickerWidth()-s.styles.Pane.GetHorizontalFrameSize()-3, 5))
	s.clampTop()
	s.refreshHistory()
	s.dar.setSize(w, h)
}

func (s *transmissionsScreen) SetStyles(st *styles) {
	s.styles = st
	s.refreshHistory()
	s.dar.restyle(st)
}

// Keys is the help for what the focus allows now.
func (s transmissionsScreen) Keys() help.KeyMap {
	k, d := s.keys, s.keys.dar
	switch {
	case s.dar.open() && s.dar.confirm:
		return transHelp{{d.Abandon, d.Resume}}
	case s.dar.open():
		field, next := d.NewLine, d.Next
		switch s.dar.focused() {
		case darFieldCible:
			field = d.Complete
		case darFieldFlags:
			// Here enter ticks a box and tab wraps: say so.
			field = d.Toggle
			next.SetHelp("tab", "retour à la cible")
		}
		return transHelp{{d.Save, d.Cancel, field}, {next, d.Prev}}
	case s.focus == transOnSearch:
		return transHelp{{k.SearchOpen, k.SearchClear}, {k.SearchUp, k.SearchDown}}
	case s.focus == transOnHistory:
		_, ok := s.selected()
		k.Correct.SetEnabled(ok)
		return transHelp{{k.New, k.Correct, k.Filter, k.Back}, {k.Up, k.Down}}
	}
	_, ok := s.current()
	k.Open.SetEnabled(ok)
	k.New.SetEnabled(ok)
	k.Back.SetEnabled(s.search.Value() != "")
	k.Back.SetHelp("échap", "effacer la recherche")
	return transHelp{{k.Search, k.Open, k.New, k.Filter, k.Back}, {k.Up, k.Down}}
}

// scrollEntry moves the selection; a long entry is scrolled through before
// the next one is selected, so no line of it is skipped.
func (s *transmissionsScreen) scrollEntry(dir int) {
	if s.sel >= len(s.hist.spans) {
		return
	}
	sp := s.hist.spans[s.sel]
	top, h := s.vp.YOffset(), s.vp.Height()
	switch {
	case dir > 0 && sp[1] >= top+h:
		s.vp.ScrollDown(min(max(1, h/2), sp[1]-top-h+1))
		return
	case dir < 0 && sp[0] < top:
		s.vp.ScrollUp(min(max(1, h/2), top-sp[0]))
		return
	}
	next := s.sel + dir
	if next < 0 || next >= len(s.hist.spans) {
		return
	}
	s.sel = next
	s.refreshHistory()
	s.showSelected()
}

// showSelected scrolls so the selected entry starts on screen.
func (s *transmissionsScreen) showSelected() {
	if s.sel >= len(s.hist.spans) {
		s.vp.GotoTop()
		return
	}
	sp := s.hist.spans[s.sel]
	top, h := s.vp.YOffset(), s.vp.Height()
	switch {
	case sp[0] < top:
		s.vp.SetYOffset(sp[0])
	case sp[1] >= top+h:
		s.vp.SetYOffset(min(sp[0], sp[1]-h+1))
	}
}
