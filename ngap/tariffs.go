package ngap

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tournee/patients"
)

// tarifsCSV is the table the app ships: a copy of shared/data/ngap-tarifs.csv,
// kept identical by a test. It is embedded so that a bill never depends on a
// file next to the binary; a new avenant means a new row and a new release.
//
//go:embed tarifs.csv
var tarifsCSV string

// Row families of the table for values whose billing code is shared or
// unknown: the three IK rows share the code "IK", and the night and Sunday
// majorations have no verified billing code (code "unknown" in the table). A
// family is a row id without its year suffix: "dimanche" names dimanche_2012
// and dimanche_2018, and Row picks the one in force.
const (
	IKPlaine   = "ik_plaine"
	IKMontagne = "ik_montagne"
	Night      = "nuit"
	DeepNight  = "nuit_profonde"
	Sunday     = "dimanche"
)

// Tariff is one row of the table: a value and the days it is in force.
type Tariff struct {
	ID       string // "ifd_2024"
	Code     string // billing code, "IFD"; "unknown" when not verified
	Label    string // label_fr
	Category string // lettre_cle, forfait_jour, deplacement, majoration
	Unit     string // per_coefficient_unit, per_day, per_visit, per_km, per_act
	// Cents is the value in euro cents; HasValue is false when the table
	// says "unknown" (TLS/TLD/TLL): such a row is never used to bill.
	Cents    int64
	HasValue bool
	// From and To bound the validity, inclusive; a zero To is open-ended.
	// A zero From means the table gives no start date ("unknown"): the row
	// is taken as in force on any day, and Bill warns when it uses it.
	From, To   patients.Date
	Confidence string // high, medium, low, unknown
}

// inForce reports whether the row applies on d.
func (r Tariff) inForce(d patients.Date) bool {
	if !r.From.IsZero() && d.Before(r.From) {
		return false
	}
	return r.To.IsZero() || !d.After(r.To)
}

// Tariffs is the tariff table. The zero value is empty: every lookup fails.
type Tariffs struct {
	rows []Tariff
}

// Rows returns a copy of the rows, in file order.
func (t Tariffs) Rows() []Tariff { return append([]Tariff(nil), t.rows...) }

// Load returns the table embedded in the binary.
func Load() (Tariffs, error) {
	t, err := Parse(strings.NewReader(tarifsCSV))
	if err != nil {
		return Tariffs{}, fmt.Errorf("embedded tariff table: %w", err)
	}
	return t, nil
}

// requiredColumns are read by name, so that a column added to the shared
// file (a DOM area, a source URL) does not break the parser.
var requiredColumns = []string{"id", "code", "label_fr", "category", "value_eur", "unit", "valid_from", "valid_to", "confidence"}

// Parse reads a tariff table in the format of shared/data/ngap-tarifs.csv.
// It refuses the whole table on the first bad row: a tariff table half read
// would bill wrong amounts without anyone noticing.
func Parse(r io.Reader) (Tariffs, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as wide as the header
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return Tariffs{}, errors.New("tariff table: empty file")
	}
	if err != nil {
		return Tariffs{}, fmt.Errorf("tariff table header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			return Tariffs{}, fmt.Errorf("tariff table: missing column %q", c)
		}
	}
	var t Tariffs
	ids := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Tariffs{}, fmt.Errorf("tariff table: %w", err)
		}
		get := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		row := Tariff{ID: get("id"), Code: get("code"), Label: get("label_fr"), Category: get("category"),
			Unit: get("unit"), Confidence: get("confidence")}
		if row.ID == "" || row.Code == "" {
			return Tariffs{}, fmt.Errorf("tariff table line %d: empty id or code", line)
		}
		if ids[row.ID] {
			return Tariffs{}, fmt.Errorf("tariff table line %d: duplicate id %q", line, row.ID)
		}
		ids[row.ID] = true
		if v := get("value_eur"); v != "unknown" {
			if row.Cents, err = parseCents(v); err != nil {
				return Tariffs{}, fmt.Errorf("tariff table line %d (%s): value: %w", line, row.ID, err)
			}
			row.HasValue = true
		}
		if row.From, err = parseTableDate(get("valid_from")); err != nil {
			return Tariffs{}, fmt.Errorf("tariff table line %d (%s): valid_from: %w", line, row.ID, err)
		}
		if row.To, err = parseTableDate(get("valid_to")); err != nil {
			return Tariffs{}, fmt.Errorf("tariff table line %d (%s): valid_to: %w", line, row.ID, err)
		}
		if !row.From.IsZero() && !row.To.IsZero() && row.To.Before(row.From) {
			return Tariffs{}, fmt.Errorf("tariff table line %d (%s): valid_to %s before valid_from %s", line, row.ID, row.To, row.From)
		}
		// Two rows for the same thing in force on one day would make the
		// price depend on the file's order. Same code and same label is the
		// same thing; the IK rows share a code but not a label.
		for _, o := range t.rows {
			if o.Code == row.Code && o.Label == row.Label && o.Code != "unknown" && overlap(o, row) {
				return Tariffs{}, fmt.Errorf("tariff table line %d (%s): overlaps %s for %s", line, row.ID, o.ID, row.Code)
			}
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func overlap(a, b Tariff) bool {
	// Each period must start before the other ends; a zero From starts at
	// the beginning of time and a zero To never ends.
	startsBeforeEnd := func(x, y Tariff) bool { return x.From.IsZero() || y.To.IsZero() || !x.From.After(y.To) }
	return startsBeforeEnd(a, b) && startsBeforeEnd(b, a)
}

// parseCents reads "3.15", "10.00", "13" as cents, without going through a
// float so that 0.35 € is 35 cents exactly.
func parseCents(s string) (int64, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasDot && (frac == "" || len(frac) > 2 || !digits(frac))) {
		return 0, fmt.Errorf("%q is not an amount in euros (e.g. 3.15)", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(whole) > 9 {
		return 0, fmt.Errorf("%q is not an amount in euros (e.g. 3.15)", s)
	}
	return n, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// parseTableDate reads YYYY-MM-DD; "" and "unknown" give the zero date.
func parseTableDate(s string) (patients.Date, error) {
	if s == "" || s == "unknown" {
		return patients.Date{}, nil
	}
	d, err := patients.ParseDate(s)
	if err != nil {
		return patients.Date{}, err
	}
	return d, nil
}

// Row returns the row in force on day on for a billing code ("IFD"), a row id
// ("ifd_2024") or a row family ("dimanche", see IKPlaine). It fails when no row matches, when the row's value is
// unknown, and when several rows are in force that day (the code "IK" alone
// names three rates: ask by id).
func (t Tariffs) Row(code string, on patients.Date) (Tariff, bool) {
	code = strings.TrimSpace(code)
	var found []Tariff
	for _, r := range t.rows {
		if (r.ID == code || family(r.ID) == code || (strings.EqualFold(r.Code, code) && r.Code != "unknown")) && r.inForce(on) {
			found = append(found, r)
		}
	}
	if len(found) != 1 || !found[0].HasValue {
		return Tariff{}, false
	}
	return found[0], true
}

// Value returns the value in cents of a code, row id or family on a day: the row in
// force that day (valid_from ≤ day ≤ valid_to). See Row for when it fails.
func (t Tariffs) Value(code string, on patients.Date) (cents int64, ok bool) {
	r, ok := t.Row(code, on)
	return r.Cents, ok
}

// family strips a "_2012"-style year suffix from a row id.
func family(id string) string {
	if i := strings.LastIndexByte(id, '_'); i > 0 && len(id)-i == 5 && digits(id[i+1:]) {
		return id[:i]
	}
	return id
}
