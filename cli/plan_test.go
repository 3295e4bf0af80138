package cli

import (
	"regexp"
	"strings"
	"testing"

	"tournee/patients"
)

type planJSON struct {
	Date   string `json:"date"`
	Routes []struct {
		NurseID string  `json:"nurse_id"`
		Round   string  `json:"round"`
		Km      float64 `json:"km"`
		Stops   []struct {
			Order   int    `json:"order"`
			VisitID string `json:"visit_id"`
			Start   string `json:"start"`
			Lab     bool   `json:"lab"`
		} `json:"stops"`
	} `json:"routes"`
	Unplanned []struct {
		VisitID string `json:"visit_id"`
		Reason  string `json:"reason"`
	} `json:"unplanned"`
}

func TestPlanSavesTheOrder(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	day := "2026-11-23"
	before := decodeJSON[[]patients.Visit](t, run(t, env, "visits", "--db", path, "--date", day, "--json").stdout)
	r := run(t, env, "plan", "--db", path, "--date", day, "--iterations", "300", "--json")
	if r.code != 0 {
		t.Fatalf("plan: %d %s", r.code, r.stderr)
	}
	p := decodeJSON[planJSON](t, r.stdout)
	seen := map[string]int{}
	for _, rt := range p.Routes {
		for _, s := range rt.Stops {
			if !s.Lab {
				seen[s.VisitID]++
			}
		}
	}
	for _, u := range p.Unplanned {
		seen[u.VisitID]++
		if u.Reason == "" {
			t.Errorf("visit %s left out without a reason", u.VisitID)
		}
	}
	for _, v := range before {
		if seen[v.ID.String()] != 1 {
			t.Errorf("visit %s appears %d times in the plan", v.ID, seen[v.ID.String()])
		}
	}
	// The order and times are stored: visits now list in planned order. The
	// day is read as stored, from the next morning (opening it today would
	// try again to fit the visits the plan left out).
	after := decodeJSON[[]patients.Visit](t, run(t, env, "visits", "--db", path, "--date", day, "--now", "2026-11-24T06:00", "--json").stdout)
	ordered := 0
	for _, v := range after {
		if v.Order > 0 {
			ordered++
			if v.PlannedArrival < v.Window.Start {
				t.Errorf("visit %s planned at %s, before its window %s", v.ID, v.PlannedArrival, v.Window.Start)
			}
		}
	}
	if ordered != len(after)-len(p.Unplanned) {
		t.Errorf("%d visits stored with an order, want %d", ordered, len(after)-len(p.Unplanned))
	}
	r = run(t, env, "plan", "--db", path, "--date", day, "--iterations", "300")
	if r.code != 0 || !strings.Contains(r.stdout, "Tournées du lundi 23 novembre 2026") || !strings.Contains(r.stdout, "tournée du matin") {
		t.Errorf("human plan:\n%s\n%s", r.stdout, r.stderr)
	}
}

func TestPlanOneNurse(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	vs := decodeJSON[[]patients.Visit](t, run(t, env, "visits", "--db", path, "--date", "2026-11-24", "--json").stdout)
	nurse := vs[0].NurseID.String()
	r := run(t, env, "plan", "--db", path, "--date", "2026-11-24", "--nurse", nurse, "--json", "--no-save", "--iterations", "300")
	if r.code != 0 {
		t.Fatalf("plan --nurse: %s", r.stderr)
	}
	// A fixed search: the same plan again, whatever the machine's load.
	if again := run(t, env, "plan", "--db", path, "--date", "2026-11-24", "--nurse", nurse, "--json", "--no-save", "--iterations", "300"); again.stdout != r.stdout {
		t.Errorf("plan --iterations 300 twice:\n%s\n---\n%s", r.stdout, again.stdout)
	}
	if r := run(t, env, "plan", "--db", path, "--iterations", "-2"); r.code != 2 || !strings.Contains(r.stderr, "--iterations : au moins 0") {
		t.Errorf("plan --iterations -2: %d %q", r.code, r.stderr)
	}
	for _, rt := range decodeJSON[planJSON](t, r.stdout).Routes {
		if rt.NurseID != nurse {
			t.Errorf("route of %s in a plan for %s", rt.NurseID, nurse)
		}
	}
	if r := run(t, env, "plan", "--db", path, "--nurse", nurse, "--cabinet"); r.code != 2 {
		t.Errorf("--nurse with --cabinet: exit %d, want 2", r.code)
	}
	if r := run(t, env, "plan", "--db", path, "--nurse", "dc1fe99ksdufgnrfkhi0"); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("unknown nurse: %d %q", r.code, r.stderr)
	}
}

// The printed rounds read as a table: whatever the hour (« 9h55 »,
// « 10h03 »), each stop's time ends and its patient's name starts in the
// same column, the laboratory drop-off's time too.
func TestPlanTextColumnsAlign(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	r := run(t, env, "plan", "--db", path, "--date", "2026-11-24", "--no-save", "--iterations", "200")
	if r.code != 0 {
		t.Fatalf("plan: %s", r.stderr)
	}
	stop := regexp.MustCompile(`^  [ \d]\d\. ([ \d]\dh\d\d)  \S`)
	lab := regexp.MustCompile(`^      ([ \d]\dh\d\d)  dépôt des tubes`)
	short, long, labs := 0, 0, 0
	for _, line := range strings.Split(r.stdout, "\n") {
		m := stop.FindStringSubmatch(line)
		if m == nil {
			m = lab.FindStringSubmatch(line)
			if m == nil {
				if regexp.MustCompile(`^ +\d+\. |dépôt des tubes`).MatchString(line) {
					t.Errorf("a stop out of the columns: %q", line)
				}
				continue
			}
			labs++
		}
		if m[1][0] == ' ' {
			short++
		} else {
			long++
		}
	}
	if short == 0 || long == 0 || labs == 0 {
		t.Fatalf("want stops before and after 10h and a lab drop-off, got %d, %d and %d:\n%s", short, long, labs, r.stdout)
	}
}
