package patientcsv

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// FuzzRead checks that no input makes Read panic or return inconsistent
// results, and that every patient it accepts survives an export and a
// re-import unchanged: the export is what nurses edit and import again.
func FuzzRead(f *testing.F) {
	seeds := []string{
		"",
		"\ufeffnom;prenom\r\n",
		"nom_naissance;nom_usage;prenom;date_naissance;sexe;nir;statut_ins;type_ins;latitude;longitude;telephone;alertes;visite_a_deux\n" +
			"DUPONT;MARTIN;Jeanne;1979-03-15;F;2 79 03 51 215 189 89;qualifiee;NIR;50,95;1,85;06 12 34 56 78 (portable) / 612345678;sécurité : chien | info : x;oui\n",
		"nom,prenom,notes,latitude,longitude\nA,b,\"multi\nligne \"\"cité\"\"\",\"50,95\",-1.5\n\nC,,x,1,\n",
		"nom;prenom;medecin_traitant;medecin_traitant_rpps;contact_famille;telephone_famille;pharmacie\nA;b;Dr X;100 000 000 09;Marie (fille);06;P\n",
		"nom;prenom;notes\nA;b;'=1+1\nC;d;\"jamais fermé\n",
		"nom;prenom;code_postal;code_insee;nir\nA;b;1000;2A004;2,79035E+14\n",
		"Nom de naissance;Prénom;Boîte à clés;Colonne\nA;b;c;d;e;;\n",
		"nom;prenom;alertes;visite_a_deux\nA;b;visite à deux : x;non\nC;d;;peut-être\n",
		"nom;prenom\r\nA;b\rc\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	cp1252, _ := charmap.Windows1252.NewEncoder().String("Nom,Prénom,Commune\nLefèvre,Hélène,Évreux\n")
	f.Add([]byte(cp1252))

	f.Fuzz(checkRoundTrip)
}

// FuzzCellRoundTrip puts arbitrary values in the cells of a well-formed
// file, which reaches the cell parsers far more often than mutating bytes.
func FuzzCellRoundTrip(f *testing.F) {
	f.Add("DUPONT", "Jeanne", "06 12 34 56 78 (portable) / 612345678", "Marie (fille)", "sécurité : x | info : sécurité : y", "oui", "50,95", "-1.5", "2 79 03 51 215 189 89")
	f.Add("'=A", "(b)", "+33 (0)6 12 34 56 78", "a (b) (c)", "visite à deux : x", "non", ".5", "1,", "")
	f.Fuzz(func(t *testing.T, name, first, phones, family, alerts, twoCarers, lat, lon, nir string) {
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.Comma = ';'
		_ = cw.Write([]string{"nom", "prenom", "telephone", "contact_famille", "alertes", "visite_a_deux", "latitude", "longitude", "nir"})
		_ = cw.Write([]string{name, first, phones, family, alerts, twoCarers, lat, lon, nir})
		cw.Flush()
		checkRoundTrip(t, buf.Bytes())
	})
}

// checkRoundTrip is the property of both fuzz targets.
func checkRoundTrip(t *testing.T, in []byte) {
	res, err := Read(bytes.NewReader(in))
	if err != nil {
		return
	}
	if len(res.Patients) != len(res.Rows) {
		t.Fatalf("%d patients but %d rows", len(res.Patients), len(res.Rows))
	}
	for i, p := range res.Patients {
		if err := p.Validate(); err != nil {
			t.Fatalf("patient of line %d is invalid: %v", res.Rows[i], err)
		}
	}

	var buf bytes.Buffer
	if err := Write(&buf, res.Patients); err != nil {
		t.Fatalf("Write: %v", err)
	}
	again, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Read(Write(patients)): %v\nfile:\n%q", err, buf.String())
	}
	if len(again.Errors) != 0 {
		t.Fatalf("Read(Write(patients)) refused rows: %v\nfile:\n%q", again.Errors, buf.String())
	}
	if !reflect.DeepEqual(again.Patients, res.Patients) && !(len(again.Patients) == 0 && len(res.Patients) == 0) {
		t.Fatalf("round trip changed the patients:\n got %#v\nwant %#v\nfile:\n%q", again.Patients, res.Patients, buf.String())
	}
}
