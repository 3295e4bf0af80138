package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/patients"
)

// setRows takes a freshly loaded list, keeping the selection and the search.
func (s transmissionsScreen) setRows(rows []transRow) (transmissionsScreen, tea.Cmd) {
	keep := s.want
	if r, ok := s.current(); ok && keep.IsZero() {
		keep = r.id
	}
	s.rows, s.loaded, s.want = rows, true, xid.NilID()
	s.filterRows()
	if !keep.IsZero() {
		return s.selectPatient(keep)
	}
	return s.moveCursor(0)
}

// filterRows applies the search: every word must appear in the folded name,
// so « marie dup » and « Dupont » both find DUPONT Marie.
func (s *transmissionsScreen) filterRows() {
	words := strings.Fields(patients.Fold(s.search.Value()))
	// A fresh slice: the old one may back a copy of the screen.
	s.shown = make([]int, 0, len(s.rows))
	for i, r := range s.rows {
		match := true
		for _, w := range words {
			if !strings.Contains(r.folded, w) {
				match = false
				break
			}
		}
		if match {
			s.shown = append(s.shown, i)
		}
	}
}

func (s transmissionsScreen) applySearch(cmd tea.Cmd) (transmissionsScreen, tea.Cmd) {
	s.filterRows()
	s.cursor, s.top = 0, 0
	s, load := s.moveCursor(0)
	return s, tea.Batch(cmd, load)
}

// selectPatient puts the cursor on a patient, clearing a search that hides it.
func (s transmissionsScreen) selectPatient(id xid.ID) (transmissionsScreen, tea.Cmd) {
	if !s.loaded {
		s.want = id
		return s, s.loadPatients()
	}
	pos := slices.IndexFunc(s.shown, func(i int) bool { return s.rows[i].id == id })
	if pos < 0 && s.search.Value() != "" {
		s.search.Reset()
		s.filterRows()
		pos = slices.IndexFunc(s.shown, func(i int) bool { return s.rows[i].id == id })
	}
	if pos < 0 {
		return s.moveCursor(0)
	}
	s.cursor = pos
	return s.moveCursor(0)
}

// moveCursor moves in the picker and loads the history of the new patient.
func (s transmissionsScreen) moveCursor(delta int) (transmissionsScreen, tea.Cmd) {
	s.cursor = max(0, min(s.cursor+delta, len(s.shown)-1))
	s.clampTop()
	r, ok := s.current()
	if !ok {
		s.hist = transHistory{}
		s.refreshHistory()
		return s, nil
	}
	if r.id == s.hist.patientID {
		return s, nil
	}
	// Never show the previous patient's notes under the new name.
	s.hist = transHistory{patientID: r.id}
	s.sel = 0
	s.vp.GotoTop()
	s.refreshHistory()
	return s, s.loadHistory(r.id)
}
