package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors the edges map to a message for the nurse.
var (
	// ErrAlreadyOpen: another process (another window) holds the file.
	ErrAlreadyOpen error = &frenchError{"database already open in another process", "la base est déjà ouverte dans une autre fenêtre : fermez-la puis réessayez"}
	// ErrWrongPassphrase: the verifier did not open with the derived key.
	ErrWrongPassphrase error = &frenchError{"wrong passphrase", "phrase de passe incorrecte : la base n'a été ni ouverte ni modifiée"}
	// ErrCorrupt: the file or a record in it cannot be read back.
	ErrCorrupt error = &frenchError{"database corrupt", "le fichier est endommagé ou tronqué ; rien n'a été modifié. Si cela se répète, restaurez la dernière sauvegarde"}
	// ErrNoDatabase: nothing at the path; run init first.
	ErrNoDatabase error = &frenchError{"no database at this path", "aucune base de données à cet endroit"}
	// ErrExists: init would overwrite an existing database.
	ErrExists error = &frenchError{"a database already exists at this path", "une base existe déjà à cet endroit : elle n'a pas été touchée"}
	// ErrTooNew: the file was written by a newer tournée.
	ErrTooNew error = &frenchError{"database written by a newer version", "ce fichier a été écrit par une version plus récente de tournée : mettez l'application à jour"}
)

// Bucket and key names; see doc.go for the layout.
var (
	bucketMeta          = []byte("meta")
	bucketCabinet       = []byte("cabinet")
	bucketNurses        = []byte("nurses")
	bucketPatients      = []byte("patients")
	bucketCarePlans     = []byte("careplans")
	bucketVisits        = []byte("visits")
	bucketTransmissions = []byte("transmissions")
	bucketAudit         = []byte("audit")
	bucketDMPExports    = []byte("dmp_exports")

	idxVisitsByDay        = []byte("visits_by_day")
	idxVisitsByPatient    = []byte("visits_by_patient")
	idxCarePlansByPatient = []byte("careplans_by_patient")
	idxTransByPatient     = []byte("transmissions_by_patient")

	keyKDF        = []byte("kdf")
	keyVerifier   = []byte("verifier")
	keySchema     = []byte("schema")
	keyAutoBackup = []byte("last_auto_backup")
	keyCabinet    = []byte("cabinet")
)

// Options tune Open and Create.
type Options struct {
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
	// BackupDir receives the automatic backup taken on the first open of each
	// day. Empty disables it.
	BackupDir string
	// Timeout bounds the wait for the file lock; 0 means one second, so a
	// second window fails fast instead of hanging.
	Timeout time.Duration
	// ReadOnly opens the file without taking the write lock.
	ReadOnly bool
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// DB is an open, unlocked tournée database.
type DB struct {
	bolt      *bolt.DB
	seal      *sealer
	now       func() time.Time
	path      string
	lastActor actorMemo
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Close releases the file lock.
func (db *DB) Close() error { return db.bolt.Close() }

func boltOpen(path string, o Options) (*bolt.DB, error) {
	if err := checkFile(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	for attempt := 0; ; attempt++ {
		before, _ := os.Stat(path)
		b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: o.ReadOnly, InitialMmapSize: initialMmapSize()})
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("open %s: %w", path, ErrAlreadyOpen)
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
			errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrInvalidMapping):
			return nil, fmt.Errorf("open %s: %w: %v", path, ErrCorrupt, err)
		case err != nil:
			return nil, fmt.Errorf("open %s: %w", path, diskFull(err))
		}
		// A restore renames a new file over path while it holds the lock:
		// a process that waited for the lock on the old file would write
		// where no one reads. It opens the new one instead.
		if after, err := os.Stat(path); before == nil || err != nil || os.SameFile(before, after) || attempt == 3 {
			return b, nil
		}
		b.Close()
	}
}

// Create makes a new, empty database at path, sealed with passphrase. It
// refuses to overwrite an existing file. It is CreateWith without a seed:
// atomic, so a killed creation leaves no file at path.
func Create(path string, passphrase []byte, o Options) (*DB, error) {
	return CreateWith(path, passphrase, o, nil)
}

// Open opens an existing database. A wrong passphrase is ErrWrongPassphrase, a
// file locked by another window ErrAlreadyOpen (after Options.Timeout), a
// damaged one ErrCorrupt. On first open of the day it takes a backup into
// Options.BackupDir, then runs pending migrations. It removes the temporary
// files killed backups and restores left.
//
// Reading never depends on writing: when the day's backup cannot be written
// (a full disk), or the file cannot be opened for writing, the database
// opens anyway (read-only in the second case) and a French warning goes to
// stderr; see OpenWarn to receive it instead.
func Open(path string, passphrase []byte, o Options) (*DB, error) {
	return openDB(path, passphrase, o, faults{}, nil)
}

func openDB(path string, passphrase []byte, o Options, fl faults, warn func(*OpenWarning)) (*DB, error) {
	if warn == nil {
		warn = warnStderr
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", path, ErrNoDatabase)
	}
	b, err := boltOpen(path, o)
	if err == nil && !o.ReadOnly && fl.openWrite != nil {
		b.Close()
		b, err = nil, fmt.Errorf("open %s: %w", path, diskFull(fl.openWrite))
	}
	degraded := false
	if err != nil && !o.ReadOnly && errors.Is(err, ErrDiskFull) {
		ro := o
		ro.ReadOnly = true
		if b, err = boltOpen(path, ro); err == nil {
			o, degraded = ro, true
		}
	}
	if err != nil {
		return nil, err
	}
	db, err := unlock(b, passphrase, o)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.path = path
	if degraded {
		warn(&OpenWarning{Err: fmt.Errorf("open %s for writing: %w", path, ErrDiskFull), ReadOnly: true})
	}
	if o.ReadOnly {
		return db, nil
	}
	cleanAllTemps(path, o.BackupDir)
	if err := db.autoBackup(o.BackupDir, fl); err != nil {
		if !errors.Is(err, ErrDiskFull) {
			b.Close()
			return nil, fmt.Errorf("open %s: daily backup: %w", path, err)
		}
		warn(&OpenWarning{Err: fmt.Errorf("open %s: daily backup: %w", path, err)})
	}
	var from int
	if err := b.View(func(tx *bolt.Tx) error {
		from, err = schemaVersion(tx)
		return err
	}); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if from == schemaLatest {
		return db, nil // nothing to write: a full disk does not stop reading
	}
	if err := b.Update(func(tx *bolt.Tx) error { return db.migrate(tx, from) }); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: migrate: %w", path, diskFull(err))
	}
	return db, nil
}

// unlock derives the key from meta/kdf and checks it against the verifier.
func unlock(b *bolt.DB, passphrase []byte, o Options) (*DB, error) {
	var params kdfParams
	var verifier []byte
	err := b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%w: not a tournée database (no meta bucket)", ErrCorrupt)
		}
		raw := meta.Get(keyKDF)
		if raw == nil {
			return fmt.Errorf("%w: key derivation parameters missing", ErrCorrupt)
		}
		if err := jsonUnmarshal(raw, &params); err != nil {
			return fmt.Errorf("%w: key derivation parameters unreadable", ErrCorrupt)
		}
		verifier = append([]byte(nil), meta.Get(keyVerifier)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := params.validate(); err != nil {
		return nil, err
	}
	s, err := newSealer(params.derive(passphrase))
	if err != nil {
		return nil, err
	}
	if len(verifier) == 0 {
		return nil, fmt.Errorf("%w: passphrase verifier missing", ErrCorrupt)
	}
	if !s.checkVerifier(verifier) {
		return nil, ErrWrongPassphrase
	}
	return &DB{bolt: b, seal: s, now: o.now}, nil
}

// newID returns an xid stamped with the injected clock, so ids sort in the
// order of the (test) timeline.
func (db *DB) newID() xid.ID { return xid.NewWithTime(db.now()) }

// CheckPassphrase tells whether passphrase opens this database, without
// reopening it: the lock screen asks for it again after idle minutes. It
// costs one key derivation. A wrong one is ErrWrongPassphrase.
func (db *DB) CheckPassphrase(passphrase []byte) error {
	// The verifier only opens under the key this passphrase derives.
	_, err := unlock(db.bolt, passphrase, Options{})
	return err
}
