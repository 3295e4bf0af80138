package roads

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/osm"
)

// The osm module at v0.8.0 reads PBF but has no PBF writer, so synthetic
// extracts are encoded here by hand, following the format's .proto files
// (osmpbf/internal/osmpbf in that module): zlib blobs, dense nodes, ways.

type pb []byte

func (b pb) varint(field int, v uint64) pb {
	b = binary.AppendUvarint(b, uint64(field)<<3)
	return binary.AppendUvarint(b, v)
}

func (b pb) bytes(field int, v []byte) pb {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func packedSint(vs []int64) []byte {
	var out []byte
	prev := int64(0)
	for _, v := range vs {
		out = binary.AppendUvarint(out, zigzag(v-prev))
		prev = v
	}
	return out
}

func packedUint(vs []uint64) []byte {
	var out []byte
	for _, v := range vs {
		out = binary.AppendUvarint(out, v)
	}
	return out
}

// pbfWriter writes a PBF file block by block: a header, then blocks of
// nodes and blocks of ways (each block its own string table), zlib
// compressed as Geofabrik's extracts are.
type pbfWriter struct {
	w   io.Writer
	err error
}

func newPBFWriter(w io.Writer) *pbfWriter {
	pw := &pbfWriter{w: w}
	header := pb{}.bytes(4, []byte("OsmSchema-V0.6")).bytes(4, []byte("DenseNodes"))
	pw.block("OSMHeader", header)
	return pw
}

func (pw *pbfWriter) block(typ string, data []byte) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	blob := pb{}.varint(2, uint64(len(data))).bytes(3, z.Bytes())
	bh := pb{}.bytes(1, []byte(typ)).varint(3, uint64(len(blob)))
	var out []byte
	out = binary.BigEndian.AppendUint32(out, uint32(len(bh)))
	out = append(out, bh...)
	out = append(out, blob...)
	if pw.err == nil {
		_, pw.err = pw.w.Write(out)
	}
}

// strTable interns a block's strings; index 0 is the empty string.
type strTable struct {
	strs []string
	idx  map[string]uint64
}

func (t *strTable) str(s string) uint64 {
	if t.idx == nil {
		t.strs, t.idx = []string{""}, map[string]uint64{"": 0}
	}
	if i, ok := t.idx[s]; ok {
		return i
	}
	t.idx[s] = uint64(len(t.strs))
	t.strs = append(t.strs, s)
	return t.idx[s]
}

func (t *strTable) encode() pb {
	table := pb{}
	for _, s := range t.strs {
		table = table.bytes(1, []byte(s))
	}
	return table
}

func (pw *pbfWriter) nodes(nodes []*osm.Node) {
	var st strTable
	st.str("")
	var ids, lats, lons []int64
	var kv []uint64
	for _, n := range nodes {
		ids = append(ids, int64(n.ID))
		lats = append(lats, int64(math.Round(n.Lat*1e7)))
		lons = append(lons, int64(math.Round(n.Lon*1e7)))
		for _, tg := range n.Tags {
			kv = append(kv, st.str(tg.Key), st.str(tg.Value))
		}
		kv = append(kv, 0)
	}
	dense := pb{}.bytes(1, packedSint(ids)).bytes(8, packedSint(lats)).bytes(9, packedSint(lons)).bytes(10, packedUint(kv))
	pw.block("OSMData", pb{}.bytes(1, st.encode()).bytes(2, pb{}.bytes(2, dense)).varint(17, 100))
}

func (pw *pbfWriter) ways(ways []*osm.Way) {
	var st strTable
	st.str("")
	group := pb{}
	for _, w := range ways {
		var keys, vals []uint64
		for _, tg := range w.Tags {
			keys, vals = append(keys, st.str(tg.Key)), append(vals, st.str(tg.Value))
		}
		var refs []int64
		for _, wn := range w.Nodes {
			refs = append(refs, int64(wn.ID))
		}
		group = group.bytes(3, pb{}.varint(1, uint64(w.ID)).bytes(2, packedUint(keys)).bytes(3, packedUint(vals)).bytes(8, packedSint(refs)))
	}
	pw.block("OSMData", pb{}.bytes(1, st.encode()).bytes(2, group).varint(17, 100))
}

func (pw *pbfWriter) relations(rels []*osm.Relation) {
	var st strTable
	st.str("")
	group := pb{}
	for _, r := range rels {
		var keys, vals, roles, types []uint64
		var ids []int64
		for _, tg := range r.Tags {
			keys, vals = append(keys, st.str(tg.Key)), append(vals, st.str(tg.Value))
		}
		for _, m := range r.Members {
			roles = append(roles, st.str(m.Role))
			ids = append(ids, m.Ref)
			t := uint64(0) // node
			if m.Type == osm.TypeWay {
				t = 1
			}
			types = append(types, t)
		}
		group = group.bytes(4, pb{}.varint(1, uint64(r.ID)).bytes(2, packedUint(keys)).bytes(3, packedUint(vals)).
			bytes(8, packedUint(roles)).bytes(9, packedSint(ids)).bytes(10, packedUint(types)))
	}
	pw.block("OSMData", pb{}.bytes(1, st.encode()).bytes(2, group).varint(17, 100))
}

// writePBF writes nodes, ways and relations as a PBF file in a temporary
// folder and returns its path.
func writePBF(t testing.TB, nodes []*osm.Node, ways []*osm.Way, rels ...*osm.Relation) string {
	t.Helper()
	var buf bytes.Buffer
	pw := newPBFWriter(&buf)
	pw.nodes(nodes)
	if len(ways) > 0 {
		pw.ways(ways)
	}
	if len(rels) > 0 {
		pw.relations(rels)
	}
	path := filepath.Join(t.TempDir(), "synthetic.osm.pbf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
