package storage

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// KeepBackups is how many backups a folder keeps; older ones are removed.
const KeepBackups = 10

const backupPrefix, backupSuffix = "tournee-", ".db"

// Backup writes a hot, consistent copy of the database into dir (created 0700
// if needed) and prunes the folder to the newest KeepBackups. The copy is as
// sealed as the database: it opens with the same passphrase.
func (db *DB) Backup(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	name := backupPrefix + db.now().UTC().Format("20060102-150405.000") + backupSuffix
	path := filepath.Join(dir, name)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return writeFileAtomic(path, func(f *os.File) error {
			w := bufio.NewWriterSize(f, 1<<20)
			if _, err := tx.WriteTo(w); err != nil {
				return err
			}
			return w.Flush()
		})
	})
	if err != nil {
		return "", fmt.Errorf("backup to %s: %w", dir, err)
	}
	if err := pruneBackups(dir, KeepBackups); err != nil {
		return path, fmt.Errorf("prune old backups: %w", err)
	}
	return path, nil
}

// writeFileAtomic writes through a temp file in the same folder, syncs it and
// renames it into place, so a crash or a pulled USB stick never leaves a
// half-written file under the final name.
func writeFileAtomic(path string, write func(f *os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Backups lists the backup files of dir, oldest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	slices.Sort(out) // the timestamp in the name sorts chronologically
	return out, nil
}

func pruneBackups(dir string, keep int) error {
	list, err := Backups(dir)
	if err != nil {
		return err
	}
	for len(list) > keep {
		if err := os.Remove(list[0]); err != nil {
			return err
		}
		list = list[1:]
	}
	return nil
}

// autoBackup takes the day's backup on the first open of each day, before
// migrations touch the file.
func (db *DB) autoBackup(dir string) error {
	if dir == "" {
		return nil
	}
	today := []byte(db.now().Format("2006-01-02"))
	var last []byte
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		last = slices.Clone(tx.Bucket(bucketMeta).Get(keyAutoBackup))
		return nil
	}); err != nil {
		return err
	}
	if string(last) == string(today) {
		return nil
	}
	if _, err := db.Backup(dir); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyAutoBackup, today)
	})
}

// Verify checks a whole file: the bbolt structure, the passphrase, and that
// every sealed record authenticates and decodes. Restore calls it before
// replacing anything.
func Verify(path string, passphrase []byte) (err error) {
	defer func() {
		// bbolt panics on some malformed pages; a bad backup is an error, not a crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	b, err := boltOpen(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer b.Close()
	db, err := unlock(b, passphrase, Options{})
	if err != nil {
		return err
	}
	return b.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		from, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if from > schemaLatest {
			return fmt.Errorf("%w: schema %d", ErrTooNew, from)
		}
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			// meta and the indexes hold no sealed value; the address index
			// is public data kept in clear (see geo.go).
			if string(name) == string(bucketMeta) || strings.Contains(string(name), "_by_") || strings.HasPrefix(string(name), "geo_") {
				return nil
			}
			return bk.ForEach(func(k, v []byte) error {
				_, err := db.open(name, k, v)
				return err
			})
		})
	})
}

// Restore replaces the database at path with the backup file, after checking
// the backup with Verify. The current database must not be open elsewhere; a
// safety copy of it goes to backupDir first. The passphrase is the backup's.
func Restore(path, backup string, passphrase []byte, backupDir string) error {
	if err := Verify(backup, passphrase); err != nil {
		return fmt.Errorf("check backup %s: %w", backup, err)
	}
	if _, err := os.Stat(path); err == nil {
		// Taking the lock proves no other window uses the file.
		cur, err := boltOpen(path, Options{})
		if err != nil {
			return err
		}
		err = cur.View(func(tx *bolt.Tx) error {
			if backupDir == "" {
				return nil
			}
			if err := os.MkdirAll(backupDir, 0o700); err != nil {
				return err
			}
			safety := filepath.Join(backupDir, "avant-restauration-"+filepath.Base(path))
			return writeFileAtomic(safety, func(f *os.File) error {
				_, err := tx.WriteTo(f)
				return err
			})
		})
		cur.Close()
		if err != nil {
			return fmt.Errorf("safety copy before restore: %w", err)
		}
	}
	src, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer src.Close()
	return writeFileAtomic(path, func(f *os.File) error {
		_, err := f.ReadFrom(src)
		return err
	})
}
