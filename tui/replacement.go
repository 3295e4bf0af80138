package tui

import (
	"context"
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"tournee/french"
	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
	"tournee/replacement"
)

// ReplacementService prepares and writes what a replacement needs on both
// sides: the pack for the remplaçant, the return for the titulaire
// (replacement.Service).
type ReplacementService interface {
	Prepare(ctx context.Context, req replacement.Request) (handover.Pack, []string, error)
	WritePack(p handover.Pack, key packfile.Key, path string) error
	BuildReturn(ctx context.Context) (handover.Return, error)
	WriteReturn(r handover.Return, key packfile.Key, path string) error
}

// replSide is whose base this is: the titulaire prepares a pack, the
// remplaçant (a base opened from a pack) writes the return.
type replSide int

const (
	replLoading replSide = iota
	replTitulaire
	replRemplacant
)

type replStep int

const (
	replForm replStep = iota
	replPreparing
	replPreview
	replWriting
	replDone
)

// replField is a line of the form. The text ones index replacementScreen.in.
type replField int

const (
	rfNurse replField = iota // selector: the remplaçant(e)
	rfFrom
	rfTo
	rfShare
	rfMode // selector: public key or passphrase
	rfRecipient
	rfPass
	rfPassAgain
	rfOut
	rfCount
)

var replLabels = [rfCount]string{"Remplaçant(e)", "Premier jour", "Dernier jour", "Part cabinet (%)",
	"Chiffrement", "Clé publique", "Phrase de passe", "Confirmation", "Fichier"}

// replLabelWidth aligns the values of the form.
const replLabelWidth = 17

type (
	replPreparedMsg struct {
		seq      int
		pack     handover.Pack
		warnings []string
		contract bool // a contract goes with the pack (beyond 24 h, or repeated)
		err      error
	}
	replReturnMsg struct {
		seq    int
		ret    handover.Return
		review handover.ReturnReview
		err    error
	}
	replWrittenMsg struct {
		seq  int
		path string
		err  error
	}
)

type replacementKeys struct {
	Up, Down, Next, Choose, Preview, Export, Back, ScrollUp, ScrollDown key.Binding
}

func newReplacementKeys() replacementKeys {
	return replacementKeys{
		Up:         key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "champ précédent")),
		Down:       key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "champ suivant")),
		Next:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "suivant")),
		Choose:     key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choisir")),
		Preview:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "aperçu")),
		Export:     key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "écrire le fichier")),
		Back:       backKey(),
		ScrollUp:   upKey(),
		ScrollDown: downKey(),
	}
}

// replacementScreen is « Remplacement »: on the titulaire's base, the pack
// for her remplaçant(e); on the remplaçant's, the return at the end.
type replacementScreen struct {
	svc    ReplacementService
	folder string
	today  func() patients.Date
	styles *styles
	keys   replacementKeys
	w, h   int

	side       replSide
	me         patients.Nurse
	candidates []patients.Nurse // the other nurses, remplaçantes first
	titulaires []patients.Nurse // on the remplaçant's base: whom she replaces
	pick       int
	byKey      bool // encrypt for a public key, else a passphrase
	outAuto    bool // the file name still follows the nurse and the first day
	shareAuto  bool // the share still follows the chosen nurse

	focus   replField
	in      [rfCount]textinput.Model
	step    replStep
	seq     int
	problem string // why the form cannot go on, in French

	// What the preview was made with: the export writes exactly that.
	pack     handover.Pack
	warnings []string
	ret      handover.Return
	key      packfile.Key
	path     string
	refused  string // the service's refusal, in French
	vp       viewport.Model

	review   handover.ReturnReview        // what the return holds and leaves behind
	contract bool                         // the previewed pack carries a contract
	add      replAddForm                  // an outside remplaçante (replacement_records.go)
	records  []patients.ReplacementRecord // the cabinet's replacements, newest first
}

func newReplacementScreen(d Deps, st *styles) replacementScreen {
	s := replacementScreen{
		svc:       d.Replacement,
		folder:    d.ReplacementFolder,
		today:     func() patients.Date { return patients.DateOf(d.Now()) },
		styles:    st,
		keys:      newReplacementKeys(),
		byKey:     true,
		outAuto:   true,
		shareAuto: true,
		vp:        viewport.New(),
	}
	for f := range s.in {
		in := textinput.New()
		in.Prompt = ""
		quietCursor(&in)
		s.in[f] = in
	}
	s.in[rfFrom].Placeholder = "JJ/MM/AAAA"
	s.in[rfTo].Placeholder = "JJ/MM/AAAA"
	s.in[rfRecipient].Placeholder = "age1…"
	for _, f := range []replField{rfPass, rfPassAgain} {
		s.in[f].EchoMode = textinput.EchoPassword
		s.in[f].EchoCharacter = '•'
	}
	return s
}

// Init loads nothing: the screen waits for the session.
func (s replacementScreen) Init() tea.Cmd { return nil }

// Capturing is true while a text field has the focus, so that letters and
// digits are typed rather than taken as shortcuts.
func (s replacementScreen) Capturing() bool {
	return s.step == replAdding || (s.step == replForm && s.side != replLoading && isReplText(s.focus))
}

func isReplText(f replField) bool { return f != rfNurse && f != rfMode }

// fields are the lines of the form, in order, for this base and mode.
func (s replacementScreen) fields() []replField {
	var fs []replField
	if s.side == replTitulaire {
		fs = append(fs, rfNurse, rfFrom, rfTo, rfShare)
	}
	fs = append(fs, rfMode)
	if s.byKey {
		fs = append(fs, rfRecipient)
	} else {
		fs = append(fs, rfPass, rfPassAgain)
	}
	return append(fs, rfOut)
}

func (s replacementScreen) remplacant() (patients.Nurse, bool) {
	if s.pick < 0 || s.pick >= len(s.candidates) {
		return patients.Nurse{}, false
	}
	return s.candidates[s.pick], true
}

// withSession sets the form up for this base: who is the nurse of this
// laptop decides which side of the replacement she is on.
func (s replacementScreen) withSession(msg sessionMsg) replacementScreen {
	var me patients.Nurse
	for _, n := range msg.nurses {
		if n.ID == msg.cabinet.CurrentNurse {
			me = n
		}
	}
	s.me = me
	s.candidates, s.titulaires = nil, nil
	if r := me.Replacement; r != nil && len(r.Replaces) > 0 {
		s.side = replRemplacant
		for _, id := range r.Replaces {
			i := slices.IndexFunc(msg.nurses, func(n patients.Nurse) bool { return n.ID == id })
			if i >= 0 {
				s.titulaires = append(s.titulaires, msg.nurses[i])
			}
		}
	} else {
		s.side = replTitulaire
		for _, n := range msg.nurses {
			if n.ID != me.ID {
				s.candidates = append(s.candidates, n)
			}
		}
		// Remplaçantes first: they are whom a titulaire usually picks.
		slices.SortStableFunc(s.candidates, func(a, b patients.Nurse) int {
			return boolRank(a.Role != patients.Remplacante) - boolRank(b.Role != patients.Remplacante)
		})
	}
	s.pick = 0
	if s.in[rfFrom].Value() == "" {
		tomorrow := s.today().AddDays(1)
		s.in[rfFrom].SetValue(french.ShortDate(tomorrow))
		s.in[rfTo].SetValue(french.ShortDate(tomorrow.AddDays(6)))
	}
	s.followNurse()
	s.focus = s.fields()[0]
	s.applyFocus()
	s.layout()
	return s
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// followNurse keeps the defaults that depend on the chosen nurse and the
// first day in step, until the nurse types her own.
func (s *replacementScreen) followNurse() {
	if s.shareAuto {
		share := handover.DefaultCabinetShare
		if n, ok := s.remplacant(); ok && n.Replacement != nil && n.Replacement.CabinetShare > 0 {
			share = n.Replacement.CabinetShare
		}
		s.in[rfShare].SetValue(percentText(share))
	}
	if s.outAuto {
		s.in[rfOut].SetValue(s.defaultOut())
	}
}

func (s *replacementScreen) applyFocus() {
	for f := range s.in {
		s.in[f].Blur()
	}
	if isReplText(s.focus) {
		s.in[s.focus].Focus()
		s.in[s.focus].CursorEnd()
	}
}

func (s *replacementScreen) move(delta int) {
	fs := s.fields()
	i := max(slices.Index(fs, s.focus), 0)
	s.focus = fs[(i+delta+len(fs))%len(fs)]
	s.applyFocus()
}

// Update handles the session, the answers of the screen's commands and,
// when the screen is in front, the keys.
func (s replacementScreen) Update(msg tea.Msg) (replacementScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionMsg:
		s = s.withSession(msg)
		return s, s.loadRecords()
	case replRecordsMsg:
		if msg.err == nil {
			s.records = msg.recs
		}
		return s, nil
	case replNurseAddedMsg:
		return s.nurseAdded(msg)
	case replPreparedMsg:
		if msg.seq != s.seq || s.step != replPreparing {
			return s, nil
		}
		s.step, s.pack, s.warnings, s.refused, s.contract = replPreview, msg.pack, msg.warnings, "", msg.contract
		if msg.err != nil {
			s.refused = userMessage(msg.err)
		}
		s.layout()
		return s, nil
	case replReturnMsg:
		if msg.seq != s.seq || s.step != replPreparing {
			return s, nil
		}
		s.step, s.ret, s.refused, s.review = replPreview, msg.ret, "", msg.review
		if msg.err != nil {
			s.refused = userMessage(frenchReplError(msg.err))
		}
		s.layout()
		return s, nil
	case replWrittenMsg:
		if msg.seq != s.seq || s.step != replWriting {
			return s, nil
		}
		if msg.err != nil {
			err := frenchReplError(msg.err)
			s.step, s.problem = replPreview, userMessage(err)
			s.layout()
			// Also through the root, so the failure is logged.
			return s, send(errMsg{"write replacement file", err, originOf(replacementTab)})
		}
		s.step, s.path = replDone, msg.path
		// The passphrase has done its work: it stays in memory no longer
		// than needed.
		s.key = packfile.Key{Recipient: s.key.Recipient}
		s.in[rfPass].SetValue("")
		s.in[rfPassAgain].SetValue("")
		s.outAuto = false
		return s, tea.Batch(statusCmd("Fichier écrit."), s.loadRecords())
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	case tea.PasteMsg:
		if s.Capturing() && s.step != replAdding {
			return s.updateInput(msg)
		}
	}
	return s, nil
}

func (s replacementScreen) updateKey(msg tea.KeyPressMsg) (replacementScreen, tea.Cmd) {
	if s.svc == nil || s.side == replLoading {
		return s, nil
	}
	k := s.keys
	switch s.step {
	case replAdding:
		return s.updateAdding(msg)
	case replPreparing, replWriting:
		// Esc abandons the wait; the answer, when it comes, is dropped by
		// its seq. A write under way still finishes: it is atomic.
		if key.Matches(msg, k.Back) {
			s.seq++
			s.step = replForm
		}
		return s, nil
	case replPreview:
		switch {
		case key.Matches(msg, k.Back):
			s.step, s.problem = replForm, ""
			return s, nil
		case key.Matches(msg, k.Export) && s.refused == "":
			return s.write()
		}
		var cmd tea.Cmd
		s.vp, cmd = s.vp.Update(msg)
		return s, cmd
	case replDone:
		if key.Matches(msg, k.Back) {
			s.step, s.problem = replForm, ""
			s.applyFocus()
		}
		return s, nil
	}

	fs := s.fields()
	switch {
	case key.Matches(msg, k.Back):
		// Out of the text fields, so that the screen keys work again.
		s.problem = ""
		s.focus = fs[0]
		s.applyFocus()
		return s, nil
	case key.Matches(msg, k.Up):
		s.move(-1)
		return s, nil
	case key.Matches(msg, k.Down):
		s.move(1)
		return s, nil
	case key.Matches(msg, k.Next):
		if s.focus == fs[len(fs)-1] {
			return s.prepare()
		}
		s.move(1)
		return s, nil
	case !isReplText(s.focus) && key.Matches(msg, k.Preview):
		return s.prepare()
	case s.side == replTitulaire && !isReplText(s.focus) && key.Matches(msg, addNurseKey):
		s.add, s.step, s.problem = newReplAddForm(s.w), replAdding, ""
		return s, nil
	case !isReplText(s.focus) && key.Matches(msg, k.Choose):
		step := 1
		if msg.String() == "left" {
			step = -1
		}
		s.problem = ""
		if s.focus == rfMode {
			s.byKey = !s.byKey
			return s, nil
		}
		if n := len(s.candidates); n > 0 {
			s.pick = (s.pick + step + n) % n
			s.followNurse()
		}
		return s, nil
	}
	if isReplText(s.focus) {
		return s.updateInput(msg)
	}
	return s, nil
}

// updateInput types into the focused field; a field the nurse types in
// stops following the defaults.
func (s replacementScreen) updateInput(msg tea.Msg) (replacementScreen, tea.Cmd) {
	f := s.focus
	before := s.in[f].Value()
	var cmd tea.Cmd
	s.in[f], cmd = s.in[f].Update(msg)
	if s.in[f].Value() != before {
		s.problem = ""
		switch f {
		case rfOut:
			s.outAuto = false
		case rfShare:
			s.shareAuto = false
		case rfFrom:
			s.followNurse()
		}
	}
	return s, cmd
}

// SetSize gives the screen its room.
func (s *replacementScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.layout()
}

// SetStyles restyles the screen after a background change.
func (s *replacementScreen) SetStyles(st *styles) {
	s.styles = st
	s.layout()
}

func (s *replacementScreen) layout() {
	for f := range s.in {
		s.in[f].SetWidth(max(s.w-replLabelWidth-6, 10))
	}
	s.vp.SetWidth(s.w)
	s.vp.SetHeight(max(s.h-2, 1))
	if s.step == replPreview {
		s.vp.SetContent(s.previewText())
	}
}

// Keys is the help for what the screen allows now.
func (s replacementScreen) Keys() help.KeyMap {
	k := s.keys
	if s.svc == nil || s.side == replLoading {
		return keyList{}
	}
	switch s.step {
	case replAdding:
		return keyList{k.Next, k.Up, k.Down, k.Back}
	case replPreparing, replWriting, replDone:
		return keyList{k.Back}
	case replPreview:
		if s.refused != "" {
			return keyList{k.ScrollUp, k.ScrollDown, k.Back}
		}
		return keyList{k.Export, k.ScrollUp, k.ScrollDown, k.Back}
	}
	next := k.Next
	fs := s.fields()
	if s.focus == fs[len(fs)-1] {
		next.SetHelp("entrée", "aperçu")
	}
	if isReplText(s.focus) {
		return keyList{next, k.Up, k.Down, k.Back}
	}
	if s.side == replTitulaire {
		return keyList{k.Choose, k.Preview, addNurseKey, k.Up, k.Down}
	}
	return keyList{k.Choose, k.Preview, k.Up, k.Down}
}
