package tui

import (
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// darDraft is what the DAR form edits. huh binds its fields by pointer, so
// the draft lives on the heap and survives the value copies of the screen
// (style.md §2 rule 9).
type darDraft struct {
	Cible, Donnees, Actions, Resultats string
	Flags                              []string
}

// Flag values of the multi-select; they never leave the form.
const (
	darUrgent         = "urgent"
	darForReplacement = "remplacant"
	darForDoctor      = "medecin"
)

// Keys of the form's fields, to know which one has the focus.
const (
	darFieldCible = "cible"
	darFieldFlags = "flags"
)

// same reports whether two drafts say the same thing.
func (d darDraft) same(o darDraft) bool {
	return d.Cible == o.Cible && d.Donnees == o.Donnees && d.Actions == o.Actions &&
		d.Resultats == o.Resultats && slices.Equal(d.Flags, o.Flags)
}

func (d *darDraft) has(flag string) bool { return slices.Contains(d.Flags, flag) }

// darCibles are offered as completions of the cible, after the ones
// already used for the patient. A constant table: the usual targets of
// transmissions ciblées at home.
var darCibles = [...]string{
	"Douleur", "Plaie", "Pansement", "Glycémie", "Hypoglycémie", "Chute",
	"Risque de chute", "Risque d'escarre", "Escarre", "Alimentation",
	"Hydratation", "Élimination", "Constipation", "Sommeil", "Anxiété",
	"Confusion", "Comportement", "Refus de soin", "Observance du traitement",
	"Anticoagulant", "Insuline", "Tension artérielle", "Température", "Fièvre",
	"Dyspnée", "Œdèmes", "Voie veineuse", "Perfusion", "Sonde urinaire",
	"Stomie", "Mobilité", "Autonomie", "Hygiène", "État cutané", "Poids",
	"Entourage", "Retour d'hospitalisation", "Fin de vie",
}

// cibleSuggestions puts the patient's own cibles first (newest first): the
// nurse usually follows up on the same target.
func cibleSuggestions(hist []patients.Transmission) []string {
	seen := make(map[string]bool, len(hist)+len(darCibles))
	out := make([]string, 0, len(hist)+len(darCibles))
	add := func(c string) {
		c = strings.TrimSpace(c)
		if k := patients.Fold(c); c != "" && !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	for _, t := range hist {
		add(t.Cible)
	}
	for _, c := range darCibles {
		add(c)
	}
	return out
}

// darKeys drive the form. The huh keymap is built from the same bindings,
// so the French help line and the behaviour cannot drift apart.
type darKeys struct {
	Save, Cancel, Next, Prev, NewLine, Complete, Toggle key.Binding
	Abandon, Resume                                     key.Binding
}

func newDARKeys() darKeys {
	return darKeys{
		Save:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "enregistrer")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "annuler")),
		Next:     key.NewBinding(key.WithKeys("tab", "enter"), key.WithHelp("tab/entrée", "champ suivant")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("maj+tab", "champ précédent")),
		NewLine:  key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+entrée", "à la ligne")),
		Complete: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "compléter la cible")),
		Toggle:   key.NewBinding(key.WithKeys("space", "x", "enter"), key.WithHelp("espace", "cocher")),
		// Not enter: a reflex must not throw a note away.
		Abandon: key.NewBinding(key.WithKeys("o", "y"), key.WithHelp("o", "oui, abandonner")),
		Resume:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "non, continuer")),
	}
}

// darNever is a binding no key matches: huh's own quit and submit, which
// the screen replaces with ctrl+c at the root and its own save.
func darNever() key.Binding { return key.NewBinding(key.WithDisabled()) }

func (k darKeys) huhKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = darNever()
	km.Input.AcceptSuggestion = k.Complete
	km.Input.Next, km.Input.Prev, km.Input.Submit = k.Next, k.Prev, darNever()
	km.Text.Next, km.Text.Prev, km.Text.Submit = k.Next, k.Prev, darNever()
	km.Text.NewLine = k.NewLine
	// The external editor would write the notes to a world-readable temp file.
	km.Text.Editor = darNever()
	km.MultiSelect.Toggle = k.Toggle
	km.MultiSelect.Next, km.MultiSelect.Prev, km.MultiSelect.Submit = k.Next, k.Prev, darNever()
	km.MultiSelect.Filter, km.MultiSelect.SelectAll, km.MultiSelect.SelectNone = darNever(), darNever(), darNever()
	return km
}

// darForm is the open DAR form: the draft, the huh form editing it, and
// what the transmission is tied to. The zero value is a closed form.
type darForm struct {
	draft     *darDraft
	initial   darDraft // as opened: giving up an untouched draft asks nothing
	form      *huh.Form
	theme     *huh.Styles // shared with the form; restyled in place
	patientID xid.ID
	visitID   xid.ID
	corrects  xid.ID
	correctOf string   // « d'hier à 19h10 »: when the corrected one was written
	errs      []string // French validation messages, shown above the fields
	confirm   bool     // « Abandonner la transmission ? » is asked
	saving    bool
	op        string // of the save in flight, to recognise its errMsg
	w, h      int
}

func (d darForm) open() bool { return d.form != nil }

// newDARForm opens the form on a draft; corrected is the transmission being
// corrected, or nil.
func newDARForm(st *styles, keys darKeys, patientID, visitID xid.ID, corrected *patients.Transmission,
	hist []patients.Transmission, now time.Time, w, h int,
) (darForm, tea.Cmd) {
	d := darForm{draft: &darDraft{}, patientID: patientID, visitID: visitID, w: w, h: h}
	if corrected != nil {
		// A correction starts from what was written, so the nurse only fixes
		// the wrong part; it keeps the visit the original was written at.
		c := corrected
		d.corrects, d.correctOf, d.visitID = c.ID, transOf(c.At, now), c.VisitID
		d.draft.Cible, d.draft.Donnees, d.draft.Actions, d.draft.Resultats = c.Cible, c.Donnees, c.Actions, c.Resultats
		if c.Urgent {
			d.draft.Flags = append(d.draft.Flags, darUrgent)
		}
		if c.ForReplacement {
			d.draft.Flags = append(d.draft.Flags, darForReplacement)
		}
		if c.ForDoctor {
			d.draft.Flags = append(d.draft.Flags, darForDoctor)
		}
	}
	d.initial = *d.draft
	d.initial.Flags = slices.Clone(d.draft.Flags)
	d.theme = huhStyles(st, d.roomy())
	theme := d.theme
	lines := d.textLines()
	text := func(title, placeholder string, v *string) *huh.Text {
		return huh.NewText().Title(title).Placeholder(placeholder).Lines(lines).
			CharLimit(4000).ExternalEditor(false).Value(v)
	}
	d.form = huh.NewForm(huh.NewGroup(
		huh.NewInput().Key(darFieldCible).Title("Cible").Prompt("› ").
			Placeholder("douleur, plaie, glycémie, chute…").CharLimit(80).
			Suggestions(cibleSuggestions(hist)).Value(&d.draft.Cible),
		text("Données", "ce que vous observez, ce que dit le patient", &d.draft.Donnees),
		text("Actions", "ce que vous avez fait", &d.draft.Actions),
		text("Résultats", "l'effet obtenu, ce qui reste à surveiller", &d.draft.Resultats),
		// Height is set because huh v2.0.3 otherwise takes the title's line
		// from the options and hides the last one.
		huh.NewMultiSelect[string]().Key(darFieldFlags).Title("Signaler").Filterable(false).Height(4).
			Options(
				huh.NewOption("Urgent", darUrgent),
				huh.NewOption("À lire par le remplaçant", darForReplacement),
				huh.NewOption("Pour le médecin / DMP", darForDoctor),
			).Value(&d.draft.Flags),
	)).
		WithShowHelp(false).
		WithShowErrors(false).
		WithKeyMap(keys.huhKeyMap()).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return theme }))
	d.layout()
	return d, d.form.Init()
}

// roomy reports whether there is height for blank lines between fields.
func (d darForm) roomy() bool { return d.h >= 30 }

// textLines sizes the three text areas to the height: 2 lines on a laptop
// terminal of 24 rows, up to 5 on a tall one.
func (d darForm) textLines() int {
	avail := d.h - darHeaderLines
	if d.roomy() {
		return min(5, max(2, (avail-10)/3-1))
	}
	return max(1, (avail-6)/3-1)
}

func (d darForm) width() int { return min(d.w, 100) }

// darHeaderLines is the height of the form's header: title, context, and a
// line for the question or the saving notice.
const darHeaderLines = 3

// layout fits the form under its header and error lines.
func (d *darForm) layout() {
	if d.form == nil {
		return
	}
	d.form.WithWidth(d.width())
	d.form.WithHeight(max(d.h-darHeaderLines-len(d.errs), 3))
}

func (d *darForm) setSize(w, h int) {
	d.w, d.h = w, h
	d.layout()
}

// restyle repaints the open form in place: huh fields keep the theme they
// were first given, so the shared styles are overwritten rather than replaced.
func (d *darForm) restyle(st *styles) {
	if d.theme != nil {
		*d.theme = *huhStyles(st, d.roomy())
	}
}

// focused is the key of the field with the cursor.
func (d darForm) focused() string {
	if d.form == nil {
		return ""
	}
	if f := d.form.GetFocusedField(); f != nil {
		return f.GetKey()
	}
	return ""
}

// transmission builds what will be stored from the draft.
func (d darForm) transmission(author xid.ID, at time.Time) patients.Transmission {
	dr := d.draft
	return patients.Transmission{
		PatientID:      d.patientID,
		AuthorID:       author,
		At:             at,
		Cible:          strings.TrimSpace(dr.Cible),
		Donnees:        strings.TrimSpace(dr.Donnees),
		Actions:        strings.TrimSpace(dr.Actions),
		Resultats:      strings.TrimSpace(dr.Resultats),
		Urgent:         dr.has(darUrgent),
		ForReplacement: dr.has(darForReplacement),
		ForDoctor:      dr.has(darForDoctor),
		VisitID:        d.visitID,
		Corrects:       d.corrects,
	}
}

// update handles a message while the form is open. It returns the
// transmission to store when the nurse saved a valid draft, and cancel when
// she gave the draft up; an invalid draft stays open with its messages.
func (d darForm) update(msg tea.Msg, keys darKeys, author xid.ID, now time.Time) (_ darForm, cmd tea.Cmd, save *patients.Transmission, cancel bool) {
	submit := false
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case d.saving:
			return d, nil, nil, false
		case d.confirm:
			switch {
			case key.Matches(km, keys.Abandon):
				return d, nil, nil, true
			case key.Matches(km, keys.Resume):
				d.confirm = false
			}
			return d, nil, nil, false
		case key.Matches(km, keys.Save):
			submit = true
		case key.Matches(km, keys.Cancel):
			d.confirm = !d.draft.same(d.initial)
			return d, nil, nil, !d.confirm
		case key.Matches(km, keys.Next) && km.String() == "tab" && d.focused() == darFieldFlags:
			// The last field wraps to the cible instead of doing nothing;
			// saving stays on ctrl+s so a stray tab never stores a draft.
			var cmds []tea.Cmd
			for range 4 {
				cmds = append(cmds, d.form.PrevField())
			}
			return d, tea.Batch(cmds...), nil, false
		case key.Matches(km, keys.Next) && d.focused() != darFieldFlags:
			// Move now, not through huh's NextField command: the letters
			// a fast typist sends right after tab would otherwise land in
			// the field being left (« plaie talonR », found in tmux).
			return d, d.form.NextField(), nil, false
		case key.Matches(km, keys.Prev):
			return d, d.form.PrevField(), nil, false
		}
	}
	if !submit {
		m, c := d.form.Update(msg)
		if f, ok := m.(*huh.Form); ok {
			d.form = f
		}
		cmd = c
		submit = d.form.State == huh.StateCompleted
		if d.form.State == huh.StateAborted {
			return d, cmd, nil, true
		}
	}
	t := d.transmission(author, now)
	err := t.Validate()
	switch {
	case submit && err == nil:
		d.setErrs(nil)
		d.saving = true
		d.op = "add transmission for patient " + t.PatientID.String()
		return d, cmd, &t, false
	case submit:
		d.setErrs(validationMessages(err))
	case len(d.errs) > 0:
		// Once shown, the messages follow the typing: a fixed field clears its line.
		var errs []string
		if err != nil {
			errs = validationMessages(err)
		}
		d.setErrs(errs)
	}
	return d, cmd, nil, false
}

// validationMessages turns a save error into the lines shown in the form.
func validationMessages(err error) []string {
	var verrs patients.ValidationErrors
	var verr *patients.ValidationError
	switch {
	case errors.As(err, &verrs):
		out := make([]string, len(verrs))
		for i, e := range verrs {
			out[i] = darUpperFirst(e.Msg)
		}
		return out
	case errors.As(err, &verr):
		return []string{darUpperFirst(verr.Msg)}
	}
	return []string{userMessage(err)}
}

func darUpperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// setErrs shows validation messages and gives the form the remaining room.
func (d *darForm) setErrs(errs []string) {
	d.errs = errs
	d.layout()
}

// view draws the header (what is being written, for whom, by whom), the
// validation messages, then the fields.
func (d darForm) view(st *styles, patient, author string) string {
	w := d.width()
	title := "Nouvelle transmission"
	if !d.corrects.IsZero() {
		title = "Correction"
	}
	head := st.Section.Render(title)
	if patient != "" {
		head += st.Muted.Render(" — ") + st.Bold.Render(patient)
	}
	var ctx []string
	if author != "" {
		ctx = append(ctx, "par "+author)
	}
	if !d.corrects.IsZero() {
		ctx = append(ctx, "corrige la transmission "+d.correctOf)
	}
	if !d.visitID.IsZero() {
		ctx = append(ctx, "rattachée à la visite")
	}
	var third string
	switch {
	case d.confirm:
		third = st.Strict.Render("Abandonner la transmission ?") + st.Muted.Render("  o : oui · n : non, continuer")
	case d.saving:
		third = st.Muted.Render("Enregistrement…")
	}
	lines := make([]string, 0, darHeaderLines+len(d.errs)+1)
	lines = append(lines,
		transClip(head, w),
		transClip(st.Muted.Render(strings.Join(ctx, " · ")), w),
		transClip(third, w))
	for _, e := range d.errs {
		lines = append(lines, transClip(st.ErrorText.Render("⚠ "+e), w))
	}
	lines = append(lines, d.form.View())
	return strings.Join(lines, "\n")
}

// The rest of the file is how a DAR reads: the history pane of the screen.

// darEntry is a transmission with what the history knows around it.
type darEntry struct {
	t            patients.Transmission
	bar          string // selection mark, drawn before every line
	author, when string
	correctsOf   string // when the one it corrects was written, if listed
	corrected    bool   // a later transmission corrects this one
}

// appendDAR draws one transmission: when and who, the cible and its flags,
// what it corrects, then D, A and R with a hanging indent.
func appendDAR(lines []string, st *styles, e darEntry, w int) []string {
	t, bar := e.t, e.bar
	author := e.author
	if author == "" {
		author = "auteur inconnu"
	}
	lines = append(lines, transClip(bar+st.Bold.Render(e.when)+st.Muted.Render(" · "+author), w))
	var tags []string
	if t.Urgent {
		tags = append(tags, st.Alert.Render("⚠ URGENT"))
	}
	if t.ForReplacement {
		tags = append(tags, st.Unread.Render("remplaçant"))
	}
	if t.ForDoctor {
		tags = append(tags, st.Accent.Render("médecin"))
	}
	if e.corrected {
		tags = append(tags, st.Late.Render("corrigée"))
	}
	lines = append(lines, transClip(bar+st.Section.Render(t.Cible)+"  "+strings.Join(tags, st.Muted.Render(" · ")), w))
	if !t.Corrects.IsZero() {
		ref := "une transmission antérieure"
		if e.correctsOf != "" {
			ref = "la transmission " + e.correctsOf
		}
		lines = append(lines, transClip(bar+st.Muted.Render("↳ corrige "+ref), w))
	}
	text := st.Value
	if e.corrected {
		// Superseded, kept for the record: readable but quieter.
		text = st.Muted
	}
	const labelW = 11
	for _, part := range [...][2]string{{"Données", t.Donnees}, {"Actions", t.Actions}, {"Résultats", t.Resultats}} {
		if strings.TrimSpace(part[1]) == "" {
			continue
		}
		for j, l := range strings.Split(ansi.Wrap(part[1], max(w-2-labelW, 10), ""), "\n") {
			label := strings.Repeat(" ", labelW)
			if j == 0 {
				label = st.Label.Render(transPad(part[0], labelW))
			}
			lines = append(lines, bar+label+text.Render(l))
		}
	}
	return lines
}

// transWhen is how the history dates a transmission: « aujourd'hui, 7h10 »,
// « hier, 19h20 », « samedi 21 novembre, 9h45 », with the year when it is
// not this one.
func transWhen(at, now time.Time) string {
	d, today := patients.DateOf(at), patients.DateOf(now)
	day := french.Date(d)
	switch {
	case d == today:
		day = "aujourd'hui"
	case d == today.AddDays(-1):
		day = "hier"
	case d.Year != today.Year:
		day = french.LongDate(d)
	}
	return day + ", " + french.Time(at)
}

// transOf names when a transmission was written, in a sentence that reads
// like the history's dates: « d'hier à 19h10 », « du samedi 21 novembre à 7h20 ».
func transOf(at, now time.Time) string {
	d, today := patients.DateOf(at), patients.DateOf(now)
	day := "du " + french.Date(d)
	switch {
	case d == today:
		day = "d'aujourd'hui"
	case d == today.AddDays(-1):
		day = "d'hier"
	case d.Year != today.Year:
		day = "du " + french.LongDate(d)
	}
	return day + " à " + french.Time(at)
}

// transClip cuts a styled line to a width.
func transClip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// transPad pads a line with spaces to a width, for aligned columns.
func transPad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}
