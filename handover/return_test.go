package handover

import (
	"errors"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

func TestBuildReturnKeepsHerPeriod(t *testing.T) {
	from, to := patients.Date{Year: 2026, Month: 11, Day: 23}, patients.Date{Year: 2026, Month: 11, Day: 25}
	tit := xid.New()
	rem := patients.Nurse{ID: xid.New(), FirstName: "Émilie", LastName: "Lambert",
		Replacement: &patients.Replacement{ContractFrom: from, ContractTo: to, Replaces: []xid.ID{tit}}}
	at := func(d patients.Date) time.Time { return d.At(patients.Clock(10, 0)) }
	mine := patients.Transmission{ID: xid.New(), AuthorID: rem.ID, At: at(from)}
	theirs := patients.Transmission{ID: xid.New(), AuthorID: tit, At: at(from)}
	before := patients.Transmission{ID: xid.New(), AuthorID: rem.ID, At: at(from.AddDays(-1))}
	done := patients.Visit{ID: xid.New(), Date: to, Status: patients.Done, NurseID: rem.ID}
	titulaires := patients.Visit{ID: xid.New(), Date: to, Status: patients.Done, NurseID: tit}
	planned := patients.Visit{ID: xid.New(), Date: to, Status: patients.Planned}
	after := patients.Visit{ID: xid.New(), Date: to.AddDays(1), Status: patients.Done}
	cab := xid.New()
	r, err := BuildReturn(rem, cab, []patients.Transmission{mine, theirs, before},
		[]patients.Visit{done, planned, after, titulaires}, at(to))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Transmissions) != 1 || r.Transmissions[0].ID != mine.ID {
		t.Errorf("transmissions %+v: want only hers within the period", r.Transmissions)
	}
	if len(r.Visits) != 1 || r.Visits[0].ID != done.ID {
		t.Errorf("visits %+v: want only the done one within the period", r.Visits)
	}
	if err := r.Check(patients.Cabinet{ID: cab}, []patients.Nurse{{ID: tit}}); err != nil {
		t.Errorf("own cabinet refused: %v", err)
	}
	if err := r.Check(patients.Cabinet{ID: xid.New()}, []patients.Nurse{{ID: tit}}); !errors.Is(err, ErrOtherCabinet) {
		t.Errorf("another cabinet: %v", err)
	}
	if err := r.Check(patients.Cabinet{ID: cab}, nil); !errors.Is(err, ErrOtherCabinet) {
		t.Errorf("unknown titulaire: %v", err)
	}
	rem.Replacement = nil
	if _, err := BuildReturn(rem, cab, nil, nil, at(to)); !errors.Is(err, ErrNotReplacement) {
		t.Errorf("a base without replacement: %v", err)
	}
}
