package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/patients"
)

// Messages that cross screens. Screen-private messages live beside their screen.
type (
	// errMsg reports a failed command; the status bar shows userMessage(err).
	errMsg struct {
		op  string
		err error
		// from is the screen whose command failed: only that screen
		// leaves its busy state; noOrigin reaches every screen.
		from origin
	}
	// statusMsg is a short confirmation in the status bar (« Visite faite »).
	statusMsg struct{ text string }

	// sessionMsg carries the cabinet and its nurses, loaded once at start:
	// every screen needs to know who is writing.
	sessionMsg struct {
		cabinet patients.Cabinet
		nurses  []patients.Nurse
	}

	// openPatientMsg asks the app to show a patient's file.
	openPatientMsg struct{ id xid.ID }
	// newTransmissionMsg asks the app to open the DAR form for a patient,
	// optionally tied to the visit it was written at.
	newTransmissionMsg struct{ patientID, visitID xid.ID }

	// Data-changed messages go to every screen that shows that data. A
	// zero id means any: a sync or a restored conflict may have changed
	// records of every kind, so patientsChangedMsg{} reloads every list,
	// file and the round, and transmissionsChangedMsg{} the open history.
	patientsChangedMsg      struct{ id xid.ID }
	transmissionsChangedMsg struct{ patientID xid.ID }
	visitsChangedMsg        struct{ date patients.Date }
	// sessionChangedMsg asks the app to reload the cabinet and its nurses
	// (a sync brought changes to them).
	sessionChangedMsg struct{}

	// idleTickMsg checks whether the screen must lock.
	idleTickMsg struct{ at time.Time }
)

// statusCmd shows a confirmation.
func statusCmd(text string) tea.Cmd {
	return func() tea.Msg { return statusMsg{text} }
}

// send wraps a message as a command.
func send(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}
