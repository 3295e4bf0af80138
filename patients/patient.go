package patients

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
)

// Sex is the administrative sex of the INS (F, M, or U for unknown).
type Sex string

// Sexes.
const (
	Female  Sex = "F"
	Male    Sex = "M"
	Unknown Sex = "U"
)

// CoordSource says where a patient's coordinates came from, so a nurse knows
// how far to trust them.
type CoordSource string

// Coordinate sources.
const (
	CoordNone     CoordSource = ""
	CoordManual   CoordSource = "saisie"  // typed by the nurse
	CoordBAN      CoordSource = "ban"     // Base Adresse Nationale
	CoordImported CoordSource = "import"  // came with a CSV or the demo
	CoordCommune  CoordSource = "commune" // commune-level approximation
	CoordUnknown  CoordSource = "non vérifiée"
)

// Address is a postal address with its coordinates.
type Address struct {
	Line       string      `json:"line"` // "33 Boulevard Jacquard"
	Complement string      `json:"complement,omitempty"`
	PostalCode string      `json:"postal_code"`
	City       string      `json:"city"`
	INSEE      string      `json:"insee,omitempty"`
	Point      orb.Point   `json:"point"` // lon, lat; meaningful only when Source != CoordNone
	Source     CoordSource `json:"source,omitempty"`
}

// HasCoordinates reports whether the address can be placed on a map.
func (a Address) HasCoordinates() bool { return a.Source != CoordNone }

// Label returns the one-line postal form.
func (a Address) Label() string {
	city := strings.TrimSpace(a.PostalCode + " " + a.City)
	switch {
	case a.Line == "":
		return city
	case city == "":
		return a.Line
	}
	return a.Line + ", " + city
}

// Access is what a nurse must know before ringing: it comes first on the
// patient file.
type Access struct {
	DoorCode string `json:"door_code,omitempty"` // digicode
	KeyBox   string `json:"key_box,omitempty"`
	Floor    string `json:"floor,omitempty"`
	Dog      string `json:"dog,omitempty"`
	Parking  string `json:"parking,omitempty"`
	Notes    string `json:"notes,omitempty"`
}

// IsZero reports whether nothing is known about access.
func (a Access) IsZero() bool { return a == Access{} }

// Phone is a labelled phone number.
type Phone struct {
	Label  string `json:"label,omitempty"` // "fixe", "portable", "fille"
	Number string `json:"number"`
}

// ContactRole is a contact's relation to the patient.
type ContactRole string

// Contact roles.
const (
	MedecinTraitant ContactRole = "médecin traitant"
	Prescripteur    ContactRole = "prescripteur"
	Pharmacie       ContactRole = "pharmacie"
	Famille         ContactRole = "famille"
	Aidant          ContactRole = "aidant"
	AutreContact    ContactRole = "autre"
)

// Contact is a person or place around the patient.
type Contact struct {
	Role     ContactRole `json:"role"`
	Name     string      `json:"name"`
	Relation string      `json:"relation,omitempty"` // "fils", "voisine"
	Phone    string      `json:"phone,omitempty"`
	RPPS     string      `json:"rpps,omitempty"` // for doctors
}

// AlertKind separates safety flags, which change how a visit is done, from
// plain reminders.
type AlertKind string

// Alert kinds.
const (
	AlertInfo        AlertKind = "info"
	AlertSafety      AlertKind = "sécurité"
	AlertVisiteADeux AlertKind = "visite à deux"
)

// Alert is shown prominently on the patient file and the visit.
type Alert struct {
	Kind AlertKind `json:"kind"`
	Text string    `json:"text"`
}

// Absence is a span when the patient must not be visited (hospitalisation,
// holiday at the family's), both ends included.
type Absence struct {
	Reason string `json:"reason"`
	From   Date   `json:"from"`
	To     Date   `json:"to"`
	Note   string `json:"note,omitempty"`
}

// Covers reports whether d falls within the absence.
func (a Absence) Covers(d Date) bool {
	return !d.Before(a.From) && (a.To.IsZero() || !d.After(a.To))
}

// Patient is a person cared for by the cabinet.
type Patient struct {
	ID        xid.ID    `json:"id"`
	BirthName string    `json:"birth_name"` // nom de naissance
	UsedName  string    `json:"used_name,omitempty"`
	FirstName string    `json:"first_name"`
	BirthDate Date      `json:"birth_date"`
	Sex       Sex       `json:"sex"`
	INS       *INS      `json:"ins,omitempty"`
	Address   Address   `json:"address"`
	Access    Access    `json:"access"`
	Phones    []Phone   `json:"phones,omitempty"`
	Contacts  []Contact `json:"contacts,omitempty"`
	Allergies []string  `json:"allergies,omitempty"`
	// NoKnownAllergies records that the question was asked and the answer
	// was « aucune »: an empty Allergies list alone means « non renseignées »
	// (see AllergyState).
	NoKnownAllergies bool     `json:"no_known_allergies,omitempty"`
	Pathologies      []string `json:"pathologies,omitempty"`
	// Treatments is the free-text list of the patient's other treatments
	// (what the doctor's letter lists); Protocols are the structured ones
	// the nurses give or watch.
	Treatments   []string    `json:"treatments,omitempty"`
	Protocols    []Treatment `json:"protocols,omitempty"`
	Alerts       []Alert     `json:"alerts,omitempty"`
	Absences     []Absence   `json:"absences,omitempty"`
	PrimaryNurse xid.ID      `json:"primary_nurse,omitzero"`
	Household    string      `json:"household,omitempty"` // same value = same home
	Notes        string      `json:"notes,omitempty"`
	Archived     bool        `json:"archived,omitempty"`
}

// Clone returns a copy that shares no memory with p, so one copy can be
// edited (a form's draft) while another is on screen.
func (p Patient) Clone() Patient {
	c := p
	if p.INS != nil {
		ins := *p.INS
		c.INS = &ins
	}
	c.Phones = slices.Clone(p.Phones)
	c.Contacts = slices.Clone(p.Contacts)
	c.Allergies = slices.Clone(p.Allergies)
	c.Pathologies = slices.Clone(p.Pathologies)
	c.Treatments = slices.Clone(p.Treatments)
	c.Protocols = slices.Clone(p.Protocols)
	for i := range c.Protocols {
		c.Protocols[i].CarePlanIDs = slices.Clone(p.Protocols[i].CarePlanIDs)
	}
	c.Alerts = slices.Clone(p.Alerts)
	c.Absences = slices.Clone(p.Absences)
	return c
}

// LastName returns the name in use: the used name when there is one.
func (p Patient) LastName() string {
	if p.UsedName != "" {
		return p.UsedName
	}
	return p.BirthName
}

// DisplayName returns "NOM Prénom", the way nurses list patients.
func (p Patient) DisplayName() string {
	return strings.TrimSpace(strings.ToUpper(p.LastName()) + " " + p.FirstName)
}

// AbsentOn returns the absence covering d, if any.
func (p Patient) AbsentOn(d Date) (Absence, bool) {
	for _, a := range p.Absences {
		if a.Covers(d) {
			return a, true
		}
	}
	return Absence{}, false
}

// NeedsTwoCarers reports whether the patient has the « visite à deux » flag.
func (p Patient) NeedsTwoCarers() bool {
	for _, a := range p.Alerts {
		if a.Kind == AlertVisiteADeux {
			return true
		}
	}
	return false
}

// Validate checks a patient before it is saved. Every problem is returned at once.
func (p Patient) Validate() error {
	var errs ValidationErrors
	if strings.TrimSpace(p.BirthName) == "" && strings.TrimSpace(p.UsedName) == "" {
		errs.add("nom", "le nom du patient est obligatoire")
	}
	if strings.TrimSpace(p.FirstName) == "" {
		errs.add("prénom", "le prénom du patient est obligatoire")
	}
	switch p.Sex {
	case Female, Male, Unknown, "":
	default:
		errs.add("sexe", "sexe attendu : F, M ou U")
	}
	if p.INS != nil {
		if err := ValidateNIR(p.INS.NIR); err != nil {
			errs = append(errs, err.(*ValidationError))
		} else if !p.BirthDate.IsZero() && p.INS.NIR[0] <= '2' {
			// NIR digits 2-5 are the birth year and month (except for people born
			// abroad with an unknown month: 20-42, 50+), so a mismatch is a typo.
			yy := fmt.Sprintf("%02d", p.BirthDate.Year%100)
			if p.INS.NIR[1:3] != yy {
				errs.add("nir", "l'année de naissance ne correspond pas au NIR")
			}
		}
		switch p.INS.Status {
		case INSProvisoire, INSRecuperee, INSValidee, INSQualifiee, INSUnknownState:
		default:
			errs.add("statut INS", fmt.Sprintf("statut INS inconnu %q", p.INS.Status))
		}
	}
	if p.Address.HasCoordinates() {
		lon, lat := p.Address.Point.Lon(), p.Address.Point.Lat()
		// Written as « not inside » so that NaN, which compares false with
		// everything, is refused too: `patient add --lat NaN` parses it.
		if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
			errs.add("coordonnées", "coordonnées impossibles (latitude −90 à 90, longitude −180 à 180)")
		}
	}
	for i, a := range p.Absences {
		if !a.To.IsZero() && a.To.Before(a.From) {
			errs.add(fmt.Sprintf("absence %d", i+1), "la fin de l'absence précède son début")
		}
		if a.From.IsZero() {
			errs.add(fmt.Sprintf("absence %d", i+1), "la date de début de l'absence est obligatoire")
		}
	}
	if p.NoKnownAllergies && len(p.Allergies) > 0 {
		errs.add("allergies", "« aucune allergie connue » est coché alors que des allergies sont listées : choisissez l'un ou l'autre")
	}
	for i, c := range p.Contacts {
		if c.RPPS == "" {
			continue
		}
		if _, err := ValidateRPPS(c.RPPS); err != nil {
			errs.add(fmt.Sprintf("contact %d", i+1), fmt.Sprintf("%s : le numéro RPPS doit compter 11 chiffres", c.Name))
		}
	}
	for i, t := range p.Protocols {
		if err := t.Validate(i + 1); err != nil {
			errs = append(errs, err.(ValidationErrors)...)
		}
	}
	for i, ph := range p.Phones {
		if !plausiblePhone(ph.Number) {
			errs.add(fmt.Sprintf("téléphone %d", i+1), fmt.Sprintf("numéro de téléphone illisible : %q", ph.Number))
		}
	}
	return errs.err()
}

// plausiblePhone accepts French and international numbers with the usual
// separators; it refuses letters, which are always a typo.
func plausiblePhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 4 && digits <= 15
}
