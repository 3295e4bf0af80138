package tui

import (
	"context"
	"sync"

	"tournee/patients"
)

// sharedStore lets the screens that all list every patient share one read:
// at start the round, the patients and the transmissions screens each ask,
// and decrypting and decoding 2,000 patients three times was most of the
// first frame. Writes through it drop the shared list. Callers get clones,
// so a form may edit what it received.
type sharedStore struct {
	patients.Store

	mu       sync.Mutex
	gen      uint64 // bumped by every patient write
	list     []patients.Patient
	have     bool
	inflight *patientsCall
}

type patientsCall struct {
	done chan struct{}
	gen  uint64
	list []patients.Patient
	err  error
}

var _ patients.Store = (*sharedStore)(nil)

func newSharedStore(st patients.Store) *sharedStore { return &sharedStore{Store: st} }

// Patients filters the shared list the way the store would.
func (s *sharedStore) Patients(ctx context.Context, f patients.PatientFilter) ([]patients.Patient, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]patients.Patient, 0, len(all))
	for _, p := range all {
		if (p.Archived && !f.IncludeArchived) || (!f.Nurse.IsZero() && p.PrimaryNurse != f.Nurse) {
			continue
		}
		out = append(out, p.Clone())
	}
	return out, nil
}

func (s *sharedStore) all(ctx context.Context) ([]patients.Patient, error) {
	s.mu.Lock()
	if s.have {
		l := s.list
		s.mu.Unlock()
		return l, nil
	}
	if c := s.inflight; c != nil {
		s.mu.Unlock()
		select {
		case <-c.done:
			return c.list, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &patientsCall{done: make(chan struct{}), gen: s.gen}
	s.inflight = c
	s.mu.Unlock()

	c.list, c.err = s.Store.Patients(ctx, patients.PatientFilter{IncludeArchived: true})

	s.mu.Lock()
	if s.inflight == c {
		s.inflight = nil
	}
	// A write during the read makes it stale: hand it to those who waited
	// (the write's change message reloads them) but do not keep it.
	if c.err == nil && c.gen == s.gen {
		s.list, s.have = c.list, true
	}
	s.mu.Unlock()
	close(c.done)
	return c.list, c.err
}

func (s *sharedStore) invalidate() {
	s.mu.Lock()
	s.gen++
	s.have, s.list, s.inflight = false, nil, nil
	s.mu.Unlock()
}

// SavePatient writes through and drops the shared list.
func (s *sharedStore) SavePatient(ctx context.Context, p *patients.Patient) error {
	defer s.invalidate()
	return s.Store.SavePatient(ctx, p)
}

// ImportPatients writes through and drops the shared list.
func (s *sharedStore) ImportPatients(ctx context.Context, ps []patients.Patient) error {
	defer s.invalidate()
	return s.Store.ImportPatients(ctx, ps)
}

// Seed writes through and drops the shared list.
func (s *sharedStore) Seed(ctx context.Context, d patients.Dataset) error {
	defer s.invalidate()
	return s.Store.Seed(ctx, d)
}
