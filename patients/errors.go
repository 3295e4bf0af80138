package patients

import (
	"errors"
	"strings"
)

// Sentinel errors shared by every Store implementation.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write would break a uniqueness or append-only rule.
	ErrConflict = errors.New("conflict")
	// ErrReadOnly means the store cannot be written now (opened read-only
	// because the disk is full): reading still works.
	ErrReadOnly = errors.New("store is read-only")
)

// ValidationError is one field that failed validation. Msg is plain French,
// ready to be shown to the nurse next to the field.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Msg }

// ValidationErrors collects every problem of a record so a form can show them
// all at once instead of one per save attempt.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, " ; ")
}

// Unwrap lets errors.As find a *ValidationError inside the list.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// add appends a problem; it keeps call sites in validators short.
func (es *ValidationErrors) add(field, msg string) {
	*es = append(*es, &ValidationError{Field: field, Msg: msg})
}

// err returns nil when nothing was added, so validators end with `return errs.err()`.
func (es ValidationErrors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Warning is a problem worth showing that does not block the save, such as
// an RPPS whose check digit does not match (see docs/dmp-cda.md §6).
type Warning struct {
	Field string
	Msg   string
}
