package tui

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/dmpexport"
	"tournee/french"
	"tournee/handover"
	"tournee/handover/dmp"
	"tournee/patients"
)

// DMPService prepares and writes a patient's DMP summary (dmpexport.Service).
type DMPService interface {
	Prepare(ctx context.Context, patientID xid.ID, from, to patients.Date) (dmp.Summary, error)
	ExportWith(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string, opt dmpexport.Options) (dmpexport.Result, error)
}

type dmpStep int

const (
	dmpPreparing dmpStep = iota
	dmpPreview
	dmpAskFolder
	dmpExporting
	dmpDone
)

// dmpPanel is « Préparer pour le DMP » from a patient file: the summary as
// it will be printed, then the folder, then the files written.
type dmpPanel struct {
	patientID xid.ID
	from, to  patients.Date
	step      dmpStep
	seq       int
	summary   dmp.Summary
	problem   string // why the summary cannot be made, in French
	files     []string
	version   int
	folder    textinput.Model
	// xdm: also write the IHE XDM package, to attach to an MSSanté message.
	xdm bool
	vp  viewport.Model
}

type (
	dmpPreparedMsg struct {
		seq     int
		summary dmp.Summary
		err     error
	}
	dmpExportedMsg struct {
		seq int
		res dmpexport.Result
		err error
	}
)

type dmpKeys struct {
	Export, Earlier, Later, Back, Confirm, XDM key.Binding
}

func newDMPKeys() dmpKeys {
	return dmpKeys{
		Export:  key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "exporter")),
		Earlier: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "période +1 semaine")),
		Later:   key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "période −1 semaine")),
		Back:    backKey(),
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "écrire les fichiers")),
		XDM:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "paquet MSSanté oui/non")),
	}
}

func newDMPPanel(patientID xid.ID, today patients.Date, folder string) *dmpPanel {
	in := textinput.New()
	in.Prompt = "Dossier : "
	in.SetValue(folder)
	quietCursor(&in)
	return &dmpPanel{patientID: patientID, from: today.AddDays(-dmpexport.DefaultDays + 1), to: today,
		folder: in, vp: viewport.New()}
}

// startDMP opens the panel on the file's patient and prepares the summary.
func (s patientsScreen) startDMP() (patientsScreen, tea.Cmd) {
	if s.dmpSvc == nil {
		return s, statusCmd("L'export DMP n'est pas disponible ici.")
	}
	s.dmp = newDMPPanel(s.file.id, patients.DateOf(s.now()), s.dmpDir)
	s.mode = dmpMode
	return s.prepareDMP()
}

func (s patientsScreen) prepareDMP() (patientsScreen, tea.Cmd) {
	d := *s.dmp
	d.seq++
	d.step, d.problem = dmpPreparing, ""
	s.dmp = &d
	svc, seq, id, from, to := s.dmpSvc, d.seq, d.patientID, d.from, d.to
	return s, func() tea.Msg {
		sum, err := svc.Prepare(context.Background(), id, from, to)
		return dmpPreparedMsg{seq: seq, summary: sum, err: err}
	}
}

func (s patientsScreen) updateDMP(msg tea.Msg) (patientsScreen, tea.Cmd) {
	if s.dmp == nil {
		s.mode = fileMode
		return s, nil
	}
	d := *s.dmp
	s.dmp = &d
	k := s.dmpKeys
	switch msg := msg.(type) {
	case dmpPreparedMsg:
		if msg.seq != d.seq {
			return s, nil
		}
		d.step = dmpPreview
		if msg.err != nil {
			// The reasons (no qualified INS, nothing in the period) are
			// for the nurse; they name no one but this patient.
			d.problem = userMessage(msg.err)
			return s, nil
		}
		d.summary = msg.summary
		s.layoutDMP()
		return s, nil
	case dmpExportedMsg:
		if msg.seq != d.seq {
			return s, nil
		}
		if msg.err != nil {
			d.step, d.problem = dmpPreview, userMessage(msg.err)
			// Also through the root, so the failure is logged (ids only).
			op, err := "export dmp of "+d.patientID.String(), msg.err
			return s, func() tea.Msg { return errMsg{op, err, originOf(patientsTab)} }
		}
		d.step, d.files, d.version = dmpDone, msg.res.Files, msg.res.Version
		return s, statusCmd("Synthèse DMP écrite (version " + strconv.Itoa(msg.res.Version) + ").")
	case tea.KeyPressMsg:
		switch d.step {
		case dmpAskFolder:
			switch {
			case key.Matches(msg, k.Back):
				d.step = dmpPreview
				d.folder.Blur()
				return s, nil
			case key.Matches(msg, k.XDM):
				d.xdm = !d.xdm
				return s, nil
			case key.Matches(msg, k.Confirm):
				dir := strings.TrimSpace(d.folder.Value())
				if dir == "" {
					return s, statusCmd("Indiquez un dossier (la clé USB, par exemple).")
				}
				d.folder.Blur()
				d.step = dmpExporting
				d.seq++
				svc, seq, id, from, to, opt := s.dmpSvc, d.seq, d.patientID, d.from, d.to, dmpexport.Options{XDM: d.xdm}
				return s, func() tea.Msg {
					res, err := svc.ExportWith(context.Background(), id, from, to, dir, opt)
					return dmpExportedMsg{seq: seq, res: res, err: err}
				}
			}
			var cmd tea.Cmd
			d.folder, cmd = d.folder.Update(msg)
			return s, cmd
		case dmpPreparing, dmpExporting:
			if key.Matches(msg, k.Back) {
				s.mode, s.dmp = fileMode, nil
			}
			return s, nil
		}
		switch {
		case key.Matches(msg, k.Back):
			s.mode, s.dmp = fileMode, nil
			return s, nil
		case key.Matches(msg, k.Export) && d.step == dmpPreview && d.problem == "":
			d.step = dmpAskFolder
			return s, d.folder.Focus()
		case key.Matches(msg, k.Earlier) && d.step == dmpPreview:
			d.from = d.from.AddDays(-7)
			return s.prepareDMP()
		case key.Matches(msg, k.Later) && d.step == dmpPreview && !d.to.Before(d.from.AddDays(7)):
			d.from = d.from.AddDays(7)
			return s.prepareDMP()
		}
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return s, cmd
	}
	return s, nil
}

func (s *patientsScreen) layoutDMP() {
	if s.dmp == nil {
		return
	}
	d := *s.dmp
	d.vp.SetWidth(s.w)
	d.vp.SetHeight(max(s.h-4, 1))
	d.vp.SetContent(reportText(d.summary.Report, s.w, s.styles))
	s.dmp = &d
}

func (s patientsScreen) dmpView() string {
	st, d := s.styles, s.dmp
	if d == nil {
		return ""
	}
	title := st.Section.Render("Préparer pour le DMP") + st.Muted.Render(" · du "+french.ShortDate(d.from)+" au "+french.ShortDate(d.to))
	var body string
	switch {
	case d.step == dmpPreparing:
		body = st.Muted.Render("Préparation de la synthèse…")
	case d.step == dmpExporting:
		body = st.Muted.Render("Écriture des fichiers…")
	case d.step == dmpDone:
		lines := []string{st.Done.Render("✓ Synthèse écrite, version " + strconv.Itoa(d.version) + " :"), ""}
		for _, f := range d.files {
			lines = append(lines, "  "+f)
		}
		if d.xdm {
			lines = append(lines, "", st.Muted.Render("Le paquet .zip (IHE XDM) se joint tel quel à un message de votre messagerie sécurisée de santé (MSSanté), pour Mon espace santé du patient ou son médecin."))
		}
		lines = append(lines, "", st.Muted.Render("Ces fichiers ne sont pas chiffrés : effacez-les de la clé une fois envoyés au DMP."))
		body = strings.Join(lines, "\n")
	case d.problem != "":
		body = st.ErrorText.Render(lipgloss.NewStyle().Width(max(s.w-2, 10)).Render("⚠ " + d.problem))
	default:
		body = d.vp.View()
	}
	foot := ""
	if d.step == dmpAskFolder {
		box := "[ ]"
		if d.xdm {
			box = "[x]"
		}
		foot = d.folder.View() + "\n" + box + " Paquet IHE XDM (.zip) à joindre à un message MSSanté " + st.Muted.Render("(tab pour changer)")
	}
	return lipgloss.JoinVertical(lipgloss.Left, ansi.Truncate(title, s.w, "…"), "", body, foot)
}

func (s patientsScreen) dmpHelp() keyList {
	k := s.dmpKeys
	if s.dmp == nil {
		return keyList{k.Back}
	}
	switch s.dmp.step {
	case dmpAskFolder:
		return keyList{k.Confirm, k.XDM, k.Back}
	case dmpPreview:
		if s.dmp.problem != "" {
			return keyList{k.Earlier, k.Later, k.Back}
		}
		return keyList{k.Export, k.Earlier, k.Later, k.Back}
	}
	return keyList{k.Back}
}

// reportText draws a report for the screen the way the PDF prints it.
func reportText(r handover.Report, w int, st *styles) string {
	wrap := lipgloss.NewStyle().Width(max(w-4, 20))
	var b strings.Builder
	b.WriteString(st.Bold.Render(r.Title) + "\n")
	if r.Subtitle != "" {
		b.WriteString(st.Muted.Render(r.Subtitle) + "\n")
	}
	b.WriteString("\n")
	for _, f := range r.Meta {
		b.WriteString(wrap.Render(st.Label.Render(f.Label+" : ")+f.Value) + "\n")
	}
	for _, sec := range r.Sections {
		b.WriteString("\n" + st.Section.Render(sec.Heading) + "\n")
		if len(sec.Entries) == 0 {
			b.WriteString("  " + st.Muted.Render(sec.Empty) + "\n")
		}
		for _, e := range sec.Entries {
			label := st.Bold.Render(e.Label)
			if e.Alert {
				label = st.Alert.Render("⚠ " + e.Label)
			}
			line := label
			if e.Text != "" {
				line += " — " + e.Text
			}
			b.WriteString(lipgloss.NewStyle().PaddingLeft(2).Render(wrap.Render(line)) + "\n")
			for _, f := range e.Lines {
				b.WriteString(lipgloss.NewStyle().PaddingLeft(6).Render(wrap.Render(st.Label.Render(f.Label+" : ")+f.Value)) + "\n")
			}
		}
	}
	if r.Footer != "" {
		b.WriteString("\n" + st.Muted.Render(wrap.Render(r.Footer)) + "\n")
	}
	return b.String()
}

// DefaultDMPFolder is where exports go unless the nurse types another
// folder: DMP in her home folder.
func DefaultDMPFolder(home string) string {
	if home == "" {
		return "DMP"
	}
	return filepath.Join(home, "DMP")
}
