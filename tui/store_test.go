package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// countingStore counts the reads of the whole patient list.
type countingStore struct {
	patients.Store
	reads atomic.Int32
}

func (c *countingStore) Patients(ctx context.Context, f patients.PatientFilter) ([]patients.Patient, error) {
	c.reads.Add(1)
	return c.Store.Patients(ctx, f)
}

func TestSharedStoreReadsOnceUntilAWrite(t *testing.T) {
	t.Parallel()
	_, db := testDeps(t)
	ctx := context.Background()
	counting := &countingStore{Store: db}
	s := newSharedStore(counting)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := s.Patients(ctx, patients.PatientFilter{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := counting.reads.Load(); n != 1 {
		t.Fatalf("three screens at start read the patients %d times, want once", n)
	}
	want, _ := db.Patients(ctx, patients.PatientFilter{})
	got, _ := s.Patients(ctx, patients.PatientFilter{})
	if len(got) != len(want) || got[0].ID != want[0].ID {
		t.Fatalf("shared list differs from the store's: %d vs %d patients", len(got), len(want))
	}
	// What a caller gets is its own: editing it changes nothing shared.
	got[0].Allergies = append(got[0].Allergies[:0:0], "latex")
	got[0].UsedName = "CHANGÉ"
	again, _ := s.Patients(ctx, patients.PatientFilter{})
	if again[0].UsedName == "CHANGÉ" {
		t.Fatal("a caller's edit leaked into the shared list")
	}
	// A write drops the list: the next read sees it.
	p := want[0]
	p.Notes = "nouvelle note"
	if err := s.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Patients(ctx, patients.PatientFilter{})
	if counting.reads.Load() != 2 {
		t.Errorf("a save should force one new read, reads = %d", counting.reads.Load())
	}
	i := 0
	for i = range after {
		if after[i].ID == p.ID {
			break
		}
	}
	if after[i].Notes != "nouvelle note" {
		t.Error("the saved patient is stale in the shared list")
	}
	// Filters behave like the store's.
	for _, f := range []patients.PatientFilter{{IncludeArchived: true}, {Nurse: want[0].PrimaryNurse}, {Nurse: xid.New()}} {
		a, _ := s.Patients(ctx, f)
		b, _ := db.Patients(ctx, f)
		if len(a) != len(b) {
			t.Errorf("filter %+v: %d patients, store gives %d", f, len(a), len(b))
		}
	}
}
