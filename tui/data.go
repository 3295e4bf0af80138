package tui

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"tournee/geo"
	"tournee/planner"
	"tournee/roads"
)

// DataService imports the offline reference data from the « Données »
// screen, with the functions « tournee geo import » and « tournee routes
// import » use. progress may be nil; it is called from the importing
// goroutine. On any error, cancellation included, the data already
// imported stays in force.
type DataService interface {
	// ImportAddresses replaces the address index with a BAN file.
	ImportAddresses(ctx context.Context, path string, progress func(DataProgress)) (AddressesImported, error)
	// ImportRoads replaces the roads with an OpenStreetMap extract, kept
	// to the cabinet's area.
	ImportRoads(ctx context.Context, path string, progress func(DataProgress)) (RoadsImported, error)
}

// DataProgress is how far an import is: Fraction of the work (0 to 1) and,
// for addresses, the rows read.
type DataProgress struct {
	Fraction float64
	Rows     int
}

// AddressesImported is what a BAN import did.
type AddressesImported struct {
	Rows, Streets, Skipped int
	// Lines are the first malformed lines, in French (« ligne 12 : … »).
	Lines []string
}

// RoadsImported is what an OpenStreetMap import did; Travel is the
// planner's model on the new roads, for the rounds from now on.
type RoadsImported struct {
	Nodes, Edges int
	Travel       planner.TravelModel
}

// ErrNoArea is a base with nothing placed on the map: the area whose roads
// to keep cannot be chosen. The service returns it (wrapped or not).
var ErrNoArea = errors.New("no patient nor start placed on the map")

// errIsFolder is a folder given where a file is expected.
var errIsFolder = errors.New("a folder, not a file")

// dataKind is what is being imported.
type dataKind int

const (
	dataAddresses dataKind = iota
	dataRoads
)

// dataState is where the screen is.
type dataState int

const (
	dataIdle     dataState = iota
	dataChoosing           // typing the file's path
	dataRunning            // the import under way
)

type (
	dataProgressMsg struct {
		run     int
		p       DataProgress
		updates <-chan DataProgress
		done    <-chan struct{}
	}
	dataDoneMsg struct {
		run   int
		kind  dataKind
		path  string
		addr  AddressesImported
		roads RoadsImported
		err   error
	}
	// dataListedMsg are the entries of the folder typed, for completion.
	dataListedMsg struct {
		typed string
		names []string
	}
	// roadsImportedMsg tells the app that the rounds drive on new roads.
	roadsImportedMsg struct{ travel planner.TravelModel }
)

type dataKeys struct {
	Addresses, Roads, Start, Complete, Cancel key.Binding
}

func newDataKeys() dataKeys {
	return dataKeys{
		Addresses: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "importer des adresses")),
		Roads:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "importer des routes")),
		Start:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "importer")),
		Complete:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "compléter le chemin")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "annuler")),
	}
}

// dataScreen is « Données »: the offline addresses (Base Adresse Nationale)
// and roads (OpenStreetMap) imported from a file, with a progress bar.
type dataScreen struct {
	svc    DataService
	styles *styles
	keys   dataKeys
	w, h   int
	home   string // where the path field starts

	state dataState
	kind  dataKind
	path  textinput.Model

	run     int
	cancel  context.CancelFunc
	current DataProgress
	bar     progress.Model

	done     bool // a report to show
	doneKind dataKind
	donePath string
	addr     AddressesImported
	roads    RoadsImported
	problem  string // why the last import failed, in French
}

func newDataScreen(d Deps, st *styles) dataScreen {
	in := textinput.New()
	in.Prompt = ""
	in.ShowSuggestions = true
	quietCursor(&in)
	s := dataScreen{svc: d.Data, keys: newDataKeys(), path: in, home: d.DataFolder}
	s.SetStyles(st)
	return s
}

// Capturing is true while the path is typed.
func (s dataScreen) Capturing() bool { return s.state == dataChoosing }

// Update handles the import's messages and, in front, the keys.
func (s dataScreen) Update(msg tea.Msg) (dataScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case dataProgressMsg:
		if msg.run != s.run || s.state != dataRunning {
			return s, nil
		}
		s.current = msg.p
		return s, waitForData(msg.run, msg.updates, msg.done)
	case dataDoneMsg:
		return s.finished(msg)
	case dataListedMsg:
		if s.state == dataChoosing && msg.typed == s.path.Value() {
			s.path.SetSuggestions(msg.names)
		}
		return s, nil
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	case tea.PasteMsg:
		if s.state == dataChoosing {
			return s.typed(msg)
		}
	}
	return s, nil
}

func (s dataScreen) updateKey(msg tea.KeyPressMsg) (dataScreen, tea.Cmd) {
	if s.svc == nil {
		return s, nil
	}
	k := s.keys
	switch s.state {
	case dataRunning:
		if key.Matches(msg, k.Cancel) && s.cancel != nil {
			s.cancel() // the import ends with context.Canceled
		}
		return s, nil
	case dataChoosing:
		switch {
		case key.Matches(msg, k.Cancel):
			s.state = dataIdle
			s.path.Blur()
			return s, nil
		case key.Matches(msg, k.Start):
			return s.start()
		}
		s.problem = ""
		return s.typed(msg)
	}
	switch {
	case key.Matches(msg, k.Addresses):
		return s.choose(dataAddresses)
	case key.Matches(msg, k.Roads):
		return s.choose(dataRoads)
	}
	return s, nil
}

// typed gives a key to the path field and lists the folder typed so far
// for completion (in a command: a USB stick can be slow).
func (s dataScreen) typed(msg tea.Msg) (dataScreen, tea.Cmd) {
	var cmd tea.Cmd
	s.path, cmd = s.path.Update(msg)
	return s, tea.Batch(cmd, listForCompletion(s.path.Value(), s.kind))
}

func (s dataScreen) choose(kind dataKind) (dataScreen, tea.Cmd) {
	s.state, s.kind, s.problem = dataChoosing, kind, ""
	if strings.TrimSpace(s.path.Value()) == "" || s.done {
		start := s.home
		if s.done {
			start = filepath.Dir(s.donePath)
		}
		if start != "" {
			start += string(filepath.Separator)
		}
		s.path.SetValue(start)
	}
	s.path.Placeholder = "ex. E:\\adresses-62.csv.gz"
	if kind == dataRoads {
		s.path.Placeholder = "ex. E:\\nord-pas-de-calais-latest.osm.pbf"
	}
	s.path.CursorEnd()
	return s, tea.Batch(s.path.Focus(), listForCompletion(s.path.Value(), kind))
}

// listForCompletion lists the entries of the folder typed that start with
// what follows its last separator: folders, and files of the kind.
func listForCompletion(typed string, kind dataKind) tea.Cmd {
	return func() tea.Msg {
		dir, prefix := filepath.Split(typed)
		if dir == "" {
			dir = "."
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return dataListedMsg{typed: typed}
		}
		var names []string
		for _, e := range entries {
			n := e.Name()
			if strings.HasPrefix(n, ".") || !strings.HasPrefix(strings.ToLower(n), strings.ToLower(prefix)) {
				continue
			}
			if isDir(dir, e) {
				names = append(names, filepath.Join(filepath.Dir(typed+"x"), n)+string(filepath.Separator))
			} else if dataFileFits(n, kind) {
				names = append(names, filepath.Join(filepath.Dir(typed+"x"), n))
			}
		}
		slices.Sort(names)
		return dataListedMsg{typed: typed, names: names}
	}
}

func isDir(dir string, e fs.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	fi, err := os.Stat(filepath.Join(dir, e.Name())) // a link to a folder
	return err == nil && fi.IsDir()
}

func dataFileFits(name string, kind dataKind) bool {
	n := strings.ToLower(name)
	if kind == dataRoads {
		return strings.HasSuffix(n, ".pbf")
	}
	return strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz")
}

// dataProgressBuffer is how many progress reports wait for the screen;
// more are dropped, so the import never waits for a redraw.
const dataProgressBuffer = 8

// start runs the import in a command; its progress comes back through a
// channel, one message at a time, and échap cancels it.
func (s dataScreen) start() (dataScreen, tea.Cmd) {
	path := strings.TrimSpace(s.path.Value())
	if path == "" {
		s.problem = "Indiquez le fichier à importer."
		return s, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.run++
	s.state, s.cancel, s.problem, s.done, s.current = dataRunning, cancel, "", false, DataProgress{}
	s.path.Blur()
	svc, run, kind := s.svc, s.run, s.kind
	updates := make(chan DataProgress, dataProgressBuffer)
	done := make(chan struct{})
	report := func(p DataProgress) {
		select {
		case updates <- p:
		default: // the screen is behind: a later report will do
		}
	}
	work := func() tea.Msg {
		defer close(done)
		defer cancel()
		msg := dataDoneMsg{run: run, kind: kind, path: path}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			msg.err = errIsFolder
			return msg
		}
		if kind == dataRoads {
			msg.roads, msg.err = svc.ImportRoads(ctx, path, report)
		} else {
			msg.addr, msg.err = svc.ImportAddresses(ctx, path, report)
		}
		return msg
	}
	return s, tea.Batch(work, waitForData(run, updates, done))
}

func waitForData(run int, updates <-chan DataProgress, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-updates:
			return dataProgressMsg{run: run, p: p, updates: updates, done: done}
		case <-done:
			return nil
		}
	}
}

// finished shows the report or the failure; new roads go to the app,
// which re-times the rounds on them.
func (s dataScreen) finished(msg dataDoneMsg) (dataScreen, tea.Cmd) {
	if msg.run != s.run || s.state != dataRunning {
		return s, nil
	}
	s.state, s.cancel = dataIdle, nil
	if msg.err != nil {
		s.problem = dataMessage(msg.err, msg.kind)
		if errors.Is(msg.err, context.Canceled) {
			return s, nil
		}
		// The path is kept, focused, to be corrected.
		s.state = dataChoosing
		return s, s.path.Focus()
	}
	s.done, s.doneKind, s.donePath = true, msg.kind, msg.path
	if msg.kind == dataAddresses {
		s.addr = msg.addr
		return s, statusCmd("Adresses importées.")
	}
	s.roads = msg.roads
	return s, tea.Batch(send(roadsImportedMsg{travel: msg.roads.Travel}), statusCmd("Routes importées : la tournée suit maintenant les vraies routes."))
}

// dataMessage says why an import failed, in French, and that nothing
// changed; the precise cause follows when nothing better is known.
func dataMessage(err error, kind dataKind) string {
	what := "les adresses déjà importées restent en service"
	if kind == dataRoads {
		what = "les routes déjà importées restent en service"
	}
	var fe *geo.FileError
	switch {
	case errors.Is(err, errIsFolder):
		// Its files are proposed: tab completes.
		return "C'est un dossier : choisissez un fichier dedans (tab complète le chemin)."
	case errors.Is(err, context.Canceled):
		return "Import annulé : " + what + "."
	case errors.Is(err, ErrNoArea):
		return "Aucun patient ni point de départ n'est placé sur la carte : impossible de choisir la zone du cabinet. Placez d'abord les adresses des patients (ou importez avec « tournee routes import --tout »)."
	case errors.Is(err, roads.ErrNoRoads):
		return "Aucune route praticable de cet extrait dans la zone du cabinet : est-ce le bon département ? Rien n'a été modifié."
	case errors.As(err, &fe):
		return upperFirst(fe.Msg) + " : " + what + "."
	}
	if m := userMessage(err); m != fallbackMessage {
		return m + " (" + what + ")"
	}
	if kind == dataRoads {
		return "Ce fichier ne se lit pas comme un extrait OpenStreetMap (.osm.pbf) : " + what + ". (" + err.Error() + ")"
	}
	return "L'import n'a pas abouti : " + what + ". (" + err.Error() + ")"
}

// SetSize gives the screen its room.
func (s *dataScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	// The mark, the label, the cursor and the ellipsis of a suggestion.
	s.path.SetWidth(max(w-2-len(dataFileLabel)-3, 10))
	s.bar.SetWidth(syncBarWidth(w))
}

// SetStyles restyles the screen after a background change.
func (s *dataScreen) SetStyles(st *styles) {
	s.styles = st
	s.bar = progress.New(progress.WithoutPercentage(), progress.WithColors(st.AccentColor),
		progress.WithFillCharacters('█', '░'), progress.WithWidth(syncBarWidth(s.w)))
	s.bar.EmptyColor = st.MutedColor
}

// Keys is the help for what the screen allows now.
func (s dataScreen) Keys() help.KeyMap {
	return dataHelp{k: s.keys, state: s.state, active: s.svc != nil}
}

type dataHelp struct {
	k      dataKeys
	state  dataState
	active bool
}

func (h dataHelp) ShortHelp() []key.Binding {
	switch {
	case !h.active:
		return nil
	case h.state == dataRunning:
		c := h.k.Cancel
		c.SetHelp("échap", "annuler l'import")
		return []key.Binding{c}
	case h.state == dataChoosing:
		return []key.Binding{h.k.Start, h.k.Complete, h.k.Cancel}
	}
	return []key.Binding{h.k.Addresses, h.k.Roads}
}

func (h dataHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// Init has nothing to load: the screen waits for a file to import.
func (s dataScreen) Init() tea.Cmd { return nil }
