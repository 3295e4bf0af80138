package planner

import (
	"strings"
	"testing"

	"tournee/patients"
)

// A nurse who lists her skills only gets the skilled care she lists; one
// with no list does everything.
func TestSkilledCareGoesToASkilledNurse(t *testing.T) {
	t.Parallel()
	anne, bea := ptID(1), ptID(2)
	skilled := ptNurse(anne, "Anne", ptHome, ptMorning(7, 0, 12, 0))
	skilled.Skills = []string{string(patients.Infusion)}
	other := ptNurse(bea, "Béatrice", ptHome, ptMorning(7, 0, 12, 0))
	other.Skills = []string{string(patients.Dressing)}

	c := ptCase{nurses: []patients.Nurse{skilled, other}}
	// The infusion is Béatrice's patient by habit and next to her: only the
	// skill rule can send it to Anne.
	iv := c.add("Perf", ptAt(300, 0), bea, ptWin(8, 0, 9, 0), 30, true)
	c.visits[iv].Items = []patients.CareItem{{Kind: patients.Infusion, Label: "Perfusion", DurationMin: 30}}
	c.add("Pansement", ptAt(400, 0), bea, ptWin(8, 0, 10, 0), 15, false)
	plan := ptPlan(t, c.visits, c.ctx(), Options{})
	r, _, ok := ptFind(plan, c.visits[iv].ID)
	if !ok || r.NurseID != anne {
		t.Fatalf("infusion planned with %v (found %v), want Anne who has the skill", r.NurseID, ok)
	}

	// Without any nurse with the skill, it is left out and the reason says why.
	c2 := ptCase{nurses: []patients.Nurse{other}}
	iv2 := c2.add("Perf", ptAt(300, 0), bea, ptWin(8, 0, 9, 0), 30, true)
	c2.visits[iv2].Items = []patients.CareItem{{Kind: patients.Infusion, Label: "Perfusion", DurationMin: 30}}
	plan = ptPlan(t, c2.visits, c2.ctx(), Options{})
	u, ok := ptUnplanned(plan, c2.visits[iv2].ID)
	if !ok || !strings.Contains(u.Reason, "compétence « perfusion »") {
		t.Errorf("no skilled nurse: unplanned %v, reason %q", ok, u.Reason)
	}
}
