package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/handover"
	"tournee/patients"
)

// bucketReplacements holds the cabinet's replacement records
// (patients.ReplacementRecord), synced like the other records: every laptop
// must know that a titulaire abstains during her replacement.
var bucketReplacements = []byte("replacements")

const replacementV = 1

// Replacements returns every replacement record, cancelled ones included,
// in creation order.
func (db *DB) Replacements(ctx context.Context) ([]patients.ReplacementRecord, error) {
	return all[patients.ReplacementRecord](ctx, db, bucketReplacements, replacementV)
}

// Replacement returns one record.
func (db *DB) Replacement(ctx context.Context, id xid.ID) (patients.ReplacementRecord, error) {
	return one[patients.ReplacementRecord](ctx, db, bucketReplacements, id, replacementV)
}

// SaveReplacement creates the record (zero ID) or replaces it, after
// handover.CheckReplacement against the nurses and the other records as
// they stand in the same transaction: two laptops' records meet at the
// sync, but on one laptop no write slips between the check and the save.
// A refusal is a patients.ValidationErrors in French; nothing is written.
func (db *DB) SaveReplacement(ctx context.Context, r *patients.ReplacementRecord) error {
	fresh := r.ID.IsZero()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		nurses, others, err := db.replacementScope(tx, r.ID)
		if err != nil {
			return err
		}
		if r.Active() {
			if err := handover.CheckReplacement(*r, nurses, others); err != nil {
				return err
			}
		} else if err := r.Validate(); err != nil {
			return err
		}
		action := "update"
		if r.ID.IsZero() {
			r.ID, action = db.newID(), "create"
		}
		if err := db.putRecord(tx, bucketReplacements, r.ID.Bytes(), replacementV, r); err != nil {
			return err
		}
		return db.audit(tx, action, "replacement", r.ID, 0)
	})
	if err != nil && fresh {
		r.ID = xid.NilID() // nothing was stored: a retry must create again
	}
	return err
}

// replacementScope reads the nurses and every other record.
func (db *DB) replacementScope(tx *bolt.Tx, self xid.ID) ([]patients.Nurse, []patients.ReplacementRecord, error) {
	var nurses []patients.Nurse
	err := tx.Bucket(bucketNurses).ForEach(func(k, v []byte) error {
		n, err := decode[patients.Nurse](db, bucketNurses, k, v, nurseV)
		nurses = append(nurses, n)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var others []patients.ReplacementRecord
	err = tx.Bucket(bucketReplacements).ForEach(func(k, v []byte) error {
		r, err := decode[patients.ReplacementRecord](db, bucketReplacements, k, v, replacementV)
		if r.ID != self {
			others = append(others, r)
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list replacements: %w", err)
	}
	slices.SortFunc(others, func(a, b patients.ReplacementRecord) int { return a.ID.Compare(b.ID) })
	return nurses, others, nil
}

// UpdateReplacement changes a stored record through fn in one transaction
// (cancel, shorten, pack sent, return imported): changes that cannot break
// a rule the record already passed, so only Validate runs. fn's error
// leaves the base unchanged.
func (db *DB) UpdateReplacement(ctx context.Context, id xid.ID, fn func(*patients.ReplacementRecord) error) (patients.ReplacementRecord, error) {
	var r patients.ReplacementRecord
	err := db.update(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketReplacements).Get(id.Bytes())
		if raw == nil {
			return fmt.Errorf("replacement %s: %w", id, patients.ErrNotFound)
		}
		var err error
		if r, err = decode[patients.ReplacementRecord](db, bucketReplacements, id.Bytes(), raw, replacementV); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		if r.ID != id {
			return fmt.Errorf("replacement %s: the id may not change", id)
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if err := db.putRecord(tx, bucketReplacements, id.Bytes(), replacementV, r); err != nil {
			return err
		}
		return db.audit(tx, "update", "replacement", id, 0)
	})
	return r, err
}
