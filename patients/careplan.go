package patients

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"
)

// CareKind is the kind of care prescribed.
type CareKind string

// Care kinds.
const (
	Insulin      CareKind = "insuline"
	Injection    CareKind = "injection"
	Dressing     CareKind = "pansement"
	HygieneAIS   CareKind = "soins d'hygiène AIS"
	HygieneBSI   CareKind = "soins d'hygiène BSI"
	BloodDraw    CareKind = "prise de sang"
	PillBox      CareKind = "pilulier"
	Monitoring   CareKind = "surveillance"
	Infusion     CareKind = "perfusion"
	OtherCare    CareKind = "autre"
	Compression  CareKind = "contention"
	Palliative   CareKind = "soins palliatifs"
	Medication   CareKind = "prise de traitement"
	LMWHInjected CareKind = "anticoagulant"
)

// CareKinds lists the kinds in the order a form offers them.
func CareKinds() []CareKind {
	return []CareKind{Insulin, Injection, LMWHInjected, Dressing, HygieneBSI, HygieneAIS, BloodDraw,
		PillBox, Monitoring, Infusion, Compression, Palliative, Medication, OtherCare}
}

// RecurrenceKind is how a care plan repeats.
type RecurrenceKind string

// Recurrence kinds.
const (
	Daily     RecurrenceKind = "chaque jour"
	EveryN    RecurrenceKind = "tous les N jours"
	Weekdays  RecurrenceKind = "certains jours"
	GivenDays RecurrenceKind = "dates données"
)

// Recurrence says on which days a care plan applies. Within a day, the plan's
// Windows say how many times and when.
type Recurrence struct {
	Kind     RecurrenceKind `json:"kind"`
	Start    Date           `json:"start"`
	Until    Date           `json:"until,omitzero"`     // inclusive; zero = open-ended
	N        int            `json:"n,omitempty"`        // EveryN: every N days from Start
	Weekdays []time.Weekday `json:"weekdays,omitempty"` // Weekdays
	Dates    []Date         `json:"dates,omitempty"`    // GivenDays
	Count    int            `json:"count,omitempty"`    // stop after this many days of care; 0 = no limit
}

// Occurs reports whether the recurrence has a day of care on d, ignoring
// holidays, absences and the prescription's end (see CarePlan.OccursOn).
func (r Recurrence) Occurs(d Date) bool {
	if r.Kind == GivenDays {
		return slices.Contains(r.Dates, d)
	}
	if d.Before(r.Start) || (!r.Until.IsZero() && d.After(r.Until)) {
		return false
	}
	since := d.DaysSince(r.Start)
	switch r.Kind {
	case Daily:
		return r.Count == 0 || since < r.Count
	case EveryN:
		if r.N <= 0 || since%r.N != 0 {
			return false
		}
		return r.Count == 0 || since/r.N < r.Count
	case Weekdays:
		if !slices.Contains(r.Weekdays, d.Weekday()) {
			return false
		}
		if r.Count == 0 {
			return true
		}
		// Count the matching days from Start up to d; counts are small (a few weeks).
		n := 0
		for x := r.Start; !x.After(d); x = x.AddDays(1) {
			if slices.Contains(r.Weekdays, x.Weekday()) {
				n++
			}
		}
		return n <= r.Count
	}
	return false
}

// Validate checks a recurrence.
func (r Recurrence) Validate() error {
	var errs ValidationErrors
	switch r.Kind {
	case Daily, EveryN, Weekdays:
		if r.Start.IsZero() {
			errs.add("début", "la date de début des soins est obligatoire")
		}
	case GivenDays:
		if len(r.Dates) == 0 {
			errs.add("dates", "indiquez au moins une date de soin")
		}
	default:
		errs.add("récurrence", fmt.Sprintf("récurrence inconnue %q", r.Kind))
	}
	if r.Kind == EveryN && r.N < 1 {
		errs.add("fréquence", "indiquez tous les combien de jours (1 ou plus)")
	}
	if r.Kind == Weekdays && len(r.Weekdays) == 0 {
		errs.add("jours", "choisissez au moins un jour de la semaine")
	}
	// Neither the interface nor the CLI writes these; an import or a hand
	// edit could, and a day 7 would silently never occur.
	if i := slices.IndexFunc(r.Weekdays, func(w time.Weekday) bool { return w < time.Sunday || w > time.Saturday }); r.Kind == Weekdays && i >= 0 {
		errs.add("jours", fmt.Sprintf("jour de la semaine inconnu (%d) : du dimanche (0) au samedi (6)", r.Weekdays[i]))
	}
	if r.Kind == GivenDays && slices.ContainsFunc(r.Dates, Date.IsZero) {
		errs.add("dates", "une des dates de soin est vide")
	}
	if !r.Until.IsZero() && r.Until.Before(r.Start) {
		errs.add("jusqu'au", "la date de fin précède la date de début")
	}
	if r.Count < 0 {
		errs.add("nombre", "le nombre de séances ne peut pas être négatif")
	}
	return errs.err()
}

// CarePlan is a soin prescrit: what to do for a patient, when, how long.
type CarePlan struct {
	ID        xid.ID   `json:"id"`
	PatientID xid.ID   `json:"patient_id"`
	Kind      CareKind `json:"kind"`
	Label     string   `json:"label"`
	// Acts is the structured cotation, checked against the tariff table
	// (ngap.ValidateActs). Cotation is the free text of older plans and a
	// note: when Acts is empty, billing reads the acts from it.
	Acts     []CareAct `json:"acts,omitempty"`
	Cotation string    `json:"cotation,omitempty"` // NGAP text, e.g. "AMI 1 + MAU"
	// SundaysAndHolidays is the prescription's « y compris dimanches et
	// jours fériés », and NightOrFixedTime its « horaire imposé / nuit »:
	// NGAP DG art. 14 pays the Sunday and night majorations of repeated care
	// only when the prescription requires it (docs/ngap-idel.md §3.2).
	SundaysAndHolidays bool `json:"sundays_and_holidays,omitempty"`
	NightOrFixedTime   bool `json:"night_or_fixed_time,omitempty"`
	// Prescriber is the doctor's name as written on the prescription.
	Prescriber   string     `json:"prescriber,omitempty"`
	PrescribedOn Date       `json:"prescribed_on,omitzero"`
	EndsOn       Date       `json:"ends_on,omitzero"` // end of the prescription, inclusive
	Recurrence   Recurrence `json:"recurrence"`
	// Windows holds one window per visit of the day: an insulin plan twice a
	// day has two windows.
	Windows     []Window `json:"windows"`
	DurationMin int      `json:"duration_min"`
	// Strict windows are hard constraints (insulin, fasting draws, fixed-time
	// treatments); soft ones only cost lateness.
	Strict           bool      `json:"strict,omitempty"`
	Fasting          bool      `json:"fasting,omitempty"`
	LabDropoffBefore TimeOfDay `json:"lab_dropoff_before,omitempty"` // blood draws: tubes to the lab before this
	SkipHolidays     bool      `json:"skip_holidays,omitempty"`      // not done on public holidays
	// Last visits end the round: an infected wound, a contagious patient,
	// so nothing is carried to the next door.
	Last bool `json:"last,omitempty"`
	// NotBefore delays the start of every window (after the home aide's
	// visit, after breakfast); zero means no such constraint.
	NotBefore      TimeOfDay `json:"not_before,omitempty"`
	PreferredNurse xid.ID    `json:"preferred_nurse,omitzero"`
	Notes          string    `json:"notes,omitempty"`
}

// OccursOn reports whether the plan calls for care on d: the recurrence
// matches, the prescription has not ended, and the day is not a public holiday
// the plan skips. Patient absences are the caller's to check (Patient.AbsentOn).
func (c CarePlan) OccursOn(d Date) bool {
	if !c.EndsOn.IsZero() && d.After(c.EndsOn) {
		return false
	}
	if c.SkipHolidays && IsPublicHoliday(d) {
		return false
	}
	return c.Recurrence.Occurs(d)
}

// EffectiveWindows returns the windows with NotBefore applied.
func (c CarePlan) EffectiveWindows() []Window {
	out := make([]Window, len(c.Windows))
	for i, w := range c.Windows {
		if c.NotBefore > w.Start {
			w.Start = c.NotBefore
		}
		out[i] = w
	}
	return out
}

// LastDay returns the last day of care the plan can have, and false when it
// is open-ended.
func (c CarePlan) LastDay() (Date, bool) {
	end := c.EndsOn
	if !c.Recurrence.Until.IsZero() && (end.IsZero() || c.Recurrence.Until.Before(end)) {
		end = c.Recurrence.Until
	}
	switch r := c.Recurrence; {
	case r.Kind == GivenDays && len(r.Dates) > 0:
		last := slices.MaxFunc(r.Dates, Date.Compare)
		if end.IsZero() || last.Before(end) {
			end = last
		}
	case r.Kind == Daily && r.Count > 0:
		if last := r.Start.AddDays(r.Count - 1); end.IsZero() || last.Before(end) {
			end = last
		}
	case r.Kind == EveryN && r.Count > 0 && r.N > 0:
		if last := r.Start.AddDays((r.Count - 1) * r.N); end.IsZero() || last.Before(end) {
			end = last
		}
	}
	return end, !end.IsZero()
}

// Validate checks a care plan.
func (c CarePlan) Validate() error {
	var errs ValidationErrors
	if c.PatientID.IsZero() {
		errs.add("patient", "le soin doit être rattaché à un patient")
	}
	if !slices.Contains(CareKinds(), c.Kind) {
		errs.add("type", fmt.Sprintf("type de soin inconnu %q", c.Kind))
	}
	if strings.TrimSpace(c.Label) == "" {
		errs.add("libellé", "décrivez le soin")
	}
	if c.DurationMin <= 0 || c.DurationMin > 240 {
		errs.add("durée", "la durée doit être comprise entre 1 et 240 minutes")
	}
	if len(c.Windows) == 0 {
		errs.add("horaires", "indiquez au moins une plage horaire de passage")
	}
	for i, w := range c.Windows {
		if err := w.Validate(fmt.Sprintf("plage %d", i+1)); err != nil {
			errs = append(errs, err.(*ValidationError))
		} else if c.NotBefore > w.End {
			errs.add(fmt.Sprintf("plage %d", i+1), fmt.Sprintf("« pas avant %s » tombe après la fin de la plage (%s)", c.NotBefore, w.End))
		}
	}
	if err := c.Recurrence.Validate(); err != nil {
		errs = append(errs, err.(ValidationErrors)...)
	}
	for i, a := range c.Acts {
		if err := a.validate(fmt.Sprintf("acte %d", i+1)); err != nil {
			errs = append(errs, err)
		}
	}
	if !c.EndsOn.IsZero() && !c.PrescribedOn.IsZero() && c.EndsOn.Before(c.PrescribedOn) {
		errs.add("fin de prescription", "la fin de la prescription précède la date de prescription")
	}
	return errs.err()
}

// IsPublicHoliday reports whether d is a French public holiday of
// metropolitan France outside Alsace-Moselle (Code du travail L.3133-1,
// docs/idel-rules.md §3).
func IsPublicHoliday(d Date) bool {
	switch {
	case d.Month == time.January && d.Day == 1,
		d.Month == time.May && (d.Day == 1 || d.Day == 8),
		d.Month == time.July && d.Day == 14,
		d.Month == time.August && d.Day == 15,
		d.Month == time.November && (d.Day == 1 || d.Day == 11),
		d.Month == time.December && d.Day == 25:
		return true
	}
	e := EasterSunday(d.Year)
	return d == e.AddDays(1) || d == e.AddDays(39) || d == e.AddDays(50)
}

// EasterSunday returns Easter Sunday of year y by the anonymous Gregorian
// algorithm (Meeus/Jones/Butcher, docs/idel-rules.md §3).
func EasterSunday(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}
