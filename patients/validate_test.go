package patients

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// problem is one refusal as the nurse sees it: the field it is shown next to
// and a fragment of the French sentence.
type problem struct{ field, msg string }

// problemsOf flattens what a Validate returned into its field errors.
func problemsOf(t *testing.T, err error) []*ValidationError {
	t.Helper()
	if err == nil {
		return nil
	}
	var es ValidationErrors
	if errors.As(err, &es) {
		return es
	}
	var e *ValidationError
	if errors.As(err, &e) {
		return []*ValidationError{e}
	}
	t.Fatalf("%v is a %T, not a validation error", err, err)
	return nil
}

// expectProblems checks that err reports exactly the problems wanted, in
// any order: none means the value must be accepted.
func expectProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	got := problemsOf(t, err)
	if len(got) != len(want) {
		t.Fatalf("got %d problem(s) %v, want %v", len(got), err, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(e *ValidationError) bool {
			return e.Field == w.field && strings.Contains(e.Msg, w.msg)
		}) {
			t.Errorf("no problem on %q saying %q in %v", w.field, w.msg, err)
		}
	}
}

func one(field, msg string) []problem { return []problem{{field, msg}} }

func validPatient() Patient {
	return Patient{
		BirthName: "Leroux", FirstName: "Marcelle", BirthDate: NewDate(1938, time.January, 11), Sex: Female,
		INS: &INS{NIR: "238016219395217", Status: INSQualifiee},
		Address: Address{Line: "33 Boulevard Jacquard", PostalCode: "62100", City: "Calais",
			Point: orb.Point{1.8587, 50.9513}, Source: CoordBAN},
		Phones:    []Phone{{Label: "fixe", Number: "03 21 34 56 78"}, {Label: "fille", Number: "+33 6 12 34 56 78"}},
		Contacts:  []Contact{{Role: MedecinTraitant, Name: "Dr Poulain", RPPS: "10001234565"}},
		Allergies: []string{"iode"},
		Protocols: []Treatment{{Drug: "Lovenox 4000 UI", Start: NewDate(2026, time.November, 2), End: NewDate(2026, time.November, 30)}},
		Absences:  []Absence{{Reason: "hospitalisation", From: NewDate(2026, time.December, 1), To: NewDate(2026, time.December, 4)}},
	}
}

func TestPatientValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Patient)
		want []problem
	}{
		{"complete file", func(*Patient) {}, nil},
		{"only the used name", func(p *Patient) { p.BirthName, p.UsedName = "", "Martin" }, nil},
		{"no name at all", func(p *Patient) { p.BirthName = "  " }, one("nom", "nom du patient est obligatoire")},
		{"blank first name", func(p *Patient) { p.FirstName = " " }, one("prénom", "prénom du patient est obligatoire")},
		{"sex typed as a word", func(p *Patient) { p.Sex = "femme" }, one("sexe", "F, M ou U")},
		{"sex not given", func(p *Patient) { p.Sex = "" }, nil},
		{"sex unknown", func(p *Patient) { p.Sex = Unknown }, nil},
		{"no INS", func(p *Patient) { p.INS = nil }, nil},
		{"NIR key mistyped", func(p *Patient) { p.INS.NIR = "238016219395218" }, one("nir", "clé du NIR")},
		{"NIR one digit short", func(p *Patient) { p.INS.NIR = "23801621939521" }, one("nir", "15 caractères")},
		{"birth year not the NIR's", func(p *Patient) { p.BirthDate = NewDate(1948, time.January, 11) }, one("nir", "l'année de naissance ne correspond pas")},
		{"NIR without birth date", func(p *Patient) { p.BirthDate = Date{} }, nil},
		// A provisional number (7…) carries no birth year to compare.
		{"provisional NIR, other year", func(p *Patient) {
			p.INS.NIR, p.BirthDate = "738016219395258", NewDate(1948, time.January, 11)
		}, nil},
		{"INS status invented", func(p *Patient) { p.INS.Status = "vérifiée" }, one("statut INS", "statut INS inconnu")},
		{"INS status not given", func(p *Patient) { p.INS.Status = INSUnknownState }, nil},
		{"coordinates on the bounds", func(p *Patient) { p.Address.Point = orb.Point{180, -90} }, nil},
		{"coordinates on the other bounds", func(p *Patient) { p.Address.Point = orb.Point{-180, 90} }, nil},
		{"latitude above 90", func(p *Patient) { p.Address.Point = orb.Point{1.85, 90.0001} }, one("coordonnées", "coordonnées impossibles")},
		{"latitude below -90", func(p *Patient) { p.Address.Point = orb.Point{1.85, -91} }, one("coordonnées", "latitude −90 à 90")},
		{"longitude beyond 180", func(p *Patient) { p.Address.Point = orb.Point{180.5, 50.95} }, one("coordonnées", "longitude −180 à 180")},
		{"longitude below -180", func(p *Patient) { p.Address.Point = orb.Point{-181, 50.95} }, one("coordonnées", "coordonnées impossibles")},
		{"latitude not a number", func(p *Patient) { p.Address.Point = orb.Point{1.85, math.NaN()} }, one("coordonnées", "coordonnées impossibles")},
		{"longitude not a number", func(p *Patient) { p.Address.Point = orb.Point{math.NaN(), 50.95} }, one("coordonnées", "coordonnées impossibles")},
		{"impossible point never placed", func(p *Patient) {
			p.Address.Point, p.Address.Source = orb.Point{500, 500}, CoordNone
		}, nil},
		{"absence ends before it starts", func(p *Patient) { p.Absences[0].To = NewDate(2026, time.November, 30) }, one("absence 1", "la fin de l'absence précède son début")},
		{"absence of one day", func(p *Patient) { p.Absences[0].To = p.Absences[0].From }, nil},
		{"absence with no end yet", func(p *Patient) { p.Absences[0].To = Date{} }, nil},
		{"absence without start", func(p *Patient) { p.Absences[0].From = Date{} }, one("absence 1", "date de début de l'absence est obligatoire")},
		{"second absence reversed", func(p *Patient) {
			p.Absences = append(p.Absences, Absence{Reason: "vacances", From: NewDate(2027, time.January, 10), To: NewDate(2027, time.January, 3)})
		}, one("absence 2", "précède son début")},
		{"« aucune allergie » with allergies", func(p *Patient) { p.NoKnownAllergies = true }, one("allergies", "choisissez l'un ou l'autre")},
		{"« aucune allergie » alone", func(p *Patient) { p.NoKnownAllergies, p.Allergies = true, nil }, nil},
		{"allergies never asked", func(p *Patient) { p.Allergies = nil }, nil},
		{"doctor's RPPS too short", func(p *Patient) { p.Contacts[0].RPPS = "1000123456" }, one("contact 1", "Dr Poulain : le numéro RPPS doit compter 11 chiffres")},
		{"doctor's RPPS with a letter", func(p *Patient) { p.Contacts[0].RPPS = "1000123456A" }, one("contact 1", "11 chiffres")},
		// The check digit is only a warning (docs/dmp-cda.md §6), never a refusal.
		{"doctor's RPPS check digit off", func(p *Patient) { p.Contacts[0].RPPS = "10001234567" }, nil},
		{"contact without RPPS", func(p *Patient) {
			p.Contacts = append(p.Contacts, Contact{Role: Famille, Name: "Sophie", Phone: "06 11 22 33 44"})
		}, nil},
		{"second doctor's RPPS wrong", func(p *Patient) {
			p.Contacts = append(p.Contacts, Contact{Role: Prescripteur, Name: "Dr Klein", RPPS: "123"})
		}, one("contact 2", "Dr Klein")},
		{"treatment without drug", func(p *Patient) { p.Protocols[0].Drug = " " }, one("traitement 1", "nom du médicament")},
		{"phone with letter O for zero", func(p *Patient) { p.Phones[0].Number = "06 39 98 OO 41" }, one("téléphone 1", "numéro de téléphone illisible")},
		{"phone of 3 digits", func(p *Patient) { p.Phones[0].Number = "112" }, one("téléphone 1", "illisible")},
		{"short service number of 4 digits", func(p *Patient) { p.Phones[0].Number = "3624" }, nil},
		{"phone left empty", func(p *Patient) { p.Phones[0].Number = "" }, one("téléphone 1", "illisible")},
		{"international with 15 digits", func(p *Patient) { p.Phones[1].Number = "+44 20 7946 0958 123" }, nil},
		{"16 digits", func(p *Patient) { p.Phones[1].Number = "+44 20 7946 0958 1234" }, one("téléphone 2", "illisible")},
		{"plus sign in the middle", func(p *Patient) { p.Phones[1].Number = "06+12 34 56 78" }, one("téléphone 2", "illisible")},
		{"dots, dashes, brackets, no-break spaces", func(p *Patient) { p.Phones[1].Number = "(0)3.21-34\u00a056 78" }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := validPatient().Clone()
			c.edit(&p)
			expectProblems(t, p.Validate(), c.want)
		})
	}
}

func TestPatientValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	p := validPatient().Clone()
	p.FirstName, p.Sex, p.INS.Status, p.NoKnownAllergies = "", "X", "vérifiée", true
	expectProblems(t, p.Validate(), []problem{
		{"prénom", "obligatoire"}, {"sexe", "F, M ou U"}, {"statut INS", "inconnu"}, {"allergies", "l'un ou l'autre"},
	})
}

func TestWindowValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		w    Window
		want []problem
	}{
		{"fixed-time appointment", Window{Clock(8, 0), Clock(8, 0)}, nil},
		{"one minute", Window{Clock(8, 0), Clock(8, 1)}, nil},
		{"the whole day", Window{Clock(0, 0), Clock(23, 59)}, nil},
		{"reversed by one minute", Window{Clock(8, 1), Clock(8, 0)}, one("plage 2", "se termine (08:00) avant de commencer (08:01)")},
		{"morning and evening swapped", Window{Clock(19, 0), Clock(7, 0)}, one("plage 2", "avant de commencer")},
		{"start before midnight", Window{-1, Clock(8, 0)}, one("plage 2", "heure hors de la journée")},
		{"end at 24:00", Window{Clock(22, 0), Clock(24, 0)}, one("plage 2", "00:00 à 23:59")},
		{"start past midnight, end earlier", Window{Clock(24, 30), Clock(23, 0)}, one("plage 2", "avant de commencer")},
		{"both past midnight", Window{Clock(24, 30), Clock(24, 30)}, one("plage 2", "hors de la journée")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			expectProblems(t, c.w.Validate("plage 2"), c.want)
		})
	}
}

func validNurse() Nurse {
	return Nurse{FirstName: "Claire", LastName: "Martin", RPPS: "10001234565", Role: Titulaire,
		Phone: "06 12 34 56 78", Shifts: DefaultShifts(), TravelProfile: Rural}
}

func TestNurseValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Nurse)
		want []problem
		warn string // fragment of the warning expected, "" for none
	}{
		{"complete", func(*Nurse) {}, nil, ""},
		{"first name only", func(n *Nurse) { n.LastName = "" }, nil, ""},
		{"last name only", func(n *Nurse) { n.FirstName = "" }, nil, ""},
		{"no name", func(n *Nurse) { n.FirstName, n.LastName = " ", "" }, one("nom", "nom de l'infirmier(e) est obligatoire"), ""},
		{"no RPPS", func(n *Nurse) { n.RPPS = "" }, one("rpps", "numéro RPPS est obligatoire"), ""},
		{"RPPS typed with spaces", func(n *Nurse) { n.RPPS = "100 0123 4565" }, one("rpps", "11 chiffres"), ""},
		{"RPPS of 12 digits", func(n *Nurse) { n.RPPS = "100012345650" }, one("rpps", "11 chiffres"), ""},
		{"RPPS check digit off", func(n *Nurse) { n.RPPS = "10001234567" }, nil, "chiffre de contrôle du RPPS"},
		{"ADELI given", func(n *Nurse) { n.ADELI = "621234567" }, nil, ""},
		{"ADELI of 8 characters", func(n *Nurse) { n.ADELI = "62123456" }, one("adeli", "9 caractères"), ""},
		{"morning shift reversed", func(n *Nurse) { n.Shifts[0].Hours = Window{Clock(13, 0), Clock(6, 30)} }, one("horaires matin", "avant de commencer"), ""},
		{"evening shift past midnight", func(n *Nurse) { n.Shifts[1].Hours.End = Clock(24, 0) }, one("horaires soir", "hors de la journée"), ""},
		{"no shifts", func(n *Nurse) { n.Shifts = nil }, nil, ""},
		{"travel profile invented", func(n *Nurse) { n.TravelProfile = "montagne" }, one("profil", "urbain ou rural"), ""},
		{"travel profile not chosen", func(n *Nurse) { n.TravelProfile = "" }, nil, ""},
		{"urban", func(n *Nurse) { n.TravelProfile = Urban }, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := validNurse()
			n.Shifts = DefaultShifts()
			c.edit(&n)
			warns, err := n.Validate()
			expectProblems(t, err, c.want)
			switch {
			case c.warn == "" && len(warns) > 0:
				t.Errorf("unexpected warnings %v", warns)
			case c.warn != "" && (len(warns) != 1 || warns[0].Field != "rpps" || !strings.Contains(warns[0].Msg, c.warn)):
				t.Errorf("warnings %v, want one on rpps saying %q", warns, c.warn)
			}
		})
	}
}

func TestCabinetValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Cabinet)
		want []problem
	}{
		{"complete", func(*Cabinet) {}, nil},
		{"no identifiers", func(c *Cabinet) { c.SIRET, c.FINESS = "", "" }, nil},
		{"blank name", func(c *Cabinet) { c.Name = "  " }, one("nom", "nom du cabinet est obligatoire")},
		{"SIRET of 13 digits", func(c *Cabinet) { c.SIRET = "1234567890123" }, one("siret", "14 chiffres")},
		{"SIRET of 15 digits", func(c *Cabinet) { c.SIRET = "123456789012345" }, one("siret", "14 chiffres")},
		{"SIRET with spaces", func(c *Cabinet) { c.SIRET = "123 456 789 01" }, one("siret", "14 chiffres")},
		{"SIRET with a letter", func(c *Cabinet) { c.SIRET = "1234567890123O" }, one("siret", "14 chiffres")},
		{"FINESS of 8 characters", func(c *Cabinet) { c.FINESS = "62000000" }, one("finess", "9 caractères")},
		{"FINESS of Corsica", func(c *Cabinet) { c.FINESS = "2A0001234" }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cab := Cabinet{Name: "Cabinet infirmier du Beau-Marais", Phone: "03 21 00 00 00", SIRET: "12345678901234", FINESS: "620000000"}
			c.edit(&cab)
			expectProblems(t, cab.Validate(), c.want)
		})
	}
}
