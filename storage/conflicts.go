package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rs/xid"
	bolt "go.etcd.io/bbolt"

	"tournee/cabinetsync"
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
	Found          time.Time       `json:"found"`
	Resolved       time.Time       `json:"resolved,omitzero"`
	Restored       bool            `json:"restored,omitempty"`
	ResolvedByNurs xid.ID          `json:"resolved_by,omitzero"`
}

var entityNames = map[string]string{
	string(bucketCabinet): "cabinet", string(bucketNurses): "nurse", string(bucketPatients): "patient",
	string(bucketCarePlans): "careplan", string(bucketVisits): "visit", string(bucketTransmissions): "transmission",
}

// Conflicts returns the conflicts not yet confirmed, oldest first.
func (db *DB) Conflicts(ctx context.Context) ([]cabinetsync.Conflict, error) {
	var out []cabinetsync.Conflict
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConflicts).ForEach(func(k, v []byte) error {
			c, err := decode[storedConflict](db, bucketConflicts, k, v, conflictV)
			if err != nil {
				return err
			}
			if !c.Resolved.IsZero() {
				return nil
			}
			out = append(out, cabinetsync.Conflict{ID: c.ID, Entity: entityNames[c.Entity], Record: recordName(c.Key),
				Label: db.label(tx, []byte(c.Entity), c.Key), Field: c.Field, Kept: display(c.Kept), Lost: display(c.Lost),
				KeptAt: c.KeptAt.Time(), LostAt: c.LostAt.Time(), KeptAuthor: c.KeptBy, LostAuthor: c.LostBy, Found: c.Found})
			return nil
		})
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
			return "plan de soins de " + patientName(c.PatientID)
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

// display renders a JSON value as text: a string as itself, true/false in
// French, an object as « clé : valeur » pairs, the rest as JSON.
func display(v json.RawMessage) string {
	if len(bytes.TrimSpace(v)) == 0 || string(bytes.TrimSpace(v)) == "null" {
		return "(vide)"
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if s == "" {
			return "(vide)"
		}
		return s
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		if b {
			return "oui"
		}
		return "non"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(v, &m) == nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+" : "+display(m[k]))
		}
		if len(parts) == 0 {
			return "(vide)"
		}
		return strings.Join(parts, ", ")
	}
	return string(bytes.TrimSpace(v))
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
