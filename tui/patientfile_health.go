package tui

import (
	"strings"

	"tournee/french"
	"tournee/patients"
)

// health is what the patient has and takes: allergies as recorded (never
// « aucune » for a question nobody asked), pathologies, and the treatments
// the nurses give or watch, with their protocol and monitoring.
func (b *fileBuilder) health(p patients.Patient, plans []patients.CarePlan, today patients.Date) {
	b.section("Santé")
	switch p.AllergyState() {
	case patients.AllergiesListed:
		b.line("  " + b.st.Label.Render("Allergies : ") + b.st.Alert.Render("⚠ "+p.AllergyText()))
	case patients.AllergiesNone:
		b.field("Allergies", p.AllergyText())
	default:
		b.line("  " + b.st.Label.Render("Allergies : ") + b.st.Late.Render("non renseignées (à demander)"))
	}
	b.field("Pathologies", orNone(strings.Join(p.Pathologies, ", "), "non renseignées"))
	if len(p.Treatments) > 0 {
		b.field("Autres traitements", strings.Join(p.Treatments, ", "))
	}

	b.section("Traitements et protocoles")
	if len(p.Protocols) == 0 {
		b.line(b.st.Muted.Render("  Aucun traitement suivi. Appuyez sur e pour en ajouter (étape Santé et entourage)."))
		return
	}
	label := map[string]string{}
	for _, c := range plans {
		label[c.ID.String()] = c.Label
	}
	for _, t := range p.Protocols {
		head := t.Headline()
		st := b.st.Bold
		if !t.ActiveOn(today) {
			st = b.st.Muted
			if !t.End.IsZero() && t.End.Before(today) {
				head += " (terminé)"
			} else {
				head += " (pas commencé)"
			}
		}
		b.wrapped("• ", head, st)
		if span := french.DateSpan(t.Start, t.End); span != "" {
			b.field("  Durée", span)
		}
		if t.Code != "" {
			b.field("  Code", t.Code)
		}
		if t.Protocol != "" {
			b.line("    " + b.st.Label.Render("Protocole :"))
			for _, l := range strings.Split(t.Protocol, "\n") {
				b.wrapped("      ", l, b.st.Value)
			}
		}
		if t.Monitoring != "" {
			b.field("  Surveillance", t.Monitoring)
		}
		if t.Prescriber != "" {
			b.field("  Prescrit par", t.Prescriber)
		}
		var soins []string
		for _, id := range t.CarePlanIDs {
			if l := label[id.String()]; l != "" {
				soins = append(soins, l)
			}
		}
		if len(soins) > 0 {
			b.field("  Soins", strings.Join(soins, ", "))
		}
	}
}

// planTreatments names, under a care plan, the treatments given in it.
func (b *fileBuilder) planTreatments(p patients.Patient, c patients.CarePlan) {
	for _, t := range p.Protocols {
		if t.Serves(c.ID) {
			b.wrapped("    ", "Traitement : "+t.Headline(), b.st.Value)
		}
	}
}
