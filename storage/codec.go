package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"tournee/patients"
	"tournee/storage/replica"

	bolt "go.etcd.io/bbolt"
)

// envelope is the versioned form of every sealed value (style.md §3).
type envelope struct {
	V    int             `json:"v"`
	Data json.RawMessage `json:"data"`
	// binary: Data is a merge state in its binary form (sync_records),
	// which has its own version byte and no JSON envelope; meta is it,
	// decoded when checked.
	binary bool
	meta   replica.Meta
}

// Current record versions. Decoders accept every version ever written.
const (
	patientV      = 2 // v1 had a single last_name; v2 splits birth and used names
	nurseV        = 1
	cabinetV      = 1
	carePlanV     = 1
	visitV        = 1
	transmissionV = 1
	auditV        = 1
	dmpExportV    = 1
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// put seals and stores one record in the top-level bucket name.
func (db *DB) put(tx *bolt.Tx, name, key []byte, version int, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", name, err)
	}
	sealed, err := db.seal.seal(name, key, joinEnvelope(version, raw))
	if err != nil {
		return err
	}
	return tx.Bucket(name).Put(key, sealed)
}

// joinEnvelope writes {"v":version,"data":raw}, the bytes json.Marshal
// makes of the envelope, without parsing raw again: it comes from
// json.Marshal, already compact and escaped.
func joinEnvelope(version int, raw []byte) []byte {
	plain := make([]byte, 0, len(raw)+24)
	plain = append(plain, `{"v":`...)
	plain = strconv.AppendInt(plain, int64(version), 10)
	plain = append(plain, `,"data":`...)
	plain = append(plain, raw...)
	return append(plain, '}')
}

// open unseals a value into its envelope. Failure after the verifier opened
// means the bytes were damaged or moved: ErrCorrupt.
func (db *DB) open(bucket, key, sealed []byte) (envelope, error) {
	plain, err := db.seal.open(bucket, key, sealed)
	if err != nil {
		return envelope{}, fmt.Errorf("%w: record %s/%x does not authenticate", ErrCorrupt, bucket, key)
	}
	if bytes.Equal(bucket, bucketSyncState) && len(plain) > 0 && plain[0] == replica.MetaBinaryV {
		// Checked here so that Verify, which opens every value, reads it.
		var m replica.Meta
		if err := m.UnmarshalBinary(plain); err != nil {
			return envelope{}, fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
		}
		return envelope{Data: plain, binary: true, meta: m}, nil
	}
	if env, ok := splitEnvelope(plain); ok {
		return env, nil
	}
	var env envelope
	if err := json.Unmarshal(plain, &env); err != nil {
		return envelope{}, fmt.Errorf("%w: record %s/%x is not a valid envelope", ErrCorrupt, bucket, key)
	}
	return env, nil
}

// splitEnvelope reads the envelope put writes, {"v":N,"data":…}, without
// parsing it as JSON: the data is then parsed once, by its decoder, instead
// of three times (checked whole, copied out, checked again). The bytes come
// from this program's own writer (they authenticated), so that form is the
// only one met; anything else takes the JSON path. The data is not checked
// here: its decoder does, and Verify does for the values it only opens.
func splitEnvelope(plain []byte) (envelope, bool) {
	const head, mid = `{"v":`, `,"data":`
	rest, ok := bytes.CutPrefix(plain, []byte(head))
	if !ok {
		return envelope{}, false
	}
	v, n := 0, 0
	for n < len(rest) && n < 9 && rest[n] >= '0' && rest[n] <= '9' {
		v = v*10 + int(rest[n]-'0')
		n++
	}
	if n == 0 {
		return envelope{}, false
	}
	data, ok := bytes.CutPrefix(rest[n:], []byte(mid))
	if !ok || len(data) < 2 || data[len(data)-1] != '}' {
		return envelope{}, false
	}
	return envelope{V: v, Data: data[:len(data)-1]}, true
}

// decode unseals and decodes a record whose every version shares one JSON
// shape; entities whose shape changed have their own decoder.
func decode[T any](db *DB, bucket, key, sealed []byte, current int) (T, error) {
	var out T
	env, err := db.open(bucket, key, sealed)
	if err != nil {
		return out, err
	}
	if env.V < 1 || env.V > current {
		return out, fmt.Errorf("%w: record %s/%x has version %d", ErrTooNew, bucket, key, env.V)
	}
	if err := json.Unmarshal(env.Data, &out); err != nil {
		return out, fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
	}
	return out, nil
}

// decodePatient reads every patient version ever written.
func decodePatient(db *DB, key, sealed []byte) (patients.Patient, error) {
	env, err := db.open(bucketPatients, key, sealed)
	if err != nil {
		return patients.Patient{}, err
	}
	var p patients.Patient
	switch env.V {
	case 1:
		var v1 struct {
			LastName string `json:"last_name"`
		}
		if err := json.Unmarshal(env.Data, &v1); err != nil {
			return p, fmt.Errorf("%w: patient %x: %v", ErrCorrupt, key, err)
		}
		if err := json.Unmarshal(env.Data, &p); err != nil {
			return p, fmt.Errorf("%w: patient %x: %v", ErrCorrupt, key, err)
		}
		p.BirthName = v1.LastName
	case patientV:
		if err := json.Unmarshal(env.Data, &p); err != nil {
			return p, fmt.Errorf("%w: patient %x: %v", ErrCorrupt, key, err)
		}
	default:
		return p, fmt.Errorf("%w: patient %x has version %d", ErrTooNew, key, env.V)
	}
	return p, nil
}
