package demo

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// counter returns a deterministic id generator: 1, 2, 3… in the last bytes.
func counter() func() xid.ID {
	var n uint32
	return func() xid.ID {
		n++
		var id xid.ID
		id[0] = 0xde
		binary.BigEndian.PutUint32(id[8:], n)
		return id
	}
}

var refDay = patients.NewDate(2026, time.November, 23)

func mustLoad(t *testing.T, today patients.Date) patients.Dataset {
	t.Helper()
	ds, err := Load(today, counter())
	if err != nil {
		t.Fatalf("Load(%s): %v", today, err)
	}
	return ds
}

// patientNamed finds a patient by the name a nurse sees (used name first).
func patientNamed(t *testing.T, ds patients.Dataset, last, first string) patients.Patient {
	t.Helper()
	for _, p := range ds.Patients {
		if p.LastName() == last && p.FirstName == first {
			return p
		}
	}
	t.Fatalf("no patient %s %s", last, first)
	return patients.Patient{}
}

func plansOf(ds patients.Dataset, id xid.ID) []patients.CarePlan {
	var out []patients.CarePlan
	for _, c := range ds.CarePlans {
		if c.PatientID == id {
			out = append(out, c)
		}
	}
	return out
}

func nurseNamed(t *testing.T, ds patients.Dataset, first, last string) patients.Nurse {
	t.Helper()
	for _, n := range ds.Nurses {
		if n.FirstName == first && n.LastName == last {
			return n
		}
	}
	t.Fatalf("no nurse %s %s", first, last)
	return patients.Nurse{}
}

func TestLoadWholeCabinet(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)

	if err := ds.Cabinet.Validate(); err != nil {
		t.Errorf("cabinet: %v", err)
	}
	if got := len(ds.Nurses); got != 4 {
		t.Errorf("nurses = %d, want 4 (three titulaires, one remplaçante)", got)
	}
	if got := len(ds.Patients); got != 66 {
		t.Errorf("patients = %d, want 66", got)
	}
	if got := len(ds.CarePlans); got != 129 {
		t.Errorf("care plans = %d, want 129", got)
	}
	if got := len(ds.Transmissions); got < 5 || got > 10 {
		t.Errorf("transmissions = %d, want 5 to 10", got)
	}
	if len(ds.Visits) != 0 {
		t.Errorf("visits = %d, want none (the planner builds them)", len(ds.Visits))
	}

	// Every id is set and unique across all records: the store keys on them.
	seen := map[xid.ID]string{}
	use := func(id xid.ID, what string) {
		t.Helper()
		if id.IsZero() {
			t.Errorf("%s has the zero id", what)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("%s reuses the id of %s", what, prev)
		}
		seen[id] = what
	}
	use(ds.Cabinet.ID, "cabinet")
	nurses := map[xid.ID]bool{}
	for _, n := range ds.Nurses {
		use(n.ID, "nurse "+n.FullName())
		nurses[n.ID] = true
		if _, err := n.Validate(); err != nil {
			t.Errorf("nurse %s: %v", n.FullName(), err)
		}
		if n.TravelProfile != patients.Rural || len(n.Shifts) == 0 {
			t.Errorf("nurse %s: profile %q, %d shifts", n.FullName(), n.TravelProfile, len(n.Shifts))
		}
		if n.Start.Point != ds.Cabinet.Address.Point || n.End.Point != ds.Cabinet.Address.Point {
			t.Errorf("nurse %s does not start and end at the cabinet", n.FullName())
		}
	}
	if !slices.Equal(ds.Cabinet.NurseIDs, []xid.ID{ds.Nurses[0].ID, ds.Nurses[1].ID, ds.Nurses[2].ID, ds.Nurses[3].ID}) {
		t.Errorf("cabinet nurse ids %v do not list the nurses", ds.Cabinet.NurseIDs)
	}
	if n1 := nurseNamed(t, ds, "Aurélie", "Duquesne"); ds.Cabinet.CurrentNurse != n1.ID || n1.Role != patients.Titulaire {
		t.Errorf("current nurse should be the first titulaire, Aurélie Duquesne")
	}

	pats := map[xid.ID]bool{}
	withINS := 0
	for _, p := range ds.Patients {
		use(p.ID, "patient "+p.DisplayName())
		pats[p.ID] = true
		if err := p.Validate(); err != nil {
			t.Errorf("patient %s: %v", p.DisplayName(), err)
		}
		if p.INS != nil {
			withINS++
			if p.INS.OID != patients.OIDInsNIRTest || !p.INS.Qualified() || p.BirthDate.IsZero() {
				t.Errorf("patient %s: INS %+v, birth date %s", p.DisplayName(), *p.INS, p.BirthDate)
			}
		} else if !p.BirthDate.IsZero() {
			t.Errorf("patient %s has no INS but an invented birth date %s", p.DisplayName(), p.BirthDate)
		}
		if !nurses[p.PrimaryNurse] {
			t.Errorf("patient %s: primary nurse %s is not loaded", p.DisplayName(), p.PrimaryNurse)
		}
		if !p.Address.HasCoordinates() || p.Address.City == "" || p.Address.PostalCode == "" {
			t.Errorf("patient %s: address %+v", p.DisplayName(), p.Address)
		}
		if lon, lat := p.Address.Point.Lon(), p.Address.Point.Lat(); lat < 50.83 || lat > 50.96 || lon < 1.76 || lon > 2.08 {
			t.Errorf("patient %s: point %v outside the Calais area (lon/lat swapped?)", p.DisplayName(), p.Address.Point)
		}
		if len(plansOf(ds, p.ID)) == 0 {
			t.Errorf("patient %s has no care plan", p.DisplayName())
		}
	}
	if withINS != 34 {
		t.Errorf("patients with INS = %d, want 34", withINS)
	}
	for _, c := range ds.CarePlans {
		use(c.ID, "care plan "+c.Label)
		if !pats[c.PatientID] {
			t.Errorf("care plan %q points to no loaded patient", c.Label)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("care plan %q: %v", c.Label, err)
		}
	}
	for _, tr := range ds.Transmissions {
		use(tr.ID, "transmission "+tr.Cible)
		if err := tr.Validate(); err != nil {
			t.Errorf("transmission %q: %v", tr.Cible, err)
		}
		if !pats[tr.PatientID] || !nurses[tr.AuthorID] {
			t.Errorf("transmission %q: unknown patient or author", tr.Cible)
		}
		if !tr.At.Before(refDay.At(0)) {
			t.Errorf("transmission %q at %s is not in the past", tr.Cible, tr.At)
		}
	}
}

func TestTransmissionsFlags(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)
	var urgent, rempl, doctor bool
	byPatient := map[xid.ID]bool{}
	for _, tr := range ds.Transmissions {
		urgent = urgent || tr.Urgent
		rempl = rempl || tr.ForReplacement
		doctor = doctor || tr.ForDoctor
		byPatient[tr.PatientID] = true
		if tr.Donnees == "" || tr.Actions == "" || tr.Resultats == "" {
			t.Errorf("transmission %q lacks D, A or R", tr.Cible)
		}
	}
	if !urgent || !rempl || !doctor {
		t.Errorf("want an urgent, a for-replacement and a for-doctor transmission: %v %v %v", urgent, rempl, doctor)
	}
	if len(byPatient) < 5 {
		t.Errorf("transmissions cover %d patients, want several", len(byPatient))
	}
	// P23's fall is the day her hospital stay starts, written by her nurse.
	wallet := patientNamed(t, ds, "Wallet", "Germaine")
	for _, tr := range ds.Transmissions {
		if tr.PatientID == wallet.ID {
			if got := patients.DateOf(tr.At); got != refDay.AddDays(-3) || tr.AuthorID != wallet.PrimaryNurse || !tr.Urgent {
				t.Errorf("Wallet transmission on %s by %s urgent=%v", got, tr.AuthorID, tr.Urgent)
			}
		}
	}
}

func TestRelativeDates(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)

	wallet := patientNamed(t, ds, "Wallet", "Germaine")
	for _, tc := range []struct {
		day    patients.Date
		absent bool
	}{
		{patients.NewDate(2026, 11, 19), false},
		{patients.NewDate(2026, 11, 20), true},
		{patients.NewDate(2026, 11, 23), true},
		{patients.NewDate(2026, 11, 27), true},
		{patients.NewDate(2026, 11, 28), false},
	} {
		if _, got := wallet.AbsentOn(tc.day); got != tc.absent {
			t.Errorf("Wallet absent on %s = %v, want %v", tc.day, got, tc.absent)
		}
	}

	lambin := patientNamed(t, ds, "Lambin", "Philippe")
	iv := plansOf(ds, lambin.ID)
	if len(iv) != 2 {
		t.Fatalf("Lambin has %d plans, want 2 (08:00 and 20:00)", len(iv))
	}
	for _, c := range iv {
		if c.Kind != patients.Infusion || c.Recurrence.Start != patients.NewDate(2026, 11, 20) || c.Recurrence.Count != 10 {
			t.Errorf("%q: kind %q, start %s, count %d", c.Label, c.Kind, c.Recurrence.Start, c.Recurrence.Count)
		}
		for _, tc := range []struct {
			day    patients.Date
			occurs bool
		}{
			{patients.NewDate(2026, 11, 19), false},
			{patients.NewDate(2026, 11, 20), true},
			{patients.NewDate(2026, 11, 29), true},
			{patients.NewDate(2026, 11, 30), false},
		} {
			if got := c.OccursOn(tc.day); got != tc.occurs {
				t.Errorf("%q occurs on %s = %v, want %v", c.Label, tc.day, got, tc.occurs)
			}
		}
	}

	// A one-off draw at date_offset_days 0 falls on the reference day only.
	pruvost := patientNamed(t, ds, "Pruvost", "Alain")
	var draw *patients.CarePlan
	for _, c := range plansOf(ds, pruvost.ID) {
		if c.Kind == patients.BloodDraw {
			draw = &c
		}
	}
	if draw == nil || !draw.OccursOn(refDay) || draw.OccursOn(refDay.AddDays(1)) || draw.Recurrence.Kind != patients.GivenDays {
		t.Errorf("Pruvost fasting draw should occur on %s only: %+v", refDay, draw)
	}
}

func TestSafetyStrictAndReplacement(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)

	bourgeois := patientNamed(t, ds, "Bourgeois", "Monique")
	if !bourgeois.NeedsTwoCarers() {
		t.Error("Bourgeois should carry the visite-à-deux alert")
	}
	for _, p := range ds.Patients {
		if p.ID != bourgeois.ID && p.NeedsTwoCarers() {
			t.Errorf("%s should not need two carers", p.DisplayName())
		}
	}

	lambin := patientNamed(t, ds, "Lambin", "Philippe")
	for _, c := range plansOf(ds, lambin.ID) {
		if !c.Strict {
			t.Errorf("Lambin's fixed-time %q should be strict", c.Label)
		}
	}

	n1 := nurseNamed(t, ds, "Aurélie", "Duquesne")
	n3 := nurseNamed(t, ds, "Émilie", "Lambert")
	if n3.Role != patients.Remplacante || n3.Replacement == nil {
		t.Fatalf("Émilie Lambert: role %q, replacement %v", n3.Role, n3.Replacement)
	}
	r := n3.Replacement
	if !slices.Equal(r.Replaces, []xid.ID{n1.ID}) {
		t.Errorf("replaces %v, want [%s] (Aurélie Duquesne)", r.Replaces, n1.ID)
	}
	// She replaces Aurélie from next week for two weeks, whatever the day
	// the demo is loaded, with an authorisation valid around it.
	if r.ContractFrom != refDay.AddDays(7) || r.ContractTo != refDay.AddDays(20) ||
		r.AuthorisationFrom.After(refDay) || !r.AuthorisationUntil.After(r.ContractTo) ||
		r.CabinetShare != 0.1 || r.AuthorisationNumber == "" {
		t.Errorf("replacement %+v", *r)
	}
	for _, p := range ds.Patients {
		if p.PrimaryNurse == n3.ID {
			t.Errorf("the remplaçante has a patient of her own: %s", p.DisplayName())
		}
	}
}

// TestStrictByKind checks the README rule: strict for insulin, fasting draws
// and fixed-time items, soft otherwise.
func TestStrictByKind(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)
	for _, tc := range []struct {
		last, first string
		kind        patients.CareKind
		strict      bool
	}{
		{"Leroux", "Marcelle", patients.Insulin, true},
		{"Dubois", "Gérard", patients.BloodDraw, true},
		{"Carpentier", "Thierry", patients.Medication, true},
		{"Martin", "Odette", patients.HygieneBSI, false},
		{"Martin", "Odette", patients.Dressing, false},
		{"Bourgeois", "Monique", patients.Compression, false},
		{"Leroux", "Marcelle", patients.PillBox, false},
	} {
		t.Run(tc.last+"/"+string(tc.kind), func(t *testing.T) {
			p := patientNamed(t, ds, tc.last, tc.first)
			found := false
			for _, c := range plansOf(ds, p.ID) {
				if c.Kind != tc.kind {
					continue
				}
				found = true
				if c.Strict != tc.strict {
					t.Errorf("%q strict = %v, want %v", c.Label, c.Strict, tc.strict)
				}
			}
			if !found {
				t.Errorf("no %q plan", tc.kind)
			}
		})
	}
}

func TestPatientMapping(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)

	t.Run("married woman with INS", func(t *testing.T) {
		p := patientNamed(t, ds, "Leroux", "Marcelle")
		if p.BirthName != "Delpierre" || p.UsedName != "Leroux" || p.BirthDate != patients.NewDate(1938, 1, 11) || p.Sex != patients.Female {
			t.Errorf("identity: %q %q %s %q", p.BirthName, p.UsedName, p.BirthDate, p.Sex)
		}
		if p.Access.DoorCode != "4B27A" || !strings.Contains(p.Access.Notes, "Sonner 2 fois") {
			t.Errorf("access %+v", p.Access)
		}
		if p.Address.Line != "33 Boulevard Jacquard" || p.Address.PostalCode != "62100" || p.Address.INSEE != "62193" ||
			p.Address.Source != patients.CoordImported || p.Address.Point.Lat() != 50.948596 || p.Address.Point.Lon() != 1.853902 {
			t.Errorf("address %+v", p.Address)
		}
		want := []patients.Contact{
			{Role: patients.MedecinTraitant, Name: "Dr Aline Poulain", Phone: "06 39 98 00 21", RPPS: "99900000101"},
			{Role: patients.Pharmacie, Name: "Pharmacie FICTIVE du Beffroi", Phone: "06 39 98 00 31"},
		}
		if !reflect.DeepEqual(p.Contacts, want) {
			t.Errorf("contacts %+v, want %+v", p.Contacts, want)
		}
	})
	t.Run("man with INS keeps one name", func(t *testing.T) {
		p := patientNamed(t, ds, "Boulanger", "Francis")
		if p.BirthName != "Boulanger" || p.UsedName != "" {
			t.Errorf("birth %q used %q", p.BirthName, p.UsedName)
		}
	})
	t.Run("no INS", func(t *testing.T) {
		p := patientNamed(t, ds, "Dubois", "Gérard")
		if p.INS != nil || p.BirthName != "Dubois" || p.UsedName != "" || !p.BirthDate.IsZero() {
			t.Errorf("%+v", p)
		}
		if p.Household != "jacquard" || p.Household != patientNamed(t, ds, "Leroux", "Marcelle").Household {
			t.Errorf("household %q should be shared with Leroux", p.Household)
		}
	})
	t.Run("street without number", func(t *testing.T) {
		if p := patientNamed(t, ds, "Pruvost", "Alain"); p.Address.Line != "Rue Gutenberg" {
			t.Errorf("line %q", p.Address.Line)
		}
	})
	t.Run("gate digicode", func(t *testing.T) {
		if p := patientNamed(t, ds, "Leroy", "Danielle"); p.Access.DoorCode != "3391" {
			t.Errorf("door code %q", p.Access.DoorCode)
		}
	})
	t.Run("family", func(t *testing.T) {
		p := patientNamed(t, ds, "Caron", "Jeannine")
		want := patients.Contact{Role: patients.Famille, Relation: "fille", Name: "Sandrine Caron", Phone: "06 39 98 00 41"}
		if !slices.Contains(p.Contacts, want) {
			t.Errorf("contacts %+v lack %+v", p.Contacts, want)
		}
	})
	t.Run("cotation", func(t *testing.T) {
		p := patientNamed(t, ds, "Leroux", "Marcelle")
		for _, c := range plansOf(ds, p.ID) {
			if c.Kind == patients.PillBox && c.Cotation != "" {
				t.Errorf("unsourced cotation should be empty, got %q", c.Cotation)
			}
			if c.Kind == patients.Insulin && !strings.HasPrefix(c.Cotation, "AMI 1") {
				t.Errorf("insulin cotation %q", c.Cotation)
			}
		}
		for _, c := range ds.CarePlans {
			if strings.Contains(c.Cotation, " if ") || strings.Contains(c.Cotation, "acts") {
				t.Errorf("cotation left in English: %q", c.Cotation)
			}
		}
	})
	t.Run("fasting draw", func(t *testing.T) {
		p := patientNamed(t, ds, "Dubois", "Gérard")
		for _, c := range plansOf(ds, p.ID) {
			// A fasting draw is early and its window an hour wide at most.
			if w := c.Windows[0]; c.Kind == patients.BloodDraw && (!c.Fasting || c.LabDropoffBefore != patients.Clock(10, 30) ||
				w.Start < patients.Clock(6, 45) || w.End > patients.Clock(9, 30) || w.End-w.Start > 60) {
				t.Errorf("draw %+v", c)
			}
		}
	})
}

// TestReferenceDayShift loads the demo on two days: what the file gives as an
// offset moves with the day, what it gives as a date does not.
func TestReferenceDayShift(t *testing.T) {
	t.Parallel()
	a, b := refDay, patients.NewDate(2027, time.March, 10)
	shift := b.DaysSince(a)
	da, db := mustLoad(t, a), mustLoad(t, b)

	for i := range da.Patients {
		pa, pb := da.Patients[i], db.Patients[i]
		if pa.BirthDate != pb.BirthDate {
			t.Errorf("%s: birth date moved", pa.DisplayName())
		}
		for j := range pa.Absences {
			if pb.Absences[j].From != pa.Absences[j].From.AddDays(shift) || pb.Absences[j].To != pa.Absences[j].To.AddDays(shift) {
				t.Errorf("%s: absence did not move by %d days", pa.DisplayName(), shift)
			}
		}
	}
	for i := range da.CarePlans {
		ca, cb := da.CarePlans[i], db.CarePlans[i]
		ra, rb := ca.Recurrence, cb.Recurrence
		// Chronic care starts on 2026-01-05, or on the 6th for the dressings
		// done on the other days of the two.
		chronic := ra.Start == patients.NewDate(2026, 1, 5) || ra.Start == patients.NewDate(2026, 1, 6)
		switch {
		case chronic && rb.Start != ra.Start:
			t.Errorf("%q: absolute start moved from %s to %s", ca.Label, ra.Start, rb.Start)
		case !chronic && rb.Start != ra.Start.AddDays(shift):
			t.Errorf("%q: relative start %s on %s, %s on %s", ca.Label, ra.Start, a, rb.Start, b)
		}
		if ra.Until != rb.Until || ca.EndsOn != cb.EndsOn {
			t.Errorf("%q: absolute end moved", ca.Label)
		}
	}
	for i := range da.Transmissions {
		if got := db.Transmissions[i].At.Sub(da.Transmissions[i].At); got.Hours() < float64(24*shift-1) || got.Hours() > float64(24*shift+1) {
			t.Errorf("transmission %d moved by %s, want %d days", i, got, shift)
		}
	}
}

// TestBeforeChronicStart runs the demo before 2026-01-05: chronic care must
// already be running (README "Rounds, care plans, dates").
func TestBeforeChronicStart(t *testing.T) {
	t.Parallel()
	today := patients.NewDate(2025, time.December, 1)
	ds := mustLoad(t, today)
	chronicStart := patients.NewDate(2026, 1, 5)
	for _, c := range ds.CarePlans {
		if err := c.Validate(); err != nil {
			t.Errorf("%q: %v", c.Label, err)
		}
		r := c.Recurrence
		if r.Start.After(today) && r.Kind != patients.GivenDays {
			t.Errorf("%q starts %s, after today %s", c.Label, r.Start, today)
		}
		switch r.Kind {
		case patients.Daily:
			if r.Count == 0 && !c.OccursOn(today) {
				t.Errorf("daily %q does not occur today", c.Label)
			}
		case patients.EveryN:
			// Same days of care as if the file's start were kept.
			even := c.OccursOn(chronicStart) && !c.OccursOn(chronicStart.AddDays(1))
			odd := !c.OccursOn(chronicStart) && c.OccursOn(chronicStart.AddDays(1))
			if !even && !odd {
				t.Errorf("%q lost the parity of its file start", c.Label)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := mustLoad(t, refDay), mustLoad(t, refDay)
	if !reflect.DeepEqual(a, b) {
		t.Error("two loads with the same counter differ")
	}
	if _, err := Load(refDay, xid.New); err != nil {
		t.Errorf("with xid.New: %v", err)
	}
}

func TestRawIsACopy(t *testing.T) {
	t.Parallel()
	r := Raw()
	if !json.Valid(r) {
		t.Fatal("embedded file is not JSON")
	}
	clear(r)
	if _, err := Load(refDay, counter()); err != nil {
		t.Errorf("Load after altering Raw's result: %v", err)
	}
}

// mutate returns the demo file with edit applied to its decoded form.
func mutate(t *testing.T, edit func(f map[string]any)) []byte {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(Raw(), &f); err != nil {
		t.Fatal(err)
	}
	edit(f)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func patientAt(f map[string]any, i int) map[string]any {
	return f["patients"].([]any)[i].(map[string]any)
}

func firstItem(f map[string]any, patient int) map[string]any {
	return patientAt(f, patient)["care_plan"].([]any)[0].(map[string]any)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		noDay bool
		newID func() xid.ID
		edit  func(f map[string]any)
		raw   []byte
	}{
		{name: "not json", raw: []byte("{")},
		{name: "old schema", edit: func(f map[string]any) { f["schema_version"] = 1 }},
		{name: "no reference day", noDay: true},
		{name: "no id generator", newID: func() xid.ID { return xid.ID{} }},
		{name: "repeating id generator", newID: func() xid.ID { return xid.ID{1} }},
		{name: "unknown primary nurse", edit: func(f map[string]any) { patientAt(f, 0)["primary_nurse"] = "N9" }},
		{name: "unknown doctor", edit: func(f map[string]any) {
			patientAt(f, 0)["contacts"].(map[string]any)["medecin_traitant"] = "DOC9"
		}},
		{name: "bad nir key", edit: func(f map[string]any) {
			patientAt(f, 0)["ins"].(map[string]any)["nir"] = "238016219395218"
		}},
		{name: "unknown sex", edit: func(f map[string]any) { patientAt(f, 0)["sex"] = "X" }},
		{name: "unknown safety flag", edit: func(f map[string]any) { patientAt(f, 0)["safety_flags"] = []any{"chien"} }},
		{name: "unknown nurse role", edit: func(f map[string]any) {
			f["nurses"].([]any)[0].(map[string]any)["role"] = "stagiaire"
		}},
		{name: "replaces unknown nurse", edit: func(f map[string]any) {
			f["nurses"].([]any)[2].(map[string]any)["replacement"].(map[string]any)["replaces"] = []any{"N7"}
		}},
		{name: "contract date and offset", edit: func(f map[string]any) {
			f["nurses"].([]any)[2].(map[string]any)["replacement"].(map[string]any)["contract_period"].(map[string]any)["from"] = "2026-03-02"
		}},
		{name: "contract ends before it starts", edit: func(f map[string]any) {
			f["nurses"].([]any)[2].(map[string]any)["replacement"].(map[string]any)["contract_period"] = map[string]any{"from_offset_days": 7, "to_offset_days": 3}
		}},
		{name: "unknown shift round", edit: func(f map[string]any) {
			f["nurses"].([]any)[0].(map[string]any)["shifts"] = []any{map[string]any{"round": "nuit", "start": "21:00", "end": "23:00"}}
		}},
		{name: "treatment of an unknown care item", edit: func(f map[string]any) {
			patientAt(f, 0)["treatments"].([]any)[0].(map[string]any)["care_items"] = []any{"P99-x"}
		}},
		{name: "treatment of no care item", edit: func(f map[string]any) {
			delete(patientAt(f, 0)["treatments"].([]any)[0].(map[string]any), "care_items")
		}},
		{name: "treatment with an unknown route", edit: func(f map[string]any) {
			patientAt(f, 0)["treatments"].([]any)[0].(map[string]any)["route"] = "subcutaneous"
		}},
		{name: "treatment without a drug", edit: func(f map[string]any) {
			patientAt(f, 0)["treatments"].([]any)[0].(map[string]any)["drug"] = " "
		}},
		{name: "allergies listed and « aucune connue »", edit: func(f map[string]any) {
			patientAt(f, 0)["allergies"] = []any{"pénicilline"}
		}},
		{name: "unknown recurrence", edit: func(f map[string]any) {
			firstItem(f, 0)["recurrence"].(map[string]any)["kind"] = "monthly"
		}},
		{name: "unknown weekday", edit: func(f map[string]any) {
			patientAt(f, 0)["care_plan"].([]any)[2].(map[string]any)["recurrence"].(map[string]any)["weekdays"] = []any{"LU"}
		}},
		{name: "two starts", edit: func(f map[string]any) {
			firstItem(f, 0)["recurrence"].(map[string]any)["start_offset_days"] = 0
		}},
		{name: "no start", edit: func(f map[string]any) {
			delete(firstItem(f, 0)["recurrence"].(map[string]any), "start_date")
		}},
		{name: "bad window", edit: func(f map[string]any) {
			firstItem(f, 0)["window"].(map[string]any)["end"] = "25:00"
		}},
		{name: "window ends first", edit: func(f map[string]any) {
			firstItem(f, 0)["window"].(map[string]any)["end"] = "06:00"
		}},
		{name: "zero duration", edit: func(f map[string]any) { firstItem(f, 0)["duration_min"] = 0 }},
		{name: "absence without end", edit: func(f map[string]any) {
			delete(patientAt(f, 22)["absences"].([]any)[0].(map[string]any), "to_offset_days")
		}},
		{name: "missing coordinates", edit: func(f map[string]any) { delete(patientAt(f, 0)["address"].(map[string]any), "lat") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := tc.raw
			if b == nil {
				b = Raw()
			}
			if tc.edit != nil {
				b = mutate(t, tc.edit)
			}
			today := refDay
			if tc.noDay {
				today = patients.Date{}
			}
			newID := tc.newID
			if newID == nil {
				newID = counter()
			}
			if _, err := load(b, today, newID); err == nil {
				t.Error("load succeeded, want an error")
			}
		})
	}
	if _, err := Load(refDay, nil); err == nil {
		t.Error("Load with a nil generator succeeded")
	}
}

// FuzzLoad checks that no input makes load panic, and that whatever it
// accepts validates.
func FuzzLoad(f *testing.F) {
	f.Add(Raw(), 0)
	f.Add([]byte(`{"schema_version":2,"cabinet":{"name":"x","address":{"lat":1,"lon":2}},"nurses":[{"id":"N1","last_name":"a","rpps":"99900000001","role":"titulaire"}],"patients":[]}`), 3)
	f.Add([]byte(`{"schema_version":2}`), -400)
	f.Fuzz(func(t *testing.T, b []byte, offset int) {
		ds, err := load(b, refDay.AddDays(offset%2000), counter())
		if err != nil {
			return
		}
		if err := ds.Cabinet.Validate(); err != nil {
			t.Errorf("cabinet: %v", err)
		}
		for _, n := range ds.Nurses {
			if _, err := n.Validate(); err != nil {
				t.Errorf("nurse: %v", err)
			}
		}
		for _, p := range ds.Patients {
			if err := p.Validate(); err != nil {
				t.Errorf("patient: %v", err)
			}
		}
		for _, c := range ds.CarePlans {
			if err := c.Validate(); err != nil {
				t.Errorf("care plan: %v", err)
			}
		}
	})
}

// TestAbsoluteReplacementDates keeps the first form of the file working: a
// contract and an authorisation given as dates.
func TestAbsoluteReplacementDates(t *testing.T) {
	t.Parallel()
	b := mutate(t, func(f map[string]any) {
		r := f["nurses"].([]any)[2].(map[string]any)["replacement"].(map[string]any)
		delete(r, "authorisation_valid_from_offset_days")
		delete(r, "authorisation_valid_until_offset_days")
		r["authorisation_valid_from"], r["authorisation_valid_until"] = "2026-01-15", "2027-01-14"
		r["contract_period"] = map[string]any{"from": "2026-03-02", "to": "2026-03-15"}
	})
	ds, err := load(b, refDay, counter())
	if err != nil {
		t.Fatal(err)
	}
	r := nurseNamed(t, ds, "Émilie", "Lambert").Replacement
	if r.ContractFrom != patients.NewDate(2026, 3, 2) || r.ContractTo != patients.NewDate(2026, 3, 15) ||
		r.AuthorisationUntil != patients.NewDate(2027, 1, 14) {
		t.Errorf("replacement %+v", *r)
	}
}

// TestShifts: the demo's nurses work the rounds of the issue « The living
// day », 6h45–13h15 and 16h30–20h30, so the planner keeps to them.
func TestShifts(t *testing.T) {
	t.Parallel()
	for _, n := range mustLoad(t, refDay).Nurses {
		m, ok1 := n.ShiftFor(patients.Morning)
		e, ok2 := n.ShiftFor(patients.Evening)
		if !ok1 || !ok2 || m != morningBounds || e != eveningBounds {
			t.Errorf("%s works %v and %v", n.FullName(), m, e)
		}
	}
}

// The demo shows the patient file's health fields: allergies in their three
// states, and structured treatments linked to the care that gives them,
// dated by it — the counted LMWH ends on its last injection.
func TestHealthAndTreatments(t *testing.T) {
	t.Parallel()
	ds := mustLoad(t, refDay)
	states := map[patients.AllergyState]int{}
	for _, p := range ds.Patients {
		states[p.AllergyState()]++
	}
	if states[patients.AllergiesNone] < 2 || states[patients.AllergiesListed] < 1 || states[patients.AllergiesUnknown] < 1 {
		t.Errorf("allergy states %v: want some « aucune connue », one listed, the rest not recorded", states)
	}
	planOf := func(p patients.Patient, tr patients.Treatment) []patients.CarePlan {
		var out []patients.CarePlan
		for _, c := range plansOf(ds, p.ID) {
			if tr.Serves(c.ID) {
				out = append(out, c)
			}
		}
		if len(out) != len(tr.CarePlanIDs) {
			t.Errorf("%s: %s serves %d plans, %d of them %s's", p.LastName(), tr.Drug, len(tr.CarePlanIDs), len(out), p.FirstName)
		}
		return out
	}

	leroux := patientNamed(t, ds, "Leroux", "Marcelle")
	if leroux.AllergyState() != patients.AllergiesNone || len(leroux.Protocols) != 2 {
		t.Fatalf("Leroux: allergies %v, %d treatments", leroux.AllergyState(), len(leroux.Protocols))
	}
	scale := leroux.Protocols[1]
	if ps := planOf(leroux, scale); len(ps) != 1 || ps[0].Kind != patients.Insulin || !strings.Contains(ps[0].Label, "soir") ||
		!strings.Contains(scale.Protocol, "Échelle") || scale.Route != patients.RouteSubcutaneous || !scale.End.IsZero() {
		t.Errorf("Leroux's evening insulin scale: %+v", scale)
	}

	bertin := patientNamed(t, ds, "Bertin", "Louis")
	if bertin.AllergyState() != patients.AllergiesListed || len(bertin.Protocols) != 1 {
		t.Fatalf("Bertin: allergies %v %q, %d treatments", bertin.AllergyState(), bertin.Allergies, len(bertin.Protocols))
	}
	lmwh := bertin.Protocols[0]
	ps := planOf(bertin, lmwh)
	if len(ps) != 1 || ps[0].Kind != patients.LMWHInjected || ps[0].Recurrence.Count != 14 {
		t.Fatalf("Bertin's LMWH is not given by his 14-injection plan: %+v", ps)
	}
	last, _ := ps[0].LastDay()
	if lmwh.Start != ps[0].Recurrence.Start || lmwh.End != last || last != refDay.AddDays(7) || !strings.Contains(lmwh.Monitoring, "plaquettes") {
		t.Errorf("Bertin's LMWH: %s … %s (plan's last day %s), monitoring %q", lmwh.Start, lmwh.End, last, lmwh.Monitoring)
	}

	lambin := patientNamed(t, ds, "Lambin", "Philippe")
	if len(lambin.Protocols) != 1 || lambin.Protocols[0].Route != patients.RoutePICC || len(planOf(lambin, lambin.Protocols[0])) != 2 ||
		lambin.Protocols[0].End.IsZero() {
		t.Errorf("Lambin's antibiotic on the PICC line: %+v", lambin.Protocols)
	}
}
