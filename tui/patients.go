package tui

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/patients"
)

// patientsMode says which part of the patients screen has the keys.
type patientsMode int

const (
	listMode patientsMode = iota
	fileMode
	patientFormMode
	carePlanFormMode
	dmpMode
)

// patientsScreen lists the cabinet's patients, shows one patient's file and
// hosts the patient and care plan forms.
type patientsScreen struct {
	store  patients.Store
	geo    Geocoder
	now    func() time.Time
	styles *styles
	keys   patientsKeys
	w, h   int

	mode   patientsMode
	nurses []patients.Nurse
	me     xid.ID
	list   patientList
	file   patientFile
	// The forms are behind pointers because they are large (a huh form,
	// five text inputs) and the screen is copied at every message: the
	// list must stay cheap to copy. A form's Update clones its struct
	// before changing it, so older copies of the screen are unaffected.
	form *patientForm
	plan *carePlanForm
	// DMP export from the file (dmp.go).
	dmpSvc  DMPService
	dmpDir  string
	dmp     *dmpPanel
	dmpKeys dmpKeys
	// « Preuve de soins » from the file (proof.go), into the DMP folder.
	proofSvc ProofService
	proofDir string
}

// patientRow is a patient as the list shows it, computed once per load so
// that a key press only filters and draws.
type patientRow struct {
	id       xid.ID
	sortKey  string
	name     string
	age      string
	place    string
	key      string // folded name, birth name, street, town, postcode
	noCoords bool
	alert    string // "", "alerte", "à deux"
	archived bool
}

type patientList struct {
	rows      []patientRow
	shown     []int // indexes into rows that pass the filter
	cursor    int   // index into shown
	top       int   // first shown row on screen
	nameW     int   // widest name
	search    textinput.Model
	searching bool
	archived  bool // archived patients are listed too
	loaded    bool
}

type patientsLoadedMsg struct{ rows []patientRow }

func newPatientsScreen(d Deps, st *styles) patientsScreen {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "nom, rue, commune…"
	quietCursor(&in)
	return patientsScreen{
		store:    d.Store,
		geo:      d.Addresses,
		now:      now,
		styles:   st,
		keys:     newPatientsKeys(),
		list:     patientList{search: in},
		file:     newPatientFile(),
		dmpSvc:   d.DMP,
		dmpDir:   d.DMPFolder,
		dmpKeys:  newDMPKeys(),
		proofSvc: d.Proof,
		proofDir: d.DMPFolder,
	}
}

// Init loads the list.
func (s patientsScreen) Init() tea.Cmd { return s.load() }

func (s patientsScreen) load() tea.Cmd {
	store, now := s.store, s.now
	return func() tea.Msg {
		ps, err := store.Patients(context.Background(), patients.PatientFilter{IncludeArchived: true})
		if err != nil {
			return errMsg{"load patients", err, originOf(patientsTab)}
		}
		return patientsLoadedMsg{buildRows(ps, patients.DateOf(now()))}
	}
}

// buildRows does the per-patient work (folding, ages, sorting) once, in a
// command, so that filtering 2,000 patients is only substring tests.
func buildRows(ps []patients.Patient, today patients.Date) []patientRow {
	rows := make([]patientRow, len(ps))
	for i, p := range ps {
		a := p.Address
		place := a.Line
		if a.City != "" {
			place = strings.TrimPrefix(place+", "+a.City, ", ")
		}
		r := patientRow{
			id:       p.ID,
			name:     p.DisplayName(),
			age:      ageText(p.BirthDate, today),
			place:    place,
			key:      patients.Fold(strings.Join([]string{p.DisplayName(), p.BirthName, a.Line, a.City, a.PostalCode}, " ")),
			noCoords: !a.HasCoordinates(),
			archived: p.Archived,
		}
		r.sortKey = patients.Fold(p.LastName() + " " + p.FirstName)
		switch {
		case p.NeedsTwoCarers():
			r.alert = "à deux"
		case len(p.Alerts) > 0:
			r.alert = "alerte"
		}
		rows[i] = r
	}
	slices.SortFunc(rows, func(a, b patientRow) int {
		return cmp.Or(strings.Compare(a.sortKey, b.sortKey), strings.Compare(a.place, b.place), a.id.Compare(b.id))
	})
	return rows
}

func (r patientRow) flags() []string {
	var out []string
	if r.alert != "" {
		out = append(out, "⚠ "+r.alert)
	}
	if r.noCoords {
		out = append(out, "⚠ sans coordonnées")
	}
	if r.archived {
		out = append(out, "archivé")
	}
	return out
}

// setRows replaces the rows and keeps the cursor on the same patient.
func (l patientList) setRows(rows []patientRow) patientList {
	var cur xid.ID
	if id, ok := l.selected(); ok {
		cur = id
	}
	l.rows, l.loaded = rows, true
	l.nameW = 0
	for _, r := range rows {
		l.nameW = max(l.nameW, ansi.StringWidth(r.name))
	}
	return l.filter(cur)
}

// filter recomputes the shown rows: every word of the search must appear in
// the folded key, so « lefevre calais » narrows as the nurse expects.
func (l patientList) filter(keep xid.ID) patientList {
	terms := strings.Fields(patients.Fold(l.search.Value()))
	// A new slice: an older copy of the screen may still read the old one.
	l.shown = make([]int, 0, len(l.rows))
	l.cursor = 0
	for i, r := range l.rows {
		if r.archived && !l.archived {
			continue
		}
		ok := true
		for _, t := range terms {
			if !strings.Contains(r.key, t) {
				ok = false
				break
			}
		}
		if ok {
			if r.id == keep && !keep.IsZero() {
				l.cursor = len(l.shown)
			}
			l.shown = append(l.shown, i)
		}
	}
	return l
}

func (l patientList) selected() (xid.ID, bool) {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return xid.ID{}, false
	}
	return l.rows[l.shown[l.cursor]].id, true
}

// move shifts the cursor and scrolls so that it stays on screen.
func (l patientList) move(delta, visible int) patientList {
	l.cursor = max(0, min(l.cursor+delta, len(l.shown)-1))
	return l.scroll(visible)
}

func (l patientList) scroll(visible int) patientList {
	visible = max(visible, 1)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+visible {
		l.top = l.cursor - visible + 1
	}
	l.top = max(0, min(l.top, len(l.shown)-visible))
	return l
}

// listRows is how many patients fit under the title and column lines.
func (s patientsScreen) listRows() int { return max(s.h-2, 1) }

func (s patientsScreen) Update(msg tea.Msg) (patientsScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionMsg:
		s.nurses, s.me = msg.nurses, msg.cabinet.CurrentNurse
		s.renderFile()
		return s, nil
	case patientsLoadedMsg:
		s.list = s.list.setRows(msg.rows).scroll(s.listRows())
		return s, nil
	case patientsChangedMsg:
		cmds := []tea.Cmd{s.load()}
		if s.file.open() && (msg.id.IsZero() || msg.id == s.file.id) {
			cmds = append(cmds, s.loadFile(s.file.id))
		}
		return s, tea.Batch(cmds...)
	case transmissionsChangedMsg:
		if s.file.open() && msg.patientID == s.file.id {
			return s, s.loadFile(s.file.id)
		}
		return s, nil
	case openPatientMsg:
		return s.openFile(msg.id)
	case patientFileMsg:
		if msg.id == s.file.id {
			s.file = s.file.loaded(msg)
			s.renderFile()
		}
		return s, nil
	case errMsg:
		if s.form != nil && s.form.saving {
			f := *s.form
			f.saving, s.form = false, &f
		}
		if s.plan != nil && s.plan.saving {
			f := *s.plan
			f.saving, s.plan = false, &f
		}
		return s, nil
	case patientSavedMsg, patientInvalidMsg, addressDebounceMsg, addressFoundMsg:
		return s.updatePatientForm(msg)
	case carePlanSavedMsg, carePlanInvalidMsg:
		return s.updateCarePlanForm(msg)
	case dmpPreparedMsg, dmpExportedMsg:
		return s.updateDMP(msg)
	case proofWrittenMsg:
		return s.proofWritten(msg)
	case absenceSavedMsg:
		return s, tea.Batch(statusCmd(msg.note), send(patientsChangedMsg{id: msg.id}))
	}
	return s.updateMode(msg)
}

func (s patientsScreen) updateMode(msg tea.Msg) (patientsScreen, tea.Cmd) {
	switch s.mode {
	case fileMode:
		return s.updateFile(msg)
	case patientFormMode:
		return s.updatePatientForm(msg)
	case carePlanFormMode:
		return s.updateCarePlanForm(msg)
	case dmpMode:
		return s.updateDMP(msg)
	}
	return s.updateList(msg)
}

func (s patientsScreen) updateList(msg tea.Msg) (patientsScreen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if !s.list.searching {
			return s, nil
		}
		before := s.list.search.Value()
		var cmd tea.Cmd
		s.list.search, cmd = s.list.search.Update(msg)
		if s.list.search.Value() != before {
			s.list = s.list.filter(xid.ID{}).scroll(s.listRows())
		}
		return s, cmd
	}
	n := s.listRows()
	if s.list.searching {
		switch {
		case key.Matches(k, s.keys.ClearSearch):
			s.list.search.Reset()
			s.list.search.Blur()
			s.list.searching = false
			s.list = s.list.filter(xid.ID{}).scroll(n)
			return s, nil
		case key.Matches(k, s.keys.ArrowUp):
			s.list = s.list.move(-1, n)
			return s, nil
		case key.Matches(k, s.keys.ArrowDown):
			s.list = s.list.move(1, n)
			return s, nil
		case key.Matches(k, s.keys.Open):
			s.list.search.Blur()
			s.list.searching = false
			if id, ok := s.list.selected(); ok {
				return s.openFile(id)
			}
			return s, nil
		}
		before := s.list.search.Value()
		var cmd tea.Cmd
		s.list.search, cmd = s.list.search.Update(k)
		if s.list.search.Value() != before {
			s.list = s.list.filter(xid.ID{})
			s.list.top = 0
		}
		return s, cmd
	}
	switch {
	case key.Matches(k, s.keys.Up):
		s.list = s.list.move(-1, n)
	case key.Matches(k, s.keys.Down):
		s.list = s.list.move(1, n)
	case key.Matches(k, s.keys.PageUp):
		s.list = s.list.move(-n, n)
	case key.Matches(k, s.keys.PageDown):
		s.list = s.list.move(n, n)
	case key.Matches(k, s.keys.Search):
		s.list.searching = true
		return s, s.list.search.Focus()
	case key.Matches(k, s.keys.ClearSearch) && s.list.search.Value() != "":
		keep, _ := s.list.selected()
		s.list.search.Reset()
		s.list = s.list.filter(keep).scroll(n)
	case key.Matches(k, s.keys.Archived):
		keep, _ := s.list.selected()
		s.list.archived = !s.list.archived
		s.list = s.list.filter(keep).scroll(n)
	case key.Matches(k, s.keys.Open):
		if id, ok := s.list.selected(); ok {
			return s.openFile(id)
		}
	case key.Matches(k, s.keys.Add):
		return s.startPatientForm(patients.Patient{}, listMode)
	}
	return s, nil
}

func (s patientsScreen) View() string {
	switch s.mode {
	case fileMode:
		return s.fileView()
	case patientFormMode:
		return s.patientFormView()
	case carePlanFormMode:
		return s.carePlanFormView()
	case dmpMode:
		return s.dmpView()
	}
	return s.listView()
}

func (s *patientsScreen) listView() string {
	st, l := s.styles, &s.list
	var b strings.Builder
	b.WriteString(st.Section.Render("Patients"))
	b.WriteByte(' ')
	count := strconv.Itoa(len(l.shown))
	if len(l.shown) != l.total() {
		count += " sur " + strconv.Itoa(l.total())
	}
	if l.archived {
		count += " · archivés inclus"
	}
	b.WriteString(st.Muted.Render(count))
	b.WriteString("   ")
	if l.searching || l.search.Value() != "" {
		b.WriteString(st.Label.Render("Rechercher : "))
		b.WriteString(l.search.View())
	}
	b.WriteByte('\n')

	switch {
	case !l.loaded:
		b.WriteString(st.Muted.Render("Chargement des patients…"))
		return b.String()
	case len(l.rows) == 0:
		b.WriteString(st.Muted.Render("Aucun patient pour l'instant. Appuyez sur a pour ajouter le premier."))
		return b.String()
	case len(l.shown) == 0 && l.search.Value() != "":
		b.WriteString(st.Muted.Render("Aucun patient ne correspond à « " + l.search.Value() + " ». Échap efface la recherche."))
		return b.String()
	case len(l.shown) == 0:
		b.WriteString(st.Muted.Render("Tous les patients sont archivés. Appuyez sur v pour les afficher."))
		return b.String()
	}

	c := s.columns()
	b.WriteString(st.Muted.Render(c.row("", "Nom", "Âge", "Adresse", c.place)))
	end := min(l.top+s.listRows(), len(l.shown))
	for i := l.top; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(rowView(st, &l.rows[l.shown[i]], i == l.cursor, c))
	}
	return b.String()
}

func (l *patientList) total() int {
	if l.archived {
		return len(l.rows)
	}
	n := 0
	for i := range l.rows {
		if !l.rows[i].archived {
			n++
		}
	}
	return n
}

// listColumns are the widths of the list columns at the screen's width. The
// flags take the end of the address column on the rows that have some, so
// that the many rows without flags keep their whole address.
type listColumns struct{ name, age, place int }

const listGap = "  "

func (s *patientsScreen) columns() listColumns {
	w := max(s.w, 20)
	c := listColumns{age: 7}
	rest := w - 2 - len(listGap) - c.age - len(listGap)
	// The name has priority, the address takes what is left but not less
	// than a street name's worth.
	const minPlace = 24
	c.name = min(s.list.nameW, max(12, rest-len(listGap)-minPlace))
	c.place = rest - c.name - len(listGap)
	if c.place < 10 {
		// Too narrow for the address: the name matters more.
		c.name, c.place = rest, 0
	}
	return c
}

// row lays out the plain text of a row, the address cut to placeW.
func (c listColumns) row(marker, name, age, place string, placeW int) string {
	var b strings.Builder
	b.WriteString(fit(marker, 2))
	b.WriteString(fit(name, c.name))
	b.WriteString(listGap)
	b.WriteString(fitRight(age, c.age))
	if placeW > 0 {
		b.WriteString(listGap)
		b.WriteString(fit(place, placeW))
	}
	return b.String()
}

// rowView takes pointers: it runs once per visible row at every redraw.
func rowView(st *styles, r *patientRow, selected bool, c listColumns) string {
	var fl []string
	flagW := 0
	if c.place > 0 {
		for _, f := range r.flags() {
			flagW += ansi.StringWidth(f) + 1
		}
	}
	placeW := c.place
	if flagW > 0 {
		// At least a few letters of the street stay visible.
		flagW = min(flagW-1, c.place-len(listGap)-8)
		placeW = c.place - flagW - len(listGap)
		if r.alert != "" {
			fl = append(fl, st.Alert.Render("⚠ "+r.alert))
		}
		if r.noCoords {
			fl = append(fl, st.NoCoords.Render("⚠ sans coordonnées"))
		}
		if r.archived {
			fl = append(fl, st.Muted.Render("archivé"))
		}
	}
	marker := ""
	if selected {
		marker = "▸"
	}
	line := c.row(marker, r.name, r.age, r.place, placeW)
	switch {
	case selected:
		line = st.Selected.Render(line)
	case r.archived:
		line = st.Muted.Render(line)
	default:
		line = st.Row.Render(line)
	}
	if len(fl) == 0 {
		return line
	}
	return line + listGap + ansi.Truncate(strings.Join(fl, " "), flagW, "…")
}

func (s *patientsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.search.SetWidth(max(w-40, 10))
	s.list = s.list.scroll(s.listRows())
	s.file.vp.SetWidth(w)
	s.file.vp.SetHeight(max(h-1, 1))
	s.renderFile()
	s.layoutDMP()
	if s.form != nil {
		f := *s.form
		f.setSize(w, h)
		s.form = &f
	}
	if s.plan != nil {
		f := *s.plan
		f.setSize(w, h)
		s.plan = &f
	}
}

func (s *patientsScreen) SetStyles(st *styles) {
	s.styles = st
	s.renderFile()
	if s.form != nil {
		f := *s.form
		f.setStyles(st)
		s.form = &f
	}
	if s.plan != nil {
		f := *s.plan
		f.setStyles(st)
		s.plan = &f
	}
}

// Capturing is true while a text field or a form has the keys.
func (s patientsScreen) Capturing() bool {
	switch s.mode {
	case listMode:
		return s.list.searching
	case patientFormMode, carePlanFormMode:
		return true
	case dmpMode:
		return s.dmp != nil && s.dmp.step == dmpAskFolder
	case fileMode:
		return s.file.absence.step != noAbsence || s.file.proofCapturing()
	}
	return false
}
