package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/ngap"
	"tournee/patients"
)

// The care plan form as flags, and the parsers of their values.

// carePlanFlags are the fields of the care plan form, as flags. Strings are
// parsed by apply so that errors name the flag in French.
type carePlanFlags struct {
	patient, kind, label, duration     string
	windows, fixed                     []string
	strict, fasting                    bool
	labBefore                          string
	daily                              bool
	every                              int
	weekdays, dates                    []string
	start, until                       string
	count                              int
	skipHolidays, last                 bool
	notBefore, nurse                   string
	prescriber, prescribedOn, cotation string
	notes                              string
	// The structured cotation (issue 15): a preset or acts one by one, and
	// the prescription's mentions that drive the majorations.
	preset                   string
	acts                     []string
	sundaysHolidays, nightOr bool
}

func (f *carePlanFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.patient, "patient", "", "identifiant du patient")
	fs.StringVar(&f.kind, "soin", "", "type de soin : insuline, injection, anticoagulant, pansement, toilette (BSI), ais, prise-de-sang, pilulier, surveillance, perfusion, contention, palliatif, traitement, autre")
	fs.StringVar(&f.label, "libelle", "", "libellé du soin (par défaut le type de soin)")
	fs.StringVar(&f.duration, "duree", "", "durée en minutes (1 à 240)")
	fs.StringArrayVar(&f.windows, "fenetre", nil, "plage de passage HH:MM-HH:MM ou 7h-8h30 (répétable, deux au plus)")
	fs.StringArrayVar(&f.fixed, "heure-fixe", nil, "heure fixe HH:MM : une plage de durée nulle, horaire strict (répétable)")
	fs.BoolVar(&f.strict, "strict", false, "horaire strict : la tournée ne peut pas le décaler (insuline, traitement à heure fixe)")
	fs.BoolVar(&f.fasting, "a-jeun", false, "prise de sang à jeun")
	fs.StringVar(&f.labBefore, "labo-avant", "", "prise de sang : tubes au laboratoire avant HH:MM")
	fs.BoolVar(&f.daily, "tous-les-jours", false, "chaque jour")
	fs.IntVar(&f.every, "tous-les", 0, "tous les N jours à partir du début")
	fs.StringSliceVar(&f.weekdays, "jours", nil, "certains jours de la semaine : lun,mar,mer,jeu,ven,sam,dim")
	fs.StringSliceVar(&f.dates, "dates", nil, "dates données : AAAA-MM-JJ,AAAA-MM-JJ…")
	fs.StringVar(&f.start, "debut", "", "début des soins (AAAA-MM-JJ ; par défaut aujourd'hui)")
	fs.StringVar(&f.until, "fin", "", "dernier jour de soins (AAAA-MM-JJ ; sans fin par défaut)")
	fs.IntVar(&f.count, "seances", 0, "nombre de jours de soins, puis arrêt (0 : sans limite)")
	fs.BoolVar(&f.skipHolidays, "sauf-feries", false, "pas de soin les jours fériés")
	fs.BoolVar(&f.last, "dernier", false, "en fin de tournée (plaie infectée, patient contagieux)")
	fs.StringVar(&f.notBefore, "pas-avant", "", "jamais avant HH:MM (après l'aide à domicile, après le petit-déjeuner)")
	fs.StringVar(&f.nurse, "infirmiere", "", "identifiant de l'infirmière préférée (« aucune » pour l'enlever)")
	fs.StringVar(&f.prescriber, "prescripteur", "", "médecin prescripteur")
	fs.StringVar(&f.prescribedOn, "prescrit-le", "", "date de la prescription (AAAA-MM-JJ)")
	fs.StringVar(&f.cotation, "cotation", "", "note de cotation en texte libre (lue comme actes seulement si aucun acte n'est donné)")
	fs.StringVar(&f.preset, "cotation-type", "", "cotation courante : "+presetIDs()+" (« aucune » pour enlever les actes)")
	fs.StringArrayVar(&f.acts, "acte", nil, "un acte : lettre-clé, coefficient et précisions (5bis, perfusion, lourd), ex. « AMI 1 5bis », « AIS 3 », « MCI » (répétable ; remplace les actes)")
	fs.BoolVar(&f.sundaysHolidays, "dimanches-feries", false, "prescription « y compris dimanches et jours fériés » (majoration F)")
	fs.BoolVar(&f.nightOr, "horaire-impose-nuit", false, "prescription « horaire imposé / nuit » (majorations de nuit N1, N2)")
	fs.StringVar(&f.notes, "notes", "", "notes")
}

// apply writes the flags the user gave onto c (all of them for a new plan,
// only those given for an edit). Unreadable values are usage errors;
// values that read but do not fit are checked by CarePlan.Validate.
func (f *carePlanFlags) apply(cmd *cobra.Command, c *patients.CarePlan, today patients.Date) error {
	set := cmd.Flags().Changed
	var err error
	if set("patient") {
		if c.PatientID, err = parseID("patient", f.patient); err != nil {
			return err
		}
	}
	if set("soin") {
		if c.Kind, err = parseCareKind(f.kind); err != nil {
			return err
		}
	}
	if set("libelle") {
		c.Label = strings.TrimSpace(f.label)
	}
	if strings.TrimSpace(c.Label) == "" && c.Kind != "" {
		c.Label = capitalize(string(c.Kind))
	}
	if set("duree") {
		if c.DurationMin, err = parseMinutes(f.duration); err != nil {
			return usagef("--duree : %v", err)
		}
	}
	if set("fenetre") || set("heure-fixe") {
		c.Windows = nil
		for _, s := range f.windows {
			w, err := parseWindow(s)
			if err != nil {
				return usagef("--fenetre : %v", err)
			}
			c.Windows = append(c.Windows, w)
		}
		for _, s := range f.fixed {
			t, err := patients.ParseTimeOfDay(s)
			if err != nil {
				return usagef("--heure-fixe : heure illisible « %s » (tapez 8:00 ou 8h)", s)
			}
			// A fixed time is a window of no length, and strict: the form
			// does the same with « 8h ».
			c.Windows = append(c.Windows, patients.Window{Start: t, End: t})
			c.Strict = true
		}
		if len(c.Windows) > 2 {
			return usagef("--fenetre/--heure-fixe : deux plages au plus par soin ; un soin plus fréquent est un autre soin")
		}
	}
	if set("strict") {
		c.Strict = f.strict || len(f.fixed) > 0
	}
	if set("a-jeun") {
		c.Fasting = f.fasting
	}
	if set("labo-avant") {
		if c.LabDropoffBefore, err = parseOptionalClock(f.labBefore); err != nil {
			return usagef("--labo-avant : %v", err)
		}
	}
	if err := f.applyRecurrence(cmd, &c.Recurrence, today); err != nil {
		return err
	}
	if set("sauf-feries") {
		c.SkipHolidays = f.skipHolidays
	}
	if set("dernier") {
		c.Last = f.last
	}
	if set("pas-avant") {
		if c.NotBefore, err = parseOptionalClock(f.notBefore); err != nil {
			return usagef("--pas-avant : %v", err)
		}
	}
	if set("infirmiere") {
		c.PreferredNurse = xid.NilID()
		if s := strings.TrimSpace(f.nurse); s != "" && s != "aucune" {
			if c.PreferredNurse, err = parseID("nurse", s); err != nil {
				return err
			}
		}
	}
	if set("prescripteur") {
		c.Prescriber = strings.TrimSpace(f.prescriber)
	}
	if set("prescrit-le") {
		if c.PrescribedOn, err = parseOptionalDate(f.prescribedOn); err != nil {
			return usagef("--prescrit-le : %v", err)
		}
	}
	if set("cotation") {
		c.Cotation = strings.TrimSpace(f.cotation)
	}
	if set("notes") {
		c.Notes = strings.TrimSpace(f.notes)
	}
	return f.applyActs(cmd, c, today)
}

func presetIDs() string {
	var ids []string
	for _, p := range ngap.Presets() {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}

// applyActs sets the structured cotation and the prescription's mentions,
// and checks the acts against the tariff table in force on the
// prescription's day (or today).
func (f *carePlanFlags) applyActs(cmd *cobra.Command, c *patients.CarePlan, today patients.Date) error {
	set := cmd.Flags().Changed
	if set("cotation-type") && set("acte") {
		return usagef("--cotation-type ou --acte, pas les deux")
	}
	if set("cotation-type") {
		switch id := strings.TrimSpace(f.preset); id {
		case "aucune", "":
			c.Acts = nil
		default:
			p, ok := ngap.PresetByID(id)
			if !ok {
				return usagef("--cotation-type : « %s » inconnue (%s)", id, presetIDs())
			}
			c.Acts = p.Acts
		}
	}
	if set("acte") {
		c.Acts = nil
		for _, s := range f.acts {
			a, err := parseAct(s)
			if err != nil {
				return usagef("--acte : %v", err)
			}
			c.Acts = append(c.Acts, a)
		}
	}
	if set("dimanches-feries") {
		c.SundaysAndHolidays = f.sundaysHolidays
	}
	if set("horaire-impose-nuit") {
		c.NightOrFixedTime = f.nightOr
	}
	if len(c.Acts) == 0 || !(set("cotation-type") || set("acte")) {
		return nil
	}
	t, err := ngap.Load()
	if err != nil {
		return err
	}
	on := today
	if !c.PrescribedOn.IsZero() {
		on = c.PrescribedOn
	}
	if err := ngap.ValidateActs(c.Acts, t, on); err != nil {
		return usagef("cotation : %v", err)
	}
	return nil
}

// actModifierWords are the words --acte takes for the modifiers.
var actModifierWords = map[string]patients.ActModifier{
	"5bis": patients.Surveillance5bis, "surveillance": patients.Surveillance5bis,
	"perfusion": patients.PerfusionStage, "lourd": patients.HeavyDressing, "pansement-lourd": patients.HeavyDressing,
}

// parseAct reads « AMI 1,5 », « AMI 1 5bis », « MCI » (coefficient 1).
func parseAct(s string) (patients.CareAct, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return patients.CareAct{}, fmt.Errorf("acte vide (ex. « AMI 1 »)")
	}
	a := patients.CareAct{Key: strings.ToUpper(fields[0]), Coef: 1}
	rest := fields[1:]
	if len(rest) > 0 {
		if c, err := strconv.ParseFloat(strings.Replace(rest[0], ",", ".", 1), 64); err == nil {
			a.Coef = c
			rest = rest[1:]
		}
	}
	for _, w := range rest {
		m, ok := actModifierWords[strings.ToLower(w)]
		if !ok {
			return a, fmt.Errorf("« %s » : précision « %s » inconnue (5bis, perfusion, lourd)", s, w)
		}
		a.Modifiers = append(a.Modifiers, m)
	}
	return a, nil
}

// applyRecurrence sets how often the care repeats. A new kind of
// recurrence replaces the old one's days; start, end and count carry over
// unless given.
func (f *carePlanFlags) applyRecurrence(cmd *cobra.Command, r *patients.Recurrence, today patients.Date) error {
	set := cmd.Flags().Changed
	kinds := 0
	for _, name := range []string{"tous-les-jours", "tous-les", "jours", "dates"} {
		if set(name) {
			kinds++
		}
	}
	if kinds > 1 {
		return usagef("--tous-les-jours, --tous-les, --jours et --dates s'excluent : une seule fréquence par soin")
	}
	var err error
	switch {
	case set("tous-les-jours"):
		if !f.daily {
			return usagef("--tous-les-jours=false : donnez plutôt la fréquence voulue (--tous-les, --jours ou --dates)")
		}
		*r = patients.Recurrence{Kind: patients.Daily, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("tous-les"):
		*r = patients.Recurrence{Kind: patients.EveryN, N: f.every, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("jours"):
		days, err := parseWeekdays(f.weekdays)
		if err != nil {
			return usagef("--jours : %v", err)
		}
		*r = patients.Recurrence{Kind: patients.Weekdays, Weekdays: days, Start: r.Start, Until: r.Until, Count: r.Count}
	case set("dates"):
		nr := patients.Recurrence{Kind: patients.GivenDays, Until: r.Until, Count: r.Count}
		for _, s := range f.dates {
			d, err := patients.ParseDate(s)
			if err != nil {
				return usagef("--dates : date illisible « %s » (AAAA-MM-JJ)", s)
			}
			nr.Dates = append(nr.Dates, d)
		}
		slices.SortFunc(nr.Dates, patients.Date.Compare)
		nr.Dates = slices.Compact(nr.Dates)
		if len(nr.Dates) > 0 {
			nr.Start = nr.Dates[0]
		}
		*r = nr
	}
	if set("debut") {
		if r.Start, err = patients.ParseDate(f.start); err != nil {
			return usagef("--debut : date illisible « %s » (AAAA-MM-JJ)", f.start)
		}
	}
	if r.Start.IsZero() && r.Kind != patients.GivenDays && r.Kind != "" {
		r.Start = today
	}
	if set("fin") {
		if r.Until, err = parseOptionalDate(f.until); err != nil {
			return usagef("--fin : %v", err)
		}
	}
	if set("seances") {
		r.Count = f.count
	}
	return nil
}

// careKindAliases are the short names a command line accepts, besides the
// kinds' own French names.
var careKindAliases = map[string]patients.CareKind{
	"hbpm": patients.LMWHInjected, "toilette": patients.HygieneBSI, "bsi": patients.HygieneBSI,
	"hygiene": patients.HygieneBSI, "hygiene bsi": patients.HygieneBSI, "ais": patients.HygieneAIS,
	"hygiene ais": patients.HygieneAIS, "pds": patients.BloodDraw, "bilan": patients.BloodDraw,
	"prelevement": patients.BloodDraw, "palliatif": patients.Palliative, "palliatifs": patients.Palliative,
	"traitement": patients.Medication, "medicament": patients.Medication,
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o", "î", "i", "ï", "i", "û", "u", "ù", "u",
	"-", " ", "_", " ", "’", "'")

func normKind(s string) string {
	return strings.Join(strings.Fields(unaccent.Replace(strings.ToLower(s))), " ")
}

// parseCareKind reads --soin: a kind's French name (« prise de sang »,
// « prise-de-sang ») or a short alias (toilette, ais, hbpm).
func parseCareKind(s string) (patients.CareKind, error) {
	n := normKind(s)
	for _, k := range patients.CareKinds() {
		if normKind(string(k)) == n {
			return k, nil
		}
	}
	if k, ok := careKindAliases[n]; ok {
		return k, nil
	}
	return "", usagef("--soin : type de soin inconnu « %s » (insuline, injection, anticoagulant, pansement, toilette, ais, prise-de-sang, pilulier, surveillance, perfusion, contention, palliatif, traitement, autre)", s)
}

var weekdayFR = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// parseWeekdays reads « lun,mer,ven » or full day names, Monday first.
func parseWeekdays(ss []string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, s := range ss {
		n := normKind(s)
		found := false
		for d, name := range weekdayFR {
			if len(n) >= 2 && strings.HasPrefix(name, n) {
				if !slices.Contains(out, time.Weekday(d)) {
					out = append(out, time.Weekday(d))
				}
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("jour inconnu « %s » (lun, mar, mer, jeu, ven, sam, dim)", s)
		}
	}
	// Monday first, as a French week.
	slices.SortFunc(out, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	return out, nil
}

// parseWindow reads « 18:00-19:30 », « 7h-8h30 », « 7h à 8h30 ».
func parseWindow(s string) (patients.Window, error) {
	norm := strings.ReplaceAll(strings.ReplaceAll(s, "–", "-"), " à ", "-")
	from, to, ok := strings.Cut(norm, "-")
	if !ok {
		return patients.Window{}, fmt.Errorf("plage illisible « %s » : tapez 07:30-08:00 ou 7h30-8h (une heure seule : --heure-fixe)", s)
	}
	start, err1 := patients.ParseTimeOfDay(from)
	end, err2 := patients.ParseTimeOfDay(to)
	if err1 != nil || err2 != nil {
		return patients.Window{}, fmt.Errorf("plage illisible « %s » : tapez 07:30-08:00 ou 7h30-8h", s)
	}
	return patients.Window{Start: start, End: end}, nil
}

func parseMinutes(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "min")))
	if err != nil {
		return 0, fmt.Errorf("durée illisible « %s » : un nombre de minutes, par exemple 15", s)
	}
	return n, nil
}

func parseOptionalClock(s string) (patients.TimeOfDay, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	t, err := patients.ParseTimeOfDay(s)
	if err != nil {
		return 0, fmt.Errorf("heure illisible « %s » : tapez 10:30 ou 10h30", s)
	}
	return t, nil
}

func parseOptionalDate(s string) (patients.Date, error) {
	if strings.TrimSpace(s) == "" {
		return patients.Date{}, nil
	}
	d, err := patients.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("date illisible « %s » (AAAA-MM-JJ)", s)
	}
	return d, nil
}

func capitalize(s string) string {
	for i := range s {
		if i > 0 {
			return strings.ToUpper(s[:i]) + s[i:]
		}
	}
	return strings.ToUpper(s)
}
