package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/huh/v2"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// healthDraft holds the fields of the INS, the people around the patient
// and the treatments, as typed.
type healthDraft struct {
	nir, insStatus, firstGivenName, givenNames, birthPlace string
	doctorName, doctorPhone, doctorRPPS                    string
	pharmacyName, pharmacyPhone                            string
	prescribers, family                                    string
	pathologies, allergyState, allergies, otherTreatments  string
	protocols                                              string
}

// Allergy states as the select offers them.
const (
	allergyUnknown = "inconnu"
	allergyNone    = "aucune"
	allergyListed  = "liste"
)

func healthDraftOf(p patients.Patient, plans []patients.CarePlan) healthDraft {
	h := healthDraft{
		pathologies:     strings.Join(p.Pathologies, ", "),
		allergies:       strings.Join(p.Allergies, ", "),
		otherTreatments: strings.Join(p.Treatments, ", "),
		protocols:       formatTreatments(p.Protocols, plans),
	}
	switch p.AllergyState() {
	case patients.AllergiesListed:
		h.allergyState = allergyListed
	case patients.AllergiesNone:
		h.allergyState = allergyNone
	default:
		h.allergyState = allergyUnknown
	}
	if p.INS != nil {
		h.nir, h.insStatus = p.INS.NIR, string(p.INS.Status)
		h.firstGivenName, h.givenNames, h.birthPlace = p.INS.FirstGivenName, p.INS.GivenNames, p.INS.BirthPlace
	}
	var prescribers, family []string
	for _, c := range p.Contacts {
		switch c.Role {
		case patients.MedecinTraitant:
			h.doctorName, h.doctorPhone, h.doctorRPPS = c.Name, c.Phone, c.RPPS
		case patients.Pharmacie:
			h.pharmacyName, h.pharmacyPhone = c.Name, c.Phone
		case patients.Prescripteur:
			prescribers = append(prescribers, joinNonEmpty(" ; ", c.Name, c.Phone, c.RPPS))
		case patients.Famille, patients.Aidant:
			rel := c.Relation
			if rel == "" {
				rel = string(c.Role)
			}
			family = append(family, rel+" : "+joinNonEmpty(" ; ", c.Name, c.Phone))
		}
	}
	h.prescribers = strings.Join(prescribers, "\n")
	h.family = strings.Join(family, "\n")
	return h
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

// insGroup is the INS part of the identity step.
func (f *patientForm) insGroup() *huh.Group {
	h := &f.draft.health
	return huh.NewGroup(
		huh.NewInput().Title("Matricule INS (NIR)").Value(&h.nir).Placeholder("15 caractères, clé comprise").
			Validate(func(s string) error {
				if n := patients.NormalizeNIR(s); n != "" {
					if err := patients.ValidateNIR(n); err != nil {
						return err
					}
				}
				return nil
			}).
			Description(f.desc("nir", "vide si inconnu ; la clé est vérifiée")),
		huh.NewSelect[string]().Title("Statut de l'identité").Inline(true).Value(&h.insStatus).Options(
			huh.NewOption("Provisoire", string(patients.INSProvisoire)),
			huh.NewOption("Récupérée", string(patients.INSRecuperee)),
			huh.NewOption("Validée", string(patients.INSValidee)),
			huh.NewOption("Qualifiée", string(patients.INSQualifiee)),
		).Description("qualifiée : INS vérifiée par le téléservice INSi et une pièce d'identité (obligatoire pour le DMP)"),
		huh.NewInput().Title("Premier prénom de naissance").Value(&h.firstGivenName),
		huh.NewInput().Title("Prénoms de naissance").Value(&h.givenNames).Description("tous, séparés par des espaces"),
		huh.NewInput().Title("Lieu de naissance (code COG)").Value(&h.birthPlace).Placeholder("59350 ; 99xxx si né(e) à l'étranger"),
	).Title("INS")
}

// healthForm is the last step: the people around the patient, then what
// she has and takes.
func (f *patientForm) healthForm() *huh.Form {
	h := &f.draft.health
	var planNames []string
	for _, c := range f.plans {
		planNames = append(planNames, "« "+c.Label+" »")
	}
	soins := "le libellé d'un soin prescrit"
	if len(planNames) > 0 {
		soins = strings.Join(planNames, ", ")
	}
	return newForm(f.styles,
		huh.NewGroup(
			huh.NewInput().Title("Médecin traitant").Value(&h.doctorName),
			huh.NewInput().Title("Téléphone du médecin").Value(&h.doctorPhone),
			huh.NewInput().Title("RPPS du médecin").Value(&h.doctorRPPS).
				Description(f.desc("médecin", "11 chiffres, facultatif")),
			huh.NewText().Title("Autres prescripteurs").Value(&h.prescribers).Lines(2).ExternalEditor(false).
				Description(f.desc("prescripteurs", "un par ligne : nom ; téléphone ; RPPS")),
			huh.NewInput().Title("Pharmacie").Value(&h.pharmacyName),
			huh.NewInput().Title("Téléphone de la pharmacie").Value(&h.pharmacyPhone),
			huh.NewText().Title("Famille et aidants").Value(&h.family).Lines(3).ExternalEditor(false).
				Description("un par ligne : lien : nom ; téléphone (fille : Sandrine Caron ; 06 …, aidant : …)"),
		).Title("Entourage"),
		huh.NewGroup(
			huh.NewInput().Title("Pathologies").Value(&h.pathologies).Description("séparées par des virgules"),
			huh.NewSelect[string]().Title("Allergies").Inline(true).Value(&h.allergyState).Options(
				huh.NewOption("Non renseignées", allergyUnknown),
				huh.NewOption("Aucune connue", allergyNone),
				huh.NewOption("Liste", allergyListed),
			).Description("« aucune connue » seulement si la question a été posée"),
			huh.NewInput().Title("Liste des allergies").Value(&h.allergies).
				Description(f.desc("allergies", "séparées par des virgules")),
			huh.NewInput().Title("Autres traitements").Value(&h.otherTreatments).
				Description("ceux du courrier du médecin, séparés par des virgules"),
			huh.NewText().Title("Traitements et protocoles suivis").Value(&h.protocols).Lines(8).ExternalEditor(false).
				Description(f.desc("traitements", "un bloc par traitement, séparés par une ligne vide ; rubriques : Médicament, Code, Dose, Voie, Horaire, Du, Au, Protocole, Surveillance, Prescrit par, Soins ("+soins+")")),
		).Title("Santé et traitements"),
	)
}

// applyHealth puts the health draft into p; what cannot be read comes back
// as errors under the fields, and p is then not saved.
func (f patientForm) applyHealth(p *patients.Patient) patients.ValidationErrors {
	h := f.draft.health
	var errs patients.ValidationErrors
	add := func(field, msg string) { errs = append(errs, &patients.ValidationError{Field: field, Msg: msg}) }

	if nir := patients.NormalizeNIR(h.nir); nir == "" {
		p.INS = nil
	} else {
		ins := patients.INS{OID: patients.OIDInsNIR}
		if p.INS != nil {
			ins = *p.INS
		}
		ins.NIR, ins.Status = nir, patients.INSStatus(h.insStatus)
		ins.FirstGivenName = strings.TrimSpace(h.firstGivenName)
		ins.GivenNames = strings.Join(strings.Fields(h.givenNames), " ")
		ins.BirthPlace = strings.ToUpper(strings.TrimSpace(h.birthPlace))
		p.INS = &ins
	}

	var contacts []patients.Contact
	for _, c := range p.Contacts {
		if c.Role == patients.AutreContact {
			contacts = append(contacts, c) // not edited here: kept as they are
		}
	}
	if name := strings.TrimSpace(h.doctorName); name != "" || strings.TrimSpace(h.doctorRPPS) != "" {
		c := patients.Contact{Role: patients.MedecinTraitant, Name: name, Phone: strings.TrimSpace(h.doctorPhone), RPPS: strings.TrimSpace(h.doctorRPPS)}
		if c.RPPS != "" {
			if _, err := patients.ValidateRPPS(c.RPPS); err != nil {
				add("médecin", "le RPPS du médecin doit compter 11 chiffres")
			}
		}
		contacts = append(contacts, c)
	}
	for i, line := range nonEmptyLines(h.prescribers) {
		parts := strings.Split(line, ";")
		c := patients.Contact{Role: patients.Prescripteur, Name: strings.TrimSpace(parts[0])}
		for _, part := range parts[1:] {
			part = strings.TrimSpace(part)
			switch {
			case len(part) == 11 && strings.Trim(part, "0123456789") == "":
				c.RPPS = part
			case c.Phone == "":
				c.Phone = part
			default:
				add("prescripteurs", fmt.Sprintf("ligne %d : « %s » n'est ni un téléphone ni un RPPS à 11 chiffres", i+1, part))
			}
		}
		contacts = append(contacts, c)
	}
	if name := strings.TrimSpace(h.pharmacyName); name != "" {
		contacts = append(contacts, patients.Contact{Role: patients.Pharmacie, Name: name, Phone: strings.TrimSpace(h.pharmacyPhone)})
	}
	for _, line := range nonEmptyLines(h.family) {
		c := patients.Contact{Role: patients.Famille}
		rest := line
		if rel, after, ok := strings.Cut(line, ":"); ok {
			c.Relation, rest = strings.TrimSpace(rel), after
		}
		name, phone, _ := strings.Cut(rest, ";")
		c.Name, c.Phone = strings.TrimSpace(name), strings.TrimSpace(phone)
		if strings.HasPrefix(patients.Fold(c.Relation), "aidant") {
			c.Role = patients.Aidant
		}
		if c.Relation == string(c.Role) {
			c.Relation = ""
		}
		contacts = append(contacts, c)
	}
	p.Contacts = contacts

	p.Pathologies = splitList(h.pathologies)
	p.Treatments = splitList(h.otherTreatments)
	p.Allergies, p.NoKnownAllergies = nil, false
	list := splitList(h.allergies)
	switch h.allergyState {
	case allergyNone:
		if len(list) > 0 {
			add("allergies", "« aucune connue » est choisi mais des allergies sont écrites : choisissez « Liste » ou videz la liste")
		}
		p.NoKnownAllergies = true
	case allergyListed:
		if len(list) == 0 {
			add("allergies", "« Liste » est choisi mais aucune allergie n'est écrite")
		}
		p.Allergies = list
	default:
		if len(list) > 0 {
			p.Allergies = list // a list typed with the state left as is is a list
		}
	}
	ts, terrs := parseTreatments(h.protocols, f.orig.Protocols, f.plans)
	p.Protocols = ts
	errs = append(errs, terrs...)
	return errs
}

func nonEmptyLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// treatmentKeys are the headings of a treatment block, folded.
var treatmentKeys = []string{"medicament", "code", "dose", "voie", "horaire", "du", "au", "protocole", "surveillance", "prescrit par", "soins"}

// formatTreatments writes the structured treatments as blocks of
// « Rubrique : valeur » lines, the form parseTreatments reads back.
func formatTreatments(ts []patients.Treatment, plans []patients.CarePlan) string {
	label := map[xid.ID]string{}
	for _, c := range plans {
		label[c.ID] = c.Label
	}
	var blocks []string
	for _, t := range ts {
		var soins []string
		for _, id := range t.CarePlanIDs {
			if l := label[id]; l != "" {
				soins = append(soins, l)
			}
		}
		var lines []string
		for _, kv := range [][2]string{{"Médicament", t.Drug}, {"Code", t.Code}, {"Dose", t.Dose}, {"Voie", string(t.Route)},
			{"Horaire", t.Schedule}, {"Du", french.ShortDate(t.Start)}, {"Au", french.ShortDate(t.End)},
			{"Protocole", t.Protocol}, {"Surveillance", t.Monitoring}, {"Prescrit par", t.Prescriber}, {"Soins", strings.Join(soins, ", ")}} {
			if kv[1] != "" {
				lines = append(lines, kv[0]+" : "+strings.ReplaceAll(kv[1], "\n", "\n  "))
			}
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return strings.Join(blocks, "\n\n")
}

// parseTreatments reads the blocks back. A treatment keeps its id when its
// drug is unchanged; « Soins » names care plans by their label.
func parseTreatments(s string, old []patients.Treatment, plans []patients.CarePlan) ([]patients.Treatment, patients.ValidationErrors) {
	var errs patients.ValidationErrors
	add := func(n int, msg string) {
		errs = append(errs, &patients.ValidationError{Field: "traitements", Msg: fmt.Sprintf("traitement %d : %s", n, msg)})
	}
	var out []patients.Treatment
	var cur *patients.Treatment
	var last string // the heading a continuation line belongs to
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			cur, last = nil, ""
			continue
		}
		if cur == nil {
			out = append(out, patients.Treatment{})
			cur = &out[len(out)-1]
		}
		n := len(out)
		head, value, ok := strings.Cut(line, ":")
		key := patients.Fold(strings.TrimSpace(head))
		if !ok || !slices.Contains(treatmentKeys, key) || strings.HasPrefix(line, " ") {
			if last == "protocole" || last == "surveillance" {
				// A protocol goes on over several lines (an insulin scale).
				field := &cur.Protocol
				if last == "surveillance" {
					field = &cur.Monitoring
				}
				*field += "\n" + strings.TrimSpace(line)
				continue
			}
			add(n, fmt.Sprintf("« %s » : rubrique inconnue (Médicament, Code, Dose, Voie, Horaire, Du, Au, Protocole, Surveillance, Prescrit par, Soins)", strings.TrimSpace(head)))
			continue
		}
		value = strings.TrimSpace(value)
		last = key
		switch key {
		case "medicament":
			cur.Drug = value
		case "code":
			cur.Code = value
		case "dose":
			cur.Dose = value
		case "voie":
			cur.Route = patients.Route(value)
		case "horaire":
			cur.Schedule = value
		case "du", "au":
			d, err := patients.ParseDate(value)
			if err != nil {
				add(n, fmt.Sprintf("date « %s » illisible : tapez JJ/MM/AAAA", value))
				continue
			}
			if key == "du" {
				cur.Start = d
			} else {
				cur.End = d
			}
		case "protocole":
			cur.Protocol = value
		case "surveillance":
			cur.Monitoring = value
		case "prescrit par":
			cur.Prescriber = value
		case "soins":
			for _, l := range splitList(value) {
				i := slices.IndexFunc(plans, func(c patients.CarePlan) bool { return patients.Fold(c.Label) == patients.Fold(l) })
				if i < 0 {
					add(n, fmt.Sprintf("aucun soin prescrit ne s'appelle « %s »", l))
					continue
				}
				cur.CarePlanIDs = append(cur.CarePlanIDs, plans[i].ID)
			}
		}
	}
	for i := range out {
		t := &out[i]
		if j := slices.IndexFunc(old, func(o patients.Treatment) bool { return patients.Fold(o.Drug) == patients.Fold(t.Drug) }); j >= 0 {
			t.ID = old[j].ID
		}
		if t.ID.IsZero() {
			t.ID = xid.New()
		}
	}
	return out, errs
}

// whyNotADate says why a birth date typed as JJ/MM/AAAA is not one: a day
// the month does not have, a month past 12, or a shape it cannot read.
func whyNotADate(s string) string {
	var d, m, y int
	var rest string
	if n, _ := fmt.Sscanf(strings.TrimSpace(s)+" .", "%d/%d/%d %s", &d, &m, &y, &rest); n == 4 && rest == "." && y >= 1000 {
		switch {
		case m < 1 || m > 12:
			return fmt.Sprintf("il n'y a pas de mois %d : le mois va de 01 à 12 (JJ/MM/AAAA)", m)
		case d < 1:
			return "le jour doit être au moins 01 (JJ/MM/AAAA)"
		default:
			days := patients.NewDate(y, time.Month(m)+1, 0).Day
			if d <= days {
				break
			}
			return fmt.Sprintf("le %d %s n'existe pas : %s %d compte %d jours", d, monthName(m), monthName(m), y, days)
		}
	}
	return "date illisible : tapez JJ/MM/AAAA, par exemple 11/01/1938"
}

func monthName(m int) string {
	return [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"}[m]
}
