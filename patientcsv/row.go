package patientcsv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"tournee/patients"
)

// rowParser collects every problem of one row, so the nurse fixes the
// spreadsheet once rather than once per import attempt.
type rowParser struct {
	line  int
	errs  []RowError
	warns []RowError
}

func (rp *rowParser) fail(c col, format string, args ...any) {
	rp.errs = append(rp.errs, RowError{rp.line, columns[c].name, fmt.Sprintf(format, args...)})
}

func (rp *rowParser) warn(c col, format string, args ...any) {
	rp.warns = append(rp.warns, RowError{rp.line, columns[c].name, fmt.Sprintf(format, args...)})
}

// restoreZero puts back a leading zero Excel dropped, and says so.
func (rp *rowParser) restoreZero(c col, s string, width int) string {
	fixed, ok := lostZero(s, width)
	if ok {
		rp.warn(c, "« %s » complété en « %s » (zéro initial perdu par le tableur)", s, fixed)
	}
	return fixed
}

// parseRow turns the cleaned cells of one row into a patient, then runs
// the domain validation so the import refuses exactly what the patient
// form would.
func parseRow(cells *[numCols]string, line int) (patients.Patient, []RowError, []RowError) {
	rp := &rowParser{line: line}
	get := func(c col) string { return cells[c] }
	p := patients.Patient{
		BirthName: get(colBirthName),
		UsedName:  get(colUsedName),
		FirstName: get(colFirstName),
		Address: patients.Address{
			Line:       get(colAddress),
			Complement: get(colComplement),
			PostalCode: rp.restoreZero(colPostalCode, get(colPostalCode), 5),
			City:       get(colCity),
			INSEE:      rp.restoreZero(colINSEE, get(colINSEE), 5),
		},
		Access: patients.Access{
			DoorCode: get(colDoorCode),
			KeyBox:   get(colKeyBox),
			Floor:    get(colFloor),
			Dog:      get(colDog),
			Parking:  get(colParking),
			Notes:    get(colAccessNotes),
		},
		Allergies:   splitList(get(colAllergies)),
		Pathologies: splitList(get(colPathologies)),
		Treatments:  splitList(get(colTreatments)),
		Household:   get(colHousehold),
		Notes:       get(colNotes),
	}

	if s := get(colBirthDate); s != "" {
		d, err := patients.ParseDate(s)
		if err != nil {
			rp.fail(colBirthDate, "date « %s » illisible : AAAA-MM-JJ ou JJ/MM/AAAA attendu", s)
		}
		p.BirthDate = d
	}
	if s := get(colSex); s != "" {
		sex, ok := parseSex(s)
		if !ok {
			rp.fail(colSex, "sexe « %s » inconnu : F, M ou U attendu", s)
		}
		p.Sex = sex
	}
	p.INS = rp.ins(get(colNIR), get(colINSStatus), get(colINSType))
	rp.coordinates(&p.Address, get(colLatitude), get(colLongitude))

	for _, s := range splitPhones(get(colPhones)) {
		ph := parsePhone(s)
		ph.Number = rp.restoreZero(colPhones, ph.Number, 10)
		p.Phones = append(p.Phones, ph)
	}
	p.Contacts = rp.contacts(cells)
	p.Alerts = rp.alerts(get(colAlerts), get(colTwoCarers))

	if err := p.Validate(); err != nil {
		var ves patients.ValidationErrors
		if errors.As(err, &ves) {
			for _, ve := range ves {
				rp.errs = append(rp.errs, RowError{line, validationField(ve.Field), ve.Msg})
			}
		} else {
			rp.errs = append(rp.errs, RowError{Line: line, Msg: err.Error()})
		}
	}
	return p, rp.errs, rp.warns
}

// validationField maps the field names of Patient.Validate to the column
// the nurse must correct.
func validationField(f string) string {
	switch {
	case f == "nom":
		return columns[colBirthName].name
	case f == "prénom":
		return columns[colFirstName].name
	case f == "statut INS":
		return columns[colINSStatus].name
	case f == "coordonnées":
		return columns[colLatitude].name + "/" + columns[colLongitude].name
	case strings.HasPrefix(f, "téléphone"):
		return columns[colPhones].name
	}
	return f
}

func (rp *rowParser) ins(nir, status, typ string) *patients.INS {
	if nir == "" {
		if status != "" {
			rp.fail(colINSStatus, "statut INS renseigné sans NIR")
		}
		if typ != "" {
			rp.fail(colINSType, "type d'INS renseigné sans NIR")
		}
		return nil
	}
	ins := &patients.INS{NIR: patients.NormalizeNIR(nir)}
	if strings.Contains(ins.NIR, "E+") || strings.Contains(ins.NIR, ",") {
		// Excel shows a 15-digit number as 2,79035E+14 and saves it that
		// way: the last digits are gone and only the nurse can retype them.
		rp.fail(colNIR, "« %s » : le tableur a transformé le NIR en nombre et perdu des chiffres ; mettez la colonne au format Texte et ressaisissez-le", nir)
		return nil
	}
	if status != "" {
		st, ok := insStatuses[headerKey(status)]
		if !ok {
			rp.fail(colINSStatus, "statut INS « %s » inconnu : provisoire, récupérée, validée ou qualifiée attendu", status)
		}
		ins.Status = st
	}
	oid, ok := parseINSType(typ)
	if !ok {
		rp.fail(colINSType, "type d'INS « %s » inconnu : NIR, NIA, test ou démo attendu", typ)
	}
	ins.OID = oid
	return ins
}

// coordinates imports a point only when both halves are there: a lone
// latitude is a broken row, but no coordinates at all just means the
// address will be geocoded later.
func (rp *rowParser) coordinates(a *patients.Address, latS, lonS string) {
	lat, latOK := parseDecimal(latS)
	lon, lonOK := parseDecimal(lonS)
	if latS != "" && !latOK {
		rp.fail(colLatitude, "latitude « %s » illisible : nombre décimal attendu, par exemple 50,95 ou 50.95", latS)
	}
	if lonS != "" && !lonOK {
		rp.fail(colLongitude, "longitude « %s » illisible : nombre décimal attendu, par exemple 1,85 ou 1.85", lonS)
	}
	switch {
	case latS != "" && lonS == "":
		rp.fail(colLongitude, "latitude sans longitude : renseignez les deux, ou aucune")
	case latS == "" && lonS != "":
		rp.fail(colLatitude, "longitude sans latitude : renseignez les deux, ou aucune")
	case latOK && lonOK:
		a.Point = orb.Point{lon, lat}
		a.Source = patients.CoordImported
	}
}

// contacts builds the médecin traitant, pharmacy and family contacts, in
// that order, each only when one of its cells is filled.
func (rp *rowParser) contacts(cells *[numCols]string) []patients.Contact {
	var cs []patients.Contact
	if name, rpps, phone := cells[colDoctor], cells[colDoctorRPPS], cells[colDoctorPhone]; name+rpps+phone != "" {
		c := patients.Contact{Role: patients.MedecinTraitant, Name: name, Phone: rp.restoreZero(colDoctorPhone, phone, 10)}
		if rpps != "" {
			c.RPPS = strings.Join(strings.Fields(rpps), "")
			warning, err := patients.ValidateRPPS(c.RPPS)
			var ve *patients.ValidationError
			switch {
			case errors.As(err, &ve):
				rp.fail(colDoctorRPPS, "%s", ve.Msg)
			case err != nil:
				rp.fail(colDoctorRPPS, "%v", err)
			case warning != nil:
				rp.warn(colDoctorRPPS, "%s", warning.Msg)
			}
		}
		cs = append(cs, c)
	}
	if name, phone := cells[colPharmacy], cells[colPharmacyPhone]; name+phone != "" {
		cs = append(cs, patients.Contact{Role: patients.Pharmacie, Name: name, Phone: rp.restoreZero(colPharmacyPhone, phone, 10)})
	}
	if who, phone := cells[colFamily], cells[colFamilyPhone]; who+phone != "" {
		name, relation := splitParen(who)
		cs = append(cs, patients.Contact{Role: patients.Famille, Name: name, Relation: relation, Phone: rp.restoreZero(colFamilyPhone, phone, 10)})
	}
	return cs
}

// alerts reads the alert list and the visite_a_deux flag. The flag adds a
// default alert only when the list has no « visite à deux » alert of its
// own; "non" next to such an alert is a contradiction the nurse must settle.
func (rp *rowParser) alerts(list, twoCarers string) []patients.Alert {
	var as []patients.Alert
	hasTwo := false
	for _, s := range splitList(list) {
		a, _ := parseAlert(s)
		if a.Text == "" {
			rp.fail(colAlerts, "alerte « %s » sans texte", a.Kind)
			continue
		}
		hasTwo = hasTwo || a.Kind == patients.AlertVisiteADeux
		as = append(as, a)
	}
	yes, set, ok := parseYesNo(twoCarers)
	switch {
	case !ok:
		rp.fail(colTwoCarers, "« %s » : oui ou non attendu", twoCarers)
	case yes && !hasTwo:
		as = append(as, patients.Alert{Kind: patients.AlertVisiteADeux, Text: defaultTwoCarers})
	case set && !yes && hasTwo:
		rp.fail(colTwoCarers, "« non » alors que les alertes demandent une visite à deux")
	}
	return as
}
