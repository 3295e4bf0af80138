package demo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// careKinds maps the file's care types; an unknown type is kept as OtherCare
// rather than refused, since its label still tells the nurse what to do.
var careKinds = map[string]patients.CareKind{
	"insulin_injection":         patients.Insulin,
	"hygiene_care":              patients.HygieneBSI,
	"dressing":                  patients.Dressing,
	"blood_draw":                patients.BloodDraw,
	"pillbox_preparation":       patients.PillBox,
	"anticoagulant_injection":   patients.LMWHInjected,
	"compression_stockings":     patients.Compression,
	"palliative_care":           patients.Palliative,
	"iv_infusion":               patients.Infusion,
	"medication_administration": patients.Medication,
}

var weekdays = map[string]time.Weekday{
	"MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday,
	"FR": time.Friday, "SA": time.Saturday, "SU": time.Sunday,
}

// cotationFR puts the English words of the file's cotation hints into French,
// since the nurse reads them as they are; the NGAP part is left untouched.
var cotationFR = strings.NewReplacer(
	"if only act", "si acte isolé",
	"acts per NGAP", "actes selon la NGAP",
	"(palliative, at home)", "(soins palliatifs à domicile)",
)

func (m *mapper) carePlan(patientID xid.ID, it rawCareItem) (patients.CarePlan, error) {
	id, err := m.ids.new()
	if err != nil {
		return patients.CarePlan{}, err
	}
	kind, ok := careKinds[it.Type]
	if !ok {
		kind = patients.OtherCare
	}
	var w patients.Window
	if w.Start, err = patients.ParseTimeOfDay(it.Window.Start); err != nil {
		return patients.CarePlan{}, fmt.Errorf("window start: %w", err)
	}
	if w.End, err = patients.ParseTimeOfDay(it.Window.End); err != nil {
		return patients.CarePlan{}, fmt.Errorf("window end: %w", err)
	}
	rec, err := m.recurrence(it.Recurrence)
	if err != nil {
		return patients.CarePlan{}, fmt.Errorf("recurrence: %w", err)
	}
	c := patients.CarePlan{
		ID:          id,
		PatientID:   patientID,
		Kind:        kind,
		Label:       it.Label,
		Recurrence:  rec,
		Windows:     []patients.Window{w},
		DurationMin: it.DurationMin,
		// Insulin, fasting draws and fixed-time treatments cannot move: the
		// file's README says strict for these, soft otherwise.
		Strict:  kind == patients.Insulin || (kind == patients.BloodDraw && it.Fasting) || it.FixedTime,
		Fasting: it.Fasting,
		// The file does not say who prescribed or when: the first day of care
		// stands for the prescription date, and the prescriber is left blank
		// rather than guessed from the médecin traitant.
		PrescribedOn: rec.Start,
		EndsOn:       rec.Until,
	}
	// "unknown - check NGAP" marks a hint the file's authors could not source:
	// an empty cotation says "to be filled" better than that text.
	if hint := strings.TrimSpace(it.CotationHint); !strings.HasPrefix(strings.ToLower(hint), "unknown") {
		c.Cotation = cotationFR.Replace(hint)
	}
	if it.LabDropoffBefore != "" {
		if c.LabDropoffBefore, err = patients.ParseTimeOfDay(it.LabDropoffBefore); err != nil {
			return patients.CarePlan{}, fmt.Errorf("lab_dropoff_before: %w", err)
		}
	}
	if err := c.Validate(); err != nil {
		return patients.CarePlan{}, err
	}
	return c, nil
}

// recurrence resolves the file's recurrence against the reference day.
func (m *mapper) recurrence(rr rawRecurrence) (patients.Recurrence, error) {
	var r patients.Recurrence
	var err error
	if rr.EndDate != "" {
		if r.Until, err = patients.ParseDate(rr.EndDate); err != nil {
			return r, fmt.Errorf("end_date: %w", err)
		}
	}
	r.Count = rr.Count

	if rr.Kind == "once" {
		var d patients.Date
		switch {
		case rr.Date != "" && rr.DateOffset != nil:
			return r, errors.New("once: both date and date_offset_days")
		case rr.Date != "":
			if d, err = patients.ParseDate(rr.Date); err != nil {
				return r, fmt.Errorf("date: %w", err)
			}
		case rr.DateOffset != nil:
			d = m.today.AddDays(*rr.DateOffset)
		default:
			return r, errors.New("once: no date")
		}
		// Start is set too, so "first day of care" reads the same for every kind.
		r.Kind, r.Dates, r.Start = patients.GivenDays, []patients.Date{d}, d
		return r, nil
	}

	// period is the cycle length of the recurrence, used below to move a
	// future absolute start back without changing which days have care.
	var period int
	switch rr.Kind {
	case "daily":
		r.Kind, period = patients.Daily, 1
	case "every_n_days":
		if rr.N < 1 {
			return r, fmt.Errorf("every_n_days: n = %d", rr.N)
		}
		r.Kind, r.N, period = patients.EveryN, rr.N, rr.N
	case "weekly":
		r.Kind, period = patients.Weekdays, 7
		for _, wd := range rr.Weekdays {
			d, ok := weekdays[wd]
			if !ok {
				return r, fmt.Errorf("unknown weekday %q", wd)
			}
			r.Weekdays = append(r.Weekdays, d)
		}
	default:
		return r, fmt.Errorf("unknown kind %q", rr.Kind)
	}

	switch {
	case rr.StartDate != "" && rr.StartOffset != nil:
		return r, errors.New("both start_date and start_offset_days")
	case rr.StartOffset != nil:
		// A relative start is meant as given, even in the future.
		r.Start = m.today.AddDays(*rr.StartOffset)
	case rr.StartDate != "":
		if r.Start, err = patients.ParseDate(rr.StartDate); err != nil {
			return r, fmt.Errorf("start_date: %w", err)
		}
		r.Start = alreadyStarted(r.Start, m.today, period)
	default:
		return r, errors.New("no start_date or start_offset_days")
	}
	return r, nil
}

// alreadyStarted implements the README rule that chronic care (absolute start
// 2026-01-05) is "already started even when run before that date": a start
// after today moves back by whole periods to the last cycle day on or before
// today. A daily plan thus starts today; an every-2-days dressing keeps the
// parity of its file date, so the same days have care whatever day the demo
// is loaded; a weekly plan moves by whole weeks. None of the file's absolute
// starts has a count, whose last day this shift would move earlier.
func alreadyStarted(start, today patients.Date, period int) patients.Date {
	if !start.After(today) {
		return start
	}
	ahead := start.DaysSince(today)
	cycles := (ahead + period - 1) / period
	return start.AddDays(-cycles * period)
}

// treatment maps a treatment and links it to the care plans of its items;
// its dates are theirs, so a counted LMWH ends on its last injection.
func (m *mapper) treatment(rt rawTreatment, byItem map[string]patients.CarePlan) (patients.Treatment, error) {
	id, err := m.ids.new()
	if err != nil {
		return patients.Treatment{}, err
	}
	t := patients.Treatment{ID: id, Drug: rt.Drug, Code: rt.Code, Dose: rt.Dose, Route: patients.Route(rt.Route),
		Schedule: rt.Schedule, Protocol: rt.Protocol, Monitoring: rt.Monitoring, Prescriber: rt.Prescriber}
	if t.Route != "" && !slices.Contains(patients.Routes(), t.Route) {
		return t, fmt.Errorf("unknown route %q", rt.Route)
	}
	if len(rt.CareItems) == 0 {
		return t, errors.New("no care_items: a treatment says which care gives it")
	}
	open := false
	for _, ref := range rt.CareItems {
		c, ok := byItem[ref]
		if !ok {
			return t, fmt.Errorf("unknown care item %q", ref)
		}
		t.CarePlanIDs = append(t.CarePlanIDs, c.ID)
		if s := c.Recurrence.Start; t.Start.IsZero() || s.Before(t.Start) {
			t.Start = s
		}
		last, ends := c.LastDay()
		if !ends {
			open = true
		} else if last.After(t.End) {
			t.End = last
		}
	}
	if open {
		t.End = patients.Date{}
	}
	return t, t.Validate(1)
}
