package dmpexport

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/handover/dmp"
	"tournee/patients"
)

// TestExportAllDemoPatientsWithXDM exports every demo patient with a
// qualified INS over the past week, with the XDM package: every document
// passes the ANS CDA schema, every package the XDM rules, and each names
// as authors exactly the nurses who did that patient's visits.
func TestExportAllDemoPatientsWithXDM(t *testing.T) {
	t.Parallel()
	db, today := seeded(t)
	ctx := context.Background()
	svc := service(db)
	ps, err := svc.Eligible(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nurses, _ := db.Nurses(ctx)
	rpps := map[xid.ID]string{}
	for _, n := range nurses {
		rpps[n.ID] = "8" + n.RPPS
	}
	from := today.AddDays(-6)
	dir := t.TempDir()
	var docs []string
	for _, p := range ps {
		res, err := svc.ExportWith(ctx, p.ID, from, today, dir, Options{XDM: true})
		if err != nil {
			if errors.Is(err, dmp.ErrNothingToSummarise) {
				continue
			}
			t.Fatalf("%s: %v", p.ID, err)
		}
		if len(res.Files) != 3 || !strings.HasSuffix(res.Files[2], ".zip") {
			t.Fatalf("files %v, want .xml, .json, .zip", res.Files)
		}
		docs = append(docs, res.Files[0])
		pkg, err := os.ReadFile(res.Files[2])
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(res.Files[2]); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", res.Files[2], st.Mode().Perm())
		}
		entry, err := dmp.VerifyXDM(pkg)
		if err != nil {
			t.Errorf("%s: %v", res.Files[2], err)
		}
		if entry.PatientID != p.INS.NIR+"^^^&"+p.INS.OID+"&ISO" {
			t.Errorf("XDM patientId %q, want the INS", entry.PatientID)
		}
		doc, _ := os.ReadFile(res.Files[0])
		if entry.Size != int64(len(doc)) {
			t.Errorf("XDM size %d, the .xml has %d bytes", entry.Size, len(doc))
		}

		// Authors: the nurses who did this patient's visits in the week.
		visits, _ := db.VisitsOfPatient(ctx, p.ID, 0)
		var want []string
		for _, v := range visits {
			if v.Status == patients.Done && !v.Date.Before(from) && !v.Date.After(today) && !v.DoneBy.IsZero() {
				want = append(want, rpps[v.DoneBy])
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		var ids struct {
			Authors []struct {
				Ext string `xml:"extension,attr"`
			} `xml:"author>assignedAuthor>id"`
		}
		if err := xml.Unmarshal(doc, &ids); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range ids.Authors {
			got = append(got, a.Ext)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: authors %v, want the nurses who did the visits %v", p.DisplayName(), got, want)
		}
	}
	if len(docs) < 10 {
		t.Fatalf("only %d demo exports", len(docs))
	}
	t.Logf("%d demo exports with their XDM package", len(docs))
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatal("xmllint is required (TOURNEE_REQUIRE_TOOLS=1)")
		}
		t.Skip("xmllint (libxml2-utils) not installed: the schema check is skipped")
	}
	schema := filepath.Join("..", "..", "shared", "cda", "xsd", "cda", "CDA_extended.xsd")
	if _, err := os.Stat(schema); err != nil {
		t.Fatalf("the shared ANS folder is missing (shared/ must sit next to the repository): %v", err)
	}
	out, err := exec.Command(xmllint, append([]string{"--noout", "--schema", schema}, docs...)...).CombinedOutput()
	if err != nil || strings.Count(string(out), " validates") != len(docs) {
		t.Fatalf("not every export validates:\n%s", out)
	}
}
