package cli

import (
	"math"
	"strings"
	"testing"

	"tournee/patients"
)

// The demo's past week is done: tournee facturation prices it line by line,
// with the JSON fields the issue lists, and its totals add up.
func TestFacturationJSONAndCSV(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	type act struct {
		Code   string  `json:"code"`
		Coef   float64 `json:"coef"`
		Rate   float64 `json:"rate"`
		Amount float64 `json:"amount"`
	}
	type line struct {
		VisitID     string `json:"visit_id"`
		Date        string `json:"date"`
		Time        string `json:"time"`
		PatientID   string `json:"patient_id"`
		NurseID     string `json:"nurse_id"`
		Acts        []act  `json:"acts"`
		Majorations []struct {
			Code   string  `json:"code"`
			Amount float64 `json:"amount"`
		} `json:"majorations"`
		IFD   float64 `json:"ifd"`
		IKKm  float64 `json:"ik_km"`
		IK    float64 `json:"ik"`
		Total float64 `json:"total"`
	}
	// Sunday 22 November 2026, the day before the tests' clock.
	r := run(t, env, "facturation", "--db", path, "--from", "2026-11-22", "--to", "2026-11-22", "--json")
	if r.code != 0 {
		t.Fatalf("facturation: %d %s", r.code, r.stderr)
	}
	lines := decodeJSON[[]line](t, r.stdout)
	if len(lines) < 40 {
		t.Fatalf("%d lines for a day of the demo cabinet", len(lines))
	}
	sundayF := 0
	for _, l := range lines {
		if l.VisitID == "" || l.Date != "2026-11-22" || len(l.Time) != 5 || l.PatientID == "" || l.NurseID == "" || l.Acts == nil {
			t.Fatalf("incomplete line %+v", l)
		}
		sum := l.IFD + l.IK
		for _, a := range l.Acts {
			if a.Rate != 1 && a.Rate != 0.5 && a.Rate != 0 {
				t.Errorf("rate %v", a.Rate)
			}
			sum += a.Amount
		}
		for _, m := range l.Majorations {
			switch m.Code {
			case "MAU", "MCI", "MIE", "N1", "N2":
			case "F":
				sundayF++
			default:
				t.Errorf("majoration code %q", m.Code)
			}
			sum += m.Amount
		}
		if math.Abs(sum-l.Total) > 0.001 {
			t.Errorf("line %s adds up to %.2f, total says %.2f", l.VisitID, sum, l.Total)
		}
	}
	if sundayF == 0 {
		t.Error("no F majoration on a Sunday of daily care")
	}
	// Every commune of the demo in the cabinet's agglomeration: no IK left.
	ikBefore := 0.0
	for _, l := range lines {
		ikBefore += l.IK
	}
	communes := map[string]bool{}
	for _, p := range decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout) {
		communes[p.Address.City] = true
	}
	var all []string
	for c := range communes {
		all = append(all, c)
	}
	r = run(t, env, "facturation", "--db", path, "--from", "2026-11-22", "--to", "2026-11-22", "--json", "--agglomeration", strings.Join(all, ","))
	ikAfter := 0.0
	for _, l := range decodeJSON[[]line](t, r.stdout) {
		ikAfter += l.IK
	}
	if ikBefore == 0 || ikAfter != 0 {
		t.Errorf("IK %.2f €, then %.2f € with every commune in the agglomeration", ikBefore, ikAfter)
	}

	r = run(t, env, "facturation", "--db", path, "--from", "2026-11-22", "--to", "2026-11-22", "--nurse", demoRPPS[0], "--csv")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "\ufeffvisite;date;heure;") {
		t.Fatalf("csv: %d %q %s", r.code, r.stdout[:min(80, len(r.stdout))], r.stderr)
	}
	rows := strings.Count(r.stdout, "\r\n") - 1
	if rows <= 0 || rows >= len(lines) {
		t.Errorf("%d rows for one nurse out of %d lines", rows, len(lines))
	}
	r = run(t, env, "facturation", "--db", path, "--from", "2026-11-22", "--to", "2026-11-22")
	if r.code != 0 || !strings.Contains(r.stdout, "Totaux par jour et par infirmière") || !strings.Contains(r.stdout, "Points à vérifier") {
		t.Errorf("text: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{{"--from", "2026-11-22"}, {"--from", "2026-11-23", "--to", "2026-11-22"},
		{"--from", "2026-11-22", "--to", "2026-11-22", "--csv", "--json"}, {"--from", "2026-11-22", "--to", "2026-11-22", "--ik-zone", "colline"}} {
		if r := run(t, env, append([]string{"facturation", "--db", path}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want a usage error", bad, r.code)
		}
	}
}

// A care plan gets its acts from a preset or one by one, checked against
// the tariff table; a bad act changes nothing.
func TestCarePlanActsFlags(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--db", path, "--json").stdout)
	base := []string{"careplan", "add", "--db", path, "--patient", ps[0].ID.String(), "--soin", "insuline", "--duree", "10",
		"--fenetre", "7h-8h", "--tous-les-jours", "--json"}
	r := run(t, env, append(base, "--cotation-type", "insuline", "--dimanches-feries", "--horaire-impose-nuit")...)
	if r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	c := decodeJSON[patients.CarePlan](t, r.stdout)
	if patients.ActsText(c.Acts) != "AMI 1 (5bis) + AMI 1 (5bis)" || !c.SundaysAndHolidays || !c.NightOrFixedTime {
		t.Errorf("plan %+v", c)
	}
	r = run(t, env, append(base, "--acte", "AMI 4 lourd", "--acte", "MCI")...)
	if c := decodeJSON[patients.CarePlan](t, r.stdout); r.code != 0 || patients.ActsText(c.Acts) != "AMI 4 (pansement lourd) + MCI 1" {
		t.Errorf("acts one by one: %d %+v %s", r.code, c.Acts, r.stderr)
	}
	before := run(t, env, "careplan", "list", "--db", path, "--patient", ps[0].ID.String(), "--json").stdout
	for _, bad := range [][]string{{"--acte", "AMY 1"}, {"--acte", "AMI 1 urgent"}, {"--cotation-type", "massage"},
		{"--acte", "BSA 2"}, {"--cotation-type", "bsa", "--acte", "AMI 1"}} {
		if r := run(t, env, append(base, bad...)...); r.code != 2 || !strings.Contains(r.stderr, "cotation") && !strings.Contains(r.stderr, "acte") {
			t.Errorf("%v: exit %d %s", bad, r.code, r.stderr)
		}
	}
	if after := run(t, env, "careplan", "list", "--db", path, "--patient", ps[0].ID.String(), "--json").stdout; after != before {
		t.Error("a refused act changed the care plans")
	}
}
