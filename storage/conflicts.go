package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
	"tournee/french"
	"tournee/patients"
	"tournee/storage/replica"
)

// storedConflict is a conflict as kept in sync_conflicts. Confirmed ones
// stay, marked, so the losing value of a concurrent edit is never lost.
type storedConflict struct {
	ID             xid.ID          `json:"id"`
	Entity         string          `json:"entity"` // bucket
	Key            []byte          `json:"key"`
	Field          string          `json:"field"`
	Kept           json.RawMessage `json:"kept,omitempty"`
	Lost           json.RawMessage `json:"lost,omitempty"`
	KeptAt         replica.Stamp   `json:"kept_at"`
	LostAt         replica.Stamp   `json:"lost_at"`
	KeptBy         xid.ID          `json:"kept_by,omitzero"`
	LostBy         xid.ID          `json:"lost_by,omitzero"`
	LostBase       replica.Stamp   `json:"lost_base,omitzero"`
	Found          time.Time       `json:"found"`
	Resolved       time.Time       `json:"resolved,omitzero"`
	Restored       bool            `json:"restored,omitempty"`
	ResolvedByNurs xid.ID          `json:"resolved_by,omitzero"`
}

var entityNames = map[string]string{
	string(bucketCabinet): "cabinet", string(bucketNurses): "nurse", string(bucketPatients): "patient",
	string(bucketCarePlans): "careplan", string(bucketVisits): "visit", string(bucketTransmissions): "transmission",
}

// conflictID names the loss of one change of one field the same way on
// every laptop: the same conflict has the same id everywhere, and is listed
// once however many times it was met.
func conflictID(entity string, key []byte, field string, lost replica.Stamp) xid.ID {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%x\x00%s\x00%d\x00%d\x00", entity, key, field, lost.Wall, lost.Logical)
	h.Write(lost.Replica[:])
	var id xid.ID
	copy(id[:], h.Sum(nil))
	return id
}

// Conflicts returns the conflicts not yet confirmed, oldest change lost
// first. The list is a function of the merged state, the same on every
// laptop whatever the order the changes arrived in: the value kept is the
// one in force now, and a lost change that another change was made on top
// of (in force, or itself lost) is not listed.
func (db *DB) Conflicts(ctx context.Context) ([]cabinetsync.Conflict, error) {
	var out []cabinetsync.Conflict
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var all []storedConflict
		bases := map[string]map[replica.Stamp]bool{}
		err := tx.Bucket(bucketConflicts).ForEach(func(k, v []byte) error {
			c, err := decode[storedConflict](db, bucketConflicts, k, v, conflictV)
			if err != nil {
				return err
			}
			all = append(all, c)
			fk := c.Entity + "\x00" + string(c.Key) + "\x00" + c.Field
			if bases[fk] == nil {
				bases[fk] = map[replica.Stamp]bool{}
			}
			bases[fk][c.LostBase] = true
			return nil
		})
		if err != nil {
			return err
		}
		slices.SortFunc(all, func(a, b storedConflict) int {
			if c := a.LostAt.Compare(b.LostAt); c != 0 {
				return c
			}
			if c := strings.Compare(a.Entity, b.Entity); c != 0 {
				return c
			}
			if c := bytes.Compare(a.Key, b.Key); c != 0 {
				return c
			}
			return strings.Compare(a.Field, b.Field)
		})
		for _, c := range all {
			if !c.Resolved.IsZero() || bases[c.Entity+"\x00"+string(c.Key)+"\x00"+c.Field][c.LostAt] {
				continue
			}
			bucket := []byte(c.Entity)
			kept, keptAt, keptBy := c.Kept, c.KeptAt, c.KeptBy
			if isSynced(bucket) {
				m, err := db.recMeta(tx, bucket, c.Key)
				if err != nil {
					return err
				}
				st := m.Fields[c.Field]
				if st.Base == c.LostAt {
					continue // the change in force was made on top of it
				}
				if fields, err := db.storedFields(tx, bucket, c.Key); err == nil && fields != nil && !st.At.IsZero() {
					kept, keptAt, keptBy = group(bucket, fields)[c.Field], st.At, st.By
				}
			}
			out = append(out, cabinetsync.Conflict{ID: c.ID, Entity: entityNames[c.Entity], Record: recordName(c.Key),
				Label: db.label(tx, bucket, c.Key), Field: c.Field, Kept: display(kept, db.nurseName(tx)), Lost: display(c.Lost, db.nurseName(tx)),
				KeptAt: keptAt.Time(), LostAt: c.LostAt.Time(), KeptAuthor: keptBy, LostAuthor: c.LostBy, Found: c.Found})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	return out, nil
}

func recordName(key []byte) string {
	if id, err := xid.FromBytes(key); err == nil && len(key) == 12 {
		return id.String()
	}
	return string(key)
}

// label names the record for the nurse: the patient, the nurse, the care
// plan or visit with its patient.
func (db *DB) label(tx *bolt.Tx, bucket, key []byte) string {
	patientName := func(id xid.ID) string {
		raw := tx.Bucket(bucketPatients).Get(id.Bytes())
		if raw == nil {
			return "patient inconnu"
		}
		p, err := decodePatient(db, id.Bytes(), raw)
		if err != nil {
			return "patient illisible"
		}
		return p.DisplayName()
	}
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return "fiche supprimée"
	}
	switch string(bucket) {
	case string(bucketPatients):
		id, _ := xid.FromBytes(key)
		return patientName(id)
	case string(bucketNurses):
		if n, err := decode[patients.Nurse](db, bucket, key, raw, nurseV); err == nil {
			return n.FullName()
		}
	case string(bucketCarePlans):
		if c, err := decode[patients.CarePlan](db, bucket, key, raw, carePlanV); err == nil {
			return "plan de soins " + french.De(patientName(c.PatientID))
		}
	case string(bucketVisits):
		if v, err := decode[patients.Visit](db, bucket, key, raw, visitV); err == nil {
			return "visite du " + v.Date.String() + " chez " + patientName(v.PatientID)
		}
	case string(bucketCabinet):
		return "cabinet"
	}
	return string(bucket)
}

// display renders a JSON value as text for the nurse: a string as itself, a
// time as « 23/11/2026 8h12 », true/false in French, a list item by item, an
// object by its values (ids of nurses by their name; coordinates and
// technical keys left out).
func display(v json.RawMessage, name func(id xid.ID) (string, bool)) string {
	out := displayValue(v, name)
	if out == "" {
		return "(vide)"
	}
	return out
}

var keyOrder = map[string]int{"status": 1, "kind": 2, "label": 3, "number": 4, "name": 5, "line": 6,
	"complement": 7, "postal_code": 8, "city": 9, "from": 10, "to": 11}

var hiddenKeys = map[string]bool{"point": true, "source": true, "id": true, "care_plan_id": true}

func displayValue(v json.RawMessage, name func(id xid.ID) (string, bool)) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || string(t) == "null" {
		return ""
	}
	switch t[0] {
	case '"':
		var s string
		if json.Unmarshal(t, &s) != nil {
			return string(t)
		}
		if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
			p := tm.In(patients.Paris())
			return p.Format("02/01/2006 ") + strings.TrimPrefix(p.Format("15h04"), "0")
		}
		if id, err := xid.FromString(s); err == nil && len(s) == 20 {
			if n, ok := name(id); ok {
				return n
			}
		}
		return s
	case 't':
		return "oui"
	case 'f':
		return "non"
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(t, &items) != nil {
			return string(t)
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			if s := displayValue(it, name); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ; ")
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(t, &m) != nil {
			return string(t)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			if !hiddenKeys[k] {
				keys = append(keys, k)
			}
		}
		// Known keys in the order they are said (« 33 bd Jacquard, 62100
		// Calais »), the rest alphabetically.
		slices.SortFunc(keys, func(a, b string) int {
			ra, rb := keyOrder[a], keyOrder[b]
			if ra == 0 {
				ra = 100
			}
			if rb == 0 {
				rb = 100
			}
			if ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if s := displayValue(m[k], name); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return string(t)
}

// nurseName resolves a nurse's id inside a transaction.
func (db *DB) nurseName(tx *bolt.Tx) func(xid.ID) (string, bool) {
	return func(id xid.ID) (string, bool) {
		raw := tx.Bucket(bucketNurses).Get(id.Bytes())
		if raw == nil {
			return "", false
		}
		n, err := decode[patients.Nurse](db, bucketNurses, id.Bytes(), raw, nurseV)
		if err != nil {
			return "", false
		}
		return n.FullName(), true
	}
}

// ResolveConflict confirms a conflict. With restore, the value set aside is
// written back as a new change of this laptop (the next sync shares it);
// either way the conflict stays recorded, marked confirmed.
func (db *DB) ResolveConflict(ctx context.Context, id xid.ID, restore bool) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketConflicts).Get(id.Bytes())
		if raw == nil {
			return patients.ErrNotFound
		}
		c, err := decode[storedConflict](db, bucketConflicts, id.Bytes(), raw, conflictV)
		if err != nil {
			return err
		}
		if !c.Resolved.IsZero() {
			return nil
		}
		c.Resolved, c.Restored, c.ResolvedByNurs = db.now().UTC(), restore, db.actor(tx)
		if restore {
			if err := db.restoreField(tx, []byte(c.Entity), c.Key, c.Field, c.Lost); err != nil {
				return err
			}
		}
		if err := db.put(tx, bucketConflicts, c.ID.Bytes(), conflictV, c); err != nil {
			return err
		}
		return db.audit(tx, "resolve", "conflict", c.ID, 0)
	})
	if err != nil {
		return fmt.Errorf("resolve conflict %s: %w", id, err)
	}
	return nil
}

// restoreField writes one merged field of a record as a local change.
func (db *DB) restoreField(tx *bolt.Tx, bucket, key []byte, field string, value json.RawMessage) error {
	stored, err := db.storedFields(tx, bucket, key)
	if err != nil {
		return err
	}
	if stored == nil {
		return fmt.Errorf("restore %s of a deleted record: %w", field, patients.ErrNotFound)
	}
	fields := group(bucket, stored)
	if len(bytes.TrimSpace(value)) == 0 {
		value = json.RawMessage("null")
	}
	fields[field] = value
	raw, err := replica.Object(ungroup(bucket, fields, stored))
	if err != nil {
		return err
	}
	if err := unindex(db, tx, bucket, key); err != nil {
		return err
	}
	if err := db.putRecord(tx, bucket, key, recordVersions[string(bucket)], json.RawMessage(raw)); err != nil {
		return err
	}
	return reindex(db, tx, bucket, key)
}
