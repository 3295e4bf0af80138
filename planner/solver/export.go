package solver

// InsertionDelta returns what inserting job j before position k of route v
// would change in the total cost, and false when it would break a hard
// constraint. The planner uses it to propose moving a visit to a colleague;
// tests use it to hold the fast checks to the reference evaluator.
func InsertionDelta(p *Problem, routes [][]int, v, j, k int) (float64, bool) {
	s := newSearch(p, 0)
	r := &route{v: v, jobs: routes[v]}
	s.recompute(r)
	if !s.fits(r, j) {
		return 0, false
	}
	return s.insertDelta(r, j, k)
}
