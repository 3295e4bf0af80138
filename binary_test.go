package main

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"tournee/testbin"
)

// built is the tournee binary the root package's tests run, built once.
var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

func builtBinary(t *testing.T) string {
	t.Helper()
	bin := func() string {
		name := "tournee"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		return filepath.Join(built.dir, name)
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "tournee-bin-"); built.err != nil {
			return
		}
		built.out, built.err = testbin.Build(bin(), ".")
	})
	if built.err != nil {
		t.Fatalf("build tournee: %v\n%s", built.err, built.out)
	}
	return bin()
}

func TestMain(m *testing.M) {
	testbin.CopyMode()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
