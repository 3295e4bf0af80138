package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
	"tournee/storage/replica"
)

// cached is one record being merged: loaded once, merged with every
// operation that touches it, written once at the end.
type cached struct {
	bucket, key []byte
	rec         replica.Record
	stored      map[string]json.RawMessage // as stored before the sync; nil if absent
	version     int
	changed     bool // the visible record changed
	touched     bool // the merge state changed
}

// applyAll merges the operations of every replica in one transaction, in
// stamp order: a change made after reading another always has a greater
// stamp, so a care plan comes after its patient whichever folder they came
// from. The transaction commits the records, their merge state, the
// conflicts and how far each replica was read, or none of them.
func (db *DB) applyAll(ctx context.Context, ins []incoming, dir string, rep *cabinetsync.Report, progress func(cabinetsync.Progress)) error {
	var ops []replica.Op
	for _, in := range ins {
		ops = append(ops, in.ops...)
		rep.Bundles += in.bundles
	}
	slices.SortFunc(ops, func(a, b replica.Op) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return int(a.Seq) - int(b.Seq)
	})
	return db.update(ctx, func(tx *bolt.Tx) error {
		clock := db.clock(tx)
		cache := map[string]*cached{}
		var conflicts []storedConflict
		step := max(len(ops)/100, 1)
		for i, op := range ops {
			if i%step == 0 {
				progress(cabinetsync.Progress{Stage: cabinetsync.Applying, Done: i, Total: len(ops)})
			}
			clock.Observe(op.At)
			c, err := db.load(tx, cache, []byte(op.Entity), op.Key)
			if err != nil {
				return err
			}
			if op.V > c.version {
				c.version = op.V
			}
			changed, losses := c.rec.Apply(op)
			c.changed = c.changed || changed
			c.touched = true
			for _, l := range losses {
				conflicts = append(conflicts, storedConflict{ID: db.newID(), Entity: op.Entity, Key: op.Key,
					Field: l.Field, Kept: l.Kept, Lost: l.Lost, KeptAt: l.KeptAt, LostAt: l.LostAt,
					KeptBy: l.KeptBy, LostBy: l.LostBy, Found: db.now().UTC()})
			}
		}
		progress(cabinetsync.Progress{Stage: cabinetsync.Applying, Done: len(ops), Total: len(ops)})
		keys := make([]string, 0, len(cache))
		for k := range cache {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a deterministic write order
		for _, k := range keys {
			c := cache[k]
			if err := db.flush(tx, c); err != nil {
				return err
			}
			if c.changed {
				countChange(rep, c.bucket)
			}
		}
		for _, cf := range conflicts {
			if err := db.put(tx, bucketConflicts, cf.ID.Bytes(), conflictV, cf); err != nil {
				return err
			}
		}
		rep.Conflicts = len(conflicts)
		rep.Ops = len(ops)
		for _, in := range ins {
			last := in.ops[len(in.ops)-1].Seq
			if err := tx.Bucket(bucketSyncSeen).Put(in.replica.Bytes(), u64bytes(last)); err != nil {
				return err
			}
		}
		if err := saveClock(tx, clock); err != nil {
			return err
		}
		if err := db.put(tx, bucketSync, keyLastSync, 1, lastSync{Dir: dir, At: db.now().UTC()}); err != nil {
			return err
		}
		if len(ops) == 0 {
			return nil
		}
		return db.audit(tx, "sync", "cabinet", xid.NilID(), len(ops))
	})
}

func countChange(rep *cabinetsync.Report, bucket []byte) {
	switch string(bucket) {
	case string(bucketPatients):
		rep.Patients++
	case string(bucketCarePlans):
		rep.CarePlans++
	case string(bucketVisits):
		rep.Visits++
	case string(bucketTransmissions):
		rep.Transmissions++
	case string(bucketNurses):
		rep.Nurses++
	case string(bucketCabinet):
		rep.Cabinet++
	}
}

// load returns the cached record, reading it and its merge state the first
// time.
func (db *DB) load(tx *bolt.Tx, cache map[string]*cached, bucket, key []byte) (*cached, error) {
	ck := string(stateKey(bucket, key))
	if c, ok := cache[ck]; ok {
		return c, nil
	}
	if !isSynced(bucket) {
		return nil, fmt.Errorf("%w: operation on %q", ErrCorrupt, bucket)
	}
	if len(key) != 12 && !bytes.Equal(bucket, bucketCabinet) {
		return nil, fmt.Errorf("%w: operation on %s key %x", ErrCorrupt, bucket, key)
	}
	stored, err := db.storedFields(tx, bucket, key)
	if err != nil {
		return nil, err
	}
	meta, err := db.recMeta(tx, bucket, key)
	if err != nil {
		return nil, err
	}
	c := &cached{bucket: bucket, key: bytes.Clone(key), stored: stored, version: recordVersions[string(bucket)],
		rec: replica.Record{Meta: meta, Exists: stored != nil}}
	if stored != nil {
		c.rec.Fields = group(bucket, stored)
		if env, err := db.open(bucket, key, tx.Bucket(bucket).Get(key)); err == nil && env.V < c.version {
			c.version = env.V
		}
	}
	cache[ck] = c
	return c, nil
}

// flush writes a merged record, its indexes and its merge state. A record
// whose merged fields do not make a valid record (its creation is still in a
// bundle not read) is stored all the same: the rest arrives with that bundle.
func (db *DB) flush(tx *bolt.Tx, c *cached) error {
	if c.touched {
		if err := db.putRecMeta(tx, c.bucket, c.key, c.rec.Meta); err != nil {
			return err
		}
	}
	if !c.changed {
		return nil
	}
	if c.stored != nil {
		if err := unindex(db, tx, c.bucket, c.key); err != nil {
			return err
		}
	}
	if c.rec.Meta.Deleted != nil {
		return tx.Bucket(c.bucket).Delete(c.key)
	}
	fields := ungroup(c.bucket, c.rec.Fields, c.stored)
	raw, err := replica.Object(fields)
	if err != nil {
		return err
	}
	version := c.version
	if bytes.Equal(c.bucket, bucketPatients) {
		version = patientV // merged fields follow the current shape
	}
	if err := db.put(tx, c.bucket, c.key, version, json.RawMessage(raw)); err != nil {
		return err
	}
	return reindex(db, tx, c.bucket, c.key)
}

// unindex removes the index entries of the record as stored.
func unindex(db *DB, tx *bolt.Tx, bucket, key []byte) error {
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return nil
	}
	switch string(bucket) {
	case string(bucketVisits):
		v, err := decode[patients.Visit](db, bucket, key, raw, visitV)
		if err != nil {
			return err
		}
		return unindexVisit(tx, v)
	case string(bucketCarePlans):
		c, err := decode[patients.CarePlan](db, bucket, key, raw, carePlanV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxCarePlansByPatient).Delete(carePlanPatientKey(c))
	case string(bucketTransmissions):
		t, err := decode[patients.Transmission](db, bucket, key, raw, transmissionV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxTransByPatient).Delete(transPatientKey(t))
	}
	return nil
}

// reindex adds the index entries of the record as now stored.
func reindex(db *DB, tx *bolt.Tx, bucket, key []byte) error {
	raw := tx.Bucket(bucket).Get(key)
	switch string(bucket) {
	case string(bucketVisits):
		v, err := decode[patients.Visit](db, bucket, key, raw, visitV)
		if err != nil {
			return err
		}
		return indexVisit(tx, v)
	case string(bucketCarePlans):
		c, err := decode[patients.CarePlan](db, bucket, key, raw, carePlanV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxCarePlansByPatient).Put(carePlanPatientKey(c), nil)
	case string(bucketTransmissions):
		t, err := decode[patients.Transmission](db, bucket, key, raw, transmissionV)
		if err != nil {
			return err
		}
		return tx.Bucket(idxTransByPatient).Put(transPatientKey(t), nil)
	}
	return nil
}
