package replica

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/rs/xid"

	"tournee/cabinetsync"
)

func TestClockNeverGoesBackAndFollowsAFastClock(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	c := Clock{Replica: xid.New(), Now: func() time.Time { return now }}
	a := c.Tick()
	b := c.Tick() // same millisecond: the counter moves
	if b.Compare(a) <= 0 || b.Wall != a.Wall || b.Logical != 1 {
		t.Fatalf("%+v then %+v", a, b)
	}
	now = now.Add(-time.Hour) // the wall clock is set back
	if d := c.Tick(); d.Compare(b) <= 0 {
		t.Errorf("clock went back: %+v after %+v", d, b)
	}
	// A stamp from a laptop three hours ahead: the next local change comes after it.
	remote := Stamp{Wall: now.Add(3 * time.Hour).UnixMilli(), Logical: 4, Replica: xid.New()}
	c.Observe(remote)
	if e := c.Tick(); e.Compare(remote) <= 0 {
		t.Errorf("a change made after seeing %+v is stamped %+v", remote, e)
	}
}

func TestDiffAndEqual(t *testing.T) {
	prev, _ := Fields([]byte(`{"a":1,"b":"x","c":[1,2],"d":null}`))
	next, _ := Fields([]byte(`{"a":1,"b":"y","e":true}`))
	set := Diff(prev, next)
	want := map[string]string{"b": `"y"`, "c": "null", "e": "true"}
	if len(set) != len(want) {
		t.Fatalf("diff %v", set)
	}
	for k, v := range want {
		if string(set[k]) != v {
			t.Errorf("%s: %s, want %s", k, set[k], v)
		}
	}
	if !Equal(nil, json.RawMessage("null")) || Equal(json.RawMessage(`""`), nil) {
		t.Error("null and missing must be equal, an empty string is a value")
	}
}

// Applying the same operations in any order gives the same record.
func TestApplyIsOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	replicas := []xid.ID{xid.New(), xid.New(), xid.New()}
	for run := range 500 {
		var ops []Op
		for i := range 12 {
			r := replicas[rng.IntN(3)]
			op := Op{At: Stamp{Wall: int64(rng.IntN(6)), Logical: uint32(i), Replica: r}, Set: map[string]json.RawMessage{}}
			for _, f := range []string{"a", "b", "c"} {
				if rng.IntN(2) == 0 {
					op.Set[f] = json.RawMessage(`"` + string(rune('p'+rng.IntN(4))) + `"`)
				}
			}
			op.Delete = rng.IntN(40) == 0
			ops = append(ops, op)
		}
		var want []byte
		for k := range 6 {
			rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
			var rec Record
			for _, op := range ops {
				rec.Apply(op)
			}
			got, _ := Object(rec.Fields)
			if rec.Meta.Deleted != nil {
				got = []byte("deleted")
			}
			if k == 0 {
				want = got
			} else if !bytes.Equal(got, want) {
				t.Fatalf("run %d: order %d gives %s, another %s", run, k, got, want)
			}
		}
	}
}

func TestConcurrentEditsAreLossesSequentialOnesAreNot(t *testing.T) {
	a, b := xid.New(), xid.New()
	s0 := Stamp{Wall: 1, Replica: a}
	var rec Record
	rec.Apply(Op{At: s0, Set: map[string]json.RawMessage{"phone": json.RawMessage(`"1"`)}})
	// b changed it after seeing s0: no loss.
	s1 := Stamp{Wall: 2, Replica: b}
	if _, losses := rec.Apply(Op{At: s1, Set: map[string]json.RawMessage{"phone": json.RawMessage(`"2"`)}, Base: map[string]Stamp{"phone": s0}}); len(losses) != 0 {
		t.Errorf("sequential edit reported: %+v", losses)
	}
	// a changed it too without seeing s1, earlier: it loses, and is kept.
	s2 := Stamp{Wall: 1, Logical: 5, Replica: a}
	_, losses := rec.Apply(Op{At: s2, Set: map[string]json.RawMessage{"phone": json.RawMessage(`"3"`)}, Base: map[string]Stamp{"phone": s0}})
	if len(losses) != 1 || string(losses[0].Lost) != `"3"` || string(losses[0].Kept) != `"2"` {
		t.Fatalf("losses %+v", losses)
	}
	if string(rec.Fields["phone"]) != `"2"` {
		t.Errorf("phone %s", rec.Fields["phone"])
	}
	// Append-only: a second copy changes nothing.
	var tr Record
	op := Op{At: s0, Append: true, Set: map[string]json.RawMessage{"cible": json.RawMessage(`"Douleur"`)}}
	if changed, _ := tr.Apply(op); !changed {
		t.Error("first copy not applied")
	}
	op.Set["cible"] = json.RawMessage(`"Autre"`)
	if changed, _ := tr.Apply(op); changed || string(tr.Fields["cible"]) != `"Douleur"` {
		t.Error("an append-only record was rewritten")
	}
}

func TestBundleNames(t *testing.T) {
	if n := BundleName(1, 42); n != "000000000001-000000000042.bundle" {
		t.Fatal(n)
	}
	for name, ok := range map[string]bool{
		"000000000001-000000000042.bundle":                   true,
		"000000000042-000000000001.bundle":                   false,
		".tmp-abc-000000000001-000000000042.bundle":          false,
		"000000000001-000000000042.bundle.sync-conflict.txt": false,
		"1-42.bundle": false,
	} {
		if _, _, got := ParseBundleName(name); got != ok {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestKeyFile(t *testing.T) {
	cab := xid.New()
	k, err := NewKey(cab)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := KeyFile(k, "Cabinet des Dunes", nil)
	if !strings.Contains(string(plain), k.Secret()) || KeyFileProtected(plain) {
		t.Fatalf("plain key file:\n%s", plain)
	}
	back, err := ParseKeyFile(plain, nil)
	if err != nil || !back.Same(k) {
		t.Fatalf("plain round trip: %v", err)
	}
	protected, err := KeyFile(k, "Cabinet des Dunes", []byte("phrase du cabinet"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(protected), "AGE-SECRET") || strings.Contains(string(protected), cab.String()) || !KeyFileProtected(protected) {
		t.Fatalf("protected key file shows its content:\n%s", protected)
	}
	if _, err := ParseKeyFile(protected, nil); !errors.Is(err, cabinetsync.ErrKeyProtected) {
		t.Errorf("no passphrase: %v", err)
	}
	if _, err := ParseKeyFile(protected, []byte("autre")); !errors.Is(err, cabinetsync.ErrKeyPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if back, err := ParseKeyFile(protected, []byte("phrase du cabinet")); err != nil || !back.Same(k) {
		t.Errorf("protected round trip: %v", err)
	}
	for name, data := range map[string][]byte{
		"empty":      nil,
		"no cabinet": []byte(k.Secret() + "\n"),
		"no key":     []byte("# cabinet: " + cab.String() + "\n"),
		"bad key":    []byte("# cabinet: " + cab.String() + "\nAGE-SECRET-KEY-1XYZ\n"),
		"truncated":  protected[:len(protected)/2],
	} {
		if _, err := ParseKeyFile(data, []byte("phrase du cabinet")); !errors.Is(err, cabinetsync.ErrBadKeyFile) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestBundleRoundTripAndChecks(t *testing.T) {
	cab := xid.New()
	k, _ := NewKey(cab)
	me := xid.New()
	ops := []Op{
		{Seq: 3, At: Stamp{Wall: 5, Replica: me}, Entity: "patients", Key: me.Bytes(), Set: map[string]json.RawMessage{"notes": json.RawMessage(`"é « » <>"`)}},
		{Seq: 4, At: Stamp{Wall: 6, Replica: me}, Entity: "patients", Key: me.Bytes(), Delete: true},
	}
	dir := t.TempDir()
	path, err := WriteBundle(dir, k, Header{Schema: 4, Cabinet: cab, Replica: me, From: 3, To: 4}, ops)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("bundle mode %v", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("notes")) || !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) {
		t.Fatal("bundle not encrypted")
	}
	h, got, err := ReadBundle(path, k, 4)
	if err != nil || h.Replica != me || len(got) != 2 || string(got[0].Set["notes"]) != `"é « » <>"` || !got[1].Delete {
		t.Fatalf("round trip: %+v %+v %v", h, got, err)
	}
	if _, _, err := ReadBundle(path, k, 3); !errors.Is(err, cabinetsync.ErrTooNew) {
		t.Errorf("older reader: %v", err)
	}
	other, _ := NewKey(cab)
	if _, _, err := ReadBundle(path, other, 4); !errors.Is(err, cabinetsync.ErrWrongKey) {
		t.Errorf("wrong key: %v", err)
	}
	// Every cut point of the file is refused, never read short.
	for cut := 0; cut < len(raw); cut += max(1, len(raw)/97) {
		if _, _, err := DecodeBundle(bytes.NewReader(raw[:cut]), k, 4); !errors.Is(err, cabinetsync.ErrDamaged) {
			t.Fatalf("cut at %d of %d: %v", cut, len(raw), err)
		}
	}
	if _, err := WriteBundle(dir, k, Header{Cabinet: cab, Replica: me, From: 1, To: 5}, ops); err == nil {
		t.Error("a range that does not match its operations was written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed write left files: %v", entries)
	}
}

func TestUnion(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{`["b","a"]`, `["c","a"]`, `["a","b","c"]`},
		{``, `["x"]`, `["x"]`},
		{`["x"]`, `null`, `["x"]`},
		{`[]`, `[]`, `[]`},
	} {
		if got := Union(json.RawMessage(c.a), json.RawMessage(c.b)); string(got) != c.want {
			t.Errorf("Union(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
	if got := Union(nil, nil); got != nil {
		t.Errorf("two empty values: %s", got)
	}
}

// One character changed anywhere in a plain key file either leaves the key
// as it was (a comment) or is refused: never another cabinet id, never
// another secret.
func TestKeyFileFlippedCharacters(t *testing.T) {
	cab := xid.New()
	k, err := NewKey(cab)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := KeyFile(k, "Cabinet des Dunes", nil)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for i := range plain {
		for _, flip := range []byte{0x01, 0x20} {
			data := bytes.Clone(plain)
			data[i] ^= flip
			got, err := ParseKeyFile(data, nil)
			switch {
			case err != nil:
				if !errors.Is(err, cabinetsync.ErrBadKeyFile) {
					t.Fatalf("byte %d ^%#x: error %v is not ErrBadKeyFile", i, flip, err)
				}
				refused++
			case !got.Same(k):
				t.Fatalf("byte %d ^%#x: read as cabinet %s, want %s or a refusal", i, flip, got.Cabinet, k.Cabinet)
			}
		}
	}
	t.Logf("%d of %d flipped files refused, the others changed only a comment", refused, 2*len(plain))
	// The id line alone: every change is refused, in French.
	line := keyFileCabinet + cab.String()
	i := bytes.Index(plain, []byte(line))
	for j := i + len(keyFileCabinet); j < i+len(line); j++ {
		data := bytes.Clone(plain)
		data[j] ^= 0x01
		var kfe *KeyFileError
		if _, err := ParseKeyFile(data, nil); !errors.As(err, &kfe) || !strings.Contains(kfe.French(), "refusé") {
			t.Fatalf("cabinet id byte %d: %v", j, err)
		}
	}
}

// A key file of the first format (id without its tag) is refused when plain,
// with the way out in French, and still read when protected.
func TestKeyFileFirstFormat(t *testing.T) {
	cab := xid.New()
	k, _ := NewKey(cab)
	old := "# tournée : clé du cabinet « Dunes »\n" + keyFileCabinet + cab.String() + "\n" + k.Secret() + "\n"
	var kfe *KeyFileError
	if _, err := ParseKeyFile([]byte(old), nil); !errors.As(err, &kfe) || !strings.Contains(kfe.French(), "export-key") {
		t.Fatalf("plain first format: %v", err)
	}
	r, _ := age.NewScryptRecipient("phrase")
	r.SetWorkFactor(10)
	var out bytes.Buffer
	aw := armor.NewWriter(&out)
	w, _ := age.Encrypt(aw, r)
	w.Write([]byte(old))
	w.Close()
	aw.Close()
	if got, err := ParseKeyFile(out.Bytes(), []byte("phrase")); err != nil || !got.Same(k) {
		t.Fatalf("protected first format: %v", err)
	}
}

// A protected key file asking for a huge scrypt work factor is refused at
// once instead of taking gigabytes.
func TestKeyFileWorkFactorBound(t *testing.T) {
	k, _ := NewKey(xid.New())
	plain, _ := KeyFile(k, "Dunes", nil)
	r, _ := age.NewScryptRecipient("phrase")
	var out bytes.Buffer
	// Writing with 22 would cost 4 GiB too: write with 10, then edit the header.
	r.SetWorkFactor(10)
	w, _ := age.Encrypt(&out, r)
	w.Write(plain)
	w.Close()
	data := bytes.Replace(out.Bytes(), []byte(" 10\n"), []byte(" 22\n"), 1)
	if _, err := ParseKeyFile(data, []byte("phrase")); !errors.Is(err, cabinetsync.ErrBadKeyFile) || !strings.Contains(err.Error(), "work factor") {
		t.Fatalf("work factor 22: %v", err)
	}
}
