package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// indexFieldNames are the fields the index keys of each entity are made of.
var indexFieldNames = map[string][]string{
	string(bucketVisits):        {"id", "patient_id", "date"},
	string(bucketCarePlans):     {"id", "patient_id"},
	string(bucketTransmissions): {"id", "patient_id", "at"},
}

// indexEntriesOf is indexEntries for a record the merge already holds as
// its fields: it decodes the three values the keys are made of instead of
// parsing the whole record again, which a merge of 100,000 operations did
// for every record it wrote. data is the same record as JSON, read only
// when a field name differs from a wanted one by case alone (encoding/json
// matches names regardless of case, so only it knows which value wins).
func indexEntriesOf(bucket, key, data []byte, fields map[string]json.RawMessage, v int) ([]indexEntry, error) {
	names, ok := indexFieldNames[string(bucket)]
	if !ok {
		return nil, nil
	}
	for f := range fields {
		for _, n := range names {
			if len(f) == len(n) && f != n && strings.EqualFold(f, n) {
				return indexEntries(bucket, key, data, v)
			}
		}
	}
	if v < 1 || v > recordVersions[string(bucket)] {
		return nil, fmt.Errorf("%w: record %s/%x has version %d", ErrTooNew, bucket, key, v)
	}
	dec := func(name string, out any) error {
		raw, ok := fields[name]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%w: record %s/%x: %v", ErrCorrupt, bucket, key, err)
		}
		return nil
	}
	decID := func(name string, out *xid.ID) error {
		// An id as json.Marshal writes it, decoded without the JSON
		// decoder's setup; anything else goes through it.
		if raw := fields[name]; len(raw) == 22 && raw[0] == '"' && raw[21] == '"' {
			if id, err := xid.FromString(string(raw[1:21])); err == nil {
				*out = id
				return nil
			}
		}
		return dec(name, out)
	}
	var id, patient xid.ID
	if err := decID("id", &id); err != nil {
		return nil, err
	}
	if err := decID("patient_id", &patient); err != nil {
		return nil, err
	}
	switch string(bucket) {
	case string(bucketVisits):
		var date patients.Date
		if err := dec("date", &date); err != nil || id.IsZero() {
			return nil, err
		}
		vis := patients.Visit{ID: id, PatientID: patient, Date: date}
		return []indexEntry{{idxVisitsByDay, visitDayKey(vis)}, {idxVisitsByPatient, visitPatientKey(vis)}}, nil
	case string(bucketCarePlans):
		if id.IsZero() {
			return nil, nil
		}
		return []indexEntry{{idxCarePlansByPatient, carePlanPatientKey(patients.CarePlan{ID: id, PatientID: patient})}}, nil
	default:
		var at time.Time
		if err := dec("at", &at); err != nil || id.IsZero() {
			return nil, err
		}
		return []indexEntry{{idxTransByPatient, transPatientKey(patients.Transmission{ID: id, PatientID: patient, At: at})}}, nil
	}
}
