package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/handover/dmp"
	"tournee/patients"
)

var _ dmp.Store = (*DB)(nil)

func dmpExportKey(patientID xid.ID, from, to patients.Date) []byte {
	k := bytes.Clone(patientID.Bytes())
	k = append(k, from.String()...)
	return append(k, to.String()...)
}

// LastExport returns the last version written of a patient's summary for a
// period.
func (db *DB) LastExport(ctx context.Context, patientID xid.ID, from, to patients.Date) (dmp.Export, bool, error) {
	var e dmp.Export
	found := false
	key := dmpExportKey(patientID, from, to)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketDMPExports).Get(key)
		if raw == nil {
			return nil
		}
		env, err := db.open(bucketDMPExports, key, raw)
		if err != nil {
			return err
		}
		if env.V != dmpExportV {
			return fmt.Errorf("%w: dmp export record version %d", ErrTooNew, env.V)
		}
		found = true
		return json.Unmarshal(env.Data, &e)
	})
	if err != nil {
		return dmp.Export{}, false, fmt.Errorf("last dmp export of %s: %w", patientID, err)
	}
	return e, found, nil
}

// SaveExport records an export with its audit entry, in one transaction.
func (db *DB) SaveExport(ctx context.Context, e dmp.Export) error {
	key := dmpExportKey(e.PatientID, e.From, e.To)
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := db.put(tx, bucketDMPExports, key, dmpExportV, e); err != nil {
			return err
		}
		return db.audit(tx, "export", "dmp", e.PatientID, 0)
	})
	if err != nil {
		return fmt.Errorf("save dmp export of %s: %w", e.PatientID, err)
	}
	return nil
}
