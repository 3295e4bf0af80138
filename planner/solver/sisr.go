package solver

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// SISR parameters (Christiaens & Vanden Berghe, "Slack Induction by String
// Removals for Vehicle Routing Problems", Transportation Science 54(2), 2020):
// average removed customers c̄, maximum string length, split rate and depth,
// blink rate.
const (
	avgRemoved  = 10
	maxString   = 10
	splitRate   = 0.5
	splitDepth  = 0.01
	blinkRate   = 0.01
	defaultIter = 20_000
	dpLabels    = 50_000 // labels kept per DP stage before it turns heuristic
	// restarts is how many independent annealing runs share the budget on
	// arcs-only problems. On Solomon C1/R1/RC1 at 40,000 iterations, the
	// mean gap over six seeds went from 0.63 % (one run) to 0.55 % (two);
	// three runs were no better than one.
	restarts = 2
	// plainStartTemp and plainEndTemp replace 1 and 0.01 (times the mean
	// arc) where a route costs its arcs alone: a cooler start and a warmer
	// end. On the 29 Solomon C1/R1/RC1 at 70,000 iterations the mean gap
	// over seeds 1–6 went from +0.40 % to +0.30 % (1–12: +0.29 %); 0.3 →
	// 0.05 did as well (+0.29 %), 0.2, 1 or 2 → 0.05 and 0.3 → 0.04 or
	// 0.07 worse (+0.32 to +0.41 %, seeds 1–3). Nurse days, whose costs
	// are not arcs alone, keep 1 → 0.01.
	plainStartTemp = 0.5
	plainEndTemp   = 0.05
	// nearRoutes: on plain problems, how many nearest jobs pick the routes
	// an insertion tries first (0: every route). On the 29 Solomon
	// C1/R1/RC1 at 80,000 iterations (seeds 1–6) the mean gap was +0.331 %
	// with every route, +0.325 % with 10, +0.327 % with 20 and +0.423 %
	// with 5, and 10 takes about a quarter less CPU per iteration: more
	// iterations in the same second.
	nearRoutes = 10
	// narrowUntil is the share of each annealing run that inserts with
	// nearRoutes; the cooler rest scans every route, where the last
	// improvements often lie in a route no neighbour is in. With
	// nearRoutes throughout, 10 s runs lost reach (seed 2: +0.04 % →
	// +0.11 %); with the first half only, +0.03 % and +0.08 % (seeds 1,
	// 2), and at 100,000 iterations +0.240 % over seeds 1–6 instead of
	// +0.309 % (throughout).
	narrowUntil = 0.5
)

// search is the state of one run.
type search struct {
	p   *Problem
	rng *rand.Rand

	blink     float64
	cbar      float64
	lim       []float64 // per job: latest start its window tolerates
	skip      int       // positions left before the next blink
	timeCosts bool      // lateness, targets, balance or breaks: insertion replays the route
	// monotone: only arcs cost and no travel time is negative, so along a
	// route departures and latest starts never decrease (recreate then
	// skips the positions a window rules out by binary search).
	monotone bool
	// plain: monotone, and a route's cost is its arcs alone (arcsOnly,
	// every job at a place, no preferred vehicle, no window before time
	// 0): recreate then prices positions with scanPlain.
	plain bool
	// tentative lets recreate place a job before its group's closing job
	// is in the route: closers go in last, after the jobs they close, and
	// closeGroups takes out what stayed unclosed.
	tentative bool
	hasGroups bool
	adj       [][]int   // per job: the other jobs by increasing distance
	depotDist []float64 // per job: distance from the first vehicle's depot
	// classes of identical vehicles: only one empty route per class is tried.
	class []int

	where []int // scratch: job → route, -1 when absent
	// located is the state where maps, set by the ruin for the recreate
	// that follows it (nil otherwise).
	located *state
	prior   []bool // scratch: jobs already absent before this iteration's ruin
	ruined  []bool // scratch: per route
	tried   []bool // scratch: per vehicle class
	narrow  bool   // recreate tries the routes near each job first (nearRoutes)
	near    []bool // scratch: per route, serves a neighbour of the job to insert
	// scratch job lists of the ruin: required jobs left out, jobs of one
	// removal (copied to the state's absent list before the next).
	missing, gone []int

	free  []*route // routes of rejected candidates, reused by mut
	spare *state   // the last rejected candidate, reused by fork
}

type state struct {
	routes []*route // each holds one reference (route.refs) per state that lists it
	absent []int    // jobs not in any route
	cost   float64
}

// fork returns a state sharing every route with st; mut clones a route the
// first time it changes while another state still lists it, so an
// iteration copies only the routes it touches. Routes count the states
// that list them: release hands back a dropped state's routes that no
// other state lists, and fork and mut reuse them with the state of the
// last rejected candidate, so the search allocates next to nothing per
// iteration, accepted candidates included (on Solomon instances most
// iterations are accepted: without this, the routes they replace were
// garbage, about 12 allocations per iteration).
func (s *search) fork(st *state) *state {
	c := s.spare
	s.spare = nil
	if c == nil {
		c = &state{}
	}
	c.routes = append(c.routes[:0], st.routes...)
	for _, r := range c.routes {
		r.refs++
	}
	c.absent = append(c.absent[:0], st.absent...)
	c.cost = st.cost
	return c
}

// mut returns route v of st, cloned first when another state lists it.
func (s *search) mut(st *state, v int) *route {
	if r := st.routes[v]; r.refs > 1 {
		var into *route
		if n := len(s.free); n > 0 {
			into, s.free = s.free[n-1], s.free[:n-1]
		}
		r.refs--
		c := r.cloneInto(into)
		c.refs = 1
		st.routes[v] = c
	}
	return st.routes[v]
}

// release drops st: the routes no other state lists go back to the free
// list, and st itself becomes the next fork.
func (s *search) release(st *state) {
	for _, r := range st.routes {
		if r.refs--; r.refs == 0 {
			s.free = append(s.free, r)
		}
	}
	s.spare = st
}

func (s *search) total(st *state) float64 {
	c := 0.0
	for _, r := range st.routes {
		c += r.cost
	}
	for _, j := range st.absent {
		c += s.p.Jobs[j].MissCost()
	}
	return c
}

// Solve runs the search and returns the best solution found. It never
// returns a solution that breaks a hard constraint: jobs that fit nowhere are
// left in Unassigned.
func Solve(p *Problem, opt Options) (Solution, error) {
	if err := p.Validate(); err != nil {
		return Solution{}, err
	}
	s := newSearch(p, opt.Seed)
	s.prepare()
	s.blink = blinkRate
	s.skip = s.nextBlink()
	s.cbar = avgRemoved
	if opt.AvgRemoved > 0 {
		s.cbar = opt.AvgRemoved
	}
	if opt.BlinkRate > 0 {
		s.blink = opt.BlinkRate
	}
	cur := s.initial(opt.Initial)
	deadline := time.Time{}
	started := time.Now()
	if opt.TimeLimit > 0 {
		deadline = started.Add(opt.TimeLimit)
	}
	// A single vehicle with hard windows: the window DP often proves the
	// optimum outright, and otherwise gives the search a better start.
	dpDeadline := time.Time{}
	if opt.TimeLimit > 0 {
		dpDeadline = started.Add(opt.TimeLimit / 2)
	}
	if route, optimal, ok := s.windowDP(dpLabels, dpDeadline); ok {
		if st := s.stateOf([][]int{route}); st.cost <= cur.cost {
			cur = st
			if optimal {
				return s.solution(cur)
			}
		}
	}
	best := s.fork(cur)

	maxIter := opt.MaxIterations
	if maxIter <= 0 && opt.TimeLimit <= 0 {
		maxIter = defaultIter
	}
	t0, tf := s.temperatures(cur, opt)
	// Where a route costs its arcs only (the benchmarks), the budget is
	// split between independent runs from the same start: one annealing
	// often settles in a basin it cannot leave (a route more or less than
	// the optimum), and two half-length runs measured better than one
	// (see restarts).
	runs, run := 1, 0
	if s.arcsOnly() {
		runs = restarts
	}
	start := s.fork(cur)
	it := 0
	if len(p.Jobs) > 0 {
		for ; ; it++ {
			// Progress in [0,1] drives the cooling: by iterations when that is
			// the budget (reproducible), else by the clock.
			var progress float64
			if maxIter > 0 {
				if it >= maxIter {
					break
				}
				progress = float64(it) / float64(maxIter)
			}
			if !deadline.IsZero() {
				now := time.Now()
				if !now.Before(deadline) {
					break
				}
				if maxIter == 0 {
					progress = float64(now.Sub(started)) / float64(opt.TimeLimit)
				}
			}
			// Past its share of the budget a run hands over to the next,
			// which starts again from the start with the full cooling.
			if runs > 1 {
				ph := min(int(progress*float64(runs)), runs-1)
				if ph != run {
					s.release(cur)
					run, cur = ph, s.fork(start)
				}
				progress = progress*float64(runs) - float64(ph)
			}
			temp := t0 * math.Pow(tf/t0, progress)
			s.narrow = s.plain && nearRoutes > 0 && progress < narrowUntil
			cand := s.fork(cur)
			s.ruin(cand)
			s.recreate(cand)
			cand.cost = s.total(cand)
			if cand.cost < cur.cost-temp*math.Log(s.rng.Float64()) {
				s.release(cur)
				cur = cand
				if cur.cost < best.cost {
					s.release(best)
					best = s.fork(cur)
				}
			} else {
				s.release(cand)
			}
		}
	}
	sol, err := s.solution(s.polish(best))
	sol.Iterations = it
	return sol, err
}

func newSearch(p *Problem, seed uint64) *search {
	s := &search{p: p, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	s.hasGroups = false
	s.timeCosts = p.BalanceWeight > 0
	for _, j := range p.Jobs {
		if j.Soft || j.TargetWeight > 0 || j.Loc < 0 {
			s.timeCosts = true
		}
		if j.Before != 0 || j.After != 0 {
			s.hasGroups = true
		}
	}
	s.monotone = !s.timeCosts && !slices.ContainsFunc(p.Time, func(t float64) bool { return t < 0 })
	s.plain = s.monotone && s.arcsOnly() && !slices.ContainsFunc(p.Jobs, func(j Job) bool {
		return j.Loc < 0 || j.Due < 0 || j.PreferredWeight > 0
	})
	n := len(p.Jobs)
	s.lim = make([]float64, n)
	for j := range n {
		s.lim[j] = s.limit(j)
	}
	return s
}

// prepare computes what only the search needs: neighbour lists for the
// ruin, depot distances for the insertion orders, identical-vehicle classes.
func (s *search) prepare() {
	p := s.p
	n := len(p.Jobs)
	s.adj = make([][]int, n)
	s.depotDist = make([]float64, n)
	dist := func(a, b int) float64 {
		la, lb := p.Jobs[a].Loc, p.Jobs[b].Loc
		if la < 0 || lb < 0 {
			return math.Inf(1)
		}
		return p.Cost[la*p.N+lb]
	}
	for i := range n {
		o := make([]int, 0, n)
		for j := range n {
			o = append(o, j) // i itself sorts first (distance 0)
		}
		slices.SortStableFunc(o, func(a, b int) int {
			if a == i {
				return -1
			}
			if b == i {
				return 1
			}
			return cmp.Compare(dist(i, a), dist(i, b))
		})
		s.adj[i] = o
		if l := p.Jobs[i].Loc; l >= 0 {
			s.depotDist[i] = p.Cost[p.Vehicles[0].Start*p.N+l]
		}
	}
	s.class = make([]int, len(p.Vehicles))
	for v := range p.Vehicles {
		s.class[v] = v
		for u := range v {
			if p.Vehicles[u] == p.Vehicles[v] {
				s.class[v] = s.class[u]
				break
			}
		}
	}
}

// temperatures scale the annealing to the problem: the paper's 100 → 1 suits
// Solomon distances; here both are a multiple of the mean arc of the start
// solution, so minutes and kilometres behave alike.
func (s *search) temperatures(st *state, opt Options) (float64, float64) {
	// The scale is the mean travel arc of the start solution. Where
	// lateness is priced, a minute late costs LatenessWeight: the scale
	// grows so that trading a minute or two of lateness for a better order
	// stays possible early on (a travel-only scale freezes the search; the
	// mean cost per arc, lateness included, boils it).
	p := s.p
	arcs, cost := 0, 0.0
	for _, r := range st.routes {
		if len(r.jobs) == 0 {
			continue
		}
		prev := p.Vehicles[r.v].Start
		for _, j := range r.jobs {
			if l := p.Jobs[j].Loc; l >= 0 {
				cost += p.Cost[prev*p.N+l]
				prev = l
				arcs++
			}
		}
		cost += p.Cost[prev*p.N+p.Vehicles[r.v].End]
		arcs++
	}
	mean := 1.0
	if arcs > 0 && cost > 0 {
		mean = cost / float64(arcs)
	}
	if p.LatenessWeight > 10 {
		mean *= p.LatenessWeight / 10
	}
	hi, lo := opt.StartTemp, opt.EndTemp
	if hi <= 0 {
		hi = 1
		if s.plain {
			hi = plainStartTemp
		}
	}
	if lo <= 0 {
		lo = 0.01
		if s.plain {
			lo = plainEndTemp
		}
	}
	return hi * mean, lo * mean
}

// initial builds the start: the given solution when valid, then every
// remaining job inserted greedily.
func (s *search) initial(init *Solution) *state {
	st := &state{routes: make([]*route, len(s.p.Vehicles))}
	for v := range st.routes {
		st.routes[v] = &route{v: v, refs: 1}
	}
	placed := make([]bool, len(s.p.Jobs))
	if init != nil && len(init.Routes) == len(s.p.Vehicles) {
		if _, err := Evaluate(s.p, init.Routes); err == nil {
			for v, r := range init.Routes {
				st.routes[v].jobs = append([]int(nil), r...)
				for _, j := range r {
					placed[j] = true
				}
			}
		}
	}
	for _, r := range st.routes {
		s.recompute(r)
	}
	for j, ok := range placed {
		if !ok {
			st.absent = append(st.absent, j)
		}
	}
	s.recreate(st)
	st.cost = s.total(st)
	return st
}

// stateOf builds a state from routes already known to be feasible.
func (s *search) stateOf(routes [][]int) *state {
	st := &state{routes: make([]*route, len(s.p.Vehicles))}
	in := make([]bool, len(s.p.Jobs))
	for v := range st.routes {
		st.routes[v] = &route{v: v, jobs: slices.Clone(routes[v]), refs: 1}
		s.recompute(st.routes[v])
		for _, j := range routes[v] {
			in[j] = true
		}
	}
	for j, ok := range in {
		if !ok {
			st.absent = append(st.absent, j)
		}
	}
	st.cost = s.total(st)
	return st
}

// solution converts the internal state and checks it with the reference
// evaluator, so a bug in the fast checks cannot reach a nurse.
func (s *search) solution(st *state) (Solution, error) {
	sol := Solution{Routes: make([][]int, len(st.routes)), Unassigned: slices.Clone(st.absent)}
	for v, r := range st.routes {
		sol.Routes[v] = slices.Clone(r.jobs)
	}
	slices.Sort(sol.Unassigned)
	c, err := Evaluate(s.p, sol.Routes)
	if err != nil {
		return sol, err
	}
	sol.Cost = c
	return sol, nil
}
