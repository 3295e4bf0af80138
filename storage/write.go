package storage

import (
	"context"
	"fmt"

	"tournee/patients"
	"tournee/storage/replica"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
)

// The write* helpers store one already validated record with its index
// entries inside the caller's transaction; the caller adds the audit entry.
// Single saves and bulk seeding share them so both keep the indexes right.

// writeCarePlan returns "create" or "update" for the audit trail.
func (db *DB) writeCarePlan(tx *bolt.Tx, c *patients.CarePlan) (string, error) {
	if !db.exists(tx, bucketPatients, c.PatientID) {
		return "", fmt.Errorf("care plan: patient %s: %w", c.PatientID, patients.ErrNotFound)
	}
	action := "update"
	if c.ID.IsZero() {
		c.ID = db.newID()
	}
	if raw := tx.Bucket(bucketCarePlans).Get(c.ID.Bytes()); raw != nil {
		old, err := decode[patients.CarePlan](db, bucketCarePlans, c.ID.Bytes(), raw, carePlanV)
		if err != nil {
			return "", err
		}
		if err := tx.Bucket(idxCarePlansByPatient).Delete(carePlanPatientKey(old)); err != nil {
			return "", err
		}
	} else {
		action = "create"
	}
	if err := db.putRecord(tx, bucketCarePlans, c.ID.Bytes(), carePlanV, c); err != nil {
		return "", err
	}
	return action, tx.Bucket(idxCarePlansByPatient).Put(carePlanPatientKey(*c), nil)
}

// writeVisit moves the index entries when a visit changes day or patient.
func (db *DB) writeVisit(tx *bolt.Tx, v *patients.Visit) (string, error) {
	if !db.exists(tx, bucketPatients, v.PatientID) {
		return "", fmt.Errorf("visit of patient %s: %w", v.PatientID, patients.ErrNotFound)
	}
	action := "update"
	if v.ID.IsZero() {
		v.ID = db.newID()
	}
	if raw := tx.Bucket(bucketVisits).Get(v.ID.Bytes()); raw != nil {
		old, err := decode[patients.Visit](db, bucketVisits, v.ID.Bytes(), raw, visitV)
		if err != nil {
			return "", err
		}
		if err := unindexVisit(tx, old); err != nil {
			return "", err
		}
	} else {
		action = "create"
	}
	if err := db.putRecord(tx, bucketVisits, v.ID.Bytes(), visitV, v); err != nil {
		return "", err
	}
	return action, indexVisit(tx, *v)
}

// writeTransmission appends; transmissions are never rewritten, so an
// existing id is ErrConflict and a correction must name an existing one.
func (db *DB) writeTransmission(tx *bolt.Tx, t *patients.Transmission) error {
	if !db.exists(tx, bucketPatients, t.PatientID) {
		return fmt.Errorf("transmission for patient %s: %w", t.PatientID, patients.ErrNotFound)
	}
	if !t.Corrects.IsZero() && !db.exists(tx, bucketTransmissions, t.Corrects) {
		return fmt.Errorf("corrected transmission %s: %w", t.Corrects, patients.ErrNotFound)
	}
	if t.ID.IsZero() {
		t.ID = db.newID()
	} else if db.exists(tx, bucketTransmissions, t.ID) {
		return fmt.Errorf("transmission %s: %w", t.ID, patients.ErrConflict)
	}
	if err := db.putRecord(tx, bucketTransmissions, t.ID.Bytes(), transmissionV, t); err != nil {
		return err
	}
	return tx.Bucket(idxTransByPatient).Put(transPatientKey(*t), nil)
}

// DeleteCarePlan removes a care plan entered by mistake (an ended
// prescription keeps its plan, with an end date). The deletion travels as a
// tombstone: once synced, the plan is gone on every laptop, whatever was
// changed in it elsewhere in the meantime.
func (db *DB) DeleteCarePlan(ctx context.Context, id xid.ID) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketCarePlans).Get(id.Bytes())
		if raw == nil {
			return patients.ErrNotFound
		}
		c, err := decode[patients.CarePlan](db, bucketCarePlans, id.Bytes(), raw, carePlanV)
		if err != nil {
			return err
		}
		if err := tx.Bucket(idxCarePlansByPatient).Delete(carePlanPatientKey(c)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketCarePlans).Delete(id.Bytes()); err != nil {
			return err
		}
		if err := db.logOp(tx, replica.Op{Entity: string(bucketCarePlans), Key: id.Bytes(), Delete: true}); err != nil {
			return err
		}
		return db.audit(tx, "delete", "careplan", id, 0)
	})
	if err != nil {
		return fmt.Errorf("delete care plan %s: %w", id, err)
	}
	return nil
}
