package planner

import (
	"github.com/rs/xid"

	"tournee/patients"
)

// standInFirstBit is the first skill bit kept for the remplaçantes standing
// in today; the care skills (SkilledCare) use the bits below it.
const standInFirstBit = 32

// standInBits gives each remplaçante standing in today who works this round
// a skill bit of her own. The titulaire's patients were handed to her in a
// pack: the search must never give one of their visits to a colleague
// (both would come, and her outcome would be set aside at the return).
// Only an explicit hand-over (the visit's nurse changed) moves one.
func standInBits(standIn map[xid.ID]xid.ID, nurses []patients.Nurse) map[xid.ID]uint64 {
	bits := map[xid.ID]uint64{}
	for _, sub := range standIn {
		if _, ok := bits[sub]; ok || len(bits) >= 64-standInFirstBit {
			continue
		}
		for _, n := range nurses {
			if n.ID == sub {
				bits[sub] = 1 << (standInFirstBit + len(bits))
			}
		}
	}
	return bits
}

// standInMask is every bit standInBits may give.
const standInMask = ^uint64(1<<standInFirstBit - 1)

// vehicleSkills is a nurse's care skills and her own stand-in bit.
func vehicleSkills(n patients.Nurse, bits map[xid.ID]uint64) uint64 {
	return nurseSkills(n)&^standInMask | bits[n.ID]
}

// standInSkill is the bit a visit needs: its nurse's when she stands in
// today, or her remplaçante's when its nurse is replaced.
func standInSkill(v patients.Visit, standIn map[xid.ID]xid.ID, bits map[xid.ID]uint64) uint64 {
	if sub, ok := standIn[v.NurseID]; ok {
		return bits[sub]
	}
	return bits[v.NurseID]
}
