// Package demo ships the demonstration cabinet: one fictional practice near
// Calais with four nurses and 66 patients, embedded in the binary so the app
// can be tried without typing anything (see shared/data/README.md for
// the file's schema and provenance).
//
// Every person in it is invented. The file carries `fictional: true` on each
// person; once mapped to the domain types that marker is gone, so the demo
// must only ever be seeded into a store the user asked to fill with it.
//
// Load maps the file onto the domain types of package patients, resolving the
// relative dates of the file (start_offset_days, date_offset_days,
// from_offset_days, to_offset_days) against the reference day it is given, so
// the demo looks the same whatever day it is loaded.
package demo

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
)

// raw is demo-cabinet.json, schema v2, first copied from the shared demo
// cabinet (shared/data beside the repository) and changed since (README.md).
//
//go:embed demo-cabinet.json
var raw []byte

// schemaVersion is the only version of the file Load understands.
const schemaVersion = 2

// Raw returns a copy of the embedded demo file, for an export or a checksum;
// it is a copy so no caller can alter what the next Load reads.
func Raw() []byte { return append([]byte(nil), raw...) }

// Load parses the embedded demo file and returns the cabinet as domain
// records. today is the reference day of every relative date (0 = today);
// newID gives each record its id (xid.New in production, a counter in tests,
// so the result is deterministic). Every returned record passes its
// Validate; Load returns an error, never panics, when the file does not map.
func Load(today patients.Date, newID func() xid.ID) (patients.Dataset, error) {
	return load(raw, today, newID)
}

// load is Load on any bytes, so tests can feed it broken files.
func load(b []byte, today patients.Date, newID func() xid.ID) (patients.Dataset, error) {
	if today.IsZero() {
		return patients.Dataset{}, errors.New("demo: reference day is not set")
	}
	if newID == nil {
		return patients.Dataset{}, errors.New("demo: no id generator")
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return patients.Dataset{}, fmt.Errorf("demo: parse: %w", err)
	}
	if f.SchemaVersion != schemaVersion {
		return patients.Dataset{}, fmt.Errorf("demo: schema version %d, want %d", f.SchemaVersion, schemaVersion)
	}
	m := mapper{today: today, ids: idSource{next: newID, seen: map[xid.ID]bool{}}}
	ds, err := m.dataset(f)
	if err != nil {
		return patients.Dataset{}, fmt.Errorf("demo: %w", err)
	}
	return ds, nil
}

// idSource hands out ids and refuses a zero or repeated one: a faulty
// generator would otherwise make records overwrite each other in the store.
type idSource struct {
	next func() xid.ID
	seen map[xid.ID]bool
}

func (s idSource) new() (xid.ID, error) {
	id := s.next()
	if id.IsZero() {
		return xid.ID{}, errors.New("id generator returned the zero id")
	}
	if s.seen[id] {
		return xid.ID{}, fmt.Errorf("id generator returned %s twice", id)
	}
	s.seen[id] = true
	return id, nil
}

// mapper carries what every mapping step needs: the reference day, the id
// source and the file ids already mapped.
type mapper struct {
	today      patients.Date
	ids        idSource
	nurses     map[string]xid.ID // file id (N1) → new id
	patients   map[string]xid.ID // file id (P01) → new id
	primary    map[string]xid.ID // patient file id → primary nurse's new id
	doctors    map[string]rawDoctor
	pharmacies map[string]rawPharmacy
}

func (m *mapper) dataset(f file) (patients.Dataset, error) {
	var ds patients.Dataset
	m.nurses = map[string]xid.ID{}
	m.patients = map[string]xid.ID{}
	m.primary = map[string]xid.ID{}
	m.doctors = map[string]rawDoctor{}
	m.pharmacies = map[string]rawPharmacy{}

	cab, err := m.cabinet(f.Cabinet)
	if err != nil {
		return ds, err
	}
	// Ids first, so a replacement can name the nurse she replaces whatever
	// their order in the file.
	for _, n := range f.Nurses {
		if _, dup := m.nurses[n.ID]; dup || n.ID == "" {
			return ds, fmt.Errorf("nurse %q: missing or repeated id", n.ID)
		}
		id, err := m.ids.new()
		if err != nil {
			return ds, fmt.Errorf("nurse %s: %w", n.ID, err)
		}
		m.nurses[n.ID] = id
	}
	place := patients.Place{Label: cab.Name, Point: cab.Address.Point}
	for _, rn := range f.Nurses {
		n, err := m.nurse(rn, place)
		if err != nil {
			return ds, fmt.Errorf("nurse %s: %w", rn.ID, err)
		}
		ds.Nurses = append(ds.Nurses, n)
		cab.NurseIDs = append(cab.NurseIDs, n.ID)
		// The laptop's user defaults to the first titulaire: a remplaçante
		// works under someone else's name and is not the cabinet's owner.
		if cab.CurrentNurse.IsZero() && n.Role == patients.Titulaire {
			cab.CurrentNurse = n.ID
		}
	}
	if cab.CurrentNurse.IsZero() {
		return ds, errors.New("cabinet: no titulaire nurse")
	}
	ds.Cabinet = cab

	for _, d := range f.Doctors {
		m.doctors[d.ID] = d
	}
	for _, p := range f.Pharmacies {
		m.pharmacies[p.ID] = p
	}
	for _, rp := range f.Patients {
		p, plans, err := m.patient(rp)
		if err != nil {
			return ds, fmt.Errorf("patient %s: %w", rp.ID, err)
		}
		ds.Patients = append(ds.Patients, p)
		ds.CarePlans = append(ds.CarePlans, plans...)
	}

	ds.Transmissions, err = m.transmissions()
	if err != nil {
		return ds, err
	}
	return ds, nil
}

// DemoSIRET identifies the fictional demo practice, so its DMP documents can
// be built; the shared file carries none. It is a made-up number (14 digits,
// Luhn-valid) that belongs to no real business.
const DemoSIRET = "00000000000018"

func (m *mapper) cabinet(rc rawCabinet) (patients.Cabinet, error) {
	addr, err := address(rc.Address)
	if err != nil {
		return patients.Cabinet{}, fmt.Errorf("cabinet: %w", err)
	}
	id, err := m.ids.new()
	if err != nil {
		return patients.Cabinet{}, fmt.Errorf("cabinet: %w", err)
	}
	c := patients.Cabinet{ID: id, Name: rc.Name, Address: addr, Phone: rc.Phone, SIRET: DemoSIRET}
	if err := c.Validate(); err != nil {
		return patients.Cabinet{}, fmt.Errorf("cabinet: %w", err)
	}
	return c, nil
}

// address maps a file address. Every point is marked CoordImported, the
// commune-level ones included: they came with the demo and were never
// checked against the BAN (README "Addresses and coordinates").
func address(a rawAddress) (patients.Address, error) {
	if a.Lat == nil || a.Lon == nil {
		return patients.Address{}, errors.New("address: missing lat/lon")
	}
	line := a.Voie
	// P13 has a street without a house number: the line is the street alone.
	if a.Numero != nil && strings.TrimSpace(*a.Numero) != "" {
		line = strings.TrimSpace(*a.Numero) + " " + a.Voie
	}
	return patients.Address{
		Line:       line,
		Complement: a.Complement,
		PostalCode: a.CodePostal,
		City:       a.Commune,
		INSEE:      a.CodeINSEE,
		Point:      orb.Point{*a.Lon, *a.Lat},
		Source:     patients.CoordImported,
	}, nil
}

func (m *mapper) nurse(rn rawNurse, cabinet patients.Place) (patients.Nurse, error) {
	var role patients.NurseRole
	switch rn.Role {
	case "titulaire":
		role = patients.Titulaire
	case "remplaçante", "remplaçant":
		role = patients.Remplacante
	default:
		return patients.Nurse{}, fmt.Errorf("unknown role %q", rn.Role)
	}
	n := patients.Nurse{
		ID:        m.nurses[rn.ID],
		FirstName: rn.FirstName,
		LastName:  rn.LastName,
		RPPS:      rn.RPPS,
		Role:      role,
		Phone:     rn.Phone,
		Color:     rn.Color,
		// The file has no home addresses: every round starts and ends at the
		// cabinet.
		Start:  cabinet,
		End:    cabinet,
		Shifts: patients.DefaultShifts(),
		// The rounds cover inland communes around Calais: rural speeds and
		// detours fit them better than urban ones.
		TravelProfile: patients.Rural,
	}
	if len(rn.Shifts) > 0 {
		var err error
		if n.Shifts, err = shifts(rn.Shifts); err != nil {
			return patients.Nurse{}, err
		}
	}
	if rn.Replacement != nil {
		r, err := m.replacement(*rn.Replacement)
		if err != nil {
			return patients.Nurse{}, fmt.Errorf("replacement: %w", err)
		}
		n.Replacement = &r
	}
	// The fake RPPS numbers (prefix 999) fail the Luhn check on purpose; that
	// is only a warning, so the warnings are dropped here.
	if _, err := n.Validate(); err != nil {
		return patients.Nurse{}, err
	}
	return n, nil
}

func (m *mapper) replacement(rr rawReplacement) (patients.Replacement, error) {
	var r patients.Replacement
	var err error
	cp := rr.ContractPeriod
	dates := []struct {
		dst    *patients.Date
		src    string
		offset *int
		name   string
	}{
		{&r.AuthorisationFrom, rr.ValidFrom, rr.ValidFromOffset, "authorisation_valid_from"},
		{&r.AuthorisationUntil, rr.ValidUntil, rr.ValidUntilOffset, "authorisation_valid_until"},
		{&r.ContractFrom, cp.From, cp.FromOffset, "contract_period.from"},
		{&r.ContractTo, cp.To, cp.ToOffset, "contract_period.to"},
	}
	for _, d := range dates {
		switch {
		case d.src != "" && d.offset != nil:
			return r, fmt.Errorf("%s: both a date and an offset", d.name)
		case d.offset != nil:
			*d.dst = m.today.AddDays(*d.offset)
		default:
			if *d.dst, err = patients.ParseDate(d.src); err != nil {
				return r, fmt.Errorf("%s: %w", d.name, err)
			}
		}
	}
	if r.ContractTo.Before(r.ContractFrom) || r.AuthorisationUntil.Before(r.AuthorisationFrom) {
		return r, errors.New("a period ends before it starts")
	}
	for _, fid := range rr.Replaces {
		id, ok := m.nurses[fid]
		if !ok {
			return r, fmt.Errorf("replaces unknown nurse %q", fid)
		}
		r.Replaces = append(r.Replaces, id)
	}
	if rr.CabinetShare < 0 || rr.CabinetShare > 1 {
		return r, fmt.Errorf("cabinet share %v outside 0..1", rr.CabinetShare)
	}
	// retrocession_base ("fees excluding IK") has no field in the domain.
	r.AuthorisationNumber = rr.AuthorisationNumber
	r.CabinetShare = rr.CabinetShare
	return r, nil
}

// shifts maps the file's working hours; each round may be given once.
func shifts(rs []rawShift) ([]patients.Shift, error) {
	var out []patients.Shift
	for _, r := range rs {
		round := patients.Round(r.Round)
		if !slices.Contains(patients.Rounds(), round) {
			return nil, fmt.Errorf("shift: unknown round %q (matin or soir)", r.Round)
		}
		if slices.ContainsFunc(out, func(s patients.Shift) bool { return s.Round == round }) {
			return nil, fmt.Errorf("shift: round %q given twice", r.Round)
		}
		var w patients.Window
		var err error
		if w.Start, err = patients.ParseTimeOfDay(r.Start); err != nil {
			return nil, fmt.Errorf("shift %s start: %w", r.Round, err)
		}
		if w.End, err = patients.ParseTimeOfDay(r.End); err != nil {
			return nil, fmt.Errorf("shift %s end: %w", r.Round, err)
		}
		out = append(out, patients.Shift{Round: round, Hours: w})
	}
	return out, nil
}

// doorCode finds "Digicode 4B27A" or "digicode portail 3391" in the access
// notes. The token must hold a digit, so "digicode en panne" gives nothing.
var doorCode = regexp.MustCompile(`(?i)\bdigicode(?:\s+portail)?\s+([0-9A-Z]+)`)

func findDoorCode(notes string) string {
	mm := doorCode.FindStringSubmatch(notes)
	if mm == nil || !strings.ContainsAny(mm[1], "0123456789") {
		return ""
	}
	return mm[1]
}

func (m *mapper) patient(rp rawPatient) (patients.Patient, []patients.CarePlan, error) {
	if rp.ID == "" {
		return patients.Patient{}, nil, errors.New("missing id")
	}
	if _, dup := m.patients[rp.ID]; dup {
		return patients.Patient{}, nil, errors.New("repeated id")
	}
	id, err := m.ids.new()
	if err != nil {
		return patients.Patient{}, nil, err
	}
	m.patients[rp.ID] = id

	p := patients.Patient{
		ID:        id,
		BirthName: rp.LastName,
		FirstName: rp.FirstName,
		Household: rp.Household,
		Notes:     rp.Notes,
		Access:    patients.Access{Notes: rp.Access, DoorCode: findDoorCode(rp.Access)},
	}
	switch rp.Sex {
	case "F":
		p.Sex = patients.Female
	case "M":
		p.Sex = patients.Male
	default:
		return p, nil, fmt.Errorf("unknown sex %q", rp.Sex)
	}
	if rp.INS != nil {
		// The INS traits are the identity of reference: birth name and birth
		// date come from them, last_name is the name in use (a married name).
		p.INS = &patients.INS{NIR: rp.INS.NIR, OID: rp.INS.OID, Status: patients.INSStatus(rp.INS.Status),
			FirstGivenName: rp.INS.FirstGivenName, GivenNames: rp.INS.GivenNames, BirthPlace: rp.INS.BirthPlace}
		if rp.INS.BirthName != "" {
			p.BirthName = rp.INS.BirthName
		}
		if rp.INS.BirthDate != "" {
			if p.BirthDate, err = patients.ParseDate(rp.INS.BirthDate); err != nil {
				return p, nil, fmt.Errorf("ins birth date: %w", err)
			}
		}
	}
	// Without an INS only birth_year is known and Patient has no year-only
	// field: BirthDate stays zero ("unknown") rather than an invented 1 January.
	if rp.LastName != p.BirthName {
		p.UsedName = rp.LastName
	}
	if p.Address, err = address(rp.Address); err != nil {
		return p, nil, err
	}

	nurse, ok := m.nurses[rp.PrimaryNurse]
	if !ok {
		return p, nil, fmt.Errorf("unknown primary nurse %q", rp.PrimaryNurse)
	}
	p.PrimaryNurse = nurse
	m.primary[rp.ID] = nurse

	if p.Contacts, err = m.contacts(rp); err != nil {
		return p, nil, err
	}
	for _, flag := range rp.SafetyFlags {
		switch flag {
		case "visite_a_deux":
			p.Alerts = append(p.Alerts, patients.Alert{
				Kind: patients.AlertVisiteADeux,
				Text: "Visite à deux : deux soignants ensemble pour les transferts et la toilette.",
			})
		default:
			return p, nil, fmt.Errorf("unknown safety flag %q", flag)
		}
	}
	for i, ra := range rp.Absences {
		if ra.From == nil || ra.To == nil {
			return p, nil, fmt.Errorf("absence %d: missing from/to offset", i+1)
		}
		p.Absences = append(p.Absences, patients.Absence{
			Reason: ra.Reason,
			From:   m.today.AddDays(*ra.From),
			To:     m.today.AddDays(*ra.To),
			Note:   ra.Note,
		})
	}
	p.Pathologies, p.Allergies, p.NoKnownAllergies = rp.Pathologies, rp.Allergies, rp.NoKnownAllergies

	plans := make([]patients.CarePlan, 0, len(rp.CarePlan))
	byItem := make(map[string]patients.CarePlan, len(rp.CarePlan))
	for _, item := range rp.CarePlan {
		c, err := m.carePlan(id, item)
		if err != nil {
			return p, nil, fmt.Errorf("care item %s: %w", item.ID, err)
		}
		plans = append(plans, c)
		byItem[item.ID] = c
	}
	for i, rt := range rp.Treatments {
		t, err := m.treatment(rt, byItem)
		if err != nil {
			return p, nil, fmt.Errorf("treatment %d: %w", i+1, err)
		}
		p.Protocols = append(p.Protocols, t)
	}
	if err := p.Validate(); err != nil {
		return p, nil, err
	}
	return p, plans, nil
}

// contacts turns the doctor and pharmacy references into contacts of the
// patient: the domain has no directory of doctors or pharmacies, and a nurse
// needs their phone on the patient's file anyway.
func (m *mapper) contacts(rp rawPatient) ([]patients.Contact, error) {
	var cs []patients.Contact
	if ref := rp.Contacts.Doctor; ref != "" {
		d, ok := m.doctors[ref]
		if !ok {
			return nil, fmt.Errorf("unknown doctor %q", ref)
		}
		cs = append(cs, patients.Contact{Role: patients.MedecinTraitant, Name: d.Name, Phone: d.Phone, RPPS: d.RPPS})
	}
	if ref := rp.Contacts.Pharmacy; ref != "" {
		ph, ok := m.pharmacies[ref]
		if !ok {
			return nil, fmt.Errorf("unknown pharmacy %q", ref)
		}
		cs = append(cs, patients.Contact{Role: patients.Pharmacie, Name: ph.Name, Phone: ph.Phone})
	}
	// Family names such as "Odette Martin (P03)" keep their file reference:
	// the access notes speak of P03 too, and the two should read alike.
	for _, f := range rp.Contacts.Family {
		cs = append(cs, patients.Contact{Role: patients.Famille, Relation: f.Role, Name: f.Name, Phone: f.Phone})
	}
	return cs, nil
}
