package handover

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/ngap"
	"tournee/patients"
)

// ProofTitle is the title of the « preuve de soins ».
const ProofTitle = "Preuve de soins"

// ProofInput is what a proof of care is built from: one patient, the
// prescriptions, the visits and the transmissions of a period. Fees holds
// the bill of each done visit (ngap.BillVisits, keyed by visit id).
type ProofInput struct {
	Patient       patients.Patient
	Cabinet       patients.Cabinet
	Nurses        []patients.Nurse
	Plans         []patients.CarePlan
	Visits        []patients.Visit
	Fees          map[xid.ID]ngap.VisitFees
	Transmissions []patients.Transmission
	From, To      patients.Date
	Created       time.Time
}

// Proof is the « preuve de soins » for an indu dispute with the caisse: a
// report for the PDF and the same content as CSV. SHA256 is the hex digest
// of the CSV bytes, printed on the report: whoever holds both can check
// that the printout and the file say the same thing and were not altered.
type Proof struct {
	Report Report
	CSV    []byte
	SHA256 string
	Visits int
}

// BuildProof lists, for the patient and the period, the prescriptions
// (prescriber, dates, validity, cotation), every visit done (date, real
// time, nurse, acts, cotation and amount) and the transmissions written in
// the period or linked to one of those visits.
func BuildProof(in ProofInput) Proof {
	nurse := func(id xid.ID) string {
		if i := slices.IndexFunc(in.Nurses, func(n patients.Nurse) bool { return n.ID == id }); i >= 0 {
			n := in.Nurses[i]
			if n.RPPS != "" {
				return n.FullName() + " (RPPS " + n.RPPS + ")"
			}
			return n.FullName()
		}
		return "infirmière inconnue"
	}
	in.Plans = slices.DeleteFunc(slices.Clone(in.Plans), func(c patients.CarePlan) bool { return !planInPeriod(c, in.From, in.To) && !usedBy(c, in.Visits) })
	slices.SortStableFunc(in.Plans, func(a, b patients.CarePlan) int { return a.Recurrence.Start.Compare(b.Recurrence.Start) })
	done := slices.DeleteFunc(slices.Clone(in.Visits), func(v patients.Visit) bool {
		return v.Status != patients.Done || v.PatientID != in.Patient.ID || v.Date.Before(in.From) || v.Date.After(in.To)
	})
	slices.SortStableFunc(done, func(a, b patients.Visit) int { return cmp.Or(a.Date.Compare(b.Date), a.DoneAt.Compare(b.DoneAt)) })
	visitIDs := map[xid.ID]bool{}
	for _, v := range done {
		visitIDs[v.ID] = true
	}
	trans := slices.DeleteFunc(slices.Clone(in.Transmissions), func(t patients.Transmission) bool {
		d := patients.DateOf(t.At)
		return t.PatientID != in.Patient.ID || !(visitIDs[t.VisitID] || (!d.Before(in.From) && !d.After(in.To)))
	})
	slices.SortStableFunc(trans, func(a, b patients.Transmission) int { return a.At.Compare(b.At) })

	var rows [][]string
	row := func(cells ...string) { rows = append(rows, cells) }
	row("type", "date", "heure", "fin", "infirmiere", "element", "detail", "cotation", "montant_eur")

	presc := Section{Heading: "Prescriptions", Empty: "Aucune prescription enregistrée pour la période"}
	for _, c := range in.Plans {
		validity := "sans fin indiquée"
		if !c.EndsOn.IsZero() {
			validity = "jusqu'au " + french.ShortDate(c.EndsOn)
		}
		cot := planCotation(c)
		lines := []Field{
			{Label: "Prescripteur", Value: cmp.Or(c.Prescriber, "non renseigné")},
			{Label: "Prescrit le", Value: cmp.Or(french.ShortDate(c.PrescribedOn), "non renseigné")},
			{Label: "Validité", Value: validity},
			{Label: "Rythme", Value: french.CarePlanSchedule(c)},
			{Label: "Cotation", Value: cot},
		}
		if m := mentions(c); m != "" {
			lines = append(lines, Field{Label: "Mentions", Value: m})
		}
		presc.Entries = append(presc.Entries, Entry{Label: c.Label, Text: capitalizeFirst(string(c.Kind)), Lines: lines})
		row("prescription", c.PrescribedOn.String(), "", c.EndsOn.String(), "", c.Label,
			"prescripteur: "+c.Prescriber+"; rythme: "+french.CarePlanSchedule(c)+"; mentions: "+mentions(c), cot, "")
	}

	visits := Section{Heading: "Visites faites", Empty: "Aucune visite faite sur la période"}
	var total int64
	for _, v := range done {
		f := in.Fees[v.ID]
		start, end := french.Clock(f.Time), french.Time(v.DoneAt)
		var items []string
		for _, it := range v.Items {
			items = append(items, it.Label)
		}
		cot := ngap.ActsSummary(f)
		if cot == "" {
			cot = "non facturé"
		}
		total += f.Total
		visits.Entries = append(visits.Entries, Entry{
			Label: french.ShortDate(v.Date) + " " + start + "–" + end,
			Text:  strings.Join(items, ", "),
			Lines: []Field{{Label: "Infirmière", Value: nurse(v.DoneBy)}, {Label: "Cotation", Value: cot + " — " + french.Euros(f.Total)}},
		})
		row("visite", v.Date.String(), f.Time.String(), patients.TimeOfDayOf(v.DoneAt).String(), nurse(v.DoneBy),
			strings.Join(items, ", "), v.ID.String(), cot, centsText(f.Total))
	}

	tr := Section{Heading: "Transmissions", Empty: "Aucune transmission sur la période"}
	for _, t := range trans {
		e := Entry{Label: french.ShortDate(patients.DateOf(t.At)) + " " + french.Time(t.At) + " — " + t.Cible, Text: nurse(t.AuthorID)}
		for _, f := range []Field{{Label: "Données", Value: t.Donnees}, {Label: "Actions", Value: t.Actions}, {Label: "Résultats", Value: t.Resultats}} {
			if strings.TrimSpace(f.Value) != "" {
				e.Lines = append(e.Lines, f)
			}
		}
		if !t.Corrects.IsZero() {
			e.Lines = append(e.Lines, Field{Label: "Corrige", Value: "la transmission " + t.Corrects.String()})
		}
		tr.Entries = append(tr.Entries, e)
		row("transmission", patients.DateOf(t.At).String(), patients.TimeOfDayOf(t.At).String(), "", nurse(t.AuthorID), t.Cible,
			"D: "+t.Donnees+" | A: "+t.Actions+" | R: "+t.Resultats, "", "")
	}

	data := proofCSV(rows)
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	p := in.Patient
	ident := p.DisplayName()
	if !p.BirthDate.IsZero() {
		ident += ", né(e) le " + french.ShortDate(p.BirthDate)
	}
	if p.INS != nil && p.INS.NIR != "" {
		ident += ", NIR " + p.INS.NIR
	}
	rep := Report{
		Title:    ProofTitle,
		Subtitle: p.DisplayName() + " — " + french.Period(in.From, in.To),
		Meta: []Field{
			{Label: "Patient", Value: ident},
			{Label: "Cabinet", Value: in.Cabinet.Name},
			{Label: "Période", Value: french.Period(in.From, in.To)},
			{Label: "Visites faites", Value: visitsText(len(done)) + " — " + french.Euros(total) + " (tarifs conventionnels NGAP, métropole)"},
			{Label: "Empreinte SHA-256", Value: digest},
		},
		Sections: []Section{presc, visits, tr},
		Footer:   "Empreinte SHA-256 du fichier CSV joint : " + digest,
		Created:  in.Created,
	}
	return Proof{Report: rep, CSV: data, SHA256: digest, Visits: len(done)}
}

// planInPeriod reports whether a plan called for care in [from, to].
func planInPeriod(c patients.CarePlan, from, to patients.Date) bool {
	if c.Recurrence.Start.After(to) && c.Recurrence.Kind != patients.GivenDays {
		return false
	}
	last, ends := c.LastDay()
	return !ends || !last.Before(from)
}

func usedBy(c patients.CarePlan, vs []patients.Visit) bool {
	return slices.ContainsFunc(vs, func(v patients.Visit) bool {
		return slices.ContainsFunc(v.Items, func(it patients.CareItem) bool { return it.CarePlanID == c.ID })
	})
}

func planCotation(c patients.CarePlan) string {
	switch {
	case len(c.Acts) > 0 && strings.TrimSpace(c.Cotation) != "":
		return patients.ActsText(c.Acts) + " (note : " + c.Cotation + ")"
	case len(c.Acts) > 0:
		return patients.ActsText(c.Acts)
	case strings.TrimSpace(c.Cotation) != "":
		return c.Cotation
	}
	return "non renseignée"
}

func mentions(c patients.CarePlan) string {
	var m []string
	if c.SundaysAndHolidays {
		m = append(m, "y compris dimanches et jours fériés")
	}
	if c.NightOrFixedTime {
		m = append(m, "horaire imposé / nuit")
	}
	return strings.Join(m, " ; ")
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func centsText(c int64) string {
	s := french.Euros(c)
	return strings.TrimSpace(strings.NewReplacer("\u00a0€", "", " €", "", "\u202f", "").Replace(s))
}

// proofCSV writes the rows for a French spreadsheet (UTF-8 with BOM, ";",
// CRLF); a cell that a spreadsheet would run as a formula (= + - @) is
// prefixed with ' (OWASP « CSV injection »): the cells hold what nurses
// typed.
func proofCSV(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	for _, r := range rows {
		out := make([]string, len(r))
		for i, c := range r {
			if c != "" && strings.ContainsRune("=+-@＝＋－＠\t\r", []rune(c)[0]) {
				c = "'" + c
			}
			out[i] = c
		}
		_ = w.Write(out) // a bytes.Buffer does not fail
	}
	w.Flush()
	return b.Bytes()
}
