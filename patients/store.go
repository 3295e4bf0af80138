package patients

import (
	"context"

	"github.com/rs/xid"
)

// PatientFilter narrows a patient listing.
type PatientFilter struct {
	IncludeArchived bool
	Nurse           xid.ID // primary nurse; zero = every nurse
}

// Dataset is a whole cabinet at once: what the demo seeds and what a
// handover pack carries.
type Dataset struct {
	Cabinet       Cabinet
	Nurses        []Nurse
	Patients      []Patient
	CarePlans     []CarePlan
	Visits        []Visit
	Transmissions []Transmission
}

// Store keeps the cabinet's records. Every method that writes is one atomic
// action: it commits as a whole, with its audit entry, or not at all.
type Store interface {
	Cabinet(ctx context.Context) (Cabinet, error)
	SaveCabinet(ctx context.Context, c Cabinet) error

	Nurses(ctx context.Context) ([]Nurse, error)
	Nurse(ctx context.Context, id xid.ID) (Nurse, error)
	SaveNurse(ctx context.Context, n *Nurse) error

	Patients(ctx context.Context, f PatientFilter) ([]Patient, error)
	Patient(ctx context.Context, id xid.ID) (Patient, error)
	// SavePatient creates the patient when its ID is zero (and sets it), or
	// replaces the stored one.
	SavePatient(ctx context.Context, p *Patient) error
	// ImportPatients saves every patient or none.
	ImportPatients(ctx context.Context, ps []Patient) error

	// CarePlans returns the plans of one patient, or every plan for a zero id.
	CarePlans(ctx context.Context, patientID xid.ID) ([]CarePlan, error)
	SaveCarePlan(ctx context.Context, c *CarePlan) error

	Visits(ctx context.Context, d Date) ([]Visit, error)
	// VisitDays returns the days, from `from` on, that have stored visits,
	// in order.
	VisitDays(ctx context.Context, from Date) ([]Date, error)
	// VisitsOfPatient returns a patient's visits, newest first, at most limit (0 = all).
	VisitsOfPatient(ctx context.Context, patientID xid.ID, limit int) ([]Visit, error)
	// SaveVisits writes a day's visits (a plan, a status change) in one action.
	SaveVisits(ctx context.Context, vs []Visit) error

	// Transmissions returns a patient's transmissions, newest first, at most limit (0 = all).
	Transmissions(ctx context.Context, patientID xid.ID, limit int) ([]Transmission, error)
	// AddTransmission appends a transmission; an existing ID is ErrConflict
	// because transmissions are never rewritten.
	AddTransmission(ctx context.Context, t *Transmission) error

	// Audit returns the newest audit entries first, at most limit (0 = all).
	Audit(ctx context.Context, limit int) ([]AuditEntry, error)

	// Seed writes a whole dataset in one transaction.
	Seed(ctx context.Context, d Dataset) error
}
