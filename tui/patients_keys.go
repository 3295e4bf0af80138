package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// patientsKeys are every key of the screen; Keys shows those of the mode.
type patientsKeys struct {
	Up, Down, PageUp, PageDown, ArrowUp, ArrowDown         key.Binding
	Search, ClearSearch, Open, Add, Archived               key.Binding
	Back, Edit, AddPlan, NextPlan, EditPlan, Transmit, DMP key.Binding
	AddAbsence, EndAbsence, Proof                          key.Binding
	Save, Cancel, NextField, PrevField, NextStep, PrevStep key.Binding
}

func newPatientsKeys() patientsKeys {
	return patientsKeys{
		Up:          upKey(),
		Down:        downKey(),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pg↑", "page préc.")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pg↓", "page suiv.")),
		ArrowUp:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "monter")),
		ArrowDown:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "descendre")),
		Search:      searchKey(),
		ClearSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "effacer la recherche")),
		Open:        openKey("ouvrir"),
		Add:         key.NewBinding(key.WithKeys("a", "n"), key.WithHelp("a", "ajouter")),
		Archived:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "archivés")),
		Back:        backKey(),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "modifier")),
		AddPlan:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "nouveau soin")),
		NextPlan:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "soin suivant")),
		EditPlan:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", "modifier le soin")),
		Transmit:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "transmission")),
		DMP:         key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "préparer pour le DMP")),
		AddAbsence:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "absence (hospitalisation…)")),
		EndAbsence:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "de retour")),
		Proof:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "preuve de soins")),
		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "enregistrer")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "annuler")),
		NextField:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "champ suivant")),
		PrevField:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("maj+tab", "champ précédent")),
		NextStep:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pg↓", "étape suivante")),
		PrevStep:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pg↑", "étape précédente")),
	}
}

// keyList is a help.KeyMap over a fixed set of bindings.
type keyList []key.Binding

func (k keyList) ShortHelp() []key.Binding  { return k }
func (k keyList) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

// Keys returns the keys of the current mode, so the help stays honest.
func (s patientsScreen) Keys() help.KeyMap {
	k := s.keys
	switch s.mode {
	case fileMode:
		edit := k.EditPlan
		edit.SetEnabled(s.file.plan >= 0)
		if s.file.absence.step != noAbsence {
			return keyList{k.Cancel}
		}
		if pr := s.file.proof; pr != nil {
			if s.file.proofCapturing() {
				write := k.EditPlan
				write.SetHelp("entrée", "écrire le PDF et le CSV")
				return keyList{write, k.NextField, k.Cancel}
			}
			close := k.Cancel
			close.SetHelp("échap", "fermer")
			close.SetEnabled(!pr.writing)
			return keyList{close}
		}
		return keyList{k.Back, k.Edit, k.AddPlan, k.NextPlan, edit, k.Transmit, k.DMP, k.Proof, k.AddAbsence, k.EndAbsence, k.Up, k.Down}
	case dmpMode:
		return s.dmpHelp()
	case patientFormMode:
		if s.form == nil {
			return keyList{k.Cancel}
		}
		next, prev := k.NextStep, k.PrevStep
		next.SetEnabled(s.form.step < careStep)
		prev.SetEnabled(s.form.step > identityStep)
		if s.form.step == addressStep {
			ak := s.form.addr.keys
			if s.form.addr.listOpen() {
				return keyList{ak.Down, ak.Up, ak.Pick, ak.Close, k.Save}
			}
			return keyList{k.Save, k.Cancel, ak.Next, ak.Prev, next, prev}
		}
		return keyList{k.Save, k.Cancel, k.NextField, k.PrevField, next, prev}
	case carePlanFormMode:
		return keyList{k.Save, k.Cancel, k.NextField, k.PrevField}
	}
	if s.list.searching {
		return keyList{k.Open, k.ClearSearch, k.ArrowUp, k.ArrowDown}
	}
	clear := k.ClearSearch
	clear.SetEnabled(s.list.search.Value() != "")
	return keyList{k.Open, k.Search, k.Add, k.Up, k.Down, k.Archived, clear}
}
