package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/storage"
)

// at runs a command as if it were the given Paris time (--now).
func at(t *testing.T, env map[string]string, now string, args ...string) result {
	t.Helper()
	return run(t, env, append(args, "--now", now)...)
}

// TestReplacementEndToEnd is issue 16's scenario: the titulaire (Aurélie,
// this laptop of the demo) prepares a pack for an outside remplaçante; the
// cabinet's plan of the period has no round for Aurélie; the remplaçante
// opens the pack, writes a note the evening before, works three days
// (visits done, a patient absent, a note), re-optimises a round and writes
// her return; the titulaire imports it: every transmission once, the
// outcomes in place, the rétrocession on exactly those visits.
func TestReplacementEndToEnd(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	dir := t.TempDir()
	const claireRPPS = "10001234565"
	days := []string{"2026-12-14", "2026-12-15", "2026-12-16"}

	// An outside remplaçante, unknown to the cabinet until now.
	r := run(t, env, "infirmieres", "add", "--db", path, "--role", "remplacante", "--name", "Claire Petit", "--rpps", claireRPPS,
		"--ordre", "62-123456", "--adresse", "12 rue des Lilas, 62000 Arras", "--autorisation", "ONI-62-2026-0042",
		"--autorisation-jusqu-au", "2027-01-14")
	if r.code != 0 || !strings.Contains(r.stdout, "Claire Petit ajoutée") {
		t.Fatalf("infirmieres add: %d %s %s", r.code, r.stdout, r.stderr)
	}
	remKey, titKey := filepath.Join(dir, "claire.txt"), filepath.Join(dir, "aurelie.txt")
	remPub := lastLine(run(t, env, "handover", "keygen", "--out", remKey).stdout)
	titPub := lastLine(run(t, env, "handover", "keygen", "--out", titKey).stdout)

	// The pack, prepared on Thursday evening: the replacement is recorded.
	pack := filepath.Join(dir, "pack.age")
	r = at(t, env, "2026-12-10T18:00", "handover", "export", "--db", path, "--remplacant", claireRPPS, "--from", days[0], "--to", days[2],
		"--recipient", remPub, "--out", pack)
	if r.code != 0 || !strings.Contains(r.stdout, "Remplacement enregistré") {
		t.Fatalf("export: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := at(t, env, "2026-12-10T18:05", "remplacements", "list", "--db", path); !strings.Contains(r.stdout, "Aurélie Duquesne en remplacement du lundi 14 décembre 2026 au mercredi 16 décembre 2026 par Claire Petit") {
		t.Fatalf("remplacements list: %s %s", r.stdout, r.stderr)
	}

	// The cabinet's plan of each day, saved: no round for Aurélie, hers go
	// to Claire, and none of them to a colleague (the import would set
	// Claire's outcome of those aside as another nurse's).
	for _, d := range days {
		r := at(t, env, "2026-12-11T08:00", "plan", "--db", path, "--cabinet", "--date", d, "--json", "--iterations", "300")
		if r.code != 0 {
			t.Fatalf("plan %s: %s", d, r.stderr)
		}
		plan := decodeJSON[struct {
			Routes []struct {
				Nurse string `json:"nurse"`
				Stops []any  `json:"stops"`
			} `json:"routes"`
			Warnings []string `json:"warnings"`
		}](t, r.stdout)
		claire := 0
		for _, rt := range plan.Routes {
			if rt.Nurse == "Aurélie Duquesne" && len(rt.Stops) > 0 {
				t.Errorf("%s: Aurélie, replaced, has a round of %d stops (CSP R.4312-84)", d, len(rt.Stops))
			}
			if rt.Nurse == "Claire Petit" {
				claire += len(rt.Stops)
			}
		}
		if claire == 0 {
			t.Errorf("%s: Claire has no round", d)
		}
		if !strings.Contains(strings.Join(plan.Warnings, "\n"), "Aurélie Duquesne : en remplacement du lundi 14 décembre 2026 au mercredi 16 décembre 2026 par Claire Petit") {
			t.Errorf("%s: the plan does not say who replaces Aurélie: %q", d, plan.Warnings)
		}
	}

	// Claire opens the pack in a base of her own, on Saturday.
	mine := filepath.Join(dir, "claire.db")
	renv := map[string]string{"TOURNEE_PASSPHRASE": "carnet bleu de la remplaçante", "XDG_DATA_HOME": t.TempDir()}
	if r := at(t, renv, "2026-12-12T20:00", "handover", "open", pack, "--db", mine, "--identity", remKey, "--no-tui"); r.code != 0 {
		t.Fatalf("open: %s", r.stderr)
	}
	claireID := nurseID(t, mine, "carnet bleu de la remplaçante", "Claire")

	// The evening before her first day, a call: a patient fell.
	visits := func(d string) []patients.Visit {
		t.Helper()
		r := at(t, renv, d+"T06:00", "visits", "--db", mine, "--date", d, "--json")
		if r.code != 0 {
			t.Fatalf("visits %s: %s", d, r.stderr)
		}
		return decodeJSON[[]patients.Visit](t, r.stdout)
	}
	first := visits(days[0])
	if len(first) == 0 {
		t.Fatal("no visit on her first day")
	}
	for _, v := range first {
		if v.NurseID != claireID {
			t.Fatalf("a visit of her first day is not hers (nurse %s): her base plans only her rounds", v.NurseID)
		}
	}
	fell := first[0].PatientID
	if r := at(t, renv, "2026-12-13T21:00", "transmissions", "add", "--db", mine, "--patient", fell.String(), "--cible", "Chute",
		"--donnees", "chute dans la salle de bains, pas de douleur"); r.code != 0 {
		t.Fatalf("the evening-before note: %s", r.stderr)
	}

	// Three days of work: morning visits done, the first patient of the
	// second day absent, a note on the second day, the evening round of the
	// second day re-optimised after a delay.
	done := map[xid.ID]bool{}
	missed := map[xid.ID]bool{}
	for k, d := range days {
		vs := visits(d)
		evening := false
		for i, v := range vs {
			if v.Round != patients.Morning {
				evening = evening || v.Round == patients.Evening
				continue
			}
			when := patients.TimeOfDay(max(int(v.Window.Start), int(v.PlannedArrival)))
			cmd := "done"
			if k == 1 && i == 0 {
				cmd = "absent"
			}
			r := at(t, renv, d+"T13:00", "visits", cmd, v.ID.String(), "--db", mine, "--at", when.String(), "--confirm")
			if r.code != 0 {
				t.Fatalf("%s visits %s %s: %s", d, cmd, v.ID, r.stderr)
			}
			if cmd == "done" {
				done[v.ID] = true
			} else {
				missed[v.ID] = true
			}
		}
		if k == 1 {
			if r := at(t, renv, d+"T10:00", "transmissions", "add", "--db", mine, "--patient", fell.String(), "--cible", "Plaie",
				"--donnees", "genou, pansement refait"); r.code != 0 {
				t.Fatalf("day-2 note: %s", r.stderr)
			}
			if evening {
				if r := at(t, renv, d+"T16:40", "replan", "--db", mine, "--nurse", claireID.String(), "--delay", "20m", "--round", "soir"); r.code != 0 {
					t.Fatalf("replan: %s %s", r.stdout, r.stderr)
				}
			}
		}
	}
	if len(done) == 0 || len(missed) != 1 {
		t.Fatalf("fixture: %d done, %d missed", len(done), len(missed))
	}

	// Her return, listed before it is written.
	ret := filepath.Join(dir, "retour.age")
	r = at(t, renv, "2026-12-16T20:30", "handover", "return", "--db", mine, "--recipient", titPub, "--out", ret)
	if r.code != 0 || !strings.Contains(r.stdout, "« Chute »") || !strings.Contains(r.stdout, "« Plaie »") ||
		!strings.Contains(r.stdout, "2 transmission(s)") {
		t.Fatalf("return: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// Aurélie imports it.
	r = at(t, env, "2026-12-17T07:30", "handover", "import-return", ret, "--db", path, "--identity", titKey)
	if r.code != 0 {
		t.Fatalf("import-return: %d %s %s", r.code, r.stdout, r.stderr)
	}
	db, err := storage.Open(path, []byte("demo"), storage.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ts, err := db.Transmissions(ctx, fell, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, tr := range ts {
		if tr.AuthorID == claireID {
			count[tr.Cible]++
		}
	}
	if count["Chute"] != 1 || count["Plaie"] != 1 || len(count) != 2 {
		t.Errorf("her transmissions in Aurélie's base: %v, want « Chute » and « Plaie » once each", count)
	}
	back := 0
	for _, d := range days {
		day, _ := patients.ParseDate(d)
		vs, err := db.Visits(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			switch {
			case done[v.ID]:
				back++
				if v.Status != patients.Done || v.DoneBy != claireID {
					t.Errorf("%s: visit %s is %s by %s, want done by Claire", d, v.ID, v.Status, v.DoneBy)
				}
			case missed[v.ID]:
				back++
				if v.Status != patients.Missed {
					t.Errorf("%s: the absent patient's visit is %s", d, v.Status)
				}
			}
		}
	}
	recs, err := db.Replacements(ctx)
	db.Close()
	if err != nil || len(recs) != 1 || recs[0].ReturnImported.IsZero() || recs[0].PackSent.IsZero() {
		t.Errorf("the replacement record after the return: %+v %v", recs, err)
	}
	if back != len(done)+len(missed) {
		t.Errorf("%d of her %d outcomes are in Aurélie's base", back, len(done)+len(missed))
	}
	// Importing again changes nothing.
	if r := at(t, env, "2026-12-17T07:35", "handover", "import-return", ret, "--db", path, "--identity", titKey); r.code != 0 || !strings.Contains(r.stdout, "déjà importé") {
		t.Errorf("second import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// The rétrocession counts exactly the visits she did.
	r = at(t, env, "2026-12-17T08:00", "handover", "retrocession", "--db", path, "--remplacant", claireRPPS, "--from", days[0], "--to", days[2])
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("%d visite(s) faite(s)", len(done))) {
		t.Fatalf("retrocession: want %d visits done: %d %s %s", len(done), r.code, r.stdout, r.stderr)
	}
}

// nurseID finds a nurse of a base by first name.
func nurseID(t *testing.T, path, pass, first string) xid.ID {
	t.Helper()
	db, err := storage.Open(path, []byte(pass), storage.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ns, err := db.Nurses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.FirstName == first {
			return n.ID
		}
	}
	t.Fatalf("no nurse %s in %s", first, path)
	return xid.NilID()
}
