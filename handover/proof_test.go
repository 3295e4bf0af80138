package handover

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/ngap"
	"tournee/patients"
)

func TestBuildProof(t *testing.T) {
	t.Parallel()
	tab, err := ngap.Load()
	if err != nil {
		t.Fatal(err)
	}
	from, to := patients.Date{Year: 2026, Month: time.November, Day: 28}, patients.Date{Year: 2026, Month: time.December, Day: 4}
	nurse := patients.Nurse{ID: xid.New(), FirstName: "Émilie", LastName: "Lambert", RPPS: "99900000003"}
	p := patients.Patient{ID: xid.New(), BirthName: "LEROUX", FirstName: "Marcelle", BirthDate: patients.Date{Year: 1938, Month: time.January, Day: 11}}
	plan := patients.CarePlan{ID: xid.New(), PatientID: p.ID, Kind: patients.Insulin, Label: "Insuline du matin",
		Acts: []patients.CareAct{{Key: "AMI", Coef: 1, Modifiers: []patients.ActModifier{patients.Surveillance5bis}},
			{Key: "AMI", Coef: 1, Modifiers: []patients.ActModifier{patients.Surveillance5bis}}},
		Prescriber: "Dr Martin", PrescribedOn: patients.Date{Year: 2026, Month: time.January, Day: 5}, SundaysAndHolidays: true,
		Recurrence: patients.Recurrence{Kind: patients.Daily, Start: patients.Date{Year: 2026, Month: time.January, Day: 5}},
		Windows:    []patients.Window{{Start: patients.Clock(7, 0), End: patients.Clock(8, 0)}}, DurationMin: 10}
	old := plan
	old.ID, old.Label = xid.New(), "Pansement terminé"
	old.Recurrence.Until = patients.Date{Year: 2026, Month: time.February, Day: 1}
	visit := func(d patients.Date, st patients.VisitStatus) patients.Visit {
		v := patients.Visit{ID: xid.New(), Date: d, PatientID: p.ID, Status: st, DurationMin: 10,
			Items: []patients.CareItem{{CarePlanID: plan.ID, Kind: plan.Kind, Label: plan.Label}}}
		if st == patients.Done {
			v.DoneAt, v.DoneBy = d.At(patients.Clock(7, 40)), nurse.ID
		}
		return v
	}
	sunday := visit(patients.Date{Year: 2026, Month: time.November, Day: 29}, patients.Done)
	vs := []patients.Visit{visit(from, patients.Done), sunday, visit(to, patients.Planned), visit(to.AddDays(1), patients.Done)}
	fees, err := ngap.BillVisits(vs[:2], map[xid.ID]patients.CarePlan{plan.ID: plan}, nil, ngap.Cabinet{}, tab)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[xid.ID]ngap.VisitFees{fees[0].VisitID: fees[0], fees[1].VisitID: fees[1]}
	trans := []patients.Transmission{
		{ID: xid.New(), PatientID: p.ID, AuthorID: nurse.ID, At: sunday.DoneAt, Cible: "glycémie", Donnees: "1,85 g/l", VisitID: sunday.ID},
		{ID: xid.New(), PatientID: p.ID, AuthorID: nurse.ID, At: sunday.DoneAt, Cible: "=1+1", Donnees: "formule"},
		{ID: xid.New(), PatientID: p.ID, AuthorID: nurse.ID, At: from.AddDays(-10).At(patients.Clock(9, 0)), Cible: "ancienne", Donnees: "hors période"},
	}
	pr := BuildProof(ProofInput{Patient: p, Nurses: []patients.Nurse{nurse}, Plans: []patients.CarePlan{plan, old}, Visits: vs,
		Fees: byID, Transmissions: trans, From: from, To: to, Created: time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)})
	sum := sha256.Sum256(pr.CSV)
	if pr.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("printed digest %s is not the CSV's", pr.SHA256)
	}
	if pr.Visits != 2 {
		t.Errorf("%d visits, want the 2 done in the period", pr.Visits)
	}
	page := html.UnescapeString(string(RenderHTML(pr.Report)))
	for _, want := range []string{"Preuve de soins", "LEROUX Marcelle", "Dr Martin", "05/01/2026", "AMI 1 (5bis) + AMI 1 (5bis)",
		"y compris dimanches et jours fériés", "28/11/2026 7h30–7h40", "Émilie Lambert (RPPS 99900000003)",
		"AMI 1 + AMI 1 + IFD — 9,05", "AMI 1 + AMI 1 + F + IFD — 17,55", "glycémie", "1,85 g/l", pr.SHA256} {
		if !strings.Contains(page, want) {
			t.Errorf("the proof lacks %q", want)
		}
	}
	for _, not := range []string{"Pansement terminé", "hors période", "05/12/2026"} {
		if strings.Contains(page, not) {
			t.Errorf("the proof shows %q, outside the period", not)
		}
	}
	csv := string(pr.CSV)
	if !strings.HasPrefix(csv, "\ufefftype;date;heure;") || !strings.Contains(csv, ";'=1+1;") || strings.Contains(csv, ";=1+1") {
		t.Errorf("CSV header or formula guard:\n%s", csv)
	}
	// The same input gives the same bytes: the digest can be recomputed.
	again := BuildProof(ProofInput{Patient: p, Nurses: []patients.Nurse{nurse}, Plans: []patients.CarePlan{plan, old}, Visits: vs,
		Fees: byID, Transmissions: trans, From: from, To: to, Created: time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)})
	if again.SHA256 != pr.SHA256 {
		t.Error("the digest changes from one run to the next")
	}
}
