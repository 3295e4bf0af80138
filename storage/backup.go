package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"tournee/atomicfile"
)

// Errors of backups, restores and a full disk, for the edges to explain.
var (
	// ErrBackupDamaged: a backup fails its checks (checksum, structure or a
	// sealed record). It always comes with ErrCorrupt.
	ErrBackupDamaged error = &frenchError{"backup damaged", "la sauvegarde est endommagée (tronquée ou modifiée, ne serait-ce que d'un bit) : elle n'a pas été restaurée et la base n'a pas été modifiée"}
	// ErrDiskFull: a write failed for lack of space (ENOSPC);
	// nothing was changed by it.
	ErrDiskFull error = &frenchError{"disk full", "disque plein : rien n'a été enregistré ni modifié ; libérez de la place puis réessayez"}
	// ErrReadOnly: the database was opened read-only because the disk is
	// full; every write is refused and changes nothing.
	ErrReadOnly = bolterrors.ErrDatabaseReadOnly
)

// KeepBackups is how many backups a folder keeps; older ones are removed.
const KeepBackups = 10

// KeepSafetyCopies is how many safety copies taken before a restore a folder
// keeps, per database; older ones are removed.
const KeepSafetyCopies = 10

const (
	backupPrefix = "tournee-"
	safetyPrefix = "avant-restauration-"
	backupSuffix = ".db"
	// tmpPrefix starts the name of every file a backup or a restore is
	// writing; Open and Backup remove the ones a killed process left.
	tmpPrefix = ".tmp-"
)

// A backup ends with a trailer after bbolt's pages: magic, the length of
// what precedes it and its SHA-256. Its 48 bytes make the file size no
// multiple of 512, so a file with a trailer is told by its size from a bare
// bbolt file (an older backup): one flipped bit anywhere, even in a page
// bbolt never reads, fails the checksum.
const (
	trailerMagic = "TRNBAK01"
	trailerSize  = len(trailerMagic) + 8 + sha256.Size
)

// faults injects disk failures in tests; the zero value is the real disk.
type faults struct {
	// backupWriter wraps the writer of a backup file.
	backupWriter func(io.Writer) io.Writer
	// openWrite, if set, is what opening the database for writing fails with.
	openWrite error
}

// Backup writes a hot, consistent copy of the database into dir (created 0700
// if needed) and prunes the folder to the newest KeepBackups. The copy is as
// sealed as the database: it opens with the same passphrase. Its name is new:
// two backups in the same millisecond get two files. A backup the disk has
// no room for is ErrDiskFull and leaves no file.
func (db *DB) Backup(dir string) (string, error) { return db.backup(dir, faults{}) }

func (db *DB) backup(dir string, fl faults) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", diskFull(fmt.Errorf("backup folder: %w", err))
	}
	atomicfile.CleanTemps(dir, tmpPrefix+backupPrefix+"*", 0)
	var path string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		path, err = writeBackup(tx, dir, backupPrefix, db.now(), fl)
		return err
	})
	if err != nil {
		return "", diskFull(fmt.Errorf("backup to %s: %w", dir, err))
	}
	if err := prune(dir, backupPrefix, KeepBackups); err != nil {
		return path, fmt.Errorf("prune old backups: %w", err)
	}
	return path, nil
}

// writeBackup writes tx's pages and the trailer into a new file of dir named
// prefix + timestamp, through a synced temporary file.
func writeBackup(tx *bolt.Tx, dir, prefix string, now time.Time, fl faults) (string, error) {
	o := atomicfile.Options{Temp: tmpPrefix + prefix + "*"}
	return o.WriteFirstFree(dir, copyNames(prefix+now.UTC().Format("20060102-150405.000")), func(f io.Writer) error {
		w := f
		if fl.backupWriter != nil {
			w = fl.backupWriter(f)
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		h := sha256.New()
		n, err := tx.WriteTo(io.MultiWriter(bw, h))
		if err != nil {
			return err
		}
		if _, err := bw.Write(trailer(n, h.Sum(nil))); err != nil {
			return err
		}
		return bw.Flush()
	})
}

func trailer(n int64, sum []byte) []byte {
	t := make([]byte, 0, trailerSize)
	t = append(t, trailerMagic...)
	t = binary.BigEndian.AppendUint64(t, uint64(n))
	return append(t, sum...)
}

// copyNames names a new copy: stem + ".db", else stem + "_02.db", "_03.db"…
// (sorting after it).
func copyNames(stem string) func(n int) string {
	return func(n int) string {
		switch {
		case n >= 1000:
			return ""
		case n == 1:
			return stem + backupSuffix
		}
		return fmt.Sprintf("%s_%02d%s", stem, n, backupSuffix)
	}
}

// cleanAllTemps removes what killed backups and restores of the database at
// path left: in its folder and in its backup folder. Callers hold the
// database's lock, so no process of this database is writing one.
func cleanAllTemps(path, backupDir string) {
	atomicfile.CleanTemps(filepath.Dir(path), restoreTemp(path), 0)
	if backupDir != "" {
		atomicfile.CleanTemps(backupDir, tmpPrefix+backupPrefix+"*", 0)
		atomicfile.CleanTemps(backupDir, tmpPrefix+safetyPrefix+"*", 0)
	}
}

// restoreTemp is the pattern of the temporary files a restore of the
// database at path writes beside it.
func restoreTemp(path string) string { return tmpPrefix + filepath.Base(path) + "-*" }

// Backups lists the backup files of dir, oldest first.
func Backups(dir string) ([]string, error) { return listCopies(dir, backupPrefix) }

// SafetyCopies lists the copies of the database at dbPath that restores
// kept in dir before replacing it, oldest first.
func SafetyCopies(dir, dbPath string) ([]string, error) {
	return listCopies(dir, safetyStem(dbPath))
}

func safetyStem(dbPath string) string {
	return safetyPrefix + strings.TrimSuffix(filepath.Base(dbPath), backupSuffix) + "-"
}

func listCopies(dir, prefix string) ([]string, error) {
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
		if e.Type().IsRegular() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, backupSuffix) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	slices.Sort(out) // the timestamp in the name sorts chronologically
	return out, nil
}

func prune(dir, prefix string, keep int) error {
	list, err := listCopies(dir, prefix)
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

// diskFull marks an error caused by a full disk (or quota) with ErrDiskFull.
func diskFull(err error) error {
	if err != nil && !errors.Is(err, ErrDiskFull) && errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// autoBackup takes the day's backup on the first open of each day, before
// migrations touch the file. A day whose backup failed is tried again at
// the next open.
func (db *DB) autoBackup(dir string, fl faults) error {
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
	if _, err := db.backup(dir, fl); err != nil {
		return err
	}
	return diskFull(db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Put(keyAutoBackup, today); err != nil {
			return err
		}
		return carryStamps(tx)
	}))
}

// sealedBuckets hold nothing but sealed values (see doc.go). The others
// hold plain values by design (meta, the indexes, sync_seen, the address
// index): Verify checks their structure only.
var sealedBuckets = [][]byte{bucketCabinet, bucketNurses, bucketPatients, bucketCarePlans, bucketVisits,
	bucketTransmissions, bucketAudit, bucketDMPExports, bucketOplog, bucketSyncState, bucketConflicts,
	bucketSync, bucketPending, bucketReplacements}

// verified is what verify learnt of a backup: the length of its bbolt
// pages (without the trailer) and their digest.
type verified struct {
	size int64
	sum  [sha256.Size]byte
}

// Verify checks a whole file: its checksum, every page bbolt can reach
// (without mapping the file), bbolt's consistency check (tx.Check), the
// passphrase, and that every sealed record authenticates. Restore calls it
// before replacing anything. A damaged file is ErrBackupDamaged (and
// ErrCorrupt), never a crash.
func Verify(path string, passphrase []byte) error {
	_, err := verify(path, passphrase)
	return err
}

func verify(path string, passphrase []byte) (verified, error) {
	var v verified
	f, err := os.Open(path)
	if err != nil {
		return v, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return v, err
	}
	size := fi.Size()
	v.size = size
	var want []byte
	if size%512 != 0 {
		if size < int64(trailerSize) {
			return v, damaged("file of %d bytes", size)
		}
		t := make([]byte, trailerSize)
		if _, err := f.ReadAt(t, size-int64(trailerSize)); err != nil {
			return v, damaged("read checksum: %v", err)
		}
		if string(t[:len(trailerMagic)]) != trailerMagic {
			return v, damaged("file truncated or checksum damaged (%d bytes)", size)
		}
		v.size = size - int64(trailerSize)
		if n := binary.BigEndian.Uint64(t[len(trailerMagic):]); n != uint64(v.size) {
			return v, damaged("file of %d bytes, %d written", v.size, n)
		}
		want = t[len(trailerMagic)+8:]
	}
	if v.size == 0 {
		return v, damaged("empty file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, v.size)); err != nil {
		return v, damaged("read: %v", err)
	}
	h.Sum(v.sum[:0])
	if want != nil && !bytes.Equal(want, v.sum[:]) {
		return v, damaged("checksum mismatch: the file changed after it was written")
	}
	if err := checkPages(f, v.size); err != nil {
		return v, damaged("%w", err)
	}
	err = guarded(func() error { return verifyRecords(path, passphrase) })
	if errors.Is(err, ErrCorrupt) {
		return v, damaged("%w", err)
	}
	return v, err
}

func damaged(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	if errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("%w: %w", ErrBackupDamaged, err)
	}
	return fmt.Errorf("%w: %w: %w", ErrBackupDamaged, ErrCorrupt, err)
}

// guarded runs fn in a goroutine where a memory fault (bbolt reading a
// damaged map) is a panic, and turns any panic into ErrCorrupt.
func guarded(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		debug.SetPanicOnFault(true)
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%w: %v", ErrCorrupt, r)
			}
		}()
		done <- fn()
	}()
	return <-done
}

func verifyRecords(path string, passphrase []byte) error {
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
		// Read the channel to its end: the checker reads the map until it
		// closes it, and the map must outlive it.
		var bad error
		for err := range tx.Check() {
			if bad == nil {
				bad = err
			}
		}
		if bad != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, bad)
		}
		from, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if from > schemaLatest {
			return fmt.Errorf("%w: schema %d", ErrTooNew, from)
		}
		for _, name := range sealedBuckets {
			bk := tx.Bucket(name)
			if bk == nil {
				continue // an older schema
			}
			err := bk.ForEach(func(k, v []byte) error {
				if bk.Bucket(k) != nil {
					return nil
				}
				env, err := db.open(name, k, v)
				if err == nil && !env.binary && !json.Valid(env.Data) {
					err = fmt.Errorf("%w: record %s/%x holds no valid JSON", ErrCorrupt, name, k)
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Restore replaces the database at path with the backup file, after checking
// the backup with Verify. The current database must not be open elsewhere;
// a safety copy of it goes to backupDir first, under a new name each time
// (the newest KeepSafetyCopies are kept), so no restore loses what was
// written since the backup. The passphrase is the backup's. On any failure
// the database is unchanged.
func Restore(path, backup string, passphrase []byte, backupDir string) error {
	v, err := verify(backup, passphrase)
	if err != nil {
		return fmt.Errorf("check backup %s: %w", backup, err)
	}
	if _, err := os.Stat(path); err == nil {
		// Taking the lock proves no other window uses the file; it is held
		// until the restored file is in place.
		cur, err := boltOpen(path, Options{})
		switch {
		case err == nil:
			defer cur.Close()
			if backupDir != "" {
				err = cur.View(func(tx *bolt.Tx) error { return keepSafetyCopy(tx, path, backupDir) })
			}
		case errors.Is(err, ErrCorrupt):
			// A damaged database is what a restore is for: it is kept as it is.
			if backupDir != "" {
				err = keepSafetyCopy(nil, path, backupDir)
			} else {
				err = nil
			}
		default:
			return err // ErrAlreadyOpen: another window uses it
		}
		if err != nil {
			return fmt.Errorf("safety copy before restore: %w", diskFull(err))
		}
		if runtime.GOOS == "windows" {
			cur.Close() // Windows renames no open file
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	atomicfile.CleanTemps(filepath.Dir(path), restoreTemp(path), 0)
	if err := install(path, backup, v); err != nil {
		return fmt.Errorf("restore %s: %w", backup, diskFull(err))
	}
	return nil
}

// keepSafetyCopy writes tx (or, when tx is nil, the file at path as it is)
// into backupDir under a new name and prunes the older safety copies.
func keepSafetyCopy(tx *bolt.Tx, path, backupDir string) error {
	if err := os.MkdirAll(backupDir, 0o700); err != nil {
		return err
	}
	stem := safetyStem(path)
	if tx != nil {
		if _, err := writeBackup(tx, backupDir, stem, time.Now(), faults{}); err != nil {
			return err
		}
	} else if _, err := copyNew(path, backupDir, stem); err != nil {
		return err
	}
	return prune(backupDir, stem, KeepSafetyCopies)
}

// copyNew copies the file src into a new file of dir named stem + timestamp.
func copyNew(src, dir, stem string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	o := atomicfile.Options{Temp: tmpPrefix + stem + "*"}
	return o.WriteFirstFree(dir, copyNames(stem+time.Now().UTC().Format("20060102-150405.000")), func(f io.Writer) error {
		_, err := io.Copy(f, in)
		return err
	})
}

// install copies the verified pages of backup (without the trailer) over
// path through a synced temporary file and a rename: a restore killed at
// any point leaves the old database or the new one, never a mix. The copy
// must have the digest verify found: a backup changed since is refused.
func install(path, backup string, v verified) error {
	src, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer src.Close()
	return atomicfile.Options{Temp: restoreTemp(path)}.Replace(path, func(f io.Writer) error {
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(f, h), io.NewSectionReader(src, 0, v.size)); err != nil {
			return err
		}
		if !bytes.Equal(h.Sum(nil), v.sum[:]) {
			return damaged("the backup changed while it was restored")
		}
		return nil
	})
}

// OpenWarning is what Open could not do while still opening the database
// for reading: the day's backup, or opening the file for writing
// (ReadOnly: every write is then ErrReadOnly).
type OpenWarning struct {
	Err      error
	ReadOnly bool
}

func (w *OpenWarning) Error() string { return w.Err.Error() }
func (w *OpenWarning) Unwrap() error { return w.Err }

// French is the warning for the nurse.
func (w *OpenWarning) French() string {
	switch {
	case w.ReadOnly:
		return "disque plein : la base est ouverte en lecture seule ; vos données sont lisibles, mais rien ne peut être enregistré. Libérez de la place puis relancez tournée."
	case errors.Is(w.Err, ErrDiskFull):
		return "disque plein : la sauvegarde du jour n'a pas pu être écrite ; vos données sont lisibles, libérez de la place pour que la sauvegarde et les enregistrements reprennent."
	}
	return "la sauvegarde du jour n'a pas pu être écrite ; vos données sont lisibles."
}

// OpenWarn is Open that hands its warnings to warn instead of stderr.
func OpenWarn(path string, passphrase []byte, o Options, warn func(*OpenWarning)) (*DB, error) {
	if warn == nil {
		warn = func(*OpenWarning) {}
	}
	return openDB(path, passphrase, o, faults{}, warn)
}

func warnStderr(w *OpenWarning) {
	fmt.Fprintf(os.Stderr, "tournee : attention, %s (%v)\n", w.French(), w.Err)
}

// ReadOnly tells whether the database was opened read-only (asked for, or
// because the disk is full): every write is then ErrReadOnly.
func (db *DB) ReadOnly() bool { return db.bolt.IsReadOnly() }
