package solver

import (
	"math"
	"slices"
)

// ruin removes strings of consecutive jobs from routes near a random seed job.
func (s *search) ruin(st *state) {
	served, total := 0, 0
	where := s.locate(st)
	for _, r := range st.routes {
		if len(r.jobs) > 0 {
			served++
			total += len(r.jobs)
		}
	}
	if served == 0 {
		return
	}
	lsMax := math.Min(maxString, float64(total)/float64(served))
	ksMax := 4*s.cbar/(1+lsMax) - 1
	ks := int(s.rng.Float64()*ksMax) + 1
	if len(s.prior) != len(s.p.Jobs) {
		s.prior = make([]bool, len(s.p.Jobs))
	}
	clear(s.prior)
	missing := s.missing[:0]
	defer func() { s.missing = missing[:0] }()
	for _, j := range st.absent {
		s.prior[j] = true
		if !s.p.Jobs[j].Optional {
			missing = append(missing, j)
		}
	}
	// Seed: a random served job; or, a quarter of the time while a required job is
	// left out, the served job nearest to one of them, so the ruin opens
	// room where the missing job has to fit.
	seed := -1
	if len(missing) > 0 && s.rng.IntN(4) == 0 {
		a := missing[s.rng.IntN(len(missing))]
		for _, c := range s.adj[a] {
			if where[c] >= 0 {
				seed = c
				break
			}
		}
	}
	for seed < 0 {
		if c := s.rng.IntN(len(s.p.Jobs)); where[c] >= 0 {
			seed = c
		}
	}
	if len(s.ruined) != len(st.routes) {
		s.ruined = make([]bool, len(st.routes))
	}
	ruined, nRuined := s.ruined, 0
	clear(ruined)
	for _, c := range s.adj[seed] {
		if nRuined >= ks {
			break
		}
		v := where[c]
		if v < 0 || ruined[v] {
			continue
		}
		r := s.mut(st, v)
		ltMax := math.Min(float64(len(r.jobs)), lsMax)
		lt := int(s.rng.Float64()*ltMax) + 1
		pos := slices.Index(r.jobs, c)
		var gone []int
		if s.rng.Float64() < splitRate || lt >= len(r.jobs) {
			gone = s.removeString(r, pos, lt)
		} else {
			gone = s.removeSplit(r, pos, lt)
		}
		if s.hasGroups {
			gone = s.withGroup(r, gone)
		}
		for _, j := range gone {
			where[j] = -1
		}
		st.absent = append(st.absent, gone...)
		s.recompute(r)
		ruined[v] = true
		nRuined++
	}
	s.located = st
}

// locate maps each job to its route, -1 when absent.
func (s *search) locate(st *state) []int {
	if len(s.where) != len(s.p.Jobs) {
		s.where = make([]int, len(s.p.Jobs))
	}
	where := s.where
	for i := range where {
		where[i] = -1
	}
	for v, r := range st.routes {
		for _, j := range r.jobs {
			where[j] = v
		}
	}
	return where
}

// withGroup keeps precedence whole: a route that loses the job closing a
// group (the lab stop) loses the jobs that needed it too (its blood draws).
func (s *search) withGroup(r *route, gone []int) []int {
	for _, j := range gone {
		g := s.p.Jobs[j].After
		if g == 0 {
			continue
		}
		r.jobs = slices.DeleteFunc(r.jobs, func(o int) bool {
			if s.p.Jobs[o].Before == g {
				gone = append(gone, o)
				return true
			}
			return false
		})
	}
	return gone
}

// dropIdleClosers takes out optional closing jobs that close nothing in
// their route when that saves cost: a lab stop with no blood drawn before
// it is usually a detour for nothing (recreate inserts closers first, so
// without this they would stay).
func (s *search) dropIdleClosers(st *state) {
	for v, r := range st.routes {
		for _, j := range r.jobs {
			job := &s.p.Jobs[j]
			if job.After == 0 || !job.Optional {
				continue
			}
			if slices.ContainsFunc(r.jobs, func(o int) bool { return s.p.Jobs[o].Before == job.After }) {
				continue
			}
			without := &route{v: r.v, jobs: slices.DeleteFunc(slices.Clone(r.jobs), func(o int) bool { return o == j }), refs: 1}
			s.recompute(without)
			if without.cost <= r.cost {
				if r.refs--; r.refs == 0 {
					s.free = append(s.free, r)
				}
				st.routes[v] = without
				st.absent = append(st.absent, j)
			}
			break
		}
	}
}

// removeString cuts l consecutive jobs containing position pos.
func (s *search) removeString(r *route, pos, l int) []int {
	lo := pos - s.rng.IntN(l)
	lo = max(0, min(lo, len(r.jobs)-l))
	gone := append(s.gone[:0], r.jobs[lo:lo+l]...)
	s.gone = gone
	r.jobs = slices.Delete(r.jobs, lo, lo+l)
	return gone
}

// removeSplit cuts a string of l+m jobs around pos but keeps m consecutive
// ones in it, which opens slack without emptying the whole stretch.
func (s *search) removeSplit(r *route, pos, l int) []int {
	m := 1
	for l+m < len(r.jobs) && s.rng.Float64() < splitDepth {
		m++
	}
	if l+m > len(r.jobs) {
		return s.removeString(r, pos, min(l, len(r.jobs)))
	}
	span := l + m
	lo := pos - s.rng.IntN(span)
	lo = max(0, min(lo, len(r.jobs)-span))
	keepAt := lo + s.rng.IntN(l+1) // kept block starts here, inside the span
	gone := s.gone[:0]
	for i := lo; i < lo+span; i++ {
		if i < keepAt || i >= keepAt+m {
			gone = append(gone, r.jobs[i])
		}
	}
	s.gone = gone
	// The kept block moves to lo, the rest of the span goes.
	copy(r.jobs[lo:], r.jobs[keepAt:keepAt+m])
	r.jobs = slices.Delete(r.jobs, lo+m, lo+span)
	return gone
}
