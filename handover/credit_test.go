package handover

import (
	"encoding/json"
	"strings"
	"testing"
)

// Rounds timed on OpenStreetMap roads credit them on the dossier's cover
// (the ODbL asks for it wherever the data is used); rounds timed with the
// straight-line model say nothing. The mark survives the pack's JSON, the
// form the remplaçante's laptop reads.
func TestDossierCreditsRoadTimes(t *testing.T) {
	p, _ := mustPack(t, input())
	credit := func(p Pack) bool {
		for _, f := range p.Dossier().Meta {
			if strings.Contains(f.Value, OSMCredit) {
				return true
			}
		}
		return false
	}
	if credit(p) {
		t.Error("a dossier timed without roads credits OpenStreetMap")
	}
	p.RoadTimes = true
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Pack
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !credit(back) {
		t.Error("a dossier timed on the roads does not credit OpenStreetMap")
	}
}
