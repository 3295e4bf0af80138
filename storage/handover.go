package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/xid"

	bolt "go.etcd.io/bbolt"

	"tournee/handover"
	"tournee/patients"
	"tournee/storage/replica"
)

// ReturnImport counts what an imported return bundle added. Kept counts the
// outcomes changed here after the remplaçant's (they stay); SetAside lists,
// in French, what the return brought and was not allowed to change.
type ReturnImport struct {
	Transmissions, Visits int
	Kept                  int
	SetAside              []handover.SetAside
}

// ImportReturnChecked imports a return bundle in one transaction, checked
// against this base by handover.Return.Screen: only her transmissions about
// the patients she covered, during the period, and the outcome of the
// period's visits she was given; the rest is set aside and listed. A
// visit's outcome merges as a sync would: her stamp against the stamp of
// the outcome here, the later wins, and this base's clock moves past hers,
// so importing again — even after a correction here — changes nothing. A
// kill at any point leaves the base as before or fully imported.
func (db *DB) ImportReturnChecked(ctx context.Context, ret handover.Return) (ReturnImport, error) {
	var res ReturnImport
	err := db.update(ctx, func(tx *bolt.Tx) error {
		res = ReturnImport{}
		scope, err := db.returnScope(tx, ret)
		if err != nil {
			return err
		}
		plan, err := ret.Screen(scope)
		if err != nil {
			return err
		}
		res.Kept, res.SetAside = plan.Kept, plan.SetAside
		for i := range plan.Transmissions {
			if err := db.writeTransmission(tx, &plan.Transmissions[i]); err != nil {
				return err
			}
			res.Transmissions++
		}
		for _, o := range plan.Outcomes {
			c := db.clock(tx)
			c.Observe(replica.Stamp{Wall: o.At.Wall, Logical: o.At.Logical})
			if err := saveClock(tx, c); err != nil {
				return err
			}
			v := o.Visit
			if _, err := db.writeVisit(tx, &v); err != nil {
				return err
			}
			res.Visits++
		}
		if res.Transmissions+res.Visits == 0 {
			return nil
		}
		return db.audit(tx, "import", "return", ret.Remplacant.ID, res.Transmissions+res.Visits)
	})
	if err != nil {
		return ReturnImport{}, fmt.Errorf("import return of %s: %w", ret.Remplacant.ID, err)
	}
	return res, nil
}

// returnScope reads, in the import's transaction, what the base knows of
// what the return names.
func (db *DB) returnScope(tx *bolt.Tx, ret handover.Return) (handover.ReturnScope, error) {
	s := handover.ReturnScope{Visits: map[xid.ID]patients.Visit{}, Transmissions: map[xid.ID]patients.Transmission{},
		OutcomeStamps: map[xid.ID]handover.Stamp{}, Now: db.now()}
	raw := tx.Bucket(bucketCabinet).Get(keyCabinet)
	if raw == nil {
		return s, fmt.Errorf("cabinet: %w", patients.ErrNotFound)
	}
	var err error
	if s.Cabinet, err = decode[patients.Cabinet](db, bucketCabinet, keyCabinet, raw, cabinetV); err != nil {
		return s, err
	}
	err = tx.Bucket(bucketNurses).ForEach(func(k, v []byte) error {
		n, err := decode[patients.Nurse](db, bucketNurses, k, v, nurseV)
		s.Nurses = append(s.Nurses, n)
		return err
	})
	if err != nil {
		return s, err
	}
	err = tx.Bucket(bucketPatients).ForEach(func(k, v []byte) error {
		p, err := decodePatient(db, k, v)
		s.Patients = append(s.Patients, p)
		return err
	})
	if err != nil {
		return s, err
	}
	if ret.CheckPeriod() == nil {
		for d := ret.From; !d.After(ret.To); d = d.AddDays(1) {
			err := scanPrefix(tx, idxVisitsByDay, []byte(d.String()), false, func(k []byte) (bool, error) {
				v, err := getIndexed[patients.Visit](db, tx, bucketVisits, k, visitV)
				s.PeriodVisits = append(s.PeriodVisits, v)
				return true, err
			})
			if err != nil {
				return s, err
			}
		}
	}
	for _, v := range ret.Visits {
		raw := tx.Bucket(bucketVisits).Get(v.ID.Bytes())
		if raw == nil {
			continue
		}
		local, err := decode[patients.Visit](db, bucketVisits, v.ID.Bytes(), raw, visitV)
		if err != nil {
			return s, err
		}
		s.Visits[v.ID] = local
		m, err := db.recMeta(tx, bucketVisits, v.ID.Bytes())
		if err != nil {
			return s, err
		}
		at := m.Fields[outcomeField].At
		s.OutcomeStamps[v.ID] = handover.Stamp{Wall: at.Wall, Logical: at.Logical}
	}
	for _, t := range ret.Transmissions {
		for _, id := range []xid.ID{t.ID, t.Corrects} {
			raw := tx.Bucket(bucketTransmissions).Get(id.Bytes())
			if id.IsZero() || raw == nil {
				continue
			}
			local, err := decode[patients.Transmission](db, bucketTransmissions, id.Bytes(), raw, transmissionV)
			if err != nil {
				return s, err
			}
			s.Transmissions[id] = local
		}
	}
	return s, nil
}

// HandoverClock is this base's clock, for the pack: the remplaçant's base
// starts after it.
func (db *DB) HandoverClock(ctx context.Context) (handover.Stamp, error) {
	var s handover.Stamp
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := db.clock(tx)
		s = handover.Stamp{Wall: c.Last.Wall, Logical: c.Last.Logical}
		return nil
	})
	return s, err
}

// StartAfter moves this base's clock past a pack's: every change made here
// from now on is stamped after everything the pack holds. A stamp more than
// a day ahead of this laptop's clock is taken as that bound, so a tampered
// pack cannot push the clock years ahead.
func (db *DB) StartAfter(ctx context.Context, s handover.Stamp) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if limit := db.now().Add(24 * time.Hour).UnixMilli(); s.Wall > limit {
			s = handover.Stamp{Wall: limit}
		}
		c := db.clock(tx)
		c.Observe(replica.Stamp{Wall: s.Wall, Logical: s.Logical})
		return saveClock(tx, c)
	})
}

// OutcomeStamps returns, per visit, the stamp of its outcome's last change
// on this base (absent for a visit never stored).
func (db *DB) OutcomeStamps(ctx context.Context, ids []xid.ID) (map[xid.ID]handover.Stamp, error) {
	out := map[xid.ID]handover.Stamp{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, id := range ids {
			m, err := db.recMeta(tx, bucketVisits, id.Bytes())
			if err != nil {
				return err
			}
			if at := m.Fields[outcomeField].At; !at.IsZero() {
				out[id] = handover.Stamp{Wall: at.Wall, Logical: at.Logical}
			}
		}
		return nil
	})
	return out, err
}
