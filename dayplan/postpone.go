package dayplan

import (
	"crypto/sha256"
	"errors"
	"slices"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// ErrStrictCannotWait: a strict visit (insulin, a fixed-time treatment) is
// done at its hour or not at all; it cannot be carried to the next day.
var ErrStrictCannotWait = errors.New("a strict visit cannot be postponed")

// Postpone carries a visit still to do to the next day, when the
// prescription allows it: never a strict one. The visit is marked reportée;
// unless every care of it is due the next day anyway (a daily dressing is
// done tomorrow whatever happens), a visit of the same care is added on
// the next day, unordered for Open to place, with an id derived from the
// one it carries, so two laptops postponing it make one visit. by is who
// decided.
func Postpone(v patients.Visit, plans []patients.CarePlan, by xid.ID) ([]patients.Visit, error) {
	if v.Strict || v.PinnedTime {
		return nil, ErrStrictCannotWait
	}
	next := v.Date.AddDays(1)
	today := v
	today.Status, today.DoneBy = patients.Postponed, by
	today.Order, today.Pinned, today.PinnedTime, today.PlannedArrival = 0, false, false, 0
	if dueAnyway(v, plans, next) {
		today.StatusNote = "reportée : le soin est de toute façon prévu le " + french.Date(next)
		return []patients.Visit{today}, nil
	}
	today.StatusNote = "reportée au " + french.Date(next)
	carried := v
	carried.ID = carriedID(v.ID, next)
	carried.Date, carried.PostponedFrom = next, v.Date
	carried.Status, carried.StatusNote, carried.LeftOut = patients.Planned, "", ""
	carried.Order, carried.Pinned, carried.PinnedTime, carried.PlannedArrival = 0, false, false, 0
	carried.PairID = xid.NilID()
	return []patients.Visit{today, carried}, nil
}

// dueAnyway reports whether every care item of v has its plan due on d.
func dueAnyway(v patients.Visit, plans []patients.CarePlan, d patients.Date) bool {
	for _, it := range v.Items {
		i := slices.IndexFunc(plans, func(c patients.CarePlan) bool { return c.ID == it.CarePlanID })
		if i < 0 || !plans[i].OccursOn(d) {
			return false
		}
	}
	return len(v.Items) > 0
}

// carriedID derives the id of a visit carried to day d: the first four
// bytes are the day's, as in any xid, so ids still sort by day.
func carriedID(from xid.ID, d patients.Date) xid.ID {
	sum := sha256.Sum256(append(from.Bytes(), []byte("|reportée|"+d.String())...))
	var raw [12]byte
	t := uint32(d.At(patients.Clock(6, 0)).Unix())
	raw[0], raw[1], raw[2], raw[3] = byte(t>>24), byte(t>>16), byte(t>>8), byte(t)
	copy(raw[4:], sum[:8])
	id, _ := xid.FromBytes(raw[:])
	return id
}
