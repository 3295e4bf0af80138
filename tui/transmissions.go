package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// transmissionsScreen: placeholder, replaced by the transmissions screen.
type transmissionsScreen struct {
	styles styles
	w, h   int
}

type transmissionsKeys struct{ Up, Down key.Binding }

func (k transmissionsKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Down} }
func (k transmissionsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newTransmissionsScreen(_ Deps, st styles) transmissionsScreen {
	return transmissionsScreen{styles: st}
}

func (s transmissionsScreen) Init() tea.Cmd { return nil }

func (s transmissionsScreen) Update(tea.Msg) (transmissionsScreen, tea.Cmd) { return s, nil }

func (s transmissionsScreen) View() string { return "" }

func (s *transmissionsScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *transmissionsScreen) SetStyles(st styles) { s.styles = st }

func (s transmissionsScreen) Keys() help.KeyMap { return transmissionsKeys{upKey(), downKey()} }

func (s transmissionsScreen) Capturing() bool { return false }
