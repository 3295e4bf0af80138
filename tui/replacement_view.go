package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"tournee/french"
	"tournee/handover"
	"tournee/patients"
)

// View draws the form, the preview or the result.
func (s replacementScreen) View() string {
	st := s.styles
	title := "Préparer un remplacement"
	if s.side == replRemplacant {
		title = "Écrire le retour"
	}
	switch {
	case s.svc == nil:
		return s.frame(title, st.Muted.Render("Le remplacement n'est pas disponible ici."))
	case s.side == replLoading:
		return s.frame(title, st.Muted.Render("Chargement…"))
	}
	switch s.step {
	case replPreparing:
		if s.side == replRemplacant {
			return s.frame(title, st.Muted.Render("Rassemblement des transmissions et des visites…"))
		}
		return s.frame(title, st.Muted.Render("Préparation du dossier…"))
	case replWriting:
		return s.frame(title, st.Muted.Render("Chiffrement et écriture du fichier…"))
	case replPreview:
		return lipgloss.JoinVertical(lipgloss.Left, s.titleLine(title+" · aperçu"), "", s.vp.View())
	case replDone:
		return s.frame(title, s.doneText())
	case replAdding:
		return s.frame("Nouvelle remplaçante", s.addText())
	}
	return s.frame(title, s.formText())
}

func (s replacementScreen) titleLine(t string) string {
	return ansi.Truncate(s.styles.Section.Render(t), s.w, "…")
}

func (s replacementScreen) frame(title, body string) string {
	return lipgloss.JoinVertical(lipgloss.Left, s.titleLine(title), "", body)
}

func (s replacementScreen) wrap(text string) string {
	return lipgloss.NewStyle().Width(max(s.w-2, 20)).Render(text)
}

// period says the span of the remplaçant's contract, or why it is missing.
func (s replacementScreen) period() string {
	r := s.me.Replacement
	names := make([]string, len(s.titulaires))
	for i, t := range s.titulaires {
		names[i] = t.FullName()
	}
	who := strings.Join(names, " et ")
	if who == "" {
		who = "titulaire inconnu(e)"
	}
	if r == nil || r.ContractFrom.IsZero() || r.ContractTo.IsZero() {
		return "Remplacement " + french.De(who) + " (période non renseignée)"
	}
	return "Remplacement " + french.De(who) + " du " + french.Date(r.ContractFrom) + " au " + french.LongDate(r.ContractTo)
}

func (s replacementScreen) formText() string {
	st := s.styles
	var lines []string
	if s.side == replRemplacant {
		lines = append(lines, s.wrap(st.Bold.Render(s.period())),
			st.Muted.Render(s.wrap("Le retour rend au/à la titulaire vos transmissions et les visites faites pendant le remplacement.")), "")
	}
	for _, f := range s.fields() {
		lines = append(lines, s.fieldLine(f))
	}
	lines = append(lines, "")
	if s.problem != "" {
		lines = append(lines, st.ErrorText.Render(s.wrap("⚠ "+s.problem)))
	} else if hint := s.hint(); hint != "" {
		lines = append(lines, st.Muted.Render(s.wrap(hint)))
	}
	lines = append(lines, s.recordLines()...)
	return strings.Join(lines, "\n")
}

func (s replacementScreen) fieldLine(f replField) string {
	st := s.styles
	mark := "  "
	label := st.Label.Render(fit(replLabels[f], replLabelWidth))
	if f == s.focus {
		mark = st.Cursor.Render("› ")
		label = st.Bold.Render(fit(replLabels[f], replLabelWidth))
	}
	var value string
	switch f {
	case rfNurse:
		v := "aucun(e)"
		if n, ok := s.remplacant(); ok {
			v = n.FullName()
			if n.RPPS != "" {
				v += " · RPPS " + n.RPPS
			}
		}
		value = s.choice(v, f == s.focus && len(s.candidates) > 1)
	case rfMode:
		v := "phrase de passe"
		if s.byKey {
			v = "clé publique (age1…)"
		}
		value = s.choice(v, f == s.focus)
	default:
		value = s.textValue(f)
	}
	return ansi.Truncate(mark+label+value, s.w, "…")
}

// textValue draws a text field. Out of focus a long value keeps its end:
// the file's name matters more than the start of its folder.
func (s replacementScreen) textValue(f replField) string {
	in := s.in[f]
	if f == s.focus {
		return in.View()
	}
	v := in.Value()
	switch {
	case v == "":
		return s.styles.Muted.Render(in.Placeholder)
	case in.EchoMode == textinput.EchoPassword:
		v = strings.Repeat(string(in.EchoCharacter), len([]rune(v)))
	}
	if w, room := ansi.StringWidth(v), max(s.w-replLabelWidth-4, 10); w > room {
		v = "…" + ansi.TruncateLeft(v, w-room+1, "")
	}
	return s.styles.Value.Render(v)
}

// choice draws a selector, aligned with the text fields; the arrows say
// that ←/→ change it.
func (s replacementScreen) choice(v string, arrows bool) string {
	if !arrows {
		return s.styles.Value.Render(v)
	}
	return s.styles.Bold.Render(v) + s.styles.Accent.Render("  ◂ ▸")
}

// hint explains the focused field.
func (s replacementScreen) hint() string {
	switch s.focus {
	case rfNurse:
		return "←/→ pour choisir le/la remplaçant(e) ; v pour l'aperçu."
	case rfFrom, rfTo:
		return "24/11/2026 ou 2026-11-24."
	case rfShare:
		return "La part des honoraires gardée pour les frais du cabinet (rétrocession)."
	case rfMode:
		return "←/→ : la clé publique de la personne qui ouvrira le fichier, ou une phrase de passe à lui dire à part."
	case rfRecipient:
		return "Sa clé publique « age1… » (tournee handover keygen) : seule sa clé privée ouvrira le fichier."
	case rfPass, rfPassAgain:
		return "À transmettre à part (de vive voix, par téléphone), jamais avec le fichier."
	case rfOut:
		return "Jamais écrasé. Entrée pour l'aperçu."
	}
	return ""
}

func (s replacementScreen) keyText() string {
	if s.key.Recipient != "" {
		return "clé publique " + ansi.Truncate(s.key.Recipient, 16, "…")
	}
	return "phrase de passe"
}

// previewText is what will leave the laptop, for the nurse to check.
func (s replacementScreen) previewText() string {
	st := s.styles
	var lines []string
	field := func(label, value string) {
		lines = append(lines, s.wrap(st.Label.Render(label+" : ")+value))
	}
	if s.refused != "" {
		lines = append(lines, st.ErrorText.Render(s.wrap("⚠ Refusé : "+s.refused)))
		return strings.Join(lines, "\n")
	}
	if s.problem != "" {
		lines = append(lines, st.ErrorText.Render(s.wrap("⚠ "+s.problem)), "")
	}
	if s.side == replRemplacant {
		r := s.ret
		lines = append(lines, s.wrap(st.Bold.Render(s.period())), "")
		field("À rendre", count(len(r.Transmissions), "transmission", "transmissions")+", "+count(len(r.Visits), "visite", "visites"))
		field("Chiffré avec", s.keyText())
		field("Fichier", s.path)
		if len(r.Transmissions)+len(r.Visits) == 0 {
			lines = append(lines, "", st.Late.Render(s.wrap("⚠ Rien à rendre pour l'instant : aucune transmission écrite ni visite faite pendant le remplacement.")))
		}
		return strings.Join(append(lines, s.reviewLines()...), "\n")
	}
	p := s.pack
	days := p.To.DaysSince(p.From) + 1
	field("Remplaçant(e)", p.Remplacant.FullName()+rppsText(p.Remplacant))
	names := make([]string, len(p.Titulaires))
	for i, t := range p.Titulaires {
		names[i] = t.FullName()
	}
	field("Remplace", strings.Join(names, " et "))
	field("Période", "du "+french.Date(p.From)+" au "+french.LongDate(p.To)+" — "+count(days, "jour", "jours"))
	field("Patients confiés", strconv.Itoa(len(p.Patients))+" · "+count(len(p.Visits), "passage prévu", "passages prévus"))
	switch {
	case handover.ContractRequired(p.From, p.To):
		field("Contrat", "requis (plus de 24 heures) — le projet est joint au dossier")
	case s.contract:
		field("Contrat", "requis (remplacements courts répétés) — le projet est joint au dossier")
	default:
		field("Contrat", "non requis (24 heures au plus)")
	}
	field("Part du cabinet", percentText(p.CabinetShare)+" %")
	field("Chiffré avec", s.keyText())
	field("Fichier", s.path)
	if len(s.warnings) > 0 {
		lines = append(lines, "")
		for _, w := range s.warnings {
			lines = append(lines, st.Late.Render(s.wrap("⚠ "+w)))
		}
	}
	lines = append(lines, "", st.Section.Render("Patients dont le dossier part avec le fichier"))
	for _, pt := range p.Patients {
		lines = append(lines, "  "+pt.DisplayName())
	}
	return strings.Join(lines, "\n")
}

func rppsText(n patients.Nurse) string {
	if n.RPPS == "" {
		return ""
	}
	return " (RPPS " + n.RPPS + ")"
}

// count says n things, French style: 0 and 1 take the singular, and
// thousands are grouped (« 1 060 visites »).
func count(n int, one, many string) string {
	if n > 1 {
		return french.Count(n) + " " + many
	}
	return french.Count(n) + " " + one
}

func (s replacementScreen) doneText() string {
	st := s.styles
	what := "Dossier écrit : "
	if s.side == replRemplacant {
		what = "Retour écrit : "
	}
	lines := []string{st.Done.Render("✓ " + what), "  " + s.path, ""}
	if s.key.Recipient != "" {
		lines = append(lines, s.wrap("Rappel : seule la clé privée qui va avec la clé publique donnée ouvre ce fichier ; elle reste chez sa propriétaire et ne voyage jamais avec lui."))
	} else {
		lines = append(lines, s.wrap("Rappel : donnez la phrase de passe à part (de vive voix, par téléphone), jamais avec le fichier ni dans le même message."))
	}
	lines = append(lines, "", st.Muted.Render(s.wrap("Ce fichier contient des données de santé : effacez-le de la clé USB une fois remis.")))
	return strings.Join(lines, "\n")
}
