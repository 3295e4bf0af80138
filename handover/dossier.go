package handover

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// DossierTitle is the title of the printed dossier.
const DossierTitle = "Dossier de remplacement"

// OSMCredit is the credit the OpenStreetMap licence (ODbL) asks for
// wherever road data is used.
const OSMCredit = "© les contributeurs d'OpenStreetMap"

// lastTransmissions is how many recent transmissions a patient's page shows
// besides the ones flagged for the remplaçant or urgent: the latest news,
// without reprinting eight weeks of notes.
const lastTransmissions = 5

// Dossier returns the printable dossier: the conditions of the replacement,
// one page per patient (access first, since it is what the remplaçant needs
// on the doorstep), one sheet per round of each day of the period, and the
// doctors and pharmacies to call.
func (p Pack) Dossier() Report {
	names := p.nurseNames()
	r := Report{
		Title:    DossierTitle,
		Subtitle: p.Remplacant.FullName() + " — " + french.Period(p.From, p.To),
		Created:  p.Created,
		Meta: []Field{
			{Label: "Remplaçant(e)", Value: p.Remplacant.FullName()},
			{Label: titulaireLabel(len(p.Titulaires)), Value: p.titulaireNames()},
			{Label: "Période", Value: french.Period(p.From, p.To)},
			{Label: "Cabinet", Value: p.Cabinet.Name},
			{Label: "Patients", Value: strconv.Itoa(len(p.Patients))},
		},
		Footer: fmt.Sprintf("Confidentiel, secret professionnel — %s — remis à %s le %s",
			p.Cabinet.Name, p.Remplacant.FullName(), french.ShortDate(patients.DateOf(p.Created))),
	}
	if p.RoadTimes {
		r.Meta = append(r.Meta, Field{Label: "Heures de passage", Value: "calculées par la route, " + OSMCredit})
	}
	r.Sections = append(r.Sections, p.conditions())
	for _, pt := range p.Patients {
		r.Sections = append(r.Sections, p.patientSection(pt, names))
	}
	for d := p.From; !d.After(p.To); d = d.AddDays(1) {
		r.Sections = append(r.Sections, p.daySheets(d, names)...)
	}
	r.Sections = append(r.Sections, p.directory())
	return r
}

// conditions is the cover: who replaces whom, when, on which terms.
func (p Pack) conditions() Section {
	sec := Section{Heading: "Conditions du remplacement"}
	for _, t := range p.Titulaires {
		e := Entry{Label: "Titulaire", Text: nurseLine(t)}
		if t.Phone != "" {
			e.Lines = append(e.Lines, Field{Label: "Téléphone", Value: t.Phone})
		}
		sec.Entries = append(sec.Entries, e)
	}
	e := Entry{Label: "Remplaçant(e)", Text: nurseLine(p.Remplacant)}
	if p.Remplacant.Phone != "" {
		e.Lines = append(e.Lines, Field{Label: "Téléphone", Value: p.Remplacant.Phone})
	}
	if r := p.Remplacant.Replacement; r != nil && r.AuthorisationNumber != "" {
		e.Lines = append(e.Lines, Field{Label: "Autorisation de remplacement", Value: "n° " + r.AuthorisationNumber})
		if !r.AuthorisationUntil.IsZero() {
			e.Lines = append(e.Lines, Field{Label: "Valable jusqu'au", Value: french.LongDate(r.AuthorisationUntil)})
		}
	} else {
		e.Lines = append(e.Lines, Field{Label: "Autorisation de remplacement", Value: "non renseignée"})
	}
	sec.Entries = append(sec.Entries, e,
		Entry{Label: "Période", Text: french.Period(p.From, p.To) + " (" + dayCount(p.From, p.To) + ")"},
		Entry{Label: "Part du cabinet", Text: french.Percent(p.CabinetShare) + " des honoraires, conservés par le titulaire pour les frais du cabinet"},
	)
	cab := Entry{Label: "Cabinet", Text: p.Cabinet.Name}
	if a := p.Cabinet.Address.Label(); a != "" {
		cab.Lines = append(cab.Lines, Field{Label: "Adresse", Value: a})
	}
	if p.Cabinet.Phone != "" {
		cab.Lines = append(cab.Lines, Field{Label: "Téléphone", Value: p.Cabinet.Phone})
	}
	sec.Entries = append(sec.Entries, cab)
	return sec
}

// patientSection is one patient's page, in the order a remplaçant needs it:
// how to get in, what must not be missed, whom to call, what to do, and
// what happened lately.
func (p Pack) patientSection(pt patients.Patient, names map[xid.ID]string) Section {
	heading := pt.DisplayName()
	if age, ok := ageOn(pt.BirthDate, p.From); ok {
		heading += fmt.Sprintf(", %d ans", age)
	}
	sec := Section{Heading: heading, Empty: "Aucune information sur ce patient."}
	sec.Entries = append(sec.Entries, accessEntry(pt))
	for _, a := range pt.Alerts {
		label := "Alerte"
		if a.Kind != "" && a.Kind != patients.AlertInfo {
			label += " (" + string(a.Kind) + ")"
		}
		sec.Entries = append(sec.Entries, Entry{Label: label, Text: a.Text, Alert: true})
	}
	for _, a := range pt.Allergies {
		sec.Entries = append(sec.Entries, Entry{Label: "Allergie", Text: a, Alert: true})
	}
	for _, a := range pt.Absences {
		if (a.To.IsZero() || !a.To.Before(p.From)) && !a.From.After(p.To) {
			text := a.Reason + " " + absenceSpan(a)
			if a.Note != "" {
				text += " — " + a.Note
			}
			sec.Entries = append(sec.Entries, Entry{Label: "Absent(e)", Text: strings.TrimSpace(text), Alert: true})
		}
	}
	for _, c := range sortedContacts(pt.Contacts) {
		sec.Entries = append(sec.Entries, Entry{Label: contactLabel(c), Text: joinNonEmpty(" — ", c.Name, c.Phone)})
	}
	for _, c := range p.CarePlans {
		if c.PatientID == pt.ID {
			sec.Entries = append(sec.Entries, planEntry(c))
		}
	}
	if len(pt.Pathologies) > 0 {
		sec.Entries = append(sec.Entries, Entry{Label: "Pathologies", Text: strings.Join(pt.Pathologies, ", ")})
	}
	for _, t := range pt.Treatments {
		sec.Entries = append(sec.Entries, Entry{Label: "Traitement", Text: t})
	}
	sec.Entries = append(sec.Entries, patientSheetEntries(pt, p.CarePlans, p.From, p.To)...)
	if strings.TrimSpace(pt.Notes) != "" {
		sec.Entries = append(sec.Entries, Entry{Label: "Remarques", Text: pt.Notes})
	}
	ts := p.recentTransmissions(pt.ID)
	if len(ts) == 0 {
		sec.Entries = append(sec.Entries, Entry{Label: "Transmissions", Text: fmt.Sprintf("aucune transmission dans les %d semaines avant le remplacement", TransmissionWeeks)})
	}
	for _, t := range ts {
		sec.Entries = append(sec.Entries, transmissionEntry(t, names))
	}
	return sec
}

// accessEntry always comes first, even when nothing is known, so the
// remplaçant sees that nobody wrote a door code rather than missing it.
func accessEntry(pt patients.Patient) Entry {
	e := Entry{Label: "Accès", Text: joinNonEmpty(" — ", pt.Address.Label(), pt.Address.Complement)}
	if e.Text == "" {
		e.Text = "adresse non renseignée"
	}
	a := pt.Access
	for _, f := range []Field{
		{Label: "Digicode", Value: a.DoorCode},
		{Label: "Boîte à clés", Value: a.KeyBox},
		{Label: "Étage", Value: a.Floor},
		{Label: "Animaux", Value: a.Dog},
		{Label: "Stationnement", Value: a.Parking},
		{Label: "À savoir", Value: a.Notes},
	} {
		if strings.TrimSpace(f.Value) != "" {
			e.Lines = append(e.Lines, f)
		}
	}
	if a.IsZero() {
		e.Lines = append(e.Lines, Field{Label: "Consignes", Value: "aucune consigne d'accès enregistrée"})
	}
	for _, ph := range pt.Phones {
		label := "Téléphone"
		if ph.Label != "" {
			label += " (" + ph.Label + ")"
		}
		e.Lines = append(e.Lines, Field{Label: label, Value: ph.Number})
	}
	if !pt.Address.HasCoordinates() {
		e.Lines = append(e.Lines, Field{Label: "Carte", Value: "adresse non placée sur la carte"})
	}
	return e
}

// contactRoles is the order contacts are listed in: whom a remplaçant
// calls first about care comes first.
var contactRoles = []patients.ContactRole{patients.MedecinTraitant, patients.Prescripteur, patients.Pharmacie,
	patients.Famille, patients.Aidant, patients.AutreContact}

func sortedContacts(cs []patients.Contact) []patients.Contact {
	out := slices.Clone(cs)
	rank := func(c patients.Contact) int {
		if i := slices.Index(contactRoles, c.Role); i >= 0 {
			return i
		}
		return len(contactRoles)
	}
	slices.SortStableFunc(out, func(a, b patients.Contact) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

func contactLabel(c patients.Contact) string {
	l := capitalize(string(c.Role))
	if c.Relation != "" {
		l += " (" + c.Relation + ")"
	}
	return l
}

func planEntry(c patients.CarePlan) Entry {
	var windows []string
	for _, w := range c.EffectiveWindows() {
		windows = append(windows, windowText(w))
	}
	parts := []string{french.CarePlanSchedule(c)}
	if len(windows) > 0 {
		parts = append(parts, strings.Join(windows, " et "))
	}
	parts = append(parts, french.Duration(c.DurationMin))
	if c.Strict {
		parts = append(parts, "horaire strict")
	}
	if c.Fasting {
		parts = append(parts, "à jeun")
	}
	e := Entry{Label: joinNonEmpty(" — ", capitalize(string(c.Kind)), c.Label), Text: strings.Join(parts, ", ")}
	for _, f := range []Field{
		{Label: "Prescrit par", Value: c.Prescriber},
		{Label: "Fin de prescription", Value: french.LongDate(c.EndsOn)},
		{Label: "Cotation", Value: c.Cotation},
		{Label: "Remarques", Value: c.Notes},
	} {
		if f.Value != "" {
			e.Lines = append(e.Lines, f)
		}
	}
	if c.LabDropoffBefore > 0 {
		e.Lines = append(e.Lines, Field{Label: "Tubes au laboratoire avant", Value: french.Clock(c.LabDropoffBefore)})
	}
	if c.Last {
		e.Lines = append(e.Lines, Field{Label: "Ordre", Value: "en fin de tournée"})
	}
	return e
}

// recentTransmissions: what was flagged for the remplaçant or urgent, and
// the latest others, newest first; a corrected transmission gives way to its
// correction.
func (p Pack) recentTransmissions(patient xid.ID) []patients.Transmission {
	corrected := map[xid.ID]bool{}
	for _, t := range p.Transmissions {
		if !t.Corrects.IsZero() {
			corrected[t.Corrects] = true
		}
	}
	var mine []patients.Transmission
	for _, t := range p.Transmissions {
		if t.PatientID == patient && !corrected[t.ID] {
			mine = append(mine, t)
		}
	}
	slices.SortStableFunc(mine, func(a, b patients.Transmission) int { return b.At.Compare(a.At) })
	var out []patients.Transmission
	others := 0
	for _, t := range mine {
		if t.ForReplacement || t.Urgent {
			out = append(out, t)
		} else if others < lastTransmissions {
			out = append(out, t)
			others++
		}
	}
	return out
}

func transmissionEntry(t patients.Transmission, names map[xid.ID]string) Entry {
	when := t.At.In(patients.Paris())
	e := Entry{Label: french.ShortDate(patients.DateOf(when)) + " " + french.Time(when) + " — " + t.Cible, Alert: t.Urgent}
	var flags []string
	if t.Urgent {
		flags = append(flags, "urgent")
	}
	if t.ForReplacement {
		flags = append(flags, "à lire par le remplaçant")
	}
	if n := names[t.AuthorID]; n != "" {
		flags = append(flags, "par "+n)
	}
	e.Text = strings.Join(flags, " · ")
	for _, f := range []Field{{Label: "D", Value: t.Donnees}, {Label: "A", Value: t.Actions}, {Label: "R", Value: t.Resultats}} {
		if strings.TrimSpace(f.Value) != "" {
			e.Lines = append(e.Lines, f)
		}
	}
	return e
}

// daySheets are one day's rounds, one sheet per round that goes in the car:
// the visits in planned order, each with the time to be there, its window,
// the address and what opens the door. A day without visits is one line,
// not a blank page.
func (p Pack) daySheets(d patients.Date, names map[xid.ID]string) []Section {
	byID := map[xid.ID]patients.Patient{}
	for _, pt := range p.Patients {
		byID[pt.ID] = pt
	}
	var out []roundSheet
	// p.Visits is in round order (sortVisits): day, round, planned position.
	for _, v := range p.Visits {
		if v.Date != d {
			continue
		}
		if len(out) == 0 || out[len(out)-1].round != v.Round {
			out = append(out, roundSheet{round: v.Round, Section: Section{
				Heading: "Tournée du " + french.Date(d) + " — " + string(v.Round), NewPage: true}})
		}
		sheet := &out[len(out)-1]
		sheet.Entries = append(sheet.Entries, p.visitEntry(v, byID[v.PatientID], names))
	}
	if len(out) == 0 {
		return []Section{{Heading: "Tournée du " + french.Date(d), Empty: "Aucun passage prévu ce jour."}}
	}
	secs := make([]Section, len(out))
	for i, o := range out {
		secs[i] = o.Section
	}
	return secs
}

type roundSheet struct {
	Section
	round patients.Round
}

// visitEntry is one stop of a round sheet, three printed lines so a round
// fits on one page: « 3. 8h10 — NOM Prénom », the window and the care, the
// address with the access.
func (p Pack) visitEntry(v patients.Visit, pt patients.Patient, names map[xid.ID]string) Entry {
	// Without an ETA the window is the time; with one, the window follows.
	when := windowText(v.Window)
	var parts []string
	if v.PlannedArrival > 0 {
		when = french.Clock(v.PlannedArrival)
		parts = append(parts, "plage "+windowText(v.Window))
	}
	label := when + " — " + pt.DisplayName()
	if v.Order > 0 {
		label = strconv.Itoa(v.Order) + ". " + label
	}
	for _, it := range v.Items {
		parts = append(parts, joinNonEmpty(" : ", string(it.Kind), it.Label))
	}
	if v.DurationMin > 0 {
		parts = append(parts, french.Duration(v.DurationMin))
	}
	if v.Strict {
		parts = append(parts, "horaire strict")
	}
	if v.Order <= 0 && v.LeftOut != "" {
		parts = append(parts, "non placé dans la tournée : "+v.LeftOut)
	}
	// The titulaires' rounds are hers for the period: only a colleague's
	// visit (a visit à deux) names its nurse.
	if v.NurseID != p.Remplacant.ID && !p.isTitulaire(v.NurseID) {
		nurse := names[v.NurseID]
		if nurse == "" {
			nurse = "non attribué"
		}
		parts = append(parts, "par "+nurse)
	}
	e := Entry{Label: label, Text: strings.Join(parts, " · ")}
	addr := joinNonEmpty(" — ", pt.Address.Label(), pt.Address.Complement)
	if addr == "" {
		addr = "non renseignée"
	}
	// What opens the door goes on the address line: a round of a dozen
	// stops must fit its page. The dog, the parking and the notes are on
	// the patient's page.
	a := pt.Access
	access := joinNonEmpty(" · ", prefixed("digicode ", a.DoorCode), prefixed("boîte à clés ", a.KeyBox), a.Floor)
	e.Lines = append(e.Lines, Field{Label: "Adresse", Value: joinNonEmpty(" — ", addr, access)})
	return e
}

func (p Pack) isTitulaire(id xid.ID) bool {
	for _, t := range p.Titulaires {
		if t.ID == id {
			return true
		}
	}
	return false
}

func prefixed(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}

// directory gathers the doctors and pharmacies of the covered patients,
// each once, with the patients they follow.
func (p Pack) directory() Section {
	sec := Section{Heading: "Médecins et pharmacies", Empty: "Aucun médecin ni pharmacie renseigné."}
	type entry struct {
		rank     int
		c        patients.Contact
		patients []string
	}
	var list []*entry
	byKey := map[string]*entry{}
	for _, pt := range p.Patients {
		for _, c := range pt.Contacts {
			switch c.Role {
			case patients.MedecinTraitant, patients.Prescripteur, patients.Pharmacie:
			default:
				continue
			}
			rank := slices.Index(contactRoles, c.Role)
			k := contactKey(c)
			e := byKey[k]
			if e == nil {
				e = &entry{rank: rank, c: c}
				byKey[k] = e
				list = append(list, e)
			}
			if !slices.Contains(e.patients, pt.DisplayName()) {
				e.patients = append(e.patients, pt.DisplayName())
			}
		}
	}
	slices.SortStableFunc(list, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(strings.ToLower(a.c.Name), strings.ToLower(b.c.Name)))
	})
	for _, e := range list {
		x := Entry{Label: capitalize(string(e.c.Role)), Text: joinNonEmpty(" — ", e.c.Name, e.c.Phone)}
		x.Lines = append(x.Lines, Field{Label: "Patients", Value: strings.Join(e.patients, ", ")})
		sec.Entries = append(sec.Entries, x)
	}
	return sec
}

// contactKey identifies a doctor or pharmacy across patient files typed by
// hand: by RPPS when known, else by name and phone digits, ignoring case
// and spacing. A doctor who is one patient's médecin traitant and another's
// prescripteur is still listed once per role, the way nurses call them.
func contactKey(c patients.Contact) string {
	if c.RPPS != "" {
		return string(c.Role) + "|rpps:" + c.RPPS
	}
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, c.Phone)
	return string(c.Role) + "|" + strings.Join(strings.Fields(strings.ToLower(c.Name)), " ") + "|" + digits
}

func windowText(w patients.Window) string {
	if w.Start == w.End {
		return french.Clock(w.Start)
	}
	return french.Clock(w.Start) + "–" + french.Clock(w.End)
}

func absenceSpan(a patients.Absence) string {
	if a.To.IsZero() {
		return "depuis le " + french.ShortDate(a.From)
	}
	return "du " + french.ShortDate(a.From) + " au " + french.ShortDate(a.To)
}

// ageOn returns the age in whole years on day d.
func ageOn(birth, d patients.Date) (int, bool) {
	if birth.IsZero() || d.Before(birth) {
		return 0, false
	}
	age := d.Year - birth.Year
	if d.Month < birth.Month || (d.Month == birth.Month && d.Day < birth.Day) {
		age--
	}
	return age, true
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
