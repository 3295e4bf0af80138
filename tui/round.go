package tui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
	"tournee/planner"
)

// roundScreen is the home screen: one nurse's round of one day, in order,
// with its ETAs, the windows it keeps or breaks, and the map.
type roundScreen struct {
	deps    Deps
	styles  *styles
	keys    roundKeys
	spinner spinner.Model
	w, h    int

	session sessionMsg
	nurseID xid.ID
	date    patients.Date
	round   patients.Round
	seq     int // drops answers to loads that were superseded

	day    *dayplan.Day
	unread map[xid.ID]bool // patients with a transmission she has not seen
	byID   map[xid.ID]*patients.Patient

	// rows are her visits of the round in order: those still on the route
	// first (done and planned), then missed/postponed, then never ordered.
	rows   []patients.Visit
	route  planner.Route  // timings of the visits on the route
	stopOf map[xid.ID]int // visit id → index in route.Stops
	risks  map[xid.ID]planner.Risk
	// offers are the colleagues who could take each visit left out.
	offers map[xid.ID][]dayplan.Offer
	// reconciled is set once the stored days were brought in line with the
	// care plans this session (again after a sync).
	reconciled bool
	// readyAt is when she said she can go on (a kept delay), minutes after
	// midnight, until she marks her next visit done.
	readyAt float64
	// problem explains why the round cannot be timed (missing coordinates,
	// nobody works the round), in French.
	problem string

	cursor  int
	offset  int
	loading bool
	busy    string // « Optimisation de la tournée… » while a command runs

	mode  roundMode
	delay textinput.Model
	// answer takes the real time of a past visit, or the end of an absence.
	answer  textinput.Model
	pending patients.Visit // the visit the answer is about
	preview *replanPreview
	showMap bool // on narrow terminals the map replaces the list
}

type roundMode int

const (
	browsing roundMode = iota
	askingDelay
	askingMissed
	previewing
	askingDoneTime  // a past day's visit: when was it really done?
	askingAbsentTil // hospitalised: until when?
)

// replanPreview is a re-plan after a delay, shown before it is kept.
type replanPreview struct {
	delayMin int
	readyAt  float64 // when she can go on, minutes after midnight
	result   planner.Replanned
	visits   []patients.Visit // the rest of the round, re-ordered
}

type roundKeys struct {
	Up, Down, Open, Transmit        key.Binding
	Done, Missed, MoveUp, MoveDown  key.Binding
	Pin, Delay, Optimise, Map       key.Binding
	NextNurse, Round, PrevDay, Next key.Binding
	Today, Accept, Cancel           key.Binding
	Absent, Hospital, Postpone      key.Binding
	Give                            key.Binding
}

func newRoundKeys() roundKeys {
	return roundKeys{
		Up:        upKey(),
		Down:      downKey(),
		Open:      openKey("fiche patient"),
		Transmit:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "transmission")),
		Done:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "faite")),
		Missed:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "absent / hospitalisé / reportée")),
		MoveUp:    key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K/maj+↑", "avancer la visite")),
		MoveDown:  key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J/maj+↓", "reculer la visite")),
		Pin:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "épingler à sa place")),
		Delay:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retard de N min")),
		Optimise:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "réoptimiser la journée")),
		Map:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "carte")),
		NextNurse: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "infirmière suivante")),
		Round:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "matin / soir")),
		PrevDay:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "jour précédent")),
		Next:      key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "jour suivant")),
		Today:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "aujourd'hui")),
		Accept:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "valider")),
		Cancel:    backKey(),
		Absent:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "absent")),
		Hospital:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hospitalisé")),
		Postpone:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reportée")),
		Give:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "confier à une collègue")),
	}
}

// roundHelp is the keymap shown for the mode the screen is in, so the help
// never lists a key that does nothing.
type roundHelp struct {
	k    roundKeys
	mode roundMode
}

func (h roundHelp) ShortHelp() []key.Binding {
	k := h.k
	switch h.mode {
	case askingDelay:
		return []key.Binding{k.Accept, k.Cancel}
	case askingMissed:
		return []key.Binding{k.Absent, k.Hospital, k.Postpone, k.Cancel}
	case previewing:
		return []key.Binding{k.Accept, k.Give, k.Cancel}
	case askingDoneTime, askingAbsentTil:
		return []key.Binding{k.Accept, k.Cancel}
	}
	return []key.Binding{k.Done, k.Transmit, k.Delay, k.Optimise}
}

func (h roundHelp) FullHelp() [][]key.Binding {
	k := h.k
	if h.mode != browsing {
		return [][]key.Binding{h.ShortHelp()}
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.Open, k.Transmit},
		{k.Done, k.Missed, k.Delay, k.Optimise, k.Give},
		{k.MoveUp, k.MoveDown, k.Pin, k.Map},
		{k.NextNurse, k.Round, k.PrevDay, k.Next, k.Today},
	}
}

func newRoundScreen(d Deps, st *styles) roundScreen {
	in := textinput.New()
	in.Prompt = "Retard (minutes) : "
	in.Placeholder = "15"
	in.CharLimit = 3
	in.SetWidth(6)
	in.Validate = validMinutes
	ans := textinput.New()
	ans.CharLimit = 10
	ans.SetWidth(12)
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	return roundScreen{deps: d, styles: st, keys: newRoundKeys(), spinner: sp, delay: in, answer: ans, loading: true}
}

// Init waits for the session: without knowing the nurse there is no round.
func (s roundScreen) Init() tea.Cmd { return nil }

func (s *roundScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.clampCursor()
}

func (s *roundScreen) SetStyles(st *styles) { s.styles = st }

// Keys is the help for the current mode.
func (s roundScreen) Keys() help.KeyMap { return roundHelp{s.keys, s.mode} }

// Capturing is true while the delay is typed, so digits are not screen shortcuts.
func (s roundScreen) Capturing() bool {
	return s.mode == askingDelay || s.mode == askingDoneTime || s.mode == askingAbsentTil
}

// defaultRound is the round under way or next at t for the nurse.
func defaultRound(n patients.Nurse, t time.Time) patients.Round {
	now := patients.TimeOfDayOf(t)
	if m, ok := n.ShiftFor(patients.Morning); ok && now <= m.End {
		return patients.Morning
	}
	if _, ok := n.ShiftFor(patients.Evening); ok {
		return patients.Evening
	}
	return patients.Morning
}

func (s roundScreen) nurse() (patients.Nurse, bool) {
	i := slices.IndexFunc(s.session.nurses, func(n patients.Nurse) bool { return n.ID == s.nurseID })
	if i < 0 {
		return patients.Nurse{}, false
	}
	return s.session.nurses[i], true
}

func (s roundScreen) today() patients.Date { return patients.DateOf(s.deps.Now()) }

func (s roundScreen) selected() (patients.Visit, bool) {
	if s.cursor < 0 || s.cursor >= len(s.rows) {
		return patients.Visit{}, false
	}
	return s.rows[s.cursor], true
}

func (s *roundScreen) clampCursor() {
	s.cursor = max(0, min(s.cursor, len(s.rows)-1))
	visible := max(s.listHeight(), 1)
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+visible {
		s.offset = s.cursor - visible + 1
	}
	s.offset = max(0, min(s.offset, max(len(s.rows)-visible, 0)))
}
