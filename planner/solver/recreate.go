package solver

import (
	"cmp"
	"math"
	"slices"
)

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
	// The jobs that fit nowhere stay in abs, compacted in place: the write
	// index never passes the read one.
	left := abs[:0]
	if len(s.tried) != len(p.Vehicles) {
		s.tried = make([]bool, len(p.Vehicles))
	}
	triedEmpty := s.tried
	// On plain problems, in the hotter part of a run (narrow), a job first
	// tries the routes that serve one of its nearRoutes nearest jobs (and
	// the empty ones): its best position is almost always next to a
	// neighbour. The other routes are scanned only when these give nothing
	// or only an empty route.
	var near []bool
	var where []int
	if s.narrow {
		// The ruin just mapped this state's jobs: no need to do it again.
		where = s.where
		if s.located != st {
			where = s.locate(st)
		}
		s.located = nil
		if len(s.near) != len(p.Vehicles) {
			s.near = make([]bool, len(p.Vehicles))
		}
		near = s.near
	}
	for _, j := range abs {
		bestR, bestK, bestD := -1, 0, math.Inf(1)
		clear(triedEmpty)
		if near != nil {
			clear(near)
			adj := s.adj[j]
			for _, c := range adj[1:min(len(adj), nearRoutes+1)] {
				if v := where[c]; v >= 0 {
					near[v] = true
				}
			}
		}
		for pass := 0; pass < 2; pass++ {
			if pass == 1 && (near == nil || (bestR >= 0 && len(st.routes[bestR].jobs) > 0)) {
				break
			}
			for v, r := range st.routes {
				if len(r.jobs) == 0 {
					if pass == 1 || triedEmpty[s.class[v]] {
						continue
					}
					triedEmpty[s.class[v]] = true
				} else if near != nil && near[v] != (pass == 0) {
					continue
				}
				if !s.fits(r, j) {
					continue
				}
				k := 0
				if s.monotone {
					k = s.firstWindowPosition(r, j)
				}
				if s.plain {
					if bk, bd := s.scanPlain(r, j, k, bestD); bk >= 0 {
						bestR, bestK, bestD = v, bk, bd
					}
					continue
				}
				for ; k <= len(r.jobs); k++ {
					if s.skip--; s.skip < 0 {
						s.skip = s.nextBlink()
						continue
					}
					if k > 0 && r.dep[k-1] > s.lim[j] {
						break // every later position starts even later
					}
					// Where only arcs cost, most positions lose on the arcs
					// alone: no need to check their windows.
					if !s.timeCosts && s.arcDelta(r, j, k) >= bestD {
						continue
					}
					d, ok := s.insertDelta(r, j, k)
					if ok && d < bestD {
						bestR, bestK, bestD = v, k, d
					}
				}
			}
			if near == nil {
				break
			}
		}
		if bestR < 0 {
			left = append(left, j)
			continue
		}
		r := s.mut(st, bestR)
		r.jobs = slices.Insert(r.jobs, bestK, j)
		s.recompute(r)
		if where != nil {
			where[j] = bestR
		}
	}
	st.absent = left
	if s.hasGroups {
		s.closeGroups(st)
		s.dropIdleClosers(st)
	}
}

// scanPlain is the position scan of recreate where a route costs its arcs
// alone (plain): the same blinks, the same sums in the same order and the
// same window checks as arcDelta and insertDelta, in one loop without the
// rank, group and time-cost branches that cannot apply. It returns the
// best position from k on that beats bestD, or -1. Most of a search's time
// goes here.
func (s *search) scanPlain(r *route, j, k int, bestD float64) (int, float64) {
	p := s.p
	job := &p.Jobs[j]
	veh := &p.Vehicles[r.v]
	n, nn, loc := len(r.jobs), p.N, job.Loc
	from := p.Cost[loc*nn : loc*nn+nn]
	fromT := p.Time[loc*nn : loc*nn+nn]
	lim, ready, service := s.lim[j], job.Ready, job.Service
	bestK := -1
	for ; k <= n; k++ {
		if s.skip--; s.skip < 0 {
			s.skip = s.nextBlink()
			continue
		}
		prev, dep := veh.Start, veh.Open
		if k > 0 {
			prev, dep = r.loc[k-1], r.dep[k-1]
			if dep > lim {
				break // every later position starts even later
			}
		}
		next := veh.End
		if k < n {
			next = r.loc[k]
		}
		d := p.Cost[prev*nn+loc] + from[next]
		if n == 0 {
			d += p.VehicleCost
		} else {
			d -= p.Cost[prev*nn+next]
		}
		if d >= bestD {
			continue
		}
		t := dep + p.Time[prev*nn+loc]
		if t < ready {
			t = ready
		}
		if t > lim {
			continue
		}
		t += service
		if k < n {
			if t+fromT[next] > r.latest[k] {
				continue
			}
		} else if t+fromT[veh.End] > veh.Close {
			continue
		}
		bestK, bestD = k, d
	}
	return bestK, bestD
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
		r = s.mut(st, v)
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

// firstWindowPosition skips, where only arcs cost, the positions of r that
// cannot take j for its window alone: before position k, j would finish no
// earlier than Ready+Service, so a job whose latest start is earlier than
// that cannot follow it. With nonnegative times latest[] and dep[] never
// decrease along a route, so binary searches find the first position worth
// checking without pricing the ones before it. It stops at the position
// where the scan would break (departure after j's limit) and spends the
// blinks of the positions it passes, so the search makes exactly the same
// choices, only faster: on tight windows most positions go this way.
func (s *search) firstWindowPosition(r *route, j int) int {
	job := &s.p.Jobs[j]
	n := len(r.jobs)
	earliest := job.Ready + job.Service
	lo, hi := 0, n // first k < n with latest[k] >= earliest, else n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.latest[m] < earliest {
			lo = m + 1
		} else {
			hi = m
		}
	}
	// The scan breaks at the first k >= 1 with dep[k-1] > lim: it must
	// still reach that position.
	b, e := 0, lo
	for b < e {
		m := int(uint(b+e) >> 1)
		if r.dep[m] > s.lim[j] {
			e = m
		} else {
			b = m + 1
		}
	}
	k := min(lo, b+1)
	s.skipPositions(k)
	return k
}

// skipPositions spends the blink countdown of m positions passed over, as
// the scan would have one position at a time.
func (s *search) skipPositions(m int) {
	for m > 0 {
		if s.skip >= m {
			s.skip -= m
			return
		}
		m -= s.skip + 1
		s.skip = s.nextBlink()
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
