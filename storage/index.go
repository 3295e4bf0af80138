package storage

import (
	"bytes"
	"encoding/binary"

	"tournee/patients"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
)

func visitDayKey(v patients.Visit) []byte {
	return append([]byte(v.Date.String()), v.ID.Bytes()...)
}

func visitPatientKey(v patients.Visit) []byte {
	k := append(v.PatientID.Bytes(), v.Date.String()...)
	return append(k, v.ID.Bytes()...)
}

func carePlanPatientKey(c patients.CarePlan) []byte {
	return append(c.PatientID.Bytes(), c.ID.Bytes()...)
}

func transPatientKey(t patients.Transmission) []byte {
	k := make([]byte, 0, 32)
	k = append(k, t.PatientID.Bytes()...)
	k = binary.BigEndian.AppendUint64(k, uint64(t.At.Unix()))
	return append(k, t.ID.Bytes()...)
}

// idFromIndexKey returns the record id that ends every index key.
func idFromIndexKey(k []byte) (xid.ID, error) {
	return xid.FromBytes(k[len(k)-12:])
}

// scanPrefix calls fn for each key of bucket name starting with prefix, in
// key order or, with reverse, from the last. fn returning false stops the scan.
func scanPrefix(tx *bolt.Tx, name, prefix []byte, reverse bool, fn func(k []byte) (bool, error)) error {
	c := tx.Bucket(name).Cursor()
	var k []byte
	if !reverse {
		k, _ = c.Seek(prefix)
	} else {
		// Seek to the first key after the prefix range, then step back into it.
		if end := prefixEnd(prefix); end == nil {
			k, _ = c.Last()
		} else if k, _ = c.Seek(end); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	}
	for k != nil && bytes.HasPrefix(k, prefix) {
		more, err := fn(k)
		if err != nil || !more {
			return err
		}
		if reverse {
			k, _ = c.Prev()
		} else {
			k, _ = c.Next()
		}
	}
	return nil
}

// prefixEnd returns the smallest key greater than every key with the prefix,
// or nil when there is none (an all-0xff prefix).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// rebuildIndexes recomputes every index from the records; migrations use it.
func (db *DB) rebuildIndexes(tx *bolt.Tx) error {
	for _, name := range [][]byte{idxVisitsByDay, idxVisitsByPatient, idxCarePlansByPatient, idxTransByPatient} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	err := tx.Bucket(bucketVisits).ForEach(func(k, v []byte) error {
		vis, err := decode[patients.Visit](db, bucketVisits, k, v, visitV)
		if err != nil {
			return err
		}
		return indexVisit(tx, vis)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketCarePlans).ForEach(func(k, v []byte) error {
		c, err := decode[patients.CarePlan](db, bucketCarePlans, k, v, carePlanV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxCarePlansByPatient).Put(carePlanPatientKey(c), nil)
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTransmissions).ForEach(func(k, v []byte) error {
		t, err := decode[patients.Transmission](db, bucketTransmissions, k, v, transmissionV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxTransByPatient).Put(transPatientKey(t), nil)
	})
}

func indexVisit(tx *bolt.Tx, v patients.Visit) error {
	if err := tx.Bucket(idxVisitsByDay).Put(visitDayKey(v), nil); err != nil {
		return err
	}
	return tx.Bucket(idxVisitsByPatient).Put(visitPatientKey(v), nil)
}

func unindexVisit(tx *bolt.Tx, v patients.Visit) error {
	if err := tx.Bucket(idxVisitsByDay).Delete(visitDayKey(v)); err != nil {
		return err
	}
	return tx.Bucket(idxVisitsByPatient).Delete(visitPatientKey(v))
}
