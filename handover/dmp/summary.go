package dmp

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/handover"
	"tournee/patients"
)

// Input is everything a summary is made from. Visits and Transmissions may
// cover more than the period: Summarize keeps what falls inside it.
type Input struct {
	Patient       patients.Patient
	Plans         []patients.CarePlan
	Visits        []patients.Visit
	Transmissions []patients.Transmission
	Nurses        []patients.Nurse // the authors are found among them
	Cabinet       patients.Cabinet
	// Signer is the nurse who exports: the legal authenticator. The
	// authors are the nurses who did the care (visits done, transmissions
	// written) in the period, whoever signs.
	Signer   patients.Nurse
	From, To patients.Date // inclusive
	Now      time.Time
}

// Summary is the nursing summary of one patient over a period: the report
// printed into the PDF, and the header of the CDA document that carries it
// (ids and version are the exporter's to set).
type Summary struct {
	Report handover.Report
	Header Header
}

// ErrNothingToSummarise is in the error of a period in which nothing was
// done or written for the patient: an export of every patient skips her.
var ErrNothingToSummarise = errors.New("nothing done or written in the period")

// nothingError is that refusal: the French of its ValidationErrors, which
// errors.As still finds, and errors.Is(err, ErrNothingToSummarise).
type nothingError struct{ patients.ValidationErrors }

func (e nothingError) Unwrap() error        { return e.ValidationErrors }
func (e nothingError) Is(target error) bool { return target == ErrNothingToSummarise }

// Summarize builds the summary. It refuses, in French, what would make a
// document the DMP must not receive: a patient without a qualified INS, a
// period that ends before it starts or in which nothing was done or written.
func Summarize(in Input) (Summary, error) {
	var errs patients.ValidationErrors
	add := func(field, msg string) { errs = append(errs, &patients.ValidationError{Field: field, Msg: msg}) }
	p := in.Patient
	if !p.INS.Qualified() {
		add("INS", fmt.Sprintf("%s n'a pas d'INS qualifiée : le DMP n'accepte que des documents rattachés à une identité qualifiée", p.DisplayName()))
	}
	if in.From.IsZero() || in.To.IsZero() || in.To.Before(in.From) {
		add("période", "la période est vide : la date de fin doit suivre la date de début")
	}
	if len(errs) > 0 {
		return Summary{}, errs
	}
	visits := inPeriod(in.Visits, in.From, in.To)
	trans := transmissionsIn(in.Transmissions, in.From, in.To)
	done := 0
	for _, v := range visits {
		if v.Status == patients.Done {
			done++
		}
	}
	if done == 0 && len(trans) == 0 {
		add("période", fmt.Sprintf("aucun soin fait ni transmission écrite pour %s %s : rien à résumer", p.DisplayName(), french.Period(in.From, in.To)))
		return Summary{}, nothingError{errs}
	}
	names := map[xid.ID]string{}
	for _, n := range in.Nurses {
		names[n.ID] = n.FullName()
	}
	who, err := shares(visits, trans, in.Nurses)
	if err != nil {
		return Summary{}, patients.ValidationErrors{err.(*patients.ValidationError)}
	}
	s := Summary{Header: header(in, who)}
	r := &s.Report
	r.Title = DocumentTitle
	r.Subtitle = p.DisplayName() + " — " + french.Period(in.From, in.To)
	r.Created = in.Now
	r.Meta = []handover.Field{
		{Label: "Patient", Value: patientLine(p)},
		{Label: "INS", Value: p.INS.NIR},
		{Label: "Période", Value: french.Period(in.From, in.To)},
	}
	for _, sh := range who {
		r.Meta = append(r.Meta, handover.Field{Label: "Soins faits par", Value: shareLine(sh)})
	}
	r.Meta = append(r.Meta, handover.Field{Label: "Cabinet", Value: in.Cabinet.Name})
	r.Meta = append(r.Meta, contactFields(p)...)
	r.Sections = []handover.Section{
		careDelivered(visits),
		currentPlan(in.Plans, in.To),
		treatments(p, in.Plans, visits, in.To),
		forDoctor(trans, names),
		events(visits, trans, names),
		allergiesAndAlerts(p),
	}
	r.Footer = fmt.Sprintf("Synthèse établie et signée par %s, infirmière (RPPS %s), %s — le %s", in.Signer.FullName(),
		in.Signer.RPPS, in.Cabinet.Name, french.Date(patients.DateOf(in.Now)))
	return s, nil
}

func patientLine(p patients.Patient) string {
	s := p.DisplayName()
	if !p.BirthDate.IsZero() {
		born := "né le "
		if p.Sex == patients.Female {
			born = "née le "
		}
		s += ", " + born + french.ShortDate(p.BirthDate)
	}
	if p.UsedName != "" && p.BirthName != "" {
		s += " (nom de naissance " + strings.ToUpper(p.BirthName) + ")"
	}
	return s
}

// contactFields are the people a reader may call: the médecin traitant,
// the other prescribers, the pharmacy, with RPPS where known.
func contactFields(p patients.Patient) []handover.Field {
	var out []handover.Field
	for _, c := range p.ContactsWith(patients.MedecinTraitant, patients.Prescripteur, patients.Pharmacie) {
		v := strings.TrimSpace(c.Name + " " + c.Phone)
		if c.RPPS != "" {
			v += " (RPPS " + c.RPPS + ")"
		}
		out = append(out, handover.Field{Label: capitalize(string(c.Role)), Value: v})
	}
	return out
}

func inPeriod(vs []patients.Visit, from, to patients.Date) []patients.Visit {
	var out []patients.Visit
	for _, v := range vs {
		if !v.Date.Before(from) && !v.Date.After(to) {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b patients.Visit) int {
		return cmp.Or(a.Date.Compare(b.Date), int(a.Window.Start)-int(b.Window.Start))
	})
	return out
}

func transmissionsIn(ts []patients.Transmission, from, to patients.Date) []patients.Transmission {
	var out []patients.Transmission
	for _, t := range ts {
		d := patients.DateOf(t.At)
		if !d.Before(from) && !d.After(to) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })
	return out
}

// careDelivered counts the visits done, by kind of care, with the first and
// last day, and says how many were missed.
func careDelivered(vs []patients.Visit) handover.Section {
	sec := handover.Section{Heading: "Soins réalisés", Empty: "Aucun passage sur la période."}
	type tally struct {
		n           int
		first, last patients.Date
	}
	byKind := map[patients.CareKind]*tally{}
	var kinds []patients.CareKind
	missed := 0
	for _, v := range vs {
		if v.Status == patients.Missed || v.Status == patients.Postponed {
			missed++
			continue
		}
		if v.Status != patients.Done {
			continue
		}
		for _, it := range v.Items {
			t := byKind[it.Kind]
			if t == nil {
				t = &tally{first: v.Date}
				byKind[it.Kind] = t
				kinds = append(kinds, it.Kind)
			}
			t.n++
			t.last = v.Date
		}
	}
	slices.SortFunc(kinds, func(a, b patients.CareKind) int { return cmp.Or(byKind[b].n-byKind[a].n, cmp.Compare(a, b)) })
	for _, k := range kinds {
		t := byKind[k]
		text := fmt.Sprintf("%d %s, %s", t.n, plural(t.n, "passage", "passages"), french.Period(t.first, t.last))
		sec.Entries = append(sec.Entries, handover.Entry{Label: capitalize(string(k)), Text: text})
	}
	if missed > 0 {
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Passages non faits",
			Text: fmt.Sprintf("%d (voir les événements notables)", missed)})
	}
	return sec
}

func plural(n int, one, many string) string {
	if n > 1 {
		return many
	}
	return one
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// currentPlan lists the plans still prescribed at the end of the period.
func currentPlan(plans []patients.CarePlan, at patients.Date) handover.Section {
	sec := handover.Section{Heading: "Plan de soins en cours", Empty: "Aucun soin prescrit en cours."}
	for _, c := range plans {
		if !c.EndsOn.IsZero() && c.EndsOn.Before(at) {
			continue
		}
		if !c.Recurrence.Until.IsZero() && c.Recurrence.Until.Before(at) {
			continue
		}
		var windows []string
		for _, w := range c.Windows {
			windows = append(windows, french.Clock(w.Start)+"–"+french.Clock(w.End))
		}
		text := french.CarePlanSchedule(c) + ", " + strings.Join(windows, " et ") + ", " + french.Duration(c.DurationMin)
		if c.Strict {
			text += ", horaire strict"
		}
		e := handover.Entry{Label: capitalize(string(c.Kind)) + " — " + c.Label, Text: text}
		if c.Prescriber != "" {
			e.Lines = append(e.Lines, handover.Field{Label: "Prescrit par", Value: c.Prescriber})
		}
		if !c.EndsOn.IsZero() {
			e.Lines = append(e.Lines, handover.Field{Label: "Jusqu'au", Value: french.LongDate(c.EndsOn)})
		}
		// No cotation: this is a clinical document; billing stays off the DMP.
		sec.Entries = append(sec.Entries, e)
	}
	return sec
}

// administered are the kinds of care that give a treatment.
var administered = []patients.CareKind{patients.Insulin, patients.Injection, patients.LMWHInjected,
	patients.Medication, patients.Infusion, patients.PillBox}

// treatments lists the structured treatments running at the end of the
// period with their dose, route, protocol and monitoring, the other
// treatments as written, and what the nurses gave, with how many times.
func treatments(p patients.Patient, plans []patients.CarePlan, vs []patients.Visit, at patients.Date) handover.Section {
	sec := handover.Section{Heading: "Traitements", Empty: "Aucun traitement renseigné ni administré."}
	planLabel := map[xid.ID]string{}
	for _, c := range plans {
		planLabel[c.ID] = c.Label
	}
	for _, t := range p.ActiveTreatments(at) {
		e := handover.Entry{Label: "Traitement en cours", Text: t.Headline()}
		if t.Code != "" {
			e.Lines = append(e.Lines, handover.Field{Label: "Code", Value: t.Code})
		}
		if span := french.DateSpan(t.Start, t.End); span != "" {
			e.Lines = append(e.Lines, handover.Field{Label: "Durée", Value: span})
		}
		for _, f := range []handover.Field{{Label: "Protocole", Value: t.Protocol}, {Label: "Surveillance", Value: t.Monitoring},
			{Label: "Prescrit par", Value: t.Prescriber}} {
			if strings.TrimSpace(f.Value) != "" {
				e.Lines = append(e.Lines, f)
			}
		}
		var served []string
		for _, id := range t.CarePlanIDs {
			if l := planLabel[id]; l != "" {
				served = append(served, l)
			}
		}
		if len(served) > 0 {
			e.Lines = append(e.Lines, handover.Field{Label: "Soins", Value: strings.Join(served, ", ")})
		}
		sec.Entries = append(sec.Entries, e)
	}
	for _, t := range p.Treatments {
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Autre traitement", Text: t})
	}
	given := map[string]int{}
	var labels []string
	for _, v := range vs {
		if v.Status != patients.Done {
			continue
		}
		for _, it := range v.Items {
			if !slices.Contains(administered, it.Kind) {
				continue
			}
			if given[it.Label] == 0 {
				labels = append(labels, it.Label)
			}
			given[it.Label]++
		}
	}
	for _, l := range labels {
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Administré", Text: fmt.Sprintf("%s — %d fois", l, given[l])})
	}
	return sec
}

func transmissionEntry(t patients.Transmission, names map[xid.ID]string) handover.Entry {
	e := handover.Entry{Label: french.Time(t.At) + " — " + t.Cible, Alert: t.Urgent}
	if n := names[t.AuthorID]; n != "" {
		e.Text = "par " + n
	}
	if t.Urgent {
		e.Text = strings.TrimSpace("urgent · " + e.Text)
	}
	for _, f := range []handover.Field{{Label: "Données", Value: t.Donnees}, {Label: "Actions", Value: t.Actions}, {Label: "Résultats", Value: t.Resultats}} {
		if strings.TrimSpace(f.Value) != "" {
			e.Lines = append(e.Lines, f)
		}
	}
	return e
}

// forDoctor: the transmissions the nurse flagged for the doctor. A
// transmission corrected later is replaced by its correction.
func forDoctor(ts []patients.Transmission, names map[xid.ID]string) handover.Section {
	sec := handover.Section{Heading: "Transmissions pour le médecin", Empty: "Aucune transmission signalée pour le médecin sur la période."}
	corrected := map[xid.ID]bool{}
	for _, t := range ts {
		if !t.Corrects.IsZero() {
			corrected[t.Corrects] = true
		}
	}
	for _, t := range ts {
		if t.ForDoctor && !corrected[t.ID] {
			sec.Entries = append(sec.Entries, transmissionEntry(t, names))
		}
	}
	return sec
}

// events: urgent transmissions not already for the doctor, and the visits
// that could not be made, with why.
func events(vs []patients.Visit, ts []patients.Transmission, names map[xid.ID]string) handover.Section {
	sec := handover.Section{Heading: "Événements notables", Empty: "Rien de notable sur la période."}
	for _, v := range vs {
		if v.Status != patients.Missed && v.Status != patients.Postponed {
			continue
		}
		text := string(v.Status)
		if v.StatusNote != "" {
			text += " (" + v.StatusNote + ")"
		}
		sec.Entries = append(sec.Entries, handover.Entry{Label: french.Date(v.Date) + " — passage non fait", Text: text})
	}
	for _, t := range ts {
		if t.Urgent && !t.ForDoctor {
			sec.Entries = append(sec.Entries, transmissionEntry(t, names))
		}
	}
	return sec
}

func allergiesAndAlerts(p patients.Patient) handover.Section {
	sec := handover.Section{Heading: "Allergies et alertes"}
	// Allergies as recorded: never « aucune » for a question nobody asked.
	switch p.AllergyState() {
	case patients.AllergiesListed:
		for _, a := range p.Allergies {
			sec.Entries = append(sec.Entries, handover.Entry{Label: "Allergie", Text: a, Alert: true})
		}
	case patients.AllergiesNone:
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Allergies", Text: "aucune allergie connue"})
	default:
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Allergies", Text: "non renseignées"})
	}
	for _, a := range p.Alerts {
		sec.Entries = append(sec.Entries, handover.Entry{Label: "Alerte", Text: a.Text, Alert: true})
	}
	return sec
}

// header fills what the summary knows of the CDA header.
func header(in Input, who []share) Header {
	p := in.Patient
	h := Header{
		Created: in.Now,
		Patient: Patient{
			NIR: p.INS.NIR, INSRoot: p.INS.OID,
			BirthName: p.BirthName, FirstGivenName: p.INS.FirstGivenName,
			GivenNames: p.INS.GivenNames, BirthDate: p.BirthDate.At(0), BirthPlaceCOG: p.INS.BirthPlace,
			Sex: string(p.Sex), Street: p.Address.Line, PostalCode: p.Address.PostalCode, City: p.Address.City,
		},
		LegalAuthenticator: nurseAuthor(in.Signer),
		Custodian: Organization{Name: in.Cabinet.Name, Street: in.Cabinet.Address.Line,
			PostalCode: in.Cabinet.Address.PostalCode, City: in.Cabinet.Address.City, Phone: in.Cabinet.Phone},
		ServiceStart:              in.From.At(0),
		ServiceEnd:                in.To.At(patients.Clock(23, 59)),
		HealthcareFacilityType:    "SA07",
		HealthcareFacilityDisplay: "Cabinet individuel",
		PracticeSetting:           "SAD",
		PracticeSettingDisplay:    "Soins à domicile",
	}
	for _, sh := range who {
		a := nurseAuthor(sh.nurse)
		a.First, a.Last = sh.first, sh.last
		h.Authors = append(h.Authors, a)
	}
	if p.BirthDate.IsZero() {
		h.Patient.BirthDate = time.Time{}
	}
	if p.UsedName != "" && !strings.EqualFold(p.UsedName, p.BirthName) {
		h.Patient.UsedName = p.UsedName
	}
	if p.FirstName != "" && !strings.EqualFold(p.FirstName, p.INS.FirstGivenName) {
		h.Patient.UsedFirstName = p.FirstName
	}
	switch {
	case in.Cabinet.FINESS != "":
		h.Custodian.ID = "1" + in.Cabinet.FINESS
	case in.Cabinet.SIRET != "":
		h.Custodian.ID = "3" + in.Cabinet.SIRET
	}
	if len(in.Cabinet.NurseIDs) > 1 {
		h.HealthcareFacilityType, h.HealthcareFacilityDisplay = "SA08", "Cabinet de groupe"
	}
	return h
}
