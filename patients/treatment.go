package patients

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rs/xid"
)

// Route is how a drug is given (voie d'administration).
type Route string

// Routes a home-care nurse meets; anything else goes in as typed.
const (
	RouteSubcutaneous  Route = "sous-cutanée"
	RouteIntravenous   Route = "intraveineuse"
	RouteIntramuscular Route = "intramusculaire"
	RouteOral          Route = "orale"
	RouteCutaneous     Route = "cutanée"
	RoutePICC          Route = "intraveineuse sur PICC line"
	RouteChamber       Route = "intraveineuse sur chambre implantable"
)

// Routes lists the routes a form offers, most frequent first.
func Routes() []Route {
	return []Route{RouteSubcutaneous, RouteOral, RouteIntravenous, RoutePICC, RouteChamber, RouteIntramuscular, RouteCutaneous}
}

// Treatment is a drug or a protocol the nurses give or watch: what, how
// much, how, when, until when, and what to check. It lives on the patient
// and points at the care plans that carry it out, so a colleague reading the
// file knows what the « injection » of her round really is.
type Treatment struct {
	ID xid.ID `json:"id"`
	// Drug is the name as on the prescription (« Lovenox 4000 UI/0,4 mL »);
	// Code is optional (CIP13, UCD or ATC, as the nurse has it).
	Drug string `json:"drug"`
	Code string `json:"code,omitempty"`
	// Dose (« 4000 UI », « selon protocole »), Route, and Schedule in words
	// (« le soir vers 20h », « matin et soir »).
	Dose     string `json:"dose,omitempty"`
	Route    Route  `json:"route,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	Start    Date   `json:"start,omitzero"`
	End      Date   `json:"end,omitzero"` // inclusive; zero = no end written
	// Protocol is the prescriber's text to apply (an insulin scale, a PCA
	// setting, the flushing of a PICC line).
	Protocol string `json:"protocol,omitempty"`
	// Monitoring is what to check and when (« plaquettes deux fois par
	// semaine », « glycémie avant chaque injection »).
	Monitoring string `json:"monitoring,omitempty"`
	Prescriber string `json:"prescriber,omitempty"`
	// CarePlanIDs are the care plans this treatment is given in.
	CarePlanIDs []xid.ID `json:"care_plan_ids,omitempty"`
}

// ActiveOn reports whether the treatment runs on d.
func (t Treatment) ActiveOn(d Date) bool {
	return (t.Start.IsZero() || !d.Before(t.Start)) && (t.End.IsZero() || !d.After(t.End))
}

// Serves reports whether the treatment is given in care plan id.
func (t Treatment) Serves(id xid.ID) bool { return slices.Contains(t.CarePlanIDs, id) }

// Headline is the one line a list shows: drug, dose, route, schedule.
func (t Treatment) Headline() string {
	parts := []string{strings.TrimSpace(t.Drug)}
	for _, s := range []string{t.Dose, string(t.Route), t.Schedule} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " — ")
}

// Validate checks a treatment; field names carry its position so a form can
// point at the right line.
func (t Treatment) Validate(n int) error {
	var errs ValidationErrors
	field := fmt.Sprintf("traitement %d", n)
	if blank(t.Drug) {
		errs.add(field, "le nom du médicament ou du protocole est obligatoire")
	}
	if !t.Start.IsZero() && !t.End.IsZero() && t.End.Before(t.Start) {
		errs.add(field, "la date de fin du traitement précède sa date de début")
	}
	for _, s := range []string{t.Drug, t.Code, t.Dose, string(t.Route), t.Schedule, t.Protocol, t.Monitoring, t.Prescriber} {
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' }) {
			errs.add(field, "caractère de contrôle dans le traitement : retapez le texte")
			break
		}
	}
	return errs.err()
}

// AllergyState says what is known of a patient's allergies. The difference
// between « never asked » and « asked, none » matters before an injection:
// a summary must never turn the first into the second.
type AllergyState int

// Allergy states.
const (
	AllergiesUnknown AllergyState = iota // non renseignées
	AllergiesNone                        // aucune allergie connue (asked and recorded)
	AllergiesListed                      // see Patient.Allergies
)

// AllergyState returns what the file says of allergies.
func (p Patient) AllergyState() AllergyState {
	switch {
	case len(p.Allergies) > 0:
		return AllergiesListed
	case p.NoKnownAllergies:
		return AllergiesNone
	}
	return AllergiesUnknown
}

// AllergyText is the allergies in words, the same on every screen and
// document: « non renseignées », « aucune allergie connue », or the list.
func (p Patient) AllergyText() string {
	switch p.AllergyState() {
	case AllergiesListed:
		return strings.Join(p.Allergies, ", ")
	case AllergiesNone:
		return "aucune allergie connue"
	}
	return "non renseignées"
}

// ActiveTreatments returns the structured treatments running on d.
func (p Patient) ActiveTreatments(d Date) []Treatment {
	var out []Treatment
	for _, t := range p.Protocols {
		if t.ActiveOn(d) {
			out = append(out, t)
		}
	}
	return out
}

// ContactsWith returns the contacts of the given roles, in file order.
func (p Patient) ContactsWith(roles ...ContactRole) []Contact {
	var out []Contact
	for _, c := range p.Contacts {
		if slices.Contains(roles, c.Role) {
			out = append(out, c)
		}
	}
	return out
}
