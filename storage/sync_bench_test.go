package storage

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/patients"
	"tournee/storage/replica"
)

// openOnDisk opens, or creates, a database sealed with the fixed key
// openFast uses (each opens the other's files), but with every commit
// synced to the disk as Open does: the crash test and the merge benchmark
// need the real thing. The caller closes it.
func openOnDisk(path string, now func() time.Time) (*DB, error) {
	// The options of boltOpen, so the figures are those of the app.
	return openWithTestKey(path, now, &bolt.Options{Timeout: 5 * time.Second, InitialMmapSize: initialMmapSize()})
}

// openWithTestKey opens, or creates and migrates, a database sealed with a
// fixed key, skipping the passphrase's key derivation.
func openWithTestKey(path string, now func() time.Time, opts *bolt.Options) (*DB, error) {
	b, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		return nil, err
	}
	s, err := newSealer(make([]byte, 32))
	if err != nil {
		b.Close()
		return nil, err
	}
	db := &DB{bolt: b, seal: s, now: now, path: path}
	err = b.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketMeta); err != nil {
			return err
		}
		from, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		return db.migrate(tx, from)
	})
	if err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// msClock is a test clock that advances a millisecond per reading: bulk
// writes read it twice per record, and a second each would put a laptop
// days ahead of the others.
type msClock struct{ t time.Time }

func (c *msClock) now() time.Time { c.t = c.t.Add(time.Millisecond); return c.t }

// diskCabinet makes n laptops of one cabinet in dir, like cabinetOf, opened
// with openOnDisk and closed when the test ends.
func diskCabinet(tb testing.TB, dir string, n int) []*DB {
	tb.Helper()
	dbs := make([]*DB, n)
	for i := range dbs {
		c := &msClock{time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)}
		db, err := openOnDisk(filepath.Join(dir, fmt.Sprintf("laptop%c.db", 'A'+i)), c.now)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	formCabinet(tb, dbs)
	return dbs
}

// opSeq is the number of operations a laptop recorded.
func opSeq(tb testing.TB, db *DB) uint64 {
	tb.Helper()
	var n uint64
	if err := db.bolt.View(func(tx *bolt.Tx) error { n = u64(tx.Bucket(bucketMeta).Get(keyOpSeq)); return nil }); err != nil {
		tb.Fatal(err)
	}
	return n
}

// inBatches runs fn for 0..n-1 in write transactions of a few thousand
// records, as an import would.
func inBatches(tb testing.TB, db *DB, n int, fn func(tx *bolt.Tx, i int) error) {
	tb.Helper()
	const batch = 4000
	for from := 0; from < n; from += batch {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for i := from; i < min(n, from+batch); i++ {
				if err := fn(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// createRecords writes on one laptop patients, their care plans, visits
// over the coming days and transmissions, each one operation, and returns
// the ids of the patients and visits. tag tells the laptops' records apart.
func createRecords(tb testing.TB, db *DB, tag string, nPatients, nPlans, nVisits, nTrans int) (pids, vids []xid.ID) {
	tb.Helper()
	day := patients.NewDate(2026, 11, 23)
	pids = make([]xid.ID, nPatients)
	inBatches(tb, db, nPatients, func(tx *bolt.Tx, i int) error {
		p := samplePatient()
		p.ID, p.INS = db.newID(), nil
		p.FirstName = fmt.Sprintf("%s%05d", tag, i)
		p.Address.Point = orb.Point{1.8 + float64(i%100)/1000, 50.9 + float64(i/100%100)/1000}
		pids[i] = p.ID
		return db.putRecord(tx, bucketPatients, p.ID.Bytes(), patientV, p)
	})
	inBatches(tb, db, nPlans, func(tx *bolt.Tx, i int) error {
		c := patients.CarePlan{PatientID: pids[i%nPatients], Kind: patients.CareKinds()[i%len(patients.CareKinds())],
			Label: "Soin", Recurrence: patients.Recurrence{Kind: patients.Daily, Start: day},
			Windows: []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}}, DurationMin: 10}
		_, err := db.writeCarePlan(tx, &c)
		return err
	})
	vids = make([]xid.ID, nVisits)
	inBatches(tb, db, nVisits, func(tx *bolt.Tx, i int) error {
		v := patients.Visit{Date: day.AddDays(i / 200), Round: []patients.Round{patients.Morning, patients.Evening}[i%2],
			PatientID: pids[i%nPatients], DurationMin: 15, Status: patients.Planned,
			Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(9, 0)}}
		_, err := db.writeVisit(tx, &v)
		vids[i] = v.ID
		return err
	})
	at := day.At(patients.Clock(8, 0))
	inBatches(tb, db, nTrans, func(tx *bolt.Tx, i int) error {
		t := patients.Transmission{PatientID: pids[i%nPatients], At: at.Add(-time.Duration(i) * time.Minute),
			Cible: "Surveillance", Donnees: "Patient calme, constantes stables, TA 13/8, pouls 72.",
			Actions: "Soins réalisés selon prescription.", Resultats: "Pas d'anomalie."}
		return db.writeTransmission(tx, &t)
	})
	return pids, vids
}

// editRecords makes the day's changes on one laptop: patients' notes and
// phones, visits done, visits re-planned (order, nurse, time).
func editRecords(tb testing.TB, db *DB, pids, vids []xid.ID, nPatientEdits, nOutcomes, nReplans int) {
	tb.Helper()
	inBatches(tb, db, nPatientEdits, func(tx *bolt.Tx, i int) error {
		id := pids[i%len(pids)].Bytes()
		p, err := decodePatient(db, id, tx.Bucket(bucketPatients).Get(id))
		if err != nil {
			return err
		}
		p.Notes = fmt.Sprintf("Clés chez la voisine (%d)", i)
		p.Phones = append(p.Phones, patients.Phone{Label: "fille", Number: fmt.Sprintf("06 12 34 %02d %02d", i/100%100, i%100)})
		return db.putRecord(tx, bucketPatients, id, patientV, p)
	})
	visit := func(tx *bolt.Tx, id xid.ID) (patients.Visit, error) {
		return decode[patients.Visit](db, bucketVisits, id.Bytes(), tx.Bucket(bucketVisits).Get(id.Bytes()), visitV)
	}
	nurse := db.newID()
	inBatches(tb, db, nOutcomes, func(tx *bolt.Tx, i int) error {
		v, err := visit(tx, vids[i%len(vids)])
		if err != nil {
			return err
		}
		v.Status, v.DoneAt, v.DoneBy, v.ActualMin = patients.Done, v.Date.At(patients.Clock(7, i%60)).UTC(), nurse, 10+i%20
		_, err = db.writeVisit(tx, &v)
		return err
	})
	inBatches(tb, db, nReplans, func(tx *bolt.Tx, i int) error {
		v, err := visit(tx, vids[(i*7)%len(vids)])
		if err != nil {
			return err
		}
		v.Order, v.PlannedArrival, v.NurseID = 1+i%60, patients.Clock(7, i%60)+1, nurse
		_, err = db.writeVisit(tx, &v)
		return err
	})
}

// copyFile copies a closed database file.
func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}

func mustSyncTB(tb testing.TB, db *DB, dir string) cabinetsync.Report {
	tb.Helper()
	rep, err := db.Sync(ctx, dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rep.Refused {
		tb.Fatalf("refused %s: %v", r.File, r.Err)
	}
	return rep
}

// mergeOps is the number of operations the benchmark's three laptops make.
const mergeOps = 100_000

// BenchmarkMergeOps is a fourth laptop receiving 100,000 operations at once:
// two nurses created 1,000 patients each with their care plans, 10,000
// visits and 20,000 transmissions; a third, after reading them, edited
// every patient, marked every visit done and re-planned 14,000 visits.
// "read" decrypts and parses the bundles; "apply" merges the operations
// read into a fresh copy of the laptop's database, in one transaction;
// "sync" is the whole Sync a nurse waits for.
func BenchmarkMergeOps(b *testing.B) {
	dir := b.TempDir()
	stick := filepath.Join(dir, "stick")
	if err := os.Mkdir(stick, 0o700); err != nil {
		b.Fatal(err)
	}
	dbs := diskCabinet(b, dir, 4)
	a, bb, c, r := dbs[0], dbs[1], dbs[2], dbs[3]
	pa, va := createRecords(b, a, "A", 1000, 1500, 10000, 20000)
	mustSyncTB(b, a, stick)
	pb, vb := createRecords(b, bb, "B", 1000, 1500, 10000, 20000)
	mustSyncTB(b, bb, stick)
	mustSyncTB(b, c, stick)
	editRecords(b, c, append(pa, pb...), append(va, vb...), 2000, 20000, 14000)
	mustSyncTB(b, c, stick)
	var made uint64
	for _, db := range dbs[:3] {
		made += opSeq(b, db)
	}
	if made < mergeOps {
		b.Fatalf("the laptops made %d operations, want %d", made, mergeOps)
	}
	// The receiving laptop as it was before its sync, to copy for each round.
	template := filepath.Join(dir, "template.db")
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
	copyFile(b, r.path, template)
	work := filepath.Join(dir, "work.db")
	fresh := func() *DB {
		copyFile(b, template, work)
		db, err := openOnDisk(work, (&msClock{time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)}).now)
		if err != nil {
			b.Fatal(err)
		}
		return db
	}
	read := func(db *DB) ([]incoming, cabinetsync.Report) {
		var rep cabinetsync.Report
		key, err := db.cabinetKey(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var me xid.ID
		db.bolt.View(func(tx *bolt.Tx) error { me = replicaID(tx); return nil })
		ins, err := db.collect(ctx, key, filepath.Join(stick, replica.SyncDir), me, &rep, func(cabinetsync.Progress) {})
		if err != nil || len(rep.Refused) > 0 {
			b.Fatalf("read: %v %+v", err, rep.Refused)
		}
		return ins, rep
	}
	db := fresh()
	ins, _ := read(db)
	db.Close()
	total := 0
	for _, in := range ins {
		total += len(in.ops)
	}
	b.Logf("%d operations from %d laptops", total, len(ins))

	b.Run("read", func(b *testing.B) {
		db := fresh()
		defer db.Close()
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			read(db)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/mergeop")
		b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	})
	b.Run("apply", func(b *testing.B) {
		var cpu time.Duration
		var size int64 // of the file after the merge: bbolt writes what it grew by
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			db := fresh()
			b.StartTimer()
			cpu0 := processCPU()
			var rep cabinetsync.Report
			if err := db.applyAll(ctx, ins, stick, &rep, func(cabinetsync.Progress) {}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu += processCPU() - cpu0
			if rep.Ops != total {
				b.Fatalf("applied %d operations of %d", rep.Ops, total)
			}
			if fi, err := os.Stat(work); err == nil {
				size = fi.Size()
			}
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/mergeop")
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(size)/(1<<20), "db-MiB")
	})
	b.Run("sync", func(b *testing.B) {
		var cpu time.Duration
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			db := fresh()
			b.StartTimer()
			cpu0 := processCPU()
			rep, err := db.Sync(ctx, stick, nil)
			b.StopTimer()
			cpu += processCPU() - cpu0
			if err != nil || rep.Ops != total || len(rep.Refused) > 0 {
				b.Fatalf("sync: %v, %d operations of %d, refused %+v", err, rep.Ops, total, rep.Refused)
			}
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/mergeop")
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	})
}
