package patientcsv

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"

	"tournee/patients"
)

// nirTest is the ANS test INS (docs/dmp-cda.md §6): a woman born in March 1979.
const nirTest = "279035121518989"

func read(t *testing.T, s string) Result {
	t.Helper()
	res, err := Read(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return res
}

func TestReadGoodUTF8Semicolon(t *testing.T) {
	t.Parallel()
	in := "\ufeffnom_naissance;nom_usage;prenom;date_naissance;sexe;nir;statut_ins;type_ins;adresse;code_postal;commune;latitude;longitude;telephone;medecin_traitant;medecin_traitant_rpps;contact_famille;telephone_famille;allergies;alertes;visite_a_deux;notes\r\n" +
		"DUPONT;MARTIN;Jeanne;1979-03-15;F;2 79 03 51 215 189 89;qualifiée;NIR;33 boulevard Jacquard;62100;Calais;50,95;1,85;06 12 34 56 78 (portable) | 03 21 00 00 00;Dr Leroy;10000000009;Marie Dupont (fille);06 98 76 54 32;pénicilline | latex;sécurité : chien agressif | RDV labo le jeudi;oui;\"Sonner deux fois ; attendre\"\r\n" +
		"LEROY;;Paul;02/01/1950;M;;;;;;;;;;;;;;;;;\r\n"
	res := read(t, in)
	if len(res.Errors) != 0 {
		t.Fatalf("Errors = %v, want none", res.Errors)
	}
	if res.Encoding != "UTF-8" || res.Comma != ';' {
		t.Errorf("detected %s %q, want UTF-8 ';'", res.Encoding, res.Comma)
	}
	want := []patients.Patient{{
		BirthName: "DUPONT", UsedName: "MARTIN", FirstName: "Jeanne",
		BirthDate: patients.Date{Year: 1979, Month: time.March, Day: 15},
		Sex:       patients.Female,
		INS:       &patients.INS{NIR: nirTest, Status: patients.INSQualifiee, OID: patients.OIDInsNIR},
		Address: patients.Address{
			Line: "33 boulevard Jacquard", PostalCode: "62100", City: "Calais",
			Point: orb.Point{1.85, 50.95}, Source: patients.CoordImported,
		},
		Phones: []patients.Phone{{Label: "portable", Number: "06 12 34 56 78"}, {Number: "03 21 00 00 00"}},
		Contacts: []patients.Contact{
			{Role: patients.MedecinTraitant, Name: "Dr Leroy", RPPS: "10000000009"},
			{Role: patients.Famille, Name: "Marie Dupont", Relation: "fille", Phone: "06 98 76 54 32"},
		},
		Allergies: []string{"pénicilline", "latex"},
		Alerts: []patients.Alert{
			{Kind: patients.AlertSafety, Text: "chien agressif"},
			{Kind: patients.AlertInfo, Text: "RDV labo le jeudi"},
			{Kind: patients.AlertVisiteADeux, Text: defaultTwoCarers},
		},
		Notes: "Sonner deux fois ; attendre",
	}, {
		BirthName: "LEROY", FirstName: "Paul",
		BirthDate: patients.Date{Year: 1950, Month: time.January, Day: 2},
		Sex:       patients.Male,
	}}
	if !reflect.DeepEqual(res.Patients, want) {
		t.Errorf("Patients =\n%+v\nwant\n%+v", res.Patients, want)
	}
	if !reflect.DeepEqual(res.Rows, []int{2, 3}) {
		t.Errorf("Rows = %v, want [2 3]", res.Rows)
	}
}

func TestReadWindows1252Comma(t *testing.T) {
	t.Parallel()
	utf := "Nom,Prénom,Commune,Allergies,Latitude,Longitude\r\n" +
		"Lefèvre,Hélène,Saint-Étienne-au-Mont,\"œufs | arachide\",\"50,95\",\"1,85\"\r\n"
	raw, err := charmap.Windows1252.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.ValidString(raw) {
		t.Fatal("test input should not be valid UTF-8")
	}
	res := read(t, raw)
	if res.Encoding != "Windows-1252" || res.Comma != ',' {
		t.Errorf("detected %s %q, want Windows-1252 ','", res.Encoding, res.Comma)
	}
	if len(res.Patients) != 1 || len(res.Errors) != 0 {
		t.Fatalf("got %d patients, errors %v", len(res.Patients), res.Errors)
	}
	p := res.Patients[0]
	if p.BirthName != "Lefèvre" || p.FirstName != "Hélène" || p.Address.City != "Saint-Étienne-au-Mont" {
		t.Errorf("accents lost: %q %q %q", p.BirthName, p.FirstName, p.Address.City)
	}
	if !reflect.DeepEqual(p.Allergies, []string{"œufs", "arachide"}) {
		t.Errorf("Allergies = %q", p.Allergies)
	}
	if p.Address.Point != (orb.Point{1.85, 50.95}) {
		t.Errorf("Point = %v, want quoted decimal commas read", p.Address.Point)
	}
}

func TestReadHeaderSpellings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header string
	}{
		{"documented", "nom_naissance;prenom;date_naissance;boite_a_cles;visite_a_deux;notes_acces"},
		{"spreadsheet words", "Nom de naissance;Prénom;Date de naissance;Boîte à clés;Visite à deux;Notes d'accès"},
		{"upper case", "NOM DE NAISSANCE;PRENOM;DATE_DE_NAISSANCE;BOITE A CLE;VISITE A DEUX;NOTES ACCES"},
		{"aliases", "Nom;Prénoms;Né(e) le;Boîte à clefs;Binôme;Accès"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := read(t, tt.header+";Colonne perso\nDUPONT;Jeanne;1942-03-15;derrière le pot;oui;portail vert;x\n")
			if len(res.Patients) != 1 {
				t.Fatalf("Errors = %v", res.Errors)
			}
			p := res.Patients[0]
			if p.BirthName != "DUPONT" || p.FirstName != "Jeanne" || p.BirthDate.String() != "1942-03-15" ||
				p.Access.KeyBox != "derrière le pot" || !p.NeedsTwoCarers() || p.Access.Notes != "portail vert" {
				t.Errorf("columns not matched: %+v", p)
			}
			if !reflect.DeepEqual(res.Unknown, []string{"Colonne perso"}) {
				t.Errorf("Unknown = %q, want the one unrecognised header", res.Unknown)
			}
		})
	}
}

// Every documented name and alias must lead to its own column, or a typo
// in the table would silently send a column's cells elsewhere.
func TestHeaderTableHasNoCollision(t *testing.T) {
	t.Parallel()
	for i, c := range columns {
		for _, h := range append([]string{c.name}, c.aliases...) {
			if got := headerIndex[headerKey(h)]; got != col(i) {
				t.Errorf("header %q maps to %s, want %s", h, columns[got].name, c.name)
			}
		}
	}
}

func TestReadBadRows(t *testing.T) {
	t.Parallel()
	in := "nom_naissance;prenom;date_naissance;sexe;nir;latitude;longitude;telephone\n" +
		"DUPONT;Jeanne;1979-03-15;F;279035121518989;;;\n" + // 2: good
		"DURAND;Luc;1979-03-15;M;279035121518988;;;\n" + // 3: NIR key
		"MARTIN;;1950-01-02;F;;;;\n" + // 4: no first name
		"PETIT;Anne;;F;;50.95;;\n" + // 5: half coordinates
		"ROUX;Léa;;F\n" + // 6: too few fields
		"BLANC;Jean;31/02/1950;M;;;;\n" + // 7: impossible date
		"NOIR;Jo\"e;;;;;;\n" + // 8: bare quote
		"VERT;Ève;;Z;;;;06 12 AB\n" + // 9: two problems
		"DUPONT;Jeanne;1979-03-15;F;2 79 03 51 215 189 89;;;\n" // 10: same NIR as line 2
	res := read(t, in)
	want := []struct {
		line  int
		field string
		msg   string
	}{
		{3, "nir", "la clé du NIR ne correspond pas"},
		{4, "prenom", "prénom du patient est obligatoire"},
		{5, "longitude", "latitude sans longitude"},
		{6, "", "4 colonnes au lieu de 8"},
		{7, "date_naissance", "« 31/02/1950 » illisible"},
		{8, "", "guillemet"},
		{9, "sexe", "« Z » inconnu"},
		{9, "telephone", "numéro de téléphone illisible"},
		{10, "nir", "figure déjà ligne 2"},
	}
	if len(res.Errors) != len(want) {
		t.Fatalf("Errors =\n%v\nwant %d errors", strings.Join(errStrings(res.Errors), "\n"), len(want))
	}
	for i, w := range want {
		e := res.Errors[i]
		if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("Errors[%d] = %v, want line %d, field %q, message containing %q", i, e, w.line, w.field, w.msg)
		}
	}
	if len(res.Patients) != 1 || !reflect.DeepEqual(res.Rows, []int{2}) {
		t.Errorf("Rows = %v, want only line 2 imported", res.Rows)
	}
}

func errStrings(es []RowError) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Error()
	}
	return out
}

func TestRowErrorMessage(t *testing.T) {
	t.Parallel()
	e := RowError{Line: 7, Field: "nir", Msg: "la clé du NIR ne correspond pas"}
	if got, want := e.Error(), "ligne 7 : nir : la clé du NIR ne correspond pas"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Field = ""
	if got, want := e.Error(), "ligne 7 : la clé du NIR ne correspond pas"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// A quoted cell over three physical lines is one spreadsheet row: the rows
// after it keep the numbers Excel shows. Blank rows count, as in Excel.
func TestReadLineNumbersAfterMultilineCell(t *testing.T) {
	t.Parallel()
	in := "nom;prenom;notes\r\n" + // 1
		"DUPONT;Jeanne;\"passage le matin\r\nclé chez la voisine\r\nappeler avant\"\r\n" + // 2 (3 physical lines)
		"\r\n" + // 3, blank
		"MARTIN;;\r\n" + // 4
		"PETIT;Anne;x\r\n" // 5
	res := read(t, in)
	if !reflect.DeepEqual(res.Rows, []int{2, 5}) {
		t.Errorf("Rows = %v, want [2 5]", res.Rows)
	}
	if len(res.Errors) != 1 || res.Errors[0].Line != 4 {
		t.Errorf("Errors = %v, want one error on line 4", res.Errors)
	}
	if got := res.Patients[0].Notes; got != "passage le matin\nclé chez la voisine\nappeler avant" {
		t.Errorf("Notes = %q, want the three lines", got)
	}
}

func TestReadEmptyAndHeaderOnly(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\ufeff", "\n\r\n  \n", ";;;\n;;\n"} {
		_, err := Read(strings.NewReader(in))
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "fichier vide") {
			t.Errorf("Read(%q) error = %v, want FileError « fichier vide »", in, err)
		}
	}
	for _, in := range []string{"nom;prenom", "\ufeffnom;prenom\r\n", "nom;prenom\n;\n\n"} {
		res, err := Read(strings.NewReader(in))
		if err != nil || len(res.Patients) != 0 || len(res.Errors) != 0 {
			t.Errorf("Read(%q) = %d patients, %v, %v; want nothing and no error", in, len(res.Patients), res.Errors, err)
		}
	}
}

func TestReadUnusableFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"no first name column", "nom;date_naissance\nDUPONT;1942-03-15\n", 1, "colonne obligatoire absente : prenom ; en-têtes lus : « nom », « date_naissance »"},
		{"no name column", "prenom\nJeanne\n", 1, "nom_naissance (ou nom_usage)"},
		{"tab separated", "nom\tprenom\nDUPONT\tJeanne\n", 1, "séparateur doit être « ; » ou « , » (tabulations trouvées)"},
		{"column twice", "Nom;prenom;nom_naissance\n", 1, "« Nom » et « nom_naissance » désignent toutes deux nom_naissance"},
		{"unclosed quote", "nom;prenom;notes\nA;B;c\nDUPONT;Jeanne;\"clé sous\nle paillasson\nC;D;e\n", 3, "guillemet ouvert jamais refermé"},
		{"broken header", "nom;\"pre\"nom\n", 1, "en-tête illisible"},
		{"utf-16", "\xff\xfen\x00o\x00m\x00", 0, "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Read(strings.NewReader(tt.in))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Read error = %v, want *FileError", err)
			}
			if fe.Line != tt.line || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("FileError = %q (line %d), want line %d containing %q", fe.Msg, fe.Line, tt.line, tt.msg)
			}
			if len(res.Patients) != 0 {
				t.Errorf("got %d patients with a fatal error", len(res.Patients))
			}
		})
	}
}

func TestReadDecimalComma(t *testing.T) {
	t.Parallel()
	res := read(t, "nom;prenom;latitude;longitude\nDUPONT;Jeanne;50,951;-1,85\n")
	if len(res.Patients) != 1 || res.Patients[0].Address.Point != (orb.Point{-1.85, 50.951}) {
		t.Fatalf("got %+v, errors %v", res.Patients, res.Errors)
	}

	// In a "," file an unquoted decimal comma splits the cell in two.
	res = read(t, "nom,prenom,latitude,longitude\nDUPONT,Jeanne,50,95,1.85\n")
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "doit être entre guillemets") {
		t.Errorf("Errors = %v, want a field count error hinting at quotes", res.Errors)
	}

	for _, bad := range []string{"NaN", "1e3", "0x1p-2", "Inf", "50,9,5"} {
		res = read(t, "nom;prenom;latitude;longitude\nDUPONT;Jeanne;"+bad+";1\n")
		if len(res.Errors) != 1 || res.Errors[0].Field != "latitude" {
			t.Errorf("latitude %q: Errors = %v, want one latitude error", bad, res.Errors)
		}
	}
}

// What Excel does to codes typed as numbers: leading zeros go, which Read
// can repair, and 15 digits become 2,79035E+14, which it cannot.
func TestReadExcelArtefacts(t *testing.T) {
	t.Parallel()
	res := read(t, "nom;prenom;code_postal;code_insee;telephone;nir\n"+
		"DUPONT;Jeanne;1000;1053;612345678;\n"+
		"MARTIN;Paul;;;;2,79035E+14\n")
	if len(res.Patients) != 1 {
		t.Fatalf("Errors = %v", res.Errors)
	}
	a := res.Patients[0].Address
	if a.PostalCode != "01000" || a.INSEE != "01053" || res.Patients[0].Phones[0].Number != "0612345678" {
		t.Errorf("leading zeros not restored: %q %q %q", a.PostalCode, a.INSEE, res.Patients[0].Phones[0].Number)
	}
	if len(res.Warnings) != 3 || res.Warnings[0].Line != 2 || !strings.Contains(res.Warnings[0].Msg, "zéro initial perdu") {
		t.Errorf("Warnings = %v, want three on line 2", res.Warnings)
	}
	if len(res.Errors) != 1 || res.Errors[0].Field != "nir" || !strings.Contains(res.Errors[0].Msg, "format Texte") {
		t.Errorf("Errors = %v, want the NIR refused with advice", res.Errors)
	}
}

func TestReadAlertsAndTwoCarers(t *testing.T) {
	t.Parallel()
	in := "nom;prenom;alertes;visite_a_deux\n" +
		"A;a;visite à deux : lève-personne;\n" +
		"B;b;visite à deux : lève-personne;non\n" +
		"C;c;sécurité :;\n" +
		"D;d;;peut-être\n"
	res := read(t, in)
	if len(res.Patients) != 1 || !res.Patients[0].NeedsTwoCarers() || len(res.Patients[0].Alerts) != 1 {
		t.Errorf("Patients = %+v, want A with its one « visite à deux » alert", res.Patients)
	}
	wantLines := []int{3, 4, 5}
	if len(res.Errors) != len(wantLines) {
		t.Fatalf("Errors = %v", res.Errors)
	}
	for i, l := range wantLines {
		if res.Errors[i].Line != l {
			t.Errorf("Errors[%d] = %v, want line %d", i, res.Errors[i], l)
		}
	}
}

// fullPatient fills every field the format carries.
func fullPatient() patients.Patient {
	return patients.Patient{
		BirthName: "DUPONT", UsedName: "MARTIN", FirstName: "Jeanne",
		BirthDate: patients.Date{Year: 1979, Month: time.March, Day: 15},
		Sex:       patients.Female,
		INS:       &patients.INS{NIR: nirTest, Status: patients.INSQualifiee, OID: patients.OIDInsNIRTest},
		Address: patients.Address{
			Line: "33 boulevard Jacquard", Complement: "Résidence « Les Tilleuls », bât. B",
			PostalCode: "62100", City: "Calais", INSEE: "62193",
			Point: orb.Point{-1.8512345678901, 50.9512345678901}, Source: patients.CoordImported,
		},
		Access: patients.Access{
			DoorCode: "4521B", KeyBox: "1234; à gauche", Floor: "3e sans ascenseur",
			Dog: "oui, attaché", Parking: "devant le garage", Notes: "sonner \"fort\"\nporte du fond",
		},
		Phones: []patients.Phone{
			{Label: "portable", Number: "+33 6 12 34 56 78"},
			{Number: "03 21 00 00 00"},
		},
		Contacts: []patients.Contact{
			{Role: patients.MedecinTraitant, Name: "Dr Leroy", RPPS: "10000000009", Phone: "03 21 11 22 33"},
			{Role: patients.Pharmacie, Name: "Pharmacie du Centre", Phone: "03 21 44 55 66"},
			{Role: patients.Famille, Name: "Marie Dupont", Relation: "fille", Phone: "06 98 76 54 32"},
		},
		Allergies:   []string{"pénicilline", "latex"},
		Pathologies: []string{"diabète de type 2", "HTA"},
		Treatments:  []string{"insuline lente 20 UI le soir"},
		Alerts: []patients.Alert{
			{Kind: patients.AlertSafety, Text: "chien agressif"},
			{Kind: patients.AlertInfo, Text: "sécurité : ceci est une info"},
			{Kind: patients.AlertInfo, Text: "RDV : labo le jeudi"},
			{Kind: patients.AlertVisiteADeux, Text: defaultTwoCarers},
		},
		Household: "DUPONT-12",
		Notes:     "=HYPERLINK(\"http://exemple.invalid\")",
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	t.Parallel()
	second := fullPatient()
	second.BirthName, second.FirstName = "DUPONT", "Jean"
	second.Sex = patients.Male
	second.INS = &patients.INS{NIR: "179035121518942", Status: patients.INSProvisoire}
	second.Alerts = []patients.Alert{
		{Kind: patients.AlertVisiteADeux, Text: defaultTwoCarers},
		{Kind: patients.AlertVisiteADeux, Text: "lève-personne"},
	}
	second.Address.Point = orb.Point{0, -0.5}
	second.Notes = "'=déjà protégé"
	minimal := patients.Patient{UsedName: "LEROY", FirstName: "Paul"}
	want := []patients.Patient{fullPatient(), second, minimal}
	if err := want[1].Validate(); err != nil {
		t.Fatalf("test patient is invalid: %v", err)
	}

	var buf bytes.Buffer
	if err := Write(&buf, want); err != nil {
		t.Fatal(err)
	}
	res, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("Errors = %v, Warnings = %v\nfile:\n%s", res.Errors, res.Warnings, buf.String())
	}
	if !reflect.DeepEqual(res.Patients, want) {
		t.Errorf("round trip changed the patients:\n got %+v\nwant %+v\nfile:\n%s", res.Patients, want, buf.String())
	}
}

// Excel needs the BOM to read accents, ";" and decimal commas to split
// columns and numbers the French way, and quotes to keep formulas inert.
func TestWriteIsExcelFriendly(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Write(&buf, []patients.Patient{fullPatient()}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	header := "\ufeff" + strings.Join(Headers(), ";") + "\r\n"
	if !strings.HasPrefix(out, header) {
		t.Errorf("file starts %q, want BOM, ';' headers and CRLF", out[:min(len(out), 80)])
	}
	for _, want := range []string{
		";2 79 03 51 215 189 89;",             // NIR kept as text by Excel
		";50,9512345678901;-1,8512345678901;", // decimal comma
		";'+33 6 12 34 56 78 (portable) | 03 21 00 00 00;",
		`;"'=HYPERLINK(""http://exemple.invalid"")"`,
		"\"sonner \"\"fort\"\"\r\nporte du fond\"",
		";test;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != strings.Count(out, "\r\n") {
		t.Errorf("found a bare LF: want CRLF everywhere")
	}
}

func TestWriteEmpty(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Write(&buf, nil); err != nil {
		t.Fatal(err)
	}
	res, err := Read(&buf)
	if err != nil || len(res.Patients) != 0 || len(res.Unknown) != 0 {
		t.Errorf("Read(Write(nil)) = %+v, %v; want an empty, error-free result", res, err)
	}
}
