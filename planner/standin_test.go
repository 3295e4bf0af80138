package planner

import (
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
)

// A titulaire replaced today: her patients' visits go to her remplaçante
// even where a colleague drives by next door — the remplaçante holds them
// in her pack and will come. A visit explicitly given to the colleague
// stays with the colleague.
func TestReplacedPatientsStayWithTheRemplacante(t *testing.T) {
	t.Parallel()
	anne, bea, rose := ptID(1), ptID(2), ptID(3)
	sub := ptNurse(rose, "Rose", ptAt(20_000, 0), ptMorning(7, 0, 12, 0))
	sub.Role = patients.Remplacante
	sub.Replacement = &patients.Replacement{Replaces: []xid.ID{anne}, ContractFrom: ptDate.AddDays(-1), ContractTo: ptDate.AddDays(1)}
	nurses := []patients.Nurse{ptNurse(bea, "Béatrice", ptHome, ptMorning(7, 0, 12, 0)), sub}
	// Anne's patient next door to Béatrice's, 20 km from Rose, whose only
	// visit it is: the search alone hands it to Béatrice (two hours of
	// driving saved for a continuity cost of one).
	c := ptCase{nurses: nurses}
	c.add("Voisin", ptAt(200, 0), bea, ptWin(8, 0, 10, 0), 15, false)
	mine := c.add("Titulaire", ptAt(300, 0), anne, ptWin(8, 0, 10, 0), 15, false)
	plan := ptPlan(t, c.visits, c.ctx(), Options{Iterations: 300, Seed: 1})
	if r, _, ok := ptFind(plan, c.visits[mine].ID); !ok || r.NurseID != rose {
		t.Errorf("the titulaire's visit planned with %v (found %v), want the remplaçante", r.NurseID, ok)
	}
	// The same visit already moved to Rose by the day's projection.
	c.visits[mine].NurseID = rose
	plan = ptPlan(t, c.visits, c.ctx(), Options{Iterations: 300, Seed: 1})
	if r, _, ok := ptFind(plan, c.visits[mine].ID); !ok || r.NurseID != rose {
		t.Errorf("the remplaçante's visit planned with %v (found %v), want her", r.NurseID, ok)
	}
	// Given to Béatrice by hand: hers.
	c.visits[mine].NurseID = bea
	plan = ptPlan(t, c.visits, c.ctx(), Options{Iterations: 300, Seed: 1})
	if r, _, ok := ptFind(plan, c.visits[mine].ID); !ok || r.NurseID != bea {
		t.Errorf("the visit given to the colleague planned with %v (found %v), want her", r.NurseID, ok)
	}
}
