package replacement

import (
	"encoding/json"
	"fmt"

	"github.com/rs/xid"

	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
)

// packTooNew is the error of a pack written by a newer tournée: it says
// its own French, as the storage's own « too new » does.
type packTooNew struct{ format int }

func (e packTooNew) Error() string {
	return fmt.Sprintf("handover pack format %d from a newer version (this one reads %d)", e.format, handover.PackFormat)
}

func (packTooNew) French() string {
	return "ce dossier de remplacement a été écrit par une version plus récente de tournée : mettez l'application à jour"
}

// OpenPack reads the snapshot of a decrypted pack and checks it under the
// rules of a pack (period, share, durations, duplicates): a pack that
// passes can be seeded into the remplaçante's own base.
func OpenPack(files []packfile.File) (handover.Pack, error) {
	var p handover.Pack
	for _, f := range files {
		if f.Name != "snapshot.json" {
			continue
		}
		if err := json.Unmarshal(f.Data, &p); err != nil {
			return p, fmt.Errorf("%w: snapshot.json: %v", packfile.ErrDamaged, err)
		}
		if p.Format > handover.PackFormat {
			return p, packTooNew{p.Format}
		}
		return p, p.Check()
	}
	return p, fmt.Errorf("%w: no snapshot.json in the pack", packfile.ErrDamaged)
}

// PackDataset is the remplaçante's database: she is the nurse of this
// laptop, and the planned visits of the titulaires become hers.
func PackDataset(p handover.Pack) patients.Dataset {
	ds := patients.Dataset{Cabinet: p.Cabinet, Patients: p.Patients, CarePlans: p.CarePlans,
		Transmissions: p.Transmissions}
	ds.Cabinet.CurrentNurse = p.Remplacant.ID
	ds.Cabinet.NurseIDs = []xid.ID{p.Remplacant.ID}
	rem := p.Remplacant
	if len(p.Titulaires) > 0 {
		// She does the titulaire's rounds, from where they start.
		if len(rem.Shifts) == 0 {
			rem.Shifts = p.Titulaires[0].Shifts
		}
		if rem.Start == (patients.Place{}) {
			rem.Start, rem.End = p.Titulaires[0].Start, p.Titulaires[0].End
		}
	}
	// Her replacement block remembers the period and whom she replaces:
	// « handover return » reads it at the end.
	r := patients.Replacement{}
	if rem.Replacement != nil {
		r = *rem.Replacement
	}
	r.ContractFrom, r.ContractTo, r.Replaces, r.PackCreated = p.From, p.To, nil, p.Created
	for _, t := range p.Titulaires {
		r.Replaces = append(r.Replaces, t.ID)
	}
	rem.Replacement = &r
	ds.Nurses = append(ds.Nurses, rem)
	for _, t := range p.Titulaires {
		// In her base the titulaire is a contact, never a round: without
		// shifts no plan, « o » or « r » gives her a visit, even outside
		// the period.
		t.Shifts = nil
		ds.Nurses = append(ds.Nurses, t)
		ds.Cabinet.NurseIDs = append(ds.Cabinet.NurseIDs, t.ID)
	}
	// The rounds she takes over are the titulaires' (or already hers): a
	// colleague's visits of a covered patient stay the colleague's, in the
	// titulaire's base, and her return may not touch them.
	mine := map[xid.ID]bool{p.Remplacant.ID: true}
	for _, t := range p.Titulaires {
		mine[t.ID] = true
	}
	for _, v := range p.Visits {
		if !mine[v.NurseID] {
			continue
		}
		if v.Status == patients.Planned {
			v.NurseID, v.Order, v.Pinned = p.Remplacant.ID, 0, false
		}
		ds.Visits = append(ds.Visits, v)
	}
	return ds
}
