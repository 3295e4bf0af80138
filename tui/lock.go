package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// lockScreen hides everything after a few idle minutes: a laptop left open
// in a patient's kitchen must not show the other patients.
type lockScreen struct {
	unlock   func([]byte) error
	styles   *styles
	input    textinput.Model
	checking bool
	failed   int
	w, h     int
	submit   key.Binding
}

// unlockedMsg answers a passphrase check; err is nil when it was right.
type unlockedMsg struct{ err error }

func newLockScreen(d Deps, st *styles) lockScreen {
	in := textinput.New()
	in.Prompt = "Phrase de passe : "
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	in.SetWidth(30)
	return lockScreen{
		unlock: d.Unlock,
		styles: st,
		input:  in,
		submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "déverrouiller")),
	}
}

func (s lockScreen) reset() lockScreen {
	s.input.Reset()
	s.checking = false
	return s
}

// Focus puts the cursor in the passphrase field.
func (s *lockScreen) Focus() tea.Cmd { return s.input.Focus() }

func (s *lockScreen) SetStyles(st *styles) { s.styles = st }

func (s *lockScreen) SetSize(w, h int) { s.w, s.h = w, h }

// check runs the key derivation (tens of milliseconds) off the UI loop.
func (s lockScreen) check(pass []byte) tea.Cmd {
	unlock := s.unlock
	return func() tea.Msg {
		if unlock == nil {
			return unlockedMsg{}
		}
		return unlockedMsg{unlock(pass)}
	}
}

func (s lockScreen) Update(msg tea.Msg) (lockScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case unlockedMsg:
		s.checking = false
		if msg.err != nil {
			s.failed++
			s.input.Reset()
			return s, nil
		}
		s.failed = 0
		s.input.Reset()
		return s, nil
	case tea.KeyPressMsg:
		if s.checking {
			return s, nil
		}
		if key.Matches(msg, s.submit) {
			if s.input.Value() == "" {
				return s, nil
			}
			s.checking = true
			return s, s.check([]byte(s.input.Value()))
		}
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return s, cmd
}

func (s lockScreen) View() string {
	st := s.styles
	lines := []string{
		st.Section.Render("tournée est verrouillée"),
		"",
		st.Muted.Render("Aucune donnée patient n'est affichée."),
		st.Muted.Render("Saisissez votre phrase de passe pour reprendre."),
		"",
		s.input.View(),
	}
	switch {
	case s.checking:
		lines = append(lines, "", st.Muted.Render("Vérification…"))
	case s.failed > 0:
		lines = append(lines, "", st.ErrorText.Render("Phrase de passe incorrecte. Réessayez."))
	}
	box := st.Dialog.Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
	return lipgloss.Place(s.w, s.h, lipgloss.Center, lipgloss.Center, box)
}
