package handover

import (
	"fmt"
	"math"
	"strings"

	"tournee/french"
	"tournee/patients"
)

// ContractTitle is the title of the contract draft.
const ContractTitle = "Contrat de remplacement (projet)"

// Contract returns the draft of the written contract, and false when the
// replacement does not need one: a written contract is required beyond
// 24 hours (CSP R.4312-85, see ContractRequired). The draft names no patient:
// it goes to the Ordre, which has no business knowing who is cared for.
// It is a draft to be read, completed and signed by both nurses, not legal
// advice; the clauses restate the rules of docs/idel-rules.md §1.
func (p Pack) Contract() (Report, bool) {
	if !ContractRequired(p.From, p.To) {
		return Report{}, false
	}
	return p.ContractDraft(), true
}

// ContractDraft returns the draft whatever the length: a short replacement
// repeated needs one too (CSP R.4312-85), which only the stored records
// tell (replacement.PrepareChecked).
func (p Pack) ContractDraft() Report {
	r := Report{
		Title:    ContractTitle,
		Subtitle: "Projet à relire et compléter avant signature — " + french.Period(p.From, p.To),
		Created:  p.Created,
		Meta: []Field{
			{Label: titulaireLabel(len(p.Titulaires)), Value: p.titulaireNames()},
			{Label: "Remplaçant(e)", Value: p.Remplacant.FullName()},
			{Label: "Période", Value: french.Period(p.From, p.To)},
			{Label: "Cabinet", Value: p.Cabinet.Name},
		},
		Footer: "Projet de contrat établi le " + french.ShortDate(patients.DateOf(p.Created)) +
			" — à vérifier, compléter et signer ; ne vaut pas contrat en l'état",
	}
	r.Sections = []Section{
		{Heading: "Avertissement", Entries: []Entry{{
			Label: "Projet",
			Text: "Ce document est un projet préparé par le logiciel à partir des données du cabinet. " +
				"Relisez chaque clause, complétez-la et faites-la vérifier (modèle de contrat de l'Ordre des infirmiers) avant de le signer.",
			Alert: true,
		}}},
		p.parties(),
		p.object(),
		p.money(),
		{Heading: "Obligations des parties", Entries: []Entry{
			{Label: "Abstention du titulaire", Text: "Pendant toute la durée du remplacement, le titulaire s'abstient de toute activité infirmière, " +
				"sauf assistance à personne en danger ou réquisition (CSP R.4312-84). S'il exerce en association ou en société, il en informe ses associés."},
			{Label: "Facturation", Text: "Le remplaçant soigne les patients du titulaire et facture sous l'identité du titulaire " +
				"(feuilles de soins ou session de remplacement avec sa carte CPS de remplaçant) ; il ne facture pas les caisses en son nom. " +
				"Il prend la situation conventionnelle du titulaire."},
			{Label: "Continuité des soins", Text: "Le titulaire transmet au remplaçant les informations nécessaires à la continuité des soins ; " +
				"à la fin du remplacement, le remplaçant lui transmet à son tour les soins faits et les événements survenus (CSP R.4312-12)."},
			{Label: "Fin du remplacement", Text: "À la fin du remplacement, et une fois la continuité des soins assurée, le remplaçant cesse toute activité " +
				"de remplacement auprès des patients du titulaire (CSP R.4312-87)."},
			{Label: "Non-concurrence", Text: "Le remplaçant qui a remplacé le titulaire plus de trois mois, consécutifs ou non, ne peut pas, pendant deux ans, " +
				"s'installer dans un cabinet où il entrerait en concurrence directe avec le titulaire, sauf accord entre eux notifié au conseil départemental de l'Ordre (CSP R.4312-87)."},
			{Label: "Communication à l'Ordre", Text: "Chacune des parties adresse le présent contrat au conseil départemental de l'Ordre des infirmiers " +
				"où elle est inscrite (CSP R.4312-83, al. 3)."},
		}},
		p.signatures(),
	}
	return r
}

func (p Pack) parties() Section {
	sec := Section{Heading: "Entre les soussignés"}
	for _, t := range p.Titulaires {
		e := Entry{Label: "Le titulaire", Text: nurseLine(t)}
		if t.ADELI != "" {
			e.Lines = append(e.Lines, Field{Label: "ADELI", Value: t.ADELI})
		}
		e.Lines = append(e.Lines, Field{Label: "Exerçant au", Value: joinNonEmpty(", ", p.Cabinet.Name, p.Cabinet.Address.Label())})
		sec.Entries = append(sec.Entries, e)
	}
	e := Entry{Label: "Le remplaçant", Text: nurseLine(p.Remplacant)}
	if r := p.Remplacant.Replacement; r != nil && r.AuthorisationNumber != "" {
		e.Lines = append(e.Lines, Field{Label: "Autorisation de remplacement", Value: "n° " + r.AuthorisationNumber +
			", délivrée par le conseil départemental de l'Ordre des infirmiers"})
		if v := validity(r.AuthorisationFrom, r.AuthorisationUntil); v != "" {
			e.Lines = append(e.Lines, Field{Label: "Validité", Value: v})
		}
	} else {
		e.Lines = append(e.Lines, Field{Label: "Autorisation de remplacement", Value: "n° …… du …… (à compléter : obligatoire sans cabinet propre, CSP R.4312-83)"})
	}
	sec.Entries = append(sec.Entries, e)
	return sec
}

func (p Pack) object() Section {
	return Section{Heading: "Objet et durée", Entries: []Entry{
		{Label: "Objet", Text: fmt.Sprintf("%s remplace %s auprès de sa patientèle, temporairement, pendant son indisponibilité.",
			p.Remplacant.FullName(), p.titulaireNames())},
		{Label: "Période", Text: strings.ToUpper(french.Period(p.From, p.To)[:1]) + french.Period(p.From, p.To)[1:] +
			" inclus (" + dayCount(p.From, p.To) + ")."},
		{Label: "Lieu", Text: joinNonEmpty(", ", p.Cabinet.Name, p.Cabinet.Address.Label(), p.Cabinet.Phone)},
	}}
}

// money states the rétrocession: the caisses pay the titulaire, who pays
// the remplaçant back minus the cabinet's share (docs/idel-rules.md §1).
func (p Pack) money() Section {
	const example = 100000 // 1 000 € in cents, the worked example of the rules
	kept := int64(math.Round(example * p.CabinetShare))
	return Section{Heading: "Conditions financières", Entries: []Entry{
		{Label: "Part du cabinet", Text: french.Percent(p.CabinetShare) + " des honoraires perçus pour les soins du remplaçant, conservés par le titulaire pour les frais du cabinet."},
		{Label: "Rétrocession", Text: "Le titulaire perçoit les honoraires des soins faits par le remplaçant et lui en reverse le montant, diminué de la part du cabinet. " +
			"Les indemnités kilométriques (IK) sont exclues de l'assiette de la part du cabinet et reversées en totalité au remplaçant, sauf accord contraire écrit ci-dessous.",
			Lines: []Field{{Label: "Exemple", Value: fmt.Sprintf("pour %s d'honoraires, le titulaire conserve %s et reverse %s",
				french.Euros(example), french.Euros(kept), french.Euros(example-kept))}}},
		{Label: "Assiette", Text: "Honoraires facturés / honoraires encaissés (rayer la mention inutile). Versement au plus tard le …… suivant la fin du remplacement."},
		{Label: "Accord particulier", Text: "……"},
	}}
}

func (p Pack) signatures() Section {
	sec := Section{Heading: "Signatures", Entries: []Entry{{Text: "Fait à …………, le …………, en autant d'exemplaires que de parties, plus un pour chaque conseil départemental de l'Ordre concerné."}}}
	for _, t := range p.Titulaires {
		sec.Entries = append(sec.Entries, Entry{Label: "Le titulaire, " + t.FullName(), Text: "……………………"})
	}
	sec.Entries = append(sec.Entries, Entry{Label: "Le remplaçant, " + p.Remplacant.FullName(), Text: "……………………"})
	return sec
}

func validity(from, until patients.Date) string {
	switch {
	case !from.IsZero() && !until.IsZero():
		return "du " + french.LongDate(from) + " au " + french.LongDate(until)
	case !until.IsZero():
		return "jusqu'au " + french.LongDate(until)
	case !from.IsZero():
		return "depuis le " + french.LongDate(from)
	}
	return ""
}
