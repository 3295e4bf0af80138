package patients

import (
	"fmt"
	"time"

	"github.com/rs/xid"
)

// VisitStatus is where a visit stands.
type VisitStatus string

// Visit statuses.
const (
	Planned   VisitStatus = "prévue"
	Done      VisitStatus = "faite"
	Missed    VisitStatus = "manquée"
	Postponed VisitStatus = "reportée"
	// Cancelled visits no longer follow from the care plans (the care ended,
	// the patient is away, a window moved): they stay stored, out of every
	// round, so that a later change that brings the care back finds them
	// again under the same derived id, and the sync never resurrects them.
	Cancelled VisitStatus = "annulée"
)

// CareItem is one prescribed act performed during a visit.
type CareItem struct {
	CarePlanID  xid.ID   `json:"care_plan_id"`
	Kind        CareKind `json:"kind"`
	Label       string   `json:"label"`
	DurationMin int      `json:"duration_min"`
}

// Visit is one stop of a round: a patient, the care items done there, when.
type Visit struct {
	ID          xid.ID     `json:"id"`
	Date        Date       `json:"date"`
	Round       Round      `json:"round"`
	PatientID   xid.ID     `json:"patient_id"`
	Items       []CareItem `json:"items"`
	Window      Window     `json:"window"`
	Strict      bool       `json:"strict,omitempty"`
	DurationMin int        `json:"duration_min"`
	NurseID     xid.ID     `json:"nurse_id,omitzero"`
	// PlannedArrival is the ETA the planner gave; zero until planned.
	PlannedArrival TimeOfDay `json:"planned_arrival,omitempty"`
	Order          int       `json:"order,omitempty"` // position in the round, from 1
	// LeftOut says, in French, why the last planning found no place for
	// the visit (Order is then 0): shown on the round with what to do.
	LeftOut string `json:"left_out,omitempty"`
	// Pinned keeps the visit at its position in the round (Order) when the
	// rest is optimised: the visits planned before it stay before it, the
	// others come after. PinnedTime keeps it at PlannedArrival instead.
	Pinned     bool `json:"pinned,omitempty"`
	PinnedTime bool `json:"pinned_time,omitempty"`
	// Last visits end the round (infected dressing, contagious patient).
	Last bool `json:"last,omitempty"`
	// LabBefore is the lab cut-off of the blood drawn at this visit: the
	// tubes must be dropped before it. Zero when nothing is drawn.
	LabBefore TimeOfDay `json:"lab_before,omitempty"`
	// TubesDroppedAt is when the tubes drawn at this visit reached the lab;
	// until then the drop-off is a stop of her round.
	TubesDroppedAt time.Time   `json:"tubes_dropped_at,omitzero"`
	Status         VisitStatus `json:"status"`
	DoneAt         time.Time   `json:"done_at,omitzero"`
	DoneBy         xid.ID      `json:"done_by,omitzero"`
	StatusNote     string      `json:"status_note,omitempty"` // « absent », « hospitalisé »
	// PostponedFrom is the day a visit was postponed from: it is care of
	// that day carried to this one, kept whatever the care plans say.
	PostponedFrom Date `json:"postponed_from,omitzero"`
	// PairID names the other visit of a « visite à deux »: both are made at
	// the same time by two nurses (patient lift, safety). Zero for a visit
	// made alone.
	PairID xid.ID `json:"pair_id,omitzero"`
	// ActualMin is how long the visit really took, when known: the planner
	// learns durations from it.
	ActualMin int `json:"actual_min,omitempty"`
}

// Validate checks a visit.
func (v Visit) Validate() error {
	var errs ValidationErrors
	if v.Date.IsZero() {
		errs.add("date", "la date de la visite est obligatoire")
	}
	if v.PatientID.IsZero() {
		errs.add("patient", "la visite doit être rattachée à un patient")
	}
	if err := v.Window.Validate("plage horaire"); err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	if v.DurationMin <= 0 {
		errs.add("durée", "la durée de la visite doit être positive")
	}
	switch v.Round {
	case Morning, Evening:
	default:
		errs.add("tournée", fmt.Sprintf("tournée inconnue %q (matin ou soir)", v.Round))
	}
	switch v.Status {
	case Planned, Missed, Postponed, Cancelled:
	case Done:
		if v.DoneAt.IsZero() {
			errs.add("heure", "une visite faite doit avoir son heure de réalisation")
		}
	default:
		errs.add("statut", fmt.Sprintf("statut inconnu %q", v.Status))
	}
	return errs.err()
}

// Transmission is a transmission ciblée: a target (cible) and the Données,
// Actions, Résultats about it. Transmissions are append-only: a correction is
// a new transmission whose Corrects names the one it replaces.
type Transmission struct {
	ID        xid.ID    `json:"id"`
	PatientID xid.ID    `json:"patient_id"`
	AuthorID  xid.ID    `json:"author_id"`
	At        time.Time `json:"at"`
	Cible     string    `json:"cible"`
	Donnees   string    `json:"donnees"`
	Actions   string    `json:"actions"`
	Resultats string    `json:"resultats"`
	Urgent    bool      `json:"urgent,omitempty"`
	// ForReplacement marks what a remplaçant must read; ForDoctor what goes to
	// the prescriber or the DMP summary.
	ForReplacement bool   `json:"for_replacement,omitempty"`
	ForDoctor      bool   `json:"for_doctor,omitempty"`
	VisitID        xid.ID `json:"visit_id,omitzero"`
	Corrects       xid.ID `json:"corrects,omitzero"`
}

// Validate checks a transmission: a cible and at least one of D, A, R.
func (t Transmission) Validate() error {
	var errs ValidationErrors
	if t.PatientID.IsZero() {
		errs.add("patient", "la transmission doit concerner un patient")
	}
	if blank(t.Cible) {
		errs.add("cible", "la cible est obligatoire (ex. « douleur », « plaie », « glycémie »)")
	}
	if blank(t.Donnees) && blank(t.Actions) && blank(t.Resultats) {
		errs.add("contenu", "renseignez au moins les Données, les Actions ou les Résultats")
	}
	if t.At.IsZero() {
		errs.add("heure", "l'heure de la transmission est obligatoire")
	}
	return errs.err()
}

// AuditEntry records who did what to which record, and when — never the
// content, so the trail itself holds no health data.
type AuditEntry struct {
	ID       xid.ID    `json:"id"`
	At       time.Time `json:"at"`
	Actor    xid.ID    `json:"actor,omitzero"` // the nurse; zero for the system (seeding, migration)
	Action   string    `json:"action"`         // "create", "update", "archive", "import", "restore"
	Entity   string    `json:"entity"`         // "patient", "visit", ...
	RecordID xid.ID    `json:"record_id,omitzero"`
	Count    int       `json:"count,omitempty"` // for bulk actions
}
