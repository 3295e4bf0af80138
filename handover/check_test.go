package handover

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// A pack is a file: opened, it is checked as BuildPack would have built it,
// and each fault is refused with a French message naming it.
func TestPackCheck(t *testing.T) {
	t.Parallel()
	good, _ := mustPack(t, input())
	if len(good.Visits) == 0 || len(good.Patients) < 2 {
		t.Fatalf("fixture pack too small: %d visits, %d patients", len(good.Visits), len(good.Patients))
	}
	if err := good.Check(); err != nil {
		t.Fatalf("a pack BuildPack wrote is refused: %v", err)
	}
	stranger := xid.New()
	cases := []struct {
		name, want string
		edit       func(p *Pack)
	}{
		{"inverted period", "inversée", func(p *Pack) { p.From, p.To = p.To.AddDays(1), p.From }},
		{"no period", "incomplète", func(p *Pack) { p.To = patients.Date{} }},
		{"ten-year period", "plus d'un an", func(p *Pack) { p.To = p.From.AddDays(3650) }},
		{"negative share", "part du cabinet", func(p *Pack) { p.CabinetShare = -0.1 }},
		{"share over 1", "part du cabinet", func(p *Pack) { p.CabinetShare = 1.5 }},
		{"share 100 %", "part du cabinet", func(p *Pack) { p.CabinetShare = 1 }},
		{"zero share (default)", "part du cabinet", func(p *Pack) { p.CabinetShare = 0 }},
		{"NaN share", "part du cabinet", func(p *Pack) { p.CabinetShare = math.NaN() }},
		{"zero duration", "dure 0 min", func(p *Pack) { p.Visits[0].DurationMin = 0 }},
		{"negative duration", "dure -5 min", func(p *Pack) { p.Visits[0].DurationMin = -5 }},
		{"day-long duration", "dure 1440 min", func(p *Pack) { p.Visits[0].DurationMin = 1440 }},
		{"care plan duration", "soin prescrit dure", func(p *Pack) { p.CarePlans[0].DurationMin = 100000 }},
		{"duplicate patient", "deux fois", func(p *Pack) { p.Patients = append(p.Patients, p.Patients[0]) }},
		{"visit before the period", "hors de la période", func(p *Pack) { p.Visits[0].Date = p.From.AddDays(-1) }},
		{"visit after the period", "hors de la période", func(p *Pack) { p.Visits[0].Date = p.To.AddDays(30) }},
		{"visit of a patient not in the pack", "patient absent", func(p *Pack) { p.Visits[0].PatientID = stranger }},
		{"transmission of a patient not in the pack", "patient absent", func(p *Pack) {
			p.Transmissions = append(p.Transmissions, patients.Transmission{ID: xid.New(), PatientID: stranger})
		}},
		{"no remplaçant", "remplaçant", func(p *Pack) { p.Remplacant.ID = xid.NilID() }},
		{"remplaçant is titulaire", "titulaire", func(p *Pack) { p.Titulaires[0].ID = p.Remplacant.ID }},
		{"newer format", "version plus récente", func(p *Pack) { p.Format = PackFormat + 1 }},
	}
	for _, c := range cases {
		p, _ := mustPack(t, input())
		c.edit(&p)
		err := p.Check()
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a refusal", c.name, err)
			continue
		}
		if !strings.HasPrefix(fe.French(), "dossier de remplacement refusé : ") || !strings.Contains(fe.French(), c.want) {
			t.Errorf("%s: French message %q does not name %q", c.name, fe.French(), c.want)
		}
	}
}
