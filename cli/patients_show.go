package cli

import (
	"fmt"
	"io"
	"strings"

	"tournee/french"
	"tournee/patients"
)

// writeTreatments prints the structured treatments of the fiche: one
// headline each (drug, dose, route, schedule), then its dates, protocol,
// monitoring and the care plans it is given in.
func writeTreatments(w io.Writer, p patients.Patient, plans []patients.CarePlan, line func(label, v string)) {
	if len(p.Protocols) == 0 {
		return
	}
	label := map[string]string{}
	for _, c := range plans {
		label[c.ID.String()] = c.Label
	}
	fmt.Fprintf(w, "Traitements suivis (%d)\n", len(p.Protocols))
	for _, t := range p.Protocols {
		fmt.Fprintf(w, "  - %s\n", safe(t.Headline()))
		line("Durée", french.DateSpan(t.Start, t.End))
		line("Code", t.Code)
		line("Protocole", t.Protocol)
		line("Surveillance", t.Monitoring)
		line("Prescrit par", t.Prescriber)
		var soins []string
		for _, id := range t.CarePlanIDs {
			if l := label[id.String()]; l != "" {
				soins = append(soins, l)
			}
		}
		line("Soins", strings.Join(soins, ", "))
	}
}

// contactText is « Dr Poulain (fille) 06 … (RPPS …) », without the gaps of
// the parts left empty.
func contactText(c patients.Contact) string {
	var parts []string
	for _, s := range []string{c.Name, paren(c.Relation), c.Phone} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if c.RPPS != "" {
		parts = append(parts, "(RPPS "+c.RPPS+")")
	}
	return strings.Join(parts, " ")
}
