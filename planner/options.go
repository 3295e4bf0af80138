package planner

import (
	"time"

	"github.com/rs/xid"

	"tournee/patients"
)

// The defaults of Options, in one place. The penalties are in minutes of
// driving, the unit of the plan's cost.
const (
	// defaultTimeLimit is the search budget of a whole day: a realistic
	// cabinet day is planned in under 200 ms.
	defaultTimeLimit = 180 * time.Millisecond
	// defaultLabStopMin is the time spent dropping tubes at the lab.
	defaultLabStopMin = 5
	// defaultLatePenalty: a minute late on a soft window costs an hour of
	// driving, so lateness comes before travel.
	defaultLatePenalty = 60.0
	// defaultMaxLateMin: later than an hour and a half, a soft visit is left
	// out and explained rather than made.
	defaultMaxLateMin = 90.0
	// defaultContinuityPenalty: moving a patient to another nurse must save
	// more than an hour of driving (see doc.go, continuity of care).
	defaultContinuityPenalty = 60.0
	// defaultConsistencyPenalty and defaultConsistencySlackMin: half a
	// minute of driving per minute beyond a quarter of an hour away from
	// the time the patient was seen last time.
	defaultConsistencyPenalty  = 0.5
	defaultConsistencySlackMin = 15.0
	// defaultBalancePenalty × (route minutes)² per route spreads the work:
	// small enough never to outweigh a minute of lateness on a day.
	defaultBalancePenalty = 0.001
)

// DefaultOptions is the planning of a day as the application does it. Start
// from it to change one setting: in the Options it returns, a field set to
// zero is zero (a penalty switched off, no time at the lab), where in an
// Options written as a literal a zero field takes its default.
//
// TimeLimit 180 ms, LabStopMin 5, LatePenalty 60, MaxLateMin 90,
// ContinuityPenalty 60, ConsistencyPenalty 0.5, ConsistencySlackMin 15,
// BalancePenalty 0.001; Travel nil (DefaultCrow), no lab, no breaks, no
// history, no clock.
func DefaultOptions() Options {
	return Options{
		TimeLimit:           defaultTimeLimit,
		LabStopMin:          defaultLabStopMin,
		LatePenalty:         defaultLatePenalty,
		MaxLateMin:          defaultMaxLateMin,
		ContinuityPenalty:   defaultContinuityPenalty,
		ConsistencyPenalty:  defaultConsistencyPenalty,
		ConsistencySlackMin: defaultConsistencySlackMin,
		BalancePenalty:      defaultBalancePenalty,
		explicit:            true,
	}
}

// Options tune the planning of a day. The zero value, and any literal, gets
// the default (see DefaultOptions) of every field it leaves at zero; an
// Options made from DefaultOptions keeps its zeros.
type Options struct {
	// TimeLimit bounds the search for the whole day (default 180 ms), shared
	// between the rounds in proportion to their visits; Iterations, when
	// set, is a fixed budget per round (reproducible runs), bounded by
	// TimeLimit too when that is set. With neither, the default TimeLimit.
	TimeLimit  time.Duration
	Iterations int
	Seed       uint64
	Travel     TravelModel // nil is DefaultCrow()
	// Lab is where blood tubes are dropped (see patients.Cabinet.LabPlace);
	// nil plans no lab stop.
	Lab *patients.Place
	// LabStopMin is the time spent at the lab (default 5).
	LabStopMin int
	// LatePenalty is what one minute of lateness on a soft window costs, in
	// minutes of driving (default 60): lateness comes before travel.
	LatePenalty float64
	// MaxLateMin is how late a soft visit may be (default 90); later, the
	// visit is left out and explained.
	MaxLateMin float64
	// ContinuityPenalty is the cost, in minutes of driving, of giving a
	// visit to another nurse than its usual one (the visit's NurseID, or
	// the remplaçant(e) standing in for her that day). Default 60: moving a
	// patient must save more than an hour of driving, or avoid a minute of
	// lateness (LatePenalty), or make room for a visit her usual nurse's
	// round cannot hold. Each nurse's round starts from her own patients
	// (see doc.go), so on a day where windows and shifts allow, at least
	// 90 % of the visits stay with their usual nurse.
	ContinuityPenalty float64
	// ConsistencyPenalty per minute beyond ConsistencySlackMin away from the
	// time the patient was seen last time (defaults 0.5 and 15): patients
	// like the nurse at the same hour.
	ConsistencyPenalty  float64
	ConsistencySlackMin float64
	// BalancePenalty spreads the work between nurses: it costs
	// BalancePenalty × (route minutes)² per route (default 0.001).
	BalancePenalty float64
	// Breaks, per round, for every nurse of that round.
	Breaks map[patients.Round]Break
	// carrying is the cut-off of tubes already drawn (a re-plan mid-round):
	// the lab stop is then required. Zero: none.
	carrying float64
	// History holds past visits (done ones carry ActualMin and DoneAt): the
	// planner learns durations and yesterday's times from them.
	History []patients.Visit
	// Now is the time of day the plan is made, in minutes after midnight
	// of ctx.Date; 0 means no clock (a day planned ahead, or a test). When
	// set, the day is partly behind: a nurse's visits of a round already
	// done (or found missed) at a known time (Visit.DoneAt, the end of the
	// visit) stay where they were, as the first stops of her route in
	// DoneAt order (Stop.Done); the rest of her round starts from the last
	// of them, at its real end, or from Now, whichever is later; nothing is
	// planned before Now. A nurse whose shift is over at Now takes no more
	// visits; when every nurse of the round is done, its visits left are
	// Unplanned (« trop tard : la tournée du matin est finie »).
	Now float64
	// explicit is set by DefaultOptions (and by withDefaults, once the
	// defaults are in): its zero fields mean zero. A literal cannot set
	// it, which keeps the zero value planning with the defaults.
	explicit bool
	// syncAt fixes the start of the two visits of a « visite à deux ».
	syncAt map[xid.ID]float64
	// standIn maps a titulaire replaced that day to her remplaçant(e).
	standIn map[xid.ID]xid.ID
	// resume is where and when each nurse takes her round up again, and
	// what is already behind her (set from Now).
	resume map[xid.ID]resumeAt
}

// Break is a pause taken wherever the nurse is, inside Window.
type Break struct {
	Window      patients.Window
	DurationMin int
}

// withDefaults is o as the planner reads it: the defaults in the zero
// fields of a literal, a search budget in any case, DefaultCrow for a nil
// Travel. Applying it twice changes nothing.
func (o Options) withDefaults() Options {
	if o.TimeLimit == 0 && o.Iterations == 0 {
		o.TimeLimit = defaultTimeLimit // no budget at all plans nothing
	}
	if o.Travel == nil {
		o.Travel = DefaultCrow()
	}
	if o.explicit {
		return o
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.LatePenalty, defaultLatePenalty)
	def(&o.MaxLateMin, defaultMaxLateMin)
	def(&o.ContinuityPenalty, defaultContinuityPenalty)
	def(&o.ConsistencyPenalty, defaultConsistencyPenalty)
	def(&o.ConsistencySlackMin, defaultConsistencySlackMin)
	def(&o.BalancePenalty, defaultBalancePenalty)
	if o.LabStopMin == 0 {
		o.LabStopMin = defaultLabStopMin
	}
	o.explicit = true
	return o
}
