package dmp

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// authorsInput is a week where Anne did three visits, Bruno one and the
// remplaçante Chloé two, while Delphine — who did none — exports.
func authorsInput(t *testing.T) (Input, map[string]patients.Nurse) {
	t.Helper()
	in := demoInput(t)
	nurse := func(first, last, rpps string, role patients.NurseRole) patients.Nurse {
		return patients.Nurse{ID: xid.New(), FirstName: first, LastName: last, RPPS: rpps, Role: role}
	}
	n := map[string]patients.Nurse{
		"anne":     nurse("Anne", "ROUX", "10000000001", patients.Titulaire),
		"bruno":    nurse("Bruno", "LEROY", "10000000002", patients.Titulaire),
		"chloe":    nurse("Chloé", "FAURE", "10000000003", patients.Remplacante),
		"delphine": nurse("Delphine", "MOREAU", "10000000004", patients.Titulaire),
	}
	in.Nurses = []patients.Nurse{n["anne"], n["bruno"], n["chloe"], n["delphine"]}
	in.Signer = n["delphine"]
	in.Transmissions = nil
	var vs []patients.Visit
	paris := patients.Paris()
	for i, who := range []string{"anne", "chloe", "anne", "bruno", "chloe", "anne"} {
		v := in.Visits[0]
		v.ID, v.Date, v.Status = xid.New(), in.From.AddDays(i), patients.Done
		v.NurseID = n["anne"].ID // planned for Anne: who did it is what counts
		v.DoneBy = n[who].ID
		v.DoneAt = time.Date(v.Date.Year, v.Date.Month, v.Date.Day, 8, 15+i, 0, 0, paris)
		vs = append(vs, v)
	}
	in.Visits = vs
	return in, n
}

func TestAuthorsAreTheNursesWhoDidTheCare(t *testing.T) {
	in, n := authorsInput(t)
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Header
	var got []string
	for _, a := range h.Authors {
		got = append(got, a.RPPS)
	}
	// Most visits first; the exporting nurse did none, so she is no author.
	if want := []string{n["anne"].RPPS, n["chloe"].RPPS, n["bruno"].RPPS}; !slices.Equal(got, want) {
		t.Fatalf("authors %v, want %v (Anne 3, Chloé 2, Bruno 1)", got, want)
	}
	if h.LegalAuthenticator.RPPS != n["delphine"].RPPS {
		t.Errorf("legal authenticator %s, want the exporting nurse", h.LegalAuthenticator.RPPS)
	}
	chloe := h.Authors[1]
	if f, l := chloe.First.In(patients.Paris()), chloe.Last.In(patients.Paris()); patients.DateOf(f) != in.From.AddDays(1) ||
		patients.DateOf(l) != in.From.AddDays(4) || f.Minute() != 16 || l.Minute() != 19 {
		t.Errorf("Chloé's span %v..%v, want her two visits", f, l)
	}
	meta := ""
	for _, f := range s.Report.Meta {
		meta += f.Label + ": " + f.Value + "\n"
	}
	for _, want := range []string{"Anne ROUX (RPPS 10000000001) : 3 passages", "Chloé FAURE (RPPS 10000000003), en remplacement : 2 passages",
		"Bruno LEROY (RPPS 10000000002) : 1 passage le"} {
		if !strings.Contains(meta, want) {
			t.Errorf("the summary's header lacks %q:\n%s", want, meta)
		}
	}
	if !strings.Contains(s.Report.Footer, "Delphine MOREAU") {
		t.Errorf("footer %q: the signer is the exporting nurse", s.Report.Footer)
	}

	h.DocumentID, h.SetID, h.Version = "1.2.250.1.999.7", "1.2.250.1.999.8", 1
	doc, err := Document(h, cdaFakePDF)
	if err != nil {
		t.Fatal(err)
	}
	root := parseXML(t, doc)
	authors := root.all("author")
	docs := root.all("documentationOf")
	if len(authors) != 3 || len(docs) != 3 {
		t.Fatalf("%d authors and %d documentationOf, want 3 each", len(authors), len(docs))
	}
	for i, a := range authors {
		want := "8" + h.Authors[i].RPPS
		if id := a.one(t, "assignedAuthor/id").attr("extension"); id != want {
			t.Errorf("author %d id %s, want %s", i+1, id, want)
		}
		if tm := a.one(t, "time").attr("value"); tm != cdaTS(h.Authors[i].Last) {
			t.Errorf("author %d time %s, want her last act %s", i+1, tm, cdaTS(h.Authors[i].Last))
		}
		perf := docs[i].one(t, "serviceEvent/performer")
		if id := perf.one(t, "assignedEntity/id").attr("extension"); id != want {
			t.Errorf("performer %d id %s, want %s", i+1, id, want)
		}
		if lo := perf.one(t, "time/low").attr("value"); lo != cdaTS(h.Authors[i].First) {
			t.Errorf("performer %d from %s, want %s", i+1, lo, cdaTS(h.Authors[i].First))
		}
		// [SM]: one PRF performer per serviceEvent, and the main one has its effectiveTime.
		if len(docs[i].all("serviceEvent/performer")) != 1 || len(docs[i].all("serviceEvent/effectiveTime")) != 1 {
			t.Errorf("documentationOf %d breaks the one-performer rule", i+1)
		}
	}
	if id := root.one(t, "legalAuthenticator/assignedEntity/id").attr("extension"); id != "8"+n["delphine"].RPPS {
		t.Errorf("legalAuthenticator %s, want Delphine", id)
	}
	m := Metadata(h, doc)
	if len(m.Authors) != 3 || m.Authors[2].Person.ID != "8"+n["bruno"].RPPS || m.LegalAuthenticator.ID != "8"+n["delphine"].RPPS {
		t.Errorf("XDS authors %+v, legal %+v", m.Authors, m.LegalAuthenticator)
	}
	if v := schemaCheck(t, t.Name(), doc); !v.valid {
		t.Fatalf("three authors fail the CDA schema:\n%s", v.out)
	}
}

func TestAuthorUnknownToThisLaptopIsRefused(t *testing.T) {
	in, _ := authorsInput(t)
	in.Visits[2].DoneBy = xid.New() // a colleague not synced here yet
	_, err := Summarize(in)
	if err == nil || !strings.Contains(err.Error(), "infirmière que ce poste ne connaît pas") {
		t.Fatalf("err = %v, want the French refusal", err)
	}
}
