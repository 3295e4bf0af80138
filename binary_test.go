package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// built is the tournee binary the root package's tests run, built once.
var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// copyBinTo, in the environment, makes this test binary the -exec program
// of the « go run » in builtBinary: it copies the executable go run hands
// it there, instead of running the tests.
const copyBinTo = "TOURNEE_TEST_COPY_BIN_TO"

func builtBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "tournee-bin-"); built.err != nil {
			return
		}
		bin := filepath.Join(built.dir, "tournee")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		// « go build -o » links the binary again at every run (seconds of
		// CPU); « go run » keeps the linked executable in the build cache
		// and hands its path to its -exec program: this test binary, which
		// copies it (TestMain).
		self, err := os.Executable()
		if err != nil {
			built.err = err
			return
		}
		cmd := exec.Command("go", "run", "-exec", self, ".")
		cmd.Env = append(os.Environ(), copyBinTo+"="+bin)
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go run: %v\n%s", built.err, built.out)
	}
	bin := filepath.Join(built.dir, "tournee")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	return bin
}

func TestMain(m *testing.M) {
	if to := os.Getenv(copyBinTo); to != "" {
		raw, err := os.ReadFile(os.Args[1])
		if err == nil {
			err = os.WriteFile(to, raw, 0o700)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
