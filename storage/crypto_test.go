package storage

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A tampered meta/kdf must neither crash the laptop (out of memory) nor
// hang the opening: parameters above the ceilings are refused at once, in
// French, before any key is derived.
func TestOpenRefusesTamperedKDFParams(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*kdfParams){
		"memory 4 TiB": func(p *kdfParams) { p.MemoryKiB = 1 << 32 >> 1 },
		"memory 1 GiB": func(p *kdfParams) { p.MemoryKiB = 1 << 20 },
		"1000 passes":  func(p *kdfParams) { p.Time = 1000 },
		"255 threads":  func(p *kdfParams) { p.Threads = 255 },
		"huge salt":    func(p *kdfParams) { p.Salt = make([]byte, 1<<16) },
		"memory floor": func(p *kdfParams) { p.MemoryKiB = 8 },
		"no passes":    func(p *kdfParams) { p.Time = 0 },
		"other alg":    func(p *kdfParams) { p.Alg = "scrypt" },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			db, path := openTest(t)
			db.Close()
			b, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = b.Update(func(tx *bolt.Tx) error {
				meta := tx.Bucket(bucketMeta)
				var p kdfParams
				if err := json.Unmarshal(meta.Get(keyKDF), &p); err != nil {
					return err
				}
				tamper(&p)
				return meta.Put(keyKDF, marshalKDF(p))
			})
			b.Close()
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(path, pass, Options{})
			var kp errKDFParams
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &kp) {
				t.Fatalf("got %v, want the parameters refused", err)
			}
			if !strings.Contains(kp.French(), "dérivation de clé") {
				t.Errorf("no French message: %q", kp.French())
			}
		})
	}
}

// The merge seals records in place; what it stores must open like any
// sealed value, under its own bucket and key only.
func TestSealInPlaceOpens(t *testing.T) {
	t.Parallel()
	s, err := newSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"v":1,"data":{"id":"x"}}`)
	buf := make([]byte, s.headSize(), s.headSize()+len(plain)+s.aead.Overhead())
	buf = append(buf, plain...)
	sealed, err := s.sealInPlace(bucketVisits, []byte("k"), buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.open(bucketVisits, []byte("k"), sealed)
	if err != nil || string(got) != string(plain) {
		t.Fatalf("open = %q, %v; want %q", got, err, plain)
	}
	if _, err := s.open(bucketVisits, []byte("other"), sealed); err == nil {
		t.Fatal("a value sealed for one key opened under another")
	}
	other, err := s.sealInPlace(bucketVisits, []byte("k"), append(make([]byte, s.headSize(), s.headSize()+len(plain)+s.aead.Overhead()), plain...))
	if err != nil || string(other[1:s.headSize()]) == string(sealed[1:s.headSize()]) {
		t.Fatalf("two seals share a nonce (%v)", err)
	}
}
