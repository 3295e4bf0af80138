package handover

import (
	"strings"

	"tournee/french"
	"tournee/patients"
)

// patientSheetEntries are the health lines of a patient's page that a
// remplaçante acts on: allergies when none are listed (« non renseignées »
// must read as a question to ask, never as « aucune »), and the structured
// treatments running during the replacement — drug, dose, route, schedule,
// dates, protocol (an insulin scale), monitoring (platelets under LMWH) and
// the care they are given in.
func patientSheetEntries(pt patients.Patient, plans []patients.CarePlan, from, to patients.Date) []Entry {
	var out []Entry
	switch pt.AllergyState() {
	case patients.AllergiesNone:
		out = append(out, Entry{Label: "Allergies", Text: pt.AllergyText()})
	case patients.AllergiesUnknown:
		out = append(out, Entry{Label: "Allergies", Text: "non renseignées : à demander avant tout nouveau produit", Alert: true})
	}
	label := map[string]string{}
	for _, c := range plans {
		if c.PatientID == pt.ID {
			label[c.ID.String()] = c.Label
		}
	}
	for _, t := range pt.Protocols {
		// Running at some point of the replacement.
		if (!t.End.IsZero() && t.End.Before(from)) || (!t.Start.IsZero() && t.Start.After(to)) {
			continue
		}
		e := Entry{Label: "Traitement suivi", Text: t.Headline()}
		var soins []string
		for _, id := range t.CarePlanIDs {
			if l := label[id.String()]; l != "" {
				soins = append(soins, l)
			}
		}
		for _, f := range []Field{
			{Label: "Durée", Value: french.DateSpan(t.Start, t.End)},
			{Label: "Code", Value: t.Code},
			{Label: "Protocole", Value: t.Protocol},
			{Label: "Surveillance", Value: t.Monitoring},
			{Label: "Prescrit par", Value: t.Prescriber},
			{Label: "Soins", Value: strings.Join(soins, ", ")},
		} {
			if strings.TrimSpace(f.Value) != "" {
				e.Lines = append(e.Lines, f)
			}
		}
		out = append(out, e)
	}
	return out
}
