package patientcsv

import (
	"encoding/csv"
	"fmt"
	"io"

	"tournee/patients"
)

// Write exports patients in the format Read reads, shaped for French
// Excel: UTF-8 with a BOM (without it Excel reads the accents as
// Windows-1252), ";" separators, CRLF line ends and decimal commas.
// Read(Write(ps)) gives ps back for every field the format carries; see
// the package documentation for what it does not carry.
func Write(w io.Writer, ps []patients.Patient) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return fmt.Errorf("write patient csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(Headers()); err != nil {
		return fmt.Errorf("write patient csv: %w", err)
	}
	for i := range ps {
		if err := cw.Write(formatRow(&ps[i])); err != nil {
			return fmt.Errorf("write patient csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write patient csv: %w", err)
	}
	return nil
}

func formatRow(p *patients.Patient) []string {
	var c [numCols]string
	c[colBirthName] = p.BirthName
	c[colUsedName] = p.UsedName
	c[colFirstName] = p.FirstName
	c[colBirthDate] = p.BirthDate.String()
	c[colSex] = string(p.Sex)
	if p.INS != nil {
		c[colNIR] = formatNIR(p.INS.NIR)
		c[colINSStatus] = string(p.INS.Status)
		c[colINSType] = formatINSType(p.INS.OID)
	}

	a := p.Address
	c[colAddress] = a.Line
	c[colComplement] = a.Complement
	c[colPostalCode] = a.PostalCode
	c[colCity] = a.City
	c[colINSEE] = a.INSEE

	c[colDoorCode] = p.Access.DoorCode
	c[colKeyBox] = p.Access.KeyBox
	c[colFloor] = p.Access.Floor
	c[colDog] = p.Access.Dog
	c[colParking] = p.Access.Parking
	c[colAccessNotes] = p.Access.Notes

	phones := make([]string, len(p.Phones))
	for i, ph := range p.Phones {
		phones[i] = formatPhone(ph)
	}
	c[colPhones] = joinList(phones)

	// The format has one contact per role: the first one is exported.
	done := make(map[patients.ContactRole]bool)
	for _, ct := range p.Contacts {
		if done[ct.Role] {
			continue
		}
		done[ct.Role] = true
		switch ct.Role {
		case patients.MedecinTraitant:
			c[colDoctor], c[colDoctorRPPS], c[colDoctorPhone] = ct.Name, ct.RPPS, ct.Phone
		case patients.Pharmacie:
			c[colPharmacy], c[colPharmacyPhone] = ct.Name, ct.Phone
		case patients.Famille:
			c[colFamily], c[colFamilyPhone] = joinParen(ct.Name, ct.Relation), ct.Phone
		}
	}

	c[colAllergies] = joinList(p.Allergies)
	c[colPathologies] = joinList(p.Pathologies)
	c[colTreatments] = joinList(p.Treatments)
	c[colAlerts], c[colTwoCarers] = formatAlerts(p.Alerts)
	c[colHousehold] = p.Household
	c[colNotes] = p.Notes

	for i := range c {
		c[i] = escapeCell(c[i])
	}
	// Coordinates are numbers: a guard quote would make Excel show
	// -1,55 as text. They are set after escaping for that reason.
	if a.HasCoordinates() {
		c[colLatitude] = formatDecimal(a.Point.Lat())
		c[colLongitude] = formatDecimal(a.Point.Lon())
	}
	return c[:]
}

// formatAlerts is the inverse of rowParser.alerts. A trailing default
// « visite à deux » alert that is the only one of its kind is exactly what
// "oui" alone produces on reading, so it is left out of the list.
func formatAlerts(as []patients.Alert) (list, twoCarers string) {
	n := 0
	for _, a := range as {
		if a.Kind == patients.AlertVisiteADeux {
			n++
		}
	}
	if n == 0 {
		twoCarers = "non"
	} else {
		twoCarers = "oui"
		if last := as[len(as)-1]; n == 1 && last.Kind == patients.AlertVisiteADeux && last.Text == defaultTwoCarers {
			as = as[:len(as)-1]
		}
	}
	items := make([]string, len(as))
	for i, a := range as {
		items[i] = formatAlert(a)
	}
	return joinList(items), twoCarers
}
