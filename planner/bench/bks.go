package bench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// BKS is one best-known value of a table in shared/bench.
type BKS struct {
	// Vehicles of the best-known solution; 0 when the table has none.
	Vehicles int
	// Distance of the best-known solution, meaningful only if HasDistance:
	// some Solomon instances have no value (their route file is missing).
	Distance    float64
	HasDistance bool
	// Source says where the value comes from.
	Source string
}

// ReadBKS reads a best-known value table, a csv file with the columns
// instance, vehicles, distance, source (in any order, with that header).
// Keys are the instance names in lower case (Lookup finds them from any
// case). Empty vehicles or distance cells mean the value is unknown.
func ReadBKS(path string) (map[string]BKS, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readBKS(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Lookup returns the value for an instance name, whatever its case (the
// Solomon files say "R101", the tables "r101").
func Lookup(table map[string]BKS, instance string) (BKS, bool) {
	b, ok := table[strings.ToLower(instance)]
	return b, ok
}

func readBKS(r io.Reader) (map[string]BKS, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty file")
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, want := range []string{"instance", "vehicles", "distance", "source"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("line 1: no %q column (want instance,vehicles,distance,source)", want)
		}
	}
	m := map[string]BKS{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			return nil, fmt.Errorf("line %d: %d fields, the header has %d", line, len(rec), len(head))
		}
		name := strings.ToLower(strings.TrimSpace(rec[col["instance"]]))
		if name == "" {
			return nil, fmt.Errorf("line %d: no instance name", line)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("line %d: instance %s listed twice", line, name)
		}
		b := BKS{Source: rec[col["source"]]}
		if s := strings.TrimSpace(rec[col["vehicles"]]); s != "" {
			if b.Vehicles, err = parseCount(s); err != nil {
				return nil, fmt.Errorf("line %d: vehicles: %v", line, err)
			}
		}
		if s := strings.TrimSpace(rec[col["distance"]]); s != "" {
			if b.Distance, err = parseNumber(s); err != nil || b.Distance < 0 {
				return nil, fmt.Errorf("line %d: distance %q is not a number ≥ 0", line, clip(s))
			}
			b.HasDistance = true
		}
		m[name] = b
	}
}

// ReadRoutes reads a solution file in the SINTEF format:
//
//	Instance name : R101
//	…
//	Solution
//	Route 1 : 2 21 73 41 56 4
//	Route 2 : 5 83 61 85 37 93
//
// and returns the routes as customer ids (leading zeros, as in "002", are
// allowed). Every other line (the header, blank lines) is ignored.
func ReadRoutes(r io.Reader) ([][]int, error) {
	lr := newLines(r)
	var routes [][]int
	for lr.next() {
		line := lr.text()
		head, rest, ok := strings.Cut(line, ":")
		if f := strings.Fields(head); !ok || len(f) == 0 || !strings.EqualFold(f[0], "route") {
			continue
		}
		var route []int
		for _, f := range strings.Fields(rest) {
			id, err := strconv.Atoi(f)
			if err != nil || id < 0 {
				return nil, lr.errorf("customer id %q is not a whole number ≥ 0", clip(f))
			}
			route = append(route, id)
		}
		routes = append(routes, route)
	}
	if err := lr.err(); err != nil {
		return nil, err
	}
	if len(routes) == 0 {
		return nil, errors.New("no \"Route n : …\" line")
	}
	return routes, nil
}
