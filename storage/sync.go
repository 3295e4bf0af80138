package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/storage/replica"
)

var _ cabinetsync.Service = (*DB)(nil)

// Errors of a sync that end it before anything is applied; they live in
// cabinetsync so that the interface can word them without importing storage.
var (
	ErrNoFolder        = cabinetsync.ErrNoFolder
	ErrRestoredReplica = cabinetsync.ErrRestoredReplica
)

// incoming is what was read of one replica's bundles.
type incoming struct {
	replica xid.ID
	ops     []replica.Op
	bundles int
}

// Sync writes this laptop's new operations to dir/tournee-sync/<replica>/
// as one bundle, then reads every other laptop's bundles and applies, in one
// transaction, the operations not seen yet. A bundle that cannot be used is
// set aside in Report.Refused with the reason and tried again next time;
// the others are applied. Running it twice changes nothing.
func (db *DB) Sync(ctx context.Context, dir string, progress func(cabinetsync.Progress)) (cabinetsync.Report, error) {
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
	var me xid.ID
	if err := db.view(ctx, func(tx *bolt.Tx) error { me = replicaID(tx); return nil }); err != nil {
		return rep, err
	}
	root := filepath.Join(dir, replica.SyncDir)

	rep.Written, rep.Repaired, err = db.publish(ctx, key, filepath.Join(root, me.String()), progress)
	if err != nil {
		return rep, fmt.Errorf("sync %s: write: %w", dir, err)
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

// bundleFiles lists the bundles of one replica's folder, by range.
func bundleFiles(dir string) ([]bundleFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []bundleFile
	for _, e := range entries {
		if from, to, ok := replica.ParseBundleName(e.Name()); ok && e.Type().IsRegular() {
			out = append(out, bundleFile{filepath.Join(dir, e.Name()), from, to})
		}
	}
	slices.SortFunc(out, func(a, b bundleFile) int {
		if a.from != b.from {
			return int(a.from) - int(b.from)
		}
		return int(a.to) - int(b.to)
	})
	return out, nil
}

type bundleFile struct {
	path     string
	from, to uint64
}

// publish writes the operations recorded here since the last bundle in this
// folder. The folder itself says what it holds, so a second stick gets the
// whole log. Partial files a pulled-out stick left are removed first.
func (db *DB) publish(ctx context.Context, key *replica.Key, mine string, progress func(cabinetsync.Progress)) (written, repaired int, err error) {
	if entries, err := os.ReadDir(mine); err == nil {
		for _, e := range entries {
			if replica.IsTemp(e.Name()) {
				os.Remove(filepath.Join(mine, e.Name()))
			}
		}
	}
	files, err := bundleFiles(mine)
	if err != nil {
		return 0, 0, err
	}
	var published uint64
	for _, f := range files {
		published = max(published, f.to)
	}
	var me xid.ID
	var last uint64
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		me, last = replicaID(tx), u64(tx.Bucket(bucketMeta).Get(keyOpSeq))
		return nil
	}); err != nil {
		return 0, 0, err
	}
	if published > last {
		// The folder holds more than this database recorded: a database
		// restored from an older backup. Writing would reuse numbers.
		return 0, 0, fmt.Errorf("%w: the folder holds operations up to %d, this database only %d", ErrRestoredReplica, published, last)
	}
	// A bundle of ours that no longer reads (a stick pulled out, a bad
	// sector, a sync tool's partial copy) is written again from the log:
	// the other laptops would otherwise stop at it for ever.
	known, err := db.writtenBundles(ctx)
	if err != nil {
		return 0, 0, err
	}
	var fresh []writtenBundle
	var redo []bundleFile
	next := uint64(1)
	for _, f := range files {
		if f.from > next { // a bundle deleted from the folder
			redo = append(redo, bundleFile{from: next, to: f.from - 1})
		}
		next = max(next, f.to+1)
		sum, err := fileSum(f.path)
		if err == nil && slices.Contains(known[filepath.Base(f.path)], sum) {
			continue // byte for byte what this laptop wrote: no need to decrypt it
		}
		if _, _, err := replica.ReadBundle(f.path, key, schemaLatest); err != nil {
			redo = append(redo, f)
		} else if sum != "" {
			fresh = append(fresh, writtenBundle{filepath.Base(f.path), sum})
		}
	}
	for _, f := range redo {
		ops, err := db.ownOps(ctx, f.from, f.to)
		if err != nil {
			return 0, repaired, err
		}
		h := replica.Header{Schema: schemaLatest, Cabinet: key.Cabinet, Replica: me, From: f.from, To: f.to, Written: db.now().UTC()}
		path, err := replica.WriteBundle(mine, key, h, ops)
		if err != nil {
			return 0, repaired, err
		}
		if sum, err := fileSum(path); err == nil {
			fresh = append(fresh, writtenBundle{filepath.Base(path), sum})
		}
		repaired++
	}
	defer func() {
		if err == nil {
			err = db.rememberWritten(ctx, fresh)
		}
	}()
	ops, err := db.ownOps(ctx, published+1, last)
	if err != nil || len(ops) == 0 {
		return 0, repaired, err
	}
	progress(cabinetsync.Progress{Stage: cabinetsync.Writing, Done: 0, Total: len(ops)})
	h := replica.Header{Schema: schemaLatest, Cabinet: key.Cabinet, Replica: me,
		From: ops[0].Seq, To: ops[len(ops)-1].Seq, Written: db.now().UTC()}
	path, err := replica.WriteBundle(mine, key, h, ops)
	if err != nil {
		return 0, repaired, err
	}
	if sum, err := fileSum(path); err == nil {
		fresh = append(fresh, writtenBundle{filepath.Base(path), sum})
	}
	progress(cabinetsync.Progress{Stage: cabinetsync.Writing, Done: len(ops), Total: len(ops)})
	return len(ops), repaired, nil
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

// collect reads the other replicas' bundles that hold operations not applied
// yet, in order, stopping at a replica's first unusable bundle.
func (db *DB) collect(ctx context.Context, key *replica.Key, root string, me xid.ID, rep *cabinetsync.Report, progress func(cabinetsync.Progress)) ([]incoming, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	seen := map[xid.ID]uint64{}
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSyncSeen).ForEach(func(k, v []byte) error {
			if id, err := xid.FromBytes(k); err == nil {
				seen[id] = u64(v)
			}
			return nil
		})
	}); err != nil {
		return nil, err
	}
	type todo struct {
		replica xid.ID
		files   []bundleFile
	}
	var todos []todo
	total := 0
	for _, e := range entries {
		id, err := xid.FromString(e.Name())
		if err != nil || id == me || !e.IsDir() {
			continue
		}
		files, err := bundleFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		files = slices.DeleteFunc(files, func(f bundleFile) bool { return f.to <= seen[id] })
		if len(files) > 0 {
			todos = append(todos, todo{id, files})
			total += len(files)
		}
	}
	now := db.now()
	var out []incoming
	done := 0
	for _, t := range todos {
		in := incoming{replica: t.replica}
		next := seen[t.replica] + 1
		var ahead time.Duration
		for _, f := range t.files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			done++
			progress(cabinetsync.Progress{Stage: cabinetsync.Reading, Done: done, Total: total})
			if f.to < next {
				continue // an overlapping bundle already covered
			}
			if f.from > next {
				rep.Refused = append(rep.Refused, cabinetsync.Refusal{Replica: t.replica, File: f.path,
					Err: fmt.Errorf("%w: operations %d to %d", cabinetsync.ErrGap, next, f.from-1)})
				break
			}
			h, ops, err := replica.ReadBundle(f.path, key, schemaLatest)
			if err == nil && (h.Replica != t.replica || h.From != f.from || h.To != f.to) {
				err = fmt.Errorf("%w: header does not match the file name", cabinetsync.ErrDamaged)
			}
			if err == nil {
				err = checkVersions(ops)
			}
			if err == nil {
				for _, op := range ops {
					ahead = max(ahead, op.At.Time().Sub(now))
				}
			}
			if err != nil {
				rep.Refused = append(rep.Refused, cabinetsync.Refusal{Replica: t.replica, File: f.path, Err: err})
				break
			}
			in.ops = append(in.ops, ops[next-f.from:]...)
			in.bundles++
			next = f.to + 1
		}
		if ahead > cabinetsync.WarnClockSkew {
			rep.Skews = append(rep.Skews, cabinetsync.Skew{Replica: t.replica, Ahead: ahead})
		}
		if len(in.ops) > 0 {
			out = append(out, in)
		}
	}
	return out, nil
}

// checkVersions refuses operations on records of a newer version than this
// build reads, or on an entity it does not know.
func checkVersions(ops []replica.Op) error {
	for _, op := range ops {
		v, ok := recordVersions[op.Entity]
		if !ok {
			return fmt.Errorf("%w: unknown entity %q", cabinetsync.ErrTooNew, op.Entity)
		}
		if op.V > v {
			return fmt.Errorf("%w: %s record version %d", cabinetsync.ErrTooNew, op.Entity, op.V)
		}
	}
	return nil
}

var recordVersions = map[string]int{
	string(bucketCabinet): cabinetV, string(bucketNurses): nurseV, string(bucketPatients): patientV,
	string(bucketCarePlans): carePlanV, string(bucketVisits): visitV, string(bucketTransmissions): transmissionV,
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
	return db.update(ctx, func(tx *bolt.Tx) error {
		m := map[string][]string{}
		if raw := tx.Bucket(bucketSync).Get(keyWritten); raw != nil {
			var err error
			if m, err = decode[map[string][]string](db, bucketSync, keyWritten, raw, 1); err != nil {
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
		return db.put(tx, bucketSync, keyWritten, 1, m)
	})
}
