package tui

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"tournee/french"
)

const dataFileLabel = "Fichier : "

// dataShownErrors is how many malformed lines of a BAN file the report
// lists; the count says the rest.
const dataShownErrors = 3

// View draws what can be imported, the path being typed, the import under
// way with its bar, or its report.
func (s dataScreen) View() string {
	st := s.styles
	lines := []string{ansi.Truncate(st.Section.Render("Données hors ligne"), s.w, "…"), ""}
	if s.svc == nil {
		return strings.Join(append(lines, s.wrap(st.Muted.Render, "L'import des données n'est pas disponible sur ce poste.")...), "\n")
	}
	item := func(k, title, text string, chosen bool) {
		mark, t := "  ", st.Bold.Render(title)
		if chosen {
			mark, t = st.Cursor.Render("› "), st.Selected.Render(title)
		}
		lines = append(lines, ansi.Truncate(mark+st.Cursor.Render(k)+"  "+t, s.w, "…"))
		lines = append(lines, s.hang(st.Muted.Render, spaces(5)+text, 5)...)
	}
	busy := s.state != dataIdle
	item("a", "Adresses (Base Adresse Nationale)", "pour placer les adresses des patients sans réseau : le fichier de votre département, "+
		"« adresses-62.csv.gz », sur adresse.data.gouv.fr.", busy && s.kind == dataAddresses)
	item("r", "Routes (OpenStreetMap)", "pour des trajets, des kilomètres et des heures d'arrivée sur les vraies routes : l'extrait de "+
		"votre région (fichier .osm.pbf) sur download.geofabrik.de. Seule la zone du cabinet est gardée.",
		busy && s.kind == dataRoads)
	lines = append(lines, "")
	if s.state != dataIdle || s.path.Value() != "" && s.problem != "" {
		lines = append(lines, s.fileLine())
	}
	switch {
	case s.state == dataRunning:
		lines = append(lines, "", s.progressLine(), "", s.bar.ViewAs(s.current.Fraction))
	case s.problem != "":
		lines = append(lines, s.hang(st.ErrorText.Render, "⚠ "+s.problem, 2)...)
	case s.state == dataChoosing:
		lines = append(lines, s.wrap(st.Muted.Render, "Tapez le chemin du fichier (ctrl+u efface la ligne) ; tab complète avec les dossiers et les fichiers qui conviennent.")...)
	case s.done:
		lines = append(lines, s.reportLines()...)
	}
	return strings.Join(lines, "\n")
}

func (s dataScreen) fileLine() string {
	st := s.styles
	value := s.path.View()
	if s.state != dataChoosing {
		value = st.Value.Render(s.path.Value())
	}
	return ansi.Truncate(st.Cursor.Render("› ")+st.Bold.Render(dataFileLabel)+value, s.w, "…")
}

func (s dataScreen) progressLine() string {
	st := s.styles
	what := "Import des adresses…"
	if s.kind == dataRoads {
		what = "Import des routes…"
	}
	line := st.Bold.Render(what) + st.Muted.Render("  "+french.Count(int(s.current.Fraction*100))+" %")
	if s.kind == dataAddresses && s.current.Rows > 0 {
		line += st.Muted.Render(" — " + count(s.current.Rows, "adresse", "adresses"))
	}
	return ansi.Truncate(line, s.w, "…")
}

// reportLines say what the last import did.
func (s dataScreen) reportLines() []string {
	st := s.styles
	if s.doneKind == dataRoads {
		r := s.roads
		lines := s.wrap(st.Done.Render, "✓ Routes importées depuis "+filepath.Base(s.donePath)+" : "+count(r.Nodes, "carrefour", "carrefours")+", "+
			count(r.Edges, "tronçon", "tronçons")+". Les tournées suivent maintenant les vraies routes.")
		return append(lines, s.wrap(st.Muted.Render, "Données routières © les contributeurs d'OpenStreetMap (ODbL).")...)
	}
	a := s.addr
	lines := s.wrap(st.Done.Render, "✓ "+count(a.Rows, "adresse importée", "adresses importées")+" ("+count(a.Streets, "voie", "voies")+
		") depuis "+filepath.Base(s.donePath))
	if a.Skipped > 0 {
		lines = append(lines, s.wrap(st.Late.Render, count(a.Skipped, "ligne illisible ignorée", "lignes illisibles ignorées")+" :")...)
		for _, l := range a.Lines[:min(len(a.Lines), dataShownErrors)] {
			lines = append(lines, s.hang(st.Late.Render, "  • "+l, 4)...)
		}
	}
	return append(lines, s.wrap(st.Muted.Render, "Données : Base Adresse Nationale (adresse.data.gouv.fr), Licence Ouverte 2.0.")...)
}

func (s dataScreen) wrap(style func(...string) string, text string) []string {
	return hangLines(style, text, s.w, 0)
}

func (s dataScreen) hang(style func(...string) string, text string, indent int) []string {
	return hangLines(style, text, s.w, indent)
}

// hangLines wraps text to width w, the lines after the first indented by
// indent (a bullet or a « ⚠ » stands out of its paragraph), each styled.
func hangLines(style func(...string) string, text string, w, indent int) []string {
	out := strings.Split(ansi.Wrap(text, max(w-1-indent, 10), ""), "\n")
	for i, l := range out {
		if i > 0 {
			l = spaces(indent) + l
		}
		out[i] = style(l)
	}
	return out
}
