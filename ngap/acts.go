package ngap

import (
	"fmt"
	"slices"
	"strings"

	"tournee/patients"
)

// PlanCotation is what a care plan asks to bill: its acts (structured, or
// read from the text of an older plan), the majorations its text names, and
// whether its acts are left unspecified (« actes selon la NGAP »).
type PlanCotation struct {
	Acts        []patients.CareAct
	Majorations []string // written majorations, as ParseCotation returns them
	Unspecified bool
	// FromText is set when the acts were read from the free text.
	FromText bool
}

// PlanActs returns the acts of a plan. The structured list wins; an older
// plan with only the free text is read with ParseCotation, and the text's
// conventions are turned into modifiers so that it bills as the structured
// list would:
//
//   - an insulin plan's acts are the art. 5bis group, and a note naming the
//     5bis surveillance adds that act, AMI 1 (NGAP Titre XVI ch. II art. 5bis,
//     docs/ngap-idel.md §3.1: "surveillance AMI 1 + injection AMI 1");
//   - a perfusion plan's acts are stages of one perfusion (§3.1);
//   - a dressing written with MCI is a pansement lourd et complexe: MCI is
//     paid at home only for those (§3.2), and AMI 4 + MCI is the doc's
//     cotation for them (§5).
//
// Majorations in the structured list (MCI, MIE) come back in Majorations.
func PlanActs(p patients.CarePlan) (PlanCotation, error) {
	if len(p.Acts) > 0 {
		var pc PlanCotation
		for _, a := range p.Acts {
			if planMajorations[a.Key] {
				pc.Majorations = append(pc.Majorations, a.Key)
				continue
			}
			pc.Acts = append(pc.Acts, a)
		}
		return pc, nil
	}
	if strings.TrimSpace(p.Cotation) == "" {
		return PlanCotation{}, nil
	}
	c, err := ParseCotation(p.Cotation)
	if err != nil {
		return PlanCotation{}, err
	}
	pc := PlanCotation{Majorations: c.Majorations, Unspecified: c.Unspecified, FromText: true}
	var mods []patients.ActModifier
	switch {
	case p.Kind == patients.Insulin:
		mods = []patients.ActModifier{patients.Surveillance5bis}
	case p.Kind == patients.Infusion:
		mods = []patients.ActModifier{patients.PerfusionStage}
	case p.Kind == patients.Dressing && slices.Contains(c.Majorations, "MCI"):
		mods = []patients.ActModifier{patients.HeavyDressing}
	}
	for _, a := range c.Acts {
		ca := patients.CareAct{Key: a.Key, Coef: a.Coef}
		if letterKeys[a.Key] && len(mods) > 0 {
			ca.Modifiers = slices.Clone(mods)
		}
		pc.Acts = append(pc.Acts, ca)
	}
	if c.Surveillance5bis {
		pc.Acts = append(pc.Acts, patients.CareAct{Key: "AMI", Coef: 1, Modifiers: []patients.ActModifier{patients.Surveillance5bis}})
	}
	return pc, nil
}

// planMajorations are the majorations a structured list may hold: the plan
// alone knows the pansement lourd or the child's age. MAU, night, Sunday and
// travel are computed from the visit, never listed.
var planMajorations = map[string]bool{"MCI": true, "MIE": true}

// ValidateActs checks a structured cotation against the tariff table on the
// day on (the prescription's date, or today): every key is a letter key, a
// BSI forfait or a plan majoration with a value in force that day; a forfait
// or a majoration has coefficient 1; a modifier fits its act. The error is
// French, for the nurse who typed or chose the acts.
func ValidateActs(acts []patients.CareAct, t Tariffs, on patients.Date) error {
	forfaitsSeen := 0
	for i, a := range acts {
		key := strings.ToUpper(strings.TrimSpace(a.Key))
		what := fmt.Sprintf("acte %d (%s)", i+1, a)
		switch {
		case letterKeys[key]:
		case forfaits[key]:
			forfaitsSeen++
			if a.Coef != 1 {
				return fmt.Errorf("%s : un forfait BSI se cote une fois (coefficient 1)", what)
			}
		case planMajorations[key]:
			if a.Coef != 1 {
				return fmt.Errorf("%s : une majoration n'a pas de coefficient (1)", what)
			}
		default:
			return fmt.Errorf("%s : « %s » n'est pas une lettre-clé de la table (AMI, AMX, AIS, DI, TMI, BSA, BSB, BSC) ni MCI ou MIE", what, a.Key)
		}
		if key != a.Key {
			return fmt.Errorf("%s : écrivez la lettre-clé en majuscules (« %s »)", what, key)
		}
		if !(a.Coef > 0 && a.Coef <= maxCoef) || !twoDecimals(a.Coef) {
			return fmt.Errorf("%s : coefficient illisible (ex. 1 ou 1,5)", what)
		}
		if _, ok := t.Row(key, on); !ok {
			return fmt.Errorf("%s : pas de tarif en vigueur le %s dans la table NGAP", what, on)
		}
		for _, m := range a.Modifiers {
			if !slices.Contains(patients.ActModifiers(), m) {
				return fmt.Errorf("%s : précision « %s » inconnue", what, m)
			}
			if !letterKeys[key] {
				return fmt.Errorf("%s : la précision « %s » ne s'applique qu'à un acte (AMI, AIS…)", what, m)
			}
		}
	}
	if forfaitsSeen > 1 {
		return fmt.Errorf("un seul forfait BSI (BSA, BSB ou BSC) par soin")
	}
	return nil
}

// Preset is a common IDEL cotation a form or the CLI offers, so that nobody
// types « AMI 1 + … ». Kind is the care kind it usually goes with.
type Preset struct {
	ID    string
	Label string
	Kind  patients.CareKind
	Acts  []patients.CareAct
}

func act(key string, coef float64, mods ...patients.ActModifier) patients.CareAct {
	return patients.CareAct{Key: key, Coef: coef, Modifiers: mods}
}

// Presets lists the common cotations. Sources: docs/ngap-idel.md §5 and
// §3 for all but the perfusions; the doc is silent on perfusions, whose
// coefficients are taken from the NGAP text (Titre XVI ch. II art. 3 as
// revised by avenant 6: séance courte ≤ 1 h sous surveillance continue
// AMI 9, forfait de séance > 1 h AMI 14) — to check against the current
// NGAP, which the label says.
func Presets() []Preset {
	return []Preset{
		{"insuline", "Insuline avec surveillance (art. 5bis) : AMI 1 + AMI 1", patients.Insulin,
			[]patients.CareAct{act("AMI", 1, patients.Surveillance5bis), act("AMI", 1, patients.Surveillance5bis)}},
		{"injection", "Injection SC ou IM : AMI 1", patients.Injection, []patients.CareAct{act("AMI", 1)}},
		{"anticoagulant", "Injection d'anticoagulant : AMI 1", patients.LMWHInjected, []patients.CareAct{act("AMI", 1)}},
		{"prelevement", "Prélèvement veineux : AMI 1,5", patients.BloodDraw, []patients.CareAct{act("AMI", 1.5)}},
		{"pansement-simple", "Pansement simple, ablation d'agrafes : AMI 2", patients.Dressing, []patients.CareAct{act("AMI", 2)}},
		{"pansement-lourd", "Pansement lourd et complexe : AMI 4 + MCI", patients.Dressing,
			[]patients.CareAct{act("AMI", 4, patients.HeavyDressing), act("MCI", 1)}},
		{"bilan-plaie", "Bilan de plaie initial : AMI 11", patients.Dressing, []patients.CareAct{act("AMI", 11)}},
		{"bsa", "BSI prise en charge légère : BSA", patients.HygieneBSI, []patients.CareAct{act("BSA", 1)}},
		{"bsb", "BSI prise en charge intermédiaire : BSB", patients.HygieneBSI, []patients.CareAct{act("BSB", 1)}},
		{"bsc", "BSI prise en charge lourde : BSC", patients.HygieneBSI, []patients.CareAct{act("BSC", 1)}},
		{"bsi-initial", "BSI initial : DI 2,5", patients.HygieneBSI, []patients.CareAct{act("DI", 2.5)}},
		{"ais", "Séance de soins infirmiers (demi-heure) : AIS 3", patients.HygieneAIS, []patients.CareAct{act("AIS", 3)}},
		{"perfusion-courte", "Perfusion courte ≤ 1 h sous surveillance : AMI 9 (à vérifier)", patients.Infusion,
			[]patients.CareAct{act("AMI", 9, patients.PerfusionStage)}},
		{"perfusion-longue", "Perfusion > 1 h, forfait de séance : AMI 14 (à vérifier)", patients.Infusion,
			[]patients.CareAct{act("AMI", 14, patients.PerfusionStage)}},
		{"palliatif", "Soins palliatifs à domicile : MCI (+ les actes faits)", patients.Palliative, []patients.CareAct{act("MCI", 1)}},
	}
}

// PresetByID returns the preset with that id.
func PresetByID(id string) (Preset, bool) {
	i := slices.IndexFunc(Presets(), func(p Preset) bool { return p.ID == id })
	if i < 0 {
		return Preset{}, false
	}
	return Presets()[i], true
}
