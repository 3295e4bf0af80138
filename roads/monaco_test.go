package roads

import (
	"context"
	"os"
	"sync"
	"testing"
)

// monacoPath is the real extract shared by the project's tests. It is
// required: a router test without a real network proves little.
const monacoPath = "../../shared/data/osm/monaco.osm.pbf"

var monaco struct {
	once sync.Once
	net  *Network
	err  error
}

// loadMonaco imports the Monaco extract once per test binary.
func loadMonaco(tb testing.TB) *Network {
	tb.Helper()
	if _, err := os.Stat(monacoPath); err != nil {
		tb.Fatalf("the Monaco extract is needed (../shared is part of the workspace): %v", err)
	}
	monaco.once.Do(func() {
		monaco.net, monaco.err = Import(context.Background(), monacoPath, Area{}, nil)
	})
	if monaco.err != nil {
		tb.Fatal(monaco.err)
	}
	return monaco.net
}

func TestMonacoImport(t *testing.T) {
	n := loadMonaco(t)
	t.Logf("%d nodes, %d edges, %d names, bound %v", n.Nodes(), n.Edges(), len(n.names), n.Bound)
}
