package tui

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/cabinetsync"
	"tournee/errtext"
	"tournee/patients"
)

// syncFocus is where the keys go on the sync screen. The folder line and the
// conflicts share one cursor; only syncEditing takes letters and digits.
type syncFocus int

const (
	syncOnFolder    syncFocus = iota // the folder line: entrée synchronises
	syncEditing                      // typing the folder
	syncOnConflicts                  // the conflict list: entrée keeps, r restores
)

// syncState is what the last sync of this session did.
type syncState int

const (
	syncIdle    syncState = iota // none yet
	syncRunning                  // under way: the progress bar
	syncDone                     // the report
	syncFailed                   // the call ended with an error
)

// syncProgressBuffer is how many progress reports wait for the screen; more
// are dropped, so the sync never waits for a redraw.
const syncProgressBuffer = 8

type (
	// syncProgressMsg is a progress report of run; it carries the channels
	// so the screen can wait for the next one.
	syncProgressMsg struct {
		run     int
		p       cabinetsync.Progress
		updates <-chan cabinetsync.Progress
		done    <-chan struct{}
	}
	// syncDoneMsg ends run.
	syncDoneMsg struct {
		run    int
		dir    string
		report cabinetsync.Report
		err    error
	}
	syncConflictsMsg struct {
		seq  int
		list []cabinetsync.Conflict
		err  error
	}
	syncResolvedMsg struct {
		id      xid.ID
		entity  string
		restore bool
		err     error
	}
)

type syncKeys struct {
	Start, Sync, Edit, Leave, Up, Down, Keep, Restore, Repair key.Binding
}

func newSyncKeys() syncKeys {
	return syncKeys{
		Start:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "synchroniser")),
		Sync:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "synchroniser")),
		Edit:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "changer de dossier")),
		Leave:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "quitter le champ")),
		Up:      upKey(),
		Down:    downKey(),
		Keep:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "garder")),
		Restore: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rétablir l'autre valeur")),
		Repair:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "réparer le dossier de ce poste")),
	}
}

// syncScreen is « Synchroniser »: this laptop and the cabinet's others meet
// in a folder (a USB stick, a shared folder); then the concurrent edits the
// merge settled wait here for a nurse to confirm them.
type syncScreen struct {
	svc cabinetsync.Service
	// cabinet creates or joins the cabinet; nil hides the forms.
	cabinet     cabinetsync.KeyStore
	store       patients.Store
	keyState    keyState
	setup       cabinetSetup
	note        string // what the last create or join did, in French
	notePath    string // the key file written, on a line of its own
	cabinetName string
	keyDir      string // where the key file is proposed
	// invalidate drops the app's shared patient list: a sync writes under
	// it, not through it.
	invalidate func()
	log        *log.Logger
	now        func() time.Time
	styles     *styles
	keys       syncKeys
	w, h       int

	folder textinput.Model
	focus  syncFocus

	state   syncState
	run     int
	current cabinetsync.Progress
	bar     progress.Model // drawn with ViewAs: no animation, no frame ticks
	dir     string         // folder of the last sync that ended
	at      time.Time
	report  cabinetsync.Report
	problem string // why the last sync ended early, in French
	ask     string // why it could not start (no folder), in French

	conflicts   []cabinetsync.Conflict
	confSeq     int
	confLoaded  bool
	confProblem string
	cursor      int
	resolving   bool
	nurses      map[xid.ID]string
}

func newSyncScreen(d Deps, st *styles, invalidate func()) syncScreen {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "ex. E:\\ ou /media/cle-usb"
	in.SetValue(d.SyncFolder)
	quietCursor(&in)
	if invalidate == nil {
		invalidate = func() {}
	}
	if d.Log == nil {
		d.Log = log.New(discard{}, "", 0)
	}
	s := syncScreen{
		svc:        d.Sync,
		cabinet:    d.Cabinet,
		store:      d.Store,
		keyDir:     d.ReplacementFolder,
		setup:      cabinetSetup{keys: newSetupKeys()},
		invalidate: invalidate,
		log:        d.Log,
		now:        d.Now,
		keys:       newSyncKeys(),
		folder:     in,
	}
	s.SetStyles(st)
	return s
}

// Init loads the conflicts left by earlier syncs.
func (s syncScreen) Init() tea.Cmd {
	if s.svc == nil {
		return nil
	}
	if s.cabinet != nil {
		return tea.Batch(loadConflicts(s.svc, s.confSeq, s.log), loadKeyState(s.cabinet))
	}
	return loadConflicts(s.svc, s.confSeq, s.log)
}

// Capturing is true while the folder or a cabinet form is typed.
func (s syncScreen) Capturing() bool { return s.focus == syncEditing || s.setup.mode != setupNone }

func loadConflicts(svc cabinetsync.Service, seq int, logger *log.Logger) tea.Cmd {
	return func() tea.Msg {
		list, err := svc.Conflicts(context.Background())
		if err != nil {
			// Shown in the screen, not the status bar: at start the
			// nurse has not asked for it.
			logger.Printf("load sync conflicts: %v", err)
		}
		return syncConflictsMsg{seq: seq, list: list, err: err}
	}
}

func (s syncScreen) reloadConflicts() (syncScreen, tea.Cmd) {
	s.confSeq++
	return s, loadConflicts(s.svc, s.confSeq, s.log)
}

// Update handles the answers of the screen's commands and, when the screen
// is in front, the keys.
func (s syncScreen) Update(msg tea.Msg) (syncScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionMsg:
		s.cabinetName = msg.cabinet.Name
		s.nurses = make(map[xid.ID]string, len(msg.nurses))
		for _, n := range msg.nurses {
			s.nurses[n.ID] = n.FullName()
		}
		return s, nil
	case syncProgressMsg:
		if msg.run != s.run || s.state != syncRunning {
			return s, nil // a run that ended, or an earlier one
		}
		s.current = msg.p
		return s, waitForProgress(msg.run, msg.updates, msg.done)
	case syncDoneMsg:
		return s.finished(msg)
	case syncKeyMsg:
		switch {
		case msg.err != nil:
			s.log.Printf("read cabinet key: %v", msg.err) // a sync says it again
		case msg.has:
			s.keyState = keyPresent
		default:
			s.keyState = keyMissing
		}
		return s, nil
	case cabinetSetupMsg:
		return s.setupDone(msg)
	case syncConflictsMsg:
		if msg.seq != s.confSeq {
			return s, nil
		}
		s.confLoaded, s.confProblem = true, ""
		if msg.err != nil {
			s.confProblem = userMessage(msg.err)
		}
		s.conflicts = msg.list
		s.clampCursor()
		return s, nil
	case syncResolvedMsg:
		s.resolving = false
		s, load := s.reloadConflicts()
		if msg.err != nil {
			return s, tea.Batch(load, send(errMsg{"resolve conflict " + msg.id.String(), msg.err, originOf(syncTab)}))
		}
		if !msg.restore {
			return s, tea.Batch(load, statusCmd("Valeur gardée."))
		}
		cmds := []tea.Cmd{load, statusCmd("Autre valeur rétablie : elle partira avec la prochaine synchronisation.")}
		return s, tea.Batch(append(cmds, restoredCmds(msg.entity)...)...)
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	case tea.PasteMsg:
		if s.setup.mode != setupNone {
			return s.updateSetup(msg)
		}
		if s.focus == syncEditing {
			var cmd tea.Cmd
			s.folder, cmd = s.folder.Update(msg)
			return s, cmd
		}
	}
	return s, nil
}

func (s syncScreen) updateKey(msg tea.KeyPressMsg) (syncScreen, tea.Cmd) {
	if s.svc == nil || s.state == syncRunning {
		return s, nil
	}
	if s.setup.mode != setupNone {
		return s.updateSetup(msg)
	}
	k := s.keys
	if s.keyState == keyMissing && s.focus != syncEditing {
		switch {
		case key.Matches(msg, s.setup.keys.Create):
			return s.openSetup(setupCreate)
		case key.Matches(msg, s.setup.keys.Join):
			return s.openSetup(setupJoin)
		}
		return s, nil
	}
	if s.keyState == keyPresent && s.focus != syncEditing && !s.resolving && key.Matches(msg, s.setup.keys.Export) {
		return s.openSetup(setupExport)
	}
	if s.focus == syncEditing {
		switch {
		case key.Matches(msg, k.Start):
			return s.start()
		case key.Matches(msg, k.Leave):
			s.focus, s.ask = syncOnFolder, ""
			s.folder.Blur()
			return s, nil
		}
		var cmd tea.Cmd
		s.folder, cmd = s.folder.Update(msg)
		return s, cmd
	}
	// With no folder yet, what she types is the folder: its first
	// character starts the editing instead of being lost (or taken for a
	// shortcut).
	if s.focus == syncOnFolder && strings.TrimSpace(s.folder.Value()) == "" && msg.Text != "" && !key.Matches(msg, k.Edit) {
		s, focus := s.edit()
		var typed tea.Cmd
		s.folder, typed = s.folder.Update(msg)
		return s, tea.Batch(focus, typed)
	}
	switch {
	case key.Matches(msg, k.Sync):
		return s.start()
	case key.Matches(msg, k.Repair):
		return s.startWith(true)
	case key.Matches(msg, k.Edit):
		return s.edit()
	case key.Matches(msg, k.Up):
		if s.focus == syncOnConflicts {
			if s.cursor == 0 {
				s.focus = syncOnFolder
			} else {
				s.cursor--
			}
		}
		return s, nil
	case key.Matches(msg, k.Down):
		switch {
		case s.focus == syncOnFolder && len(s.conflicts) > 0:
			s.focus, s.cursor = syncOnConflicts, 0
		case s.focus == syncOnConflicts:
			s.cursor = min(s.cursor+1, len(s.conflicts)-1)
		}
		return s, nil
	}
	if s.focus == syncOnFolder {
		if key.Matches(msg, k.Start) {
			return s.start()
		}
		return s, nil
	}
	if s.resolving || s.cursor >= len(s.conflicts) {
		return s, nil
	}
	switch {
	case key.Matches(msg, k.Keep):
		return s.resolve(false)
	case key.Matches(msg, k.Restore):
		return s.resolve(true)
	}
	return s, nil
}

func (s syncScreen) edit() (syncScreen, tea.Cmd) {
	s.focus = syncEditing
	s.folder.CursorEnd()
	return s, s.folder.Focus()
}

// start runs the sync in a command; its progress comes back through a
// channel that waitForProgress reads, one message at a time.
func (s syncScreen) start() (syncScreen, tea.Cmd) { return s.startWith(false) }

// startWith starts a sync, or with repair a repair of this laptop's folder
// followed by a sync (« tournee sync repair »).
func (s syncScreen) startWith(repair bool) (syncScreen, tea.Cmd) {
	if s.resolving {
		return s, nil
	}
	dir := strings.TrimSpace(s.folder.Value())
	if dir == "" {
		s.ask = "Indiquez d'abord le dossier où les postes du cabinet se retrouvent : la clé USB ou le dossier partagé."
		return s.edit()
	}
	s.ask = ""
	s.folder.Blur()
	if s.focus == syncEditing {
		s.focus = syncOnFolder
	}
	s.run++
	s.state, s.problem, s.current = syncRunning, "", cabinetsync.Progress{}
	svc, run, invalidate, logger := s.svc, s.run, s.invalidate, s.log
	updates := make(chan cabinetsync.Progress, syncProgressBuffer)
	done := make(chan struct{})
	report := func(p cabinetsync.Progress) {
		select {
		case updates <- p:
		default: // the screen is behind: this one is dropped, a later one will do
		}
	}
	sync := func() tea.Msg {
		defer close(done)
		call := svc.Sync
		if repair {
			call = svc.Repair
		}
		rep, err := call(context.Background(), dir, report)
		if err != nil {
			err = withFolderError(err, dir)
		}
		// What came in was written under the shared list.
		invalidate()
		for _, r := range rep.Refused {
			logger.Printf("sync: bundle %s of replica %s refused: %v", filepath.Base(r.File), r.Replica, r.Err)
		}
		return syncDoneMsg{run: run, dir: dir, report: rep, err: err}
	}
	return s, tea.Batch(sync, waitForProgress(run, updates, done))
}

// waitForProgress waits for the next progress report of run, and ends
// quietly when the sync is over.
func waitForProgress(run int, updates <-chan cabinetsync.Progress, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-updates:
			return syncProgressMsg{run: run, p: p, updates: updates, done: done}
		case <-done:
			return nil
		}
	}
}

// finished shows the report or the failure of a run, reloads the conflicts
// and tells the other screens what changed.
func (s syncScreen) finished(msg syncDoneMsg) (syncScreen, tea.Cmd) {
	if msg.run != s.run || s.state != syncRunning {
		return s, nil
	}
	s, load := s.reloadConflicts()
	cmds := append([]tea.Cmd{load}, syncedCmds(msg.report)...)
	s.dir, s.at = msg.dir, s.now()
	if msg.err != nil {
		err := frenchSyncError(msg.err)
		s.state, s.problem = syncFailed, userMessage(err)
		// Also through the root, so the failure is logged.
		return s, tea.Batch(append(cmds, send(errMsg{"sync", err, originOf(syncTab)}))...)
	}
	s.state, s.report = syncDone, msg.report
	return s, tea.Batch(append(cmds, statusCmd("Synchronisation terminée."))...)
}

// syncedCmds tell the screens what a sync brought in: a zero id reloads
// every patient (and the round with them), the open history, the session.
func syncedCmds(r cabinetsync.Report) []tea.Cmd {
	var cmds []tea.Cmd
	if r.Patients+r.CarePlans+r.Visits+r.Transmissions+r.Nurses+r.Cabinet > 0 {
		cmds = append(cmds, send(patientsChangedMsg{}))
	}
	if r.Transmissions > 0 {
		cmds = append(cmds, send(transmissionsChangedMsg{}))
	}
	if r.Nurses+r.Cabinet > 0 {
		cmds = append(cmds, send(sessionChangedMsg{}))
	}
	return cmds
}

// restoredCmds tell the screens a restored value changed a record of entity.
func restoredCmds(entity string) []tea.Cmd {
	cmds := []tea.Cmd{send(patientsChangedMsg{})}
	if entity == "nurse" || entity == "cabinet" {
		cmds = append(cmds, send(sessionChangedMsg{}))
	}
	return cmds
}

// resolve confirms the selected conflict, or restores its other value.
func (s syncScreen) resolve(restore bool) (syncScreen, tea.Cmd) {
	c := s.conflicts[s.cursor]
	s.resolving = true
	svc, invalidate, id, entity := s.svc, s.invalidate, c.ID, c.Entity
	return s, func() tea.Msg {
		err := svc.ResolveConflict(context.Background(), id, restore)
		if err == nil && restore {
			invalidate()
		}
		return syncResolvedMsg{id: id, entity: entity, restore: restore, err: err}
	}
}

func (s *syncScreen) clampCursor() {
	s.cursor = max(0, min(s.cursor, len(s.conflicts)-1))
	if len(s.conflicts) == 0 && s.focus == syncOnConflicts {
		s.focus = syncOnFolder
	}
}

// withFolderError adds to a failed sync what is wrong with its folder, if
// anything: storage says « no folder » with a sentinel of its own, which
// tui does not import, and the os error is what userMessage words.
func withFolderError(err error, dir string) error {
	fi, serr := os.Stat(dir)
	switch {
	case serr != nil:
		return fmt.Errorf("%w (%w)", err, serr)
	case !fi.IsDir():
		return fmt.Errorf("%w (%s: %w)", err, dir, syscall.ENOTDIR)
	}
	return err
}

// syncError gives a failure the French userMessage has no words for.
type syncError struct{ err error }

func (e syncError) Error() string { return e.err.Error() }
func (e syncError) Unwrap() error { return e.err }
func (e syncError) French() string {
	return "La synchronisation n'a pas abouti : votre base n'a pas été modifiée ; recommencez, ou essayez un autre dossier."
}

func frenchSyncError(err error) error {
	if userMessage(err) != fallbackMessage {
		return err
	}
	return syncError{err}
}

// refusalText says in French why a bundle was set aside.
func refusalText(err error) string {
	if t := errtext.Refusal(err); t != "" {
		return t
	}
	return "paquet illisible : ignoré ; la prochaine synchronisation le relira"
}

// SetSize gives the screen its room.
func (s *syncScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.folder.SetWidth(max(w-len(syncFolderLabel)-4, 10))
	for i := range s.setup.inputs {
		s.setup.inputs[i].SetWidth(s.setupFieldWidth())
	}
	s.bar.SetWidth(syncBarWidth(w))
}

func syncBarWidth(w int) int { return max(min(w-16, 60), 10) }

// SetStyles restyles the screen after a background change.
func (s *syncScreen) SetStyles(st *styles) {
	s.styles = st
	s.bar = progress.New(progress.WithoutPercentage(), progress.WithColors(st.AccentColor),
		progress.WithFillCharacters('█', '░'), progress.WithWidth(syncBarWidth(s.w)))
	s.bar.EmptyColor = st.MutedColor
}

// syncHelp shows the keys of where the focus is; the full help lists them all.
type syncHelp struct {
	k       syncKeys
	focus   syncFocus
	active  bool // a service, and no sync under way
	entries int  // conflicts
	setup   setupMode
	noKey   bool // no cabinet key: create or join
	hasKey  bool // a key to write for another laptop
	sk      setupKeys
}

// Keys is the help for what the screen allows now.
func (s syncScreen) Keys() help.KeyMap {
	return syncHelp{k: s.keys, focus: s.focus, active: s.svc != nil && s.state != syncRunning, entries: len(s.conflicts),
		setup: s.setup.mode, noKey: s.keyState == keyMissing, hasKey: s.keyState == keyPresent, sk: s.setup.keys}
}

func (h syncHelp) ShortHelp() []key.Binding {
	k := h.k
	switch {
	case !h.active:
		return nil
	case h.setup != setupNone:
		return []key.Binding{h.sk.Submit, h.sk.Next, h.sk.Cancel}
	case h.noKey:
		return []key.Binding{h.sk.Create, h.sk.Join}
	case h.focus == syncEditing:
		return []key.Binding{k.Start, k.Leave}
	case h.focus == syncOnConflicts:
		return []key.Binding{k.Keep, k.Restore, k.Up, k.Down, k.Sync}
	case h.entries > 0:
		return []key.Binding{k.Start, k.Edit, k.Down}
	}
	return []key.Binding{k.Start, k.Edit}
}

func (h syncHelp) FullHelp() [][]key.Binding {
	k := h.k
	switch {
	case h.active && h.setup != setupNone:
		return [][]key.Binding{{h.sk.Submit, h.sk.Next, h.sk.Prev, h.sk.Cancel}}
	case !h.active || h.focus == syncEditing || h.noKey:
		return [][]key.Binding{h.ShortHelp()}
	}
	start := k.Start
	start.SetHelp("entrée", "synchroniser (sur le dossier)")
	keep := k.Keep
	keep.SetHelp("entrée", "garder la valeur (sur un conflit)")
	first := []key.Binding{start, k.Sync, k.Edit, k.Repair}
	if h.hasKey {
		first = append(first, h.sk.Export)
	}
	return [][]key.Binding{first, {k.Up, k.Down, keep, k.Restore}}
}
