package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// screenModel is what every screen's struct offers the app. The screens are
// values, updated by returning a copy (the bubbletea way), and sized and
// styled in place.
type screenModel[S any] interface {
	*S
	Init() tea.Cmd
	Update(tea.Msg) (S, tea.Cmd)
	View() string
	Keys() help.KeyMap
	Capturing() bool
	SetSize(w, h int)
	SetStyles(st *styles)
}

// boundScreen is one screen of the app, bound to its field of the App being
// updated: the app drives every screen through the table below instead of
// one switch per operation.
type boundScreen interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	Keys() help.KeyMap
	Capturing() bool
	SetSize(w, h int)
	SetStyles(st *styles)
}

type bound[S any, P screenModel[S]] struct{ s *S }

// bind makes a screen of an App's field.
func bind[S any, P screenModel[S]](s *S) boundScreen { return bound[S, P]{s} }

func (b bound[S, P]) Init() tea.Cmd { return P(b.s).Init() }

func (b bound[S, P]) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	*b.s, cmd = P(b.s).Update(msg)
	return cmd
}

func (b bound[S, P]) View() string         { return P(b.s).View() }
func (b bound[S, P]) Keys() help.KeyMap    { return P(b.s).Keys() }
func (b bound[S, P]) Capturing() bool      { return P(b.s).Capturing() }
func (b bound[S, P]) SetSize(w, h int)     { P(b.s).SetSize(w, h) }
func (b bound[S, P]) SetStyles(st *styles) { P(b.s).SetStyles(st) }

type screenID int

const (
	roundTab screenID = iota
	patientsTab
	transmissionsTab
	replacementTab
	syncTab
	dataTab
	screenCount
)

// screenEntry is a screen as the app knows it. Adding a screen is a field
// in App, its id above and one entry here.
type screenEntry struct {
	// name is its tab and the title of its help page.
	name string
	// key shows it from anywhere.
	key func(globalKeys) key.Binding
	// setup screens keep their tab hidden unless in front: the help lists
	// their key and tab reaches them.
	setup bool
	// of is the screen inside an App.
	of func(*App) boundScreen
}

var screenTable = [screenCount]screenEntry{
	roundTab: {name: "Tournée", key: func(k globalKeys) key.Binding { return k.Round },
		of: func(a *App) boundScreen { return bind(&a.round) }},
	patientsTab: {name: "Patients", key: func(k globalKeys) key.Binding { return k.Patients },
		of: func(a *App) boundScreen { return bind(&a.patients) }},
	transmissionsTab: {name: "Transmissions", key: func(k globalKeys) key.Binding { return k.Transmits },
		of: func(a *App) boundScreen { return bind(&a.trans) }},
	replacementTab: {name: "Remplacement", key: func(k globalKeys) key.Binding { return k.Replacement },
		of: func(a *App) boundScreen { return bind(&a.repl) }},
	syncTab: {name: "Synchro", key: func(k globalKeys) key.Binding { return k.Sync },
		of: func(a *App) boundScreen { return bind(&a.sync) }},
	dataTab: {name: "Données", key: func(k globalKeys) key.Binding { return k.Data }, setup: true,
		of: func(a *App) boundScreen { return bind(&a.data) }},
}

// origin is the screen a command came from, so that its failure reaches
// that screen only: an error of the Synchro screen must not end the
// round's « calcul en cours ». noOrigin (an app command's) reaches all.
type origin int

const noOrigin origin = 0

func originOf(id screenID) origin { return origin(id) + 1 }
