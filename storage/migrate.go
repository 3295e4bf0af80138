package storage

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// migrations[i] moves the layout from version i to i+1. They run in the one
// write transaction that opens the file, with the new version written in the
// same transaction, so a crash leaves either the old or the new layout.
var migrations = []func(db *DB, tx *bolt.Tx) error{
	// 0 → 1: the entity buckets of the first release.
	func(_ *DB, tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketCabinet, bucketNurses, bucketPatients, bucketCarePlans,
			bucketVisits, bucketTransmissions, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 1 → 2: index buckets, so the day's visits and a patient's history are
	// range scans instead of full decrypting scans.
	func(db *DB, tx *bolt.Tx) error {
		for _, name := range [][]byte{idxVisitsByDay, idxVisitsByPatient, idxCarePlansByPatient, idxTransByPatient} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return db.rebuildIndexes(tx)
	},
	// 2 → 3: the versions of the DMP summaries exported.
	func(_ *DB, tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketDMPExports)
		return err
	},
	// 3 → 4: replication. The laptop gets its replica id, and everything it
	// already holds becomes operations, so its first sync shares it all.
	func(db *DB, tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketOplog, bucketSyncState, bucketSyncSeen, bucketConflicts, bucketSync, bucketPending} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keyReplica, db.newID().Bytes()); err != nil {
			return err
		}
		return db.snapshotOps(tx)
	},
	// 4 → 5: the cabinet's replacement records (storage/replacement.go).
	func(_ *DB, tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketReplacements)
		return err
	},
}

// schemaLatest is the layout this build writes.
var schemaLatest = len(migrations)

func schemaVersion(tx *bolt.Tx) (int, error) {
	raw := tx.Bucket(bucketMeta).Get(keySchema)
	if raw == nil {
		return 0, nil
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%w: schema version %q", ErrCorrupt, raw)
	}
	return v, nil
}

// migrate is called with the version found in the file; a file from a newer
// release is refused rather than half-understood.
func (db *DB) migrate(tx *bolt.Tx, from int) error {
	if from > schemaLatest {
		return fmt.Errorf("%w: schema %d, this version knows up to %d", ErrTooNew, from, schemaLatest)
	}
	for v := from; v < schemaLatest; v++ {
		if err := migrations[v](db, tx); err != nil {
			return fmt.Errorf("migration %d→%d: %w", v, v+1, err)
		}
	}
	if from == schemaLatest {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaLatest)))
}
