package storage

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"tournee/patients"
)

// ReturnImport counts what an imported return bundle added.
type ReturnImport struct {
	Transmissions, Visits int
}

// ImportReturn writes, in one transaction, what a remplaçant brings back:
// her nurse record when the base does not know her yet, her transmissions
// (those already imported are skipped: a transmission is never rewritten)
// and the outcome of the visits. Importing the same return twice changes
// nothing and counts zero.
func (db *DB) ImportReturn(ctx context.Context, rem patients.Nurse, ts []patients.Transmission, vs []patients.Visit) (ReturnImport, error) {
	var res ReturnImport
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if !db.exists(tx, bucketNurses, rem.ID) {
			if err := db.putRecord(tx, bucketNurses, rem.ID.Bytes(), nurseV, rem); err != nil {
				return err
			}
		}
		for i := range ts {
			if err := ts[i].Validate(); err != nil {
				return err
			}
			if db.exists(tx, bucketTransmissions, ts[i].ID) {
				continue
			}
			if err := db.writeTransmission(tx, &ts[i]); err != nil {
				return err
			}
			res.Transmissions++
		}
		for i := range vs {
			v := vs[i]
			if err := v.Validate(); err != nil {
				return err
			}
			if raw := tx.Bucket(bucketVisits).Get(v.ID.Bytes()); raw != nil {
				old, err := decode[patients.Visit](db, bucketVisits, v.ID.Bytes(), raw, visitV)
				if err != nil {
					return err
				}
				if old.Status == v.Status && old.DoneAt.Equal(v.DoneAt) && old.StatusNote == v.StatusNote {
					continue
				}
			}
			if _, err := db.writeVisit(tx, &v); err != nil {
				return err
			}
			res.Visits++
		}
		if res.Transmissions+res.Visits == 0 {
			return nil
		}
		return db.audit(tx, "import", "return", rem.ID, res.Transmissions+res.Visits)
	})
	if err != nil {
		return ReturnImport{}, fmt.Errorf("import return of %s: %w", rem.ID, err)
	}
	return res, nil
}
