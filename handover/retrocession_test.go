package handover

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/ngap"
	"tournee/patients"
)

func TestStatementFromTotals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		gross     int64
		share     float64
		kept, due int64
	}{
		{"worked example of idel-rules §1: 1 000 €, 10 %", 100000, 0.10, 10000, 90000},
		{"half a cent rounds up", 12345, 0.10, 1235, 11110},
		{"7 % of 1 000,50 € is 70,035 €: up", 100050, 0.07, 7004, 93046},
		{"7,1 % of 15,00 € is 1,065 €: up, although the float product is 106.4999…", 1500, 0.071, 107, 1393},
		{"14,5 % of 1,00 € (float 14.4999…)", 100, 0.145, 15, 85},
		{"7,5 %", 100001, 0.075, 7500, 92501},
		{"nothing kept", 100000, 0, 0, 100000},
		{"everything kept", 100000, 1, 100000, 0},
		{"no fees", 0, 0.10, 0, 0},
		{"a correction (negative) rounds away from zero", -12345, 0.10, -1235, -11110},
		{"share above 1 clamped", 100000, 1.5, 100000, 0},
		{"NaN share keeps nothing", 100000, math.NaN(), 0, 100000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kept, due := StatementFromTotals(tt.gross, tt.share)
			if kept != tt.kept || due != tt.due {
				t.Errorf("StatementFromTotals(%d, %v) = %d, %d; want %d, %d", tt.gross, tt.share, kept, due, tt.kept, tt.due)
			}
			if kept+due != tt.gross {
				t.Errorf("kept + due = %d, not the gross %d", kept+due, tt.gross)
			}
		})
	}
}

// retroWorld is a replacement of N1 by N3 from Monday 2 to Sunday 15 March
// 2026, with visits whose fees (no IK: every patient lives at the cabinet's
// point) add up to exactly 1 000,00 €: 15 × BSC + IFI (31,45 €),
// 21 × BSB + IFI (20,95 €) and 10 × AMI 1.5 + MAU + IFD (8,83 €).
type retroWorld struct {
	remplacant, titulaire patients.Nurse
	cabinet               patients.Cabinet
	pts                   []patients.Patient
	plans                 []patients.CarePlan
	visits                []patients.Visit
	from, to              patients.Date
}

var calais = orb.Point{1.8686, 50.9513}

func newRetroWorld(t *testing.T) *retroWorld {
	t.Helper()
	w := &retroWorld{
		remplacant: patients.Nurse{ID: xid.New(), FirstName: "Claire", LastName: "Petit", RPPS: "10000000004", Role: patients.Remplacante},
		titulaire:  patients.Nurse{ID: xid.New(), FirstName: "Anne", LastName: "Leroy", RPPS: "10000000001", Role: patients.Titulaire},
		cabinet: patients.Cabinet{ID: xid.New(), Name: "Cabinet infirmier des Dunes",
			Address: patients.Address{Line: "77 Rue Henri Guillaumet", City: "Calais", Point: calais, Source: patients.CoordManual}},
		from: patients.Date{Year: 2026, Month: time.March, Day: 2},
		to:   patients.Date{Year: 2026, Month: time.March, Day: 15},
	}
	n := 0
	add := func(cot string, kind patients.CareKind) {
		w.addVisit(t, cot, kind, w.from.AddDays(n%14), w.remplacant.ID, patients.Done, calais)
		n++
	}
	for range 15 {
		add("BSC (forfait journalier BSI) + IFI", patients.HygieneBSI)
	}
	for range 21 {
		add("BSB (forfait journalier BSI) + IFI", patients.HygieneBSI)
	}
	for range 10 {
		add("AMI 1.5 (+ MAU si acte isolé)", patients.BloodDraw)
	}
	// What must not count: her visits not done, the titulaire's, hers
	// outside the period.
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.from, w.remplacant.ID, patients.Planned, calais)
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.from, w.remplacant.ID, patients.Missed, calais)
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.from, w.titulaire.ID, patients.Done, calais)
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.from.AddDays(-1), w.remplacant.ID, patients.Done, calais)
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.to.AddDays(1), w.remplacant.ID, patients.Done, calais)
	return w
}

// addVisit adds a patient with one plan and one visit to her.
func (w *retroWorld) addVisit(t *testing.T, cot string, kind patients.CareKind, d patients.Date, by xid.ID, st patients.VisitStatus, at orb.Point) {
	t.Helper()
	// Patients away from the cabinet's point live in another commune: IK.
	city := "Calais"
	if at != calais {
		city = "Coulogne"
	}
	p := patients.Patient{ID: xid.New(), BirthName: "DELATTRE", FirstName: "Odette", PrimaryNurse: w.titulaire.ID,
		Address: patients.Address{Line: "1 rue du Test", City: city, Point: at, Source: patients.CoordManual}}
	c := patients.CarePlan{ID: xid.New(), PatientID: p.ID, Kind: kind, Label: string(kind), Cotation: cot}
	v := patients.Visit{ID: xid.New(), Date: d, Round: patients.Morning, PatientID: p.ID, Status: st,
		Items: []patients.CareItem{{CarePlanID: c.ID, Kind: kind, Label: c.Label}}}
	if st == patients.Done {
		v.DoneBy, v.DoneAt = by, d.At(patients.Clock(8, 0))
	} else {
		v.NurseID = by
	}
	w.pts = append(w.pts, p)
	w.plans = append(w.plans, c)
	w.visits = append(w.visits, v)
}

func (w *retroWorld) compute(t *testing.T, share float64, includeIK bool) Retrocession {
	t.Helper()
	tab, err := ngap.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ComputeRetrocession(w.remplacant, []patients.Nurse{w.titulaire}, nil, w.visits, w.plans, w.pts, w.cab(), w.from, w.to, share, includeIK, tab)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *retroWorld) cab() ngap.Cabinet { return ngap.CabinetOf(w.cabinet, ngap.Plaine) }

type totals struct{ Gross, TravelExcluded, Base, Kept, Due, Payable int64 }

func totalsOf(r Retrocession) totals {
	return totals{r.Gross, r.TravelExcluded, r.Base, r.Kept, r.Due, r.Payable}
}

func TestComputeRetrocessionWorkedExample(t *testing.T) {
	t.Parallel()
	w := newRetroWorld(t)
	r := w.compute(t, 0.10, false)
	if len(r.Visits) != 46 {
		t.Errorf("%d visits counted, want her 46 done visits in the period", len(r.Visits))
	}
	want := totals{Gross: 100000, Base: 100000, Kept: 10000, Due: 90000, Payable: 90000}
	if got := totalsOf(r); got != want {
		t.Errorf("totals %+v, want %+v", got, want)
	}
	for _, v := range r.Visits {
		if v.Date.Before(w.from) || v.Date.After(w.to) {
			t.Errorf("visit of %s counted, outside the period", v.Date)
		}
	}
}

func TestComputeRetrocessionIK(t *testing.T) {
	t.Parallel()
	w := newRetroWorld(t)
	// A patient 5 km by road: AMI 1 + MAU + IFD + (10 − 4) km × 0,35 € = 9,35 €, of which IK 2,10 €.
	far := geo.PointAtBearingAndDistance(calais, 180, 5000/ngap.RoadCircuity)
	w.addVisit(t, "AMI 1", patients.Injection, w.from.AddDays(3), w.remplacant.ID, patients.Done, far)

	// Default: IK out of the base and paid back in full.
	// Base 1 007,25 €; kept 100,725 → 100,73 (half up); due 906,52; + IK 2,10.
	got := totalsOf(w.compute(t, 0.10, false))
	if want := (totals{Gross: 100935, TravelExcluded: 210, Base: 100725, Kept: 10073, Due: 90652, Payable: 90862}); got != want {
		t.Errorf("IK excluded: %+v, want %+v", got, want)
	}
	if got.Gross-got.Kept != got.Payable {
		t.Errorf("the titulaire keeps %d of %d but pays %d", got.Kept, got.Gross, got.Payable)
	}
	// On request: IK in the base. Kept 100,935 → 100,94.
	got = totalsOf(w.compute(t, 0.10, true))
	if want := (totals{Gross: 100935, Base: 100935, Kept: 10094, Due: 90841, Payable: 90841}); got != want {
		t.Errorf("IK included: %+v, want %+v", got, want)
	}
}

func TestComputeRetrocessionRefuses(t *testing.T) {
	t.Parallel()
	w := newRetroWorld(t)
	tab, err := ngap.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		rempl    patients.Nurse
		from, to patients.Date
		share    float64
	}{
		{"share above 1", w.remplacant, w.from, w.to, 1.2},
		{"negative share", w.remplacant, w.from, w.to, -0.1},
		{"NaN share", w.remplacant, w.from, w.to, math.NaN()},
		{"period reversed", w.remplacant, w.to, w.from, 0.1},
		{"no period", w.remplacant, patients.Date{}, w.to, 0.1},
		{"remplaçant without id", patients.Nurse{FirstName: "X"}, w.from, w.to, 0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ComputeRetrocession(tt.rempl, []patients.Nurse{w.titulaire}, nil, w.visits, w.plans, w.pts, w.cab(), tt.from, tt.to, tt.share, false, tab); err == nil {
				t.Error("accepted")
			}
		})
	}
	// A visit whose plan is gone cannot be priced: refuse rather than underpay.
	if _, err := ComputeRetrocession(w.remplacant, []patients.Nurse{w.titulaire}, nil, w.visits, w.plans[1:], w.pts, w.cab(), w.from, w.to, 0.1, false, tab); err == nil {
		t.Error("a visit with a missing care plan was accepted")
	}
}

func TestRetrocessionStatement(t *testing.T) {
	t.Parallel()
	w := newRetroWorld(t)
	r := w.compute(t, 0.10, false)
	rep := r.Statement()
	if rep.Title != "Relevé de rétrocession" {
		t.Errorf("title %q", rep.Title)
	}
	page := string(RenderHTML(rep))
	for _, want := range []string{
		"Relevé de rétrocession",
		"Anne Leroy", "Claire Petit — RPPS 10000000004",
		"du lundi 2 mars 2026 au dimanche 15 mars 2026",
		"Part du cabinet", "10 %",
		"Honoraires par jour", "lundi 2 mars 2026", "dimanche 15 mars 2026",
		"Honoraires bruts", "1\u202f000,00\u00a0€",
		"IK exclues de l", "0,00\u00a0€",
		"Assiette",
		"Conservé par le titulaire", "100,00\u00a0€",
		"Rétrocession due au remplaçant", "900,00\u00a0€",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the statement lacks %q", want)
		}
	}
	// 46 visits over 14 days: days 0 and 1 get 4 visits, the others 3.
	days := rep.Sections[0]
	if len(days.Entries) != 14 || days.Entries[0].Label != "lundi 2 mars 2026" {
		t.Fatalf("%d day entries (first %q), want 14 from lundi 2 mars 2026", len(days.Entries), days.Entries[0].Label)
	}
	if !strings.HasPrefix(days.Entries[0].Text, "4 visites — ") {
		t.Errorf("first day %q, want 4 visites", days.Entries[0].Text)
	}
	for _, patient := range []string{"DELATTRE", "Delattre", "Odette", "O. D.", "rue du Test"} {
		if strings.Contains(page, patient) {
			t.Errorf("the statement names the patient (%q)", patient)
		}
	}
	if strings.Contains(page, "IK reversées") {
		t.Error("no IK, yet a line for IK paid back")
	}

	// With IK: the IK paid back and the total appear.
	far := geo.PointAtBearingAndDistance(calais, 180, 5000/ngap.RoadCircuity)
	w.addVisit(t, "AMI 1", patients.Injection, w.from, w.remplacant.ID, patients.Done, far)
	page = string(RenderHTML(w.compute(t, 0.10, false).Statement()))
	for _, want := range []string{"dont IK 2,10\u00a0€", "IK reversées en totalité", "Total à verser au remplaçant", "908,62\u00a0€", "kilométrage réel"} {
		if !strings.Contains(page, want) {
			t.Errorf("the statement with IK lacks %q", want)
		}
	}
}

func TestRetrocessionStatementEmpty(t *testing.T) {
	t.Parallel()
	r := Retrocession{Remplacant: patients.Nurse{FirstName: "Claire", LastName: "Petit"},
		From: patients.Date{Year: 2026, Month: time.March, Day: 2}, To: patients.Date{Year: 2026, Month: time.March, Day: 2}, Share: 0.075}
	page := string(RenderHTML(r.Statement()))
	for _, want := range []string{"Aucune visite faite par le remplaçant sur la période", "le lundi 2 mars 2026", "7,5 %"} {
		if !strings.Contains(page, want) {
			t.Errorf("the empty statement lacks %q", want)
		}
	}
}

// Defect 5 of issue 15: the statement is limited to the contract's period,
// the titulaires and their patients; a nurse does not replace herself; a
// share of 0 is a share of 0.
func TestComputeRetrocessionScope(t *testing.T) {
	t.Parallel()
	tab, err := ngap.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := newRetroWorld(t)
	// Her own patient (not the titulaire's), seen during the period.
	w.addVisit(t, "AMI 4 + MCI", patients.Dressing, w.from, w.remplacant.ID, patients.Done, calais)
	w.pts[len(w.pts)-1].PrimaryNurse = w.remplacant.ID
	r := w.compute(t, 0.10, false)
	if len(r.Visits) != 46 || r.Excluded != 1 || r.Gross != 100000 {
		t.Errorf("%d visits, %d excluded, gross %d; want 46, 1 (her own patient), 100000", len(r.Visits), r.Excluded, r.Gross)
	}
	if page := string(RenderHTML(r.Statement())); !strings.Contains(page, "non comptées") || !strings.Contains(page, "Détail des visites") {
		t.Error("the statement shows neither the visits left out nor the detail of the lines")
	}

	// A contract from 2 to 8 March: the second week is not the titulaire's.
	rem := w.remplacant
	rem.Replacement = &patients.Replacement{ContractFrom: w.from, ContractTo: w.from.AddDays(6), Replaces: []xid.ID{w.titulaire.ID}}
	contracts := ContractsOf(rem, nil)
	r, err = ComputeRetrocession(rem, []patients.Nurse{w.titulaire}, contracts, w.visits, w.plans, w.pts, w.cab(), w.from, w.to, 0.10, false, tab)
	if err != nil {
		t.Fatal(err)
	}
	if r.To != w.from.AddDays(6) || slices.ContainsFunc(r.Visits, func(f ngap.VisitFees) bool { return f.Date.After(r.To) }) {
		t.Errorf("period %s–%s, visits after the contract counted", r.From, r.To)
	}
	if len(r.Visits)+r.Excluded != 47 {
		t.Errorf("%d counted + %d excluded, want the 47 she did in the period asked", len(r.Visits), r.Excluded)
	}
	// A period entirely outside the contract.
	if _, err := ComputeRetrocession(rem, []patients.Nurse{w.titulaire}, contracts, w.visits, w.plans, w.pts, w.cab(), w.to.AddDays(10), w.to.AddDays(12), 0.1, false, tab); err == nil || !strings.Contains(err.Error(), "hors des contrats") {
		t.Errorf("period outside the contract: %v", err)
	}
	// A titulaire the contract does not name.
	other := patients.Nurse{ID: xid.New(), FirstName: "Élise", LastName: "Benali"}
	if _, err := ComputeRetrocession(rem, []patients.Nurse{other}, contracts, w.visits, w.plans, w.pts, w.cab(), w.from, w.to, 0.1, false, tab); err == nil || !strings.Contains(err.Error(), "ne prévoit le remplacement d'Élise Benali") {
		t.Errorf("titulaire outside the contract: %v", err)
	}
	// Herself.
	if _, err := ComputeRetrocession(w.remplacant, []patients.Nurse{w.remplacant}, nil, w.visits, w.plans, w.pts, w.cab(), w.from, w.to, 0.1, false, tab); err == nil || !strings.Contains(err.Error(), "à la fois") {
		t.Errorf("a nurse replacing herself: %v", err)
	}
	// A stored replacement record wins over the Nurse's contract: two
	// separate weeks, the second one's visits counted, the first's not.
	recs := []patients.ReplacementRecord{{Remplacant: rem.ID, Titulaires: []xid.ID{w.titulaire.ID}, From: w.from.AddDays(7), To: w.to}}
	r, err = ComputeRetrocession(rem, []patients.Nurse{w.titulaire}, ContractsOf(rem, recs), w.visits, w.plans, w.pts, w.cab(), w.from, w.to, 0.10, false, tab)
	if err != nil || r.From != w.from.AddDays(7) || slices.ContainsFunc(r.Visits, func(f ngap.VisitFees) bool { return f.Date.Before(r.From) }) {
		t.Errorf("record contract: %v, period %s–%s", err, r.From, r.To)
	}
	// Share 0: everything is due.
	r = w.compute(t, 0, false)
	if r.Kept != 0 || r.Due != r.Base || r.Share != 0 {
		t.Errorf("share 0: kept %d, due %d of %d", r.Kept, r.Due, r.Base)
	}
}
