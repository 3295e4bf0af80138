package storage

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The envelope put writes is read without the JSON parser, and reads as
// the parser reads it; any other form falls back to the parser. (A cut
// envelope splits into cut data, which its decoder refuses.)
func TestSplitEnvelopeReadsWhatPutWrites(t *testing.T) {
	t.Parallel()
	for _, data := range []any{
		samplePatient(),
		map[string]any{"a": "x}", "b": []int{1, 2}, "c": map[string]string{"d": `"}`}},
		"texte « entre guillemets » avec \"échappements\", <b> & }",
		nil,
	} {
		raw, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []int{1, 2, 12, 123456789} {
			plain, err := json.Marshal(envelope{V: v, Data: raw})
			if err != nil {
				t.Fatal(err)
			}
			if joined := joinEnvelope(v, raw); string(joined) != string(plain) {
				t.Fatalf("joined %s, json.Marshal writes %s", joined, plain)
			}
			var want envelope
			if err := json.Unmarshal(plain, &want); err != nil {
				t.Fatal(err)
			}
			got, ok := splitEnvelope(plain)
			if !ok || got.V != want.V || string(got.Data) != string(want.Data) {
				t.Fatalf("split %s: %d %s (%v), want %d %s", plain, got.V, got.Data, ok, want.V, want.Data)
			}
		}
	}
	for _, plain := range []string{
		`{"data":{},"v":1}`, `{ "v":1,"data":{}}`, `{"v":-1,"data":{}}`, `{"v":1234567890,"data":{}}`,
		`{"v":,"data":{}}`, `{"v":1}`, `[1]`, ``,
	} {
		if env, ok := splitEnvelope([]byte(plain)); ok {
			t.Errorf("%q split as %d %s: want the JSON path", plain, env.V, env.Data)
		}
	}
}

// Verify, which only opens the values it does not decode, still refuses an
// authenticated envelope whose data is not JSON.
func TestVerifyRefusesDataThatIsNotJSON(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	db, p := createWithPatient(t, path, Options{Now: newClock().now})
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		sealed, err := db.seal.seal(bucketPatients, p.ID.Bytes(), []byte(`{"v":2,"data":{"birth_name":}`))
		if err != nil {
			return err
		}
		return tx.Bucket(bucketPatients).Put(p.ID.Bytes(), sealed)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Patient(ctx, p.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading the patient: %v, want ErrCorrupt", err)
	}
	db.Close()
	if err := Verify(path, pass); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Verify: %v, want ErrCorrupt", err)
	}
}
