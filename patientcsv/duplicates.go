package patientcsv

import (
	"strconv"

	"tournee/patients"
)

// Duplicates returns the rows of res that are a patient already known —
// in existing (the base) or on an earlier line of the file — as RowErrors
// naming whom they repeat (patients.SamePerson: the same NIR, or the same
// birth name, first name and birth date), and res without them. Importing
// the same spreadsheet twice must not store every patient twice.
func Duplicates(res Result, existing []patients.Patient) ([]RowError, Result) {
	var dups []RowError
	kept := res
	kept.Patients, kept.Rows = nil, nil
	for i, p := range res.Patients {
		line := 0
		if i < len(res.Rows) {
			line = res.Rows[i]
		}
		if o, why, ok := patients.FindDuplicate(p, existing); ok {
			dups = append(dups, RowError{Line: line, Msg: p.DisplayName() + " est déjà enregistré(e) : " + o.DisplayName() + " (" + why + ")"})
			continue
		}
		if j, why, ok := earlier(p, kept.Patients); ok {
			dups = append(dups, RowError{Line: line, Msg: p.DisplayName() + " est déjà à la ligne " + strconv.Itoa(kept.Rows[j]) + " (" + why + ")"})
			continue
		}
		kept.Patients = append(kept.Patients, p)
		kept.Rows = append(kept.Rows, line)
	}
	return dups, kept
}

func earlier(p patients.Patient, before []patients.Patient) (int, string, bool) {
	for j, o := range before {
		if why, ok := patients.SamePerson(p, o); ok {
			return j, why, true
		}
	}
	return 0, "", false
}
