package tui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/paulmach/orb"

	"tournee/geo"
	"tournee/patients"
)

// addressInput is the address step of the patient form: a street line that
// autocompletes from the offline BAN index, the rest of the postal address,
// and the coordinates, picked from the index or typed.
//
// It is a small component of its own rather than a huh field: a huh input
// only completes inline from a list it already holds, so it has no room for
// ranked candidates with their score under the field, nor for answers that
// arrive later from a command.
type addressInput struct {
	geo    Geocoder
	styles *styles
	keys   addressKeys
	inputs [addrFieldCount]textinput.Model
	focus  addrField
	width  int

	cands     []geo.Candidate
	sel       int // highlighted candidate, -1 for none
	seq       int // numbers lookups; an answer with another number is stale
	searching bool
	answered  bool // the last lookup came back (with or without candidates)
	noIndex   bool
	failed    bool

	// point and source are the coordinates as set by a pick or the stored
	// patient; pointText is how they were written in the coordinates field,
	// so an edit of that field is told from them.
	point     orb.Point
	source    patients.CoordSource
	pointText string
	cleared   bool // the address changed and took its coordinates with it
	coordErr  string
	coordWarn string
	// coordEdited is set once the coordinates are typed after the last
	// save attempt: the live check then replaces the save's message.
	coordEdited bool

	// done is set by enter on the last field: the form moves on.
	done bool
}

type addrField int

const (
	addrLine addrField = iota
	addrComplement
	addrPostcode
	addrCity
	addrCoords
	addrFieldCount
)

// addressDebounce lets the nurse finish a word before the index is asked.
const addressDebounce = 150 * time.Millisecond

// addressCandidates is how many answers are shown under the street.
const addressCandidates = 5

type (
	addressDebounceMsg struct{ seq int }
	addressFoundMsg    struct {
		seq   int
		cands []geo.Candidate
		err   error
	}
)

type addressKeys struct{ Next, Prev, Up, Down, Pick, Close key.Binding }

func newAddressKeys() addressKeys {
	return addressKeys{
		Next:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "champ suivant")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("maj+tab", "champ précédent")),
		Up:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "proposition précédente")),
		Down:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "proposition suivante")),
		Pick:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "choisir")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "fermer les propositions")),
	}
}

func newAddressInput(g Geocoder, st *styles, a patients.Address, seq int) addressInput {
	in := addressInput{geo: g, styles: st, keys: newAddressKeys(), sel: -1, seq: seq}
	values := [addrFieldCount]string{a.Line, a.Complement, a.PostalCode, a.City, ""}
	if a.HasCoordinates() {
		in.point, in.source = a.Point, a.Source
		in.pointText = formatPoint(a.Point)
		values[addrCoords] = in.pointText
	}
	for i := range in.inputs {
		t := textinput.New()
		t.Prompt = ""
		quietCursor(&t)
		t.SetWidth(56)
		t.SetValue(values[i])
		in.inputs[i] = t
	}
	in.inputs[addrCoords].Placeholder = "latitude, longitude"
	in.setWidth(60)
	return in
}

// formatPoint writes a point the way ParseCoordinates reads it: latitude first.
func formatPoint(p orb.Point) string {
	return strconv.FormatFloat(p.Lat(), 'f', 6, 64) + ", " + strconv.FormatFloat(p.Lon(), 'f', 6, 64)
}

func (a *addressInput) setWidth(w int) {
	a.width = max(w, 30)
	for i := range a.inputs {
		a.inputs[i].SetWidth(a.width - 4)
	}
	a.inputs[addrPostcode].SetWidth(8)
	a.inputs[addrCity].SetWidth(max(a.width-20, 10))
	for i := range a.inputs {
		// The input scrolls its text only when the cursor moves.
		a.inputs[i].CursorEnd()
	}
}

// Focus puts the cursor in the current field.
func (a *addressInput) Focus() tea.Cmd { return a.inputs[a.focus].Focus() }

func (a *addressInput) setFocus(f addrField) tea.Cmd {
	a.inputs[a.focus].Blur()
	a.focus = max(0, min(f, addrFieldCount-1))
	return a.inputs[a.focus].Focus()
}

// listOpen reports whether candidates are shown, so that esc closes them
// instead of leaving the form.
func (a addressInput) listOpen() bool { return a.focus == addrLine && len(a.cands) > 0 }

func (a addressInput) Update(msg tea.Msg) (addressInput, tea.Cmd) {
	switch msg := msg.(type) {
	case addressDebounceMsg:
		if msg.seq != a.seq || a.geo == nil {
			return a, nil
		}
		a.searching = true
		return a, findAddresses(a.geo, a.seq, a.query())
	case addressFoundMsg:
		if msg.seq != a.seq {
			return a, nil // typed over since: a newer lookup is coming
		}
		a.searching, a.answered, a.cands, a.sel = false, true, nil, -1
		a.noIndex, a.failed = errors.Is(msg.err, geo.ErrNoIndex), false
		if msg.err == nil {
			a.cands = msg.cands
		} else if !a.noIndex {
			a.failed = true
		}
		return a, nil
	case tea.KeyPressMsg:
		switch {
		case a.listOpen() && key.Matches(msg, a.keys.Down):
			a.sel = min(a.sel+1, len(a.cands)-1)
			return a, nil
		case a.listOpen() && key.Matches(msg, a.keys.Up):
			a.sel = max(a.sel-1, -1)
			return a, nil
		case a.listOpen() && key.Matches(msg, a.keys.Close):
			a.cands, a.sel = nil, -1
			return a, nil
		case key.Matches(msg, a.keys.Pick):
			if a.focus == addrLine && a.sel >= 0 && a.sel < len(a.cands) {
				a = a.pick(a.cands[a.sel])
				return a, a.setFocus(addrComplement)
			}
			if a.focus == addrFieldCount-1 {
				a.done = true
				return a, nil
			}
			return a, a.setFocus(a.focus + 1)
		case key.Matches(msg, a.keys.Next, a.keys.Down):
			if a.focus == addrFieldCount-1 {
				a.done = true
				return a, nil
			}
			return a, a.setFocus(a.focus + 1)
		case key.Matches(msg, a.keys.Prev, a.keys.Up):
			return a, a.setFocus(a.focus - 1)
		}
	case tea.PasteMsg:
	default:
		return a, nil
	}
	f := a.focus
	before := a.inputs[f].Value()
	var cmd tea.Cmd
	a.inputs[f], cmd = a.inputs[f].Update(msg)
	if a.inputs[f].Value() == before {
		return a, cmd
	}
	return a.edited(f, cmd)
}

// edited reacts to a change of field f.
func (a addressInput) edited(f addrField, cmd tea.Cmd) (addressInput, tea.Cmd) {
	if f == addrCoords {
		a.checkCoords()
		return a, cmd
	}
	if f == addrLine || f == addrPostcode || f == addrCity {
		a.forgetDerivedPoint()
	}
	if f != addrLine {
		return a, cmd
	}
	// Every change gets a new number, so answers to what was typed before
	// are dropped even when no new lookup is made.
	a.seq++
	a.answered = false
	if a.geo == nil || !lookupWorthy(a.inputs[addrLine].Value()) {
		a.cands, a.sel, a.searching = nil, -1, false
		return a, cmd
	}
	seq := a.seq
	return a, tea.Batch(cmd, tea.Tick(addressDebounce, func(time.Time) tea.Msg { return addressDebounceMsg{seq} }))
}

// forgetDerivedPoint drops coordinates that came from the address (a pick,
// an import) once the address changes: they would place the patient at the
// old door. Typed coordinates stay, they do not depend on the text.
func (a *addressInput) forgetDerivedPoint() {
	if a.source == patients.CoordNone || a.source == patients.CoordManual {
		return
	}
	if strings.TrimSpace(a.inputs[addrCoords].Value()) == a.pointText {
		a.inputs[addrCoords].SetValue("")
		a.cleared = true
	}
	a.point, a.source, a.pointText = orb.Point{}, patients.CoordNone, ""
}

func (a *addressInput) checkCoords() {
	a.coordErr, a.coordWarn, a.cleared, a.coordEdited = "", "", false, true
	txt := strings.TrimSpace(a.inputs[addrCoords].Value())
	if txt == "" || txt == a.pointText {
		return
	}
	_, far, err := geo.ParseCoordinates(txt)
	switch {
	case err != nil:
		a.coordErr = err.Error()
	case far:
		a.coordWarn = "point hors de la France métropolitaine : vérifiez l'ordre latitude, longitude"
	}
}

// lookupWorthy is true once the street has a few letters: digits alone are
// a house number, which the index cannot search.
func lookupWorthy(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3
}

// query is the street completed by whatever postcode and town are typed.
func (a addressInput) query() string {
	q := strings.TrimSpace(a.inputs[addrLine].Value())
	town := strings.TrimSpace(a.inputs[addrPostcode].Value() + " " + a.inputs[addrCity].Value())
	if town != "" {
		q += ", " + town
	}
	return q
}

func findAddresses(g Geocoder, seq int, text string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cs, err := g.GeoFind(ctx, text, addressCandidates)
		return addressFoundMsg{seq: seq, cands: cs, err: err}
	}
}

// pick fills the address from a candidate « 12 bis Rue du Moulin, 62100 Calais ».
func (a addressInput) pick(c geo.Candidate) addressInput {
	line, town := c.Label, ""
	if i := strings.LastIndex(c.Label, ", "); i >= 0 {
		line, town = c.Label[:i], c.Label[i+2:]
	}
	postcode, city := "", town
	if pc, rest, ok := strings.Cut(town, " "); ok && len(pc) == 5 && strings.Trim(pc, "0123456789") == "" {
		postcode, city = pc, rest
	}
	a.inputs[addrLine].SetValue(line)
	a.inputs[addrPostcode].SetValue(postcode)
	a.inputs[addrCity].SetValue(city)
	a.point, a.source = orb.Point{c.Lon, c.Lat}, patients.CoordBAN
	a.pointText = formatPoint(a.point)
	a.inputs[addrCoords].SetValue(a.pointText)
	a.coordErr, a.coordWarn, a.cleared = "", "", false
	a.cands, a.sel, a.searching = nil, -1, false
	a.seq++ // an answer still on its way would reopen the list
	return a
}

// address returns orig with what the step holds; the error is for the
// coordinates field.
func (a addressInput) address(orig patients.Address) (patients.Address, *patients.ValidationError) {
	out := orig
	val := func(f addrField) string { return strings.TrimSpace(a.inputs[f].Value()) }
	out.Line, out.Complement, out.PostalCode, out.City = val(addrLine), val(addrComplement), val(addrPostcode), val(addrCity)
	if out.Line != orig.Line || out.PostalCode != orig.PostalCode || out.City != orig.City {
		out.INSEE = ""
	}
	txt := val(addrCoords)
	switch {
	case txt == "":
		out.Point, out.Source = orb.Point{}, patients.CoordNone
	case txt == a.pointText && a.source != patients.CoordNone:
		out.Point, out.Source = a.point, a.source
	default:
		p, _, err := geo.ParseCoordinates(txt)
		if err != nil {
			return out, &patients.ValidationError{Field: "coordonnées", Msg: err.Error()}
		}
		out.Point, out.Source = p, patients.CoordManual
	}
	return out, nil
}

func (a addressInput) View(fieldErrs map[string]string) string {
	st := a.styles
	var lines []string
	label := func(f addrField, text string) {
		if f == a.focus {
			lines = append(lines, st.Accent.Render("› "+text))
		} else {
			lines = append(lines, st.Label.Render("  "+text))
		}
	}
	input := func(f addrField) string { return "  " + a.inputs[f].View() }

	label(addrLine, "Numéro et rue")
	lines = append(lines, input(addrLine))
	lines = append(lines, a.candidatesView()...)
	label(addrComplement, "Complément (bâtiment, étage, appartement)")
	lines = append(lines, input(addrComplement))

	pcLabel := st.Label.Render("  Code postal")
	if a.focus == addrPostcode {
		pcLabel = st.Accent.Render("› Code postal")
	}
	cityLabel := st.Label.Render("Commune")
	if a.focus == addrCity {
		cityLabel = st.Accent.Render("› Commune")
	}
	lines = append(lines, fit(pcLabel, 16)+cityLabel)
	lines = append(lines, fit(input(addrPostcode), 16)+a.inputs[addrCity].View())

	coordsLabel := "Coordonnées (latitude, longitude)"
	if a.source != patients.CoordNone && strings.TrimSpace(a.inputs[addrCoords].Value()) == a.pointText {
		coordsLabel += " · " + sourceLabel(a.source)
	}
	label(addrCoords, coordsLabel)
	lines = append(lines, input(addrCoords))
	msg := a.coordErr
	if !a.coordEdited && fieldErrs["coordonnées"] != "" {
		msg = fieldErrs["coordonnées"]
	}
	switch {
	case msg != "":
		lines = append(lines, a.wrap(st.ErrorText, "⚠ "+msg)...)
	case a.coordWarn != "":
		lines = append(lines, a.wrap(st.Late, "⚠ "+a.coordWarn)...)
	case a.cleared:
		lines = append(lines, a.wrap(st.Late, "Coordonnées effacées : l'adresse a changé. Choisissez une proposition ou tapez-les.")...)
	case strings.TrimSpace(a.inputs[addrCoords].Value()) == "":
		lines = append(lines, a.wrap(st.NoCoords, "⚠ sans coordonnées : le patient n'apparaîtra ni sur la carte ni dans l'optimisation")...)
	}
	return strings.Join(lines, "\n")
}

func (a addressInput) wrap(st lipgloss.Style, text string) []string {
	var out []string
	for l := range strings.SplitSeq(ansi.Wrap(text, max(a.width-4, 10), ""), "\n") {
		out = append(out, "  "+st.Render(l))
	}
	return out
}

func (a addressInput) candidatesView() []string {
	st := a.styles
	if a.geo == nil || a.noIndex {
		return a.wrap(st.Muted, "Aucune base d'adresses importée (tournee geo import) : tapez les coordonnées, ex. 50.95, 1.85")
	}
	if a.focus != addrLine {
		return nil
	}
	switch {
	case a.failed:
		return a.wrap(st.Muted, "Recherche d'adresse impossible pour l'instant : tapez les coordonnées si besoin.")
	case a.searching && len(a.cands) == 0:
		return []string{"    " + st.Muted.Render("Recherche…")}
	case a.answered && len(a.cands) == 0 && lookupWorthy(a.inputs[addrLine].Value()):
		return []string{"    " + st.Muted.Render("Aucune adresse trouvée : vérifiez la rue, ou tapez les coordonnées.")}
	}
	var out []string
	w := max(a.width-14, 10)
	for i, c := range a.cands {
		score := fitRight(strconv.Itoa(int(c.Score*100+0.5))+" %", 6)
		if i == a.sel {
			out = append(out, "  "+st.Cursor.Render("▸ ")+st.Selected.Render(fit(c.Label, w)+score))
		} else {
			out = append(out, "    "+st.Value.Render(fit(c.Label, w))+st.Muted.Render(score))
		}
	}
	return out
}

// quietCursor stops the cursor blinking: a blink is a timer message every
// half second that redraws the whole screen for nothing.
func quietCursor(in *textinput.Model) {
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
}

// fit cuts or pads s to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + spaces(w-sw)
}

func fitRight(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return ansi.Truncate(s, w, "…")
	}
	return spaces(w-sw) + s
}
