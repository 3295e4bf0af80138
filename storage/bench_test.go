package storage

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tournee/patients"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
)

// bigCabinet writes 2,000 patients, a year of history plus a week ahead of
// 120 visits a day (60 patients, two rounds: a cabinet of three nurses), and
// 200,000 transmissions: a large cabinet after years of use.
func bigCabinet(b *testing.B, path string, today patients.Date) {
	b.Helper()
	db, err := Create(path, pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const nPatients, nTrans = 2000, 200_000
	ids := make([]xid.ID, nPatients)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for i := range ids {
			p := samplePatient()
			p.ID = xid.New()
			p.FirstName = fmt.Sprintf("Patient%04d", i)
			p.Address.Point = orb.Point{1.8 + float64(i%100)/1000, 50.9 + float64(i/100)/1000}
			ids[i] = p.ID
			if err := db.put(tx, bucketPatients, p.ID.Bytes(), patientV, p); err != nil {
				return err
			}
		}
		for off := -365; off <= 7; off++ {
			for k := range 60 {
				pid := ids[(off*60+k+100_000)%nPatients]
				for _, r := range []patients.Round{patients.Morning, patients.Evening} {
					v := patients.Visit{ID: xid.New(), Date: today.AddDays(off), Round: r, PatientID: pid, DurationMin: 15,
						Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(9, 0)}, Status: patients.Planned}
					if err := db.put(tx, bucketVisits, v.ID.Bytes(), visitV, v); err != nil {
						return err
					}
					if err := indexVisit(tx, v); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	at := today.At(patients.Clock(8, 0))
	for batch := 0; batch < nTrans; batch += 20_000 {
		err = db.bolt.Update(func(tx *bolt.Tx) error {
			for i := batch; i < batch+20_000; i++ {
				t := patients.Transmission{ID: xid.New(), PatientID: ids[i%nPatients], At: at.Add(-time.Duration(i) * time.Minute),
					Cible: "Surveillance", Donnees: "Patient calme, constantes stables, TA 13/8, pouls 72.",
					Actions: "Soins réalisés selon prescription.", Resultats: "Pas d'anomalie."}
				if err := db.put(tx, bucketTransmissions, t.ID.Bytes(), transmissionV, t); err != nil {
					return err
				}
				if err := tx.Bucket(idxTransByPatient).Put(transPatientKey(t), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenAndListToday is the figure: open the database (key
// derivation included) and list today's visits.
func BenchmarkOpenAndListToday(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	today := patients.NewDate(2026, 11, 23)
	bigCabinet(b, path, today)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		db, err := Open(path, pass, Options{})
		if err != nil {
			b.Fatal(err)
		}
		vs, err := db.Visits(ctx, today)
		if err != nil {
			b.Fatal(err)
		}
		n = len(vs)
		db.Close()
	}
	b.ReportMetric(float64(n), "visits")
}

// BenchmarkListToday separates the listing from the deliberate cost of the
// key derivation.
func BenchmarkListToday(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	today := patients.NewDate(2026, 11, 23)
	bigCabinet(b, path, today)
	db, err := Open(path, pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Visits(ctx, today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSavePatient(b *testing.B) {
	db, err := Create(filepath.Join(b.TempDir(), "t.db"), pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for b.Loop() {
		p := samplePatient()
		if err := db.SavePatient(ctx, &p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPatientTransmissions(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	bigCabinet(b, path, patients.NewDate(2026, 11, 23))
	db, err := Open(path, pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ps, _ := db.Patients(ctx, patients.PatientFilter{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Transmissions(ctx, ps[0].ID, 20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveDay: a planned day of 120 visits saved in one action (what
// ordering a day or moving a visit writes): each visit is sealed, indexed,
// logged for the sync with its author, and audited.
func BenchmarkSaveDay(b *testing.B) {
	db, err := Create(filepath.Join(b.TempDir(), "t.db"), pass, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := sampleNurse()
	if err := db.SaveNurse(ctx, &n); err != nil {
		b.Fatal(err)
	}
	if err := db.SaveCabinet(ctx, patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: []xid.ID{n.ID}, CurrentNurse: n.ID}); err != nil {
		b.Fatal(err)
	}
	day := patients.NewDate(2026, time.November, 23)
	vs := make([]patients.Visit, 120)
	for i := range vs {
		p := samplePatient()
		if err := db.SavePatient(ctx, &p); err != nil {
			b.Fatal(err)
		}
		vs[i] = patients.Visit{ID: xid.New(), Date: day, Round: patients.Morning, PatientID: p.ID, DurationMin: 15,
			Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(9, 0)}, Status: patients.Planned,
			NurseID: n.ID, Order: i + 1}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := db.SaveVisits(ctx, vs); err != nil {
			b.Fatal(err)
		}
	}
}
