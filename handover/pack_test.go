package handover

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"html"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/demo"
	"tournee/french"
	"tournee/patients"
	"tournee/planner"
)

// id returns a fixed id, so the fixture and the golden file are stable.
func id(n byte) xid.ID {
	var x xid.ID
	x[0], x[11] = 0x4d, n
	return x
}

var (
	nurseA   = id(1) // titulaire replaced
	nurseB   = id(2) // second titulaire
	nurseO   = id(3) // titulaire not replaced
	nurseR   = id(4) // remplaçante
	patient1 = id(11)
	patient2 = id(12)
	patient3 = id(13) // Olivier's: must never appear
	patient4 = id(14) // Anne's, archived
)

var (
	from = patients.Date{Year: 2026, Month: time.November, Day: 23} // a Monday
	to   = patients.Date{Year: 2026, Month: time.November, Day: 25}
	now  = time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)
)

// at is a UTC instant d+days at hh:mm Paris time.
func at(d patients.Date, days, hh, mm int) time.Time {
	return d.AddDays(days).At(patients.Clock(hh, mm)).UTC()
}

func fixture() patients.Dataset {
	auth := &patients.Replacement{
		AuthorisationNumber: "ONI-62-2026-0042",
		AuthorisationFrom:   patients.Date{Year: 2026, Month: time.January, Day: 15},
		AuthorisationUntil:  patients.Date{Year: 2027, Month: time.January, Day: 14},
		Replaces:            []xid.ID{nurseA},
		ContractFrom:        from,
		ContractTo:          to,
	}
	martin := patients.Contact{Role: patients.MedecinTraitant, Name: "Dr Paul Martin", Phone: "03 21 00 00 01"}
	w := func(h1, m1, h2, m2 int) patients.Window {
		return patients.Window{Start: patients.Clock(h1, m1), End: patients.Clock(h2, m2)}
	}
	daily := patients.Recurrence{Kind: patients.Daily, Start: from.AddDays(-30)}
	visit := func(n byte, p xid.ID, days int, r patients.Round, order int, win patients.Window, label string, nurse xid.ID) patients.Visit {
		return patients.Visit{ID: id(100 + n), PatientID: p, Date: from.AddDays(days), Round: r, Order: order, Window: win,
			DurationMin: 15, NurseID: nurse, Status: patients.Planned,
			Items: []patients.CareItem{{Kind: patients.Insulin, Label: label, DurationMin: 15}}}
	}
	trans := func(n byte, p xid.ID, when time.Time, cible string) patients.Transmission {
		return patients.Transmission{ID: id(200 + n), PatientID: p, AuthorID: nurseA, At: when, Cible: cible,
			Donnees: "données " + cible, Actions: "actions " + cible, Resultats: "résultats " + cible}
	}
	return patients.Dataset{
		Cabinet: patients.Cabinet{ID: id(50), Name: "Cabinet infirmier des Dunes", Phone: "03 21 00 00 00",
			Address:  patients.Address{Line: "2 rue de la Mer", PostalCode: "62100", City: "Calais"},
			NurseIDs: []xid.ID{nurseA, nurseB, nurseO}},
		Nurses: []patients.Nurse{
			{ID: nurseA, FirstName: "Anne", LastName: "Leroy", RPPS: "10000000001", Role: patients.Titulaire, Phone: "06 00 00 00 01"},
			{ID: nurseB, FirstName: "Bruno", LastName: "Caron", RPPS: "10000000002", Role: patients.Titulaire},
			{ID: nurseO, FirstName: "Olivier", LastName: "Dufour", RPPS: "10000000003", Role: patients.Titulaire},
			{ID: nurseR, FirstName: "Claire", LastName: "Petit", RPPS: "10000000004", Role: patients.Remplacante, Phone: "06 00 00 00 04", Replacement: auth},
		},
		Patients: []patients.Patient{
			{ID: patient1, BirthName: "Delattre", FirstName: "Hélène", BirthDate: patients.Date{Year: 1941, Month: time.December, Day: 2}, Sex: patients.Female,
				Address:      patients.Address{Line: "5 rue des Prés", PostalCode: "62100", City: "Calais", Source: patients.CoordBAN},
				Access:       patients.Access{DoorCode: "4512B", KeyBox: "boîte grise, code 1942", Floor: "2e sans ascenseur", Dog: "petit chien, gentil"},
				Phones:       []patients.Phone{{Label: "fixe", Number: "03 21 11 11 11"}},
				Contacts:     []patients.Contact{{Role: patients.Famille, Name: "Marc Delattre", Relation: "fils", Phone: "06 11 11 11 11"}, martin, {Role: patients.Pharmacie, Name: "Pharmacie du Beffroi", Phone: "03 21 22 22 22"}},
				Allergies:    []string{"pénicilline"},
				Alerts:       []patients.Alert{{Kind: patients.AlertSafety, Text: "risque de chute"}},
				Treatments:   []string{"Lantus 12 UI le matin"},
				Pathologies:  []string{"diabète de type 2"},
				PrimaryNurse: nurseA},
			{ID: patient2, BirthName: "Fournier", FirstName: "Jean", BirthDate: patients.Date{Year: 1950, Month: time.March, Day: 9}, Sex: patients.Male,
				Address:      patients.Address{Line: "8 place d'Armes", PostalCode: "62100", City: "Calais"},
				Contacts:     []patients.Contact{{Role: patients.MedecinTraitant, Name: "dr paul  MARTIN", Phone: "03.21.00.00.01"}, {Role: patients.Pharmacie, Name: "Pharmacie du Beffroi", Phone: "03 21 22 22 22"}},
				PrimaryNurse: nurseA},
			{ID: patient3, BirthName: "Vandamme", FirstName: "Odile", Address: patients.Address{Line: "1 rue Secrète", City: "Marck"},
				Contacts:     []patients.Contact{{Role: patients.MedecinTraitant, Name: "Dr Zoé Hautecoeur", Phone: "03 21 99 99 99"}},
				Treatments:   []string{"Traitement-confidentiel-Odile"},
				PrimaryNurse: nurseO},
			{ID: patient4, BirthName: "Archambault", FirstName: "Louis", PrimaryNurse: nurseA, Archived: true},
		},
		CarePlans: []patients.CarePlan{
			{ID: id(30), PatientID: patient1, Kind: patients.Insulin, Label: "Lantus 12 UI", Prescriber: "Dr Paul Martin",
				EndsOn: to.AddDays(60), Recurrence: daily, Windows: []patients.Window{w(7, 30, 8, 0)}, DurationMin: 15, Strict: true},
			{ID: id(31), PatientID: patient1, Kind: patients.Dressing, Label: "pansement ancien",
				EndsOn: from.AddDays(-1), Recurrence: daily, Windows: []patients.Window{w(9, 0, 11, 0)}, DurationMin: 20},
			{ID: id(32), PatientID: patient2, Kind: patients.PillBox, Label: "pilulier de la semaine",
				Recurrence: patients.Recurrence{Kind: patients.Weekdays, Start: from.AddDays(-30), Weekdays: []time.Weekday{time.Monday}},
				Windows:    []patients.Window{w(17, 0, 19, 0)}, DurationMin: 10},
			{ID: id(33), PatientID: patient3, Kind: patients.Dressing, Label: "Plan-confidentiel-Odile",
				Recurrence: daily, Windows: []patients.Window{w(8, 0, 9, 0)}, DurationMin: 20},
		},
		Transmissions: []patients.Transmission{
			trans(1, patient1, at(from, -57, 23, 59), "trop-ancienne"),
			trans(2, patient1, at(from, -56, 0, 5), "glycémie"),
			func() patients.Transmission {
				t := trans(3, patient1, at(from, -1, 23, 50), "chute")
				t.Urgent, t.ForReplacement = true, true
				return t
			}(),
			trans(4, patient1, at(from, 0, 0, 10), "pendant"),
			trans(5, patient3, at(from, -2, 10, 0), "Transmission-confidentielle-Odile"),
			trans(6, patient2, at(from, -10, 18, 0), "observance"),
		},
		Visits: []patients.Visit{
			visit(1, patient1, -1, patients.Morning, 1, w(7, 30, 8, 0), "avant", nurseA),
			visit(2, patient1, 0, patients.Morning, 2, w(7, 30, 8, 0), "Lantus lundi", nurseR),
			visit(3, patient2, 0, patients.Morning, 1, w(7, 0, 7, 30), "lundi tôt", nurseR),
			visit(4, patient2, 0, patients.Evening, 1, w(17, 0, 19, 0), "pilulier lundi", nurseR),
			visit(5, patient1, 1, patients.Morning, 1, w(7, 30, 8, 0), "Lantus mardi", nurseR),
			visit(6, patient1, 3, patients.Morning, 1, w(7, 30, 8, 0), "après", nurseR),
			visit(7, patient3, 0, patients.Morning, 1, w(8, 0, 9, 0), "Visite-confidentielle-Odile", nurseO),
		},
	}
}

func input() PackInput {
	return PackInput{Data: fixture(), Titulaires: []xid.ID{nurseA}, Remplacant: nurseR, From: from, To: to, Now: now}
}

func mustPack(t *testing.T, in PackInput) (Pack, []string) {
	t.Helper()
	p, warns, err := BuildPack(in)
	if err != nil {
		t.Fatalf("BuildPack: %v", err)
	}
	return p, warns
}

// secrets are strings of the patient not covered: none may leave the laptop.
var secrets = []string{"Vandamme", "VANDAMME", "Odile", "Hautecoeur", "Rue Secrète", "confidentiel", "Archambault", "ARCHAMBAULT"}

func TestBuildPackSelection(t *testing.T) {
	t.Parallel()
	p, warns := mustPack(t, input())
	if len(warns) != 0 {
		t.Errorf("warnings = %q, want none", warns)
	}
	var got []xid.ID
	for _, pt := range p.Patients {
		got = append(got, pt.ID)
	}
	if want := []xid.ID{patient1, patient2}; !slices.Equal(got, want) {
		t.Errorf("patients = %v, want %v (active patients of the titulaire, sorted by name)", got, want)
	}
	got = nil
	for _, c := range p.CarePlans {
		got = append(got, c.ID)
	}
	if want := []xid.ID{id(30), id(32)}; !slices.Equal(got, want) {
		t.Errorf("care plans = %v, want %v (no ended plan, no other patient's)", got, want)
	}
	var cibles []string
	for _, tr := range p.Transmissions {
		cibles = append(cibles, tr.Cible)
	}
	if want := []string{"glycémie", "observance", "chute"}; !slices.Equal(cibles, want) {
		t.Errorf("transmissions = %q, want %q (exactly the 8 weeks before From)", cibles, want)
	}
	var labels []string
	for _, v := range p.Visits {
		labels = append(labels, v.Items[0].Label)
	}
	if want := []string{"lundi tôt", "Lantus lundi", "pilulier lundi", "Lantus mardi"}; !slices.Equal(labels, want) {
		t.Errorf("visits = %q, want %q (period only, round order)", labels, want)
	}
	if len(p.Titulaires) != 1 || p.Titulaires[0].ID != nurseA || p.Remplacant.ID != nurseR {
		t.Errorf("nurses = %v / %v, want Anne replaced by Claire", p.Titulaires, p.Remplacant.ID)
	}
	if p.Format != PackFormat || p.CabinetShare != 0.10 || p.Cabinet.Name == "" || !p.Created.Equal(now) {
		t.Errorf("pack header = format %d share %v cabinet %q created %v", p.Format, p.CabinetShare, p.Cabinet.Name, p.Created)
	}

	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	page := string(RenderHTML(p.Dossier()))
	contract, _ := p.Contract()
	for _, s := range secrets {
		if strings.Contains(string(js), s) {
			t.Errorf("the pack's JSON mentions %q, a patient not covered", s)
		}
		if strings.Contains(page, s) {
			t.Errorf("the dossier mentions %q, a patient not covered", s)
		}
		if strings.Contains(string(RenderHTML(contract)), s) {
			t.Errorf("the contract mentions %q", s)
		}
	}
	if !strings.Contains(page, "DELATTRE Hélène") || !strings.Contains(page, "FOURNIER Jean") {
		t.Error("the dossier misses a covered patient")
	}
	for _, k := range []string{`"from":"2026-11-23"`, `"to":"2026-11-25"`, `"cabinet_share":0.1`, `"care_plans"`} {
		if !strings.Contains(string(js), k) {
			t.Errorf("JSON lacks %s", k)
		}
	}
}

func TestBuildPackChosenPatients(t *testing.T) {
	t.Parallel()
	in := input()
	in.Patients = []xid.ID{patient2, patient2}
	in.Share = 0.075
	p, _ := mustPack(t, in)
	if len(p.Patients) != 1 || p.Patients[0].ID != patient2 {
		t.Fatalf("patients = %v, want only Jean Fournier, once", p.Patients)
	}
	for _, v := range p.Visits {
		if v.PatientID != patient2 {
			t.Errorf("visit of another patient kept: %v", v.PatientID)
		}
	}
	for _, tr := range p.Transmissions {
		if tr.PatientID != patient2 {
			t.Errorf("transmission of another patient kept: %q", tr.Cible)
		}
	}
	if p.CabinetShare != 0.075 || french.Percent(p.CabinetShare) != "7,5 %" {
		t.Errorf("share = %v (%s), want the one asked, 7,5 %%", p.CabinetShare, french.Percent(p.CabinetShare))
	}
}

func TestBuildPackErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*PackInput)
		want string
	}{
		{"unknown titulaire", func(in *PackInput) { in.Titulaires = []xid.ID{id(99)} }, "titulaire inconnu"},
		{"no titulaire", func(in *PackInput) { in.Titulaires = nil }, "indiquez l'infirmier(e) remplacé(e)"},
		{"unknown remplaçant", func(in *PackInput) { in.Remplacant = id(98) }, "remplaçant(e) inconnu(e)"},
		{"remplaçant is titulaire", func(in *PackInput) { in.Remplacant = nurseA }, "ne peut pas se remplacer"},
		{"from after to", func(in *PackInput) { in.From, in.To = in.To, in.From }, "après sa fin"},
		{"no period", func(in *PackInput) { in.To = patients.Date{} }, "date de fin"},
		{"nobody covered", func(in *PackInput) { in.Titulaires = []xid.ID{nurseB} }, "aucun patient"},
		{"unknown patient", func(in *PackInput) { in.Patients = []xid.ID{id(97)} }, "patient inconnu"},
		{"three titulaires", func(in *PackInput) { in.Titulaires = []xid.ID{nurseA, nurseB, nurseO} }, "pas plus de deux"},
		{"share of 100 %", func(in *PackInput) { in.Share = 1 }, "part du cabinet impossible"},
		{"third nurse over an overlapping contract", func(in *PackInput) { in.Titulaires = []xid.ID{nurseB, nurseO} }, "CSP R.4312-83"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input()
			tt.edit(&in)
			p, warns, err := BuildPack(in)
			var ve patients.ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want patients.ValidationErrors", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
			if p.Format != 0 || warns != nil {
				t.Errorf("a refused pack must be empty, got format %d, warnings %q", p.Format, warns)
			}
		})
	}
}

func TestBuildPackWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*PackInput)
		want []string
	}{
		{"authorisation ends before the end", func(in *PackInput) {
			in.Data.Nurses[3].Replacement.AuthorisationUntil = in.From.AddDays(1)
		}, []string{"l'autorisation de remplacement de Claire Petit se termine le mardi 24 novembre 2026 avant la fin du remplacement"}},
		{"no authorisation", func(in *PackInput) { in.Data.Nurses[3].Replacement = nil }, []string{"aucune autorisation de remplacement"}},
		{"period over", func(in *PackInput) { in.Now = at(to, 1, 8, 0) }, []string{"déjà terminée"}},
		{"titulaire still has visits", func(in *PackInput) { in.Data.Visits[1].NurseID = nurseA }, []string{"1 passage(s) de la période restent attribués à Anne Leroy"}},
		{"ends on the last day is fine", func(in *PackInput) { in.Data.Nurses[3].Replacement.AuthorisationUntil = in.To }, nil},
		{"last day of the period is not over", func(in *PackInput) { in.Now = at(to, 0, 20, 0) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input()
			tt.edit(&in)
			_, warns := mustPack(t, in)
			if len(warns) != len(tt.want) {
				t.Fatalf("warnings = %q, want %d", warns, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(warns[i], w) {
					t.Errorf("warning %q, want it to contain %q", warns[i], w)
				}
			}
		})
	}
}

// TestBuildPackDemoCabinet builds the pack of the demo's remplaçante over a
// week of days built by the planner, and checks that nobody of the other
// nurses' patients reaches the dossier.
func TestBuildPackDemoCabinet(t *testing.T) {
	t.Parallel()
	day := patients.NewDate(2026, time.November, 23)
	var n uint32
	newID := func() xid.ID {
		n++
		var x xid.ID
		x[0] = 0xde
		binary.BigEndian.PutUint32(x[8:], n)
		return x
	}
	ds, err := demo.Load(day, newID)
	if err != nil {
		t.Fatal(err)
	}
	var rempl patients.Nurse
	for _, nu := range ds.Nurses {
		if nu.Role == patients.Remplacante && nu.Replacement != nil && len(nu.Replacement.Replaces) > 0 {
			rempl = nu
		}
	}
	if rempl.ID.IsZero() {
		t.Fatal("the demo has no remplaçante")
	}
	titulaire := rempl.Replacement.Replaces[0]
	for d := day; !d.After(day.AddDays(6)); d = d.AddDays(1) {
		built, err := planner.BuildDay(planner.DayInput{Date: d, Patients: ds.Patients, CarePlans: ds.CarePlans, Nurses: ds.Nurses}, newID)
		if err != nil {
			t.Fatal(err)
		}
		ds.Visits = append(ds.Visits, built.Visits...)
	}
	p, warns, err := BuildPack(PackInput{Data: ds, Titulaires: []xid.ID{titulaire}, Remplacant: rempl.ID,
		From: day, To: day.AddDays(6), Now: day.At(patients.Clock(8, 0))})
	if err != nil {
		t.Fatalf("BuildPack: %v (warnings %q)", err, warns)
	}
	if len(p.Patients) == 0 || len(p.Visits) == 0 {
		t.Fatalf("pack of %d patients, %d visits: want some of each", len(p.Patients), len(p.Visits))
	}
	covered := map[xid.ID]bool{}
	for _, pt := range p.Patients {
		if pt.PrimaryNurse != titulaire || pt.Archived {
			t.Errorf("%s is not an active patient of the titulaire", pt.ID)
		}
		covered[pt.ID] = true
	}
	for _, v := range p.Visits {
		if !covered[v.PatientID] {
			t.Errorf("visit %s of a patient not covered", v.ID)
		}
	}
	page := string(RenderHTML(p.Dossier()))
	if !strings.Contains(page, html.EscapeString(p.Patients[0].DisplayName())) {
		t.Fatal("the dossier misses the first covered patient: the name check below would prove nothing")
	}
	others := 0
	for _, pt := range ds.Patients {
		if !covered[pt.ID] {
			others++
			if strings.Contains(page, html.EscapeString(pt.DisplayName())) {
				t.Errorf("the dossier names %s, a patient not covered", pt.ID)
			}
		}
	}
	if others == 0 {
		t.Error("every demo patient is covered: the secrecy check proves nothing")
	}
}
