package storage

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/storage/replica"
)

var _ cabinetsync.Service = (*DB)(nil)

// ErrNoFolder ends a sync before anything is applied; it lives in
// cabinetsync so that the interface can word it without importing storage.
var ErrNoFolder = cabinetsync.ErrNoFolder

// incoming is what was read of one replica's bundles.
type incoming struct {
	replica xid.ID
	ops     []replica.Op // the bundles following the ones applied
	last    uint64       // the last of them (seen[replica] before when none)
	extra   []replica.Op // from conflict copies: merged, not counted as read
	copies  []writtenBundle
	bundles int
}

// Sync writes this laptop's new operations to dir/tournee-sync/<replica>/
// as one bundle, then reads every other laptop's bundles and applies, in one
// transaction, the operations not seen yet. A bundle that cannot be used is
// set aside in Report.Refused with the reason and tried again next time;
// the others are applied. Running it twice changes nothing.
//
// Before writing it checks its own folder: a bundle there that this
// database did not write (a copy of the database on a second computer, or
// a backup restored, writing under the same identity) makes it fork: it
// takes a new identity, writes again under it what only it had, and
// applies the other copy's operations like another laptop's.
func (db *DB) Sync(ctx context.Context, dir string, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
	return db.sync(ctx, dir, false, progress)
}

// Repair is Sync after checking every bundle of this laptop's own folder,
// even those it knows by their checksum: what does not read is set aside in
// tournee-sync/mis-de-cote/, what is missing is written again from the log.
func (db *DB) Repair(ctx context.Context, dir string, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
	return db.sync(ctx, dir, true, progress)
}

func (db *DB) sync(ctx context.Context, dir string, deep bool, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
	rep := cabinetsync.Report{Dir: dir}
	if progress == nil {
		progress = func(cabinetsync.Progress) {}
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return rep, fmt.Errorf("sync %s: %w", dir, ErrNoFolder)
	}
	key, err := db.cabinetKey(ctx)
	if err != nil {
		return rep, err
	}
	root := filepath.Join(dir, replica.SyncDir)
	if err := db.publish(ctx, key, dir, root, deep, &rep, progress); err != nil {
		return rep, fmt.Errorf("sync %s: write: %w", dir, err)
	}
	var me xid.ID
	if err := db.view(ctx, func(tx *bolt.Tx) error { me = replicaID(tx); return nil }); err != nil {
		return rep, err
	}
	ins, err := db.collect(ctx, key, root, me, &rep, progress)
	if err != nil {
		return rep, fmt.Errorf("sync %s: read: %w", dir, err)
	}
	if err := db.applyAll(ctx, ins, dir, &rep, progress); err != nil {
		return rep, fmt.Errorf("sync %s: apply: %w", dir, err)
	}
	progress(cabinetsync.Progress{Stage: cabinetsync.Finished, Done: 1, Total: 1})
	return rep, nil
}

// folderFiles is what one replica's folder holds: its bundles by range,
// the conflict copies sync tools made of them, and anything else.
type folderFiles struct {
	bundles, copies []bundleFile
	others          []string
}

// bundleFiles lists the bundles of one replica's folder, by range; partial
// files of an interrupted write are left out.
func bundleFiles(dir string) (folderFiles, error) {
	var out folderFiles
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if from, to, ok := replica.ParseBundleName(e.Name()); ok && e.Type().IsRegular() {
			out.bundles = append(out.bundles, bundleFile{path, from, to})
		} else if from, to, ok := replica.ParseConflictName(e.Name()); ok && e.Type().IsRegular() {
			out.copies = append(out.copies, bundleFile{path, from, to})
		} else if !replica.IsTemp(e.Name()) {
			out.others = append(out.others, path)
		}
	}
	byRange := func(a, b bundleFile) int {
		if c := cmp.Compare(a.from, b.from); c != 0 {
			return c
		}
		if c := cmp.Compare(a.to, b.to); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	}
	slices.SortFunc(out.bundles, byRange)
	slices.SortFunc(out.copies, byRange)
	return out, nil
}

type bundleFile struct {
	path     string
	from, to uint64
}

// setAside moves a file of the sync folder that cannot be used to
// tournee-sync/mis-de-cote/, bytes intact, under a name that says whose
// folder it was in.
func (db *DB) setAside(root string, owner xid.ID, path string, why error, rep *cabinetsync.Report) error {
	aside := filepath.Join(root, cabinetsync.SetAsideDir)
	if err := os.MkdirAll(aside, 0o700); err != nil {
		return err
	}
	to := filepath.Join(aside, owner.String()+"-"+db.now().UTC().Format("20060102-150405")+"-"+filepath.Base(path))
	for i := 2; ; i++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = filepath.Join(aside, fmt.Sprintf("%s-%d-%s", owner, i, filepath.Base(path)))
	}
	if err := os.Rename(path, to); err != nil {
		return err
	}
	rep.SetAside = append(rep.SetAside, cabinetsync.SetAside{File: path, To: to, Err: why})
	return nil
}

// publish writes the operations recorded here since the last bundle in this
// folder. The folder itself says what it holds, so a second stick gets the
// whole log. Partial files a pulled-out stick left are removed first.
//
// Every bundle of the folder this laptop does not know by its checksum is
// read and compared with the log: one that does not read is set aside and
// its range written again; one whose operations differ from the log, or go
// beyond it, was written by another copy of this database: it forks.
// deep checks the known bundles too.
func (db *DB) publish(ctx context.Context, key *replica.Key, dir, root string, deep bool, rep *cabinetsync.Report, progress func(cabinetsync.Progress)) (err error) {
	var me xid.ID
	var last uint64
	var before lastSync
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		me, last = replicaID(tx), u64(tx.Bucket(bucketMeta).Get(keyOpSeq))
		if raw := tx.Bucket(bucketSync).Get(keyLastSync); raw != nil {
			before, _ = decode[lastSync](db, bucketSync, keyLastSync, raw, 1)
		}
		return nil
	}); err != nil {
		return err
	}
	mine := filepath.Join(root, me.String())
	if entries, err := os.ReadDir(mine); err == nil {
		for _, e := range entries {
			if replica.IsTemp(e.Name()) {
				os.Remove(filepath.Join(mine, e.Name()))
			}
		}
	}
	files, err := bundleFiles(mine)
	if err != nil {
		return err
	}
	rep.Unexpected = append(rep.Unexpected, files.others...)
	known, err := db.writtenBundles(ctx)
	if err != nil {
		return err
	}
	var fresh []writtenBundle
	defer func() {
		if err == nil {
			err = db.rememberWritten(ctx, fresh)
		}
	}()
	// Check what the folder holds against the log.
	diverge := uint64(math.MaxUint64) // first operation where the folder and the log differ
	differs := false                  // an operation differs (else the folder only has more)
	var kept []bundleFile             // readable bundles of this history, by range
	check := func(f bundleFile, isCopy bool) error {
		sum, _ := fileSum(f.path)
		if !deep && f.to <= last && sum != "" && slices.Contains(known[filepath.Base(f.path)], sum) {
			if !isCopy {
				kept = append(kept, f)
			}
			return nil // byte for byte what this laptop wrote: no need to decrypt it
		}
		h, ops, rerr := replica.ReadBundle(f.path, key, schemaLatest)
		if rerr == nil && (h.Replica != me || h.From != f.from || h.To != f.to) {
			rerr = fmt.Errorf("%w: header does not match the file name", cabinetsync.ErrDamaged)
		}
		if errors.Is(rerr, cabinetsync.ErrTooNew) {
			// Another copy of this database, on a newer tournée: it cannot
			// be compared nor set aside (its readers may read it).
			rep.Refused = append(rep.Refused, cabinetsync.Refusal{Replica: me, File: f.path, Err: rerr})
			diverge, differs = min(diverge, f.from), true
			return nil
		}
		if rerr != nil {
			// Junk, a damaged copy, a file of another key: nobody can read
			// it. Its range, when this laptop has it, is written again.
			return db.setAside(root, me, f.path, rerr, rep)
		}
		var own []replica.Op
		if upto := min(f.to, last); upto >= f.from {
			if own, err = db.ownOps(ctx, f.from, upto); err != nil {
				return err
			}
		}
		for i, op := range ops {
			if i >= len(own) {
				diverge = min(diverge, op.Seq) // the folder has more than the log
				return nil
			}
			if !sameOp(op, own[i]) {
				diverge, differs = min(diverge, op.Seq), true
				return nil
			}
		}
		if isCopy {
			// A conflict copy identical to this laptop's history: a sync
			// tool's duplicate, nothing to merge.
			rep.Copies = append(rep.Copies, f.path)
		} else {
			kept = append(kept, f)
		}
		if sum != "" {
			fresh = append(fresh, writtenBundle{filepath.Base(f.path), sum})
		}
		return nil
	}
	for _, f := range files.bundles {
		if err := check(f, false); err != nil {
			return err
		}
	}
	for _, f := range files.copies {
		if err := check(f, true); err != nil {
			return err
		}
	}
	if diverge != math.MaxUint64 {
		fk, err := db.fork(ctx, diverge)
		if err != nil {
			return err
		}
		fk.Restored = !differs
		rep.Forks = append(rep.Forks, fk)
		fresh = nil
		// Written again under the new identity, into its own folder.
		return db.publish(ctx, key, dir, root, false, rep, progress)
	}
	if len(files.bundles) == 0 && last > 0 && before.Dir != "" && sameDir(before.Dir, dir) {
		rep.Rewritten = true // the folder was deleted or emptied since the last sync
	}
	// What the readable bundles leave out is written again from the log:
	// a bundle deleted or set aside would stop the other laptops for ever.
	var redo []bundleFile
	next := uint64(1)
	for _, f := range kept {
		if f.from > next {
			redo = append(redo, bundleFile{from: next, to: min(f.from-1, last)})
		}
		next = max(next, f.to+1)
	}
	claimed := uint64(0) // how far the folder held this laptop's bundles, read or not
	for _, f := range files.bundles {
		claimed = max(claimed, min(f.to, last))
	}
	if next <= claimed {
		redo = append(redo, bundleFile{from: next, to: claimed})
		next = claimed + 1
	}
	published := next - 1
	for _, f := range redo {
		ops, err := db.ownOps(ctx, f.from, f.to)
		if err != nil {
			return err
		}
		h := replica.Header{Schema: schemaLatest, Cabinet: key.Cabinet, Replica: me, From: f.from, To: f.to, Written: db.now().UTC()}
		path, err := replica.WriteBundle(mine, key, h, ops)
		if err != nil {
			return err
		}
		if sum, err := fileSum(path); err == nil {
			fresh = append(fresh, writtenBundle{filepath.Base(path), sum})
		}
		rep.Repaired++
	}
	ops, err := db.ownOps(ctx, published+1, last)
	if err != nil || len(ops) == 0 {
		return err
	}
	progress(cabinetsync.Progress{Stage: cabinetsync.Writing, Done: 0, Total: len(ops)})
	h := replica.Header{Schema: schemaLatest, Cabinet: key.Cabinet, Replica: me,
		From: ops[0].Seq, To: ops[len(ops)-1].Seq, Written: db.now().UTC()}
	path, err := replica.WriteBundle(mine, key, h, ops)
	if err != nil {
		return err
	}
	if sum, err := fileSum(path); err == nil {
		fresh = append(fresh, writtenBundle{filepath.Base(path), sum})
	}
	progress(cabinetsync.Progress{Stage: cabinetsync.Writing, Done: len(ops), Total: len(ops)})
	rep.Written += len(ops)
	return nil
}

func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// sameOp tells the same operation read from a bundle and from the log.
func sameOp(a, b replica.Op) bool {
	if a.Seq != b.Seq || a.At != b.At || a.Entity != b.Entity || !bytes.Equal(a.Key, b.Key) {
		return false
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// bucketRetired keeps the operations of an identity this database gave up
// at a fork, by old replica id + seq: never sent again (the other copy
// owns them), never lost.
var bucketRetired = []byte("oplog_retired")

// fork gives this database a new identity because another copy of it wrote
// under the current one. Operations from..last, which the other copy does
// not have, are written again under the new identity (same wall time and
// counter, the new id); the merge state of their records follows. The old
// identity becomes another laptop's, read from from on: the other copy's
// operations are applied like any laptop's. One transaction.
func (db *DB) fork(ctx context.Context, from uint64) (cabinetsync.Fork, error) {
	var fk cabinetsync.Fork
	err := db.update(ctx, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		old := replicaID(tx)
		last := u64(meta.Get(keyOpSeq))
		from = max(min(from, last+1), 1)
		// Later than the old one, so that at an equal time and counter the
		// reissued change wins everywhere the same way.
		at := db.now()
		if at.Unix() <= old.Time().Unix() {
			at = old.Time().Add(time.Second)
		}
		nu := xid.NewWithTime(at)
		retired, err := tx.CreateBucketIfNotExists(bucketRetired)
		if err != nil {
			return err
		}
		retired.FillPercent = 0.9
		oplog := tx.Bucket(bucketOplog)
		var mine []replica.Op
		c := oplog.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			op, err := decode[replica.Op](db, bucketOplog, k, v, opV)
			if err != nil {
				return err
			}
			if err := db.put(tx, bucketRetired, append(old.Bytes(), k...), opV, op); err != nil {
				return err
			}
			if op.Seq >= from {
				mine = append(mine, op)
			}
			if err := c.Delete(); err != nil {
				return err
			}
		}
		moved := map[replica.Stamp]replica.Stamp{}
		for _, op := range mine {
			s := op.At
			s.Replica = nu
			moved[op.At] = s
		}
		remap := func(s replica.Stamp) replica.Stamp {
			if m, ok := moved[s]; ok {
				return m
			}
			return s
		}
		records := map[string]bool{}
		for i, op := range mine {
			op.Seq = uint64(i + 1)
			op.At = remap(op.At)
			for f, b := range op.Base {
				op.Base[f] = remap(b)
			}
			if err := db.put(tx, bucketOplog, u64bytes(op.Seq), opV, op); err != nil {
				return err
			}
			records[string(stateKey([]byte(op.Entity), op.Key))] = true
		}
		for sk := range records {
			entity, key, _ := bytes.Cut([]byte(sk), []byte{0})
			m, err := db.recMeta(tx, entity, key)
			if err != nil {
				return err
			}
			for f, st := range m.Fields {
				st.At, st.Base = remap(st.At), remap(st.Base)
				m.Fields[f] = st
			}
			if m.Deleted != nil {
				d := remap(*m.Deleted)
				m.Deleted = &d
			}
			if err := db.putRecMeta(tx, entity, key, m); err != nil {
				return err
			}
		}
		if err := meta.Put(keyReplica, nu.Bytes()); err != nil {
			return err
		}
		if err := meta.Put(keyOpSeq, u64bytes(uint64(len(mine)))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSyncSeen).Put(old.Bytes(), u64bytes(from-1)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSync).Delete(keyWritten); err != nil {
			return err
		}
		fk = cabinetsync.Fork{Old: old, New: nu, From: from, Reissued: len(mine)}
		return db.audit(tx, "fork", "cabinet", nu, len(mine))
	})
	return fk, err
}

// ownOps reads this laptop's operations from..to (inclusive) from the log.
func (db *DB) ownOps(ctx context.Context, from, to uint64) ([]replica.Op, error) {
	var ops []replica.Op
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOplog).Cursor()
		for k, v := c.Seek(u64bytes(from)); k != nil && u64(k) <= to; k, v = c.Next() {
			op, err := decode[replica.Op](db, bucketOplog, k, v, opV)
			if err != nil {
				return err
			}
			ops = append(ops, op)
		}
		return nil
	})
	if err == nil && uint64(len(ops)) != to-from+1 {
		err = fmt.Errorf("%w: operations %d-%d missing from the log", ErrCorrupt, from, to)
	}
	return ops, err
}

// writtenBundle is a bundle this laptop wrote or checked, by name and
// SHA-256: a file that still hashes the same needs no decryption to know it
// reads.
type writtenBundle struct{ name, sum string }

var keyWritten = []byte("written")

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writtenBundles returns, per file name, the sums of the copies this laptop
// wrote or checked (one per folder it synced with).
func (db *DB) writtenBundles(ctx context.Context) (map[string][]string, error) {
	m := map[string][]string{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketSync).Get(keyWritten)
		if raw == nil {
			return nil
		}
		var err error
		m, err = decode[map[string][]string](db, bucketSync, keyWritten, raw, 1)
		return err
	})
	return m, err
}

func (db *DB) rememberWritten(ctx context.Context, ws []writtenBundle) error {
	if len(ws) == 0 {
		return nil
	}
	return db.update(ctx, func(tx *bolt.Tx) error { return db.rememberIn(tx, keyWritten, ws) })
}

// rememberIn adds checksums by name to the map kept under name in the sync
// bucket.
func (db *DB) rememberIn(tx *bolt.Tx, name []byte, ws []writtenBundle) error {
	if len(ws) == 0 {
		return nil
	}
	m := map[string][]string{}
	if raw := tx.Bucket(bucketSync).Get(name); raw != nil {
		var err error
		if m, err = decode[map[string][]string](db, bucketSync, name, raw, 1); err != nil {
			return err
		}
	}
	for _, w := range ws {
		sums := m[w.name]
		if !slices.Contains(sums, w.sum) {
			// A few folders at most; the oldest copies are forgotten.
			m[w.name] = append(sums[max(0, len(sums)-7):], w.sum)
		}
	}
	return db.put(tx, bucketSync, name, 1, m)
}
