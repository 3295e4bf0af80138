package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
	"tournee/storage/replica"
)

var (
	keyCabinetKey = []byte("key")
	keyLastSync   = []byte("last")
)

// storedKey is the cabinet key as kept in the sealed sync bucket.
type storedKey struct {
	Cabinet xid.ID `json:"cabinet"`
	Secret  string `json:"secret"`
}

type lastSync struct {
	Dir string    `json:"dir"`
	At  time.Time `json:"at"`
}

func (db *DB) cabinetKey(ctx context.Context) (*replica.Key, error) {
	var k *replica.Key
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		k, err = db.keyIn(tx)
		return err
	})
	return k, err
}

func (db *DB) keyIn(tx *bolt.Tx) (*replica.Key, error) {
	raw := tx.Bucket(bucketSync).Get(keyCabinetKey)
	if raw == nil {
		return nil, cabinetsync.ErrNoCabinetKey
	}
	s, err := decode[storedKey](db, bucketSync, keyCabinetKey, raw, 1)
	if err != nil {
		return nil, err
	}
	return replica.ParseKey(s.Cabinet, s.Secret)
}

func (db *DB) saveKey(tx *bolt.Tx, k *replica.Key) error {
	return db.put(tx, bucketSync, keyCabinetKey, 1, storedKey{Cabinet: k.Cabinet, Secret: k.Secret()})
}

// HasCabinetKey tells whether this laptop can sync.
func (db *DB) HasCabinetKey(ctx context.Context) (bool, error) {
	_, err := db.cabinetKey(ctx)
	if err == cabinetsync.ErrNoCabinetKey {
		return false, nil
	}
	return err == nil, err
}

// CreateCabinetKey makes the cabinet key on the cabinet's first laptop;
// cabinetsync.ErrKeyExists when it already has one.
func (db *DB) CreateCabinetKey(ctx context.Context) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSync).Get(keyCabinetKey) != nil {
			return cabinetsync.ErrKeyExists
		}
		raw := tx.Bucket(bucketCabinet).Get(keyCabinet)
		if raw == nil {
			return fmt.Errorf("cabinet key: %w", patients.ErrNotFound)
		}
		c, err := decode[patients.Cabinet](db, bucketCabinet, keyCabinet, raw, cabinetV)
		if err != nil {
			return err
		}
		k, err := replica.NewKey(c.ID)
		if err != nil {
			return err
		}
		if err := db.saveKey(tx, k); err != nil {
			return err
		}
		return db.audit(tx, "create", "cabinet_key", c.ID, 0)
	})
}

// CabinetKeyFile returns the key file to give the cabinet's other laptops,
// encrypted with passphrase when one is given.
func (db *DB) CabinetKeyFile(ctx context.Context, passphrase []byte) ([]byte, error) {
	k, err := db.cabinetKey(ctx)
	if err != nil {
		return nil, err
	}
	c, err := db.Cabinet(ctx)
	if err != nil {
		return nil, err
	}
	return replica.KeyFile(k, c.Name, passphrase)
}

// JoinCabinet installs the key read from a key file. Joining again with the
// same key changes nothing; a laptop already in another cabinet is refused
// (cabinetsync.ErrOtherCabinet). This laptop's own cabinet record (made by
// init) gives way: the cabinet's record, read at the first sync, replaces
// it field by field, and its unsent changes of it are dropped.
func (db *DB) JoinCabinet(ctx context.Context, keyFile, passphrase []byte) error {
	k, err := replica.ParseKeyFile(keyFile, passphrase)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if old, err := db.keyIn(tx); err == nil {
			if old.Same(k) {
				return nil
			}
			return cabinetsync.ErrOtherCabinet
		} else if err != cabinetsync.ErrNoCabinetKey {
			return err
		}
		if err := db.saveKey(tx, k); err != nil {
			return err
		}
		if err := db.yieldCabinet(tx, k.Cabinet); err != nil {
			return err
		}
		return db.audit(tx, "join", "cabinet_key", k.Cabinet, 0)
	})
}

// yieldCabinet makes this laptop's cabinet record lose to the cabinet's: it
// takes the cabinet's id, keeps only its name and nurses, forgets the stamps
// of its fields and empties the operations that recorded it (their numbers
// stay, so the log keeps no gap).
func (db *DB) yieldCabinet(tx *bolt.Tx, cabinet xid.ID) error {
	raw := tx.Bucket(bucketCabinet).Get(keyCabinet)
	if raw != nil {
		c, err := decode[patients.Cabinet](db, bucketCabinet, keyCabinet, raw, cabinetV)
		if err != nil {
			return err
		}
		// Only what is needed until the first sync stays: a field the
		// cabinet's record leaves empty would otherwise never be replaced.
		c = patients.Cabinet{ID: cabinet, Name: c.Name, NurseIDs: c.NurseIDs, CurrentNurse: c.CurrentNurse}
		if err := db.put(tx, bucketCabinet, keyCabinet, cabinetV, c); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketSyncState).Delete(stateKey(bucketCabinet, keyCabinet)); err != nil {
		return err
	}
	type rewrite struct {
		k  []byte
		op replica.Op
	}
	var rw []rewrite
	err := tx.Bucket(bucketOplog).ForEach(func(k, v []byte) error {
		op, err := decode[replica.Op](db, bucketOplog, k, v, opV)
		if err != nil {
			return err
		}
		if op.Entity == string(bucketCabinet) && len(op.Set) > 0 {
			op.Set, op.Base = nil, nil
			rw = append(rw, rewrite{append([]byte(nil), k...), op})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rw {
		if err := db.put(tx, bucketOplog, r.k, opV, r.op); err != nil {
			return err
		}
	}
	if raw == nil {
		return nil
	}
	// Its nurses join the cabinet's (a set merged by union).
	fields, err := db.storedFields(tx, bucketCabinet, keyCabinet)
	if err != nil || replica.Equal(fields["nurse_ids"], nil) {
		return err
	}
	return db.logOp(tx, replica.Op{Entity: string(bucketCabinet), Key: bytes.Clone(keyCabinet), V: cabinetV,
		Set: map[string]json.RawMessage{"nurse_ids": fields["nurse_ids"]}})
}

// LastSync returns the folder and time of the last sync; a zero time when
// this laptop never synced.
func (db *DB) LastSync(ctx context.Context) (string, time.Time, error) {
	var l lastSync
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketSync).Get(keyLastSync)
		if raw == nil {
			return nil
		}
		var err error
		l, err = decode[lastSync](db, bucketSync, keyLastSync, raw, 1)
		return err
	})
	return l.Dir, l.At, err
}
