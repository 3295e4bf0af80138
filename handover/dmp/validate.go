package dmp

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tournee/patients"
)

// Code systems of the header codes (dmp-cda.md §2.1, §2.2, §2.4).
const (
	// OIDGender is HL7 AdministrativeGender, the system of the patient's sex.
	OIDGender = "2.16.840.1.113883.5.1"
	// OIDSpecialty is TRE_G15, the system of the author's profession (JDV_J01).
	OIDSpecialty = "1.2.250.1.213.1.1.4.5"
	// OIDPracticeSetting is the system of the XDS practiceSettingCode (JDV_J04).
	OIDPracticeSetting = "1.2.250.1.213.1.1.4.9"
	// OIDFacilityType is TRE_R02 SecteurActivite, the system of the XDS
	// healthcareFacilityTypeCode (JDV_J02).
	OIDFacilityType = "1.2.250.1.71.4.2.4"
)

// The code tables below hold only the entries a liberal nurse may use; each
// one is a subset of the ANS value set named, and dmp's tests check that it
// still is against shared/cda/jeuxDeValeurs. A code outside them would be
// rejected by the DMP's schematron, so Validate refuses it first.

// nurseSpecialties is the nursing part of JDV_J01 (1.2.250.1.213.1.1.5.461).
var nurseSpecialties = map[string]string{
	"G15_60":      "Infirmier",
	"G15_60/SI01": "Infirmier - Exercice infirmier en pratique avancée pathologies chroniques stabilisées (SI)",
	"G15_60/SI02": "Infirmier - Exercice infirmier en pratique avancée oncologie et hémato-oncologie (SI)",
	"G15_60/SI03": "Infirmier - Exerc. infirmier pratique avancée maladie rénale chroniq.,dialyse,transp. rénale (SI)",
	"G15_60/SI04": "Infirmier - Exercice infirmier en pratique avancée santé mentale (SI)",
	"G15_60/SI05": "Infirmier - Exercice infirmier en pratique avancée urgences (SI)",
	"G15_69":      "Infirmier psychiatrique",
}

// facilityTypes is the part of JDV_J02 (1.2.250.1.213.1.1.5.466) where a
// liberal nurse practises.
var facilityTypes = map[string]string{
	"SA05": "Centre de santé",
	"SA07": "Cabinet individuel",
	"SA08": "Cabinet de groupe",
	"SA52": "Maison de santé ou Pôle de santé",
}

// practiceSettings is the care part of JDV_J04 (1.2.250.1.213.1.1.5.467).
var practiceSettings = map[string]string{
	"AMBULATOIRE": "Ambulatoire",
	"HAD":         "Hospitalisation à domicile",
	"MAD":         "Maintien à domicile",
	"PALLIATIF":   "Soins palliatifs",
	"SAD":         "Soins à domicile",
}

// insRoots names the INS OIDs the schematron ties to the INS traits (§2.1).
var insRoots = map[string]string{
	patients.OIDInsNIR:     "INS-NIR",
	patients.OIDInsNIA:     "INS-NIA",
	patients.OIDInsNIRTest: "INS-NIR de test",
	patients.OIDInsDemo:    "INS-NIR de démonstration",
}

// The uid syntaxes of the CDA schema and of the schematron (datatypes-base.xsd
// oid and uuid; the reserved "ruid" form is HL7's, not ours to use).
var (
	oidSyntax  = regexp.MustCompile(`^[0-2](\.(0|[1-9][0-9]*))*$`)
	uuidSyntax = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	// COG: 5 characters, Corsica's department 2A/2B included; 99xxx is born abroad.
	cogSyntax = regexp.MustCompile(`^([0-9]{2}|2A|2B)[0-9]{3}$`)
	// FINESS: department (2A/2B included) then 7 digits; SIRET: 14 digits (§6).
	finessSyntax = regexp.MustCompile(`^([0-9]{2}|2A|2B)[0-9]{7}$`)
	siretSyntax  = regexp.MustCompile(`^[0-9]{14}$`)
)

func validUID(s string) bool { return oidSyntax.MatchString(s) || uuidSyntax.MatchString(s) }

// Validate returns every reason the header cannot be written as a DMP
// document, as patients.ValidationErrors with messages in French, or nil.
// Document calls it; a form may call it to show all the problems at once.
func (h Header) Validate() error {
	var v checker

	// Document identity and versioning (§2: id, setId, versionNumber, relatedDocument).
	v.uid("document_id", "document", "identifiant du document", h.DocumentID)
	v.uid("set_id", "document", "identifiant de l'ensemble des versions", h.SetID)
	switch {
	case h.Version < 1:
		v.add("version", fmt.Sprintf("document : numéro de version invalide (%d), 1 pour la première version", h.Version))
	case h.Version == 1 && h.Replaces != "":
		v.add("replaces", "document : une première version ne remplace aucun document")
	case h.Version > 1 && strings.TrimSpace(h.Replaces) == "":
		v.add("replaces", fmt.Sprintf("document : la version %d doit indiquer l'identifiant de la version qu'elle remplace", h.Version))
	case h.Version > 1:
		v.uid("replaces", "document", "identifiant de la version remplacée", h.Replaces)
		if h.Replaces == h.DocumentID {
			v.add("replaces", "document : une version ne peut pas se remplacer elle-même")
		}
	}
	if h.Created.IsZero() {
		v.add("created", "document : date de création manquante")
	}

	h.Patient.validate(&v, h.Created)
	if len(h.Authors) == 0 {
		v.add("author", "infirmières : aucune infirmière n'a fait de soin sur la période, le document n'a pas d'auteur")
	}
	for _, a := range h.Authors {
		who := "infirmière"
		if len(h.Authors) > 1 {
			who = "infirmière " + a.FullName()
		}
		a.validate(&v, "author", who)
		if !a.First.IsZero() && a.Last.Before(a.First) {
			v.add("author.time", who+" : son dernier soin précède le premier")
		}
	}
	h.LegalAuthenticator.validate(&v, "legal_authenticator", "infirmière qui signe")
	h.Custodian.validate(&v)

	switch {
	case h.ServiceStart.IsZero() && h.ServiceEnd.IsZero():
		v.add("service", "période : début et fin manquants")
	case h.ServiceStart.IsZero():
		v.add("service_start", "période : début manquant")
	case h.ServiceEnd.IsZero():
		v.add("service_end", "période : fin manquante")
	case h.ServiceStart.After(h.ServiceEnd):
		v.add("service_end", fmt.Sprintf("période : la fin (%s) précède le début (%s)",
			frenchTime(h.ServiceEnd), frenchTime(h.ServiceStart)))
	}

	v.code("healthcare_facility_type", "cabinet : type de structure", "manquant", h.HealthcareFacilityType, h.HealthcareFacilityDisplay, facilityTypes)
	v.code("practice_setting", "cabinet : cadre d'exercice", "manquant", h.PracticeSetting, h.PracticeSettingDisplay, practiceSettings)
	return v.err()
}

func (p Patient) validate(v *checker, created time.Time) {
	const ins = "INS du patient"
	switch {
	case strings.TrimSpace(p.NIR) == "":
		v.add("patient.nir", ins+" : matricule INS manquant (NIR ou NIA à 15 caractères)")
	default:
		if err := patients.ValidateNIR(p.NIR); err != nil {
			v.add("patient.nir", ins+" : "+validationMsg(err))
		}
	}
	switch {
	case p.INSRoot == "":
		v.add("patient.ins_root", ins+" : OID de l'INS manquant")
	case insRoots[p.INSRoot] == "":
		v.add("patient.ins_root", fmt.Sprintf("%s : OID %q inconnu (1.2.250.1.213.1.4.8, .9, .10 ou .11 attendu)", ins, p.INSRoot))
	}
	// The INS traits are mandatory whenever an INS root is used (§2.1, [SM] line 52).
	v.text("patient.birth_name", "patient : nom de naissance", "manquant", p.BirthName)
	v.text("patient.first_given_name", "patient : premier prénom de naissance", "manquant", p.FirstGivenName)
	v.text("patient.given_names", "patient : prénoms de naissance", "manquants", p.GivenNames)
	switch {
	case p.BirthDate.IsZero():
		v.add("patient.birth_date", "patient : date de naissance manquante")
	case !created.IsZero() && p.BirthDate.After(created):
		v.add("patient.birth_date", "patient : date de naissance postérieure à la date du document")
	}
	switch {
	case p.BirthPlaceCOG == "":
		v.add("patient.birth_place", "patient : lieu de naissance manquant (code COG à 5 caractères, 99xxx si né à l'étranger)")
	case !cogSyntax.MatchString(p.BirthPlaceCOG):
		v.add("patient.birth_place", fmt.Sprintf("patient : code COG du lieu de naissance invalide (%q) : 5 caractères attendus", p.BirthPlaceCOG))
	}
	switch p.Sex {
	case "F", "M", "U":
	case "":
		v.add("patient.sex", "patient : sexe manquant (F, M ou U)")
	default:
		v.add("patient.sex", fmt.Sprintf("patient : sexe %q invalide (F, M ou U)", p.Sex))
	}
	v.text("patient.used_name", "patient : nom utilisé", "", p.UsedName)
	v.text("patient.used_first_name", "patient : prénom utilisé", "", p.UsedFirstName)
	v.text("patient.street", "patient : adresse", "", p.Street)
	v.text("patient.postal_code", "patient : code postal", "", p.PostalCode)
	v.text("patient.city", "patient : commune", "", p.City)
}

// validate checks one nurse; field prefixes the field names (author,
// legal_authenticator) and who names her in the messages.
func (a Author) validate(v *checker, field, who string) {
	switch {
	case a.RPPS == "":
		v.add(field+".rpps", who+" : numéro RPPS manquant (11 chiffres)")
	default:
		// The RPPS check digit only warns: it is not confirmed by an ANS source (§6).
		if _, err := patients.ValidateRPPS(a.RPPS); err != nil {
			v.add(field+".rpps", who+" : "+validationMsg(err))
		}
	}
	v.text(field+".given_name", who+" : prénom", "manquant", a.GivenName)
	v.text(field+".family_name", who+" : nom", "manquant", a.FamilyName)
	v.phone(field+".phone", who, a.Phone)
	if field == "author" {
		v.code(field+".specialty", who+" : profession", "manquante", a.Specialty, a.SpecialtyDisplay, nurseSpecialties)
	}
}

func (o Organization) validate(v *checker) {
	switch {
	case o.ID == "":
		v.add("custodian.id", "cabinet : ni SIRET ni FINESS (identifiant national de structure manquant)")
	case o.ID[0] == '3' && siretSyntax.MatchString(o.ID[1:]):
	case o.ID[0] == '1' && finessSyntax.MatchString(o.ID[1:]):
	default:
		v.add("custodian.id", fmt.Sprintf("cabinet : identifiant national %q invalide (3 suivi du SIRET à 14 chiffres, ou 1 suivi du FINESS à 9 caractères)", o.ID))
	}
	v.text("custodian.name", "cabinet : nom", "manquant", o.Name)
	v.text("custodian.street", "cabinet : adresse", "", o.Street)
	v.text("custodian.postal_code", "cabinet : code postal", "", o.PostalCode)
	v.text("custodian.city", "cabinet : commune", "", o.City)
	v.phone("custodian.phone", "cabinet", o.Phone)
}

// checker collects problems so Validate reports them all at once.
type checker struct{ errs patients.ValidationErrors }

func (c *checker) add(field, msg string) {
	c.errs = append(c.errs, &patients.ValidationError{Field: field, Msg: msg})
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

func (c *checker) uid(field, who, what, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		c.add(field, fmt.Sprintf("%s : %s manquant", who, what))
	case !validUID(s):
		c.add(field, fmt.Sprintf("%s : %s invalide (%q) : OID ou UUID attendu", who, what, s))
	}
}

// text checks a free-text field; missing is the word for its absence
// (« manquants »…), empty when the field is optional. Characters XML 1.0
// cannot carry would be replaced on output, and control characters have no
// place in a name or an address, so both are refused rather than silently
// altered.
func (c *checker) text(field, what, missing, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		if missing != "" {
			c.add(field, what+" "+missing)
		}
	case !printable(s):
		c.add(field, what+" : caractère invalide (caractère de contrôle ou encodage incorrect)")
	}
}

func (c *checker) code(field, what, missing, code, display string, table map[string]string) {
	switch {
	case code == "":
		c.add(field, what+" "+missing)
	case table[code] == "":
		c.add(field, fmt.Sprintf("%s : code %q inconnu", what, code))
	case strings.TrimSpace(display) == "":
		c.add(field, fmt.Sprintf("%s : libellé manquant (« %s » pour %s)", what, table[code], code))
	case !printable(display):
		c.add(field, what+" : caractère invalide dans le libellé")
	}
}

func (c *checker) phone(field, who, s string) {
	if strings.TrimSpace(s) != "" && telURI(s) == "" {
		c.add(field, fmt.Sprintf("%s : numéro de téléphone %q invalide", who, s))
	}
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

// telURI turns a phone number as typed (« 01 49 15 45 78 », « +33 1… »)
// into the tel: URI the CI-SIS telecom rule wants, or "" when it is not one.
func telURI(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return ""
		}
	}
	digits := strings.TrimPrefix(b.String(), "+")
	if len(digits) < 3 || len(digits) > 15 {
		return ""
	}
	return "tel:" + b.String()
}

// validationMsg keeps the French message of a patients validator.
func validationMsg(err error) string {
	if ve, ok := errors.AsType[*patients.ValidationError](err); ok {
		return ve.Msg
	}
	return err.Error()
}

func frenchTime(t time.Time) string { return t.In(patients.Paris()).Format("02/01/2006 15:04") }
