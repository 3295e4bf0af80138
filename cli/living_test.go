package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tournee/patients"
	"tournee/storage"
	"tournee/testbase"
	"tournee/testgc"

	"github.com/rs/xid"
)

// seeded is one demo base made once for the package's tests: seeding
// orders two weeks of rounds, so each test works on a copy.
var seeded struct {
	once sync.Once
	dir  string
	err  error
}

// seedIterations is the search of each of today's rounds in the seeded
// demo (the other days get a twentieth, at least 100).
const seedIterations = 2000

func TestMain(m *testing.M) {
	testgc.Relax()
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// demoCopy is a fresh copy of the demo base seeded at fixedNow.
func demoCopy(t *testing.T) (string, map[string]string) {
	t.Helper()
	seeded.once.Do(func() {
		if seeded.dir, seeded.err = os.MkdirTemp("", "tournee-cli-test-"); seeded.err != nil {
			return
		}
		// Seeded as « tournee demo --iterations » seeds: the same rounds
		// whatever the machine's load, so no verdict here depends on it
		// (TestDemoOpensOnATenableRound runs the demo with its budgets).
		var db *storage.DB
		db, _, seeded.err = openOrSeedDemo(context.Background(), filepath.Join(seeded.dir, "demo.db"), []byte("demo"),
			Env{Now: fixedNow}, seedIterations)
		if seeded.err == nil {
			seeded.err = db.Close()
		}
	})
	if seeded.err != nil {
		t.Fatalf("seed demo: %v", seeded.err)
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := testbase.Copy(filepath.Join(seeded.dir, "demo.db"), path); err != nil {
		t.Fatal(err)
	}
	return path, map[string]string{"TOURNEE_PASSPHRASE": "demo", "XDG_DATA_HOME": t.TempDir()}
}

// aPatient is a demo patient with coordinates, so she can be planned.
func aPatient(t *testing.T, path string, env map[string]string) patients.Patient {
	t.Helper()
	for _, p := range decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout) {
		if p.Address.HasCoordinates() && !p.NeedsTwoCarers() {
			return p
		}
	}
	t.Fatal("no demo patient with coordinates")
	return patients.Patient{}
}

func visitsOf(t *testing.T, path string, env map[string]string, args ...string) []patients.Visit {
	t.Helper()
	r := run(t, env, append([]string{"visits", "--db", path, "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("visits %v: %d %s", args, r.code, r.stderr)
	}
	return decodeJSON[[]patients.Visit](t, r.stdout)
}

func withPlan(vs []patients.Visit, planID string) []patients.Visit {
	var out []patients.Visit
	for _, v := range vs {
		if slices.ContainsFunc(v.Items, func(it patients.CareItem) bool { return it.CarePlanID.String() == planID }) {
			out = append(out, v)
		}
	}
	return out
}

func TestShiftedClockAdvancesWithRealTime(t *testing.T) {
	t.Parallel()
	real := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := shiftedClock(fixedNow(), func() time.Time { return real })
	if got := clock(); !got.Equal(fixedNow()) {
		t.Fatalf("start %v, want %v", got, fixedNow())
	}
	real = real.Add(90 * time.Second)
	if got := clock(); !got.Equal(fixedNow().Add(90 * time.Second)) {
		t.Errorf("after 90 s: %v", got)
	}
}

func TestNowFlagAndEnv(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	for _, v := range visitsOf(t, path, env, "--now", "2026-11-24T08:00") {
		if v.Date != patients.NewDate(2026, 11, 24) {
			t.Fatalf("--now 24/11: visit of %s", v.Date)
		}
	}
	envNow := map[string]string{"TOURNEE_NOW": "2026-11-25T07:00"}
	for k, v := range env {
		envNow[k] = v
	}
	for _, v := range visitsOf(t, path, envNow) {
		if v.Date != patients.NewDate(2026, 11, 25) {
			t.Fatalf("TOURNEE_NOW 25/11: visit of %s", v.Date)
		}
	}
	// The flag wins over the environment.
	for _, v := range visitsOf(t, path, envNow, "--now", "2026-11-24T08:00") {
		if v.Date != patients.NewDate(2026, 11, 24) {
			t.Fatalf("--now over TOURNEE_NOW: visit of %s", v.Date)
		}
	}
	for _, bad := range [][]string{{"--now", "2026-13-01T10:00"}, {"--now", "demain"}} {
		r := run(t, env, append([]string{"visits", "--db", path}, bad...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "--now") || !strings.Contains(r.stderr, "heure illisible") {
			t.Errorf("%v: %d %q", bad, r.code, r.stderr)
		}
	}
	envNow["TOURNEE_NOW"] = "lundi"
	if r := run(t, envNow, "visits", "--db", path); r.code != 2 || !strings.Contains(r.stderr, "TOURNEE_NOW") {
		t.Errorf("bad TOURNEE_NOW: %d %q", r.code, r.stderr)
	}
}

// The scene: at 10h a doctor prescribes insulin for tonight; the
// evening round of today has it, in a round.
func TestCarePlanAddedThisMorningIsInTonightsRound(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	now := "2026-11-23T10:00"
	// A patient seen this morning only: the insulin is a visit of its own.
	seen := map[patients.Round]map[xid.ID]bool{patients.Morning: {}, patients.Evening: {}}
	for _, v := range visitsOf(t, path, env, "--now", now) {
		seen[v.Round][v.PatientID] = true
	}
	var p patients.Patient
	for _, q := range decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout) {
		if seen[patients.Morning][q.ID] && !seen[patients.Evening][q.ID] && q.Address.HasCoordinates() && !q.NeedsTwoCarers() {
			p = q
			break
		}
	}
	if p.ID.IsZero() {
		t.Fatal("no demo patient seen in the morning only")
	}
	r := run(t, env, "careplan", "add", "--db", path, "--now", now, "--patient", p.ID.String(), "--soin", "insuline",
		"--fenetre", "18:00-19:30", "--duree", "10", "--strict", "--tous-les-jours", "--json")
	if r.code != 0 {
		t.Fatalf("careplan add: %d %s", r.code, r.stderr)
	}
	c := decodeJSON[struct {
		patients.CarePlan
		Reconciliation reconciliationJSON `json:"reconciliation"`
	}](t, r.stdout)
	if c.ID.IsZero() || c.Kind != patients.Insulin || c.Label != "Insuline" || !c.Strict || c.Recurrence.Start != patients.NewDate(2026, 11, 23) {
		t.Fatalf("stored plan: %+v", c.CarePlan)
	}
	if c.Reconciliation.Added == 0 || c.Reconciliation.Days == 0 {
		t.Errorf("no stored day got the visit: %+v", c.Reconciliation)
	}
	tonight := withPlan(visitsOf(t, path, env, "--now", now), c.ID.String())
	if len(tonight) != 1 {
		t.Fatalf("%d visits of the new plan today, want 1", len(tonight))
	}
	v := tonight[0]
	if v.Round != patients.Evening || v.Status != patients.Planned || v.NurseID.IsZero() {
		t.Errorf("tonight's visit is not in an evening round: %+v", v)
	}
	// Opening the day puts it in a round, or says why no round can take it
	// (the demo's evenings are full of strict insulin windows).
	if v.Order == 0 && v.LeftOut == "" {
		t.Errorf("tonight's visit is neither placed nor explained: %+v", v)
	}
	if v.Order == 0 {
		t.Logf("no round could take it: %s", v.LeftOut)
	}
	out := run(t, env, "visits", "--db", path, "--now", now).stdout
	evening := strings.Index(out, "Tournée du soir")
	if evening < 0 || !strings.Contains(out[evening:], p.DisplayName()) {
		t.Errorf("the evening round does not list %s:\n%s", p.DisplayName(), out)
	}
	// Tomorrow too, and the human output says what changed.
	if n := len(withPlan(visitsOf(t, path, env, "--now", now, "--date", "2026-11-24"), c.ID.String())); n != 1 {
		t.Errorf("%d visits tomorrow, want 1", n)
	}
}

func TestCarePlanEditEndDelete(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	p := aPatient(t, path, env)
	r := run(t, env, "careplan", "add", "--db", path, "--patient", p.ID.String(), "--soin", "prise-de-sang", "--libelle", "Bilan",
		"--fenetre", "7h-8h30", "--duree", "10", "--a-jeun", "--labo-avant", "10:30", "--jours", "lun,jeu", "--prescripteur", "Dr Caron",
		"--prescrit-le", "2026-11-20", "--cotation", "AMI 1.5", "--sauf-feries")
	if r.code != 0 || !strings.Contains(r.stdout, "Soin ajouté") || !strings.Contains(r.stdout, "déjà planifié") {
		t.Fatalf("add: %d %s %s", r.code, r.stdout, r.stderr)
	}
	plans := decodeJSON[[]patients.CarePlan](t, run(t, env, "careplan", "list", "--db", path, "--patient", p.ID.String(), "--json").stdout)
	i := slices.IndexFunc(plans, func(c patients.CarePlan) bool { return c.Label == "Bilan" })
	if i < 0 {
		t.Fatalf("new plan not listed: %+v", plans)
	}
	c := plans[i]
	if c.Kind != patients.BloodDraw || !c.Fasting || c.LabDropoffBefore != patients.Clock(10, 30) || c.Windows[0] != (patients.Window{Start: patients.Clock(7, 0), End: patients.Clock(8, 30)}) ||
		!slices.Equal(c.Recurrence.Weekdays, []time.Weekday{time.Monday, time.Thursday}) || c.Prescriber != "Dr Caron" || !c.SkipHolidays {
		t.Fatalf("stored: %+v", c)
	}
	id := c.ID.String()
	// Edit: only what is given changes.
	r = run(t, env, "careplan", "edit", "--db", path, id, "--heure-fixe", "7:30", "--json")
	if r.code != 0 {
		t.Fatalf("edit: %d %s", r.code, r.stderr)
	}
	e := decodeJSON[patients.CarePlan](t, r.stdout)
	if e.Windows[0] != (patients.Window{Start: patients.Clock(7, 30), End: patients.Clock(7, 30)}) || !e.Strict || e.Prescriber != "Dr Caron" || !e.Fasting {
		t.Errorf("after edit: %+v", e)
	}
	if r := run(t, env, "careplan", "edit", "--db", path, id); r.code != 2 {
		t.Errorf("edit with nothing to change: %d", r.code)
	}
	// End on Wednesday: Thursday's visit goes, Monday's stays.
	r = run(t, env, "careplan", "end", "--db", path, id, "--le", "2026-11-25")
	if r.code != 0 || !strings.Contains(r.stdout, "Soin arrêté") {
		t.Fatalf("end: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if n := len(withPlan(visitsOf(t, path, env, "--date", "2026-11-26"), id)); n != 0 {
		t.Errorf("%d visits after the end of the prescription", n)
	}
	if n := len(withPlan(visitsOf(t, path, env, "--date", "2026-11-23"), id)); n != 1 {
		t.Errorf("%d visits on Monday, before the end, want 1", n)
	}
	// delete is « patients delete-careplan » under its new home.
	r = run(t, env, "careplan", "delete", "--db", path, id)
	if r.code != 0 {
		t.Fatalf("delete: %d %s", r.code, r.stderr)
	}
	if n := len(withPlan(visitsOf(t, path, env, "--date", "2026-11-23"), id)); n != 0 {
		t.Errorf("%d visits of a deleted plan", n)
	}
}

func TestCarePlanBadInput(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	p := aPatient(t, path, env).ID.String()
	before := run(t, env, "careplan", "list", "--db", path, "--patient", p, "--json").stdout
	base := []string{"careplan", "add", "--db", path, "--soin", "insuline", "--duree", "10", "--tous-les-jours"}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown patient", []string{"--patient", "dc1fe99ksdufgnrfkhi0", "--fenetre", "18:00-19:00"}, 1, "introuvable"},
		{"bad patient id", []string{"--patient", "123", "--fenetre", "18:00-19:00"}, 2, "identifiant de patient illisible"},
		{"window ends before it starts", []string{"--patient", p, "--fenetre", "19:00-18:00"}, 1, "plage 1 : la plage horaire se termine"},
		{"end before start", []string{"--patient", p, "--fenetre", "18:00-19:00", "--debut", "2026-12-10", "--fin", "2026-12-01"}, 1, "jusqu'au : la date de fin précède"},
		{"unreadable window", []string{"--patient", p, "--fenetre", "le soir"}, 2, "plage illisible"},
		{"no window", []string{"--patient", p}, 1, "horaires"},
		{"unknown kind", []string{"--patient", p, "--fenetre", "18:00-19:00", "--soin", "massage"}, 2, "type de soin inconnu"},
		{"two frequencies", []string{"--patient", p, "--fenetre", "18:00-19:00", "--jours", "lun"}, 2, "s'excluent"},
		{"three windows", []string{"--patient", p, "--fenetre", "7h-8h", "--fenetre", "12h-13h", "--fenetre", "18h-19h"}, 2, "deux plages au plus"},
		{"fasting without a blood draw", []string{"--patient", p, "--fenetre", "18:00-19:00", "--a-jeun"}, 1, "prise de sang"},
		{"unknown nurse", []string{"--patient", p, "--fenetre", "18:00-19:00", "--infirmiere", "dc1fe99ksdufgnrfkhi0"}, 1, "introuvable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, env, append(slices.Clone(base), c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", r.code, c.code, r.stderr, c.want)
			}
		})
	}
	if r := run(t, env, "careplan", "add", "--db", path, "--patient", p, "--soin", "insuline", "--fenetre", "18:00-19:00", "--duree", "10"); r.code != 2 || !strings.Contains(r.stderr, "fréquence") {
		t.Errorf("no frequency: %d %q", r.code, r.stderr)
	}
	if after := run(t, env, "careplan", "list", "--db", path, "--patient", p, "--json").stdout; after != before {
		t.Errorf("a refused care plan was stored:\n%s", after)
	}
	if r := run(t, env, "careplan", "end", "--db", path, "dc1fe99ksdufgnrfkhi0"); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("end of an unknown plan: %d %q", r.code, r.stderr)
	}
}

func TestAbsenceAddAndEnd(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	p := aPatient(t, path, env)
	id := p.ID.String()
	mine := func(date string) int {
		n := 0
		for _, v := range visitsOf(t, path, env, "--date", date) {
			if v.PatientID == p.ID {
				n++
			}
		}
		return n
	}
	if mine("2026-11-24") == 0 {
		t.Skip("the demo patient has no visit on 24/11")
	}
	r := run(t, env, "patients", "absence", "add", "--db", path, id, "--motif", "hospitalisation", "--note", "CH Calais")
	if r.code != 0 || !strings.Contains(r.stdout, "visites annulées") && !strings.Contains(r.stdout, "visite annulée") {
		t.Fatalf("absence add: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if n := mine("2026-11-24"); n != 0 {
		t.Errorf("%d visits while in hospital", n)
	}
	cancelled := 0
	for _, v := range visitsOf(t, path, env, "--date", "2026-11-24", "--all") {
		if v.PatientID == p.ID && v.Status == patients.Cancelled && strings.Contains(v.StatusNote, "hospitalisation") {
			cancelled++
		}
	}
	if cancelled == 0 {
		t.Error("no cancelled visit with the reason in --all")
	}
	// A second, overlapping absence, and one that ends before it starts, are refused.
	if r := run(t, env, "patients", "absence", "add", "--db", path, id, "--motif", "vacances", "--du", "2026-12-01"); r.code != 1 || !strings.Contains(r.stderr, "chevauche") {
		t.Errorf("overlapping absence: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "patients", "absence", "add", "--db", path, id, "--motif", "vacances", "--du", "2027-01-10", "--au", "2027-01-03"); r.code != 1 || !strings.Contains(r.stderr, "la fin de l'absence précède son début") {
		t.Errorf("--au before --du: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "patients", "absence", "add", "--db", path, id, "--motif", "cinéma"); r.code != 2 {
		t.Errorf("unknown reason: %d %q", r.code, r.stderr)
	}
	// Back on Tuesday: Monday stays empty, Tuesday's visits come back.
	r = run(t, env, "patients", "absence", "end", "--db", path, id, "--le", "2026-11-24", "--json")
	if r.code != 0 {
		t.Fatalf("absence end: %d %s", r.code, r.stderr)
	}
	got := decodeJSON[struct {
		Absences []patients.Absence `json:"absences"`
	}](t, r.stdout)
	if len(got.Absences) != 1 || got.Absences[0].To != patients.NewDate(2026, 11, 23) || got.Absences[0].Note != "CH Calais" {
		t.Errorf("after end: %+v", got.Absences)
	}
	if mine("2026-11-24") == 0 || mine("2026-11-23") != 0 {
		t.Errorf("after her return on 24/11: %d visits on 23/11, %d on 24/11", mine("2026-11-23"), mine("2026-11-24"))
	}
	if r := run(t, env, "patients", "absence", "end", "--db", path, id, "--le", "2026-11-30"); r.code != 1 || !strings.Contains(r.stderr, "pas d'absence en cours") {
		t.Errorf("end with no absence: %d %q", r.code, r.stderr)
	}
	// An absence ended before it starts is removed.
	run(t, env, "patients", "absence", "add", "--db", path, id, "--motif", "vacances", "--du", "2026-12-20")
	r = run(t, env, "patients", "absence", "end", "--db", path, id, "--le", "2026-12-01", "--json")
	if got := decodeJSON[struct {
		Absences []patients.Absence `json:"absences"`
	}](t, r.stdout); r.code != 0 || len(got.Absences) != 1 {
		t.Errorf("ending an absence not begun: %d %+v %s", r.code, got.Absences, r.stderr)
	}
	if r := run(t, env, "patients", "absence", "add", "--db", path, "dc1fe99ksdufgnrfkhi0", "--motif", "vacances"); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("absence of an unknown patient: %d %q", r.code, r.stderr)
	}
}

func TestVisitOutcomes(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	now := "2026-11-23T09:00"
	today := visitsOf(t, path, env, "--now", now)
	var soft, strict patients.Visit
	for _, v := range today {
		if v.Status != patients.Planned || v.Round != patients.Morning || v.Window.Start > patients.Clock(9, 0) {
			continue
		}
		if v.Strict && strict.ID.IsZero() {
			strict = v
		}
		if !v.Strict && soft.ID.IsZero() {
			soft = v
		}
	}
	if soft.ID.IsZero() || strict.ID.IsZero() {
		t.Fatal("no morning visits to mark")
	}
	// done: today at --at, by the cabinet's nurse.
	r := run(t, env, "visits", "done", "--db", path, "--now", now, strict.ID.String(), "--at", "8:05", "--json")
	if r.code != 0 {
		t.Fatalf("done: %d %s", r.code, r.stderr)
	}
	d := decodeJSON[patients.Visit](t, r.stdout)
	if d.Status != patients.Done || !d.DoneAt.Equal(patients.NewDate(2026, 11, 23).At(patients.Clock(8, 5))) || d.DoneBy.IsZero() {
		t.Errorf("done visit: %+v", d)
	}
	if r := run(t, env, "visits", "done", "--db", path, "--now", now, strict.ID.String()); r.code != 1 || !strings.Contains(r.stderr, "déjà faite") {
		t.Errorf("done twice: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "visits", "done", "--db", path, "--now", now, soft.ID.String(), "--at", "10:00"); r.code != 1 || !strings.Contains(r.stderr, "dans le futur") {
		t.Errorf("done at a time to come: %d %q", r.code, r.stderr)
	}
	// postpone: refused for a strict visit, allowed for a soft one.
	if r := run(t, env, "visits", "postpone", "--db", path, "--now", now, strict.ID.String()); r.code != 1 {
		t.Errorf("postpone of a done visit: %d %q", r.code, r.stderr)
	}
	var strict2 patients.Visit
	for _, v := range today {
		if v.Strict && v.Status == patients.Planned && v.ID != strict.ID {
			strict2 = v
			break
		}
	}
	if r := run(t, env, "visits", "postpone", "--db", path, "--now", now, strict2.ID.String()); r.code != 1 || !strings.Contains(r.stderr, "horaire strict") {
		t.Errorf("postpone of a strict visit: %d %q", r.code, r.stderr)
	}
	r = run(t, env, "visits", "absent", "--db", path, "--now", now, soft.ID.String(), "--json")
	if a := decodeJSON[patients.Visit](t, r.stdout); r.code != 0 || a.Status != patients.Missed || a.StatusNote != "absent" || a.DoneAt.IsZero() {
		t.Errorf("absent: %d %+v %s", r.code, a, r.stderr)
	}
	var soft2 patients.Visit
	for _, v := range today {
		if !v.Strict && v.Status == patients.Planned && v.ID != soft.ID && v.Round == patients.Evening {
			soft2 = v
			break
		}
	}
	if !soft2.ID.IsZero() {
		r = run(t, env, "visits", "postpone", "--db", path, "--now", now, soft2.ID.String(), "--json")
		if pv := decodeJSON[patients.Visit](t, r.stdout); r.code != 0 || pv.Status != patients.Postponed || !strings.HasPrefix(pv.StatusNote, "reportée") {
			t.Errorf("postpone: %d %+v %s", r.code, pv, r.stderr)
		}
		if n := len(slices.DeleteFunc(visitsOf(t, path, env, "--now", now, "--date", "2026-11-24"), func(v patients.Visit) bool { return v.PatientID != soft2.PatientID })); n == 0 {
			t.Error("the postponed care is not there tomorrow")
		}
	}
	// A visit of a day to come: refused, and the base is unchanged.
	tomorrow := visitsOf(t, path, env, "--now", now, "--date", "2026-11-24")
	target := tomorrow[0].ID.String()
	r = run(t, env, "visits", "done", "--db", path, "--now", now, target)
	if r.code != 1 || !strings.Contains(r.stderr, "pas encore arrivé") {
		t.Errorf("done tomorrow: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "visits", "absent", "--db", path, "--now", now, target, "--at", "8:00", "--confirm"); r.code != 1 {
		t.Errorf("absent tomorrow: %d %q", r.code, r.stderr)
	}
	if again := visitsOf(t, path, env, "--now", now, "--date", "2026-11-24"); !slices.EqualFunc(again, tomorrow, func(x, y patients.Visit) bool {
		return x.ID == y.ID && x.Status == y.Status && x.DoneAt.Equal(y.DoneAt)
	}) {
		t.Error("a refused outcome changed tomorrow's visits")
	}
	// A past day: only with the real time and --confirm.
	var past patients.Visit
	for _, v := range visitsOf(t, path, env, "--now", now, "--date", "2026-11-20", "--all") {
		if v.Status == patients.Planned {
			past = v
		}
	}
	if !past.ID.IsZero() {
		if r := run(t, env, "visits", "done", "--db", path, "--now", now, past.ID.String()); r.code != 1 || !strings.Contains(r.stderr, "--confirm") {
			t.Errorf("done on a past day without --at: %d %q", r.code, r.stderr)
		}
		at := past.Window.Start.String()
		if r := run(t, env, "visits", "done", "--db", path, "--now", now, past.ID.String(), "--at", at, "--confirm"); r.code != 0 {
			t.Errorf("done on a past day with --at and --confirm: %d %q", r.code, r.stderr)
		}
	}
	if r := run(t, env, "visits", "done", "--db", path, "dc1fe99ksdufgnrfkhi0"); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("unknown visit: %d %q", r.code, r.stderr)
	}
}

type replanOut struct {
	Route []struct {
		VisitID   string `json:"visit_id"`
		PatientID string `json:"patient_id"`
		Start     string `json:"start"`
		Window    string `json:"window"`
		Strict    bool   `json:"strict"`
	} `json:"route"`
	Risks []struct {
		VisitID  string  `json:"visit_id"`
		Strict   bool    `json:"strict"`
		LateMin  float64 `json:"late_min"`
		LeftOut  bool    `json:"left_out"`
		Reason   string  `json:"reason"`
		Proposal *struct {
			NurseID string `json:"nurse_id"`
			Arrival string `json:"arrival"`
		} `json:"proposal"`
	} `json:"risks"`
}

func TestReplanAfterADelay(t *testing.T) {
	t.Parallel()
	path, env := demoCopy(t)
	now := "2026-11-23T07:20"
	today := sortedVisits(visitsOf(t, path, env, "--now", now), nil)
	var first patients.Visit
	for _, v := range today {
		if v.Round == patients.Morning && v.Order == 1 && v.Status == patients.Planned {
			first = v
			break
		}
	}
	if first.ID.IsZero() {
		t.Fatal("no first visit in a morning round")
	}
	nurse := first.NurseID.String()
	if r := run(t, env, "visits", "done", "--db", path, "--now", now, first.ID.String(), "--at", "7:15"); r.code != 0 {
		t.Fatalf("done: %s", r.stderr)
	}
	r := run(t, env, "replan", "--db", path, "--now", now, "--nurse", nurse, "--delay", "40m", "--json", "--no-save")
	if r.code != 0 {
		t.Fatalf("replan: %d %s", r.code, r.stderr)
	}
	out := decodeJSON[replanOut](t, r.stdout)
	if len(out.Route) == 0 {
		t.Fatalf("empty route: %s", r.stdout)
	}
	for i, s := range out.Route {
		if s.VisitID == first.ID.String() {
			t.Error("the done visit is in the rest of the round")
		}
		if i == 0 && s.Start < "08:00" {
			t.Errorf("first stop at %s, before the delay is over", s.Start)
		}
	}
	strictDone := false
	for _, rk := range out.Risks {
		if rk.Strict && strictDone {
			t.Error("a strict risk after a soft one: strict ones come first")
		}
		strictDone = strictDone || !rk.Strict
		if rk.Reason == "" {
			t.Errorf("risk %s without a reason", rk.VisitID)
		}
	}
	// --no-save kept the order; a save writes the new ETAs.
	before := visitsOf(t, path, env, "--now", now)
	r = run(t, env, "replan", "--db", path, "--now", now, "--nurse", nurse, "--delay", "40m")
	if r.code != 0 || !strings.Contains(r.stdout, "recalculée avec 40 min de retard") {
		t.Fatalf("replan (text): %d %s %s", r.code, r.stdout, r.stderr)
	}
	after := visitsOf(t, path, env, "--now", now)
	changed := 0
	for _, a := range after {
		for _, b := range before {
			if a.ID == b.ID && (a.Order != b.Order || a.PlannedArrival != b.PlannedArrival) {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("the new order was not saved")
	}
	if r := run(t, env, "replan", "--db", path, "--nurse", nurse, "--delay", "40m", "--round", "nuit"); r.code != 2 {
		t.Errorf("--round nuit: %d", r.code)
	}
	if r := run(t, env, "replan", "--db", path, "--nurse", "dc1fe99ksdufgnrfkhi0", "--delay", "10m"); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("unknown nurse: %d %q", r.code, r.stderr)
	}
}
