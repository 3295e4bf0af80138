package replica

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/rs/xid"
)

// Meta's hand-written encoding is byte for byte encoding/json's: the stored
// merge states keep one form whichever wrote them.
func TestMetaMarshalMatchesEncodingJSON(t *testing.T) {
	type reflective Meta // the same fields and tags, without the method
	rng := rand.New(rand.NewPCG(3, 4))
	ids := []xid.ID{xid.NilID(), xid.New(), xid.New()}
	names := []string{"notes", "id", "outcome", "used_name", "a<b&c>", `q"uote`, `back\slash`, "é", "tab\t", "", "z"}
	stamp := func() Stamp {
		s := Stamp{Replica: ids[rng.IntN(len(ids))]}
		if rng.IntN(4) > 0 {
			s.Wall = rng.Int64N(1 << 42)
		}
		if rng.IntN(3) == 0 {
			s.Logical = rng.Uint32()
		}
		return s
	}
	for run := range 2000 {
		var m Meta
		switch rng.IntN(4) {
		case 0: // nil map
		case 1:
			m.Fields = map[string]FieldState{}
		default:
			m.Fields = map[string]FieldState{}
			for range 1 + rng.IntN(len(names)) {
				st := FieldState{At: stamp(), By: ids[rng.IntN(len(ids))]}
				if rng.IntN(2) == 0 {
					st.Base = stamp()
				}
				m.Fields[names[rng.IntN(len(names))]] = st
			}
		}
		if rng.IntN(3) == 0 {
			d := stamp()
			m.Deleted = &d
		}
		want, err := json.Marshal(reflective(m))
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("run %d:\n got %s\nwant %s", run, got, want)
		}
		if via, _ := json.Marshal(m); string(via) != string(want) {
			t.Fatalf("run %d through json.Marshal:\n got %s\nwant %s", run, via, want)
		}
		var back Meta
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
}

// Object writes what json.Marshal writes, whatever the values hold.
func TestObjectMatchesEncodingJSON(t *testing.T) {
	values := []string{`"Patient calme, TA 13/8"`, `"a<b"`, `"x & y"`, `"\"quoted\" > not"`, `"back\\slash \" <"`,
		`"line\u2028sep"`, "\"raw \u2028 sep\"", "\"raw \u2029\"", `"é ü"`, `12`, `-3.5e2`, `true`, `null`,
		`{"a":1,"b":[1,2]}`, `{ "a" : 1 }`, "[1,\n2]", `[]`, `{}`, `"\\"`, `"tab\there"`, `""`}
	keys := []string{"notes", "a<b", `q"`, "é", "phones", "outcome", ""}
	rng := rand.New(rand.NewPCG(5, 6))
	for run := range 3000 {
		fields := map[string]json.RawMessage{}
		for range rng.IntN(len(keys) + 1) {
			fields[keys[rng.IntN(len(keys))]] = json.RawMessage(values[rng.IntN(len(values))])
		}
		want, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Object(fields)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("run %d %q:\n got %s\nwant %s", run, fields, got, want)
		}
	}
}
