package tui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/french"
	"tournee/patients"
)

// formStep is a page of the patient form. The address is a step of its own
// because its autocompletion is not a huh field (see addressInput).
type formStep int

const (
	identityStep formStep = iota
	addressStep
	careStep
	healthStep
	stepCount
)

const lastStep = stepCount - 1

var stepNames = [stepCount]string{"Identité", "Adresse", "Accès", "Santé et entourage"}

// patientDraft is what the huh fields are bound to. It lives on the heap:
// the screen is copied on every Update, the fields keep pointers into it.
type patientDraft struct {
	usedName, birthName, firstNames, birthDate, sex, phones string
	access                                                  patients.Access
	alerts, nurse                                           string
	health                                                  healthDraft
	// errs holds the last save attempt's problems by field key, shown
	// under the fields.
	errs map[string]string
}

type patientForm struct {
	orig  patients.Patient
	draft *patientDraft
	step  formStep
	form  *huh.Form // the current step's form; nil on the address step
	// birthInput is the identity step's birth date, kept to clear its
	// error once the date is fixed (clearFixedBirthDate).
	birthInput *huh.Input
	addr       addressInput
	saving     bool
	back       patientsMode
	summary    []string // problems that are not next to a field of this step
	styles     *styles
	nurses     []patients.Nurse
	plans      []patients.CarePlan // the patient's, to link treatments to
	today      patients.Date
	w, h       int
}

type (
	patientSavedMsg   struct{ id xid.ID }
	patientInvalidMsg struct{ errs patients.ValidationErrors }
)

func (s patientsScreen) startPatientForm(p patients.Patient, back patientsMode) (patientsScreen, tea.Cmd) {
	// Address lookups keep counting across forms, so that an answer meant
	// for a closed form can never be taken for this one.
	seq := 1
	if s.form != nil {
		seq = s.form.addr.seq + 1
	}
	var plans []patients.CarePlan
	if s.file.id == p.ID && !p.ID.IsZero() {
		plans = s.file.plans
	}
	s.form = &patientForm{
		orig:   p,
		plans:  plans,
		draft:  draftOf(p, s.me, plans),
		back:   back,
		addr:   newAddressInput(s.geo, s.styles, p.Address, seq),
		styles: s.styles,
		nurses: s.nurses,
		today:  patients.DateOf(s.now()),
		w:      s.w,
		h:      s.h,
	}
	s.mode = patientFormMode
	return s, s.form.enterStep(identityStep)
}

func draftOf(p patients.Patient, me xid.ID, plans []patients.CarePlan) *patientDraft {
	d := &patientDraft{
		usedName:   p.UsedName,
		birthName:  p.BirthName,
		firstNames: p.FirstName,
		birthDate:  french.ShortDate(p.BirthDate),
		sex:        string(p.Sex),
		phones:     formatPhones(p.Phones),
		access:     p.Access,
		alerts:     formatAlerts(p.Alerts),
		health:     healthDraftOf(p, plans),
	}
	if d.sex == "" {
		d.sex = string(patients.Unknown)
	}
	nurse := p.PrimaryNurse
	if p.ID.IsZero() && nurse.IsZero() {
		nurse = me // a new patient is usually the author's own
	}
	if !nurse.IsZero() {
		d.nurse = nurse.String()
	}
	return d
}

// enterStep shows a step, building its huh form afresh: the values live in
// the draft, and a fresh form shows the latest errors under its fields.
func (f *patientForm) enterStep(step formStep) tea.Cmd {
	f.step = step
	f.summary = f.summaryFor(step)
	if step == addressStep {
		f.form = nil
		f.addr.setWidth(min(f.w, 100))
		return f.addr.Focus()
	}
	switch step {
	case identityStep:
		f.form = f.identityForm()
	case careStep:
		f.form = f.careForm()
	default:
		f.form = f.healthForm()
	}
	f.sizeForm()
	return f.form.Init()
}

func (f *patientForm) identityForm() *huh.Form {
	d := f.draft
	f.birthInput = huh.NewInput().Title("Date de naissance").Placeholder("JJ/MM/AAAA").Value(&d.birthDate).
		Validate(func(s string) error { _, err := parseBirthDate(s, f.today); return err }).
		Description(f.desc("date de naissance", birthHint))
	return newForm(f.styles,
		huh.NewGroup(
			huh.NewInput().Title("Nom de naissance").Value(&d.birthName).
				Description(f.desc("nom", "")),
			huh.NewInput().Title("Nom d'usage").Value(&d.usedName).
				Description("s'il diffère (nom d'épouse)"),
			huh.NewInput().Title("Prénom(s)").Value(&d.firstNames).
				Description(f.desc("prénom", "")),
			f.birthInput,
			huh.NewSelect[string]().Title("Sexe").Inline(true).Value(&d.sex).Options(
				huh.NewOption("Femme", string(patients.Female)),
				huh.NewOption("Homme", string(patients.Male)),
				huh.NewOption("Non renseigné", string(patients.Unknown)),
			).Description(f.desc("sexe", "")),
			huh.NewInput().Title("Téléphones").Value(&d.phones).
				Description(f.desc("téléphones", "séparés par « ; », le libellé avant « : » (portable : 06 …)")),
		),
		f.insGroup(),
	)
}

func (f *patientForm) careForm() *huh.Form {
	d := f.draft
	nurses := []huh.Option[string]{huh.NewOption("Aucun(e)", "")}
	known := d.nurse == ""
	for _, n := range f.nurses {
		nurses = append(nurses, huh.NewOption(n.FullName(), n.ID.String()))
		known = known || n.ID.String() == d.nurse
	}
	if !known {
		// Keep a nurse who left the cabinet rather than drop her silently.
		nurses = append(nurses, huh.NewOption("IDE qui a quitté le cabinet", d.nurse))
	}
	return newForm(f.styles,
		huh.NewGroup(
			huh.NewInput().Title("Digicode").Value(&d.access.DoorCode),
			huh.NewInput().Title("Boîte à clés").Value(&d.access.KeyBox).Description("où elle est, son code"),
			huh.NewInput().Title("Étage").Value(&d.access.Floor),
			huh.NewInput().Title("Animaux").Value(&d.access.Dog),
			huh.NewInput().Title("Stationnement").Value(&d.access.Parking),
			huh.NewText().Title("Autres notes d'accès").Value(&d.access.Notes).Lines(3).ExternalEditor(false),
		).Title("Accès au domicile"),
		huh.NewGroup(
			huh.NewText().Title("Alertes").Value(&d.alerts).Lines(3).ExternalEditor(false).
				Description(f.desc("alertes", "une par ligne ; « visite à deux » en tête de ligne la signale au planning, « info : » en fait un simple rappel")),
			huh.NewSelect[string]().Title("IDE référent(e)").Value(&d.nurse).Options(nurses...),
		).Title("Alertes et suivi"),
	)
}

const birthHint = "vide si inconnue"

// clearFixedBirthDate drops the last save's error under the birth date once
// the date typed since reads. It runs on the main loop after every message:
// a huh DescriptionFunc would run in a command of its own, beside the loop
// that writes the date and reads the errors (a data race).
func (f *patientForm) clearFixedBirthDate() {
	if f.birthInput == nil || f.step != identityStep || f.draft.errs["date de naissance"] == "" {
		return
	}
	if _, err := parseBirthDate(f.draft.birthDate, f.today); err == nil {
		delete(f.draft.errs, "date de naissance")
		f.birthInput.Description(birthHint)
	}
}

// desc is the description of a field: its last error, else the hint. The
// forms are built again whenever the errors change (enterStep), so a fixed
// description is always the latest.
func (f *patientForm) desc(field, hint string) string {
	if msg := f.draft.errs[field]; msg != "" {
		return f.styles.ErrorText.Render("⚠ " + msg)
	}
	return hint
}

// fieldSteps says on which step each error key is shown.
var fieldSteps = map[string]formStep{
	"nom": identityStep, "prénom": identityStep, "date de naissance": identityStep,
	"sexe": identityStep, "téléphones": identityStep, "nir": identityStep,
	"coordonnées": addressStep,
	"alertes":     careStep,
	"médecin":     healthStep, "prescripteurs": healthStep, "allergies": healthStep, "traitements": healthStep,
}

// fieldKey maps a patients.ValidationError field to the form field that
// shows it.
func fieldKey(field string) string {
	switch {
	case strings.HasPrefix(field, "téléphone"):
		return "téléphones"
	case field == "statut INS":
		return "nir"
	case strings.HasPrefix(field, "contact"):
		return "prescripteurs"
	case strings.HasPrefix(field, "traitement"):
		return "traitements"
	}
	return field
}

func (f *patientForm) summaryFor(step formStep) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(f.draft.errs)) {
		if st, ok := fieldSteps[k]; !ok || st != step {
			out = append(out, "⚠ "+k+" : "+f.draft.errs[k])
		}
	}
	return out
}

// showErrors puts each problem under its field and goes to the first step
// that has one, unless the current step has some.
func (f *patientForm) showErrors(errs patients.ValidationErrors) tea.Cmd {
	f.draft.errs = errorMap(errs, fieldKey)
	f.addr.coordEdited = false
	step := f.step
	if !f.stepHasErrors(step) {
		for s := range stepCount {
			if f.stepHasErrors(s) {
				step = s
				break
			}
		}
	}
	return f.enterStep(step)
}

func (f *patientForm) stepHasErrors(step formStep) bool {
	for k := range f.draft.errs {
		if st, ok := fieldSteps[k]; ok && st == step {
			return true
		}
	}
	return false
}

func (f *patientForm) sizeForm() {
	if f.form == nil {
		return
	}
	f.form.WithWidth(min(f.w, 100)).WithHeight(max(f.h-2-len(f.summary)-formFooter, 4))
}

func (f *patientForm) setSize(w, h int) {
	f.w, f.h = w, h
	f.addr.setWidth(min(w, 100))
	f.sizeForm()
}

func (f *patientForm) setStyles(st *styles) {
	f.styles, f.addr.styles = st, st
	if f.form != nil {
		f.form.WithTheme(formTheme(st))
	}
}

// patient builds the patient from the draft and checks it; nothing is
// saved when the list is not empty.
func (f patientForm) patient() (patients.Patient, patients.ValidationErrors) {
	d := f.draft
	p := f.orig
	var errs patients.ValidationErrors
	p.UsedName = strings.TrimSpace(d.usedName)
	p.BirthName = strings.TrimSpace(d.birthName)
	p.FirstName = strings.TrimSpace(d.firstNames)
	bd, err := parseBirthDate(d.birthDate, f.today)
	if err != nil {
		errs = append(errs, &patients.ValidationError{Field: "date de naissance", Msg: err.Error()})
	}
	p.BirthDate = bd
	p.Sex = patients.Sex(d.sex)
	p.Phones = parsePhones(d.phones)
	addr, aerr := f.addr.address(f.orig.Address)
	if aerr != nil {
		errs = append(errs, aerr)
	}
	p.Address = addr
	p.Access = patients.Access{
		DoorCode: strings.TrimSpace(d.access.DoorCode),
		KeyBox:   strings.TrimSpace(d.access.KeyBox),
		Floor:    strings.TrimSpace(d.access.Floor),
		Dog:      strings.TrimSpace(d.access.Dog),
		Parking:  strings.TrimSpace(d.access.Parking),
		Notes:    strings.TrimSpace(d.access.Notes),
	}
	p.Alerts = parseAlerts(d.alerts)
	errs = append(errs, f.applyHealth(&p)...)
	p.PrimaryNurse = xid.ID{}
	if id, err := xid.FromString(d.nurse); err == nil {
		p.PrimaryNurse = id
	}
	if err := p.Validate(); err != nil {
		var ves patients.ValidationErrors
		if errors.As(err, &ves) {
			errs = append(errs, ves...)
		}
	}
	return p, errs
}

// parseBirthDate reads JJ/MM/AAAA (or AAAA-MM-JJ); empty means unknown.
func parseBirthDate(s string, today patients.Date) (patients.Date, error) {
	if strings.TrimSpace(s) == "" {
		return patients.Date{}, nil
	}
	d, err := patients.ParseDate(s)
	switch {
	case err != nil:
		return patients.Date{}, errors.New(whyNotADate(s))
	case d.After(today):
		return d, errors.New("la date de naissance est dans le futur")
	case d.Year < 1890:
		return d, errors.New("date de naissance invraisemblable : vérifiez l'année")
	}
	return d, nil
}

// parsePhones reads « portable : 06 12 34 56 78 ; fille : 03 21 00 00 00 ».
func parsePhones(s string) []patients.Phone {
	var out []patients.Phone
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		ph := patients.Phone{Number: part}
		if label, num, ok := strings.Cut(part, ":"); ok {
			ph = patients.Phone{Label: strings.TrimSpace(label), Number: strings.TrimSpace(num)}
		}
		out = append(out, ph)
	}
	return out
}

func formatPhones(ps []patients.Phone) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Number
		if p.Label != "" {
			parts[i] = p.Label + " : " + p.Number
		}
	}
	return strings.Join(parts, " ; ")
}

// parseAlerts reads one alert per line. « visite à deux » at the start of a
// line is the flag the planner reads; « info : » is a plain reminder; the
// rest are safety alerts, the default because a forgotten one costs more.
func parseAlerts(s string) []patients.Alert {
	var out []patients.Alert
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		folded := patients.Fold(line)
		switch {
		case line == "":
		case strings.HasPrefix(folded, "visite a deux"):
			out = append(out, patients.Alert{Kind: patients.AlertVisiteADeux, Text: line})
		case strings.HasPrefix(folded, "info") && strings.HasPrefix(strings.TrimSpace(folded[4:]), ":"):
			_, text, _ := strings.Cut(line, ":")
			out = append(out, patients.Alert{Kind: patients.AlertInfo, Text: strings.TrimSpace(text)})
		default:
			out = append(out, patients.Alert{Kind: patients.AlertSafety, Text: line})
		}
	}
	return out
}

func formatAlerts(as []patients.Alert) string {
	lines := make([]string, len(as))
	for i, a := range as {
		switch {
		case a.Kind == patients.AlertVisiteADeux && !strings.HasPrefix(patients.Fold(a.Text), "visite a deux"):
			lines[i] = "Visite à deux : " + a.Text
		case a.Kind == patients.AlertInfo:
			lines[i] = "info : " + a.Text
		default:
			lines[i] = a.Text
		}
	}
	return strings.Join(lines, "\n")
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (s patientsScreen) savePatient() (patientsScreen, tea.Cmd) {
	p, errs := s.form.patient()
	if len(errs) > 0 {
		f := *s.form
		s.form = &f
		return s, f.showErrors(errs)
	}
	f := *s.form
	f.saving, s.form = true, &f
	store, today := s.store, patients.DateOf(s.now())
	return s, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := store.SavePatient(ctx, &p); err != nil {
			// Validation errors carry what was typed (a phone number): they
			// go under the fields, not to the log that errMsg feeds.
			var ves patients.ValidationErrors
			var ve *patients.ValidationError
			switch {
			case errors.As(err, &ves):
				return patientInvalidMsg{ves}
			case errors.As(err, &ve):
				return patientInvalidMsg{patients.ValidationErrors{ve}}
			}
			op := "save new patient"
			if !p.ID.IsZero() {
				op = "save patient " + p.ID.String()
			}
			return errMsg{op, err, originOf(patientsTab)}
		}
		// Archiving or a changed absence reaches the days already planned.
		if _, err := dayplan.ReconcilePatient(ctx, store, today, p.ID); err != nil {
			return errMsg{"reconcile days of " + p.ID.String(), err, originOf(patientsTab)}
		}
		return patientSavedMsg{p.ID}
	}
}

func (s patientsScreen) closePatientForm() patientsScreen {
	s.mode = s.form.back
	if s.mode == fileMode && !s.file.open() {
		s.mode = listMode
	}
	f := *s.form
	f.form, s.form = nil, &f
	return s
}

func (s patientsScreen) updatePatientForm(msg tea.Msg) (patientsScreen, tea.Cmd) {
	if s.form == nil {
		return s, nil
	}
	f := *s.form
	s.form = &f
	switch msg := msg.(type) {
	case patientSavedMsg:
		s.form.saving = false
		if s.mode != patientFormMode {
			return s, nil
		}
		s, cmd := s.openFile(msg.id)
		return s, tea.Batch(cmd, send(patientsChangedMsg(msg)), statusCmd("Patient enregistré"))
	case patientInvalidMsg:
		s.form.saving = false
		if s.mode != patientFormMode {
			return s, nil
		}
		return s, s.form.showErrors(msg.errs)
	case addressDebounceMsg, addressFoundMsg:
		if s.mode != patientFormMode {
			return s, nil
		}
		var cmd tea.Cmd
		s.form.addr, cmd = s.form.addr.Update(msg)
		return s, cmd
	case tea.KeyPressMsg:
		if s.form.saving {
			return s, nil // one save at a time; the answer is coming
		}
		switch {
		case key.Matches(msg, s.keys.Save):
			return s.savePatient()
		case key.Matches(msg, s.keys.Cancel) && !(s.form.step == addressStep && s.form.addr.listOpen()):
			return s.closePatientForm(), statusCmd("Modifications abandonnées")
		case key.Matches(msg, s.keys.NextStep) && s.form.step < lastStep:
			return s, s.form.enterStep(s.form.step + 1)
		case key.Matches(msg, s.keys.PrevStep) && s.form.step > identityStep:
			return s, s.form.enterStep(s.form.step - 1)
		}
	}
	if s.form.step == addressStep {
		var cmd tea.Cmd
		s.form.addr, cmd = s.form.addr.Update(msg)
		if s.form.addr.done {
			s.form.addr.done = false
			return s, tea.Batch(cmd, s.form.enterStep(careStep))
		}
		return s, cmd
	}
	if s.form.form == nil {
		return s, nil
	}
	m, cmd := s.form.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		s.form.form = f
	}
	s.form.clearFixedBirthDate()
	switch s.form.form.State {
	case huh.StateCompleted:
		if s.form.step == lastStep {
			s, save := s.savePatient()
			return s, tea.Batch(cmd, save)
		}
		return s, tea.Batch(cmd, s.form.enterStep(s.form.step+1))
	case huh.StateAborted:
		return s.closePatientForm(), nil
	}
	return s, cmd
}

func (s patientsScreen) patientFormView() string {
	f, st := s.form, s.styles
	if f == nil {
		return ""
	}
	title := "Nouveau patient"
	if !f.orig.ID.IsZero() {
		title = "Modifier " + f.orig.DisplayName()
	}
	var steps []string
	for i, name := range stepNames {
		label := string(rune('1'+i)) + " " + name
		if formStep(i) == f.step {
			steps = append(steps, st.Accent.Render(label))
		} else {
			steps = append(steps, st.Muted.Render(label))
		}
	}
	head := st.Section.Render(title) + "  " + strings.Join(steps, st.Muted.Render(" › "))
	if f.saving {
		head += "  " + st.Muted.Render("Enregistrement…")
	}
	lines := []string{head}
	for _, l := range f.summary {
		lines = append(lines, st.ErrorText.Render(l))
	}
	lines = append(lines, "")
	if f.step == addressStep {
		lines = append(lines, f.addr.View(f.draft.errs))
	} else if f.form != nil {
		lines = append(lines, f.form.View())
	}
	return strings.Join(lines, "\n")
}
