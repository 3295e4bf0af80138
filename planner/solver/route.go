package solver

import "math"

// route is one vehicle's sequence with the per-position data that makes an
// insertion check O(1) (forward start times, backward latest starts, rank
// bounds) and the cumulative cost that lets a time-dependent check stop as
// soon as the schedule stops moving.
type route struct {
	v    int
	jobs []int
	refs int // states listing this route (see fork)

	loc    []int     // location after job k (a break stays where it is)
	start  []float64 // start of service of job k
	dep    []float64 // departure after job k
	latest []float64 // latest start of job k that keeps the rest feasible
	acc    []float64 // cost of the route up to and including job k (arc in, lateness, penalties)
	preMax []int     // max Rank over ranked jobs 0..k
	sufMin []int     // min Rank over ranked jobs k..end

	load int
	ret  float64 // back at the end depot
	cost float64 // whole route: acc[last] + arc home + vehicle cost + balance
}

// cloneInto copies r into c, reusing c's arrays (c may be nil: a new route).
func (r *route) cloneInto(c *route) *route {
	if c == nil {
		// Room for the insertions of an iteration before arrays regrow.
		n := len(r.jobs) + 4
		c = &route{jobs: make([]int, 0, n), loc: make([]int, 0, n), start: make([]float64, 0, n),
			dep: make([]float64, 0, n), latest: make([]float64, 0, n), acc: make([]float64, 0, n),
			preMax: make([]int, 0, n), sufMin: make([]int, 0, n)}
	}
	c.v, c.load, c.ret, c.cost = r.v, r.load, r.ret, r.cost
	c.jobs = append(c.jobs[:0], r.jobs...)
	c.loc = append(c.loc[:0], r.loc...)
	c.start = append(c.start[:0], r.start...)
	c.dep = append(c.dep[:0], r.dep...)
	c.latest = append(c.latest[:0], r.latest...)
	c.acc = append(c.acc[:0], r.acc...)
	c.preMax = append(c.preMax[:0], r.preMax...)
	c.sufMin = append(c.sufMin[:0], r.sufMin...)
	return c
}

// jobCost is the part of the objective attached to serving job j on vehicle
// v starting at t (arc costs aside).
func (s *search) jobCost(j, v int, t float64) float64 {
	job := &s.p.Jobs[j]
	c := 0.0
	if late := t - job.Due; late > 0 {
		c += late * s.p.LatenessWeight
	}
	if job.PreferredWeight > 0 && job.Preferred != v {
		c += job.PreferredWeight
	}
	if job.TargetWeight > 0 {
		c += job.TargetWeight * math.Max(0, math.Abs(t-job.Target)-job.TargetSlack)
	}
	return c
}

// limit is the latest start a job's window tolerates.
func (s *search) limit(j int) float64 {
	job := &s.p.Jobs[j]
	if job.Soft {
		return job.Due + job.MaxLate
	}
	return job.Due
}

// recompute rebuilds every cached array of r after its jobs changed.
func (s *search) recompute(r *route) {
	p := s.p
	n := len(r.jobs)
	grow := func(f []float64) []float64 {
		if cap(f) < n {
			return make([]float64, n, n+8)
		}
		return f[:n]
	}
	growI := func(f []int) []int {
		if cap(f) < n {
			return make([]int, n, n+8)
		}
		return f[:n]
	}
	r.loc, r.preMax, r.sufMin = growI(r.loc), growI(r.preMax), growI(r.sufMin)
	r.start, r.dep, r.latest, r.acc = grow(r.start), grow(r.dep), grow(r.latest), grow(r.acc)
	veh := &p.Vehicles[r.v]
	t, loc, acc, load, pm := veh.Open, veh.Start, 0.0, 0, math.MinInt
	for k, j := range r.jobs {
		job := &p.Jobs[j]
		if job.Loc >= 0 {
			t += p.Time[loc*p.N+job.Loc]
			acc += p.Cost[loc*p.N+job.Loc]
			loc = job.Loc
		}
		if t < job.Ready {
			t = job.Ready
		}
		if !s.plain { // a plain job costs nothing beyond its arcs
			acc += s.jobCost(j, r.v, t)
		}
		r.loc[k], r.start[k], r.dep[k], r.acc[k] = loc, t, t+job.Service, acc
		t += job.Service
		load += job.Demand
		if !job.Unranked && job.Rank > pm {
			pm = job.Rank
		}
		r.preMax[k] = pm
	}
	r.load = load
	if n == 0 {
		r.cost = 0
		return
	}
	ret := t + p.Time[loc*p.N+veh.End]
	r.ret = ret
	r.cost = acc + p.Cost[loc*p.N+veh.End] + p.VehicleCost
	if p.BalanceWeight > 0 {
		d := s.duration(r.v, r.start[0], r.jobs[0], ret)
		r.cost += p.BalanceWeight * d * d
	}
	// Backward pass: latest start at k such that every later job and the
	// return still fit.
	late := veh.Close - p.Time[loc*p.N+veh.End]
	sm := math.MaxInt
	for k := n - 1; k >= 0; k-- {
		j := r.jobs[k]
		job := &p.Jobs[j]
		l := math.Min(s.limit(j), late-job.Service)
		r.latest[k] = l
		if !job.Unranked && job.Rank < sm {
			sm = job.Rank
		}
		r.sufMin[k] = sm
		// The leg into job k starts from the previous location (or the depot).
		if job.Loc >= 0 {
			prev := veh.Start
			if k > 0 {
				prev = r.loc[k-1]
			}
			late = l - p.Time[prev*p.N+job.Loc]
		} else {
			late = l
		}
	}
}

// duration mirrors RouteDuration from the first job's start and the return.
func (s *search) duration(v int, firstStart float64, first int, ret float64) float64 {
	leave := firstStart
	if loc := s.p.Jobs[first].Loc; loc >= 0 {
		leave -= s.p.Time[s.p.Vehicles[v].Start*s.p.N+loc]
	}
	return ret - math.Max(leave, s.p.Vehicles[v].Open)
}

// fits checks what does not depend on the position: pin, skills, capacity.
func (s *search) fits(r *route, j int) bool {
	job := &s.p.Jobs[j]
	veh := &s.p.Vehicles[r.v]
	if job.Pinned && job.Vehicle != r.v {
		return false
	}
	if job.Skills&^veh.Skills != 0 {
		return false
	}
	return veh.Capacity == 0 || r.load+job.Demand <= veh.Capacity
}

// groupOK checks Before/After precedence for inserting j at position k.
func (s *search) groupOK(r *route, j, k int) bool {
	job := &s.p.Jobs[j]
	if job.Before == 0 && job.After == 0 {
		return true
	}
	for m, o := range r.jobs {
		oj := &s.p.Jobs[o]
		if job.Before != 0 && oj.After == job.Before && m < k {
			return false // the closing job would come first
		}
		if job.After != 0 && oj.Before == job.After && m >= k {
			return false // a job of the group would come after its closing job
		}
	}
	if job.Before != 0 && !s.tentative {
		for _, o := range r.jobs {
			if s.p.Jobs[o].After == job.Before {
				return true
			}
		}
		return false
	}
	return true
}

// arcDelta is insertDelta's cost where only arcs cost (!timeCosts), the
// same sum in the same order, without the feasibility checks.
func (s *search) arcDelta(r *route, j, k int) float64 {
	p := s.p
	veh := &p.Vehicles[r.v]
	prev, next := veh.Start, veh.End
	if k > 0 {
		prev = r.loc[k-1]
	}
	if k < len(r.jobs) {
		next = p.Jobs[r.jobs[k]].Loc
	}
	loc := p.Jobs[j].Loc
	d := p.Cost[prev*p.N+loc] + p.Cost[loc*p.N+next] + s.jobCost(j, r.v, 0)
	if len(r.jobs) == 0 {
		d += p.VehicleCost
	} else {
		d -= p.Cost[prev*p.N+next]
	}
	return d
}

// insertDelta returns the cost change of inserting job j before position k
// of r (k = len(r.jobs) appends), and false when it breaks a hard
// constraint. fits must have been checked.
func (s *search) insertDelta(r *route, j, k int) (float64, bool) {
	p := s.p
	job := &p.Jobs[j]
	n := len(r.jobs)
	if !job.Unranked {
		if k > 0 && r.preMax[k-1] > job.Rank {
			return 0, false
		}
		if k < n && r.sufMin[k] < job.Rank {
			return 0, false
		}
	}
	if s.hasGroups && !s.groupOK(r, j, k) {
		return 0, false
	}
	veh := &p.Vehicles[r.v]
	prevLoc, prevDep, prevAcc := veh.Start, veh.Open, 0.0
	if k > 0 {
		prevLoc, prevDep, prevAcc = r.loc[k-1], r.dep[k-1], r.acc[k-1]
	}
	// Start and arc into j.
	t, loc, arc := prevDep, prevLoc, 0.0
	if job.Loc >= 0 {
		t += p.Time[prevLoc*p.N+job.Loc]
		arc = p.Cost[prevLoc*p.N+job.Loc]
		loc = job.Loc
	}
	if t < job.Ready {
		t = job.Ready
	}
	if t > s.lim[j] {
		return 0, false
	}
	t += job.Service

	if !s.timeCosts {
		// Cost depends on arcs only: check the rest with latest[] in O(1).
		nextLoc := veh.End
		if k < n {
			nextLoc = p.Jobs[r.jobs[k]].Loc
			arr := t + p.Time[loc*p.N+nextLoc]
			if arr > r.latest[k] {
				return 0, false
			}
		} else if t+p.Time[loc*p.N+veh.End] > veh.Close {
			return 0, false
		}
		d := arc + p.Cost[loc*p.N+nextLoc] + s.jobCost(j, r.v, 0)
		if n == 0 {
			d += p.VehicleCost // an empty route costs nothing, not even its depot arc
		} else {
			d -= p.Cost[prevLoc*p.N+nextLoc]
		}
		return d, true
	}

	// Time-dependent costs: a cheap necessary condition first — arriving at
	// the next located job after its latest start is hopeless (the places
	// after it do not change, so its bound still holds) — then replay the
	// rest of the route until its schedule stops moving.
	if k < n {
		if nl := p.Jobs[r.jobs[k]].Loc; nl >= 0 && t+p.Time[loc*p.N+nl] > r.latest[k] {
			return 0, false
		}
	}
	newAcc := prevAcc + arc + s.jobCost(j, r.v, t-job.Service)
	firstJob, firstStart := j, t-job.Service // the new route's first job, for balance
	if k > 0 {
		firstJob, firstStart = r.jobs[0], r.start[0]
	}
	for m := k; m < n; m++ {
		o := r.jobs[m]
		oj := &p.Jobs[o]
		nl := loc
		if oj.Loc >= 0 {
			t += p.Time[loc*p.N+oj.Loc]
			newAcc += p.Cost[loc*p.N+oj.Loc]
			nl = oj.Loc
		}
		if t < oj.Ready {
			t = oj.Ready
		}
		if t > s.lim[o] {
			return 0, false
		}
		if t == r.start[m] && nl == r.loc[m] {
			// Same start, same place: everything after m is as before, and
			// so is the return; only a new first job moves the departure.
			d := newAcc + s.jobCost(o, r.v, t) - r.acc[m]
			if p.BalanceWeight > 0 && k == 0 {
				old := s.duration(r.v, r.start[0], r.jobs[0], r.ret)
				nw := s.duration(r.v, firstStart, firstJob, r.ret)
				d += p.BalanceWeight * (nw*nw - old*old)
			}
			return d, true
		}
		newAcc += s.jobCost(o, r.v, t)
		t += oj.Service
		loc = nl
	}
	ret := t + p.Time[loc*p.N+veh.End]
	if ret > veh.Close {
		return 0, false
	}
	total := newAcc + p.Cost[loc*p.N+veh.End] + p.VehicleCost
	if p.BalanceWeight > 0 {
		d := s.duration(r.v, firstStart, firstJob, ret)
		total += p.BalanceWeight * d * d
	}
	return total - r.cost, true
}
