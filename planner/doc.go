// Package planner turns care plans into the day's visits and orders them
// into rounds a nurse can drive.
//
// The first step is BuildDay: from the patients, their care plans and the
// nurses' shifts it lists the visits due on one date, one visit per patient
// and round for the care that can be done at the same stop, with warnings
// for what a nurse must look at (a visit outside working hours, a
// prescription about to end). Ordering the visits of a round along the road
// comes on top of that.
//
// The package is pure domain logic: no I/O, no clock, no randomness except
// through the ID generator the caller passes, so the same input always gives
// the same day. It imports only the standard library, orb, xid, patients and
// french (for the dates in its French messages); never storage or tui.
package planner
