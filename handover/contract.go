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

// The draft follows the clauses of the Ordre national des infirmiers' model
// replacement contract for a nurse in private practice (« contrat type de
// remplacement », ordre-infirmiers.fr — its headings, not its text, which
// is not reproduced), each clause restating the rule it rests on
// (docs/idel-rules.md §1 and §2):
//
//	Parties        identity, RPPS, Ordre registration number and conseil
//	               départemental (CDOI) of each nurse; the remplaçant's
//	               address and status (own practice or not)       — model contract
//	Objet, durée   temporary replacement for the unavailability   — CSP R.4312-83, R.4312-85
//	Conditions     replacement authorisation without own practice — CSP R.4312-83 al. 1
//	               2 400 h in the last six years (conventionné)   — convention nationale (idelrempla.fr)
//	               professional liability insurance (RCP)         — CSP L.1142-2
//	               the CPAM informed; billing as the titulaire    — convention nationale (urps-infirmiers-centre.fr)
//	Finances       rétrocession, cabinet share, IK                — model contract; macsf.fr
//	Obligations    abstention of the titulaire                    — CSP R.4312-84
//	               continuity of care                             — CSP R.4312-12
//	               professional secrecy                           — CSP L.1110-4, R.4311-1; Code pénal 226-13
//	               equipment, premises and vehicle                — model contract
//	               end of the replacement, non-competition        — CSP R.4312-87
//	               sending the contract to the Ordre              — CSP R.4312-83 al. 3
//	Conciliation   a dispute goes first to the conseil départemental
//	               de l'Ordre for conciliation                    — model contract (article not verified)
//	Signatures

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
		p.practiceConditions(),
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
			{Label: "Secret professionnel", Text: "Le remplaçant est tenu au secret professionnel pour tout ce qu'il apprend des patients du titulaire " +
				"(CSP L.1110-4 et R.4311-1 ; Code pénal, art. 226-13). Les données confiées pour le remplacement ne servent qu'à la continuité des soins " +
				"et sont effacées de ses appareils une fois les transmissions rendues."},
			{Label: "Matériel, locaux et véhicule", Text: "Le remplaçant utilise le cabinet, le matériel et les consommables du titulaire pour les soins de sa patientèle ; " +
				"il en prend soin et signale toute perte. Il se déplace avec son propre véhicule, assuré pour un usage professionnel, sauf accord contraire : ……"},
			{Label: "Communication à l'Ordre", Text: "Chacune des parties adresse le présent contrat au conseil départemental de l'Ordre des infirmiers " +
				"où elle est inscrite (CSP R.4312-83, al. 3)."},
		}},
		{Heading: "Conciliation", Entries: []Entry{{Label: "Différend", Text: "En cas de différend sur l'interprétation ou l'exécution du présent contrat, " +
			"les parties s'engagent à le soumettre, avant toute action en justice, à la conciliation du conseil départemental de l'Ordre des infirmiers."}}},
		p.signatures(),
	}
	return r
}

// toFill is what the nurses complete by hand when the base does not know.
const toFill = "…… (à compléter)"

func orFill(s string) string {
	if strings.TrimSpace(s) == "" {
		return toFill
	}
	return s
}

// ordreLines are a nurse's registration at the Ordre, as the model
// contract names each party.
func ordreLines(n patients.Nurse) []Field {
	return []Field{
		{Label: "Inscrit(e) au tableau de l'Ordre sous le n°", Value: orFill(n.Ordre)},
		{Label: "Conseil départemental de l'Ordre (CDOI)", Value: orFill(n.CDOI)},
	}
}

func (p Pack) parties() Section {
	sec := Section{Heading: "Entre les soussignés"}
	for _, t := range p.Titulaires {
		e := Entry{Label: "Le titulaire", Text: nurseLine(t)}
		if t.ADELI != "" {
			e.Lines = append(e.Lines, Field{Label: "ADELI", Value: t.ADELI})
		}
		e.Lines = append(e.Lines, ordreLines(t)...)
		e.Lines = append(e.Lines, Field{Label: "Exerçant au", Value: joinNonEmpty(", ", p.Cabinet.Name, p.Cabinet.Address.Label())})
		sec.Entries = append(sec.Entries, e)
	}
	rem := p.Remplacant
	e := Entry{Label: "Le remplaçant", Text: nurseLine(rem)}
	e.Lines = append(e.Lines, ordreLines(rem)...)
	address := ""
	if rem.Address != nil {
		address = rem.Address.Label()
	}
	e.Lines = append(e.Lines, Field{Label: "Demeurant", Value: orFill(address)})
	status := "sans cabinet propre (remplaçant exclusif)"
	if rem.OwnPractice {
		status = "installé dans son propre cabinet"
	}
	e.Lines = append(e.Lines, Field{Label: "Statut", Value: status})
	if r := rem.Replacement; rem.OwnPractice {
		e.Lines = append(e.Lines, Field{Label: "Autorisation de remplacement", Value: "non requise (cabinet propre, CSP R.4312-83)"})
	} else if r != nil && r.AuthorisationNumber != "" {
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

// practiceConditions are what the remplaçant justifies before the replacement
// starts (docs/idel-rules.md §1).
func (p Pack) practiceConditions() Section {
	rem := p.Remplacant
	exp := "Le remplaçant justifie de 2 400 heures d'exercice infirmier au cours des six dernières années, condition pour remplacer un infirmier conventionné : ……"
	if rem.Experience2400h {
		exp = "Le remplaçant justifie de 2 400 heures d'exercice infirmier au cours des six dernières années, condition pour remplacer un infirmier conventionné (justificatif fourni)."
	}
	auth := "Le remplaçant, sans cabinet propre, est titulaire d'une autorisation de remplacement en cours de validité pendant toute la période, " +
		"délivrée par le conseil départemental de l'Ordre (CSP R.4312-83) ; aucun remplacement n'a lieu au-delà de sa date de fin."
	if rem.OwnPractice {
		auth = "Le remplaçant exerce dans son propre cabinet : aucune autorisation de remplacement n'est requise (CSP R.4312-83)."
	}
	rcp := "Le remplaçant est couvert par sa propre assurance de responsabilité civile professionnelle (CSP L.1142-2) : assureur et n° de contrat " + orFill(rem.RCP) + "."
	return Section{Heading: "Conditions d'exercice du remplaçant", Entries: []Entry{
		{Label: "Autorisation", Text: auth},
		{Label: "Expérience", Text: exp},
		{Label: "Assurance (RCP)", Text: rcp},
		{Label: "Caisse d'assurance maladie", Text: "Le titulaire informe sa caisse primaire d'assurance maladie (CPAM) du remplacement, de sa période et de l'identité du remplaçant ; " +
			"le remplaçant facture sous l'identité du titulaire avec sa carte CPS de remplaçant."},
	}}
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
