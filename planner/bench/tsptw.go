package bench

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// dumasEnd is the id of the row that closes a Dumas node list.
const dumasEnd = 999

// ReadDumas reads a Dumas et al. TSPTW instance: an optional "!! name …"
// header line (its numbers are not a best-known value), column headings,
// then Solomon-like rows — id, x, y, demand, ready, due, service — from the
// depot, node 1, whose due date is the latest return, to the row 999 that
// ends the list. The result has one vehicle of unlimited capacity and the
// TruncInt arc convention. A list without its 999 row is reported as
// truncated; anything after it is ignored.
func ReadDumas(r io.Reader) (*Instance, error) {
	in := &Instance{Vehicles: 1, Arcs: TruncInt}
	lr := newLines(r)
	rows := newRowSet()
	blank, ended := true, false
	for !ended && lr.next() {
		line := lr.text()
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		switch {
		case blank && strings.HasPrefix(line, "!!"):
			// "!! n20w20.001    16.75 391"; "!!n20w20.001" is tolerated.
			if name := strings.TrimSpace(strings.TrimPrefix(f[0], "!!")); name != "" {
				in.Name = name
			} else if len(f) > 1 {
				in.Name = f[1]
			}
		case len(rows.nodes) == 0 && isHeading(f[0]):
			// Column headings before the first row.
		case f[0] == fmt.Sprint(dumasEnd):
			ended = true
		default:
			if err := rows.add(f, lr.n, 1); err != nil {
				return nil, err
			}
		}
		blank = false
	}
	if err := lr.err(); err != nil {
		return nil, err
	}
	if blank {
		return nil, errors.New("empty file")
	}
	if err := rows.finish(lr.n); err != nil {
		return nil, err
	}
	if !ended {
		return nil, fmt.Errorf("line %d: no end row %d: the file looks truncated", lr.n, dumasEnd)
	}
	in.Nodes = rows.nodes
	return in, nil
}
