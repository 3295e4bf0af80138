package replica

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/rs/xid"
)

// Op is one change of one record, as recorded by the laptop that made it and
// replayed by the others.
type Op struct {
	Seq    uint64 `json:"seq"` // 1, 2, … per replica, without gaps
	At     Stamp  `json:"at"`
	Author xid.ID `json:"by,omitzero"` // the nurse
	Entity string `json:"e"`           // storage bucket
	Key    []byte `json:"k"`           // record key
	V      int    `json:"v,omitempty"` // record version the fields follow
	// Set holds the top-level fields that changed, with their new JSON value;
	// null means the field was emptied.
	Set map[string]json.RawMessage `json:"set,omitempty"`
	// Base is, per field, the stamp of the value this change replaced on the
	// writer's laptop: a receiver whose value has another stamp knows the two
	// changes were concurrent.
	Base map[string]Stamp `json:"base,omitempty"`
	// Delete makes the record a tombstone: it stays deleted everywhere.
	Delete bool `json:"del,omitempty"`
	// Append marks a record that is written once and never changed
	// (transmissions): a second copy is ignored, never merged.
	Append bool `json:"app,omitempty"`
}

// FieldState is what a replica remembers about the value of one field: which
// change set it, which value that change replaced, and who made it.
type FieldState struct {
	At   Stamp  `json:"at"`
	Base Stamp  `json:"base,omitzero"`
	By   xid.ID `json:"by,omitzero"`
}

// Meta is the merge state of one record.
type Meta struct {
	Fields  map[string]FieldState `json:"f,omitempty"`
	Deleted *Stamp                `json:"del,omitempty"`
}

// Record is one record as the merge sees it: its top-level JSON fields and
// their merge state. Exists is false before any change reached it.
type Record struct {
	Fields map[string]json.RawMessage
	Meta   Meta
	Exists bool
}

// Loss is the losing side of two concurrent edits of a field.
type Loss struct {
	Field          string
	Kept, Lost     json.RawMessage
	KeptAt, LostAt Stamp
	KeptBy, LostBy xid.ID
}

// Fields splits a JSON object into its top-level fields.
func Fields(object []byte) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(object) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(object, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		if isNull(v) {
			delete(m, k)
		}
	}
	return m, nil
}

// Diff returns the fields of next that differ from prev, and null for those
// prev had and next has not (a field left empty by omitempty).
func Diff(prev, next map[string]json.RawMessage) map[string]json.RawMessage {
	set := map[string]json.RawMessage{}
	for k, v := range next {
		if !Equal(prev[k], v) {
			set[k] = v
		}
	}
	for k := range prev {
		if _, ok := next[k]; !ok {
			set[k] = json.RawMessage("null")
		}
	}
	return set
}

// Equal compares two JSON values as written by encoding/json (a missing
// value and null are equal).
func Equal(a, b json.RawMessage) bool {
	if isNull(a) || isNull(b) {
		return isNull(a) && isNull(b)
	}
	return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
}

func isNull(v json.RawMessage) bool {
	t := bytes.TrimSpace(v)
	return len(t) == 0 || string(t) == "null"
}

// Local records in rec a change made on this laptop and returns the Base
// stamps the operation must carry.
func (rec *Record) Local(op Op) map[string]Stamp {
	if op.Delete {
		at := op.At
		rec.Meta.Deleted = &at
		return nil
	}
	base := map[string]Stamp{}
	if rec.Meta.Fields == nil {
		rec.Meta.Fields = map[string]FieldState{}
	}
	if rec.Fields == nil {
		rec.Fields = map[string]json.RawMessage{}
	}
	for f, v := range op.Set {
		if prev := rec.Meta.Fields[f].At; !prev.IsZero() {
			base[f] = prev
		}
		rec.Meta.Fields[f] = FieldState{At: op.At, Base: base[f], By: op.Author}
		setField(rec.Fields, f, v)
	}
	rec.Exists = true
	return base
}

// Apply merges an operation from another replica into rec. The result does
// not depend on the order operations arrive in: per field, the change with
// the greatest stamp wins; a tombstone wins over everything; an append-only
// record keeps its first copy (all copies are equal). It reports whether the
// visible record changed, and the losers of concurrent edits of a field
// whose values differ.
func (rec *Record) Apply(op Op) (changed bool, losses []Loss) {
	if rec.Meta.Deleted != nil {
		return false, nil
	}
	if op.Delete {
		at := op.At
		rec.Meta.Deleted = &at
		return rec.Exists, nil
	}
	if rec.Fields == nil {
		rec.Fields = map[string]json.RawMessage{}
	}
	if rec.Meta.Fields == nil {
		rec.Meta.Fields = map[string]FieldState{}
	}
	if op.Append {
		if rec.Exists {
			return false, nil
		}
		for f, v := range op.Set {
			setField(rec.Fields, f, v)
			rec.Meta.Fields[f] = FieldState{At: op.At, By: op.Author}
		}
		rec.Exists = true
		return true, nil
	}
	// Sorted so that the losses come out in a stable order.
	for _, f := range slices.Sorted(maps.Keys(op.Set)) {
		v := op.Set[f]
		st := rec.Meta.Fields[f]
		cur := rec.Fields[f]
		switch c := op.At.Compare(st.At); {
		case c == 0:
			continue // this very change is already here
		case c > 0:
			if !st.At.IsZero() && op.Base[f] != st.At && !Equal(cur, v) {
				losses = append(losses, Loss{Field: f, Kept: v, Lost: cur,
					KeptAt: op.At, LostAt: st.At, KeptBy: op.Author, LostBy: st.By})
			}
			if !Equal(cur, v) {
				changed = true
			}
			setField(rec.Fields, f, v)
			rec.Meta.Fields[f] = FieldState{At: op.At, Base: op.Base[f], By: op.Author}
		default:
			// An older change: the value here stays. It was concurrent
			// unless the change in force was made on top of it.
			if st.Base != op.At && !Equal(cur, v) {
				losses = append(losses, Loss{Field: f, Kept: cur, Lost: v,
					KeptAt: st.At, LostAt: op.At, KeptBy: st.By, LostBy: op.Author})
			}
		}
	}
	if !rec.Exists && len(op.Set) > 0 {
		rec.Exists, changed = true, true
	}
	return changed, losses
}

func setField(m map[string]json.RawMessage, f string, v json.RawMessage) {
	if isNull(v) {
		delete(m, f)
		return
	}
	m[f] = v
}

// Object writes the fields back as one JSON object (keys sorted).
func Object(fields map[string]json.RawMessage) ([]byte, error) {
	return json.Marshal(fields)
}
