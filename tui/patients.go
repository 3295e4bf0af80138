package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// patientsScreen: placeholder, replaced by the patients screen.
type patientsScreen struct {
	styles styles
	w, h   int
}

type patientsKeys struct{ Up, Down key.Binding }

func (k patientsKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Down} }
func (k patientsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newPatientsScreen(_ Deps, st styles) patientsScreen { return patientsScreen{styles: st} }

func (s patientsScreen) Init() tea.Cmd { return nil }

func (s patientsScreen) Update(tea.Msg) (patientsScreen, tea.Cmd) { return s, nil }

func (s patientsScreen) View() string { return "" }

func (s *patientsScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *patientsScreen) SetStyles(st styles) { s.styles = st }

func (s patientsScreen) Keys() help.KeyMap { return patientsKeys{upKey(), downKey()} }

func (s patientsScreen) Capturing() bool { return false }
