package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/patients"
	"tournee/storage/replica"
)

// Replication buckets and meta keys (see doc.go and sync.go).
var (
	bucketOplog     = []byte("oplog")          // 8-byte seq → this laptop's Op, sealed
	bucketSyncState = []byte("sync_records")   // entity + 0 + key → replica.Meta, sealed
	bucketSyncSeen  = []byte("sync_seen")      // replica xid → 8-byte last seq applied
	bucketConflicts = []byte("sync_conflicts") // xid → conflict, sealed
	bucketSync      = []byte("sync")           // "key" → cabinet key, "last" → last sync, sealed
	bucketPending   = []byte("sync_pending")   // entity + 0 + key → fields of a record not whole yet, sealed

	keyReplica = []byte("replica") // this laptop's replica id (12 bytes)
	keyHLC     = []byte("hlc")     // 8-byte wall ms + 4-byte counter
	keyOpSeq   = []byte("op_seq")  // 8-byte last seq recorded here
)

const (
	opV       = 1
	recMetaV  = 1 // the JSON form of a merge state; now written binary (replica.MetaBinaryV)
	conflictV = 1
)

// syncedBuckets are the entities laptops share; the rest (audit, DMP
// versions, address index) stays on each laptop.
var syncedBuckets = [][]byte{bucketCabinet, bucketNurses, bucketPatients, bucketCarePlans, bucketVisits, bucketTransmissions, bucketReplacements}

func isSynced(bucket []byte) bool {
	return slices.ContainsFunc(syncedBuckets, func(b []byte) bool { return bytes.Equal(b, bucket) })
}

// localFields never leave the laptop: the cabinet's current nurse is who
// uses this laptop, not a fact about the cabinet.
var localFields = map[string][]string{"cabinet": {"current_nurse"}}

// unionFields are sets merged by union (replica.Record.Unions): the
// cabinet's nurses, which laptops joining at the same time each add to.
var unionFields = map[string][]string{"cabinet": {"nurse_ids"}}

func unionsOf(bucket []byte) map[string]bool {
	fs := unionFields[string(bucket)]
	if len(fs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(fs))
	for _, f := range fs {
		m[f] = true
	}
	return m
}

// outcomeFields are the fields of a visit that say how it went. They travel
// and merge as one value, "outcome", so that a visit is never left « faite »
// by one laptop with the absence note of another.
var outcomeFields = []string{"status", "done_at", "done_by", "status_note", "actual_min"}

const outcomeField = "outcome"

// group turns a record's JSON fields into the fields merged: local fields
// dropped, a visit's outcome as one object.
func group(bucket []byte, fields map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	for _, f := range localFields[string(bucket)] {
		delete(out, f)
	}
	if bytes.Equal(bucket, bucketVisits) {
		o := map[string]json.RawMessage{}
		for _, f := range outcomeFields {
			if v, ok := out[f]; ok {
				o[f] = v
				delete(out, f)
			}
		}
		raw, _ := json.Marshal(o) // a map of raw JSON values marshals
		out[outcomeField] = raw
	}
	return out
}

// ungroup is the inverse of group; local keeps the fields only this laptop
// has.
func ungroup(bucket []byte, fields, local map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(fields)+4)
	for k, v := range fields {
		out[k] = v
	}
	for _, f := range localFields[string(bucket)] {
		if v, ok := local[f]; ok {
			out[f] = v
		}
	}
	if raw, ok := out[outcomeField]; ok && bytes.Equal(bucket, bucketVisits) {
		delete(out, outcomeField)
		var o map[string]json.RawMessage
		if json.Unmarshal(raw, &o) == nil {
			for k, v := range o {
				out[k] = v
			}
		}
	}
	return out
}

func stateKey(bucket, key []byte) []byte {
	k := make([]byte, 0, len(bucket)+1+len(key))
	k = append(k, bucket...)
	k = append(k, 0)
	return append(k, key...)
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func u64bytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// replicaID is this laptop's id in the cabinet, made by the schema 4
// migration.
func replicaID(tx *bolt.Tx) xid.ID {
	id, _ := xid.FromBytes(tx.Bucket(bucketMeta).Get(keyReplica))
	return id
}

func (db *DB) clock(tx *bolt.Tx) *replica.Clock {
	c := &replica.Clock{Replica: replicaID(tx), Now: db.now}
	if raw := tx.Bucket(bucketMeta).Get(keyHLC); len(raw) == 12 {
		c.Last = replica.Stamp{Wall: int64(binary.BigEndian.Uint64(raw)), Logical: binary.BigEndian.Uint32(raw[8:]), Replica: c.Replica}
	}
	return c
}

func saveClock(tx *bolt.Tx, c *replica.Clock) error {
	raw := binary.BigEndian.AppendUint64(nil, uint64(c.Last.Wall))
	raw = binary.BigEndian.AppendUint32(raw, c.Last.Logical)
	return tx.Bucket(bucketMeta).Put(keyHLC, raw)
}

// recMeta reads the merge state of a record, in either of its forms.
func (db *DB) recMeta(tx *bolt.Tx, bucket, key []byte) (replica.Meta, error) {
	var m replica.Meta
	sk := stateKey(bucket, key)
	raw := tx.Bucket(bucketSyncState).Get(sk)
	if raw == nil {
		return m, nil
	}
	return db.decodeRecMeta(sk, raw)
}

// decodeRecMeta unseals and decodes a value of sync_records.
func (db *DB) decodeRecMeta(sk, raw []byte) (replica.Meta, error) {
	var m replica.Meta
	env, err := db.open(bucketSyncState, sk, raw)
	if err != nil {
		return m, err
	}
	if env.binary {
		return env.meta, nil
	}
	// Written before the binary form: JSON in its envelope.
	if env.V < 1 || env.V > recMetaV {
		return m, fmt.Errorf("%w: record %s/%x has version %d", ErrTooNew, bucketSyncState, sk, env.V)
	}
	if err := json.Unmarshal(env.Data, &m); err != nil {
		return replica.Meta{}, fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucketSyncState, sk, err)
	}
	return m, nil
}

func (db *DB) putRecMeta(tx *bolt.Tx, bucket, key []byte, m replica.Meta) error {
	sk := stateKey(bucket, key)
	sealed, err := db.sealMeta(sk, m)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSyncState).Put(sk, sealed)
}

// sealMeta seals a merge state in its binary form under its state key,
// encoded where the ciphertext goes: one allocation a record.
func (db *DB) sealMeta(sk []byte, m replica.Meta) ([]byte, error) {
	head, tag := db.seal.headSize(), db.seal.aead.Overhead()
	buf := make([]byte, head, head+16+len(m.Fields)*24+tag)
	buf = m.AppendBinary(buf)
	buf = slices.Grow(buf, tag)
	return db.seal.sealInPlace(bucketSyncState, sk, buf)
}

// storedFields returns a record's JSON fields as stored, nil when absent.
func (db *DB) storedFields(tx *bolt.Tx, bucket, key []byte) (map[string]json.RawMessage, error) {
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return nil, nil
	}
	env, err := db.open(bucket, key, raw)
	if err != nil {
		return nil, err
	}
	f, err := replica.Fields(env.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
	}
	return f, nil
}

// putRecord stores one record of a shared entity and records what changed
// in the op log, in the caller's transaction: the write and its operation
// commit together or not at all.
func (db *DB) putRecord(tx *bolt.Tx, bucket, key []byte, version int, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", bucket, err)
	}
	next, err := replica.Fields(raw)
	if err != nil {
		return err
	}
	prev, err := db.storedFields(tx, bucket, key)
	if err != nil {
		return err
	}
	if fs := unionFields[string(bucket)]; len(fs) > 0 && prev != nil {
		// A set only grows: what another laptop added stays here too.
		for _, f := range fs {
			if u := replica.Union(prev[f], next[f]); u != nil {
				next[f] = u
			}
		}
		if raw, err = replica.Object(next); err != nil {
			return err
		}
	}
	if err := db.put(tx, bucket, key, version, json.RawMessage(raw)); err != nil {
		return err
	}
	var set map[string]json.RawMessage
	if prev == nil {
		set = group(bucket, next)
	} else {
		set = replica.Diff(group(bucket, prev), group(bucket, next))
	}
	if len(set) == 0 {
		return nil
	}
	return db.logOp(tx, replica.Op{Entity: string(bucket), Key: bytes.Clone(key), V: version, Set: set,
		Append: bytes.Equal(bucket, bucketTransmissions)})
}

// logOp stamps a local operation, updates the record's merge state and
// appends the operation to the log.
func (db *DB) logOp(tx *bolt.Tx, op replica.Op) error {
	meta := tx.Bucket(bucketMeta)
	c := db.clock(tx)
	op.Seq = u64(meta.Get(keyOpSeq)) + 1
	op.At = c.Tick()
	if op.Author.IsZero() {
		op.Author = db.actor(tx)
	}
	bucket, key := []byte(op.Entity), op.Key
	m, err := db.recMeta(tx, bucket, key)
	if err != nil {
		return err
	}
	if m.Deleted != nil {
		// A deleted record stays deleted on every laptop: writing it again
		// here would diverge from the others.
		return fmt.Errorf("%s %x was deleted: %w", bucket, key, patients.ErrNotFound)
	}
	rec := replica.Record{Meta: m}
	base := rec.Local(op)
	if len(base) > 0 {
		op.Base = base
	}
	if err := db.putRecMeta(tx, bucket, key, rec.Meta); err != nil {
		return err
	}
	seq := u64bytes(op.Seq)
	if err := db.put(tx, bucketOplog, seq, opV, op); err != nil {
		return err
	}
	if err := meta.Put(keyOpSeq, seq); err != nil {
		return err
	}
	return saveClock(tx, c)
}

// snapshotOps records every existing shared record as one operation: a
// database made before replication shares all it holds at its first sync.
func (db *DB) snapshotOps(tx *bolt.Tx) error {
	for _, b := range syncedBuckets {
		type rec struct {
			key []byte
			v   int
			raw []byte
		}
		var recs []rec
		if tx.Bucket(b) == nil {
			continue // made by a later migration: nothing to share yet
		}
		err := tx.Bucket(b).ForEach(func(k, v []byte) error {
			if bytes.Equal(b, bucketPatients) {
				// Older patient records are read at their version and
				// shared at the current one.
				p, err := decodePatient(db, k, v)
				if err != nil {
					return err
				}
				raw, err := json.Marshal(p)
				recs = append(recs, rec{bytes.Clone(k), patientV, raw})
				return err
			}
			env, err := db.open(b, k, v)
			if err != nil {
				return err
			}
			recs = append(recs, rec{bytes.Clone(k), env.V, bytes.Clone(env.Data)})
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range recs {
			fields, err := replica.Fields(r.raw)
			if err != nil {
				return fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, b, r.key, err)
			}
			op := replica.Op{Entity: string(b), Key: r.key, V: r.v, Set: group(b, fields), Append: bytes.Equal(b, bucketTransmissions)}
			if err := db.logOp(tx, op); err != nil {
				return err
			}
		}
	}
	return nil
}
