package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/cabinetsync"
	"tournee/passphrase"
	"tournee/patients"
)

// keyState is whether this laptop has the cabinet key: without it, the
// Synchro screen offers to create the cabinet or to join it.
type keyState int

const (
	keyUnknown keyState = iota // not read yet, or no KeyStore
	keyMissing
	keyPresent
)

// setupMode is the cabinet form open on the Synchro screen.
type setupMode int

const (
	setupNone   setupMode = iota
	setupCreate           // « cabinet init »: the first laptop
	setupJoin             // « cabinet join »: the others
	setupExport           // « cabinet export-key »: a key file for a new laptop
)

// The fields of the two forms, in order.
const (
	createName = iota
	createFolder
	createKeyOut
	createPass
	createPassAgain
)

const (
	joinKeyFile = iota
	joinPass
	joinFolder
)

const (
	exportKeyOut = iota
	exportPass
	exportPassAgain
)

// keyFileName is the key file proposed to the first laptop.
const keyFileName = "cle-cabinet.txt"

type (
	syncKeyMsg struct {
		has bool
		err error
	}
	// cabinetSetupMsg ends a create or a join.
	cabinetSetupMsg struct {
		mode    setupMode
		folder  string
		keyOut  string
		renamed bool
		err     error
	}
)

type setupKeys struct {
	Create, Join, Export, Next, Prev, Submit, Cancel key.Binding
}

func newSetupKeys() setupKeys {
	return setupKeys{
		Create: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "créer le cabinet")),
		Join:   key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "rejoindre le cabinet")),
		Export: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clé pour un autre poste")),
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "champ suivant")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("⇧tab/↑", "champ précédent")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "valider")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "annuler")),
	}
}

// cabinetSetup is the form that puts this laptop in a cabinet, with the
// functions the command line uses (cabinetsync.CreateCabinet, Join).
type cabinetSetup struct {
	mode   setupMode
	keys   setupKeys
	inputs []textinput.Model
	labels []string
	focus  int
	err    string // why the last submit was refused, in French
	busy   bool
}

func loadKeyState(ks cabinetsync.KeyStore) tea.Cmd {
	return func() tea.Msg {
		has, err := ks.HasCabinetKey(context.Background())
		return syncKeyMsg{has: has, err: err}
	}
}

func setupInput(value, placeholder string, secret bool) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.SetValue(value)
	if secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}
	quietCursor(&in)
	return in
}

// openSetup opens the create or join form, filled with what is known: the
// cabinet's name, the folder typed on the screen, a key file in the
// nurse's folder.
func (s syncScreen) openSetup(mode setupMode) (syncScreen, tea.Cmd) {
	folder := strings.TrimSpace(s.folder.Value())
	c := cabinetSetup{mode: mode, keys: s.setup.keys}
	switch mode {
	case setupCreate:
		c.labels = []string{"Nom du cabinet", "Dossier partagé", "Fichier de clé à écrire", "Phrase de passe du fichier", "Phrase de passe, encore"}
		c.inputs = []textinput.Model{
			setupInput(s.cabinetName, "ex. Cabinet des Dunes", false),
			setupInput(folder, "ex. E:\\ ou /media/cle-usb", false),
			setupInput(filepath.Join(s.keyDir, keyFileName), "ex. E:\\"+keyFileName, false),
			setupInput("", "quatre mots sans rapport entre eux", true),
			setupInput("", "", true),
		}
	case setupExport:
		c.labels = []string{"Fichier de clé à écrire", "Phrase de passe du fichier", "Phrase de passe, encore"}
		c.inputs = []textinput.Model{
			setupInput(filepath.Join(s.keyDir, keyFileName), "ex. E:\\"+keyFileName, false),
			setupInput("", "quatre mots sans rapport entre eux", true),
			setupInput("", "", true),
		}
	case setupJoin:
		c.labels = []string{"Fichier de clé reçu", "Sa phrase de passe", "Dossier partagé"}
		c.inputs = []textinput.Model{
			setupInput("", "ex. E:\\"+keyFileName, false),
			setupInput("", "vide si le fichier n'est pas protégé", true),
			setupInput(folder, "ex. E:\\ ou /media/cle-usb", false),
		}
	}
	for i := range c.inputs {
		c.inputs[i].SetWidth(s.setupFieldWidth())
	}
	s.setup = c
	return s, s.setup.focusOn(0)
}

func (c *cabinetSetup) focusOn(i int) tea.Cmd {
	c.focus = i
	for j := range c.inputs {
		c.inputs[j].Blur()
	}
	c.inputs[i].CursorEnd()
	return c.inputs[i].Focus()
}

func (c cabinetSetup) value(i int) string { return strings.TrimSpace(c.inputs[i].Value()) }

// updateSetup takes the keys while a cabinet form is open.
func (s syncScreen) updateSetup(msg tea.Msg) (syncScreen, tea.Cmd) {
	c := &s.setup
	if c.busy {
		return s, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, c.keys.Cancel):
			s.setup = cabinetSetup{keys: c.keys}
			return s, nil
		case key.Matches(k, c.keys.Next):
			return s, c.focusOn((c.focus + 1) % len(c.inputs))
		case key.Matches(k, c.keys.Prev):
			return s, c.focusOn((c.focus + len(c.inputs) - 1) % len(c.inputs))
		case key.Matches(k, c.keys.Submit):
			if c.focus < len(c.inputs)-1 {
				return s, c.focusOn(c.focus + 1)
			}
			return s.submitSetup()
		}
	}
	var cmd tea.Cmd
	c.inputs[c.focus], cmd = c.inputs[c.focus].Update(msg)
	return s, cmd
}

// submitSetup checks the form, then creates or joins in a command. What
// can be refused without the disk is refused here, the field focused.
func (s syncScreen) submitSetup() (syncScreen, tea.Cmd) {
	c := &s.setup
	refuse := func(field int, why string) (syncScreen, tea.Cmd) {
		c.err = why
		return s, c.focusOn(field)
	}
	ks, store, ctx := s.cabinet, s.store, context.Background()
	if c.mode == setupJoin {
		keyFile, folder := c.value(joinKeyFile), c.value(joinFolder)
		pass := []byte(c.inputs[joinPass].Value())
		if keyFile == "" {
			return refuse(joinKeyFile, "Indiquez le fichier de clé reçu de l'ordinateur qui a créé le cabinet.")
		}
		c.err, c.busy = "", true
		return s, func() tea.Msg {
			ask := func() ([]byte, error) {
				if len(pass) == 0 {
					return nil, cabinetsync.ErrKeyProtected
				}
				return pass, nil
			}
			return cabinetSetupMsg{mode: setupJoin, folder: folder, err: cabinetsync.Join(ctx, ks, keyFile, ask)}
		}
	}
	if c.mode == setupExport {
		out, pass := c.value(exportKeyOut), c.inputs[exportPass].Value()
		if field, why := checkKeyOut(c, exportKeyOut, exportPass, exportPassAgain); why != "" {
			return refuse(field, why)
		}
		c.err, c.busy = "", true
		return s, func() tea.Msg {
			msg := cabinetSetupMsg{mode: setupExport, keyOut: out}
			if msg.err = cabinetsync.PrepareKeyOut(out); msg.err == nil {
				msg.err = cabinetsync.ExportKey(ctx, ks, out, []byte(pass))
			}
			return msg
		}
	}
	name, folder, out := c.value(createName), c.value(createFolder), c.value(createKeyOut)
	pass := c.inputs[createPass].Value()
	if name == "" {
		return refuse(createName, "Indiquez le nom du cabinet : il est écrit dans le fichier de clé.")
	}
	if field, why := checkKeyOut(c, createKeyOut, createPass, createPassAgain); why != "" {
		return refuse(field, why)
	}
	oldName := s.cabinetName
	rename := name != oldName
	c.err, c.busy = "", true
	return s, func() tea.Msg {
		msg := cabinetSetupMsg{mode: setupCreate, folder: folder, keyOut: out}
		// The name goes in the key file: it is saved first, and only when
		// the key file can be written (CreateCabinet checks again).
		if rename {
			if msg.err = cabinetsync.PrepareKeyOut(out); msg.err != nil {
				return msg
			}
			msg.err, msg.renamed = renameCabinet(ctx, store, name), true
			if msg.err != nil {
				return msg
			}
		}
		msg.err = cabinetsync.CreateCabinet(ctx, ks, out, []byte(pass))
		if msg.err != nil && rename && renameCabinet(ctx, store, oldName) == nil {
			// The base is left as it was: no key, its old name.
			msg.renamed = true
		}
		return msg
	}
}

// checkKeyOut refuses, before the disk, a key file without a path or
// without a strong passphrase typed twice: which field, and why in French.
func checkKeyOut(c *cabinetSetup, outField, passField, againField int) (int, string) {
	pass := c.inputs[passField].Value()
	switch {
	case c.value(outField) == "":
		return outField, "Indiquez où écrire le fichier de clé, par exemple sur la clé USB."
	case pass == "":
		return passField, "Choisissez une phrase de passe : elle protège le fichier de clé, qui ouvre les données du cabinet."
	case pass != c.inputs[againField].Value():
		c.inputs[againField].SetValue("")
		return againField, "Les deux phrases de passe diffèrent : tapez-la à nouveau."
	}
	if st := passphrase.Estimate(pass); !st.OK() {
		return passField, "Phrase de passe trop faible : " + st.Advice
	}
	return 0, ""
}

func renameCabinet(ctx context.Context, store patients.Store, name string) error {
	cab, err := store.Cabinet(ctx)
	if err != nil {
		return err
	}
	cab.Name = name
	return store.SaveCabinet(ctx, cab)
}

// setupDone closes the form on success and starts the first sync into the
// shared folder; on failure the form stays, as typed, with the reason.
func (s syncScreen) setupDone(msg cabinetSetupMsg) (syncScreen, tea.Cmd) {
	var cmds []tea.Cmd
	if msg.renamed {
		cmds = append(cmds, send(sessionChangedMsg{}))
	}
	if msg.err != nil {
		s.setup.busy = false
		s.setup.err = setupMessage(msg.err)
		if errors.Is(msg.err, cabinetsync.ErrKeyProtected) || errors.Is(msg.err, cabinetsync.ErrKeyPassphrase) {
			cmds = append(cmds, s.setup.focusOn(joinPass))
		}
		// Said in the form; the log keeps the cause (no patient data in it).
		s.log.Printf("cabinet setup: %v", msg.err)
		// A key file that failed to write after the key was made leaves
		// the key: the screen then offers « c » to write the file again.
		return s, tea.Batch(append(cmds, loadKeyState(s.cabinet))...)
	}
	keys := s.setup.keys
	s.setup = cabinetSetup{keys: keys}
	s.keyState = keyPresent
	switch msg.mode {
	case setupExport:
		s.note = "Fichier de clé écrit. Sur le nouvel ordinateur : écran Synchro, touche j (ou « Rejoindre mon cabinet » au premier démarrage) ; donnez la phrase de passe de vive voix."
		s.notePath = msg.keyOut
		return s, tea.Batch(cmds...)
	case setupCreate:
		s.note = "Cabinet créé. Donnez le fichier de clé aux autres infirmières du cabinet, et sa phrase de passe de vive voix, jamais avec le fichier."
		s.notePath = msg.keyOut
	default:
		s.note = "Cet ordinateur fait partie du cabinet."
	}
	if msg.folder == "" {
		s.note += " Indiquez maintenant le dossier partagé pour synchroniser."
		return s, tea.Batch(cmds...)
	}
	s.folder.SetValue(msg.folder)
	s, start := s.start()
	return s, tea.Batch(append(cmds, start)...)
}

// setupMessage says why a create or a join failed, in French; the key
// file's checks word themselves (cabinetsync.KeyOutError).
func setupMessage(err error) string {
	var out *cabinetsync.KeyOutError
	if errors.As(err, &out) {
		return upperFirst(out.Error())
	}
	if m := userMessage(err); m != fallbackMessage {
		return m
	}
	return "La clé du cabinet n'a pas pu être installée : rien n'a été modifié (" + err.Error() + ")."
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	}
	return string(r)
}

// setupFieldWidth leaves room for the mark, the longest label (« Phrase de
// passe du fichier », 26 columns), « : » and the cursor.
func (s syncScreen) setupFieldWidth() int {
	return max(s.w-2-26-3-2, 16)
}

// setupView draws the open form.
func (s syncScreen) setupView() []string {
	st, c := s.styles, s.setup
	head := "Créer le cabinet"
	intro := "Sur le premier ordinateur du cabinet : tournée crée la clé du cabinet et l'écrit dans un fichier protégé par une phrase de passe, à donner aux autres infirmières."
	switch c.mode {
	case setupExport:
		head = "Fichier de clé pour un autre ordinateur"
		intro = "La clé du cabinet, écrite dans un fichier protégé par une phrase de passe, pour un ordinateur qui rejoint le cabinet."
	case setupJoin:
		head = "Rejoindre le cabinet"
		intro = "Avec le fichier de clé reçu de l'ordinateur qui a créé le cabinet. À la première synchronisation, les patients du cabinet arrivent ici et ceux de cet ordinateur partent vers les autres."
	}
	lines := []string{ansi.Truncate(st.Section.Render(head), s.w, "…")}
	lines = append(lines, s.wrap(st.Muted.Render, intro)...)
	lines = append(lines, "")
	labelW := 0
	for _, l := range c.labels {
		labelW = max(labelW, ansi.StringWidth(l))
	}
	for i, in := range c.inputs {
		mark, label := "  ", st.Label.Render(fit(c.labels[i], labelW)+" : ")
		if i == c.focus {
			mark, label = st.Cursor.Render("› "), st.Bold.Render(fit(c.labels[i], labelW)+" : ")
		}
		lines = append(lines, ansi.Truncate(mark+label+in.View(), s.w, "…"))
		if (c.mode == setupCreate && i == createPass || c.mode == setupExport && i == exportPass) && c.focus == i {
			lines = append(lines, s.hang(st.Muted.Render, spaces(4)+keyStrengthLine(in.Value()), 4)...)
		}
	}
	lines = append(lines, "")
	switch {
	case c.busy && c.mode == setupCreate:
		lines = append(lines, st.Bold.Render("Création de la clé du cabinet…"))
	case c.busy && c.mode == setupExport:
		lines = append(lines, st.Bold.Render("Écriture du fichier de clé…"))
	case c.busy:
		lines = append(lines, st.Bold.Render("Lecture du fichier de clé…"))
	case c.err != "":
		lines = append(lines, s.hang(st.ErrorText.Render, "⚠ "+c.err, 2)...)
	case c.mode == setupCreate:
		lines = append(lines, s.wrap(st.Muted.Render, "Le dossier partagé est celui où les ordinateurs se retrouvent (clé USB, Nextcloud, Syncthing) ; "+
			"la première synchronisation suit.")...)
	case c.mode == setupJoin:
		lines = append(lines, s.wrap(st.Muted.Render, "La première synchronisation suit, avec le dossier partagé indiqué.")...)
	}
	return lines
}

// keyStrengthLine advises on the key file's passphrase being typed, with
// the words of package passphrase.
func keyStrengthLine(p string) string {
	if p == "" {
		return "Quatre mots sans rapport entre eux font une bonne phrase de passe."
	}
	if st := passphrase.Estimate(p); !st.OK() {
		return "Trop faible : " + st.Advice
	}
	return "Solide. Elle ouvre le fichier de clé : donnez-la de vive voix, jamais avec le fichier."
}

// noKeyLines invite a laptop outside any cabinet to create or join one.
func (s syncScreen) noKeyLines() []string {
	st := s.styles
	lines := s.wrap(st.Value.Render, "Cet ordinateur ne fait pas encore partie d'un cabinet. La synchronisation relie les ordinateurs "+
		"des infirmières d'un même cabinet par une clé USB ou un dossier partagé ; ce qui y passe est chiffré avec la clé du cabinet.")
	lines = append(lines, "")
	choice := func(k, label, hint string) []string {
		out := []string{st.Cursor.Render("  "+k+"  ") + st.Bold.Render(label)}
		return append(out, s.hang(st.Muted.Render, spaces(5)+hint, 5)...)
	}
	lines = append(lines, choice("c", "Créer le cabinet", "sur le premier ordinateur : crée la clé et l'écrit dans un fichier à donner aux autres")...)
	lines = append(lines, choice("j", "Rejoindre le cabinet", "avec le fichier de clé reçu d'une collègue")...)
	return lines
}
