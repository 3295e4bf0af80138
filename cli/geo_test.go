package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tournee/geo"
	"tournee/patients"
)

func TestGeoImportFindAndGeocodedCSV(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"TOURNEE_PASSPHRASE": "marée basse à Calais", "XDG_DATA_HOME": data}
	if r := run(t, env, "init", "--cabinet", "Cabinet", "--nurse", "Aurélie Duquesne", "--rpps", "10001234565"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, env, "geo", "find", "12 rue du Moulin Calais"); r.code != 1 || !strings.Contains(r.stderr, "geo import") {
		t.Errorf("find before import: %d %q", r.code, r.stderr)
	}
	var buf bytes.Buffer
	if err := geo.WriteSynthetic(&buf, 2000, 4); err != nil {
		t.Fatal(err)
	}
	// The BAN's header alone (a cut download): told in French, nothing in.
	header := filepath.Join(t.TempDir(), "entete.csv")
	os.WriteFile(header, buf.Bytes()[:bytes.IndexByte(buf.Bytes(), '\n')+1], 0o600)
	if r := run(t, env, "geo", "import", header); r.code != 1 || !strings.Contains(r.stderr, "aucune adresse dans ce fichier") {
		t.Errorf("import of a header alone: %d %q", r.code, r.stderr)
	}
	if r := run(t, env, "geo", "find", "12 rue du Moulin Calais"); r.code != 1 || !strings.Contains(r.stderr, "geo import") {
		t.Errorf("find after a failed import: %d %q", r.code, r.stderr)
	}
	ban := filepath.Join(t.TempDir(), "adresses-62.csv")
	os.WriteFile(ban, buf.Bytes(), 0o600)
	r := run(t, env, "geo", "import", ban)
	if r.code != 0 || !strings.Contains(r.stdout, "2000 adresses importées") {
		t.Fatalf("geo import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	rd, _ := geo.NewReader(bytes.NewReader(buf.Bytes()))
	var row geo.Row
	for i := 0; i < 77; i++ {
		var err error
		if row, err = rd.Next(); errors.Is(err, io.EOF) {
			t.Fatal("short file")
		}
	}
	q := strings.Join(strings.Fields(row.Numero+" "+row.Rep+" "+row.Voie+" "+row.CodePostal+" "+row.Commune), " ")
	r = run(t, env, "geo", "find", "--json", q)
	cands := decodeJSON[[]struct {
		Label    string
		Lon, Lat float64
		Exact    bool
	}](t, r.stdout)
	if len(cands) == 0 || !cands[0].Exact || cands[0].Lat != row.Lat || cands[0].Lon != row.Lon {
		t.Fatalf("find %q: %+v", q, cands)
	}

	// A CSV without coordinates gets them from the index; an unknown
	// address is imported without, and listed.
	csv := filepath.Join(t.TempDir(), "patients.csv")
	os.WriteFile(csv, []byte(fmt.Sprintf("nom_naissance;prenom;adresse;code_postal;commune\n"+
		"Leroux;Marcelle;%s;%s;%s\nMartin;René;999 impasse Introuvable;62999;Nullepart\n",
		strings.TrimSpace(row.Numero+" "+row.Rep+" "+row.Voie), row.CodePostal, row.Commune)), 0o600)
	r = run(t, env, "patients", "import", csv)
	if r.code != 0 || !strings.Contains(r.stderr, "ligne 3 : adresse introuvable") {
		t.Fatalf("import with geocoding: %d %s", r.code, r.stderr)
	}
	ps := decodeJSON[[]patients.Patient](t, run(t, env, "patients", "list", "--json").stdout)
	for _, p := range ps {
		switch p.FirstName {
		case "Marcelle":
			if p.Address.Source != patients.CoordBAN || p.Address.Point.Lat() != row.Lat {
				t.Errorf("geocoded patient: %+v", p.Address)
			}
		case "René":
			if p.Address.HasCoordinates() {
				t.Errorf("an unknown address got coordinates: %+v", p.Address)
			}
		}
	}
	if r := run(t, env, "patients", "list"); !strings.Contains(r.stdout, "sans coordonnées") {
		t.Errorf("a patient without coordinates is not flagged:\n%s", r.stdout)
	}
	if r := run(t, env, "geo", "import", filepath.Join(t.TempDir(), "none.csv")); r.code != 1 {
		t.Errorf("missing file: %d", r.code)
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(empty, nil, 0o600)
	if r := run(t, env, "geo", "import", empty); r.code != 1 {
		t.Errorf("empty file: %d %s", r.code, r.stderr)
	}
	if r := run(t, env, "patients", "add", "--nom", "X", "--prenom", "Y", "--coords", "50,95 ; 1,85"); r.code != 0 {
		t.Errorf("add with typed coordinates: %s", r.stderr)
	}
	if r := run(t, env, "patients", "add", "--nom", "X", "--prenom", "Y", "--coords", "95, 1.85"); r.code != 2 {
		t.Errorf("add with impossible coordinates: %d %s", r.code, r.stderr)
	}
}
