package roads

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"

	"tournee/atomicfile"
)

// The routes file is the network in little-endian arrays behind a magic
// line, with a SHA-256 of everything before it as a trailer: a truncated or
// damaged file is refused instead of routing on half a map. OSM data is
// public, so the file is not sealed like the database.
const magic = "tournee-routes v2\n"

// ErrDamaged is a routes file that is truncated, altered or not one.
var ErrDamaged = errors.New("routes file damaged or not a routes file")

// FileFor is the routes file kept beside a database.
func FileFor(dbPath string) string { return dbPath + ".routes" }

type header struct {
	Imported           int64
	MinLon, MinLat     float64
	MaxLon, MaxLat     float64
	Nodes, Edges, Name uint32
	SourceLen, Shapes  uint32
	Turns              uint32
}

// WriteFile stores the network at path atomically: a temporary file in the
// same folder, synced, then renamed over the old one, so a re-import
// replaces the previous network whole or not at all.
func (n *Network) WriteFile(path string) error {
	// What an import killed while writing left behind: a running import
	// writes its file in seconds, so a temporary file of an hour is stale.
	atomicfile.CleanTemps(filepath.Dir(path), tempPattern, time.Hour)
	return atomicfile.Options{Temp: tempPattern}.Replace(path, func(f io.Writer) error {
		h := sha256.New()
		bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
		if err := n.encode(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		_, err := f.Write(h.Sum(nil))
		return err
	})
}

// tempPattern names the temporary files of WriteFile.
const tempPattern = ".routes-*.tmp"

func (n *Network) encode(w io.Writer) error {
	var names bytes.Buffer
	for _, s := range n.names {
		binary.Write(&names, binary.LittleEndian, uint32(len(s)))
		names.WriteString(s)
	}
	h := header{
		Imported: n.Imported.Unix(),
		MinLon:   n.Bound.Min.Lon(), MinLat: n.Bound.Min.Lat(), MaxLon: n.Bound.Max.Lon(), MaxLat: n.Bound.Max.Lat(),
		Nodes: uint32(len(n.lat)), Edges: uint32(len(n.head)), Name: uint32(names.Len()), SourceLen: uint32(len(n.Source)),
		Shapes: uint32(len(n.shapeLat)), Turns: uint32(len(n.turns)),
	}
	parts := []any{h, []byte(n.Source), n.lat, n.lon, n.tail, n.head, n.meters, n.limit[0], n.limit[1], n.name,
		n.rev, n.noSnap, n.shapeFirst, n.shapeLat, n.shapeLon, n.turns, names.Bytes()}
	if _, err := io.WriteString(w, magic); err != nil {
		return err
	}
	for _, p := range parts {
		if err := binary.Write(w, binary.LittleEndian, p); err != nil {
			return err
		}
	}
	return nil
}

// ReadFile loads a routes file written by WriteFile. A missing file is
// fs.ErrNotExist; a damaged one ErrDamaged.
func ReadFile(path string) (*Network, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < len(magic)+sha256.Size || string(b[:len(magic)]) != magic {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), ErrDamaged)
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, fmt.Errorf("%s: %w (checksum)", filepath.Base(path), ErrDamaged)
	}
	n, err := decode(bytes.NewReader(body[len(magic):]))
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v)", filepath.Base(path), ErrDamaged, err)
	}
	return n, nil
}

func decode(r *bytes.Reader) (*Network, error) {
	var h header
	if err := binary.Read(r, binary.LittleEndian, &h); err != nil {
		return nil, err
	}
	// Sizes are checked against what is left before anything is allocated.
	need := int64(h.SourceLen) + int64(h.Nodes)*8 + int64(h.Edges)*(4+4+4+1+1+4+4+1+4) + 4 + int64(h.Shapes)*8 + int64(h.Turns)*8 + int64(h.Name)
	if need != int64(r.Len()) {
		return nil, fmt.Errorf("sizes %d nodes, %d edges do not match the file", h.Nodes, h.Edges)
	}
	n := &Network{
		Imported: time.Unix(h.Imported, 0).UTC(),
		Bound:    orb.Bound{Min: orb.Point{h.MinLon, h.MinLat}, Max: orb.Point{h.MaxLon, h.MaxLat}},
		lat:      make([]int32, h.Nodes), lon: make([]int32, h.Nodes),
		tail: make([]uint32, h.Edges), head: make([]uint32, h.Edges), meters: make([]float32, h.Edges),
		name: make([]uint32, h.Edges), rev: make([]int32, h.Edges), noSnap: make([]bool, h.Edges), shapeFirst: make([]uint32, h.Edges+1),
		shapeLat: make([]int32, h.Shapes), shapeLon: make([]int32, h.Shapes), turns: make([][2]uint32, h.Turns),
	}
	n.limit[0], n.limit[1] = make([]uint8, h.Edges), make([]uint8, h.Edges)
	src := make([]byte, h.SourceLen)
	names := make([]byte, h.Name)
	for _, p := range []any{src, n.lat, n.lon, n.tail, n.head, n.meters, n.limit[0], n.limit[1], n.name,
		n.rev, n.noSnap, n.shapeFirst, n.shapeLat, n.shapeLon, n.turns, names} {
		if err := binary.Read(r, binary.LittleEndian, p); err != nil {
			return nil, err
		}
	}
	n.Source = string(src)
	for len(names) > 0 {
		if len(names) < 4 {
			return nil, errors.New("names table cut")
		}
		l := binary.LittleEndian.Uint32(names)
		if uint64(l) > uint64(len(names)-4) {
			return nil, errors.New("names table cut")
		}
		n.names = append(n.names, string(names[4:4+l]))
		names = names[4+l:]
	}
	edges := make([]rawEdge, h.Edges)
	for i := range edges {
		e := rawEdge{tail: n.tail[i], head: n.head[i], meters: n.meters[i], limit: [2]uint8{n.limit[0][i], n.limit[1][i]},
			name: n.name[i], noSnap: n.noSnap[i], rev: n.rev[i], shapeOff: n.shapeFirst[i], shapeLen: n.shapeFirst[i+1] - n.shapeFirst[i]}
		if e.tail >= h.Nodes || e.head >= h.Nodes || int(e.name) >= max(1, len(n.names)) ||
			!(e.meters >= 0) || math.IsInf(float64(e.meters), 0) || e.limit[0] == 0 || e.limit[1] == 0 ||
			e.rev < -1 || e.rev >= int32(h.Edges) || e.rev >= 0 && n.rev[e.rev] != int32(i) ||
			n.shapeFirst[i+1] < n.shapeFirst[i] || n.shapeFirst[i+1] > h.Shapes {
			return nil, fmt.Errorf("edge %d out of range", i)
		}
		edges[i] = e
	}
	if n.shapeFirst[0] != 0 || n.shapeFirst[h.Edges] != h.Shapes {
		return nil, errors.New("shapes out of range")
	}
	for _, t := range n.turns {
		if t[0] >= h.Edges || t[1] >= h.Edges || n.head[t[0]] != n.tail[t[1]] {
			return nil, errors.New("turn restriction out of range")
		}
	}
	n.build(edges, n.shapeLat, n.shapeLon, n.turns)
	return n, nil
}
