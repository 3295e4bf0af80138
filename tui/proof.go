package tui

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/billing"
	"tournee/french"
	"tournee/patients"
)

// ProofService writes a patient's « preuve de soins » (PDF and CSV) for a
// period into a folder (billing.ProofService): what a nurse hands the caisse
// in an indu dispute.
type ProofService interface {
	Write(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string) (billing.ProofFiles, error)
}

// proofMonths is the period proposed: the last three months, what a caisse
// usually questions first.
const proofMonths = 3

// proofAsk is « preuve de soins » from the patient file: the period and the
// folder asked on the file's first lines, then the files written.
type proofAsk struct {
	inputs   [3]textinput.Model // from, to, folder
	focus    int
	writing  bool
	from, to patients.Date
	files    *billing.ProofFiles
}

// proofWrittenMsg answers the write started from the file of patient id.
type proofWrittenMsg struct {
	id    xid.ID
	files billing.ProofFiles
	err   error
}

func (s patientsScreen) startProof() (patientsScreen, tea.Cmd) {
	if s.proofSvc == nil {
		return s, statusCmd("La preuve de soins n'est pas disponible ici.")
	}
	now := s.now()
	today := patients.DateOf(now)
	from := patients.DateOf(now.AddDate(0, -proofMonths, 0))
	var a proofAsk
	for i, v := range []struct{ prompt, value string }{
		{"du ", french.ShortDate(from)}, {"au ", french.ShortDate(today)}, {"Dossier : ", s.proofDir},
	} {
		in := textinput.New()
		in.Prompt = v.prompt
		in.SetValue(v.value)
		if i < 2 {
			in.CharLimit = 10
			in.SetWidth(11)
		}
		quietCursor(&in)
		a.inputs[i] = in
	}
	s.file.proof = &a
	return s, s.file.proof.inputs[0].Focus()
}

// updateProof takes the keys while the proof is asked or shown.
func (s patientsScreen) updateProof(k tea.KeyPressMsg) (patientsScreen, tea.Cmd) {
	a := *s.file.proof
	switch {
	case a.writing:
		return s, nil
	case a.files != nil || key.Matches(k, s.keys.Cancel):
		// The paths and the digest stay until she has read them.
		if key.Matches(k, s.keys.Cancel) {
			s.file.proof = nil
		}
		return s, nil
	case key.Matches(k, s.keys.NextField), key.Matches(k, s.keys.PrevField):
		a.inputs[a.focus].Blur()
		step := 1
		if key.Matches(k, s.keys.PrevField) {
			step = len(a.inputs) - 1
		}
		a.focus = (a.focus + step) % len(a.inputs)
		s.file.proof = &a
		return s, a.inputs[a.focus].Focus()
	case key.Matches(k, s.keys.EditPlan): // entrée
		from, err := parseFormDate(a.inputs[0].Value())
		if err == nil {
			var to patients.Date
			if to, err = parseFormDate(a.inputs[1].Value()); err == nil {
				a.from, a.to = from, to
			}
		}
		if err != nil {
			return s, statusCmd(capitalize(err.Error()) + ".")
		}
		if a.to.Before(a.from) || a.to.DaysSince(a.from) >= billing.MaxDays {
			return s, statusCmd("Période invalide : le premier jour doit précéder le dernier, un an au plus.")
		}
		dir := strings.TrimSpace(a.inputs[2].Value())
		if dir == "" {
			return s, statusCmd("Indiquez le dossier où écrire la preuve de soins.")
		}
		a.writing = true
		s.file.proof = &a
		svc, id, from, to := s.proofSvc, s.file.id, a.from, a.to
		return s, func() tea.Msg {
			files, err := svc.Write(context.Background(), id, from, to, dir)
			return proofWrittenMsg{id: id, files: files, err: err}
		}
	}
	var cmd tea.Cmd
	a.inputs[a.focus], cmd = a.inputs[a.focus].Update(k)
	s.file.proof = &a
	return s, cmd
}

// proofWritten shows where the files are, or why they are not.
func (s patientsScreen) proofWritten(msg proofWrittenMsg) (patientsScreen, tea.Cmd) {
	if msg.id != s.file.id || s.file.proof == nil {
		if msg.err != nil {
			return s, func() tea.Msg {
				return errMsg{"write proof of care of " + msg.id.String(), msg.err, originOf(patientsTab)}
			}
		}
		return s, nil
	}
	a := *s.file.proof
	a.writing = false
	if msg.err != nil {
		// Through the root, so the failure is logged (ids only); the
		// fields stay as typed to correct the folder.
		s.file.proof = &a
		return s, func() tea.Msg {
			return errMsg{"write proof of care of " + msg.id.String(), msg.err, originOf(patientsTab)}
		}
	}
	a.files = &msg.files
	s.file.proof = &a
	return s, statusCmd("Preuve de soins écrite : " + visitsWord(msg.files.Visits) + ".")
}

func visitsWord(n int) string {
	switch n {
	case 0:
		return "aucune visite faite sur la période"
	case 1:
		return "1 visite faite"
	}
	return strconv.Itoa(n) + " visites faites"
}

// proofPrompt is the lines under the file's head while a proof is asked or
// shown; "" when none.
func (s patientsScreen) proofPrompt() string {
	a := s.file.proof
	if a == nil {
		return ""
	}
	st := s.styles
	line := func(t string) string { return ansi.Truncate(t, s.w, "…") }
	switch {
	case a.writing:
		return line(st.Bold.Render("Preuve de soins ") + st.Muted.Render("écriture du PDF et du CSV…"))
	case a.files != nil:
		f := a.files
		return strings.Join([]string{
			line(st.Bold.Render("Preuve de soins "+french.Period(a.from, a.to)) + " : " + visitsWord(f.Visits)),
			line("PDF : " + f.PDF),
			line("CSV : " + f.CSV),
			line("Empreinte SHA-256 du CSV : " + f.SHA256),
			line(st.Muted.Render("échap fermer")),
		}, "\n")
	}
	return strings.Join([]string{
		line(st.Bold.Render("Preuve de soins ") + a.inputs[0].View() + "  " + a.inputs[1].View() + st.Muted.Render("  (JJ/MM/AAAA)")),
		line(a.inputs[2].View()),
		line(st.Muted.Render("entrée écrire le PDF et le CSV · tab champ suivant · échap annuler")),
	}, "\n")
}

// proofCapturing: the fields take the letters while the proof is asked.
func (f patientFile) proofCapturing() bool {
	return f.proof != nil && !f.proof.writing && f.proof.files == nil
}
