package tui

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// fileTransmissions is how many recent transmissions the file shows: enough
// to know what happened since the nurse last came, the rest is on screen 3.
const fileTransmissions = 5

// patientFile is one patient's file: who, how to get in, what to do.
type patientFile struct {
	id     xid.ID
	p      patients.Patient
	plans  []patients.CarePlan
	trans  []patients.Transmission
	ready  bool
	plan   int   // highlighted care plan, -1 for none
	planAt []int // content line where each care plan starts
	vp     viewport.Model
	// absence is asked from the file (h), then saved.
	absence absenceAsk
	// proof is « preuve de soins » asked from the file (f), nil otherwise.
	proof *proofAsk
}

type patientFileMsg struct {
	id    xid.ID
	p     patients.Patient
	plans []patients.CarePlan
	trans []patients.Transmission
}

func newPatientFile() patientFile {
	return patientFile{plan: -1, vp: viewport.New()}
}

func (f patientFile) open() bool { return !f.id.IsZero() }

func (s patientsScreen) loadFile(id xid.ID) tea.Cmd {
	store := s.store
	return func() tea.Msg {
		ctx := context.Background()
		p, err := store.Patient(ctx, id)
		if err != nil {
			return errMsg{"load patient " + id.String(), err, originOf(patientsTab)}
		}
		plans, err := store.CarePlans(ctx, id)
		if err != nil {
			return errMsg{"load care plans of " + id.String(), err, originOf(patientsTab)}
		}
		trans, err := store.Transmissions(ctx, id, fileTransmissions)
		if err != nil {
			return errMsg{"load transmissions of " + id.String(), err, originOf(patientsTab)}
		}
		return patientFileMsg{id, p, plans, trans}
	}
}

func (s patientsScreen) openFile(id xid.ID) (patientsScreen, tea.Cmd) {
	s.mode = fileMode
	if id != s.file.id {
		vp := s.file.vp
		vp.SetContent("")
		vp.GotoTop()
		s.file = patientFile{id: id, plan: -1, vp: vp}
	}
	return s, s.loadFile(id)
}

func (f patientFile) loaded(msg patientFileMsg) patientFile {
	f.p, f.trans, f.ready = msg.p, msg.trans, true
	f.plans = slices.Clone(msg.plans)
	slices.SortStableFunc(f.plans, func(a, b patients.CarePlan) int {
		return cmp.Or(cmp.Compare(firstStart(a), firstStart(b)), strings.Compare(a.Label, b.Label))
	})
	if f.plan >= len(f.plans) {
		f.plan = -1
	}
	return f
}

func firstStart(c patients.CarePlan) patients.TimeOfDay {
	if len(c.Windows) == 0 {
		return 0
	}
	return c.Windows[0].Start
}

func (s patientsScreen) updateFile(msg tea.Msg) (patientsScreen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		s.file.vp, cmd = s.file.vp.Update(msg)
		return s, cmd
	}
	if !s.file.ready {
		if key.Matches(k, s.keys.Back) {
			s.mode, s.file.id = listMode, xid.ID{}
		}
		return s, nil
	}
	if s.file.absence.step != noAbsence {
		return s.updateAbsence(k)
	}
	if s.file.proof != nil {
		return s.updateProof(k)
	}
	switch {
	case key.Matches(k, s.keys.Back):
		s.mode, s.file.id = listMode, xid.ID{}
		return s, nil
	case key.Matches(k, s.keys.AddAbsence):
		return s.startAbsence()
	case key.Matches(k, s.keys.EndAbsence):
		return s.endAbsence()
	case key.Matches(k, s.keys.Edit):
		return s.startPatientForm(s.file.p, fileMode)
	case key.Matches(k, s.keys.AddPlan):
		return s.startCarePlanForm(patients.CarePlan{PatientID: s.file.id})
	case key.Matches(k, s.keys.NextPlan):
		if len(s.file.plans) > 0 {
			s.file.plan = (s.file.plan + 1) % len(s.file.plans)
			s.renderFile()
			s.file.vp.SetYOffset(max(s.file.planAt[s.file.plan]-1, 0))
		}
		return s, nil
	case key.Matches(k, s.keys.EditPlan) && s.file.plan >= 0:
		return s.startCarePlanForm(s.file.plans[s.file.plan])
	case key.Matches(k, s.keys.Transmit):
		return s, send(newTransmissionMsg{patientID: s.file.id})
	case key.Matches(k, s.keys.DMP):
		return s.startDMP()
	case key.Matches(k, s.keys.Proof):
		return s.startProof()
	}
	var cmd tea.Cmd
	s.file.vp, cmd = s.file.vp.Update(k)
	return s, cmd
}

func (s patientsScreen) fileView() string {
	st, f := s.styles, s.file
	if !f.ready {
		return st.Muted.Render("Chargement du dossier…")
	}
	head := st.Bold.Render(f.p.DisplayName())
	if !f.p.BirthDate.IsZero() {
		head += st.Muted.Render(" · " + ageText(f.p.BirthDate, patients.DateOf(s.now())))
	}
	for _, a := range f.p.Alerts {
		if a.Kind != patients.AlertInfo {
			head += "  " + st.Alert.Render("⚠ "+alertLabel(a.Kind))
			break
		}
	}
	if !f.p.Address.HasCoordinates() {
		head += "  " + st.NoCoords.Render("⚠ sans coordonnées")
	}
	if f.p.Archived {
		head += "  " + st.Muted.Render("archivé")
	}
	if p := cmp.Or(s.absencePrompt(), s.proofPrompt()); p != "" {
		// The prompt takes the file's last lines, so the screen keeps its height.
		body := f.vp.View()
		for range strings.Count(p, "\n") + 1 {
			if i := strings.LastIndex(body, "\n"); i >= 0 {
				body = body[:i]
			}
		}
		return ansi.Truncate(head, s.w, "…") + "\n" + p + "\n" + body
	}
	return ansi.Truncate(head, s.w, "…") + "\n" + f.vp.View()
}

func alertLabel(k patients.AlertKind) string {
	if k == patients.AlertVisiteADeux {
		return "visite à deux"
	}
	return "alerte"
}

// renderFile lays the file out for the current width. It runs when the data,
// the width or the styles change, never in View.
func (s *patientsScreen) renderFile() {
	f := &s.file
	if !f.ready || s.w <= 0 {
		return
	}
	b := fileBuilder{st: s.styles, w: max(s.w, 20)}
	p := f.p
	today := patients.DateOf(s.now())

	b.identity(p, s.nurseName(p.PrimaryNurse))
	b.access(p.Access)
	if len(p.Alerts) > 0 {
		b.section("Alertes")
		for _, a := range p.Alerts {
			st := b.st.Alert
			if a.Kind == patients.AlertInfo {
				st = b.st.Value
			}
			b.wrapped("  ", "⚠ "+a.Text, st)
		}
	}
	b.contacts(p)
	b.health(p, f.plans, today)
	b.absences(p.Absences, today)

	f.planAt = f.planAt[:0:0]
	b.section("Soins prescrits (" + strconv.Itoa(len(f.plans)) + ")")
	if len(f.plans) == 0 {
		b.line(b.st.Muted.Render("  Aucun soin prescrit. Appuyez sur c pour en ajouter un."))
	}
	for i, c := range f.plans {
		f.planAt = append(f.planAt, len(b.lines))
		b.carePlan(c, i == f.plan, today)
		b.planTreatments(p, c)
	}

	b.section("Dernières transmissions")
	if len(f.trans) == 0 {
		b.line(b.st.Muted.Render("  Aucune transmission. Appuyez sur t pour en écrire une."))
	}
	for _, t := range f.trans {
		b.transmission(t, s.nurseName(t.AuthorID))
	}
	f.vp.SetContent(strings.Join(b.lines, "\n"))
}

func (s patientsScreen) nurseName(id xid.ID) string {
	for _, n := range s.nurses {
		if n.ID == id {
			return n.FullName()
		}
	}
	return ""
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// fileBuilder accumulates the lines of a patient file.
type fileBuilder struct {
	st    *styles
	w     int
	lines []string
}

func (b *fileBuilder) line(s string) { b.lines = append(b.lines, s) }

func (b *fileBuilder) section(title string) {
	if len(b.lines) > 0 {
		b.line("")
	}
	b.line(b.st.Section.Render(title))
}

// wrapped adds text wrapped under itself: the indent (a bullet) on the
// first line, as many spaces on the others.
func (b *fileBuilder) wrapped(indent, text string, st lipgloss.Style) {
	w := max(b.w-ansi.StringWidth(indent), 10)
	for i, l := range strings.Split(ansi.Wrap(text, w, ""), "\n") {
		if i == 1 {
			indent = spaces(ansi.StringWidth(indent))
		}
		b.line(indent + st.Render(l))
	}
}

// field adds « Label : value », the value wrapped under itself.
func (b *fileBuilder) field(label, value string) {
	head := "  " + label + " : "
	w := max(b.w-ansi.StringWidth(head), 10)
	for i, l := range strings.Split(ansi.Wrap(value, w, ""), "\n") {
		if i == 0 {
			b.line("  " + b.st.Label.Render(label+" : ") + b.st.Value.Render(l))
			continue
		}
		b.line(spaces(ansi.StringWidth(head)) + b.st.Value.Render(l))
	}
}

func (b *fileBuilder) identity(p patients.Patient, nurse string) {
	var parts []string
	if p.BirthDate.IsZero() {
		parts = append(parts, "date de naissance inconnue")
	} else {
		born := "Né(e) le "
		switch p.Sex {
		case patients.Female:
			born = "Née le "
		case patients.Male:
			born = "Né le "
		}
		// The age is in the header above, which stays while the file scrolls.
		parts = append(parts, born+birthDay(p.BirthDate))
	}
	if p.UsedName != "" && p.BirthName != "" && p.BirthName != p.UsedName {
		parts = append(parts, "nom de naissance "+strings.ToUpper(p.BirthName))
	}
	switch {
	case p.INS == nil:
		parts = append(parts, "INS non renseignée")
	case p.INS.Status == patients.INSUnknownState:
		parts = append(parts, "INS au statut inconnu")
	default:
		parts = append(parts, "INS "+string(p.INS.Status)+" "+p.INS.NIR)
	}
	b.wrapped("", strings.Join(parts, " · "), b.st.Value)
	if label := p.Address.Label(); label != "" {
		b.wrapped("", label, b.st.Value)
	}
	if p.Address.Complement != "" {
		b.wrapped("", p.Address.Complement, b.st.Muted)
	}
	if p.Address.HasCoordinates() {
		b.line(b.st.Muted.Render("Coordonnées : " + sourceLabel(p.Address.Source)))
	} else {
		b.line(b.st.NoCoords.Render("⚠ sans coordonnées") + b.st.Muted.Render(" : absent de la carte et de l'optimisation"))
	}
	for _, ph := range p.Phones {
		label := "Téléphone"
		if ph.Label != "" {
			label += " (" + ph.Label + ")"
		}
		b.line(b.st.Label.Render(label+" : ") + b.st.Value.Render(ph.Number))
	}
	if nurse != "" {
		b.line(b.st.Label.Render("IDE référent(e) : ") + b.st.Value.Render(nurse))
	}
}

// birthDay is « 11 janvier 1938 »: the weekday of a birth is noise.
func birthDay(d patients.Date) string {
	_, rest, _ := strings.Cut(french.LongDate(d), " ")
	return rest
}

func sourceLabel(src patients.CoordSource) string {
	switch src {
	case patients.CoordBAN:
		return "Base Adresse Nationale"
	case patients.CoordManual:
		return "saisies à la main"
	case patients.CoordImported:
		return "importées"
	case patients.CoordCommune:
		return "centre de la commune (approximatives)"
	}
	return "non vérifiées"
}

// access comes first on the file: it is what the nurse needs at the door.
func (b *fileBuilder) access(a patients.Access) {
	b.section("Accès")
	if a.IsZero() {
		b.line(b.st.Muted.Render("  Rien de noté."))
		return
	}
	for _, f := range [...]struct{ label, value string }{
		{"Digicode", a.DoorCode}, {"Boîte à clés", a.KeyBox}, {"Étage", a.Floor},
		{"Animaux", a.Dog}, {"Stationnement", a.Parking},
	} {
		if f.value != "" {
			b.field(f.label, f.value)
		}
	}
	if a.Notes != "" {
		b.wrapped("  ", a.Notes, b.st.Value)
	}
}

func (b *fileBuilder) contacts(p patients.Patient) {
	b.section("Contacts")
	if len(p.Contacts) == 0 {
		b.line(b.st.Muted.Render("  Aucun contact."))
		return
	}
	for _, c := range p.Contacts {
		label := capitalize(string(c.Role))
		if c.Relation != "" {
			label += " (" + c.Relation + ")"
		}
		value := c.Name
		if c.Phone != "" {
			value += " · " + c.Phone
		}
		if c.RPPS != "" {
			value += " · RPPS " + c.RPPS
		}
		b.field(label, value)
	}
}

func (b *fileBuilder) absences(as []patients.Absence, today patients.Date) {
	var current []patients.Absence
	for _, a := range as {
		if a.To.IsZero() || !a.To.Before(today) {
			current = append(current, a)
		}
	}
	if len(current) == 0 {
		return
	}
	b.section("Absences")
	for _, a := range current {
		when := "à partir du " + french.ShortDate(a.From)
		if !a.To.IsZero() {
			when = "du " + french.ShortDate(a.From) + " au " + french.ShortDate(a.To)
		}
		text := capitalize(a.Reason) + " " + when
		if a.Note != "" {
			text += " : " + a.Note
		}
		b.wrapped("  ", text, b.st.Late)
	}
}

func (b *fileBuilder) carePlan(c patients.CarePlan, selected bool, today patients.Date) {
	title := capitalize(string(c.Kind)) + " — " + c.Label
	if selected {
		b.line(b.st.Cursor.Render("▸ ") + b.st.Selected.Render(ansi.Truncate(title, b.w-2, "…")))
	} else {
		b.wrapped("• ", title, b.st.Bold)
	}
	var when []string
	when = append(when, planRhythm(c, today))
	if ws := windowsText(c.Windows); ws != "" {
		when = append(when, ws)
	}
	when = append(when, french.Duration(c.DurationMin))
	b.wrapped("    ", strings.Join(when, " · "), b.st.Value)
	var flags []string
	if c.Strict {
		flags = append(flags, b.st.Strict.Render("⚠ horaire strict"))
	}
	if c.Fasting {
		flags = append(flags, b.st.Strict.Render("à jeun"))
	}
	if c.LabDropoffBefore > 0 {
		flags = append(flags, "tubes au laboratoire avant "+french.Clock(c.LabDropoffBefore))
	}
	if c.NotBefore > 0 {
		flags = append(flags, "pas avant "+french.Clock(c.NotBefore))
	}
	if c.Last {
		flags = append(flags, "en fin de tournée")
	}
	if len(flags) > 0 {
		b.line("    " + strings.Join(flags, " · "))
	}
	var rx []string
	if !c.PrescribedOn.IsZero() {
		rx = append(rx, "prescrit le "+french.ShortDate(c.PrescribedOn))
	}
	if c.Prescriber != "" {
		rx = append(rx, "par "+c.Prescriber)
	}
	if !c.EndsOn.IsZero() {
		rx = append(rx, "fin de prescription le "+french.ShortDate(c.EndsOn))
	}
	if len(rx) > 0 {
		b.wrapped("    ", strings.Join(rx, " · "), b.st.Muted)
	}
}

// planRhythm says when a care plan applies, in words: its rhythm and end
// (french.CarePlanSchedule, the same words as every document), and since
// when.
func planRhythm(c patients.CarePlan, today patients.Date) string {
	s := french.CarePlanSchedule(c)
	if r := c.Recurrence; !r.Start.IsZero() && r.Kind != patients.GivenDays {
		if r.Start.After(today) {
			s += " (à partir du " + french.ShortDate(r.Start) + ")"
		} else {
			s += " (depuis le " + french.ShortDate(r.Start) + ")"
		}
	}
	return s
}

// weekdayNames is indexed by time.Weekday; a constant table.
var weekdayNames = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

func joinFrench(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " et " + xs[len(xs)-1]
}

// windowsText is « 7h30–8h00 et 18h00–19h00 ».
func windowsText(ws []patients.Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		if w.Start == w.End {
			parts[i] = "à " + french.Clock(w.Start)
		} else {
			parts[i] = french.Clock(w.Start) + "–" + french.Clock(w.End)
		}
	}
	return joinFrench(parts)
}

func (b *fileBuilder) transmission(t patients.Transmission, author string) {
	head := french.Date(patients.DateOf(t.At)) + " " + french.Time(t.At)
	if author != "" {
		head += " · " + author
	}
	b.line("")
	b.wrapped("  ", head, b.st.Muted)
	cible := b.st.Bold.Render(t.Cible)
	var flags []string
	if t.Urgent {
		flags = append(flags, b.st.Alert.Render("urgent"))
	}
	if t.ForReplacement {
		flags = append(flags, b.st.Accent.Render("pour le remplaçant"))
	}
	if t.ForDoctor {
		flags = append(flags, b.st.Accent.Render("pour le médecin"))
	}
	if len(flags) > 0 {
		cible += " · " + strings.Join(flags, " · ")
	}
	b.line("  " + b.st.Label.Render("Cible : ") + cible)
	for _, part := range [...]struct{ label, text string }{{"D", t.Donnees}, {"A", t.Actions}, {"R", t.Resultats}} {
		if part.text != "" {
			b.field(part.label, part.text)
		}
	}
}

// capitalize upper-cases the first letter: « insuline » → « Insuline ».
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// ageOn is the age in whole years on a day.
func ageOn(birth, today patients.Date) int {
	age := today.Year - birth.Year
	if today.Month < birth.Month || today.Month == birth.Month && today.Day < birth.Day {
		age--
	}
	return age
}

func ageText(birth, today patients.Date) string {
	if birth.IsZero() {
		return "—"
	}
	return strconv.Itoa(ageOn(birth, today)) + " ans"
}
