// Package planner turns care plans into the day's visits and orders them
// into rounds a nurse can drive.
//
// BuildDay lists the visits due on a date: one visit per patient and round
// for the care that can be done at the same stop, with warnings for what a
// nurse must look at (a visit outside working hours, a prescription about to
// end). PlanDay orders them: each round (morning, evening) becomes a vehicle
// routing problem for the nurses working it, solved by planner/solver
// (ruin-and-recreate) or, for one nurse with up to 13 visits and the lab
// stop, by the exact dynamic programme of planner/exact (the whole policy,
// with its thresholds, is at the top of solve.go). Replan re-orders the
// rest of a round from where the nurse is when she runs late. Travel times
// come from a TravelModel (great-circle distance × circuity ÷ speed by
// default). Options start from DefaultOptions, where every default is named.
//
// What the plan gives up, in order (issue « The living day »):
//
//   - Strict visits (insulin, fasting draws, fixed-time care) come first:
//     leaving one out costs more than leaving out every soft visit of the
//     round, and when the search loses one, the strict visits are placed
//     alone (exactly for one nurse) and the soft ones around them. Soft
//     visits give way: late (LatePenalty per minute, up to MaxLateMin),
//     then left out, with a colleague proposed by Replan when one can.
//   - Continuity of care: a patient stays with her usual nurse. A round of
//     several nurses is first planned with every visit pinned to its usual
//     nurse, then searched again with the pins lifted, where moving a visit
//     costs ContinuityPenalty, 60 minutes of driving by default: a move must
//     save more than an hour of driving or a minute of lateness, or take a
//     visit the usual round cannot hold. On generated cabinet days where
//     each nurse can make her own round, at least 90 % of the visits keep
//     their usual nurse (TestPlanDayKeepsTheUsualNurse).
//   - Then lateness, driving, the same hour as last time, balance.
//
// With Options.Now the day is partly behind: visits done or missed at a
// known time stay first in their nurse's route (Stop.Done), and the rest is
// planned from the last of them, never before Now.
//
// A « visite à deux » (patients.AlertVisiteADeux) is made by two nurses at
// once for the care that moves the patient: hygiene care (AIS/BSI, the
// toilette) and heavy dressings (a dressing of 30 minutes or more). BuildDay
// doubles such a visit (PairID), PlanDay puts the two copies in two
// nurses' rounds at the same start time, or leaves both out.
//
// The package is domain logic: no I/O and no clock. Randomness is seeded
// (Options.Seed, plantest.GenerateDay's seed), so a run with an iteration
// budget is reproducible; with a time budget the result depends on how far
// the search got. It imports the standard library, orb, xid, patients and french (for
// its French messages); never storage or tui.
package planner
