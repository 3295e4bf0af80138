package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

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
	changed     bool  // the visible record changed
	touched     bool  // the merge state changed
	ops         []int // indexes of the operations to merge into it
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
		var recs []*cached // in order of first operation
		for i, op := range ops {
			if i%step == 0 {
				progress(cabinetsync.Progress{Stage: cabinetsync.Applying, Done: i, Total: len(ops)})
			}
			clock.Observe(op.At)
			c, err := db.load(tx, cache, []byte(op.Entity), op.Key)
			if err != nil {
				return err
			}
			if c.ops == nil {
				recs = append(recs, c)
			}
			c.ops = append(c.ops, i)
		}
		for _, l := range mergeRecords(recs, ops) {
			op := ops[l.op]
			id := conflictID(op.Entity, op.Key, l.Field, l.LostAt)
			if found[id] || tx.Bucket(bucketConflicts).Get(id.Bytes()) != nil {
				continue // the same lost change, already listed
			}
			found[id] = true
			conflicts = append(conflicts, storedConflict{ID: id, Entity: op.Entity, Key: op.Key,
				Field: l.Field, Kept: l.Kept, Lost: l.Lost, KeptAt: l.KeptAt, LostAt: l.LostAt,
				KeptBy: l.KeptBy, LostBy: l.LostBy, LostBase: l.LostBase, Found: db.now().UTC()})
		}
		progress(cabinetsync.Progress{Stage: cabinetsync.Applying, Done: len(ops), Total: len(ops)})
		keys := make([]string, 0, len(cache))
		for k := range cache {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a deterministic write order, and appends in each bucket
		var idx indexChanges
		if err := db.flushAll(tx, cache, keys, &idx, rep); err != nil {
			return err
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

// flushAll writes every merged record, its merge state and its index
// changes. Encoding and sealing are most of a large merge and need nothing
// of the transaction, so they run on every core, a batch ahead of the
// writes; bbolt's writes stay on this goroutine, in key order.
func (db *DB) flushAll(tx *bolt.Tx, cache map[string]*cached, keys []string, idx *indexChanges, rep *cabinetsync.Report) error {
	const batch = 1024
	type result struct {
		ps  []prepared
		err error
	}
	results := make(chan result, 1)
	done := make(chan struct{})
	defer close(done)
	workers := runtime.GOMAXPROCS(0)
	go func() {
		defer close(results)
		for start := 0; start < len(keys); start += batch {
			part := keys[start:min(start+batch, len(keys))]
			ps := make([]prepared, len(part))
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := w; i < len(part) && errs[w] == nil; i += workers {
						ps[i], errs[w] = db.prepare(cache[part[i]])
					}
				})
			}
			wg.Wait()
			err := errors.Join(errs...)
			select {
			case results <- result{ps, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for r := range results {
		if r.err != nil {
			return r.err
		}
		for _, p := range r.ps {
			if err := p.write(tx, idx); err != nil {
				return err
			}
			if c := p.c; c.changed && (c.whole() || c.rec.Meta.Deleted != nil) {
				countChange(rep, c.bucket)
			}
		}
	}
	return nil
}

// prepared is what flushing one merged record writes: sealed values (nil
// to delete) and its index changes.
type prepared struct {
	c        *cached
	puts     []sealedPut
	old, now []indexEntry
	index    indexAction
}

type sealedPut struct{ bucket, key, value []byte }

type indexAction int

const (
	indexKeep    indexAction = iota // no change of the visible record
	indexRemove                     // the record was deleted
	indexReplace                    // the record was written
)

// prepare encodes and seals a merged record and its merge state. A record
// whose merged fields do not make a valid record (its creation is still in
// a bundle not read) is stored all the same: the rest arrives with that
// bundle. It only reads c, so records are prepared concurrently.
func (db *DB) prepare(c *cached) (prepared, error) {
	p := prepared{c: c}
	if c.touched {
		sk := stateKey(c.bucket, c.key)
		sealed, err := db.sealMeta(sk, c.rec.Meta)
		if err != nil {
			return p, err
		}
		p.puts = append(p.puts, sealedPut{bucketSyncState, sk, sealed})
	}
	if !c.changed {
		return p, nil
	}
	if c.stored != nil && !c.pending {
		var err error
		if p.old, err = indexEntriesOf(c.bucket, c.key, c.storedJSON, c.stored, c.storedV); err != nil {
			return p, err
		}
	}
	if c.pending {
		p.puts = append(p.puts, sealedPut{bucketPending, stateKey(c.bucket, c.key), nil})
	}
	if c.rec.Meta.Deleted != nil {
		p.index = indexRemove
		p.puts = append(p.puts, sealedPut{c.bucket, c.key, nil})
		return p, nil
	}
	if !c.whole() {
		// Changes of a record whose creation has not arrived yet (it is in a
		// bundle of another folder, or one set aside): kept aside, out of
		// every read and list, until the creation makes it whole.
		raw, err := replica.Object(c.rec.Fields)
		if err != nil {
			return p, err
		}
		return p, p.seal(db, bucketPending, stateKey(c.bucket, c.key), c.version, raw)
	}
	fields := c.rec.Fields
	if bytes.Equal(c.bucket, bucketVisits) || len(localFields[string(c.bucket)]) > 0 {
		fields = ungroup(c.bucket, fields, c.stored) // elsewhere it would only copy them
	}
	raw, err := replica.Object(fields)
	if err != nil {
		return p, err
	}
	version := c.version
	if bytes.Equal(c.bucket, bucketPatients) {
		version = patientV // merged fields follow the current shape
	}
	if err := p.seal(db, c.bucket, c.key, version, raw); err != nil {
		return p, err
	}
	if p.now, err = indexEntriesOf(c.bucket, c.key, raw, fields, version); err != nil {
		return p, err
	}
	p.index = indexReplace
	return p, nil
}

func (p *prepared) seal(db *DB, bucket, key []byte, version int, data []byte) error {
	sealed, err := db.sealJSON(bucket, key, version, data)
	if err != nil {
		return err
	}
	p.puts = append(p.puts, sealedPut{bucket, key, sealed})
	return nil
}

// write stores what prepare sealed and notes the index changes in idx.
func (p prepared) write(tx *bolt.Tx, idx *indexChanges) error {
	for _, w := range p.puts {
		b := tx.Bucket(w.bucket)
		var err error
		if w.value == nil {
			err = b.Delete(w.key)
		} else {
			err = b.Put(w.key, w.value)
		}
		if err != nil {
			return err
		}
	}
	switch p.index {
	case indexRemove:
		idx.remove(p.old)
	case indexReplace:
		idx.replace(p.old, p.now)
	}
	return nil
}

// whole tells a record its creation reached: every record is created with
// its id, and no change ever empties it.
func (c *cached) whole() bool {
	v, ok := c.rec.Fields["id"]
	return ok && !replica.Equal(v, nil)
}

// sealJSON seals a record already encoded as JSON: what put does after
// json.Marshal, without encoding the record a second time. data must be
// compact JSON as json.Marshal writes it, so the stored bytes are the same.
func (db *DB) sealJSON(bucket, key []byte, version int, data []byte) ([]byte, error) {
	// The envelope is written where the ciphertext goes, and sealed in
	// place: one allocation a record instead of two.
	head := db.seal.headSize()
	out := make([]byte, head, head+len(data)+24+db.seal.aead.Overhead())
	out = append(out, `{"v":`...)
	out = strconv.AppendInt(out, int64(version), 10)
	out = append(out, `,"data":`...)
	out = append(out, data...)
	out = append(out, '}')
	return db.seal.sealInPlace(bucket, key, out)
}

// indexEntry is one key of an index bucket.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// indexEntries returns the index keys of a record of bucket, from its JSON
// at version v. Only the fields the keys are made of are decoded, under
// the tags the reads decode them with: a merge of 100,000 operations
// decoded whole records twice for three fields. A record that has no id is
// not whole: changes of it came through a folder before its creation did.
// It has no entries, or the lists would lead to a record they cannot open
// (« index points to missing visits/000… »); it gets them with its creation.
func indexEntries(bucket, key, data []byte, v int) ([]indexEntry, error) {
	dec := func(out any) error {
		if v < 1 || v > recordVersions[string(bucket)] {
			return fmt.Errorf("%w: record %s/%x has version %d", ErrTooNew, bucket, key, v)
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
		}
		return nil
	}
	type ids struct {
		ID        xid.ID `json:"id"`
		PatientID xid.ID `json:"patient_id"`
	}
	switch string(bucket) {
	case string(bucketVisits):
		var r struct {
			ids
			Date patients.Date `json:"date"`
		}
		if err := dec(&r); err != nil || r.ID.IsZero() {
			return nil, err
		}
		vis := patients.Visit{ID: r.ID, PatientID: r.PatientID, Date: r.Date}
		return []indexEntry{{idxVisitsByDay, visitDayKey(vis)}, {idxVisitsByPatient, visitPatientKey(vis)}}, nil
	case string(bucketCarePlans):
		var r ids
		if err := dec(&r); err != nil || r.ID.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxCarePlansByPatient, carePlanPatientKey(patients.CarePlan{ID: r.ID, PatientID: r.PatientID})}}, nil
	case string(bucketTransmissions):
		var r struct {
			ids
			At time.Time `json:"at"`
		}
		if err := dec(&r); err != nil || r.ID.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxTransByPatient, transPatientKey(patients.Transmission{ID: r.ID, PatientID: r.PatientID, At: r.At})}}, nil
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
