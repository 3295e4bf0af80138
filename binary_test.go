package main

import (
	"os"
	"sync"
	"testing"

	"tournee/testbin"
	"tournee/testgc"
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
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "tournee-bin-"); built.err != nil {
			return
		}
		built.out, built.err = testbin.Build(testbin.In(built.dir), ".")
	})
	if built.err != nil {
		t.Fatalf("build tournee: %v\n%s", built.err, built.out)
	}
	return testbin.In(built.dir)
}

func TestMain(m *testing.M) {
	testbin.CopyMode()
	testgc.RelaxChildren()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
