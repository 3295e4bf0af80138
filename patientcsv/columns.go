package patientcsv

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// col identifies one column of the format; its value is the column's
// position in Headers, which is also the order Write uses.
type col int

const (
	colBirthName col = iota
	colUsedName
	colFirstName
	colBirthDate
	colSex
	colNIR
	colINSStatus
	colINSType
	colAddress
	colComplement
	colPostalCode
	colCity
	colINSEE
	colLatitude
	colLongitude
	colDoorCode
	colKeyBox
	colFloor
	colDog
	colParking
	colAccessNotes
	colPhones
	colDoctor
	colDoctorRPPS
	colDoctorPhone
	colPharmacy
	colPharmacyPhone
	colFamily
	colFamilyPhone
	colAllergies
	colPathologies
	colTreatments
	colAlerts
	colTwoCarers
	colHousehold
	colNotes
	numCols
)

// column is a documented header and the other spellings found in the
// spreadsheets nurses already keep; doc.go lists the same aliases.
type column struct {
	name    string
	aliases []string
}

var columns = [numCols]column{
	colBirthName:     {"nom_naissance", []string{"nom", "nom de famille", "nom patient"}},
	colUsedName:      {"nom_usage", []string{"nom usuel", "nom marital", "nom d'épouse"}},
	colFirstName:     {"prenom", []string{"premier prénom"}},
	colBirthDate:     {"date_naissance", []string{"né le", "née le", "né(e) le", "ddn"}},
	colSex:           {"sexe", []string{"genre"}},
	colNIR:           {"nir", []string{"numéro de sécurité sociale", "n° de sécurité sociale", "n° sécu", "numéro sécu", "matricule INS", "INS", "numéro INS"}},
	colINSStatus:     {"statut_ins", []string{"statut de l'identité", "statut identité"}},
	colINSType:       {"type_ins", []string{"OID INS"}},
	colAddress:       {"adresse", []string{"rue", "voie", "adresse postale"}},
	colComplement:    {"complement", []string{"complément d'adresse"}},
	colPostalCode:    {"code_postal", []string{"CP"}},
	colCity:          {"commune", []string{"ville", "localité"}},
	colINSEE:         {"code_insee", []string{"code commune", "code INSEE commune"}},
	colLatitude:      {"latitude", []string{"lat"}},
	colLongitude:     {"longitude", []string{"lon", "lng", "long"}},
	colDoorCode:      {"digicode", []string{"code porte", "code d'entrée"}},
	colKeyBox:        {"boite_a_cles", []string{"boîte à clefs", "code boîte à clés"}},
	colFloor:         {"etage", nil},
	colDog:           {"chien", []string{"animaux", "animal"}},
	colParking:       {"stationnement", []string{"parking"}},
	colAccessNotes:   {"notes_acces", []string{"accès", "infos accès"}},
	colPhones:        {"telephone", []string{"tél", "tel"}},
	colDoctor:        {"medecin_traitant", []string{"médecin"}},
	colDoctorRPPS:    {"medecin_traitant_rpps", []string{"RPPS médecin", "RPPS médecin traitant", "RPPS"}},
	colDoctorPhone:   {"telephone_medecin", []string{"tél médecin", "téléphone médecin traitant"}},
	colPharmacy:      {"pharmacie", nil},
	colPharmacyPhone: {"telephone_pharmacie", []string{"tél pharmacie"}},
	colFamily:        {"contact_famille", []string{"famille", "personne à prévenir", "contact"}},
	colFamilyPhone:   {"telephone_famille", []string{"tél famille", "téléphone personne à prévenir", "téléphone contact"}},
	colAllergies:     {"allergies", nil},
	colPathologies:   {"pathologies", nil},
	colTreatments:    {"traitements", []string{"médicaments"}},
	colAlerts:        {"alertes", nil},
	colTwoCarers:     {"visite_a_deux", []string{"binôme", "à deux"}},
	colHousehold:     {"foyer", []string{"ménage"}},
	colNotes:         {"notes", []string{"remarques", "commentaires", "observations"}},
}

// Headers returns the documented column names, in the order Write uses.
// The slice is new on each call, so the caller may modify it.
func Headers() []string {
	hs := make([]string, numCols)
	for i, c := range columns {
		hs[i] = c.name
	}
	return hs
}

// headerIndex maps a normalised header (see headerKey) to its column.
var headerIndex = func() map[string]col {
	m := make(map[string]col)
	for i, c := range columns {
		for _, h := range append([]string{c.name}, c.aliases...) {
			if _, dup := m[headerKey(h)]; !dup {
				m[headerKey(h)] = col(i)
			}
		}
	}
	return m
}()

// stopWords are dropped from headers so that "Nom de naissance",
// "nom_naissance" and "Nom naissance" all name the same column.
var stopWords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true,
	"du": true, "l": true, "la": true, "le": true, "les": true,
}

// headerKey folds case, accents, punctuation, French articles and plurals,
// because people retype headers by hand and Excel users rarely keep
// snake_case: "Boîte à clés", "BOITE_A_CLES" and "boite a cle" agree.
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(h) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	words := strings.FieldsFunc(b.String(), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	kept := words[:0]
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		if len(w) > 3 {
			w = strings.TrimSuffix(w, "s")
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, "_")
}
