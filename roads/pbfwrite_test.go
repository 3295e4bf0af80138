package roads

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/osm"
)

// The osm module at v0.8.0 reads PBF but has no PBF writer, so synthetic
// extracts are encoded here by hand, following the format's .proto files
// (osmpbf/internal/osmpbf in that module): raw (uncompressed) blobs, one
// group of dense nodes, one group of ways.

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

// writePBF writes nodes and ways as a PBF file in dir and returns its path.
func writePBF(t *testing.T, nodes []*osm.Node, ways []*osm.Way) string {
	t.Helper()
	strs := []string{""}
	idx := map[string]uint64{"": 0}
	str := func(s string) uint64 {
		if i, ok := idx[s]; ok {
			return i
		}
		idx[s] = uint64(len(strs))
		strs = append(strs, s)
		return idx[s]
	}
	var ids, lats, lons []int64
	var kv []uint64
	for _, n := range nodes {
		ids = append(ids, int64(n.ID))
		lats = append(lats, int64(math.Round(n.Lat*1e7)))
		lons = append(lons, int64(math.Round(n.Lon*1e7)))
		for _, tg := range n.Tags {
			kv = append(kv, str(tg.Key), str(tg.Value))
		}
		kv = append(kv, 0)
	}
	dense := pb{}.bytes(1, packedSint(ids)).bytes(8, packedSint(lats)).bytes(9, packedSint(lons)).bytes(10, packedUint(kv))
	nodeGroup := pb{}.bytes(2, dense)
	wayGroup := pb{}
	for _, w := range ways {
		var keys, vals []uint64
		for _, tg := range w.Tags {
			keys, vals = append(keys, str(tg.Key)), append(vals, str(tg.Value))
		}
		var refs []int64
		for _, wn := range w.Nodes {
			refs = append(refs, int64(wn.ID))
		}
		way := pb{}.varint(1, uint64(w.ID)).bytes(2, packedUint(keys)).bytes(3, packedUint(vals)).bytes(8, packedSint(refs))
		wayGroup = wayGroup.bytes(3, way)
	}
	table := pb{}
	for _, s := range strs {
		table = table.bytes(1, []byte(s))
	}
	block := pb{}.bytes(1, table).bytes(2, nodeGroup)
	if len(ways) > 0 {
		block = block.bytes(2, wayGroup)
	}
	block = block.varint(17, 100)
	header := pb{}.bytes(4, []byte("OsmSchema-V0.6")).bytes(4, []byte("DenseNodes"))

	var file []byte
	for _, blk := range []struct {
		typ  string
		data []byte
	}{{"OSMHeader", header}, {"OSMData", block}} {
		blob := pb{}.bytes(1, blk.data).varint(2, uint64(len(blk.data)))
		bh := pb{}.bytes(1, []byte(blk.typ)).varint(3, uint64(len(blob)))
		file = binary.BigEndian.AppendUint32(file, uint32(len(bh)))
		file = append(file, bh...)
		file = append(file, blob...)
	}
	path := filepath.Join(t.TempDir(), "synthetic.osm.pbf")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
