package demo

import (
	"fmt"

	"tournee/patients"
)

// fictionalTransmission is a transmission ciblée written for the demo so the
// patient files show some history. Like everything in the demo file, every
// word of it is INVENTED: no real patient, event or measurement.
type fictionalTransmission struct {
	patient  string // file id of the patient; the author is the primary nurse
	daysAgo  int    // ≥ 1, so a transmission is never in the future on load
	at       patients.TimeOfDay
	cible    string
	donnees  string
	actions  string
	results  string
	urgent   bool
	forRempl bool
	forDoc   bool
}

// fictionalTransmissions are oldest first. Each one fits its patient's care
// plan and dates in the file: P23's fall is on the day her hospital stay
// starts (from_offset_days −3), P24's PICC line is on day 2 of his IV course,
// P43's refusal follows his access note ("prévenir le médecin en cas de refus
// de prise").
var fictionalTransmissions = []fictionalTransmission{
	{
		patient: "P20", daysAgo: 4, at: patients.Clock(9, 35),
		cible:    "Risque d'escarre",
		donnees:  "Patiente fatiguée ce matin. Rougeur non blanchissante au talon droit, peau intacte.",
		actions:  "Transfert lit-fauteuil réalisé à deux au lève-personne. Talons mis en décharge (coussin sous les mollets), pas de massage de la zone.",
		results:  "Rougeur à réévaluer à chaque passage. Toujours deux soignants pour la toilette et les transferts.",
		forRempl: true,
	},
	{
		patient: "P23", daysAgo: 3, at: patients.Clock(9, 5),
		cible:   "Chute",
		donnees: "Patiente retrouvée au sol dans sa chambre à notre arrivée, consciente et orientée. Douleur de la hanche droite, jambe droite raccourcie en rotation externe.",
		actions: "Pas de mobilisation. Appel du 15 à 8 h 20, patiente couverte et surveillée jusqu'à l'arrivée des secours. Médecin traitant informé.",
		results: "Transférée aux urgences, hospitalisée. Passages suspendus jusqu'à son retour.",
		urgent:  true,
		forDoc:  true,
	},
	{
		patient: "P01", daysAgo: 2, at: patients.Clock(7, 20),
		cible:   "Glycémie",
		donnees: "Glycémie capillaire à jeun 2,85 g/L. Patiente asymptomatique, dit avoir mangé des gâteaux hier soir.",
		actions: "Insuline injectée à la dose prescrite. Rappel des conseils alimentaires. Contrôle prévu au passage du soir.",
		results: "Glycémie du soir 1,92 g/L.",
	},
	{
		patient: "P47", daysAgo: 2, at: patients.Clock(17, 40),
		cible:   "Anticoagulant",
		donnees: "Hématome de 3 cm au point d'injection abdominal de la veille. Pas de saignement des gencives ni d'urines foncées.",
		actions: "Injection faite à distance de l'hématome, rotation des sites rappelée au patient.",
		results: "Hématome stable. Contrôle des plaquettes prévu à la prise de sang à jeun.",
	},
	{
		patient: "P24", daysAgo: 2, at: patients.Clock(20, 25),
		cible:    "Voie veineuse (PICC line)",
		donnees:  "Point d'insertion propre, ni rougeur ni écoulement, pansement occlusif intact. Température 37,1 °C.",
		actions:  "Antibiotique passé en 30 min sans incident. Rinçage pulsé au sérum physiologique après la perfusion.",
		results:  "Bonne tolérance. Pour la remplaçante : heures fixes 7 h 30 et 19 h 30, poches au réfrigérateur de la cuisine.",
		forRempl: true,
	},
	{
		patient: "P43", daysAgo: 1, at: patients.Clock(8, 10),
		cible:   "Refus de soin",
		donnees: "Refuse le traitement du matin, dit « ne plus en avoir besoin ». Calme, discours cohérent, pas d'agitation.",
		actions: "Écoute et explications, nouvelle proposition dix minutes plus tard : refus maintenu. Médecin traitant prévenu par téléphone comme convenu.",
		results: "Le médecin rappelle le patient dans la journée. Prochain passage demain à 8 h.",
		forDoc:  true,
	},
	{
		patient: "P03", daysAgo: 1, at: patients.Clock(9, 45),
		cible:   "Plaie",
		donnees: "Ulcère de la jambe gauche 4 × 3 cm (5 × 3 cm la semaine dernière). Fond fibrineux à 30 %, bords rosés, exsudat modéré, pas d'odeur.",
		actions: "Nettoyage au sérum physiologique, détersion mécanique, pansement selon le protocole prescrit.",
		results: "Plaie en voie d'amélioration. Prochain pansement au prochain jour prévu (mardi ou samedi).",
	},
	{
		patient: "P11", daysAgo: 1, at: patients.Clock(19, 20),
		cible:   "Douleur",
		donnees: "EVA 6/10 au repos, gémissements lors des mobilisations. Interdose prise à 17 h selon l'épouse.",
		actions: "Installation en position antalgique, soins de bouche, effleurages. Médecin appelé pour adapter le traitement antalgique.",
		results: "EVA 3/10 à 19 h 45. Épouse rassurée.",
		forDoc:  true,
	},
}

// transmissions maps the fictional transmissions onto the loaded patients,
// dated relative to the reference day like the rest of the demo.
func (m *mapper) transmissions() ([]patients.Transmission, error) {
	out := make([]patients.Transmission, 0, len(fictionalTransmissions))
	for i, ft := range fictionalTransmissions {
		pid, ok := m.patients[ft.patient]
		if !ok {
			return nil, fmt.Errorf("transmission %d: unknown patient %q", i+1, ft.patient)
		}
		id, err := m.ids.new()
		if err != nil {
			return nil, fmt.Errorf("transmission %d: %w", i+1, err)
		}
		t := patients.Transmission{
			ID:             id,
			PatientID:      pid,
			AuthorID:       m.primary[ft.patient],
			At:             m.today.AddDays(-ft.daysAgo).At(ft.at),
			Cible:          ft.cible,
			Donnees:        ft.donnees,
			Actions:        ft.actions,
			Resultats:      ft.results,
			Urgent:         ft.urgent,
			ForReplacement: ft.forRempl,
			ForDoctor:      ft.forDoc,
		}
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("transmission %d: %w", i+1, err)
		}
		out = append(out, t)
	}
	return out, nil
}
