package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Stamps mark work done on the records as they stood at one write, so that
// it can be skipped while nothing was written since: bringing the stored
// days in line with the care plans runs at every start and every command,
// and most of the time the records did not change in between.
//
// bbolt numbers its write transactions in the file's meta page (persisted,
// copied with the file by a backup or a copy), and a read sees the number
// of the last write: a stamp keeps the number of the write that stored it,
// and holds while that is still the last one. A stamp is not a record: it
// is neither sealed nor synced, and holds no patient data.

// stampPrefix prefixes a stamp's name in the meta bucket.
const stampPrefix = "stamp:"

// Stamp returns the value stamped under name when no write followed the
// stamp ("" otherwise), and the number of the last write, for SetStamp.
func (db *DB) Stamp(ctx context.Context, name string) (value string, gen uint64, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		gen = uint64(tx.ID())
		raw := tx.Bucket(bucketMeta).Get([]byte(stampPrefix + name))
		if len(raw) >= 8 && binary.BigEndian.Uint64(raw) == gen {
			value = string(raw[8:])
		}
		return nil
	})
	return value, gen, err
}

// SetStamp stamps value under name, for work that read the records as the
// write numbered gen (from Stamp) left them. When another write came after
// gen, it may have changed what that work would find: nothing is stamped.
// A base opened read-only is not stamped either (the work runs again next
// time, as it would without stamps).
func (db *DB) SetStamp(ctx context.Context, name, value string, gen uint64) error {
	if db.bolt.IsReadOnly() {
		return nil
	}
	err := db.update(ctx, func(tx *bolt.Tx) error {
		id := uint64(tx.ID()) // this write's number: the last one plus one
		if id != gen+1 {
			return errStale // rolled back: a write that commits, even empty, takes a number
		}
		raw := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(value)), id)
		return tx.Bucket(bucketMeta).Put([]byte(stampPrefix+name), append(raw, value...))
	})
	if errors.Is(err, errStale) {
		return nil
	}
	return err
}

var errStale = errors.New("stamp: written since")

// carryStamps carries the stamps that held before tx onto it, for a write
// that changes no record (the date of the day's backup): the work they
// mark is still done after it.
func carryStamps(tx *bolt.Tx) error {
	meta, id := tx.Bucket(bucketMeta), uint64(tx.ID())
	prefix := []byte(stampPrefix)
	var held [][2][]byte
	c := meta.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) >= 8 && binary.BigEndian.Uint64(v) == id-1 {
			carried := append(binary.BigEndian.AppendUint64(nil, id), v[8:]...)
			held = append(held, [2][]byte{slices.Clone(k), carried})
		}
	}
	for _, kv := range held {
		if err := meta.Put(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
