package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// roundScreen: placeholder, replaced by the round screen.
type roundScreen struct {
	styles styles
	w, h   int
}

type roundKeys struct{ Up, Down key.Binding }

func (k roundKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Down} }
func (k roundKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newRoundScreen(_ Deps, st styles) roundScreen { return roundScreen{styles: st} }

func (s roundScreen) Init() tea.Cmd { return nil }

func (s roundScreen) Update(tea.Msg) (roundScreen, tea.Cmd) { return s, nil }

func (s roundScreen) View() string { return "" }

func (s *roundScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *roundScreen) SetStyles(st styles) { s.styles = st }

func (s roundScreen) Keys() help.KeyMap { return roundKeys{upKey(), downKey()} }

func (s roundScreen) Capturing() bool { return false }
