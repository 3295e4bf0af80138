package roads

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// writeTown streams a synthetic extract to path: a grid of side×side
// junctions 100 m apart with a bend between each pair (residential
// streets, a secondary road every tenth), ways ten blocks long, and two
// four-cornered buildings per block, as a real extract is mostly buildings.
// side 700 gives about 4.9 million nodes and a million ways.
func writeTown(tb testing.TB, path string, side int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	pw := newPBFWriter(bw)
	const chunk = 8000
	var nodes []*osm.Node
	flushNodes := func(force bool) {
		if len(nodes) >= chunk || force && len(nodes) > 0 {
			pw.nodes(nodes)
			nodes = nodes[:0]
		}
	}
	cols := 2*side - 1
	roadID := func(x, y int) osm.NodeID { return osm.NodeID(1 + y*cols + x) }
	for y := range side {
		for x := range cols {
			nodes = append(nodes, &osm.Node{ID: roadID(x, y), Lat: 50 + float64(y)*unitLat, Lon: 2 + float64(x)/2*unitLon})
			flushNodes(false)
		}
	}
	bID := func(bx, by, k int) osm.NodeID { return osm.NodeID(1 + side*cols + ((by*(side-1)+bx)*2*4 + k)) }
	for by := 0; by+1 < side; by++ {
		for bx := 0; bx+1 < side; bx++ {
			for b := range 2 {
				x0, y0 := float64(bx)+0.2+0.4*float64(b), float64(by)+0.3
				for k, d := range [4][2]float64{{0, 0}, {0.2, 0}, {0.2, 0.3}, {0, 0.3}} {
					nodes = append(nodes, &osm.Node{ID: bID(bx, by, b*4+k), Lat: 50 + (y0+d[1])*unitLat, Lon: 2 + (x0+d[0])*unitLon})
					flushNodes(false)
				}
			}
		}
	}
	flushNodes(true)
	var ways []*osm.Way
	wayID := osm.WayID(0)
	addWay := func(tags osm.Tags, ids ...osm.NodeID) {
		wayID++
		w := &osm.Way{ID: wayID, Tags: tags}
		for _, id := range ids {
			w.Nodes = append(w.Nodes, osm.WayNode{ID: id})
		}
		ways = append(ways, w)
		if len(ways) == chunk {
			pw.ways(ways)
			ways = ways[:0]
		}
	}
	road := func(i int) osm.Tags {
		if i%10 == 0 {
			return osm.Tags{{Key: "highway", Value: "secondary"}, {Key: "maxspeed", Value: "80"}, {Key: "name", Value: fmt.Sprintf("D %d", i)}}
		}
		return osm.Tags{{Key: "highway", Value: "residential"}, {Key: "name", Value: fmt.Sprintf("Rue %d", i)}}
	}
	for y := range side {
		for x0 := 0; x0+1 < cols; x0 += 20 {
			var ids []osm.NodeID
			for x := x0; x <= min(x0+20, cols-1); x++ {
				ids = append(ids, roadID(x, y))
			}
			addWay(road(y), ids...)
		}
	}
	for x := 0; x < cols; x += 2 {
		for y0 := 0; y0+1 < side; y0 += 10 {
			var ids []osm.NodeID
			for y := y0; y <= min(y0+10, side-1); y++ {
				ids = append(ids, roadID(x, y))
			}
			addWay(road(x/2+1), ids...)
		}
	}
	building := osm.Tags{{Key: "building", Value: "yes"}}
	for by := 0; by+1 < side; by++ {
		for bx := 0; bx+1 < side; bx++ {
			for b := range 2 {
				addWay(building, bID(bx, by, b*4), bID(bx, by, b*4+1), bID(bx, by, b*4+2), bID(bx, by, b*4+3), bID(bx, by, b*4))
			}
		}
	}
	if len(ways) > 0 {
		pw.ways(ways)
	}
	if pw.err != nil {
		tb.Fatal(pw.err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportTown imports a synthetic extract of about 4.9 million
// nodes and a million ways (a sixth of a French region's) and reports the
// peak Go heap during the import, sampled every 20 ms.
func BenchmarkImportTown(b *testing.B) { benchImportTown(b, Area{}) }

// BenchmarkImportTownArea keeps a cabinet's area of the same extract: two
// points 5 km apart in the middle, with the default 10 km margin.
func BenchmarkImportTownArea(b *testing.B) {
	mid := orb.Point{2 + 350*unitLon, 50 + 350*unitLat}
	benchImportTown(b, Area{Points: []orb.Point{mid, {mid[0] + 50*unitLon, mid[1]}}, MarginMeters: DefaultMarginMeters})
}

func benchImportTown(b *testing.B, area Area) {
	path := filepath.Join(b.TempDir(), "town.osm.pbf")
	writeTown(b, path, 700)
	fi, _ := os.Stat(path)
	runtime.GC()
	cpu0 := cpuTime()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	var n *Network
	for b.Loop() {
		var err error
		if n, err = Import(context.Background(), path, area, nil); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	b.ReportMetric(float64(cpuTime()-cpu0)/1e9/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
	b.ReportMetric(float64(peak.Load())/1e6, "peak-heap-MB")
	b.ReportMetric(float64(n.Nodes()), "junctions")
}
