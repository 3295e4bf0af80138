// Package exact finds the optimal route of one vehicle by dynamic
// programming over the subsets of its jobs. It is exponential (2^n subsets),
// so it only takes small rounds — at most MaxJobs jobs the vehicle could
// serve — but what it returns is a proven optimum of solver.Evaluate's
// objective. Tests use it to check that the heuristic solver finds the best
// round on small instances; the planner may use it directly on a short round.
//
// It supports every rule of solver.Evaluate except the two whose cost can
// fall as the day goes on (Job.TargetWeight, Problem.BalanceWeight): with
// them the dominance between partial routes that makes the method fast is no
// longer exact, and Solve refuses them with ErrUnsupported rather than return
// a wrong "optimum".
package exact
