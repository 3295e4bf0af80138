package dmp

import "time"

// OIDs and codes of the CI-SIS header (dmp-cda.md §2, §4).
const (
	// OIDPersonPS roots the national id of a health professional (8+RPPS).
	OIDPersonPS = "1.2.250.1.71.4.2.1"
	// OIDStructure roots the national id of a structure (1+FINESS, 3+SIRET).
	OIDStructure = "1.2.250.1.71.4.2.2"
	// Nursing summary: « CR ou fiche de suivi de soins par auxiliaire médical » (JDV_J07).
	TypeCode        = "11506-3"
	TypeCodeSystem  = "2.16.840.1.113883.6.1"
	TypeDisplayName = "CR ou fiche de suivi de soins par auxiliaire médical"
	// DocumentTitle is the CDA title.
	DocumentTitle = "Synthèse de soins infirmiers"
)

// Header is everything the CI-SIS header of a nurse's summary needs. Every
// field is required unless said otherwise; Validate says which are missing,
// in French.
type Header struct {
	// DocumentID is this version's unique id (a UUID, uid type); SetID is
	// shared by every version of the summary; Version counts from 1.
	DocumentID, SetID string
	Version           int
	// Replaces is the DocumentID of the previous version (relatedDocument
	// RPLC), empty for version 1.
	Replaces string
	Created  time.Time // effectiveTime, author/time, legalAuthenticator/time

	Patient Patient
	// Authors are the nurses who did the care summarised, the one who did
	// most first: each is an author of the document and the performer of
	// one serviceEvent, with the span of her own acts. The nurse who
	// exports is not an author unless she did some of the care.
	Authors []Author
	// LegalAuthenticator is the nurse who exports and signs the document.
	LegalAuthenticator Author
	// Custodian is the practice: its national structure id (3+SIRET or
	// 1+FINESS) and its name.
	Custodian Organization

	// ServiceStart and ServiceEnd bound the period summarised
	// (documentationOf/serviceEvent/effectiveTime low and high).
	ServiceStart, ServiceEnd time.Time
	// HealthcareFacilityType: SA07 cabinet individuel or SA08 cabinet de
	// groupe (JDV_J02); PracticeSetting: SAD soins à domicile (JDV_J04).
	HealthcareFacilityType, HealthcareFacilityDisplay string
	PracticeSetting, PracticeSettingDisplay           string
}

// Patient is the recordTarget: the INS matricule and its traits (§2.1).
type Patient struct {
	NIR string // 15 characters, key included
	// INSRoot: 1.2.250.1.213.1.4.8 (INS-NIR), .9 (NIA), .10 (test), .11 (demo).
	INSRoot string
	// Birth traits, as on the INS: birth name, first birth given name, all
	// birth given names (space-separated), birth date, COG code of the birth
	// place, sex F/M/U.
	BirthName, FirstGivenName, GivenNames string
	BirthDate                             time.Time
	BirthPlaceCOG                         string
	Sex                                   string
	// UsedName and UsedFirstName are added with qualifier CL when they
	// differ from the birth ones (optional).
	UsedName, UsedFirstName string
	// Address (optional): street line, postcode, town.
	Street, PostalCode, City string
}

// Author is a nurse: an author and performer, or the legal authenticator
// (§2.2, §2.3).
type Author struct {
	RPPS                  string // 11 digits; the id is "8"+RPPS
	GivenName, FamilyName string
	Phone                 string // optional
	// Specialty: G15_60 « Infirmier » of TRE_G15 (JDV_J01).
	Specialty, SpecialtyDisplay string
	// First and Last bound her acts in the period (performer/time; Last is
	// author/time). Zero for a legal authenticator who did none of them:
	// the document's creation time stands in.
	First, Last time.Time
}

// FullName is « Prénom NOM » for messages.
func (a Author) FullName() string { return a.GivenName + " " + a.FamilyName }

// Organization is a structure with its national id (prefix included).
type Organization struct {
	ID   string // "3"+SIRET or "1"+FINESS
	Name string
	// Address and phone (optional).
	Street, PostalCode, City, Phone string
}
