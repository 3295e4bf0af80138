package storage

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"tournee/atomicfile"
)

// ErrEmptyPassphrase: Create was given no passphrase.
var ErrEmptyPassphrase error = &frenchError{"empty passphrase", "la phrase de passe est vide : choisissez-en une de plusieurs mots"}

// tempMarker sits between the database's name and a random suffix in the
// name of a database being built: ".tournee.db.creating-1a2b3c4d".
const tempMarker = ".creating-"

// tempPrefix is the name prefix of the temporary files of a creation of path.
func tempPrefix(path string) string {
	return "." + filepath.Base(path) + tempMarker
}

// CreateWith makes a new database at path, sealed with passphrase, and fills
// it with seed (nil seeds nothing) before anyone can see it.
//
// Creation is atomic: the database is built in a temporary file beside path
// (created exclusively, mode 0600), seeded, synced, then linked to path only
// when complete, and the folder is synced. A process killed at any point
// leaves either no file at path or a complete database, never an empty base
// that blocks the next attempt. The temporary files a killed creation left
// behind are removed by the next CreateWith on the same path (unless another
// process is still building in one of them).
//
// It refuses to overwrite an existing file (ErrExists), also when another
// creation of the same path finishes first. While seed runs, db.Path() is
// already path, the file the database will live in.
func CreateWith(path string, passphrase []byte, o Options, seed func(*DB) error) (*DB, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create %s: %w", path, ErrExists)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	cleanStaleTemps(path)

	params, err := newKDFParams()
	if err != nil {
		return nil, err
	}
	s, err := newSealer(params.derive(passphrase))
	if err != nil {
		return nil, err
	}
	tmp, err := createTemp(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	built := false
	defer func() {
		if !built {
			os.Remove(tmp)
		}
	}()
	b, err := boltOpen(tmp, o)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	db := &DB{bolt: b, seal: s, now: o.now, path: path}
	err = b.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		v, err := s.seal(bucketMeta, keyVerifier, verifierText)
		if err != nil {
			return err
		}
		if err := meta.Put(keyKDF, marshalKDF(params)); err != nil {
			return err
		}
		if err := meta.Put(keyVerifier, v); err != nil {
			return err
		}
		return db.migrate(tx, 0)
	})
	if err == nil && seed != nil {
		err = seed(db)
	}
	if err == nil {
		err = b.Sync()
	}
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if err := syncPath(tmp); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if err := publish(tmp, path); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	built = true
	if err := atomicfile.SyncDir(dir); err != nil {
		return nil, fmt.Errorf("create %s: sync folder: %w", path, err)
	}
	// Reopen the published file with the key already derived: no second
	// key derivation.
	b, err = boltOpen(path, o)
	if err != nil {
		return nil, err
	}
	db.bolt = b
	return db, nil
}

// createTemp makes an empty, private file beside path for a creation to
// build in; bbolt initialises an empty file.
func createTemp(path string) (string, error) {
	for range 10 {
		var r [8]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", fmt.Errorf("read random name: %w", err)
		}
		tmp := filepath.Join(filepath.Dir(path), tempPrefix(path)+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := f.Close(); err != nil {
			os.Remove(tmp)
			return "", err
		}
		return tmp, nil
	}
	return "", errors.New("no free temporary name")
}

// cleanStaleTemps removes the temporary files of earlier creations of path
// that were killed. A file still locked is another process building right
// now: it is left alone.
func cleanStaleTemps(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		tmp := filepath.Join(filepath.Dir(path), e.Name())
		if inUse(tmp) {
			continue
		}
		os.Remove(tmp)
	}
}

// inUse tells whether another process holds bbolt's lock on file. A file
// that is not a consistent bbolt file is not being built (bbolt writes the
// pages a meta page points to before the meta page), and is not opened at
// all: bbolt would fault on a truncated one.
func inUse(file string) bool {
	if checkFile(file) != nil {
		return false
	}
	b, err := bolt.Open(file, 0o600, &bolt.Options{Timeout: 50 * time.Millisecond})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return true
	}
	if err == nil {
		b.Close()
	}
	return false
}

// publish gives the complete temporary file its final name, refusing to
// replace a database another creation published meanwhile (ErrExists).
func publish(tmp, path string) error {
	err := atomicfile.PublishNew(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	return err
}

func syncPath(file string) error {
	f, err := os.OpenFile(file, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
