package dmp

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/patients"
	"tournee/planner"
)

var sumNow = time.Date(2026, 11, 23, 18, 30, 0, 0, patients.Paris())

// demoInput is a week of done visits around the demo cabinet, for the first
// patient with a qualified INS that has care in it.
func demoInput(t *testing.T) Input {
	t.Helper()
	today := patients.DateOf(sumNow)
	ds, err := demo.Load(today.AddDays(-7), xid.New)
	if err != nil {
		t.Fatal(err)
	}
	var visits []patients.Visit
	for off := -7; off <= 0; off++ {
		d := today.AddDays(off)
		day, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, xid.New)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range day.Visits {
			v.Status, v.DoneAt, v.DoneBy = patients.Done, d.At(v.Window.Start), v.NurseID
			visits = append(visits, v)
		}
	}
	for _, p := range ds.Patients {
		if !p.INS.Qualified() {
			continue
		}
		in := Input{Patient: p, Nurses: ds.Nurses, Cabinet: ds.Cabinet, Signer: ds.Nurses[0],
			From: today.AddDays(-6), To: today, Now: sumNow}
		for _, v := range visits {
			if v.PatientID == p.ID {
				in.Visits = append(in.Visits, v)
			}
		}
		for _, c := range ds.CarePlans {
			if c.PatientID == p.ID {
				in.Plans = append(in.Plans, c)
			}
		}
		for _, tr := range ds.Transmissions {
			if tr.PatientID == p.ID {
				in.Transmissions = append(in.Transmissions, tr)
			}
		}
		if len(in.Visits) > 3 {
			return in
		}
	}
	t.Fatal("no demo patient with a qualified INS and visits")
	return Input{}
}

func section(t *testing.T, s Summary, heading string) []string {
	t.Helper()
	for _, sec := range s.Report.Sections {
		if sec.Heading == heading {
			var out []string
			for _, e := range sec.Entries {
				line := e.Label + " | " + e.Text
				for _, f := range e.Lines {
					line += " | " + f.Label + ": " + f.Value
				}
				out = append(out, line)
			}
			return out
		}
	}
	t.Fatalf("no section %q", heading)
	return nil
}

func TestSummarizeCountsCareAndKeepsThePeriod(t *testing.T) {
	in := demoInput(t)
	// A visit outside the period and a missed one inside.
	out := in.Visits[0]
	out.ID, out.Date = xid.New(), in.From.AddDays(-1)
	missed := in.Visits[1]
	missed.ID, missed.Date, missed.Status, missed.StatusNote = xid.New(), in.To, patients.Missed, "hospitalisé"
	in.Visits = append(in.Visits, out, missed)
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[patients.CareKind]int{}
	for _, v := range in.Visits {
		if v.Status != patients.Done || v.Date.Before(in.From) || v.Date.After(in.To) {
			continue
		}
		for _, it := range v.Items {
			want[it.Kind]++
		}
	}
	if len(want) == 0 {
		t.Fatal("the test patient has no care in the period")
	}
	got := section(t, s, "Soins réalisés")
	for kind, n := range want {
		found := false
		for _, line := range got {
			if strings.HasPrefix(strings.ToLower(line), string(kind)+" | ") && strings.Contains(line, " "+strconv.Itoa(n)+" passage") {
				found = true
			}
		}
		if !found {
			t.Errorf("care delivered lacks %d × %s: %q", n, kind, got)
		}
	}
	if ev := strings.Join(section(t, s, "Événements notables"), "\n"); !strings.Contains(ev, "hospitalisé") {
		t.Errorf("the missed visit is not a notable event: %q", ev)
	}
	if !strings.Contains(s.Report.Subtitle, "du mardi 17 novembre 2026 au lundi 23 novembre 2026") {
		t.Errorf("subtitle %q does not give the period in French", s.Report.Subtitle)
	}
	if !strings.Contains(s.Report.Footer, in.Signer.FullName()) || !strings.Contains(s.Report.Footer, in.Signer.RPPS) {
		t.Errorf("footer %q does not sign with the author and her RPPS", s.Report.Footer)
	}
}

func TestSummarizeTransmissionsForTheDoctor(t *testing.T) {
	in := demoInput(t)
	at := in.To.At(patients.Clock(10, 5))
	old := patients.Transmission{ID: xid.New(), PatientID: in.Patient.ID, AuthorID: in.Signer.ID, At: at,
		Cible: "douleur", Donnees: "EVA 7 <genou> & hanche", ForDoctor: true}
	fix := patients.Transmission{ID: xid.New(), PatientID: in.Patient.ID, AuthorID: in.Signer.ID, At: at.Add(time.Hour),
		Cible: "douleur", Donnees: "EVA 6 après antalgique 👍", ForDoctor: true, Corrects: old.ID}
	urgent := patients.Transmission{ID: xid.New(), PatientID: in.Patient.ID, AuthorID: in.Signer.ID, At: at,
		Cible: "chute", Actions: "relevée, pas de plaie", Urgent: true}
	before := patients.Transmission{ID: xid.New(), PatientID: in.Patient.ID, AuthorID: in.Signer.ID,
		At: in.From.AddDays(-2).At(patients.Clock(9, 0)), Cible: "ancienne", Donnees: "hors période", ForDoctor: true}
	in.Transmissions = append(in.Transmissions, old, fix, urgent, before)
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(section(t, s, "Transmissions pour le médecin"), "\n")
	if !strings.Contains(doc, "EVA 6 après antalgique 👍") || strings.Contains(doc, "EVA 7") {
		t.Errorf("a corrected transmission must be replaced by its correction: %q", doc)
	}
	if strings.Contains(doc, "hors période") {
		t.Error("a transmission before the period is in the summary")
	}
	if !strings.Contains(doc, "par "+in.Signer.FullName()) {
		t.Errorf("author not named: %q", doc)
	}
	ev := strings.Join(section(t, s, "Événements notables"), "\n")
	if !strings.Contains(ev, "chute") || !strings.Contains(ev, "urgent") {
		t.Errorf("an urgent transmission is a notable event: %q", ev)
	}
}

func TestSummarizeRefuses(t *testing.T) {
	in := demoInput(t)
	noINS := in
	noINS.Patient.INS = nil
	notQualified := in
	ins := *in.Patient.INS
	ins.Status = patients.INSStatus("provisoire")
	notQualified.Patient.INS = &ins
	backwards := in
	backwards.From, backwards.To = in.To, in.From.AddDays(-1)
	empty := in
	empty.From, empty.To = in.To.AddDays(30), in.To.AddDays(40)
	for name, c := range map[string]struct {
		in   Input
		want string
	}{
		"no INS":          {noINS, "n'a pas d'INS qualifiée"},
		"INS provisoire":  {notQualified, "n'a pas d'INS qualifiée"},
		"period reversed": {backwards, "la date de fin doit suivre"},
		"nothing done":    {empty, "aucun soin fait ni transmission"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Summarize(c.in)
			var verrs patients.ValidationErrors
			if !errors.As(err, &verrs) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a validation error saying %q", err, c.want)
			}
		})
	}
}

func TestSummarizeFillsTheHeader(t *testing.T) {
	in := demoInput(t)
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	h, p := s.Header, in.Patient
	if h.Patient.NIR != p.INS.NIR || h.Patient.INSRoot != p.INS.OID || h.Patient.BirthPlaceCOG != p.INS.BirthPlace ||
		h.Patient.GivenNames != p.INS.GivenNames || h.Patient.FirstGivenName != p.INS.FirstGivenName || h.Patient.Sex != string(p.Sex) {
		t.Errorf("INS traits not carried: %+v", h.Patient)
	}
	if h.LegalAuthenticator.RPPS != in.Signer.RPPS {
		t.Errorf("legal authenticator %+v, want the signer", h.LegalAuthenticator)
	}
	if len(h.Authors) == 0 || h.Authors[0].Specialty != "G15_60" {
		t.Errorf("authors %+v", h.Authors)
	}
	if h.Custodian.ID != "3"+in.Cabinet.SIRET {
		t.Errorf("custodian id %q, want 3+SIRET", h.Custodian.ID)
	}
	if len(in.Cabinet.NurseIDs) > 1 && h.HealthcareFacilityType != "SA08" {
		t.Errorf("a cabinet of %d nurses is a cabinet de groupe, got %s", len(in.Cabinet.NurseIDs), h.HealthcareFacilityType)
	}
	if h.PracticeSetting != "SAD" {
		t.Errorf("practice setting %s, want SAD", h.PracticeSetting)
	}
	if got := patients.DateOf(h.ServiceStart); got != in.From {
		t.Errorf("service start %v, want %v", got, in.From)
	}
	if got := patients.DateOf(h.ServiceEnd); got != in.To {
		t.Errorf("service end %v, want %v", got, in.To)
	}
}
