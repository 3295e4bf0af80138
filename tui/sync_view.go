package tui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/cabinetsync"
	"tournee/french"
	"tournee/patients"
)

const syncFolderLabel = "Dossier : "

// syncConflictLines is how many lines a conflict takes.
const syncConflictLines = 3

func syncFieldLabel(field string) string { return french.FieldName(field) }

// View draws the folder, the sync under way or its report, and the
// conflicts to confirm, within the screen's height.
func (s syncScreen) View() string {
	st := s.styles
	title := ansi.Truncate(st.Section.Render("Synchroniser le cabinet"), s.w, "…")
	if s.svc == nil {
		lines := []string{title, ""}
		lines = append(lines, s.wrap(st.Muted.Render, "La synchronisation n'est pas disponible sur ce poste.")...)
		// No-break spaces keep each command on one line.
		lines = append(lines, s.wrap(st.Muted.Render, "Elle relie les ordinateurs d'un même cabinet par une clé USB ou un dossier partagé ; "+
			"elle s'active une fois la clé du cabinet installée («\u00a0tournee\u00a0cabinet\u00a0init\u00a0», "+
			"puis «\u00a0tournee\u00a0cabinet\u00a0join\u00a0»).")...)
		return strings.Join(lines, "\n")
	}
	switch {
	case s.setup.mode != setupNone:
		return strings.Join(append([]string{title, ""}, s.setupView()...), "\n")
	case s.keyState == keyMissing:
		return strings.Join(append([]string{title, ""}, s.noKeyLines()...), "\n")
	}
	top := []string{title, ""}
	if s.note != "" {
		top = append(top, s.wrap(st.Done.Render, "✓ "+s.note)...)
		if s.notePath != "" {
			// A path is not wrapped: it keeps its end, the file's name.
			p, room := s.notePath, max(s.w-len("Fichier de clé : ")-1, 10)
			if w := ansi.StringWidth(p); w > room {
				p = "…" + ansi.TruncateLeft(p, w-room+1, "")
			}
			top = append(top, st.Label.Render("Fichier de clé : ")+st.Value.Render(p))
		}
		top = append(top, "")
	}
	top = append(top, s.folderLine())
	switch {
	case s.ask != "":
		top = append(top, s.wrap(st.ErrorText.Render, "⚠ "+s.ask)...)
	case s.focus == syncEditing:
		top = append(top, s.wrap(st.Muted.Render, "La clé USB ou le dossier partagé (Nextcloud, Syncthing…) commun aux postes du cabinet.")...)
	}
	top = append(top, "")
	status := s.statusLines()

	// The conflicts keep room for one of them, two when the nurse is on
	// them; the report gets the rest and says how much it had to leave out.
	room := s.h - len(top)
	keep := 1
	if s.focus == syncOnConflicts {
		keep = 2
	}
	confMin := min(1+max(1, syncConflictLines*len(s.conflicts)), 1+syncConflictLines*keep)
	if statusRoom := max(room-1-confMin, 1); len(status) > statusRoom {
		hidden := len(status) - statusRoom + 1
		status = append(status[:statusRoom-1:statusRoom-1],
			st.Muted.Render(ansi.Truncate("… "+count(hidden, "ligne de plus", "lignes de plus")+" : agrandissez la fenêtre", s.w, "…")))
	}
	lines := append(top, status...)
	lines = append(lines, "")
	lines = append(lines, s.conflictLines(max(s.h-len(lines), 1))...)
	return strings.Join(lines, "\n")
}

// wrap breaks text to the screen's width and styles each line.
func (s syncScreen) wrap(style func(...string) string, text string) []string {
	return s.hang(style, text, 0)
}

// hang wraps text like wrap, with the lines after the first indented: a
// warning's « ⚠ » stands out of its paragraph.
func (s syncScreen) hang(style func(...string) string, text string, indent int) []string {
	return hangLines(style, text, s.w, indent)
}

// pack lays parts after prefix, joined by « · », breaking only between
// parts; the following lines align under the first part.
func (s syncScreen) pack(style func(...string) string, prefix string, parts []string) []string {
	const sep = " · "
	w, indent := max(s.w-1, 10), ansi.StringWidth(prefix)
	var lines []string
	line := prefix
	for i, p := range parts {
		switch {
		case i == 0:
			line += p
		case ansi.StringWidth(line+sep+p) > w:
			lines = append(lines, line)
			line = spaces(indent) + p
		default:
			line += sep + p
		}
	}
	lines = append(lines, line)
	for i, l := range lines {
		lines[i] = style(ansi.Truncate(l, w, "…"))
	}
	return lines
}

func (s syncScreen) folderLine() string {
	st := s.styles
	mark, label := "  ", st.Label.Render(syncFolderLabel)
	if s.focus != syncOnConflicts {
		mark, label = st.Cursor.Render("› "), st.Bold.Render(syncFolderLabel)
	}
	var value string
	switch v := s.folder.Value(); {
	case s.focus == syncEditing:
		value = s.folder.View()
	case v == "":
		value = st.Muted.Render(s.folder.Placeholder)
	default:
		// A long path keeps its end: the stick's folder matters more than
		// where it is mounted.
		if w, room := ansi.StringWidth(v), max(s.w-len(syncFolderLabel)-4, 10); w > room {
			v = "…" + ansi.TruncateLeft(v, w-room+1, "")
		}
		value = st.Value.Render(v)
	}
	return ansi.Truncate(mark+label+value, s.w, "…")
}

// statusLines are the sync under way, its report or its failure.
func (s syncScreen) statusLines() []string {
	st := s.styles
	switch s.state {
	case syncRunning:
		p := s.current
		line := st.Bold.Render(syncStageText(p.Stage))
		frac := 0.0
		if p.Total > 0 {
			line += st.Muted.Render("  " + french.Count(p.Done) + " / " + french.Count(p.Total))
			frac = float64(min(p.Done, p.Total)) / float64(p.Total)
		}
		return []string{ansi.Truncate(line, s.w, "…"), "", s.bar.ViewAs(frac)}
	case syncFailed:
		return s.wrap(st.ErrorText.Render, "⚠ "+s.problem)
	case syncDone:
		return s.summaryLines()
	}
	return s.wrap(st.Muted.Render, "Chaque poste dépose ses modifications dans ce dossier et reprend celles des autres, "+
		"chiffrées avec la clé du cabinet. Entrée pour synchroniser.")
}

func syncStageText(st cabinetsync.Stage) string {
	switch st {
	case cabinetsync.Writing:
		return "Écriture de vos modifications…"
	case cabinetsync.Reading:
		return "Lecture des paquets des autres postes…"
	case cabinetsync.Applying:
		return "Application des modifications…"
	case cabinetsync.Finished:
		return "Fin de la synchronisation…"
	}
	return "Synchronisation…"
}

// summaryLines say what the last sync did, in the nurse's words.
func (s syncScreen) summaryLines() []string {
	st, r := s.styles, s.report
	lines := s.wrap(st.Done.Render, "✓ Synchronisé avec "+s.dir+" à "+french.Time(s.at))
	sent := "Aucune modification à envoyer"
	if r.Written > 0 {
		sent = count(r.Written, "modification envoyée", "modifications envoyées")
	}
	lines = append(lines, s.wrap(st.Value.Render, sent)...)
	if r.Repaired > 0 {
		lines = append(lines, s.wrap(st.Value.Render, count(r.Repaired, "paquet de ce poste réécrit : il était abîmé ou manquait dans le dossier",
			"paquets de ce poste réécrits : ils étaient abîmés ou manquaient dans le dossier"))...)
	}
	if !r.Changed() {
		lines = append(lines, s.wrap(st.Value.Render, "Rien de nouveau")...)
	} else if got := receivedParts(r); len(got) > 0 {
		lines = append(lines, s.pack(st.Value.Render, "Reçu : ", got)...)
	}
	if r.Conflicts > 0 {
		lines = append(lines, s.wrap(st.Late.Render, count(r.Conflicts, "nouveau conflit à confirmer", "nouveaux conflits à confirmer")+" ci-dessous")...)
	}
	for _, f := range r.Refused {
		lines = append(lines, s.hang(st.Alert.Render, "⚠ "+refusalWhere(f)+" : "+refusalText(f.Err), 2)...)
	}
	for _, k := range r.Skews {
		lines = append(lines, s.hang(st.Late.Render, "⚠ horloge décalée de "+skewText(k.Ahead)+" avec un autre poste ("+
			shortReplica(k.Replica)+") : vérifiez l'heure des ordinateurs", 2)...)
	}
	for _, n := range syncNotes(r) {
		lines = append(lines, s.hang(st.Late.Render, "• "+n, 2)...)
	}
	return lines
}

// syncNotes says what a sync found beyond the changes: another copy of this
// database, conflict copies, files set aside or unexpected, folders
// rewritten or missing. File names carry ids, never patient data.
func syncNotes(r cabinetsync.Report) []string {
	var out []string
	for _, f := range r.Forks {
		if f.Restored {
			out = append(out, "Base plus ancienne que ce qu'elle avait déposé (sauvegarde restaurée ?) : ce qu'elle avait perdu a été récupéré, et ce poste a pris une nouvelle identité ("+
				shortReplica(f.New)+") pour ne rien écraser")
			continue
		}
		out = append(out, "Une copie de cette base écrivait sous la même identité (base copiée sur un autre ordinateur ?) : les deux historiques ont été fusionnés sans perte, et ce poste a pris une nouvelle identité ("+
			shortReplica(f.New)+") ; "+count(f.Reissued, "modification renvoyée", "modifications renvoyées"))
	}
	if r.Rewritten {
		out = append(out, "Le dossier de ce poste avait disparu : réécrit en entier depuis la base")
	}
	for _, c := range r.Copies {
		out = append(out, "Copie de conflit lue et fusionnée : "+filepath.Base(c))
	}
	for _, a := range r.SetAside {
		out = append(out, "Fichier illisible mis de côté dans "+cabinetsync.SetAsideDir+" : "+filepath.Base(a.File)+" ; son contenu a été réécrit depuis la base")
	}
	for _, u := range r.Unexpected {
		out = append(out, "Fichier inattendu dans le dossier, laissé tel quel : "+filepath.Base(u))
	}
	for _, id := range r.Missing {
		out = append(out, "Le dossier du "+shortReplica(id)+" a disparu : ce poste le réécrira à sa prochaine synchronisation")
	}
	return out
}

// receivedParts are the records a sync changed: « 3 patients modifiés »,
// « 2 plans de soins », « 5 visites ».
func receivedParts(r cabinetsync.Report) []string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, count(n, one, many))
		}
	}
	add(r.Patients, "patient modifié", "patients modifiés")
	add(r.CarePlans, "plan de soins", "plans de soins")
	add(r.Visits, "visite", "visites")
	add(r.Transmissions, "transmission", "transmissions")
	add(r.Nurses, "infirmière", "infirmières")
	if r.Cabinet > 0 {
		parts = append(parts, "fiche du cabinet")
	}
	return parts
}

// refusalWhere names a refused bundle by its file and its laptop; the
// names carry ids, never patient data.
func refusalWhere(f cabinetsync.Refusal) string {
	where := "paquet"
	if f.File != "" {
		where = filepath.Base(f.File)
	}
	if !f.Replica.IsZero() {
		where += " (" + shortReplica(f.Replica) + ")"
	}
	return where
}

// shortReplica is enough of a laptop's id to tell it from the others.
func shortReplica(id xid.ID) string {
	s := id.String()
	return "poste " + s[len(s)-6:]
}

// skewText is a clock difference the way a nurse says it: « 3 h »,
// « 12 min », « 3 h 05 », whichever way the clocks differ.
func skewText(d time.Duration) string {
	d = d.Abs().Round(time.Minute)
	if d < time.Minute {
		return "moins d'une minute"
	}
	return french.Duration(int(d / time.Minute))
}

// conflictLines is the list of conflicts in room lines, scrolled to the
// selected one.
func (s syncScreen) conflictLines(room int) []string {
	st := s.styles
	head := "Conflits à confirmer"
	if len(s.conflicts) > 0 {
		head += " (" + strconv.Itoa(len(s.conflicts)) + ")"
	}
	title := st.Section.Render(head)
	if s.resolving {
		title += st.Muted.Render(" · enregistrement…")
	}
	lines := []string{ansi.Truncate(title, s.w, "…")}
	switch {
	case s.confProblem != "":
		return append(lines, s.wrap(st.ErrorText.Render, "⚠ "+s.confProblem)...)
	case !s.confLoaded:
		return append(lines, st.Muted.Render("Chargement…"))
	case len(s.conflicts) == 0:
		return append(lines, s.wrap(st.Muted.Render, "Aucun conflit : personne n'a modifié la même information sur deux postes à la fois.")...)
	}
	visible := max((room-1)/syncConflictLines, 1)
	top := 0
	if s.cursor >= visible {
		top = s.cursor - visible + 1
	}
	for i := top; i < len(s.conflicts) && i < top+visible; i++ {
		lines = append(lines, s.conflictRow(s.conflicts[i], s.focus == syncOnConflicts && i == s.cursor)...)
	}
	return lines
}

func (s syncScreen) conflictRow(c cabinetsync.Conflict, selected bool) []string {
	st := s.styles
	mark, label := "  ", st.Value.Render(c.Label)
	if selected {
		mark, label = st.Cursor.Render("› "), st.Selected.Render(c.Label)
	}
	side := func(name, value string, at time.Time, by xid.ID) string {
		line := "    " + st.Label.Render(fit(name, 6)+" : ") + st.Value.Render(displayValue(value))
		if when := s.changeText(at, by); when != "" {
			line += st.Muted.Render(" (" + when + ")")
		}
		return ansi.Truncate(line, s.w, "…")
	}
	return []string{
		ansi.Truncate(mark+label+st.Muted.Render(" · ")+st.Bold.Render(syncFieldLabel(c.Field)), s.w, "…"),
		side("gardé", c.Kept, c.KeptAt, c.KeptAuthor),
		side("écarté", c.Lost, c.LostAt, c.LostAuthor),
	}
}

// displayValue keeps a value on one line.
func displayValue(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return "(vide)"
	}
	return v
}

// changeText says when and by whom a change was made: « 23/11 à 7h02,
// Julie Martin ».
func (s syncScreen) changeText(at time.Time, by xid.ID) string {
	var parts []string
	if !at.IsZero() {
		d := patients.DateOf(at)
		parts = append(parts, fmt.Sprintf("%02d/%02d à %s", d.Day, int(d.Month), french.Time(at)))
	}
	if name := s.nurses[by]; name != "" && !by.IsZero() {
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}
