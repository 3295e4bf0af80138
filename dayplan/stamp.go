package dayplan

import (
	"context"
	"runtime/debug"
	"sync"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/version"
)

// reconcileStamped is Reconcile on a store that keeps stamps: skipped when
// nothing was written since a reconciliation of the same day, by the same
// release, that found nothing to change.
func reconcileStamped(ctx context.Context, st patients.Store, sp stamps, today patients.Date) (Reconciliation, error) {
	mark := reconcileMark(today)
	last, gen, err := sp.Stamp(ctx, reconcileStamp)
	if err != nil {
		return Reconciliation{}, err
	}
	if last == mark {
		return Reconciliation{}, nil
	}
	rep, err := reconcile(ctx, st, today, xid.NilID())
	if err != nil || rep.Changed() {
		// What it wrote is stamped by the next one, which finds nothing to do.
		return rep, err
	}
	// A stamp not stored (a disk just full) only means the next one runs
	// again: the reconciliation itself succeeded and wrote nothing.
	_ = sp.SetStamp(ctx, reconcileStamp, mark, gen)
	return rep, nil
}

// stamps is what a store offers to mark work done on its records as they
// stood at one write (storage.DB): a stamp holds until the next write.
type stamps interface {
	Stamp(ctx context.Context, name string) (value string, gen uint64, err error)
	SetStamp(ctx context.Context, name, value string, gen uint64) error
}

const reconcileStamp = "reconcile"

// reconcileMark names a reconciliation: the day it brought in line, and the
// release that did it (with the commit of a build from source), since
// another one may build the days differently from the same care plans.
func reconcileMark(today patients.Date) string {
	return today.String() + " " + version.Version + " " + sourceRevision()
}

// sourceRevision is the commit a build from source was made from (marked
// when it had uncommitted changes); "" for a release build (no VCS stamp,
// the release names it) and for tests.
var sourceRevision = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev := ""
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value + rev
		case s.Key == "vcs.modified" && s.Value == "true":
			rev += "+modified"
		}
	}
	return rev
})
