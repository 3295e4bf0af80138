package replacement

import (
	"errors"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
)

// A pack from a newer tournée, without its snapshot, or with a snapshot
// that is not JSON is refused with an error the nurse can read.
func TestOpenPackRefusals(t *testing.T) {
	_, err := OpenPack([]packfile.File{{Name: "snapshot.json", Data: []byte(`{"format": 99}`)}})
	var fr interface{ French() string }
	if !errors.As(err, &fr) || !strings.Contains(fr.French(), "version plus récente") {
		t.Errorf("newer pack: %v", err)
	}
	if _, err := OpenPack([]packfile.File{{Name: "dossier.pdf", Data: []byte("%PDF")}}); !errors.Is(err, packfile.ErrDamaged) {
		t.Errorf("no snapshot: %v", err)
	}
	if _, err := OpenPack([]packfile.File{{Name: "snapshot.json", Data: []byte(`{"format": 1,`)}}); !errors.Is(err, packfile.ErrDamaged) {
		t.Errorf("truncated snapshot: %v", err)
	}
}

// The cabinet's part: the one asked (0 included: a free replacement), else
// the stored record of the period, else her nurse record's, else 10 %.
func TestShareOf(t *testing.T) {
	rem := patients.Nurse{ID: xid.New(), Replacement: &patients.Replacement{CabinetShare: 0.15}}
	from, to := patients.Date{Year: 2026, Month: 11, Day: 2}, patients.Date{Year: 2026, Month: 11, Day: 8}
	rec := patients.ReplacementRecord{Remplacant: rem.ID, From: from, To: to, Share: 0.2}
	zero := 0.0
	for _, c := range []struct {
		name  string
		req   RetroRequest
		nurse patients.Nurse
		recs  []patients.ReplacementRecord
		want  float64
	}{
		{"asked zero", RetroRequest{From: from, To: to, Share: &zero}, rem, []patients.ReplacementRecord{rec}, 0},
		{"stored record", RetroRequest{From: from, To: to}, rem, []patients.ReplacementRecord{rec}, 0.2},
		{"nurse record", RetroRequest{From: from, To: to}, rem, nil, 0.15},
		{"default", RetroRequest{From: from, To: to}, patients.Nurse{ID: rem.ID}, nil, handover.DefaultCabinetShare},
	} {
		if got := shareOf(c.req, c.nurse, c.recs); got != c.want {
			t.Errorf("%s: share %v, want %v", c.name, got, c.want)
		}
	}
}
