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
	kind, label, duration            string
	recurrence, every, dates, start  string
	weekdays                         []time.Weekday
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
	styles  styles
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
	notBlood := func() bool { return d.kind != string(patients.BloodDraw) }
	hidden := [len(carePlanGroups)]func() bool{2: notEveryN, 3: notWeekdays, 4: notGivenDays, 6: notBlood}
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
			huh.NewSelect[string]().Title("Type de soin").Options(kinds...).Value(&d.kind).Height(6).
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
			huh.NewInput().Title("Plages de passage").Value(&d.windows).
				Validate(func(s string) error { _, err := parseWindows(s); return err }).
				Description(f.desc("horaires", "une ou deux plages : « 7h30-8h » ou « 07:30-08:00 ; 18h-19h »")),
			huh.NewConfirm().Title("Horaire strict ?").Value(&d.strict).Affirmative("Oui").Negative("Non").
				Description("insuline, traitement à heure fixe : la tournée ne peut pas le décaler"),
		).Title("Horaires"),
		huh.NewGroup(
			huh.NewConfirm().Title("À jeun ?").Value(&d.fasting).Affirmative("Oui").Negative("Non"),
			huh.NewInput().Title("Tubes au laboratoire avant").Value(&d.labCutoff).Description("heure limite, ex. 10h30").
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
	{"horaires"}, {}, {"fin de prescription"}, {"cotation"},
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
		f.form.WithWidth(min(f.w, 100)).WithHeight(max(f.h-2-len(f.summary)-formFooter, 4))
	}
}

func (f *carePlanForm) setSize(w, h int) { f.w, f.h = w, h; f.sizeForm() }

func (f *carePlanForm) setStyles(st styles) {
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
	r := patients.Recurrence{Kind: patients.RecurrenceKind(d.recurrence), Until: c.Recurrence.Until, Count: c.Recurrence.Count}
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
	c.Recurrence = r
	if c.Windows, err = parseWindows(d.windows); err != nil {
		bad("horaires", err)
	}
	c.Strict = d.strict
	c.Fasting, c.LabDropoffBefore = false, 0
	if c.Kind == patients.BloodDraw {
		c.Fasting = d.fasting
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

func parseDuration(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "min")))
	if err != nil || n <= 0 || n > 240 {
		return 0, errors.New("une durée en minutes, entre 1 et 240")
	}
	return n, nil
}

func parseFormDate(s string) (patients.Date, error) {
	d, err := patients.ParseDate(s)
	if err != nil {
		return patients.Date{}, errors.New("date illisible « " + strings.TrimSpace(s) + " » : tapez JJ/MM/AAAA")
	}
	return d, nil
}

func parseOptionalDate(s string) (patients.Date, error) {
	if strings.TrimSpace(s) == "" {
		return patients.Date{}, nil
	}
	return parseFormDate(s)
}

func parseOptionalTime(s string) (patients.TimeOfDay, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	t, err := patients.ParseTimeOfDay(s)
	if err != nil {
		return 0, errors.New("heure illisible « " + strings.TrimSpace(s) + " » : tapez 10h30 ou 10:30")
	}
	return t, nil
}

// parseWindows reads « 07:30-08:00 », « 7h30-8h ; 18h-19h », « 8h » (a
// fixed time).
func parseWindows(s string) ([]patients.Window, error) {
	var out []patients.Window
	for part := range strings.SplitSeq(strings.ReplaceAll(s, ",", ";"), ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ranged := strings.Cut(strings.ReplaceAll(strings.ReplaceAll(part, "–", "-"), " à ", "-"), "-")
		start, err := patients.ParseTimeOfDay(from)
		if err != nil {
			return nil, errors.New("plage illisible « " + part + " » : tapez 07:30-08:00 ou 7h30-8h")
		}
		end := start
		if ranged {
			if end, err = patients.ParseTimeOfDay(to); err != nil {
				return nil, errors.New("plage illisible « " + part + " » : tapez 07:30-08:00 ou 7h30-8h")
			}
		}
		out = append(out, patients.Window{Start: start, End: end})
	}
	switch {
	case len(out) == 0:
		return nil, errors.New("indiquez au moins une plage de passage")
	case len(out) > 2:
		return nil, errors.New("deux plages au plus : un soin plus fréquent est un autre soin")
	}
	return out, nil
}

func formatWindows(ws []patients.Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Start.String() + "-" + w.End.String()
	}
	return strings.Join(parts, " ; ")
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
			return errMsg{"save care plan of " + c.PatientID.String(), err}
		}
		// The prescription reaches the days already planned, tonight's too.
		if _, err := dayplan.ReconcilePatient(ctx, store, today, c.PatientID); err != nil {
			return errMsg{"reconcile days of " + c.PatientID.String(), err}
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
	lines := []string{head}
	for _, l := range f.summary {
		lines = append(lines, st.ErrorText.Render(l))
	}
	lines = append(lines, "")
	if f.form != nil {
		lines = append(lines, f.form.View())
	}
	return strings.Join(lines, "\n")
}

// formFooter is room kept under a huh form for its error line: huh sizes
// its fields once, without a footer, and grows by a blank line and the
// error when a field refuses its value.
const formFooter = 2

// newForm builds a huh form with the app's look and keys.
func newForm(st styles, groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithTheme(formTheme(st)).
		WithKeyMap(formKeyMap()).
		WithShowHelp(false).
		WithShowErrors(true)
}

// formKeyMap is huh's, minus what must not happen here.
func formKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	// The root handles ctrl+c (quit) and the screen esc (cancel).
	km.Quit.SetEnabled(false)
	// Filtering would take « / » and esc from the nurse's typing.
	km.Select.Filter.SetEnabled(false)
	km.MultiSelect.Filter.SetEnabled(false)
	// ctrl+e opens $EDITOR on a temporary file: health data must not land
	// in /tmp.
	km.Text.Editor.SetEnabled(false)
	return km
}

// formTheme is huhStyles as the huh.Theme the patient forms take. It is
// built once per form and returned as is: huh asks for it on every render.
func formTheme(st styles) huh.Theme {
	t := huhStyles(st, false)
	return huh.ThemeFunc(func(bool) *huh.Styles { return t })
}

func errorMap(errs patients.ValidationErrors, keyOf func(string) string) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		k := keyOf(e.Field)
		if m[k] != "" {
			m[k] += " ; " + e.Msg
		} else {
			m[k] = e.Msg
		}
	}
	return m
}
