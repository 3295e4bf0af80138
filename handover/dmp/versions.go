package dmp

import (
	"context"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// Export records the last version written of a patient's summary for a
// period: exporting the same summary again makes version Version+1 of the
// same set, replacing DocumentID.
type Export struct {
	PatientID  xid.ID        `json:"patient_id"`
	From       patients.Date `json:"from"`
	To         patients.Date `json:"to"`
	SetID      string        `json:"set_id"`
	Version    int           `json:"version"`
	DocumentID string        `json:"document_id"`
	At         time.Time     `json:"at"`
}

// Store keeps the exports, so versions follow each other.
type Store interface {
	// LastExport returns the last export of that summary, or false.
	LastExport(ctx context.Context, patientID xid.ID, from, to patients.Date) (Export, bool, error)
	// SaveExport records an export (one atomic action, with its audit entry).
	SaveExport(ctx context.Context, e Export) error
}

// Next returns the ids of the next version after last (ok false: the first).
func Next(last Export, ok bool, newUID func() string) (docID, setID string, version int, replaces string) {
	if !ok {
		set := newUID()
		return newUID(), set, 1, ""
	}
	return newUID(), last.SetID, last.Version + 1, last.DocumentID
}
