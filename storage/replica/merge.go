package replica

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

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

// MarshalJSON writes the merge state as encoding/json would, byte for
// byte, without reflection: a sync writes one per record it touches, and
// the reflective encoding (three xid marshalers a field) was the largest
// cost of merging 100,000 operations.
func (m Meta) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 16+len(m.Fields)*112)
	b = append(b, '{')
	if len(m.Fields) > 0 {
		b = append(b, `"f":{`...)
		for i, f := range slices.Sorted(maps.Keys(m.Fields)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f)
			st := m.Fields[f]
			b = append(b, `:{"at":`...)
			b = appendStamp(b, st.At)
			if !st.Base.IsZero() {
				b = append(b, `,"base":`...)
				b = appendStamp(b, st.Base)
			}
			if !st.By.IsZero() {
				b = append(b, `,"by":`...)
				b = appendXID(b, st.By)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if m.Deleted != nil {
		if len(m.Fields) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"del":`...)
		b = appendStamp(b, *m.Deleted)
	}
	return append(b, '}'), nil
}

func appendStamp(b []byte, s Stamp) []byte {
	b = append(b, `{"w":`...)
	b = strconv.AppendInt(b, s.Wall, 10)
	if s.Logical != 0 {
		b = append(b, `,"l":`...)
		b = strconv.AppendUint(b, uint64(s.Logical), 10)
	}
	b = append(b, `,"r":`...)
	b = appendXID(b, s.Replica)
	return append(b, '}')
}

func appendXID(b []byte, id xid.ID) []byte {
	if id.IsNil() {
		return append(b, "null"...)
	}
	var text [20]byte
	b = append(b, '"')
	b = append(b, id.Encode(text[:])...)
	return append(b, '"')
}

// appendJSONString writes s as a JSON string the way encoding/json does;
// field names are plain ASCII, anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Record is one record as the merge sees it: its top-level JSON fields and
// their merge state. Exists is false before any change reached it.
type Record struct {
	Fields map[string]json.RawMessage
	Meta   Meta
	Exists bool
	// Unions names the fields that are sets (JSON arrays) merged by union:
	// every element any laptop added stays, so two laptops adding at the
	// same time both keep theirs, and nothing is a conflict.
	Unions map[string]bool
}

// Loss is the losing side of two concurrent edits of a field.
type Loss struct {
	Field          string
	Kept, Lost     json.RawMessage
	KeptAt, LostAt Stamp
	KeptBy, LostBy xid.ID
	// LostBase is the stamp of the value the lost change replaced: a loss
	// whose own change was replaced by another lost one is no conflict.
	LostBase Stamp
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
		if rec.Unions[f] {
			if u := Union(cur, v); !Equal(u, cur) {
				changed = true
				setField(rec.Fields, f, u)
			}
			if op.At.Compare(st.At) > 0 {
				rec.Meta.Fields[f] = FieldState{At: op.At, Base: op.Base[f], By: op.Author}
			}
			continue
		}
		switch c := op.At.Compare(st.At); {
		case c == 0:
			continue // this very change is already here
		case c > 0:
			if !st.At.IsZero() && op.Base[f] != st.At && !Equal(cur, v) {
				losses = append(losses, Loss{Field: f, Kept: v, Lost: cur,
					KeptAt: op.At, LostAt: st.At, KeptBy: op.Author, LostBy: st.By, LostBase: st.Base})
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
					KeptAt: st.At, LostAt: op.At, KeptBy: st.By, LostBy: op.Author, LostBase: op.Base[f]})
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

// Object writes the fields back as one JSON object (keys sorted), as
// json.Marshal does. The values are written as they are when they already
// are in the form json.Marshal gives them (they come from it, through
// Fields and the bundles), which spares compacting each of them again.
func Object(fields map[string]json.RawMessage) ([]byte, error) {
	keys := make([]string, 0, len(fields))
	size := 2
	for k, v := range fields {
		if len(v) == 0 || !canonical(v) {
			return json.Marshal(fields)
		}
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	slices.Sort(keys)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = append(b, fields[k]...)
	}
	return append(b, '}'), nil
}

// canonical tells a JSON value json.Marshal would write unchanged: no
// space outside strings, and nothing inside them it escapes (<, >, &,
// U+2028, U+2029). The value is known to be valid JSON.
func canonical(v []byte) bool {
	in, esc := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case esc:
			esc = false
		case in:
			switch c {
			case '\\':
				esc = true
			case '"':
				in = false
			case '<', '>', '&':
				return false
			case 0xe2: // U+2028 and U+2029 are e2 80 a8 and e2 80 a9
				if i+2 < len(v) && v[i+1] == 0x80 && (v[i+2] == 0xa8 || v[i+2] == 0xa9) {
					return false
				}
			}
		case c == '"':
			in = true
		case c == ' ', c == '\t', c == '\n', c == '\r':
			return false
		}
	}
	return true
}

// Union merges two JSON arrays as sets: the elements of both, once each, in
// a fixed order (sorted by their JSON), so that every laptop writes the same
// bytes. A value that is not an array counts as empty.
func Union(a, b json.RawMessage) json.RawMessage {
	seen := map[string]bool{}
	var items []string
	for _, v := range []json.RawMessage{a, b} {
		var arr []json.RawMessage
		if isNull(v) || json.Unmarshal(v, &arr) != nil {
			continue
		}
		for _, it := range arr {
			k := string(bytes.TrimSpace(it))
			if !seen[k] {
				seen[k] = true
				items = append(items, k)
			}
		}
	}
	if len(items) == 0 {
		if isNull(a) && isNull(b) {
			return nil
		}
		return json.RawMessage("[]")
	}
	slices.Sort(items)
	out := []byte{'['}
	for i, it := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, it...)
	}
	return append(out, ']')
}
