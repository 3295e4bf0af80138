package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage/replica"
)

// The index keys read from a record's fields are those read from its
// JSON, including for names that differ by case only, values of the wrong
// type, records without an id and versions this build does not know.
func TestIndexEntriesOfMatchesWholeDecode(t *testing.T) {
	t.Parallel()
	id, pid := xid.New(), xid.New()
	visit, _ := json.Marshal(patients.Visit{ID: id, PatientID: pid, Date: patients.NewDate(2026, 11, 23), DurationMin: 15})
	plan, _ := json.Marshal(patients.CarePlan{ID: id, PatientID: pid, Label: "Soin"})
	trans, _ := json.Marshal(patients.Transmission{ID: id, PatientID: pid, At: time.Date(2026, 11, 23, 8, 5, 0, 0, time.UTC), Cible: "Douleur"})
	cases := []struct {
		bucket []byte
		data   string
		v      int
	}{
		{bucketVisits, string(visit), visitV},
		{bucketCarePlans, string(plan), carePlanV},
		{bucketTransmissions, string(trans), transmissionV},
		{bucketVisits, `{"date":"2026-11-23","patient_id":"` + pid.String() + `"}`, visitV}, // not whole
		{bucketVisits, `{"ID":"` + id.String() + `","date":"2026-11-24"}`, visitV},          // case
		{bucketVisits, `{"id":"` + id.String() + `","Date":"2026-11-24","date":"2026-11-25"}`, visitV},
		{bucketTransmissions, `{"id":"` + id.String() + `","at":5}`, transmissionV}, // wrong type
		{bucketCarePlans, `{"id":"` + id.String() + `","patient_id":[1]}`, carePlanV},
		{bucketVisits, string(visit), visitV + 1}, // too new
		{bucketVisits, string(visit), 0},
		{bucketPatients, `{"id":"` + id.String() + `"}`, patientV}, // no index
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			fields, err := replica.Fields([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := indexEntries(c.bucket, id.Bytes(), []byte(c.data), c.v)
			got, gotErr := indexEntriesOf(c.bucket, id.Bytes(), []byte(c.data), fields, c.v)
			if i < 3 && len(want) == 0 {
				t.Fatalf("a whole record without index entries: %v", wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("entries %q, want %q", got, want)
			}
			for _, sentinel := range []error{ErrCorrupt, ErrTooNew} {
				if errors.Is(gotErr, sentinel) != errors.Is(wantErr, sentinel) {
					t.Errorf("error %v, want %v", gotErr, wantErr)
				}
			}
			if (gotErr == nil) != (wantErr == nil) {
				t.Errorf("error %v, want %v", gotErr, wantErr)
			}
		})
	}
}

func BenchmarkIndexEntries(b *testing.B) {
	v := patients.Visit{ID: xid.New(), PatientID: xid.New(), Date: patients.NewDate(2026, 11, 23), DurationMin: 15,
		Round: patients.Morning, Status: patients.Done, Window: patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(9, 0)}}
	data, _ := json.Marshal(v)
	fields, _ := replica.Fields(data)
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			indexEntries(bucketVisits, v.ID.Bytes(), data, visitV)
		}
	})
	b.Run("fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			indexEntriesOf(bucketVisits, v.ID.Bytes(), data, fields, visitV)
		}
	})
}
