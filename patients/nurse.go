package patients

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
)

// Round is one of the two daily tournées.
type Round string

// The rounds of an IDEL's day (docs: issue "Planner", domain notes).
const (
	Morning Round = "matin"
	Evening Round = "soir"
)

// Rounds lists the rounds in day order.
func Rounds() []Round { return []Round{Morning, Evening} }

// RoundOf returns the round a window belongs to: anything that may start
// before 13:00 is done on the morning round.
func RoundOf(w Window) Round {
	if w.Start < Clock(13, 0) {
		return Morning
	}
	return Evening
}

// TravelProfile selects the speed and circuity used for a nurse's travel times.
type TravelProfile string

// Travel profiles.
const (
	Urban TravelProfile = "urbain"
	Rural TravelProfile = "rural"
)

// NurseRole tells a titulaire from a remplaçant(e).
type NurseRole string

// Nurse roles.
const (
	Titulaire   NurseRole = "titulaire"
	Remplacante NurseRole = "remplaçant"
)

// Place is a named point: a nurse's home, the cabinet.
type Place struct {
	Label string    `json:"label"`
	Point orb.Point `json:"point"` // lon, lat (WGS-84)
}

// Shift is the working span of a nurse on one round.
type Shift struct {
	Round Round  `json:"round"`
	Hours Window `json:"hours"`
}

// Replacement holds what CSP R.4312-83 asks of a replacing nurse
// (docs/idel-rules.md §1).
type Replacement struct {
	AuthorisationNumber string   `json:"authorisation_number"`
	AuthorisationFrom   Date     `json:"authorisation_from"`
	AuthorisationUntil  Date     `json:"authorisation_until"`
	Replaces            []xid.ID `json:"replaces,omitempty"`
	ContractFrom        Date     `json:"contract_from"`
	ContractTo          Date     `json:"contract_to"`
	CabinetShare        float64  `json:"cabinet_share"` // 0..1, kept by the titulaire
	// PackCreated is when the pack her base was opened from was written:
	// her return carries what she wrote from then on (a note the evening
	// before her first day included).
	PackCreated time.Time `json:"pack_created,omitzero"`
}

// Nurse is an infirmier(e) libéral(e) of the cabinet, or a remplaçant(e).
type Nurse struct {
	ID            xid.ID        `json:"id"`
	FirstName     string        `json:"first_name"`
	LastName      string        `json:"last_name"`
	RPPS          string        `json:"rpps"`
	ADELI         string        `json:"adeli,omitempty"`
	Role          NurseRole     `json:"role"`
	Phone         string        `json:"phone,omitempty"`
	Color         string        `json:"color,omitempty"`
	Start         Place         `json:"start"` // where the rounds begin (home or cabinet)
	End           Place         `json:"end"`
	Shifts        []Shift       `json:"shifts"`
	TravelProfile TravelProfile `json:"travel_profile"`
	Skills        []string      `json:"skills,omitempty"`
	Replacement   *Replacement  `json:"replacement,omitempty"`
	// What the contract of a replacement names (the Ordre's model contract):
	// her registration at the Ordre and its conseil départemental, her
	// address, whether she has a practice of her own (then she needs no
	// replacement authorisation, CSP R.4312-83), her RCP insurance (CSP
	// L.1142-2).
	Ordre       string   `json:"ordre,omitempty"`
	CDOI        string   `json:"cdoi,omitempty"`
	Address     *Address `json:"address,omitempty"`
	OwnPractice bool     `json:"own_practice,omitempty"`
	RCP         string   `json:"rcp,omitempty"`
	// Experience2400h: she justified 2 400 hours of practice in the last
	// six years, required to replace a conventionné nurse (idelrempla.fr,
	// docs/idel-rules.md §1).
	Experience2400h bool `json:"experience_2400h,omitempty"`
}

// FullName returns "Prénom Nom".
func (n Nurse) FullName() string { return strings.TrimSpace(n.FirstName + " " + n.LastName) }

// ShiftFor returns the nurse's hours on a round, and false when she does not work it.
func (n Nurse) ShiftFor(r Round) (Window, bool) {
	for _, s := range n.Shifts {
		if s.Round == r {
			return s.Hours, true
		}
	}
	return Window{}, false
}

// OnDuty returns the nurses who work on d and, for each titulaire replaced
// that day, the remplaçant(e) who stands in for her. A titulaire abstains
// from any care while replaced (CSP R.4312-84, docs/idel-rules.md §1), and a
// remplaçant(e) works only within her contract.
func OnDuty(nurses []Nurse, d Date) (onDuty []Nurse, standIn map[xid.ID]xid.ID) {
	standIn = map[xid.ID]xid.ID{}
	for _, n := range nurses {
		r := n.Replacement
		if r == nil || r.ContractFrom.IsZero() || d.Before(r.ContractFrom) || (!r.ContractTo.IsZero() && d.After(r.ContractTo)) {
			continue
		}
		for _, t := range r.Replaces {
			if _, taken := standIn[t]; !taken && t != n.ID {
				standIn[t] = n.ID
			}
		}
	}
	for _, n := range nurses {
		if _, replaced := standIn[n.ID]; replaced {
			continue
		}
		if n.Role == Remplacante && n.Replacement != nil && !slices.Contains(mapsValues(standIn), n.ID) {
			// A remplaçant(e) outside her contract has no round of her own.
			continue
		}
		onDuty = append(onDuty, n)
	}
	return onDuty, standIn
}

func mapsValues(m map[xid.ID]xid.ID) []xid.ID {
	out := make([]xid.ID, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// DefaultShifts are the usual rounds of a rural IDEL (about 06:45–13:00 and
// 16:30–20:00, issue "Planner", domain notes), with half an hour of margin
// each side: a fixed-time 20:00 infusion must still end inside the shift.
func DefaultShifts() []Shift {
	return []Shift{
		{Morning, Window{Clock(6, 30), Clock(13, 30)}},
		{Evening, Window{Clock(16, 30), Clock(21, 0)}},
	}
}

// Validate checks a nurse; the warnings do not block the save.
func (n Nurse) Validate() ([]Warning, error) {
	var errs ValidationErrors
	var warns []Warning
	if strings.TrimSpace(n.LastName) == "" && strings.TrimSpace(n.FirstName) == "" {
		errs.add("nom", "le nom de l'infirmier(e) est obligatoire")
	}
	if n.RPPS == "" {
		errs.add("rpps", "le numéro RPPS est obligatoire")
	} else if w, err := ValidateRPPS(n.RPPS); err != nil {
		errs = append(errs, err.(*ValidationError))
	} else if w != nil {
		warns = append(warns, *w)
	}
	if n.ADELI != "" {
		if err := ValidateADELI(n.ADELI); err != nil {
			errs = append(errs, err.(*ValidationError))
		}
	}
	for _, s := range n.Shifts {
		if err := s.Hours.Validate("horaires " + string(s.Round)); err != nil {
			errs = append(errs, err.(*ValidationError))
		}
	}
	switch n.TravelProfile {
	case Urban, Rural, "":
	default:
		errs.add("profil", fmt.Sprintf("profil de déplacement inconnu %q (urbain ou rural)", n.TravelProfile))
	}
	return warns, errs.err()
}

// Cabinet is the practice: its name, address and nurses.
type Cabinet struct {
	ID      xid.ID  `json:"id"`
	Name    string  `json:"name"`
	Address Address `json:"address"`
	Phone   string  `json:"phone,omitempty"`
	// SIRET (14 digits) or FINESS (9 characters) identify the practice in
	// the national directory: a DMP document names its custodian by one.
	SIRET    string   `json:"siret,omitempty"`
	FINESS   string   `json:"finess,omitempty"`
	NurseIDs []xid.ID `json:"nurse_ids"`
	// CurrentNurse is the nurse who uses this laptop: the author of its
	// transmissions and audit entries.
	CurrentNurse xid.ID `json:"current_nurse"`
	// Lab is where blood tubes are dropped; nil means the cabinet itself
	// (the courier collects there).
	Lab *Place `json:"lab,omitempty"`
}

// LabPlace returns where tubes go, and false when neither a lab nor the
// cabinet has coordinates.
func (c Cabinet) LabPlace() (Place, bool) {
	if c.Lab != nil {
		return *c.Lab, true
	}
	if c.Address.HasCoordinates() {
		return Place{Label: c.Name, Point: c.Address.Point}, true
	}
	return Place{}, false
}

// Validate checks the cabinet.
func (c Cabinet) Validate() error {
	var errs ValidationErrors
	if strings.TrimSpace(c.Name) == "" {
		errs.add("nom", "le nom du cabinet est obligatoire")
	}
	if c.SIRET != "" && !allDigits(c.SIRET, 14) {
		errs.add("siret", "le SIRET compte 14 chiffres")
	}
	if c.FINESS != "" && len(c.FINESS) != 9 {
		errs.add("finess", "le numéro FINESS compte 9 caractères")
	}
	return errs.err()
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
