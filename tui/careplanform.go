package tui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/french"
	"tournee/ngap"
	"tournee/patients"
)

// carePlanDraft is what the care plan form is bound to (on the heap, see
// patientDraft).
type carePlanDraft struct {
	kind, label, duration           string
	recurrence, every, dates, start string
	weekdays                        []time.Weekday
	// end is how the care stops besides the prescription's end: endOpen,
	// endUntil (on the date until) or endCount (after count days of care).
	end, until, count                string
	windows                          string
	strict, fasting                  bool
	labCutoff                        string
	prescriber, prescribedOn, endsOn string
	// preset is a cotation of ngap.Presets to set, keepActs to keep the
	// plan's acts as they are, noActs to remove them.
	preset                       string
	sundaysHolidays, nightOrTime bool
	errs                         map[string]string
}

// Values of carePlanDraft.end.
const (
	endOpen  = ""
	endUntil = "date"
	endCount = "nombre"
)

// Values of carePlanDraft.preset besides the preset ids.
const (
	keepActs = ""
	noActs   = "aucune"
)

type carePlanForm struct {
	orig    patients.CarePlan
	draft   *carePlanDraft
	form    *huh.Form
	saving  bool
	summary []string
	styles  *styles
	today   patients.Date
	w, h    int
}

type (
	carePlanSavedMsg   struct{ patientID xid.ID }
	carePlanInvalidMsg struct{ errs patients.ValidationErrors }
)

func (s patientsScreen) startCarePlanForm(c patients.CarePlan) (patientsScreen, tea.Cmd) {
	today := patients.DateOf(s.now())
	s.plan = &carePlanForm{orig: c, draft: carePlanDraftOf(c, today), styles: s.styles, today: today, w: s.w, h: s.h}
	s.mode = carePlanFormMode
	return s, s.plan.build()
}

func carePlanDraftOf(c patients.CarePlan, today patients.Date) *carePlanDraft {
	d := &carePlanDraft{
		kind:         string(c.Kind),
		label:        c.Label,
		recurrence:   string(c.Recurrence.Kind),
		start:        french.ShortDate(c.Recurrence.Start),
		weekdays:     slices.Clone(c.Recurrence.Weekdays),
		windows:      formatWindows(c.Windows),
		strict:       c.Strict,
		fasting:      c.Fasting,
		prescriber:   c.Prescriber,
		prescribedOn: french.ShortDate(c.PrescribedOn),
		endsOn:       french.ShortDate(c.EndsOn),

		sundaysHolidays: c.SundaysAndHolidays,
		nightOrTime:     c.NightOrFixedTime,
	}
	if c.ID.IsZero() {
		// A new plan: the usual case is a daily care from today.
		d.kind, d.recurrence, d.start, d.duration = string(patients.Injection), string(patients.Daily), french.ShortDate(today), "15"
	}
	if c.DurationMin > 0 {
		d.duration = strconv.Itoa(c.DurationMin)
	}
	if c.Recurrence.N > 0 {
		d.every = strconv.Itoa(c.Recurrence.N)
	}
	dates := make([]string, len(c.Recurrence.Dates))
	for i, x := range c.Recurrence.Dates {
		dates[i] = french.ShortDate(x)
	}
	d.dates = strings.Join(dates, ", ")
	if c.LabDropoffBefore > 0 {
		d.labCutoff = c.LabDropoffBefore.String()
	}
	// A plan stored with both a count and a date shows its count: it is the
	// prescription's own words (« 14 injections »).
	d.until = french.ShortDate(c.Recurrence.Until)
	switch {
	case c.Recurrence.Count > 0:
		d.end, d.count = endCount, strconv.Itoa(c.Recurrence.Count)
	case !c.Recurrence.Until.IsZero():
		d.end = endUntil
	}
	return d
}

// build makes the form afresh from the draft, with the last errors under
// their fields.
func (f *carePlanForm) build() tea.Cmd {
	d := f.draft
	kinds := make([]huh.Option[string], 0, len(patients.CareKinds()))
	for _, k := range patients.CareKinds() {
		kinds = append(kinds, huh.NewOption(capitalize(string(k)), string(k)))
	}
	weekdays := make([]huh.Option[time.Weekday], 0, 7)
	for i := range 7 {
		wd := time.Weekday((i + 1) % 7) // Monday first
		weekdays = append(weekdays, huh.NewOption(capitalize(weekdayNames[wd]), wd))
	}
	dateCheck := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := parseFormDate(s)
		return err
	}
	f.summary = nil
	if len(d.errs) > 0 {
		// One line names every field to fix; the form opens on the first
		// page that has one, where the message sits under the field.
		keys := slices.Sorted(maps.Keys(d.errs))
		f.summary = append(f.summary, "⚠ À corriger : "+strings.Join(keys, ", "))
		for _, k := range keys {
			if carePlanGroup(k) < 0 {
				f.summary = append(f.summary, "⚠ "+k+" : "+d.errs[k])
			}
		}
	}
	notEveryN := func() bool { return d.recurrence != string(patients.EveryN) }
	notWeekdays := func() bool { return d.recurrence != string(patients.Weekdays) }
	notGivenDays := func() bool { return d.recurrence != string(patients.GivenDays) }
	notUntil := func() bool { return d.end != endUntil }
	notCount := func() bool { return d.end != endCount }
	notBlood := func() bool { return d.kind != string(patients.BloodDraw) }
	hidden := [len(carePlanGroups)]func() bool{2: notEveryN, 3: notWeekdays, 4: notGivenDays, 5: notUntil, 6: notCount, 8: notBlood}
	current := "Aucun acte"
	if len(f.orig.Acts) > 0 {
		current = patients.ActsText(f.orig.Acts)
	} else if strings.TrimSpace(f.orig.Cotation) != "" {
		current = "d'après la note « " + f.orig.Cotation + " »"
	}
	presets := []huh.Option[string]{huh.NewOption("Garder : "+current, keepActs), huh.NewOption("Aucun acte", noActs)}
	for _, p := range ngap.Presets() {
		presets = append(presets, huh.NewOption(p.Label, p.ID))
	}
	f.form = newForm(f.styles,
		huh.NewGroup(
			// The title repeats the choice: once the list is left, huh marks
			// no option, and the kind would be nowhere on the screen.
			huh.NewSelect[string]().Options(kinds...).Value(&d.kind).Height(6).
				TitleFunc(func() string { return "Type de soin : " + capitalize(d.kind) }, &d.kind).
				Description(f.desc("type", "")),
			huh.NewInput().Title("Libellé").Value(&d.label).
				Description(f.desc("libellé", "")),
			huh.NewInput().Title("Durée (minutes)").Value(&d.duration).CharLimit(3).
				Validate(func(s string) error { _, err := parseDuration(s); return err }).
				Description(f.desc("durée", "")),
		).Title("Soin"),
		huh.NewGroup(
			huh.NewSelect[string]().Title("Fréquence").Inline(true).Value(&d.recurrence).Options(
				huh.NewOption("Chaque jour", string(patients.Daily)),
				huh.NewOption("Tous les N jours", string(patients.EveryN)),
				huh.NewOption("Certains jours de la semaine", string(patients.Weekdays)),
				huh.NewOption("Dates données", string(patients.GivenDays)),
			).Description(f.desc("récurrence", "")),
			huh.NewInput().Title("Début des soins").Value(&d.start).
				Validate(dateCheck).Description(f.desc("début", "JJ/MM/AAAA")),
			huh.NewSelect[string]().Title("Fin des soins").Inline(true).Value(&d.end).Options(
				huh.NewOption("À la fin de la prescription", endOpen),
				huh.NewOption("Jusqu'au JJ/MM/AAAA", endUntil),
				huh.NewOption("Après N séances", endCount),
			).Description("← → pour choisir"),
		).Title("Quand"),
		huh.NewGroup(
			huh.NewInput().Title("Tous les combien de jours ?").Value(&d.every).CharLimit(3).
				Description(f.desc("fréquence", "2 pour un jour sur deux")),
		).WithHideFunc(notEveryN),
		huh.NewGroup(
			huh.NewMultiSelect[time.Weekday]().Title("Jours de la semaine").Options(weekdays...).Value(&d.weekdays).
				Description(f.desc("jours", "espace pour cocher")),
		).WithHideFunc(notWeekdays),
		huh.NewGroup(
			huh.NewInput().Title("Dates des soins").Value(&d.dates).
				Description(f.desc("dates", "JJ/MM/AAAA, séparées par des virgules")),
		).WithHideFunc(notGivenDays),
		huh.NewGroup(
			huh.NewInput().Title("Dernier jour de soins").Value(&d.until).
				Validate(dateCheck).Description(f.desc("jusqu'au", "JJ/MM/AAAA, inclus")),
		).WithHideFunc(notUntil),
		huh.NewGroup(
			huh.NewInput().Title("Nombre de séances").Value(&d.count).CharLimit(3).
				Description(f.desc("nombre", "une séance par jour de soins, quel que soit le nombre de passages")),
		).WithHideFunc(notCount),
		huh.NewGroup(
			huh.NewInput().Title("Plages de passage").Value(&d.windows).
				Validate(func(s string) error { _, err := parseWindows(s); return err }).
				Description(f.desc("horaires", "une ou deux plages : « 7h30-8h » ou « 07:30-08:00 ; 18h-19h »")),
			huh.NewConfirm().Title("Horaire strict ?").Value(&d.strict).Affirmative("Oui").Negative("Non").
				Description("insuline, traitement à heure fixe : la tournée ne peut pas le décaler"),
		).Title("Horaires"),
		huh.NewGroup(
			huh.NewConfirm().Title("À jeun ?").Value(&d.fasting).Affirmative("Oui").Negative("Non").
				Description("la prise de sang ne sort pas de sa plage : horaire strict"),
			huh.NewInput().Title("Tubes au laboratoire avant").Value(&d.labCutoff).
				Description(f.desc("laboratoire", "heure limite, ex. 10h30 : la tournée passe au laboratoire avant")).
				Validate(func(s string) error { _, err := parseOptionalTime(s); return err }),
		).Title("Prise de sang").WithHideFunc(notBlood),
		huh.NewGroup(
			huh.NewInput().Title("Prescripteur").Value(&d.prescriber),
			huh.NewInput().Title("Date de prescription").Value(&d.prescribedOn).
				Validate(dateCheck).Description("JJ/MM/AAAA"),
			huh.NewInput().Title("Fin de prescription").Value(&d.endsOn).
				Validate(dateCheck).Description(f.desc("fin de prescription", "JJ/MM/AAAA, vide si sans fin")),
		).Title("Prescription"),
		huh.NewGroup(
			huh.NewSelect[string]().Title("Cotation").Options(presets...).Value(&d.preset).Height(8).
				Description(f.desc("cotation", "les actes facturés à chaque passage")),
			huh.NewConfirm().Title("Y compris dimanches et jours fériés ?").Value(&d.sundaysHolidays).Affirmative("Oui").Negative("Non").
				Description("mention de l'ordonnance : majoration F ces jours-là"),
			huh.NewConfirm().Title("Horaire imposé / nuit ?").Value(&d.nightOrTime).Affirmative("Oui").Negative("Non").
				Description("mention de l'ordonnance : majoration de nuit entre 20h et 8h"),
		).Title("Cotation"),
	)
	f.sizeForm()
	cmds := []tea.Cmd{f.form.Init()}
	target := -1 // the page of the first error; none opens on the first page
	for k := range d.errs {
		if g := carePlanGroup(k); g >= 0 && (target < 0 || g < target) {
			target = g
		}
	}
	for g := 1; g <= target; g++ {
		if hidden[g] == nil || !hidden[g]() {
			// NextGroup skips hidden groups itself: one call per shown one.
			cmds = append(cmds, f.form.NextGroup())
		}
	}
	return tea.Sequence(cmds...)
}

// carePlanGroups are the error keys under the fields of each page of the
// form, in the order of the pages.
var carePlanGroups = [...][]string{
	{"type", "libellé", "durée"}, {"récurrence", "début"}, {"fréquence"}, {"jours"}, {"dates"},
	{"jusqu'au"}, {"nombre"}, {"horaires"}, {"laboratoire"}, {"fin de prescription"}, {"cotation"},
}

// carePlanGroup is the page showing an error key, or -1.
func carePlanGroup(key string) int {
	for i, keys := range carePlanGroups {
		if slices.Contains(keys, key) {
			return i
		}
	}
	return -1
}

func (f *carePlanForm) desc(field, hint string) string {
	if msg := f.draft.errs[field]; msg != "" {
		return f.styles.ErrorText.Render("⚠ " + msg)
	}
	return hint
}

func carePlanFieldKey(field string) string {
	switch {
	case strings.HasPrefix(field, "plage"):
		return "horaires"
	case strings.HasPrefix(field, "acte"):
		return "cotation"
	}
	return field
}

func (f *carePlanForm) sizeForm() {
	if f.form != nil {
		f.form.WithWidth(min(f.w, 100)).WithHeight(max(f.h-3-len(f.summary)-formFooter, 4))
	}
}

func (f *carePlanForm) setSize(w, h int) { f.w, f.h = w, h; f.sizeForm() }

func (f *carePlanForm) setStyles(st *styles) {
	f.styles = st
	if f.form != nil {
		f.form.WithTheme(formTheme(st))
	}
}

// carePlan builds the plan from the draft and checks it.
func (f carePlanForm) carePlan() (patients.CarePlan, patients.ValidationErrors) {
	d := f.draft
	c := f.orig
	var errs patients.ValidationErrors
	bad := func(field string, err error) {
		errs = append(errs, &patients.ValidationError{Field: field, Msg: err.Error()})
	}
	c.Kind = patients.CareKind(d.kind)
	c.Label = strings.TrimSpace(d.label)
	var err error
	if c.DurationMin, err = parseDuration(d.duration); err != nil {
		bad("durée", err)
	}
	var rerrs patients.ValidationErrors
	c.Recurrence, rerrs = d.recurrenceOf()
	errs = append(errs, rerrs...)
	if c.Windows, err = parseWindows(d.windows); err != nil {
		bad("horaires", err)
	}
	c.Strict = d.strict
	c.Fasting, c.LabDropoffBefore = false, 0
	if c.Kind == patients.BloodDraw {
		c.Fasting = d.fasting
		// The patient waits without breakfast: the draw cannot slide past
		// its window (as the planner's generator and the demo have it).
		c.Strict = c.Strict || c.Fasting
		if c.LabDropoffBefore, err = parseOptionalTime(d.labCutoff); err != nil {
			bad("laboratoire", err)
		}
	}
	c.Prescriber = strings.TrimSpace(d.prescriber)
	if c.PrescribedOn, err = parseOptionalDate(d.prescribedOn); err != nil {
		bad("date de prescription", err)
	}
	if c.EndsOn, err = parseOptionalDate(d.endsOn); err != nil {
		bad("fin de prescription", err)
	}
	switch d.preset {
	case keepActs:
	case noActs:
		c.Acts = nil
	default:
		if p, ok := ngap.PresetByID(d.preset); ok {
			c.Acts = p.Acts
		}
	}
	c.SundaysAndHolidays, c.NightOrFixedTime = d.sundaysHolidays, d.nightOrTime
	if len(c.Acts) > 0 && d.preset != keepActs {
		on := c.PrescribedOn
		if on.IsZero() {
			on = f.today
		}
		if t, err := ngap.Load(); err != nil {
			bad("cotation", err)
		} else if err := ngap.ValidateActs(c.Acts, t, on); err != nil {
			bad("cotation", err)
		}
	}
	if err := c.Validate(); err != nil {
		var ves patients.ValidationErrors
		if errors.As(err, &ves) {
			// Parse errors come first; the domain's own may repeat a field
			// the parser already flagged (« indiquez au moins une plage »).
			for _, e := range ves {
				if !slices.ContainsFunc(errs, func(x *patients.ValidationError) bool {
					return carePlanFieldKey(x.Field) == carePlanFieldKey(e.Field)
				}) {
					errs = append(errs, e)
				}
			}
		}
	}
	return c, errs
}

// recurrenceOf reads the days of care from the draft, with the errors of
// what it cannot read.
func (d *carePlanDraft) recurrenceOf() (patients.Recurrence, patients.ValidationErrors) {
	var errs patients.ValidationErrors
	bad := func(field string, err error) {
		errs = append(errs, &patients.ValidationError{Field: field, Msg: err.Error()})
	}
	r := patients.Recurrence{Kind: patients.RecurrenceKind(d.recurrence)}
	var err error
	if r.Start, err = parseOptionalDate(d.start); err != nil {
		bad("début", err)
	}
	switch r.Kind {
	case patients.EveryN:
		if r.N, err = strconv.Atoi(strings.TrimSpace(d.every)); err != nil {
			bad("fréquence", errors.New("tapez un nombre de jours, par exemple 2"))
		}
	case patients.Weekdays:
		r.Weekdays = slices.Clone(d.weekdays)
		slices.Sort(r.Weekdays)
	case patients.GivenDays:
		for part := range strings.SplitSeq(d.dates, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			x, err := parseFormDate(part)
			if err != nil {
				bad("dates", err)
				break
			}
			r.Dates = append(r.Dates, x)
		}
		if r.Start.IsZero() && len(r.Dates) > 0 {
			r.Start = slices.MinFunc(r.Dates, patients.Date.Compare)
		}
	}
	switch d.end {
	case endUntil:
		if r.Until, err = parseFormDate(d.until); err != nil {
			if strings.TrimSpace(d.until) == "" {
				err = errors.New("indiquez le dernier jour de soins, ou choisissez une autre fin")
			}
			bad("jusqu'au", err)
		}
	case endCount:
		if r.Count, err = strconv.Atoi(strings.TrimSpace(d.count)); err != nil || r.Count < 1 {
			r.Count = 0
			bad("nombre", errors.New("tapez le nombre de séances prescrites, par exemple 14"))
		}
	}
	return r, errs
}

// rhythm is the care being written, in one line: its kind and its rhythm
// as the patient file will say it, or the kind alone while the days are
// not readable yet.
func (f *carePlanForm) rhythm() string {
	d := f.draft
	s := capitalize(d.kind)
	r, errs := d.recurrenceOf()
	if len(errs) > 0 || r.Validate() != nil {
		return s
	}
	ws, _ := parseWindows(d.windows)
	ends, _ := parseOptionalDate(d.endsOn)
	c := patients.CarePlan{Kind: patients.CareKind(d.kind), Recurrence: r, Windows: ws, EndsOn: ends}
	return s + " · " + french.CarePlanSchedule(c)
}

func (s patientsScreen) saveCarePlan() (patientsScreen, tea.Cmd) {
	c, errs := s.plan.carePlan()
	f := *s.plan
	s.plan = &f
	if len(errs) > 0 {
		f.draft.errs = errorMap(errs, carePlanFieldKey)
		return s, f.build()
	}
	f.saving = true
	store, today := s.store, patients.DateOf(s.now())
	return s, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := store.SaveCarePlan(ctx, &c); err != nil {
			var ves patients.ValidationErrors
			if errors.As(err, &ves) {
				return carePlanInvalidMsg{ves}
			}
			return errMsg{"save care plan of " + c.PatientID.String(), err, originOf(patientsTab)}
		}
		// The prescription reaches the days already planned, tonight's too.
		if _, err := dayplan.ReconcilePatient(ctx, store, today, c.PatientID); err != nil {
			return errMsg{"reconcile days of " + c.PatientID.String(), err, originOf(patientsTab)}
		}
		return carePlanSavedMsg{c.PatientID}
	}
}

func (s patientsScreen) updateCarePlanForm(msg tea.Msg) (patientsScreen, tea.Cmd) {
	if s.plan == nil {
		return s, nil
	}
	f := *s.plan
	s.plan = &f
	switch msg := msg.(type) {
	case carePlanSavedMsg:
		s.plan.saving = false
		if s.mode != carePlanFormMode {
			return s, nil
		}
		s.mode, s.plan.form = fileMode, nil
		// patientsChangedMsg reloads the file, with the new plan in it.
		return s, tea.Batch(send(patientsChangedMsg{msg.patientID}), statusCmd("Soin enregistré"))
	case carePlanInvalidMsg:
		s.plan.saving = false
		if s.mode != carePlanFormMode {
			return s, nil
		}
		s.plan.draft.errs = errorMap(msg.errs, carePlanFieldKey)
		return s, s.plan.build()
	case tea.KeyPressMsg:
		if s.plan.saving {
			return s, nil
		}
		switch {
		case key.Matches(msg, s.keys.Save):
			return s.saveCarePlan()
		case key.Matches(msg, s.keys.Cancel):
			s.mode, s.plan.form = fileMode, nil
			return s, statusCmd("Modifications abandonnées")
		}
	}
	if s.plan.form == nil {
		return s, nil
	}
	m, cmd := s.plan.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		s.plan.form = f
	}
	switch s.plan.form.State {
	case huh.StateCompleted:
		s, save := s.saveCarePlan()
		return s, tea.Batch(cmd, save)
	case huh.StateAborted:
		s.mode, s.plan.form = fileMode, nil
	}
	return s, cmd
}

func (s patientsScreen) carePlanFormView() string {
	f, st := s.plan, s.styles
	if f == nil {
		return ""
	}
	title := "Nouveau soin"
	if !f.orig.ID.IsZero() {
		title = "Modifier le soin"
	}
	head := st.Section.Render(title) + st.Muted.Render(" · "+s.file.p.DisplayName())
	if f.saving {
		head += "  " + st.Muted.Render("Enregistrement…")
	}
	lines := []string{head, st.Muted.Render(f.rhythm())}
	for _, l := range f.summary {
		lines = append(lines, st.ErrorText.Render(l))
	}
	lines = append(lines, "")
	if f.form != nil {
		lines = append(lines, f.form.View())
	}
	return strings.Join(lines, "\n")
}
