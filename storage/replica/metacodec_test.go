package replica

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rs/xid"
)

// randomMeta draws merge states with shared and distinct stamps and
// authors, zero bases, nil and empty maps, tombstones.
func randomMeta(rng *rand.Rand, ids []xid.ID) Meta {
	names := []string{"notes", "id", "outcome", "used_name", "a<b&c>", `q"uote`, "é", "", "z"}
	var pool []Stamp
	stamp := func() Stamp {
		if len(pool) > 0 && rng.IntN(2) == 0 {
			return pool[rng.IntN(len(pool))]
		}
		s := Stamp{Replica: ids[rng.IntN(len(ids))]}
		if rng.IntN(4) > 0 {
			s.Wall = rng.Int64N(1<<42) - 1<<20
		}
		if rng.IntN(3) == 0 {
			s.Logical = rng.Uint32()
		}
		pool = append(pool, s)
		return s
	}
	var m Meta
	switch rng.IntN(4) {
	case 0:
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
	return m
}

// The binary form reads back as the very state the JSON form reads back:
// a record merges the same whichever form its state was stored in.
func TestMetaBinaryRoundTripMatchesJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ids := []xid.ID{xid.NilID(), xid.New(), xid.New(), xid.New()}
	for run := range 3000 {
		m := randomMeta(rng, ids)
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var viaJSON Meta
		if err := json.Unmarshal(js, &viaJSON); err != nil {
			t.Fatal(err)
		}
		bin := m.AppendBinary([]byte("head"))[4:]
		var viaBin Meta
		if err := viaBin.UnmarshalBinary(bin); err != nil {
			t.Fatalf("run %d: %v (%x)", run, err, bin)
		}
		if !reflect.DeepEqual(viaBin, viaJSON) {
			t.Fatalf("run %d:\nbinary %+v\n  json %+v", run, viaBin, viaJSON)
		}
		// One state, one encoding: a laptop writes the same plaintext
		// whatever order its map gives the fields in.
		if again := viaBin.AppendBinary(nil); string(again) != string(bin) {
			t.Fatalf("run %d: encoding not stable:\n%x\n%x", run, bin, again)
		}
		if len(m.Fields) > 2 && len(bin) >= len(js) {
			t.Errorf("run %d: binary %d bytes, JSON %d", run, len(bin), len(js))
		}
	}
}

// Damaged or foreign bytes are an error, never a panic nor a state.
func TestMetaBinaryRefusesDamage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ids := []xid.ID{xid.New(), xid.New()}
	for _, bad := range [][]byte{nil, {}, []byte(`{"f":{}}`), {MetaBinaryV}, {MetaBinaryV, 0, 0, 0, 0, 0}, {MetaBinaryV, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}} {
		var m Meta
		if err := m.UnmarshalBinary(bad); err == nil {
			t.Errorf("%x read as %+v", bad, m)
		}
	}
	for range 3000 {
		m := randomMeta(rng, ids)
		bin := m.AppendBinary(nil)
		var got Meta
		if err := got.UnmarshalBinary(bin[:rng.IntN(len(bin))]); err == nil {
			t.Fatalf("truncated %x read as %+v", bin, got)
		}
		if err := got.UnmarshalBinary(append(bin, 0)); err == nil {
			t.Fatalf("%x with a byte more read as %+v", bin, got)
		}
		flipped := append([]byte(nil), bin...)
		flipped[rng.IntN(len(flipped))] ^= byte(1 + rng.IntN(255))
		_ = got.UnmarshalBinary(flipped) // may read as another state; must not panic
	}
}

func BenchmarkMetaEncode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []xid.ID{xid.New(), xid.New()}
	m := Meta{Fields: map[string]FieldState{}}
	at := Stamp{Wall: 1 << 40, Replica: ids[0]}
	for _, f := range []string{"id", "patient_id", "date", "round", "window", "duration_min", "outcome", "order", "nurse_id", "planned_arrival", "acts", "notes"} {
		m.Fields[f] = FieldState{At: at, By: ids[rng.IntN(2)]}
	}
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			m.MarshalJSON()
		}
	})
	b.Run("binary", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		for b.Loop() {
			m.AppendBinary(buf[:0])
		}
	})
}
