package planner

import (
	"testing"

	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner/solver"
)

// The tests that plan generated days live in package planner_test: they
// import planner/plantest, which imports planner, so they cannot be part of
// the package. These names let them reach the helpers of the internal tests.
var (
	PtDate       = ptDate
	PtID         = ptID
	PtPlan       = ptPlan
	PtCheck      = ptCheck
	PtRound      = ptRound
	PtStop       = ptStop
	PtVisitStops = ptVisitStops
	FindNurse    = findNurse
)

// PtEps absorbs float rounding in time comparisons (minutes).
const PtEps = ptEps

// PatientByID is the patient of the context with that ID, nil if none.
func (c Context) PatientByID(id xid.ID) *patients.Patient { return c.patientByID(id) }

// PtProblem is the solver problem PlanDay builds for one round.
func PtProblem(t testing.TB, visits []patients.Visit, ctx Context, round patients.Round, opt Options) *solver.Problem {
	t.Helper()
	byPatient := map[xid.ID]*patients.Patient{}
	for i := range ctx.Patients {
		byPatient[ctx.Patients[i].ID] = &ctx.Patients[i]
	}
	rp, err := buildRound(visits, ctx.Nurses, round, byPatient, opt.withDefaults())
	if err != nil {
		t.Fatalf("buildRound: %v", err)
	}
	return rp.p
}
