package bench

import (
	"errors"
	"fmt"
	"strings"
)

// The violations Check reports, to be tested with errors.Is.
var (
	// ErrUnknownNode: a route names an id that is no customer (or the depot).
	ErrUnknownNode = errors.New("unknown customer")
	// ErrDuplicate: a customer is served more than once.
	ErrDuplicate = errors.New("customer served twice")
	// ErrMissing: a customer is in no route (the solver left it out).
	ErrMissing = errors.New("customer not served")
	// ErrCapacity: a route carries more than the vehicle capacity.
	ErrCapacity = errors.New("over capacity")
	// ErrLate: a service starts after its due date, or a route is back at
	// the depot after the depot's due date.
	ErrLate = errors.New("too late")
	// ErrTooManyRoutes: more non-empty routes than the instance's vehicles.
	ErrTooManyRoutes = errors.New("too many routes")
)

// timeSlack forgives the rounding of float sums when an arrival lands
// exactly on a due date under the exact convention; it is far below any
// difference the benchmark data can make (its numbers have ≤ 2 decimals).
const timeSlack = 1e-6

// maxViolations caps how many route violations Check lists: after a late arrival
// every later stop of the route is late too, and a list of hundreds helps
// no one.
const maxViolations = 10

// Check verifies routes — customer ids in visiting order, one slice per
// vehicle, empty ones allowed — against the instance's own numbers, without
// the solver's model: every customer served exactly once, capacity, service
// starting within [ready, due] (arriving early means waiting, leaving at the
// depot's ready time), each route back at the depot by the depot's due date,
// and no more non-empty routes than the instance's vehicles (0: no limit).
//
// distance is the total length of the routes under arcs, computed in route
// order in float64; it is returned also when err != nil (ids that are no
// customer add nothing). err joins the violations found, each wrapping one
// of the Err… values above: missing customers and too many routes always,
// then at most maxViolations violations within routes.
func Check(inst *Instance, arcs Arcs, routes [][]int) (distance float64, err error) {
	if len(inst.Nodes) == 0 {
		return 0, errors.New("instance without a depot")
	}
	index := make(map[int]int, len(inst.Nodes))
	for i, n := range inst.Nodes {
		index[n.ID] = i
	}
	var errs []error
	more := 0
	add := func(e error) {
		if len(errs) < maxViolations {
			errs = append(errs, e)
		} else {
			more++
		}
	}
	served := make([]int, len(inst.Nodes))
	depot := inst.Nodes[0]
	used := 0
	for r, route := range routes {
		if len(route) == 0 {
			continue
		}
		used++
		t, load, prev := depot.Ready, 0, 0
		for _, id := range route {
			i, ok := index[id]
			if !ok || i == 0 {
				what := "not in the instance"
				if ok {
					what = "the depot"
				}
				add(fmt.Errorf("route %d: %w %d (%s)", r+1, ErrUnknownNode, id, what))
				continue
			}
			if served[i]++; served[i] == 2 {
				add(fmt.Errorf("route %d: %w: %d", r+1, ErrDuplicate, id))
			}
			c := &inst.Nodes[i]
			d := inst.arc(arcs, prev, i)
			distance += d
			t += d
			if t > c.Due+timeSlack {
				add(fmt.Errorf("route %d: %w: customer %d reached at %.2f, due by %g", r+1, ErrLate, id, t, c.Due))
			}
			t = max(t, c.Ready) + c.Service
			load += c.Demand
			prev = i
		}
		d := inst.arc(arcs, prev, 0)
		distance += d
		if t += d; t > depot.Due+timeSlack {
			add(fmt.Errorf("route %d: %w: back at the depot at %.2f, due by %g", r+1, ErrLate, t, depot.Due))
		}
		if inst.Capacity > 0 && load > inst.Capacity {
			add(fmt.Errorf("route %d: %w: load %d, capacity %d", r+1, ErrCapacity, load, inst.Capacity))
		}
	}
	// Fleet size and coverage come first, so that the cap on the list of
	// route violations never hides them.
	var global []error
	if inst.Vehicles > 0 && used > inst.Vehicles {
		global = append(global, fmt.Errorf("%w: %d, the instance has %d vehicles", ErrTooManyRoutes, used, inst.Vehicles))
	}
	var missing []string
	for i := 1; i < len(inst.Nodes); i++ {
		if served[i] == 0 {
			missing = append(missing, fmt.Sprint(inst.Nodes[i].ID))
		}
	}
	if len(missing) > 0 {
		list := missing
		if len(list) > 5 {
			list = append(list[:5:5], "…")
		}
		global = append(global, fmt.Errorf("%w: %d customer(s): %s", ErrMissing, len(missing), strings.Join(list, ", ")))
	}
	if more > 0 {
		errs = append(errs, fmt.Errorf("and %d more violation(s)", more))
	}
	return distance, errors.Join(append(global, errs...)...)
}
