package ngap

import (
	"cmp"

	"tournee/french"
	"tournee/patients"
)

// majorations adds MAU, MCI, MIE and the one night or Sunday majoration of a
// visit (see Bill for the rules and their sources).
func majorations(f *VisitFees, v patients.Visit, vps []visitPlan, acts []billedAct, forfait *billedAct,
	written map[string]patients.CarePlan, heavy bool, cab Cabinet, price func(string) (int64, error)) error {
	palliative := false
	for _, vp := range vps {
		palliative = palliative || vp.plan.Kind == patients.Palliative
	}
	plan, wroteMCI := written["MCI"]
	mci := wroteMCI || heavy || palliative
	mau := len(acts) == 1 && acts[0].Key == "AMI" && acts[0].coef <= 150 && !mci && forfait == nil
	if p, ok := written["MAU"]; ok && !mau {
		f.warn("MAU de « %s » non facturée : réservée à un acte AMI unique de coefficient ≤ 1,5, sans MCI", cmp.Or(p.Label, string(p.Kind)))
	}
	if mau {
		c, err := price("MAU")
		if err != nil {
			return err
		}
		f.Lines = append(f.Lines, Fee{Label: "MAU (acte unique)", Code: "MAU", Cents: c, Kind: MajorationFee})
	}
	if mci {
		c, err := price("MCI")
		if err != nil {
			return err
		}
		if wroteMCI && !heavy && !palliative && plan.Kind != patients.Dressing {
			f.warn("MCI : réservée aux pansements lourds et complexes et aux soins palliatifs à domicile, à vérifier")
		}
		f.Lines = append(f.Lines, Fee{Label: "MCI (coordination infirmière)", Code: "MCI", Cents: c, Kind: MajorationFee})
	}
	if _, ok := written["MIE"]; ok {
		c, err := price("MIE")
		if err != nil {
			return err
		}
		f.Lines = append(f.Lines, Fee{Label: "MIE (enfant de moins de 7 ans)", Code: "MIE", Cents: c, Kind: MajorationFee})
	}
	return nightOrSunday(f, v, vps, cab, price)
}

// nightOrSunday adds the one night or Sunday majoration the day, the time and
// the prescription give: they do not cumulate (NGAP DG art. 14,
// docs/ngap-idel.md §3.2), so the highest is kept. Their billing codes are
// unverified: the label says so.
func nightOrSunday(f *VisitFees, v patients.Visit, vps []visitPlan, cab Cabinet, price func(string) (int64, error)) error {
	sunday := sundayOrHoliday(v.Date, cab.AlsaceMoselle())
	slot := nightSlot(f.Time)
	var flaggedF, dailyF, wordF, flaggedN, wordN bool
	for _, vp := range vps {
		p := vp.plan
		for _, m := range vp.cot.Majorations {
			switch m {
			case Sunday:
				wordF = true
			case Night, DeepNight:
				wordN = true
			}
		}
		flaggedF = flaggedF || p.SundaysAndHolidays
		dailyF = dailyF || everyDay(p.Recurrence)
		flaggedN = flaggedN || p.NightOrFixedTime
	}
	day := french.LongDate(v.Date)
	var cands []string
	switch {
	case sunday && (flaggedF || wordF):
		cands = append(cands, Sunday)
	case sunday && dailyF:
		cands = append(cands, Sunday)
		f.warn("majoration F : soin prescrit chaque jour sans la mention « y compris dimanches et jours fériés » — facturée pour exécution rigoureusement quotidienne (NGAP art. 14), vérifiez l'ordonnance")
	case sunday:
		f.warn("soin fait le %s (dimanche ou jour férié) sans prescription le demandant : majoration F non facturée", day)
	case wordF:
		f.warn("cotation « dimanche » mais soin fait le %s, ni dimanche ni férié : majoration F non facturée", day)
	}
	switch {
	case slot != "" && (flaggedN || wordN):
		cands = append(cands, slot)
	case slot == "" && wordN:
		f.warn("cotation « nuit » mais soin commencé à %s, de jour : majoration de nuit non facturée", french.Clock(f.Time))
	}
	var best Fee
	for _, code := range cands {
		c, err := price(code)
		if err != nil {
			return err
		}
		if c > best.Cents {
			best = Fee{Label: majorationLabel[code] + " (code de facturation à vérifier)", Code: code, Cents: c, Kind: MajorationFee}
		}
	}
	if len(cands) > 1 {
		f.warn("les majorations de nuit et de dimanche ne se cumulent pas : seule la plus élevée est facturée")
	}
	if len(cands) > 0 {
		f.Lines = append(f.Lines, best)
	}
	return nil
}

var majorationLabel = map[string]string{
	Night:     "Majoration de nuit N1 (20h–23h, 5h–8h)",
	DeepNight: "Majoration de nuit N2 (23h–5h)",
	Sunday:    "Majoration dimanche ou jour férié F",
}
