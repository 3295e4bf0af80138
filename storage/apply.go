package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

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
	storedJSON  []byte                     // the same, as its JSON
	storedV     int                        // and its record version
	pending     bool                       // stored in sync_pending: not whole yet
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
		ops = append(ops, in.extra...)
		rep.Bundles += in.bundles
	}
	slices.SortFunc(ops, func(a, b replica.Op) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return int(a.Seq) - int(b.Seq)
	})
	return db.update(ctx, func(tx *bolt.Tx) error {
		fillPages(tx)
		clock := db.clock(tx)
		cache := map[string]*cached{}
		var conflicts []storedConflict
		found := map[xid.ID]bool{}
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
				id := conflictID(op.Entity, op.Key, l.Field, l.LostAt)
				if found[id] || tx.Bucket(bucketConflicts).Get(id.Bytes()) != nil {
					continue // the same lost change, already listed
				}
				found[id] = true
				conflicts = append(conflicts, storedConflict{ID: id, Entity: op.Entity, Key: op.Key,
					Field: l.Field, Kept: l.Kept, Lost: l.Lost, KeptAt: l.KeptAt, LostAt: l.LostAt,
					KeptBy: l.KeptBy, LostBy: l.LostBy, LostBase: l.LostBase, Found: db.now().UTC()})
			}
		}
		progress(cabinetsync.Progress{Stage: cabinetsync.Applying, Done: len(ops), Total: len(ops)})
		keys := make([]string, 0, len(cache))
		for k := range cache {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a deterministic write order, and appends in each bucket
		var idx indexChanges
		for _, k := range keys {
			c := cache[k]
			if err := db.flush(tx, c, &idx); err != nil {
				return err
			}
			if c.changed && (c.whole() || c.rec.Meta.Deleted != nil) {
				countChange(rep, c.bucket)
			}
		}
		if err := idx.write(tx); err != nil {
			return err
		}
		for _, cf := range conflicts {
			if err := db.put(tx, bucketConflicts, cf.ID.Bytes(), conflictV, cf); err != nil {
				return err
			}
		}
		rep.Conflicts = len(conflicts)
		rep.Ops = len(ops)
		var copies []writtenBundle
		for _, in := range ins {
			copies = append(copies, in.copies...)
			if len(in.ops) == 0 {
				continue
			}
			if err := tx.Bucket(bucketSyncSeen).Put(in.replica.Bytes(), u64bytes(in.last)); err != nil {
				return err
			}
		}
		if err := db.rememberIn(tx, keyCopies, copies); err != nil {
			return err
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

// fillPages has this transaction fill the pages it splits to 90 % instead
// of bbolt's 50 %: a sync mostly appends (records and merge states are
// written in key order, new ids come after the old ones), and half-empty
// pages made a first sync of 100,000 operations write a file twice as
// large, and twice the pages. The setting lasts for this transaction.
func fillPages(tx *bolt.Tx) {
	for _, name := range append([][]byte{bucketSyncState, idxVisitsByDay, idxVisitsByPatient, idxCarePlansByPatient, idxTransByPatient}, syncedBuckets...) {
		if b := tx.Bucket(name); b != nil {
			b.FillPercent = 0.9
		}
	}
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
	c := &cached{bucket: bucket, key: bytes.Clone(key), version: recordVersions[string(bucket)]}
	from, fromKey, raw := bucket, key, tx.Bucket(bucket).Get(key)
	if raw == nil {
		from, fromKey = bucketPending, stateKey(bucket, key)
		raw, c.pending = tx.Bucket(bucketPending).Get(fromKey), true
		if raw == nil {
			c.pending = false
		}
	}
	if raw != nil {
		env, err := db.open(from, fromKey, raw)
		if err != nil {
			return nil, err
		}
		if c.stored, err = replica.Fields(env.Data); err != nil {
			return nil, fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
		}
		c.storedJSON, c.storedV = env.Data, env.V
		c.version = min(c.version, env.V)
	}
	meta, err := db.recMeta(tx, bucket, key)
	if err != nil {
		return nil, err
	}
	c.rec = replica.Record{Meta: meta, Exists: c.stored != nil, Unions: unionsOf(bucket)}
	switch {
	case c.pending:
		// Kept aside as merged fields: already grouped, and without the
		// local fields a record as stored has.
		c.rec.Fields, c.stored = c.stored, nil
	case c.stored != nil:
		c.rec.Fields = group(bucket, c.stored)
	}
	cache[ck] = c
	return c, nil
}

// flush writes a merged record and its merge state, and notes the changes
// of its index entries in idx. A record whose merged fields do not make a
// valid record (its creation is still in a bundle not read) is stored all
// the same: the rest arrives with that bundle.
func (db *DB) flush(tx *bolt.Tx, c *cached, idx *indexChanges) error {
	if c.touched {
		meta, err := c.rec.Meta.MarshalJSON() // compact, as put stores it
		if err != nil {
			return err
		}
		if err := db.putJSON(tx, bucketSyncState, stateKey(c.bucket, c.key), recMetaV, meta); err != nil {
			return err
		}
	}
	if !c.changed {
		return nil
	}
	var old []indexEntry
	if c.stored != nil && !c.pending {
		var err error
		if old, err = indexEntries(c.bucket, c.key, c.storedJSON, c.storedV); err != nil {
			return err
		}
	}
	if c.pending {
		if err := tx.Bucket(bucketPending).Delete(stateKey(c.bucket, c.key)); err != nil {
			return err
		}
	}
	if c.rec.Meta.Deleted != nil {
		idx.remove(old)
		return tx.Bucket(c.bucket).Delete(c.key)
	}
	if !c.whole() {
		// Changes of a record whose creation has not arrived yet (it is in a
		// bundle of another folder, or one set aside): kept aside, out of
		// every read and list, until the creation makes it whole.
		raw, err := replica.Object(c.rec.Fields)
		if err != nil {
			return err
		}
		return db.putJSON(tx, bucketPending, stateKey(c.bucket, c.key), c.version, raw)
	}
	fields := c.rec.Fields
	if bytes.Equal(c.bucket, bucketVisits) || len(localFields[string(c.bucket)]) > 0 {
		fields = ungroup(c.bucket, fields, c.stored) // elsewhere it would only copy them
	}
	raw, err := replica.Object(fields)
	if err != nil {
		return err
	}
	version := c.version
	if bytes.Equal(c.bucket, bucketPatients) {
		version = patientV // merged fields follow the current shape
	}
	if err := db.putJSON(tx, c.bucket, c.key, version, raw); err != nil {
		return err
	}
	now, err := indexEntries(c.bucket, c.key, raw, version)
	if err != nil {
		return err
	}
	idx.replace(old, now)
	return nil
}

// whole tells a record its creation reached: every record is created with
// its id, and no change ever empties it.
func (c *cached) whole() bool {
	v, ok := c.rec.Fields["id"]
	return ok && !replica.Equal(v, nil)
}

// putJSON seals and stores a record already encoded as JSON: what put does
// after json.Marshal, without encoding the record a second time. data must
// be compact JSON as json.Marshal writes it, so the stored bytes are the
// same.
func (db *DB) putJSON(tx *bolt.Tx, bucket, key []byte, version int, data []byte) error {
	plain := make([]byte, 0, len(data)+24)
	plain = append(plain, `{"v":`...)
	plain = strconv.AppendInt(plain, int64(version), 10)
	plain = append(plain, `,"data":`...)
	plain = append(plain, data...)
	plain = append(plain, '}')
	sealed, err := db.seal.seal(bucket, key, plain)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put(key, sealed)
}

// indexEntry is one key of an index bucket.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// indexEntries returns the index keys of a record of bucket, from its JSON
// at version v, decoded as the reads decode it. A record that has no id is
// not whole: changes of it came through a folder before its creation did.
// It has no entries, or the lists would lead to a record they cannot open
// (« index points to missing visits/000… »); it gets them with its creation.
func indexEntries(bucket, key, data []byte, v int) ([]indexEntry, error) {
	dec := func(out any, current int) error {
		if v < 1 || v > current {
			return fmt.Errorf("%w: record %s/%x has version %d", ErrTooNew, bucket, key, v)
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
		}
		return nil
	}
	switch string(bucket) {
	case string(bucketVisits):
		var r patients.Visit
		if err := dec(&r, visitV); err != nil || r.ID.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxVisitsByDay, visitDayKey(r)}, {idxVisitsByPatient, visitPatientKey(r)}}, nil
	case string(bucketCarePlans):
		var r patients.CarePlan
		if err := dec(&r, carePlanV); err != nil || r.ID.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxCarePlansByPatient, carePlanPatientKey(r)}}, nil
	case string(bucketTransmissions):
		var r patients.Transmission
		if err := dec(&r, transmissionV); err != nil || r.ID.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxTransByPatient, transPatientKey(r)}}, nil
	}
	return nil, nil
}

// indexChanges gathers the index entries a merge removes and adds, to write
// them bucket by bucket in key order once every record is written: a first
// sync fills empty index buckets by appending instead of inserting at
// random places.
type indexChanges struct {
	del, put []indexEntry
}

func (ic *indexChanges) remove(old []indexEntry) { ic.del = append(ic.del, old...) }

// replace removes the entries of old that now does not have and adds the
// others of now; an unchanged entry is left alone.
func (ic *indexChanges) replace(old, now []indexEntry) {
	for _, o := range old {
		if !slices.ContainsFunc(now, func(e indexEntry) bool { return o.same(e) }) {
			ic.del = append(ic.del, o)
		}
	}
	for _, e := range now {
		if !slices.ContainsFunc(old, func(o indexEntry) bool { return o.same(e) }) {
			ic.put = append(ic.put, e)
		}
	}
}

func (e indexEntry) same(o indexEntry) bool {
	return bytes.Equal(e.bucket, o.bucket) && bytes.Equal(e.key, o.key)
}

func (ic *indexChanges) write(tx *bolt.Tx) error {
	order := func(a, b indexEntry) int {
		if c := bytes.Compare(a.bucket, b.bucket); c != 0 {
			return c
		}
		return bytes.Compare(a.key, b.key)
	}
	// An index key ends with its record's id: the entries removed and
	// added belong to distinct records or differ, so the order of the two
	// passes does not matter.
	slices.SortFunc(ic.del, order)
	slices.SortFunc(ic.put, order)
	for _, e := range ic.del {
		if err := tx.Bucket(e.bucket).Delete(e.key); err != nil {
			return err
		}
	}
	for _, e := range ic.put {
		if err := tx.Bucket(e.bucket).Put(e.key, nil); err != nil {
			return err
		}
	}
	return nil
}

// unindex removes the index entries of the record as stored.
func unindex(db *DB, tx *bolt.Tx, bucket, key []byte) error {
	entries, err := storedIndexEntries(db, tx, bucket, key)
	for _, e := range entries {
		if err := tx.Bucket(e.bucket).Delete(e.key); err != nil {
			return err
		}
	}
	return err
}

// reindex adds the index entries of the record as now stored.
func reindex(db *DB, tx *bolt.Tx, bucket, key []byte) error {
	entries, err := storedIndexEntries(db, tx, bucket, key)
	for _, e := range entries {
		if err := tx.Bucket(e.bucket).Put(e.key, nil); err != nil {
			return err
		}
	}
	return err
}

func storedIndexEntries(db *DB, tx *bolt.Tx, bucket, key []byte) ([]indexEntry, error) {
	switch string(bucket) {
	case string(bucketVisits), string(bucketCarePlans), string(bucketTransmissions):
	default:
		return nil, nil
	}
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return nil, nil
	}
	env, err := db.open(bucket, key, raw)
	if err != nil {
		return nil, err
	}
	return indexEntries(bucket, key, env.Data, env.V)
}
