package storage

// Reading a sync's incoming side: the other laptops' bundles and the
// conflict copies sync tools made, checked for versions this build reads.

import (
	"context"
	"errors"
	"fmt"
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

// collect reads the other replicas' bundles that hold operations not applied
// yet, in order, stopping at a replica's first unusable bundle. Conflict
// copies a sync tool made are read once each (their checksum is kept) and
// merged whatever their range: merging an operation twice changes nothing.
// Anything else in the folder is listed in the report.
func (db *DB) collect(ctx context.Context, key *replica.Key, root string, me xid.ID, rep *cabinetsync.Report, progress func(cabinetsync.Progress)) ([]incoming, error) {
	entries, err := os.ReadDir(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	seen := map[xid.ID]uint64{}
	var merged map[string][]string
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketSync).Get(keyCopies); raw != nil {
			var err error
			if merged, err = decode[map[string][]string](db, bucketSync, keyCopies, raw, 1); err != nil {
				return err
			}
		}
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
		copies  []bundleFile
	}
	var todos []todo
	total := 0
	present := map[xid.ID]bool{}
	for _, e := range entries {
		id, err := xid.FromString(e.Name())
		if e.Name() == cabinetsync.SetAsideDir && e.IsDir() {
			continue
		}
		if err != nil || !e.IsDir() {
			rep.Unexpected = append(rep.Unexpected, filepath.Join(root, e.Name()))
			continue
		}
		present[id] = true
		if id == me {
			continue
		}
		ff, err := bundleFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		rep.Unexpected = append(rep.Unexpected, ff.others...)
		files := slices.DeleteFunc(ff.bundles, func(f bundleFile) bool { return f.to <= seen[id] })
		var copies []bundleFile
		for _, f := range ff.copies {
			if sum, err := fileSum(f.path); err != nil || !slices.Contains(merged[f.path], sum) {
				copies = append(copies, f)
			}
		}
		if len(files)+len(copies) > 0 {
			todos = append(todos, todo{id, files, copies})
			total += len(files) + len(copies)
		}
	}
	for id, n := range seen {
		if n > 0 && !present[id] && id != me && len(entries) > 0 {
			rep.Missing = append(rep.Missing, id)
		}
	}
	slices.SortFunc(rep.Missing, func(a, b xid.ID) int { return a.Compare(b) })
	var paths []string
	for _, t := range todos {
		for _, f := range append(t.files, t.copies...) {
			paths = append(paths, f.path)
		}
	}
	ahead := startReadAhead(key, schemaLatest, paths)
	defer ahead.close()
	now := db.now()
	var out []incoming
	done := 0
	for _, t := range todos {
		in := incoming{replica: t.replica}
		next := seen[t.replica] + 1
		var skew time.Duration
		read := func(f bundleFile) ([]replica.Op, error) {
			h, ops, err := ahead.get(f.path)
			if err == nil && (h.Replica != t.replica || h.From != f.from || h.To != f.to) {
				err = fmt.Errorf("%w: header does not match the file name", cabinetsync.ErrDamaged)
			}
			if err == nil {
				err = checkVersions(ops)
			}
			if err != nil {
				rep.Refused = append(rep.Refused, cabinetsync.Refusal{Replica: t.replica, File: f.path, Err: err})
				return nil, err
			}
			for _, op := range ops {
				skew = max(skew, op.At.Time().Sub(now))
			}
			return ops, nil
		}
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
			ops, err := read(f)
			if err != nil {
				break
			}
			in.ops = append(in.ops, ops[next-f.from:]...)
			in.bundles++
			next = f.to + 1
		}
		in.last = next - 1
		for _, f := range t.copies {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			done++
			progress(cabinetsync.Progress{Stage: cabinetsync.Reading, Done: done, Total: total})
			ops, err := read(f)
			if err != nil {
				continue
			}
			in.extra = append(in.extra, ops...)
			in.bundles++
			rep.Copies = append(rep.Copies, f.path)
			if sum, err := fileSum(f.path); err == nil {
				in.copies = append(in.copies, writtenBundle{f.path, sum})
			}
		}
		if skew > cabinetsync.WarnClockSkew {
			rep.Skews = append(rep.Skews, cabinetsync.Skew{Replica: t.replica, Ahead: skew})
		}
		if len(in.ops)+len(in.extra)+len(in.copies) > 0 {
			out = append(out, in)
		}
	}
	return out, nil
}

// keyCopies holds, by path, the checksums of the conflict copies already
// merged: each is read once.
var keyCopies = []byte("copies")

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
	string(bucketReplacements): replacementV,
}
