package billing

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/handover"
	"tournee/ngap"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/roads"
)

// dataStore serves a Data as a base.
type dataStore struct{ d Data }

func (s dataStore) Cabinet(context.Context) (patients.Cabinet, error) { return s.d.Cabinet, nil }
func (s dataStore) Nurses(context.Context) ([]patients.Nurse, error)  { return s.d.Nurses, nil }
func (s dataStore) Patients(context.Context, patients.PatientFilter) ([]patients.Patient, error) {
	return s.d.Patients, nil
}
func (s dataStore) Patient(_ context.Context, id xid.ID) (patients.Patient, error) {
	for _, p := range s.d.Patients {
		if p.ID == id {
			return p, nil
		}
	}
	return patients.Patient{}, patients.ErrNotFound
}
func (s dataStore) CarePlans(context.Context, xid.ID) ([]patients.CarePlan, error) {
	return s.d.Plans, nil
}
func (s dataStore) Visits(_ context.Context, d patients.Date) ([]patients.Visit, error) {
	var out []patients.Visit
	for _, v := range s.d.Visits {
		if v.Date == d {
			out = append(out, v)
		}
	}
	return out, nil
}
func (s dataStore) Transmissions(context.Context, xid.ID, int) ([]patients.Transmission, error) {
	return nil, nil
}

// pdfText renders a report and reads it back with pdftotext, as a caisse
// or an accountant would read the file.
func pdfText(t *testing.T, r handover.Report) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("pdftotext not found (apt-get install poppler-utils): %v", err)
		}
		t.Skip("pdftotext not found: install poppler-utils, or set TOURNEE_REQUIRE_TOOLS=1 to fail")
	}
	b, err := pdfdoc.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

// A proof whose IK are measured on the imported roads credits
// OpenStreetMap, as its licence asks; one on the crow estimate (no roads,
// or a home the roads cannot reach) does not.
func TestProofCreditsOpenStreetMap(t *testing.T) {
	t.Parallel()
	m := newMonacoDay(t)
	created := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		patient patients.Patient
		dist    ngap.Distancer
		credit  bool
	}{
		{"IK on the roads", m.home, m.dist, true},
		{"no roads", m.home, nil, false},
		{"home off the roads", m.sea, m.dist, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			proof, _, err := Proof(context.Background(), dataStore{m.d}, c.patient.ID, m.day, m.day,
				Pricing{Zone: ngap.Plaine, Distance: c.dist}, m.tariffs, created)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, proof.Report)
			if got := strings.Contains(text, "Distances : par la route, "+roads.Attribution); got != c.credit {
				t.Errorf("credit in the PDF: %v, want %v:\n%s", got, c.credit, text)
			}
		})
	}
}

// The rétrocession statement credits the roads when its IK come from them.
func TestCreditRoadsOnStatement(t *testing.T) {
	t.Parallel()
	m := newMonacoDay(t)
	road, err := BillDone(m.d, xid.NilID(), Pricing{Zone: ngap.Plaine, Distance: m.dist}, m.tariffs)
	if err != nil {
		t.Fatal(err)
	}
	crow, err := BillDone(m.d, xid.NilID(), Pricing{Zone: ngap.Plaine}, m.tariffs)
	if err != nil {
		t.Fatal(err)
	}
	st := handover.Retrocession{Visits: road, From: m.day, To: m.day}.Statement()
	if text := pdfText(t, CreditRoads(st, road)); !strings.Contains(text, roads.Attribution) {
		t.Errorf("statement on road IK without the credit:\n%s", text)
	}
	if got := CreditRoads(st, crow); len(got.Meta) != len(st.Meta) {
		t.Errorf("statement on crow IK credited: %+v", got.Meta)
	}
}
