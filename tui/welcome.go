package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/passphrase"
)

// NewBase is what the welcome asks to create a base: the cabinet, the nurse
// and the passphrase; KeyFile and KeyPassphrase join the cabinet's other
// laptops when set.
type NewBase struct {
	Cabinet, Nurse, RPPS string
	Passphrase           []byte
	KeyFile              string
	KeyPassphrase        []byte
}

// WelcomeActions are what the welcome does, wired by the command line to the
// storage (tui never imports it). Each runs in a tea.Cmd and returns a
// French error that the welcome shows, letting her correct and try again.
type WelcomeActions struct {
	// Create makes her base, and joins the cabinet when KeyFile is set.
	Create func(ctx context.Context, b NewBase) error
	// OpenPack makes her base from a replacement pack.
	OpenPack func(ctx context.Context, pack string, packPass, basePass []byte) error
}

// WelcomeOutcome is how the welcome ended.
type WelcomeOutcome int

const (
	// WelcomeQuit: she left without a base.
	WelcomeQuit WelcomeOutcome = iota
	// WelcomeOpen: a base was created; open it with Passphrase.
	WelcomeOpen
	// WelcomeDemo: she chose to try the demo cabinet.
	WelcomeDemo
)

type welcomeMode int

const (
	welcomeMenu welcomeMode = iota
	welcomeCreate
	welcomeJoin
	welcomePack
)

var welcomeChoices = []struct {
	mode  welcomeMode
	label string
	hint  string
}{
	{welcomeCreate, "Créer ma base", "première utilisation dans le cabinet : votre cabinet, vous, votre phrase de passe"},
	{welcomeJoin, "Rejoindre mon cabinet", "une collègue vous a donné le fichier de clé du cabinet"},
	{welcomePack, "Ouvrir un dossier de remplacement", "vous remplacez : ouvrez le dossier chiffré reçu"},
	{welcomeMenu, "Essayer la démonstration", "un cabinet fictif de 66 patients, effacé à la sortie"},
}

// Field labels, by form.
var welcomeFields = map[welcomeMode][]string{
	welcomeCreate: {"Nom du cabinet", "Votre prénom et nom", "Votre numéro RPPS (11 chiffres)", "Phrase de passe", "Phrase de passe, encore"},
	welcomeJoin: {"Nom du cabinet", "Votre prénom et nom", "Votre numéro RPPS (11 chiffres)", "Phrase de passe", "Phrase de passe, encore",
		"Fichier de clé du cabinet (chemin)", "Phrase de passe du fichier de clé"},
	welcomePack: {"Dossier de remplacement (chemin du fichier)", "Phrase de passe du dossier", "Nouvelle phrase de passe de votre base", "Phrase de passe, encore"},
}

// secretFields are the fields typed without echo, by form.
var secretFields = map[welcomeMode][]bool{
	welcomeCreate: {false, false, false, true, true},
	welcomeJoin:   {false, false, false, true, true, false, true},
	welcomePack:   {false, true, true, true},
}

// welcomeDone carries the result of a creation back to Update.
type welcomeDone struct{ err error }

// Welcome is the first screen of a first start (no base yet): create a
// base, join the cabinet, open a replacement pack, or try the demo. It runs
// as its own program before the app: the app needs a base.
type Welcome struct {
	acts    WelcomeActions
	path    string
	version string
	mode    welcomeMode
	cursor  int
	inputs  []textinput.Model
	focus   int
	err     string
	busy    bool
	outcome WelcomeOutcome
	pass    []byte
	width   int
	st      *styles
}

// NewWelcome returns the welcome for a base to be created at path.
func NewWelcome(acts WelcomeActions, path, version string) Welcome {
	return Welcome{acts: acts, path: path, version: version, st: newStyles(true), width: 80}
}

// Outcome says how the welcome ended, and the passphrase of the base it
// created.
func (w Welcome) Outcome() (WelcomeOutcome, []byte) { return w.outcome, w.pass }

// Init starts on the menu.
func (w Welcome) Init() tea.Cmd { return nil }

// Update moves in the menu and the forms.
func (w Welcome) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width = msg.Width
		return w, nil
	case welcomeDone:
		w.busy = false
		if msg.err != nil {
			w.err = msg.err.Error()
			return w, nil
		}
		w.outcome = WelcomeOpen
		return w, tea.Quit
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			w.outcome = WelcomeQuit
			return w, tea.Quit
		}
		if w.busy {
			return w, nil
		}
		if w.mode == welcomeMenu {
			return w.updateMenu(msg)
		}
		return w.updateForm(msg)
	}
	if w.mode != welcomeMenu && len(w.inputs) > 0 {
		var cmd tea.Cmd
		w.inputs[w.focus], cmd = w.inputs[w.focus].Update(msg)
		return w, cmd
	}
	return w, nil
}

func (w Welcome) updateMenu(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "up", "k":
		w.cursor = (w.cursor + len(welcomeChoices) - 1) % len(welcomeChoices)
	case "down", "j", "tab":
		w.cursor = (w.cursor + 1) % len(welcomeChoices)
	case "1", "2", "3", "4":
		w.cursor = int(k.String()[0] - '1')
		return w.choose()
	case "enter":
		return w.choose()
	case "esc", "q":
		w.outcome = WelcomeQuit
		return w, tea.Quit
	}
	return w, nil
}

func (w Welcome) choose() (tea.Model, tea.Cmd) {
	c := welcomeChoices[w.cursor]
	if c.mode == welcomeMenu {
		w.outcome = WelcomeDemo
		return w, tea.Quit
	}
	w.mode, w.err, w.focus = c.mode, "", 0
	labels := welcomeFields[c.mode]
	w.inputs = make([]textinput.Model, len(labels))
	for i := range labels {
		in := textinput.New()
		in.Prompt = ""
		in.SetWidth(48)
		if secretFields[c.mode][i] {
			in.EchoMode = textinput.EchoPassword
		}
		w.inputs[i] = in
	}
	return w, w.inputs[0].Focus()
}

func (w Welcome) updateForm(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "esc":
		w.mode, w.inputs, w.err = welcomeMenu, nil, ""
		return w, nil
	case "up", "shift+tab":
		return w, w.move(-1)
	case "down", "tab":
		return w, w.move(1)
	case "enter":
		if w.focus < len(w.inputs)-1 {
			return w, w.move(1)
		}
		return w.submit()
	}
	var cmd tea.Cmd
	w.inputs[w.focus], cmd = w.inputs[w.focus].Update(k)
	return w, cmd
}

func (w *Welcome) move(d int) tea.Cmd {
	w.inputs[w.focus].Blur()
	w.focus = (w.focus + d + len(w.inputs)) % len(w.inputs)
	return w.inputs[w.focus].Focus()
}

func (w Welcome) value(i int) string { return strings.TrimSpace(w.inputs[i].Value()) }

// submit checks what can be checked here (empty fields, the two
// passphrases, their strength) and runs the action.
func (w Welcome) submit() (tea.Model, tea.Cmd) {
	labels := welcomeFields[w.mode]
	for i := range w.inputs {
		if w.inputs[i].Value() == "" {
			w.err = "« " + labels[i] + " » est vide."
			w.focus = i
			return w, w.focusOnly(i)
		}
	}
	passAt := 3
	if w.mode == welcomePack {
		passAt = 2
	}
	pass := w.inputs[passAt].Value()
	if pass != w.inputs[passAt+1].Value() {
		w.err = "Les deux phrases de passe diffèrent : tapez-les à nouveau."
		return w, nil
	}
	if s := passphrase.Estimate(pass); !s.OK() {
		w.err = "Phrase de passe trop faible : " + s.Advice
		return w, nil
	}
	w.err, w.busy, w.pass = "", true, []byte(pass)
	acts := w.acts
	switch w.mode {
	case welcomePack:
		packFile, packPass := w.value(0), []byte(w.inputs[1].Value())
		return w, func() tea.Msg {
			return welcomeDone{acts.OpenPack(context.Background(), packFile, packPass, []byte(pass))}
		}
	default:
		b := NewBase{Cabinet: w.value(0), Nurse: w.value(1), RPPS: w.value(2), Passphrase: []byte(pass)}
		if w.mode == welcomeJoin {
			b.KeyFile, b.KeyPassphrase = w.value(5), []byte(w.inputs[6].Value())
		}
		return w, func() tea.Msg { return welcomeDone{acts.Create(context.Background(), b)} }
	}
}

func (w *Welcome) focusOnly(i int) tea.Cmd {
	for j := range w.inputs {
		w.inputs[j].Blur()
	}
	return w.inputs[i].Focus()
}

// View draws the menu or the form.
func (w Welcome) View() tea.View {
	st := w.st
	var b strings.Builder
	b.WriteString(st.Section.Render("Bienvenue dans tournée"))
	if w.version != "" {
		b.WriteString(st.Muted.Render("  version " + w.version))
	}
	b.WriteString("\n\n")
	if w.mode == welcomeMenu {
		b.WriteString("Aucune base sur cet ordinateur pour l'instant. Que voulez-vous faire ?\n\n")
		for i, c := range welcomeChoices {
			mark := "  "
			label := c.label
			if i == w.cursor {
				mark = "› "
				label = st.Section.Render(label)
			}
			// The hint hangs under its label when it wraps (the view has
			// 2 columns of padding each side).
			hint := ansi.Wrap(c.hint, max(w.width-4-5, 20), "")
			b.WriteString(mark + string(rune('1'+i)) + ". " + label + "\n     " + st.Muted.Render(strings.ReplaceAll(hint, "\n", "\n     ")) + "\n")
		}
		b.WriteString("\n" + st.Muted.Render("↑/↓ choisir · entrée valider · q quitter"))
	} else {
		b.WriteString(st.Section.Render(welcomeChoices[int(w.mode)-1].label) + "\n\n")
		labels := welcomeFields[w.mode]
		for i, in := range w.inputs {
			mark := "  "
			if i == w.focus {
				mark = "› "
			}
			b.WriteString(mark + labels[i] + " : " + in.View() + "\n")
			if secretFields[w.mode][i] && i == w.focus && strings.Contains(labels[i], "hrase de passe") && !strings.Contains(labels[i], "encore") {
				advice := ansi.Wrap(strengthLine(in.Value()), max(w.width-4-4, 20), "")
				b.WriteString("    " + st.Muted.Render(strings.ReplaceAll(advice, "\n", "\n    ")) + "\n")
			}
		}
		if w.mode != welcomePack {
			b.WriteString("\n" + st.Muted.Render("La base sera créée ici : "+w.path) + "\n")
		}
		switch {
		case w.busy:
			b.WriteString("\nCréation en cours…\n")
		case w.err != "":
			b.WriteString("\n" + st.StatusError.Render(w.err) + "\n")
		}
		b.WriteString("\n" + st.Muted.Render("tab/↓ champ suivant · entrée valider · échap retour au choix"))
	}
	v := tea.NewView(lipgloss.NewStyle().Padding(1, 2).Width(max(w.width, 40)).Render(b.String()))
	v.AltScreen = true
	v.WindowTitle = "tournée — bienvenue"
	return v
}

// strengthLine advises on the passphrase being typed, with the words of
// package passphrase: a nurse sees why before she submits.
func strengthLine(p string) string {
	if p == "" {
		return "Quatre mots sans rapport entre eux font une bonne phrase de passe."
	}
	s := passphrase.Estimate(p)
	if s.OK() {
		return "Solide. Notez-la en lieu sûr : sans elle, vos données ne peuvent pas être relues."
	}
	return "Trop faible : " + s.Advice
}
