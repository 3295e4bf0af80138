// Package billing loads what pricing a period needs from the base and bills
// its done visits with package ngap; it writes the « preuve de soins » from
// the same lines. The CLI (facturation, preuve) and the interface's patient
// file share it, so a proof printed from either bills a visit the same way.
// It reads the base through a narrow interface and never imports storage.
package billing

import (
	"context"
	"slices"
	"strings"

	"github.com/rs/xid"

	"tournee/ngap"
	"tournee/patients"
)

// Store is what billing reads of the base (patients.Store has it all).
type Store interface {
	Cabinet(ctx context.Context) (patients.Cabinet, error)
	Nurses(ctx context.Context) ([]patients.Nurse, error)
	Patients(ctx context.Context, f patients.PatientFilter) ([]patients.Patient, error)
	Patient(ctx context.Context, id xid.ID) (patients.Patient, error)
	CarePlans(ctx context.Context, patientID xid.ID) ([]patients.CarePlan, error)
	Visits(ctx context.Context, d patients.Date) ([]patients.Visit, error)
	Transmissions(ctx context.Context, patientID xid.ID, limit int) ([]patients.Transmission, error)
}

// Data is what pricing a period needs from the base.
type Data struct {
	Cabinet  patients.Cabinet
	Nurses   []patients.Nurse
	Patients []patients.Patient
	Plans    []patients.CarePlan
	Visits   []patients.Visit // every visit of the period, any status
}

// MaxDays bounds a period: a year is what an accountant asks for.
const MaxDays = 366

// Load reads the cabinet, the nurses, every patient (archived too: a
// patient archived since was billed then), every care plan and the visits
// of the days from..to.
func Load(ctx context.Context, st Store, from, to patients.Date) (Data, error) {
	var d Data
	var err error
	if d.Cabinet, err = st.Cabinet(ctx); err != nil {
		return d, err
	}
	if d.Nurses, err = st.Nurses(ctx); err != nil {
		return d, err
	}
	if d.Patients, err = st.Patients(ctx, patients.PatientFilter{IncludeArchived: true}); err != nil {
		return d, err
	}
	if d.Plans, err = st.CarePlans(ctx, xid.NilID()); err != nil {
		return d, err
	}
	for day := from; !day.After(to); day = day.AddDays(1) {
		vs, err := st.Visits(ctx, day)
		if err != nil {
			return d, err
		}
		d.Visits = append(d.Visits, vs...)
	}
	return d, nil
}

// Pricing is what pricing needs of the cabinet that the stored cabinet does
// not hold: its IK zone, the other communes of its agglomeration, and how
// distances are measured (nil: ngap.CrowFly).
type Pricing struct {
	Zone          ngap.Zone
	Agglomeration []string
	Distance      ngap.Distancer
}

// Cabinet is the pricing view of the stored cabinet.
func (p Pricing) Cabinet(c patients.Cabinet) ngap.Cabinet {
	cab := ngap.CabinetOf(c, p.Zone)
	cab.Agglomeration = p.Agglomeration
	cab.Distance = p.Distance
	return cab
}

// BillDone bills the done visits of the period (of one nurse when only is
// set), sorted by date, time and nurse. Trips are told apart per nurse, so
// every nurse's visits are billed together even when one is asked.
func BillDone(d Data, only xid.ID, p Pricing, t ngap.Tariffs) ([]ngap.VisitFees, error) {
	plans := make(map[xid.ID]patients.CarePlan, len(d.Plans))
	for _, c := range d.Plans {
		plans[c.ID] = c
	}
	homes := make(map[xid.ID]ngap.Home, len(d.Patients))
	for _, pt := range d.Patients {
		homes[pt.ID] = ngap.HomeOf(pt)
	}
	var done []patients.Visit
	for _, v := range d.Visits {
		if v.Status == patients.Done {
			done = append(done, v)
		}
	}
	fees, err := ngap.BillVisits(done, plans, homes, p.Cabinet(d.Cabinet), t)
	if err != nil {
		return nil, err
	}
	if !only.IsZero() {
		fees = slices.DeleteFunc(fees, func(f ngap.VisitFees) bool { return f.NurseID != only })
	}
	slices.SortStableFunc(fees, func(x, y ngap.VisitFees) int {
		if c := x.Date.Compare(y.Date); c != 0 {
			return c
		}
		if x.Time != y.Time {
			return int(x.Time) - int(y.Time)
		}
		return strings.Compare(x.NurseID.String(), y.NurseID.String())
	})
	return fees, nil
}

// PatientName is a patient's display name, or the id of one not found.
func (d Data) PatientName(id xid.ID) string {
	if i := slices.IndexFunc(d.Patients, func(p patients.Patient) bool { return p.ID == id }); i >= 0 {
		return d.Patients[i].DisplayName()
	}
	return id.String()
}

// NurseName is a nurse's full name, or the id of one not found.
func (d Data) NurseName(id xid.ID) string {
	if i := slices.IndexFunc(d.Nurses, func(n patients.Nurse) bool { return n.ID == id }); i >= 0 {
		return d.Nurses[i].FullName()
	}
	return id.String()
}
