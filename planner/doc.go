// Package planner turns care plans into the day's visits and orders them
// into rounds a nurse can drive.
//
// BuildDay lists the visits due on a date: one visit per patient and round
// for the care that can be done at the same stop, with warnings for what a
// nurse must look at (a visit outside working hours, a prescription about to
// end). PlanDay orders them: each round (morning, evening) becomes a vehicle
// routing problem for the nurses working it, solved by planner/solver
// (ruin-and-recreate) or, for one nurse with up to 12 visits, by the exact
// dynamic programme of planner/exact. Replan re-orders the rest of a round
// from where the nurse is when she runs late. Travel times come from a
// TravelModel (great-circle distance × circuity ÷ speed by default).
//
// The package is domain logic: no I/O and no clock. Randomness is seeded
// (Options.Seed, GenerateDay's seed), so a run with an iteration budget is
// reproducible; with a time budget the result depends on how far the search
// got. It imports the standard library, orb, xid, patients and french (for
// its French messages); never storage or tui.
package planner
