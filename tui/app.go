// Package tui is the full-screen interface: the day's round with its map, the
// patients, the transmissions. App is the only tea.Model; each screen is a
// plain struct in its own file, driven by App. The package talks to the
// domain (patients, planner) through interfaces and never touches storage.
package tui

import (
	"context"
	"log"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/cabinetsync"
	"tournee/french"
	"tournee/geo"
	"tournee/patients"
	"tournee/planner"
)

// Geocoder finds addresses in the offline address index.
type Geocoder interface {
	GeoFind(ctx context.Context, text string, limit int) ([]geo.Candidate, error)
}

// Deps is everything the interface needs, injected by main.
type Deps struct {
	Store patients.Store
	// Addresses autocompletes addresses; nil when no index was imported.
	Addresses Geocoder
	// Unlock checks the passphrase typed on the lock screen.
	Unlock func(passphrase []byte) error
	// Now is the clock (tests pass a fixed one).
	Now func() time.Time
	// IdleLock locks the screen after this long without a key; 0 means 5
	// minutes, negative never.
	IdleLock time.Duration
	// ReadOnly says the database opened read-only (a full disk): the
	// header says so, and every save fails with a French message.
	ReadOnly bool
	// IdleCheck is how often idleness is checked; 0 means a quarter of
	// IdleLock, at most 15 s (tests shorten it).
	IdleCheck time.Duration
	// DMP prepares and writes DMP summaries; nil hides the action.
	DMP DMPService
	// DMPFolder is the folder proposed for DMP exports, and for the
	// « preuve de soins » written from a patient file.
	DMPFolder string
	// Proof writes a patient's « preuve de soins »; nil hides the action.
	Proof ProofService
	// Replacement prepares a replacement's pack and return; nil hides the
	// screen's actions.
	Replacement ReplacementService
	// ReplacementFolder is the folder proposed for replacement files.
	ReplacementFolder string
	// Sync synchronises the cabinet's laptops through a folder; nil hides
	// the screen's actions.
	Sync cabinetsync.Service
	// Cabinet creates or joins the cabinet from the Synchro screen when
	// this laptop has no cabinet key yet; nil hides the forms.
	Cabinet cabinetsync.KeyStore
	// Data imports the offline addresses and roads from the « Données »
	// screen; nil hides its actions.
	Data DataService
	// DataFolder is where the path of a file to import starts.
	DataFolder string
	// SyncFolder is the folder proposed for a sync (the last one used);
	// empty leaves the field to fill.
	SyncFolder string
	// Plan tunes the planner (tests fix an iteration budget for
	// reproducible rounds); the zero value is the default.
	Plan planner.Options
	// Log receives errors with ids only, never patient data; nil discards.
	Log *log.Logger
	// Version is the release shown on the help screen (« dev » from source).
	Version string
}

// DefaultIdleLock is how long the screen stays open without a key.
const DefaultIdleLock = 5 * time.Minute

// App is the root model. It is updated in place, through a pointer: its
// screens hold text fields and tables whose styles make it some 200 KB, and
// as a value each key press copied it a dozen times (5 MB a key on the
// round). The commands it returns never read it: they capture what they
// need when they are made.
type App struct {
	deps   Deps
	styles *styles
	keys   globalKeys
	help   help.Model
	width  int
	height int

	active   screenID
	round    roundScreen
	patients patientsScreen
	trans    transmissionsScreen
	repl     replacementScreen
	sync     syncScreen
	data     dataScreen

	session   sessionMsg
	locked    bool
	lock      lockScreen
	lastInput time.Time

	status    string
	statusErr bool
	quitting  bool
}

// New builds the interface; nothing is read until the program starts.
func New(d Deps) *App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.IdleLock == 0 {
		d.IdleLock = DefaultIdleLock
	}
	if d.Log == nil {
		d.Log = log.New(discard{}, "", 0)
	}
	invalidate := func() {}
	if d.Store != nil {
		shared := newSharedStore(d.Store)
		d.Store, invalidate = shared, shared.invalidate
	}
	st := newStyles(true)
	a := App{
		deps:      d,
		styles:    st,
		keys:      newGlobalKeys(),
		help:      help.New(),
		width:     80,
		height:    24,
		lastInput: d.Now(),
	}
	a.round = newRoundScreen(d, st)
	a.patients = newPatientsScreen(d, st)
	a.trans = newTransmissionsScreen(d, st)
	a.repl = newReplacementScreen(d, st)
	a.sync = newSyncScreen(d, st, invalidate)
	a.data = newDataScreen(d, st)
	a.lock = newLockScreen(d, st)
	a.help.Styles = help.DefaultStyles(true)
	a.layout()
	return &a
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Init loads the session and every screen's data, and starts the idle clock.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, loadSession(a.deps.Store), a.idleTick()}
	for id := range screenCount {
		cmds = append(cmds, a.screenAt(id).Init())
	}
	return tea.Batch(cmds...)
}

func loadSession(store patients.Store) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		c, err := store.Cabinet(ctx)
		if err != nil {
			return errMsg{"load cabinet", err, noOrigin}
		}
		ns, err := store.Nurses(ctx)
		if err != nil {
			return errMsg{"load nurses", err, noOrigin}
		}
		return sessionMsg{cabinet: c, nurses: ns}
	}
}

func (a *App) idleTick() tea.Cmd {
	if a.deps.IdleLock < 0 {
		return nil
	}
	every := min(a.deps.IdleLock/4, 15*time.Second)
	if a.deps.IdleCheck > 0 {
		every = a.deps.IdleCheck
	}
	now := a.deps.Now
	return tea.Tick(every, func(time.Time) tea.Msg { return idleTickMsg{at: now()} })
}

// Update routes messages: global ones first, then the active screen, and
// data-changed messages to every screen that shows that data.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case tea.BackgroundColorMsg:
		a.setStyles(newStyles(msg.IsDark()))
		return a, nil
	case idleTickMsg:
		if !a.locked && a.deps.IdleLock > 0 && msg.at.Sub(a.lastInput) >= a.deps.IdleLock {
			return a.lockNow()
		}
		return a, a.idleTick()
	case unlockedMsg:
		var cmd tea.Cmd
		a.lock, cmd = a.lock.Update(msg)
		if msg.err == nil {
			a.locked = false
			a.lastInput = a.deps.Now()
		}
		return a, cmd
	case errMsg:
		a.deps.Log.Printf("%s: %v", msg.op, msg.err)
		a.status, a.statusErr = userMessage(msg.err), true
		if msg.from != noOrigin {
			// Only the screen whose command failed leaves its busy state.
			cmd := a.screenAt(screenID(msg.from - 1)).Update(msg)
			return a, cmd
		}
		return a.broadcast(msg)
	case statusMsg:
		a.status, a.statusErr = msg.text, false
		return a, nil
	case sessionMsg:
		a.session = msg
		return a.broadcast(msg)
	case patientsChangedMsg, transmissionsChangedMsg, visitsChangedMsg:
		return a.broadcast(msg)
	case sessionChangedMsg:
		return a, loadSession(a.deps.Store)
	case roadsImportedMsg:
		// The rounds drive on the new roads from now on: re-timed, and
		// re-planned where they are not ordered yet.
		a.deps.Plan.Travel = msg.travel
		a.round.deps.Plan.Travel = msg.travel
		return a.broadcast(patientsChangedMsg{})
	case openPatientMsg:
		a.active = patientsTab
		var cmd tea.Cmd
		a.patients, cmd = a.patients.Update(msg)
		return a, cmd
	case newTransmissionMsg:
		a.active = transmissionsTab
		var cmd tea.Cmd
		a.trans, cmd = a.trans.Update(msg)
		return a, cmd
	case tea.KeyPressMsg:
		a.lastInput = a.deps.Now()
		if a.locked {
			if msg.String() == "ctrl+c" {
				// Leaving shows nothing: the lock only guards the screen.
				a.quitting = true
				return a, tea.Quit
			}
			var cmd tea.Cmd
			a.lock, cmd = a.lock.Update(msg)
			return a, cmd
		}
		if a.help.ShowAll && !key.Matches(msg, a.keys.Quit) {
			// Any key closes the full help; it never acts behind it.
			a.help.ShowAll = false
			a.layout()
			return a, nil
		}
		a.status, a.statusErr = "", false
		if !a.capturing() {
			switch {
			case key.Matches(msg, a.keys.Quit):
				a.quitting = true
				return a, tea.Quit
			case key.Matches(msg, a.keys.Help):
				a.help.ShowAll = true
				a.layout()
				return a, nil
			case key.Matches(msg, a.keys.Lock):
				return a.lockNow()
			case key.Matches(msg, a.keys.NextScreen):
				return a.show((a.active + 1) % screenCount)
			case key.Matches(msg, a.keys.PrevScreen):
				return a.show((a.active + screenCount - 1) % screenCount)
			}
			for id, sc := range screenTable {
				if key.Matches(msg, sc.key(a.keys)) {
					return a.show(screenID(id))
				}
			}
		} else if msg.String() == "ctrl+c" {
			a.quitting = true
			return a, tea.Quit
		}
	case tea.PasteMsg:
		a.lastInput = a.deps.Now()
		if a.locked {
			var cmd tea.Cmd
			a.lock, cmd = a.lock.Update(msg)
			return a, cmd
		}
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.KeyReleaseMsg, tea.PasteMsg, tea.MouseMsg:
		if a.locked {
			return a, nil
		}
		// Input goes to the screen in front only.
		return a.updateActive(msg)
	}
	// Everything else is an answer to some screen's command (a load, a
	// save, a spinner tick): it must reach that screen even when another is
	// in front, and data keeps loading behind the lock. Screens ignore what
	// is not theirs.
	return a.broadcast(msg)
}

func (a *App) lockNow() (tea.Model, tea.Cmd) {
	a.locked = true
	a.help.ShowAll = false
	a.lock = a.lock.reset()
	return a, tea.Batch(a.lock.Focus(), a.idleTick())
}

func (a *App) show(id screenID) (tea.Model, tea.Cmd) {
	a.active = id
	a.layout()
	return a, nil
}

// capturing reports whether the active screen has a text field focused, so
// letters are typed rather than taken as shortcuts.
func (a *App) capturing() bool { return a.screenAt(a.active).Capturing() }

func (a *App) updateActive(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.screenAt(a.active).Update(msg)
	return a, cmd
}

// broadcast gives a message to every screen.
func (a *App) broadcast(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmds := make([]tea.Cmd, screenCount)
	for id := range screenCount {
		cmds[id] = a.screenAt(id).Update(msg)
	}
	return a, tea.Batch(cmds...)
}

// screenAt is the screen id of this App, a pointer into it.
func (a *App) screenAt(id screenID) boundScreen { return screenTable[id].of(a) }

func (a *App) setStyles(st *styles) {
	a.styles = st
	for id := range screenCount {
		a.screenAt(id).SetStyles(st)
	}
	a.lock.SetStyles(st)
}

// layout gives each screen the room left by the header, status and help.
func (a *App) layout() {
	a.help.SetWidth(a.width)
	h := a.height - lipgloss.Height(a.header()) - 1 - lipgloss.Height(a.helpView())
	h = max(h, 3)
	for id := range screenCount {
		a.screenAt(id).SetSize(a.width, h)
	}
	a.lock.SetSize(a.width, a.height)
}

func (a *App) header() string {
	st := a.styles
	left := st.Title.Render("tournée")
	if a.session.cabinet.Name != "" {
		left += st.Header.Render("· " + a.session.cabinet.Name)
	}
	if a.deps.ReadOnly {
		// The disk is full: everything reads, nothing can be saved.
		left += " " + st.Alert.Render("⚠ lecture seule : disque plein")
	}
	tabs := a.tabs(false)
	if lipgloss.Width(tabs) > a.width {
		tabs = ansi.Truncate(a.tabs(true), a.width, "")
	}
	// The date when it fits beside the tabs, else the time alone.
	now := a.deps.Now()
	clock := french.Clock(patients.TimeOfDayOf(now))
	line2 := tabs
	for _, r := range []string{french.Date(patients.DateOf(now)) + " " + clock, clock} {
		right := st.Muted.Render(r)
		if gap := a.width - lipgloss.Width(tabs) - lipgloss.Width(right); gap >= 1 {
			line2 = tabs + spaces(gap) + right
			break
		}
	}
	line1 := st.Header.Width(a.width).Render(left)
	return lipgloss.JoinVertical(lipgloss.Left, line1, line2)
}

// tabs is the tab bar; compact keeps only the digits of the screens not
// in front, for narrow terminals.
func (a *App) tabs(compact bool) string {
	st := a.styles
	tabs := ""
	for i, sc := range screenTable {
		if sc.setup && screenID(i) != a.active {
			continue
		}
		label := string(rune('1'+i)) + " " + sc.name
		switch {
		case screenID(i) == a.active:
			tabs += st.ActiveTab.Render(label)
		case compact:
			tabs += st.Tab.Render(string(rune('1' + i)))
		default:
			tabs += st.Tab.Render(label)
		}
	}
	return tabs
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

type helpKeys struct{ screen, global help.KeyMap }

func (h helpKeys) ShortHelp() []key.Binding {
	return append(h.screen.ShortHelp(), h.global.ShortHelp()...)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	return append(h.screen.FullHelp(), h.global.FullHelp()...)
}

func (a *App) activeKeys() help.KeyMap { return a.screenAt(a.active).Keys() }

func (a *App) helpView() string {
	if a.help.ShowAll {
		return a.styles.HelpBar.Render(a.styles.Muted.Render("Une touche pour fermer l'aide."))
	}
	keys := helpKeys{a.activeKeys(), a.keys}.ShortHelp()
	if a.capturing() {
		// While she types, tab, ? and q are letters of the field: only
		// the field's own keys are offered.
		keys = a.activeKeys().ShortHelp()
	}
	v := a.styles.HelpBar.Render(a.help.ShortHelpView(keys))
	// help drops the items that do not fit, except when not even its
	// ellipsis fits: then it keeps them all, so cut the line here.
	return ansi.Truncate(v, a.width, "…")
}

func (a *App) statusLine() string {
	if a.status == "" {
		return ""
	}
	st := a.styles.Status
	if a.statusErr {
		st = a.styles.StatusError
	}
	return st.MaxWidth(a.width).Render(a.status)
}

// View draws the header, the active screen, the status line and the help.
func (a *App) View() tea.View {
	var body string
	switch {
	case a.locked:
		body = a.lock.View()
	default:
		var screen string
		switch {
		case a.help.ShowAll:
			screen = a.helpPage()
		default:
			screen = a.activeView()
		}
		h := a.height - lipgloss.Height(a.header()) - 1 - lipgloss.Height(a.helpView())
		screen = lipgloss.NewStyle().Height(max(h, 0)).MaxHeight(max(h, 0)).Render(screen)
		body = lipgloss.JoinVertical(lipgloss.Left, a.header(), screen, a.statusLine(), a.helpView())
	}
	v := tea.NewView(body)
	v.AltScreen = true
	v.WindowTitle = "tournée"
	return v
}

func (a *App) activeView() string { return a.screenAt(a.active).View() }

// helpPage lists every key of the screen and the global ones, as bubbles
// help columns flowed into as many rows as the width needs.
func (a *App) helpPage() string {
	st := a.styles
	groups := append(a.activeKeys().FullHelp(), a.keys.FullHelp()...)
	var rows []string
	var row []string
	rowW := 0
	for _, g := range groups {
		col := a.help.FullHelpView([][]key.Binding{g})
		w := lipgloss.Width(col) + 4
		if rowW+w > a.width-2 && len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...), "")
			row, rowW = nil, 0
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(4).Render(col))
		rowW += w
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	title := st.Section.Render("Aide — " + screenTable[a.active].name)
	if a.deps.Version != "" {
		title += st.Muted.Render("   tournée " + a.deps.Version)
	}
	// No top padding: at 80×24 the round's keys and the global ones fill the page.
	return lipgloss.NewStyle().Padding(0, 1, 0, 1).Render(lipgloss.JoinVertical(lipgloss.Left, title, "", lipgloss.JoinVertical(lipgloss.Left, rows...)))
}
