package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"tournee/patients"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"
)

var _ patients.Store = (*DB)(nil)

// view and update check the context first: a cancelled UI command must not
// start a transaction.
func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := db.bolt.Update(fn)
	if errors.Is(err, ErrReadOnly) {
		// The domain's word for it, so every caller can say it in French.
		return fmt.Errorf("%w: %w", patients.ErrReadOnly, err)
	}
	return err
}

// actor is the nurse using this laptop, read inside the writing
// transaction so the audit entry and the cabinet it names are consistent.
func (db *DB) actor(tx *bolt.Tx) xid.ID {
	raw := tx.Bucket(bucketCabinet).Get(keyCabinet)
	if raw == nil {
		return xid.NilID()
	}
	return db.lastActor.of(raw, func() xid.ID {
		c, err := decode[patients.Cabinet](db, bucketCabinet, keyCabinet, raw, cabinetV)
		if err != nil {
			return xid.NilID()
		}
		return c.CurrentNurse
	})
}

// actorMemo keeps the nurse of the last sealed cabinet record read: every
// operation logged names its author, and saving a day is a hundred
// operations, each of which decrypted and decoded the cabinet again (a
// tenth of a round screen's reload). The sealed bytes change with every
// write of the cabinet (a new nonce), so equal bytes are the same record.
type actorMemo struct {
	mu  sync.Mutex
	raw []byte
	id  xid.ID
}

// of returns the nurse of the sealed cabinet raw, from decode when raw is
// not the record last seen.
func (m *actorMemo) of(raw []byte, decode func() xid.ID) xid.ID {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.raw != nil && bytes.Equal(m.raw, raw) {
		return m.id
	}
	m.id = decode()
	m.raw = bytes.Clone(raw)
	return m.id
}

// audit appends who did what to which record, never the content.
func (db *DB) audit(tx *bolt.Tx, action, entity string, id xid.ID, count int) error {
	e := patients.AuditEntry{ID: db.newID(), At: db.now().UTC(), Actor: db.actor(tx),
		Action: action, Entity: entity, RecordID: id, Count: count}
	return db.put(tx, bucketAudit, e.ID.Bytes(), auditV, e)
}

func (db *DB) exists(tx *bolt.Tx, bucket []byte, id xid.ID) bool {
	return tx.Bucket(bucket).Get(id.Bytes()) != nil
}

// Cabinet returns the practice; ErrNotFound before init.
func (db *DB) Cabinet(ctx context.Context) (patients.Cabinet, error) {
	var c patients.Cabinet
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketCabinet).Get(keyCabinet)
		if raw == nil {
			return patients.ErrNotFound
		}
		var err error
		c, err = decode[patients.Cabinet](db, bucketCabinet, keyCabinet, raw, cabinetV)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("load cabinet: %w", err)
	}
	return c, nil
}

// SaveCabinet writes the practice record.
func (db *DB) SaveCabinet(ctx context.Context, c patients.Cabinet) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.ID.IsZero() {
		c.ID = db.newID()
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if err := db.putRecord(tx, bucketCabinet, keyCabinet, cabinetV, c); err != nil {
			return err
		}
		return db.audit(tx, "update", "cabinet", c.ID, 0)
	})
}

// Nurses returns every nurse, in creation order.
func (db *DB) Nurses(ctx context.Context) ([]patients.Nurse, error) {
	return all[patients.Nurse](ctx, db, bucketNurses, nurseV)
}

// Nurse returns one nurse.
func (db *DB) Nurse(ctx context.Context, id xid.ID) (patients.Nurse, error) {
	return one[patients.Nurse](ctx, db, bucketNurses, id, nurseV)
}

// SaveNurse creates or replaces a nurse. Warnings (an RPPS check digit) are
// the caller's to show; they do not block the save.
func (db *DB) SaveNurse(ctx context.Context, n *patients.Nurse) error {
	if _, err := n.Validate(); err != nil {
		return err
	}
	fresh := n.ID.IsZero()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		action := "update"
		if n.ID.IsZero() {
			n.ID, action = db.newID(), "create"
		}
		if err := db.putRecord(tx, bucketNurses, n.ID.Bytes(), nurseV, n); err != nil {
			return err
		}
		return db.audit(tx, action, "nurse", n.ID, 0)
	})
	if err != nil && fresh {
		n.ID = xid.NilID() // nothing was stored: a retry must create again
	}
	return err
}

// Patients returns the patients sorted by name (accent- and case-blind).
func (db *DB) Patients(ctx context.Context, f patients.PatientFilter) ([]patients.Patient, error) {
	var out []patients.Patient
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPatients).ForEach(func(k, v []byte) error {
			p, err := decodePatient(db, k, v)
			if err != nil {
				return err
			}
			if (p.Archived && !f.IncludeArchived) || (!f.Nurse.IsZero() && p.PrimaryNurse != f.Nurse) {
				return nil
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list patients: %w", err)
	}
	// Fold each name once, not once per comparison: with 2,000 patients
	// that was a third of the time of opening the interface.
	keys := make(map[xid.ID]string, len(out))
	for _, p := range out {
		keys[p.ID] = patients.Fold(p.DisplayName())
	}
	slices.SortStableFunc(out, func(a, b patients.Patient) int {
		return strings.Compare(keys[a.ID], keys[b.ID])
	})
	return out, nil
}

// Patient returns one patient.
func (db *DB) Patient(ctx context.Context, id xid.ID) (patients.Patient, error) {
	var p patients.Patient
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketPatients).Get(id.Bytes())
		if raw == nil {
			return patients.ErrNotFound
		}
		var err error
		p, err = decodePatient(db, id.Bytes(), raw)
		return err
	})
	if err != nil {
		return p, fmt.Errorf("load patient %s: %w", id, err)
	}
	return p, nil
}

// SavePatient creates (zero ID) or replaces a patient.
func (db *DB) SavePatient(ctx context.Context, p *patients.Patient) error {
	if err := p.Validate(); err != nil {
		return err
	}
	fresh := p.ID.IsZero()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		action := "update"
		if p.ID.IsZero() {
			p.ID, action = db.newID(), "create"
		} else if !db.exists(tx, bucketPatients, p.ID) {
			return fmt.Errorf("save patient %s: %w", p.ID, patients.ErrNotFound)
		}
		if err := db.putRecord(tx, bucketPatients, p.ID.Bytes(), patientV, p); err != nil {
			return err
		}
		return db.audit(tx, action, "patient", p.ID, 0)
	})
	if err != nil && fresh {
		p.ID = xid.NilID() // nothing was stored: a retry must create again
	}
	return err
}

// ImportPatients saves every patient in one transaction: all or nothing.
func (db *DB) ImportPatients(ctx context.Context, ps []patients.Patient) error {
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			return fmt.Errorf("patient %d (%s): %w", i+1, ps[i].DisplayName(), err)
		}
	}
	ids := make([]xid.ID, len(ps))
	err := db.update(ctx, func(tx *bolt.Tx) error {
		for i := range ps {
			p := ps[i]
			if p.ID.IsZero() {
				p.ID = db.newID()
			}
			ids[i] = p.ID
			if err := db.putRecord(tx, bucketPatients, p.ID.Bytes(), patientV, p); err != nil {
				return err
			}
		}
		return db.audit(tx, "import", "patient", xid.NilID(), len(ps))
	})
	if err != nil {
		return fmt.Errorf("import patients: %w", err)
	}
	for i := range ps {
		ps[i].ID = ids[i]
	}
	return nil
}

// CarePlans returns one patient's plans, or all plans for a zero id.
func (db *DB) CarePlans(ctx context.Context, patientID xid.ID) ([]patients.CarePlan, error) {
	if patientID.IsZero() {
		return all[patients.CarePlan](ctx, db, bucketCarePlans, carePlanV)
	}
	var out []patients.CarePlan
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scanPrefix(tx, idxCarePlansByPatient, patientID.Bytes(), false, func(k []byte) (bool, error) {
			c, err := getIndexed[patients.CarePlan](db, tx, bucketCarePlans, k, carePlanV)
			out = append(out, c)
			return true, err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list care plans of %s: %w", patientID, err)
	}
	return out, nil
}

// SaveCarePlan creates or replaces a care plan; its patient must exist.
func (db *DB) SaveCarePlan(ctx context.Context, c *patients.CarePlan) error {
	if err := c.Validate(); err != nil {
		return err
	}
	fresh := c.ID.IsZero()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		action, err := db.writeCarePlan(tx, c)
		if err != nil {
			return err
		}
		return db.audit(tx, action, "careplan", c.ID, 0)
	})
	if err != nil && fresh {
		c.ID = xid.NilID() // nothing was stored: a retry must create again
	}
	return err
}

// Visits returns the visits of a day, by round then planned order then window.
func (db *DB) Visits(ctx context.Context, d patients.Date) ([]patients.Visit, error) {
	var out []patients.Visit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scanPrefix(tx, idxVisitsByDay, []byte(d.String()), false, func(k []byte) (bool, error) {
			v, err := getIndexed[patients.Visit](db, tx, bucketVisits, k, visitV)
			out = append(out, v)
			return true, err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list visits of %s: %w", d, err)
	}
	slices.SortStableFunc(out, compareVisits)
	return out, nil
}

// VisitDays returns the days from `from` on that have stored visits: the
// day index is walked from its first key of that day, one seek per day.
func (db *DB) VisitDays(ctx context.Context, from patients.Date) ([]patients.Date, error) {
	var out []patients.Date
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(idxVisitsByDay).Cursor()
		const dayLen = len("2006-01-02")
		for k, _ := c.Seek([]byte(from.String())); k != nil; {
			if len(k) < dayLen {
				return fmt.Errorf("visit day index: short key")
			}
			d, err := patients.ParseDate(string(k[:dayLen]))
			if err != nil {
				return fmt.Errorf("visit day index: %w", err)
			}
			out = append(out, d)
			// The next day: past every key of this one.
			k, _ = c.Seek(append([]byte(d.String()), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list visit days: %w", err)
	}
	return out, nil
}

func compareVisits(a, b patients.Visit) int {
	ra, rb := slices.Index(patients.Rounds(), a.Round), slices.Index(patients.Rounds(), b.Round)
	switch {
	case ra != rb:
		return ra - rb
	case a.Order != b.Order:
		return a.Order - b.Order
	case a.Window.Start != b.Window.Start:
		return int(a.Window.Start - b.Window.Start)
	}
	return a.ID.Compare(b.ID)
}

// VisitsOfPatient returns a patient's visits, newest day first.
func (db *DB) VisitsOfPatient(ctx context.Context, patientID xid.ID, limit int) ([]patients.Visit, error) {
	var out []patients.Visit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scanPrefix(tx, idxVisitsByPatient, patientID.Bytes(), true, func(k []byte) (bool, error) {
			v, err := getIndexed[patients.Visit](db, tx, bucketVisits, k, visitV)
			out = append(out, v)
			return limit == 0 || len(out) < limit, err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list visits of patient %s: %w", patientID, err)
	}
	return out, nil
}

// SaveVisits writes visits (new or changed) and their indexes in one action.
func (db *DB) SaveVisits(ctx context.Context, vs []patients.Visit) error {
	for _, v := range vs {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	ids := make([]xid.ID, len(vs))
	err := db.update(ctx, func(tx *bolt.Tx) error {
		for i := range vs {
			v := vs[i]
			action, err := db.writeVisit(tx, &v)
			if err != nil {
				return err
			}
			ids[i] = v.ID
			if err := db.audit(tx, action, "visit", v.ID, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save visits: %w", err)
	}
	for i := range vs {
		vs[i].ID = ids[i]
	}
	return nil
}

// Transmissions returns a patient's transmissions, newest first.
func (db *DB) Transmissions(ctx context.Context, patientID xid.ID, limit int) ([]patients.Transmission, error) {
	var out []patients.Transmission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scanPrefix(tx, idxTransByPatient, patientID.Bytes(), true, func(k []byte) (bool, error) {
			t, err := getIndexed[patients.Transmission](db, tx, bucketTransmissions, k, transmissionV)
			out = append(out, t)
			return limit == 0 || len(out) < limit, err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list transmissions of %s: %w", patientID, err)
	}
	return out, nil
}

// AddTransmission appends a transmission. Transmissions are never rewritten:
// an existing id is ErrConflict, and a correction must name an existing one.
func (db *DB) AddTransmission(ctx context.Context, t *patients.Transmission) error {
	if t.At.IsZero() {
		t.At = db.now()
	}
	if err := t.Validate(); err != nil {
		return err
	}
	fresh := t.ID.IsZero()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if t.AuthorID.IsZero() {
			t.AuthorID = db.actor(tx)
		}
		if err := db.writeTransmission(tx, t); err != nil {
			return err
		}
		return db.audit(tx, "create", "transmission", t.ID, 0)
	})
	if err != nil && fresh {
		t.ID = xid.NilID() // nothing was stored: a retry must create again
	}
	return err
}

// Audit returns the newest entries first.
func (db *DB) Audit(ctx context.Context, limit int) ([]patients.AuditEntry, error) {
	var out []patients.AuditEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil && (limit == 0 || len(out) < limit); k, v = c.Prev() {
			e, err := decode[patients.AuditEntry](db, bucketAudit, k, v, auditV)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Seed writes a whole dataset in one transaction. Records keep their ids;
// zero ids are assigned.
func (db *DB) Seed(ctx context.Context, d patients.Dataset) error {
	if err := d.Cabinet.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if d.Cabinet.ID.IsZero() {
			d.Cabinet.ID = db.newID()
		}
		if err := db.putRecord(tx, bucketCabinet, keyCabinet, cabinetV, d.Cabinet); err != nil {
			return err
		}
		for _, n := range d.Nurses {
			assignID(db, &n.ID)
			if _, err := n.Validate(); err != nil {
				return fmt.Errorf("nurse %s: %w", n.FullName(), err)
			}
			if err := db.putRecord(tx, bucketNurses, n.ID.Bytes(), nurseV, n); err != nil {
				return err
			}
		}
		for _, p := range d.Patients {
			assignID(db, &p.ID)
			if err := p.Validate(); err != nil {
				return fmt.Errorf("patient %s: %w", p.ID, err)
			}
			if err := db.putRecord(tx, bucketPatients, p.ID.Bytes(), patientV, p); err != nil {
				return err
			}
		}
		for _, c := range d.CarePlans {
			if err := c.Validate(); err != nil {
				return fmt.Errorf("care plan %s: %w", c.ID, err)
			}
			if _, err := db.writeCarePlan(tx, &c); err != nil {
				return err
			}
		}
		for _, v := range d.Visits {
			if err := v.Validate(); err != nil {
				return fmt.Errorf("visit %s: %w", v.ID, err)
			}
			if _, err := db.writeVisit(tx, &v); err != nil {
				return err
			}
		}
		for _, t := range d.Transmissions {
			if err := t.Validate(); err != nil {
				return fmt.Errorf("transmission %s: %w", t.ID, err)
			}
			if err := db.writeTransmission(tx, &t); err != nil {
				return err
			}
		}
		return db.audit(tx, "seed", "dataset", d.Cabinet.ID,
			len(d.Nurses)+len(d.Patients)+len(d.CarePlans)+len(d.Visits)+len(d.Transmissions))
	})
}

// assignID gives a record without an id a fresh one.
func assignID(db *DB, id *xid.ID) {
	if id.IsZero() {
		*id = db.newID()
	}
}

// all decodes every record of a bucket, in key (creation) order.
func all[T any](ctx context.Context, db *DB, bucket []byte, version int) ([]T, error) {
	var out []T
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			r, err := decode[T](db, bucket, k, v, version)
			out = append(out, r)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", bucket, err)
	}
	return out, nil
}

func one[T any](ctx context.Context, db *DB, bucket []byte, id xid.ID, version int) (T, error) {
	var r T
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucket).Get(id.Bytes())
		if raw == nil {
			return patients.ErrNotFound
		}
		var err error
		r, err = decode[T](db, bucket, id.Bytes(), raw, version)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("load %s %s: %w", bucket, id, err)
	}
	return r, nil
}

// getIndexed follows an index key to its record; a dangling index entry is
// corruption, not a missing record.
func getIndexed[T any](db *DB, tx *bolt.Tx, bucket, indexKey []byte, version int) (T, error) {
	var zero T
	id, err := idFromIndexKey(indexKey)
	if err != nil {
		return zero, fmt.Errorf("%w: index key %x", ErrCorrupt, indexKey)
	}
	raw := tx.Bucket(bucket).Get(id.Bytes())
	if raw == nil {
		return zero, fmt.Errorf("%w: index points to missing %s/%s", ErrCorrupt, bucket, id)
	}
	return decode[T](db, bucket, id.Bytes(), raw, version)
}
