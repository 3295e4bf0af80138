package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/french"
	"tournee/handover"
	"tournee/patients"
)

// replAdding is the step where the titulaire adds an outside remplaçante:
// most remplaçantes are not in the cabinet's base.
const replAdding replStep = 100

// The lines of the « nouvelle remplaçante » form.
const (
	afName = iota
	afRPPS
	afOrdre
	afAddress
	afAuthNumber
	afAuthUntil
	afCount
)

var addLabels = [afCount]string{"Prénom et nom", "RPPS", "N° à l'Ordre", "Adresse", "Autorisation n°", "Valable jusqu'au"}

// addNurseKey opens the form, from the titulaire's side.
var addNurseKey = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "nouvelle remplaçante"))

type (
	replRecordsMsg struct {
		recs []patients.ReplacementRecord
		err  error
	}
	replNurseAddedMsg struct {
		nurse    patients.Nurse
		warnings []string
		err      error
	}
)

// replAddForm is the form of an outside remplaçante.
type replAddForm struct {
	in      [afCount]textinput.Model
	focus   int
	problem string
}

func newReplAddForm(w int) replAddForm {
	var f replAddForm
	for i := range f.in {
		in := textinput.New()
		in.Prompt = ""
		quietCursor(&in)
		in.SetWidth(max(w-replLabelWidth-6, 10))
		f.in[i] = in
	}
	f.in[afName].Placeholder = "Claire Petit"
	f.in[afAddress].Placeholder = "12 rue des Lilas, 62000 Arras"
	f.in[afAuthUntil].Placeholder = "JJ/MM/AAAA"
	f.in[afName].Focus()
	return f
}

// nurse reads the form: a remplaçante without a practice of her own, whose
// authorisation is required (CSP R.4312-83). The problem is in French.
func (f replAddForm) nurse() (patients.Nurse, string) {
	v := func(i int) string { return strings.TrimSpace(f.in[i].Value()) }
	names := strings.Fields(v(afName))
	if len(names) < 2 {
		return patients.Nurse{}, "Indiquez le prénom puis le nom."
	}
	n := patients.Nurse{FirstName: names[0], LastName: strings.Join(names[1:], " "), RPPS: v(afRPPS), Ordre: v(afOrdre),
		Role: patients.Remplacante, TravelProfile: patients.Rural}
	if n.Ordre == "" {
		return n, "Le numéro d'inscription à l'Ordre figure au contrat : indiquez-le."
	}
	if a := v(afAddress); a != "" {
		ad := patients.Address{Line: a}
		n.Address = &ad
	}
	until, err := patients.ParseDate(v(afAuthUntil))
	if err != nil {
		return n, "Sans cabinet propre, l'autorisation de remplacement est obligatoire (CSP R.4312-83) : indiquez sa date de fin (JJ/MM/AAAA)."
	}
	n.Replacement = &patients.Replacement{AuthorisationNumber: v(afAuthNumber), AuthorisationUntil: until}
	return n, ""
}

func (f *replAddForm) move(delta int) {
	f.in[f.focus].Blur()
	f.focus = (f.focus + delta + afCount) % afCount
	f.in[f.focus].Focus()
	f.in[f.focus].CursorEnd()
}

// loadRecords asks the service for the cabinet's replacements.
func (s replacementScreen) loadRecords() tea.Cmd {
	lister, ok := s.svc.(interface {
		Replacements(ctx context.Context) ([]patients.ReplacementRecord, error)
	})
	if !ok || s.side != replTitulaire {
		return nil
	}
	return func() tea.Msg {
		recs, err := lister.Replacements(context.Background())
		return replRecordsMsg{recs: recs, err: err}
	}
}

// updateAdding handles the keys of the « nouvelle remplaçante » form.
func (s replacementScreen) updateAdding(msg tea.KeyPressMsg) (replacementScreen, tea.Cmd) {
	k := s.keys
	f := &s.add
	switch {
	case key.Matches(msg, k.Back):
		s.step = replForm
		s.applyFocus()
		return s, nil
	case key.Matches(msg, k.Up):
		f.move(-1)
		return s, nil
	case key.Matches(msg, k.Down):
		f.move(1)
		return s, nil
	case key.Matches(msg, k.Next):
		if f.focus < afCount-1 {
			f.move(1)
			return s, nil
		}
		n, problem := f.nurse()
		if f.problem = problem; problem != "" {
			return s, nil
		}
		adder, ok := s.svc.(interface {
			AddNurse(ctx context.Context, n *patients.Nurse) ([]string, error)
		})
		if !ok {
			f.problem = "L'ajout d'une infirmière n'est pas disponible ici."
			return s, nil
		}
		return s, func() tea.Msg {
			warns, err := adder.AddNurse(context.Background(), &n)
			return replNurseAddedMsg{nurse: n, warnings: warns, err: err}
		}
	}
	var cmd tea.Cmd
	f.in[f.focus], cmd = f.in[f.focus].Update(msg)
	f.problem = ""
	return s, cmd
}

// nurseAdded selects the new remplaçante in the form.
func (s replacementScreen) nurseAdded(msg replNurseAddedMsg) (replacementScreen, tea.Cmd) {
	if msg.err != nil {
		s.add.problem = userMessage(msg.err)
		return s, nil
	}
	s.candidates = append([]patients.Nurse{msg.nurse}, s.candidates...)
	s.pick, s.step, s.focus = 0, replForm, rfNurse
	s.followNurse()
	s.applyFocus()
	status := msg.nurse.FullName() + " ajoutée."
	if len(msg.warnings) > 0 {
		status += " Attention : " + strings.Join(msg.warnings, " ; ")
	}
	return s, statusCmd(status)
}

func (s replacementScreen) addText() string {
	st := s.styles
	lines := []string{st.Muted.Render(s.wrap("Une remplaçante extérieure au cabinet : sans cabinet propre, son autorisation de remplacement " +
		"(délivrée par l'Ordre, valable un an) est obligatoire ; aucun remplacement n'est préparé au-delà.")), ""}
	for i := range s.add.in {
		mark, label := "  ", st.Label.Render(fit(addLabels[i], replLabelWidth))
		if i == s.add.focus {
			mark, label = st.Cursor.Render("› "), st.Bold.Render(fit(addLabels[i], replLabelWidth))
		}
		lines = append(lines, ansi.Truncate(mark+label+s.add.in[i].View(), s.w, "…"))
	}
	lines = append(lines, "")
	if s.add.problem != "" {
		lines = append(lines, st.ErrorText.Render(s.wrap("⚠ "+s.add.problem)))
	} else {
		lines = append(lines, st.Muted.Render("Entrée sur la dernière ligne : enregistrer · Échap : revenir"))
	}
	return strings.Join(lines, "\n")
}

// recordLines list the cabinet's replacements under the form.
func (s replacementScreen) recordLines() []string {
	if len(s.records) == 0 {
		return nil
	}
	st := s.styles
	names := map[string]string{s.me.ID.String(): s.me.FullName()}
	for _, n := range s.candidates {
		names[n.ID.String()] = n.FullName()
	}
	lines := []string{"", st.Section.Render("Remplacements enregistrés")}
	for i, r := range s.records {
		if i == 5 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("  … et %d autre(s) : « tournee remplacements list --all »", len(s.records)-5)))
			break
		}
		var tits []string
		for _, t := range r.Titulaires {
			tits = append(tits, names[t.String()])
		}
		line := fmt.Sprintf("  %s en remplacement du %s au %s par %s", patients.NameList(tits), french.ShortDate(r.From), french.ShortDate(r.To),
			names[r.Remplacant.String()])
		switch {
		case !r.Active():
			line += " — annulé"
		case !r.ReturnImported.IsZero():
			line += " — retour importé"
		case !r.PackSent.IsZero():
			line += " — dossier envoyé"
		}
		lines = append(lines, ansi.Truncate(line, s.w, "…"))
	}
	return lines
}

// reviewReturn gathers the return, with what it holds and leaves behind
// when the service tells (replacement.Service does).
func reviewReturn(svc ReplacementService, seq int) tea.Cmd {
	return func() tea.Msg {
		if r, ok := svc.(interface {
			ReviewReturn(ctx context.Context) (handover.Return, handover.ReturnReview, error)
		}); ok {
			ret, review, err := r.ReviewReturn(context.Background())
			return replReturnMsg{seq: seq, ret: ret, review: review, err: err}
		}
		ret, err := svc.BuildReturn(context.Background())
		return replReturnMsg{seq: seq, ret: ret, err: err}
	}
}

// reviewLines are the return's content and what would stay on this
// laptop, before she writes it.
func (s replacementScreen) reviewLines() []string {
	st := s.styles
	var lines []string
	if len(s.review.Behind) > 0 {
		lines = append(lines, "")
		for _, b := range s.review.Behind {
			lines = append(lines, st.Late.Render(s.wrap("⚠ Resterait ici : "+b)))
		}
	}
	if len(s.review.Included) > 0 {
		lines = append(lines, "", st.Section.Render("Contenu du retour"))
		for _, l := range s.review.Included {
			lines = append(lines, "  "+ansi.Truncate(l, max(s.w-2, 10), "…"))
		}
	}
	return lines
}
