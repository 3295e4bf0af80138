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
	// tentative lets recreate place a job before its group's closing job
	// is in the route: closers go in last, after the jobs they close, and
	// closeGroups takes out what stayed unclosed.
	tentative bool
	hasGroups bool
	adj       [][]int   // per job: the other jobs by increasing distance
	depotDist []float64 // per job: distance from the first vehicle's depot
	// classes of identical vehicles: only one empty route per class is tried.
	class []int

	where  []int  // scratch: job → route, -1 when absent
	prior  []bool // scratch: jobs already absent before this iteration's ruin
	ruined []bool // scratch: per route
	tried  []bool // scratch: per vehicle class
}

type state struct {
	routes []*route
	owned  []bool // copy-on-write: routes shared with another state are cloned before a change
	absent []int  // jobs not in any route
	cost   float64
}

// fork returns a state sharing every route with st; mut clones a route the
// first time it changes, so an iteration copies only the routes it touches.
func (st *state) fork() *state {
	c := &state{routes: slices.Clone(st.routes), owned: make([]bool, len(st.routes)), absent: slices.Clone(st.absent), cost: st.cost}
	clear(st.owned) // st's routes are now shared too
	return c
}

func (st *state) mut(v int) *route {
	if !st.owned[v] {
		st.routes[v] = st.routes[v].clone()
		st.owned[v] = true
	}
	return st.routes[v]
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
	best := cur.fork()

	maxIter := opt.MaxIterations
	if maxIter <= 0 && opt.TimeLimit <= 0 {
		maxIter = defaultIter
	}
	t0, tf := s.temperatures(cur, opt)
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
			temp := t0 * math.Pow(tf/t0, progress)
			cand := cur.fork()
			s.ruin(cand)
			s.recreate(cand)
			cand.cost = s.total(cand)
			if cand.cost < cur.cost-temp*math.Log(s.rng.Float64()) {
				cur = cand
				if cur.cost < best.cost {
					best = cur.fork()
				}
			}
		}
	}
	sol, err := s.solution(best)
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
	}
	if lo <= 0 {
		lo = 0.01
	}
	return hi * mean, lo * mean
}

// initial builds the start: the given solution when valid, then every
// remaining job inserted greedily.
func (s *search) initial(init *Solution) *state {
	st := &state{routes: make([]*route, len(s.p.Vehicles)), owned: make([]bool, len(s.p.Vehicles))}
	for v := range st.routes {
		st.routes[v] = &route{v: v}
		st.owned[v] = true
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
	st := &state{routes: make([]*route, len(s.p.Vehicles)), owned: make([]bool, len(s.p.Vehicles))}
	in := make([]bool, len(s.p.Jobs))
	for v := range st.routes {
		st.routes[v] = &route{v: v, jobs: slices.Clone(routes[v])}
		st.owned[v] = true
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
	var missing []int
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
		r := st.mut(v)
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
			without := &route{v: r.v, jobs: slices.DeleteFunc(slices.Clone(r.jobs), func(o int) bool { return o == j })}
			s.recompute(without)
			if without.cost <= r.cost {
				st.routes[v], st.owned[v] = without, true
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
	gone := slices.Clone(r.jobs[lo : lo+l])
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
	var gone, kept []int
	for i := lo; i < lo+span; i++ {
		if i >= keepAt && i < keepAt+m {
			kept = append(kept, r.jobs[i])
		} else {
			gone = append(gone, r.jobs[i])
		}
	}
	rest := append(slices.Clone(r.jobs[:lo]), kept...)
	r.jobs = append(rest, r.jobs[lo+span:]...)
	return gone
}

// recreate inserts the absent jobs one by one at their cheapest position
// (skipping each position with a small "blink" probability), in one of
// several orders drawn at random.
func (s *search) recreate(st *state) {
	p := s.p
	abs := st.absent
	switch w := s.rng.IntN(13); {
	case w < 4:
		s.rng.Shuffle(len(abs), func(i, j int) { abs[i], abs[j] = abs[j], abs[i] })
	case w < 8:
		slices.SortStableFunc(abs, func(a, b int) int { return p.Jobs[b].Demand - p.Jobs[a].Demand })
	case w < 10:
		slices.SortStableFunc(abs, func(a, b int) int { return cmp.Compare(s.depotDist[b], s.depotDist[a]) })
	case w < 11:
		slices.SortStableFunc(abs, func(a, b int) int { return cmp.Compare(s.depotDist[a], s.depotDist[b]) })
	case w < 12:
		slices.SortStableFunc(abs, func(a, b int) int {
			return cmp.Compare(p.Jobs[a].Due-p.Jobs[a].Ready, p.Jobs[b].Due-p.Jobs[b].Ready)
		})
	default:
		slices.SortStableFunc(abs, func(a, b int) int { return cmp.Compare(p.Jobs[a].Ready, p.Jobs[b].Ready) })
	}
	// A quarter of the time, jobs already left out go first: they are the
	// hard ones, and the room the ruin just made is for them.
	if len(s.prior) == len(p.Jobs) && s.rng.IntN(4) == 0 {
		slices.SortStableFunc(abs, func(a, b int) int { return b2i(s.prior[b]) - b2i(s.prior[a]) })
	}
	// Jobs closing a group go last: placed after the jobs they close, a
	// lab stop lands after the blood draws, not at the cheapest spot
	// before them.
	if s.hasGroups {
		slices.SortStableFunc(abs, func(a, b int) int {
			return b2i(p.Jobs[a].After != 0) - b2i(p.Jobs[b].After != 0)
		})
		s.tentative = true
		defer func() { s.tentative = false }()
	}
	var left []int
	if len(s.tried) != len(p.Vehicles) {
		s.tried = make([]bool, len(p.Vehicles))
	}
	triedEmpty := s.tried
	for _, j := range abs {
		bestR, bestK, bestD := -1, 0, math.Inf(1)
		clear(triedEmpty)
		for v, r := range st.routes {
			if len(r.jobs) == 0 {
				if triedEmpty[s.class[v]] {
					continue
				}
				triedEmpty[s.class[v]] = true
			}
			if !s.fits(r, j) {
				continue
			}
			for k := 0; k <= len(r.jobs); k++ {
				if s.skip--; s.skip < 0 {
					s.skip = s.nextBlink()
					continue
				}
				if k > 0 && r.dep[k-1] > s.lim[j] {
					break // every later position starts even later
				}
				d, ok := s.insertDelta(r, j, k)
				if ok && d < bestD {
					bestR, bestK, bestD = v, k, d
				}
			}
		}
		if bestR < 0 {
			left = append(left, j)
			continue
		}
		r := st.mut(bestR)
		r.jobs = slices.Insert(r.jobs, bestK, j)
		s.recompute(r)
	}
	st.absent = left
	if s.hasGroups {
		s.closeGroups(st)
		s.dropIdleClosers(st)
	}
}

// closeGroups takes out of each route the jobs whose closing job it does
// not hold (no lab stop could be placed after these blood draws).
func (s *search) closeGroups(st *state) {
	for v, r := range st.routes {
		open := false
		for _, j := range r.jobs {
			if g := s.p.Jobs[j].Before; g != 0 && !slices.ContainsFunc(r.jobs, func(o int) bool { return s.p.Jobs[o].After == g }) {
				open = true
			}
		}
		if !open {
			continue
		}
		r = st.mut(v)
		r.jobs = slices.DeleteFunc(r.jobs, func(j int) bool {
			g := s.p.Jobs[j].Before
			if g != 0 && !slices.ContainsFunc(r.jobs, func(o int) bool { return s.p.Jobs[o].After == g }) {
				st.absent = append(st.absent, j)
				return true
			}
			return false
		})
		s.recompute(r)
	}
}

// nextBlink draws how many positions pass before the next one is skipped:
// a geometric draw replaces one random number per position.
func (s *search) nextBlink() int {
	if s.blink <= 0 {
		return math.MaxInt
	}
	return int(math.Log(1-s.rng.Float64()) / math.Log(1-s.blink))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
