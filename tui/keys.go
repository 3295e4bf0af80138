package tui

import (
	"charm.land/bubbles/v2/key"
)

// globalKeys work on every screen unless a text field has the focus.
type globalKeys struct {
	NextScreen, PrevScreen     key.Binding
	Round, Patients, Transmits key.Binding
	Replacement, Sync, Data    key.Binding
	Help, Quit, Lock           key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		NextScreen:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "écran suivant")),
		PrevScreen:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("maj+tab", "écran précédent")),
		Round:       key.NewBinding(key.WithKeys("1", "f1"), key.WithHelp("1", "tournée")),
		Patients:    key.NewBinding(key.WithKeys("2", "f2"), key.WithHelp("2", "patients")),
		Transmits:   key.NewBinding(key.WithKeys("3", "f3"), key.WithHelp("3", "transmissions")),
		Replacement: key.NewBinding(key.WithKeys("4", "f4"), key.WithHelp("4", "remplacement")),
		Sync:        key.NewBinding(key.WithKeys("5", "f5"), key.WithHelp("5", "synchro")),
		Data:        key.NewBinding(key.WithKeys("6", "f6"), key.WithHelp("6", "données")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "aide")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quitter")),
		Lock:        key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "verrouiller")),
	}
}

// ShortHelp is the global part of the help line.
func (k globalKeys) ShortHelp() []key.Binding { return []key.Binding{k.NextScreen, k.Help, k.Quit} }

// FullHelp lists every global key.
func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Round, k.Patients, k.Transmits, k.Replacement, k.Sync, k.Data}, {k.NextScreen, k.PrevScreen, k.Lock, k.Help, k.Quit}}
}

// Shared list movement keys, built by each screen into its own keymap so
// arrows and j/k mean the same everywhere.
func upKey() key.Binding {
	return key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "monter"))
}

func downKey() key.Binding {
	return key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "descendre"))
}

func backKey() key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("échap", "retour"))
}

func searchKey() key.Binding {
	return key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "rechercher"))
}

func openKey(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("enter"), key.WithHelp("entrée", desc))
}
