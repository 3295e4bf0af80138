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
	// ErrRestoredReplica: this laptop's folder holds operations its database
	// does not have (a database restored from an older backup): writing would
	// reuse their numbers, so nothing is written.
	ErrRestoredReplica = errors.New("database older than its own bundles")
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
}
