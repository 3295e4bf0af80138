// Package replica is the replication core of tournée's storage: hybrid
// logical clocks, the operations every write records, the per-field merge
// that makes laptops converge whatever the order of exchanges, the encrypted
// bundles they pass through a folder, and the cabinet key.
//
// It knows JSON objects, not patients: storage turns records into the field
// maps merged here. Nothing in it touches bbolt or the file system beyond
// the bundle files it is handed.
package replica

import (
	"bytes"
	"cmp"
	"time"

	"github.com/rs/xid"
)

// Stamp orders changes across laptops: a hybrid logical clock (wall time in
// milliseconds plus a counter) with the replica id as the last tie-break, so
// two distinct changes never compare equal.
type Stamp struct {
	Wall    int64  `json:"w"` // unix milliseconds
	Logical uint32 `json:"l,omitempty"`
	Replica xid.ID `json:"r"`
}

// Compare orders stamps: wall time, then counter, then replica.
func (s Stamp) Compare(o Stamp) int {
	if c := cmp.Compare(s.Wall, o.Wall); c != 0 {
		return c
	}
	if c := cmp.Compare(s.Logical, o.Logical); c != 0 {
		return c
	}
	return bytes.Compare(s.Replica[:], o.Replica[:])
}

// IsZero tells a stamp never set (a field no operation has written).
func (s Stamp) IsZero() bool { return s.Wall == 0 && s.Logical == 0 && s.Replica.IsZero() }

// Time is the wall part of the stamp.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Wall) }

// Clock is one replica's hybrid logical clock (Kulkarni et al., 2014): it
// never goes backwards, follows the wall clock when it can, and after seeing
// a stamp from a laptop whose clock is ahead it stays after that stamp, so a
// change made after reading another is always ordered after it.
type Clock struct {
	Last    Stamp
	Replica xid.ID
	Now     func() time.Time
}

// Tick returns the stamp of a local change.
func (c *Clock) Tick() Stamp {
	wall := c.Now().UnixMilli()
	if wall > c.Last.Wall {
		c.Last = Stamp{Wall: wall, Replica: c.Replica}
	} else {
		c.Last = Stamp{Wall: c.Last.Wall, Logical: c.Last.Logical + 1, Replica: c.Replica}
	}
	return c.Last
}

// Observe moves the clock past a stamp received from another replica.
func (c *Clock) Observe(s Stamp) {
	if s.Wall > c.Last.Wall || (s.Wall == c.Last.Wall && s.Logical > c.Last.Logical) {
		c.Last = Stamp{Wall: s.Wall, Logical: s.Logical, Replica: c.Replica}
	}
}
