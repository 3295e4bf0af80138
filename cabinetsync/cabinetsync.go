// Package cabinetsync is what the edges share about synchronising the
// laptops of a cabinet through a folder (a USB stick, a Syncthing or
// Nextcloud folder): the progress of a sync, its report, the conflicts left
// for a nurse to confirm, and the errors the CLI and the interface turn into
// French. The replication itself lives in storage/replica and storage.
package cabinetsync

import (
	"context"
	"errors"
	"time"

	"github.com/rs/xid"
)

// Errors a sync or a cabinet key can end with. Bundle errors arrive wrapped in
// a Refusal; the others end the call.
var (
	// ErrNoFolder: the folder given to sync does not exist or is not a folder
	// (a USB stick not plugged in).
	ErrNoFolder = errors.New("sync folder not found")
	// ErrNoCabinetKey: this laptop has no cabinet key yet (cabinet init or join).
	ErrNoCabinetKey = errors.New("no cabinet key on this laptop")
	// ErrKeyExists: cabinet init on a laptop that already has a key.
	ErrKeyExists = errors.New("this laptop already has a cabinet key")
	// ErrOtherCabinet: joining a second cabinet, or a key file of another one.
	ErrOtherCabinet = errors.New("key of another cabinet")
	// ErrKeyProtected: the key file is protected and no passphrase was given.
	ErrKeyProtected = errors.New("cabinet key file is protected by a passphrase")
	// ErrKeyPassphrase: the passphrase does not open the key file.
	ErrKeyPassphrase = errors.New("wrong passphrase for the cabinet key file")
	// ErrBadKeyFile: not a tournée cabinet key file.
	ErrBadKeyFile = errors.New("not a cabinet key file")

	// ErrWrongKey: a bundle not encrypted to this cabinet's key (another
	// cabinet, or a laptop that joined with another key).
	ErrWrongKey = errors.New("bundle not encrypted with this cabinet's key")
	// ErrDamaged: a truncated, corrupt or tampered bundle.
	ErrDamaged = errors.New("bundle damaged, truncated or tampered with")
	// ErrTooNew: a bundle written by a newer tournée (newer schema).
	ErrTooNew = errors.New("bundle written by a newer version")
	// ErrGap: bundles of a laptop are missing before the ones in the folder.
	ErrGap = errors.New("bundles missing in the folder")
)

// WarnClockSkew is the clock difference reported as a warning. Bundles from a
// clock ahead are applied all the same: the hybrid clock keeps « a change made
// after reading another comes after it », and refusing them would block that
// laptop's changes until the real time caught up with its stamps. A fast
// clock does win concurrent edits, which the conflicts list shows.
const WarnClockSkew = 5 * time.Minute

// Stage is what a sync is doing.
type Stage int

// The stages of a sync, in order.
const (
	Writing  Stage = iota // this laptop's changes to the folder
	Reading               // the other laptops' bundles
	Applying              // their changes into this database
	Finished
)

// Progress reports a stage and how far it is (Done of Total units:
// operations, or bundles while reading).
type Progress struct {
	Stage       Stage
	Done, Total int
}

// Refusal is a bundle set aside with the reason; the other laptops' bundles
// are still applied, and the next sync tries it again.
type Refusal struct {
	Replica xid.ID
	File    string // path of the bundle, or the laptop's folder for a gap
	Err     error  // wraps one of the bundle errors above
}

// Skew is a clock difference noticed with another laptop.
type Skew struct {
	Replica xid.ID
	Ahead   time.Duration // how far its stamps are ahead of this clock
}

// Report says what a sync did.
type Report struct {
	Dir     string
	Written int // operations of this laptop written to the folder
	// Repaired counts this laptop's bundles found damaged in the folder and
	// written again from its log.
	Repaired int
	Bundles  int // bundles of other laptops applied
	Ops      int // their operations applied (each counted once)

	// Records changed here by what came in.
	Patients, CarePlans, Visits, Transmissions, Nurses, Cabinet int
	Conflicts                                                   int // new conflicts to confirm

	Refused []Refusal
	Skews   []Skew

	// Forks are the times this database found that another copy of it (the
	// same file copied to a second computer, or a backup restored) wrote
	// under the same laptop identity: both histories were merged and this
	// copy took a new identity.
	Forks []Fork
	// Copies are the conflict copies a sync tool made of bundles (Syncthing's
	// « .sync-conflict- », Nextcloud's « (conflicted copy …) »), read and
	// merged.
	Copies []string
	// Unexpected are files in the sync folder that are not tournée's: left
	// where they are, listed so that nothing is skipped unsaid.
	Unexpected []string
	// SetAside are files of this laptop's own folder that could not be read
	// (junk, damaged, another key): moved to the SetAsideDir folder, bytes
	// intact, and the range they claimed written again from the log.
	SetAside []SetAside
	// Rewritten: this laptop's folder was missing or empty although it had
	// synced with this folder before; it was written again from the log.
	Rewritten bool
	// Missing are laptops this one has received from whose folder is no
	// longer in the sync folder (deleted): they rewrite it at their next sync.
	Missing []xid.ID
}

// SetAsideDir is the folder, inside tournee-sync, where files set aside are
// kept.
const SetAsideDir = "mis-de-cote"

// Fork is one detection of two databases writing under one identity.
type Fork struct {
	Old, New xid.ID
	// From is the first operation number where the two histories differ.
	From uint64
	// Reissued counts this copy's operations written again under the new
	// identity; Restored tells a database older than what it had written
	// (a backup restored) from a copy that went on its own way.
	Reissued int
	Restored bool
}

// SetAside is a file moved out of the way, and why.
type SetAside struct {
	File, To string
	Err      error
}

// Changed tells whether anything came in.
func (r Report) Changed() bool {
	return r.Patients+r.CarePlans+r.Visits+r.Transmissions+r.Nurses+r.Cabinet+r.Conflicts > 0
}

// Conflict is a concurrent edit of one field: both laptops changed it without
// seeing the other's change. The later (by the hybrid clock) was kept; the
// other value waits here until a nurse confirms or restores it.
type Conflict struct {
	ID     xid.ID
	Entity string // "patient", "careplan", "visit", "nurse", "cabinet"
	Record string // id of the record (the cabinet's is "cabinet")
	Label  string // what the record is, for the nurse (a patient's name…)
	Field  string // JSON name of the field, e.g. "phone" or "outcome"
	Kept   string // value in force, as display text
	Lost   string // value set aside
	// KeptAt/LostAt are when each change was made; the authors are nurses
	// (zero when unknown).
	KeptAt, LostAt         time.Time
	KeptAuthor, LostAuthor xid.ID
	Found                  time.Time // when this laptop noticed it
}

// Service is a cabinet sync as the interface uses it (storage.DB).
type Service interface {
	// Sync writes this laptop's changes to dir and applies the others'.
	// progress may be nil; it is called from the syncing goroutine.
	Sync(ctx context.Context, dir string, progress func(Progress)) (Report, error)
	// Conflicts returns the conflicts not yet confirmed, oldest first.
	Conflicts(ctx context.Context) ([]Conflict, error)
	// ResolveConflict confirms the kept value, or with restore writes the
	// lost value back as a new change (which the next sync shares).
	ResolveConflict(ctx context.Context, id xid.ID, restore bool) error
	// Repair checks every bundle of this laptop's own folder in dir, sets
	// aside what does not read, writes again from the log what is missing,
	// then syncs as Sync does.
	Repair(ctx context.Context, dir string, progress func(Progress)) (Report, error)
}
