// Package testbin builds the tournee binary for the tests that run it as a
// nurse would (the root package's end-to-end tests, the chaos suite). Only
// tests import it.
//
// « go build -o » into a new folder links the 30 MB binary again at each
// run, seconds of CPU; « go run » keeps the linked executable in the build
// cache and hands its path to its -exec program. Build makes that program
// the test binary itself, which copies the executable where it is wanted:
// its TestMain calls CopyMode first.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// In is where Build writes the binary in folder dir: dir/tournee, with
// .exe on Windows.
func In(dir string) string {
	name := "tournee"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(dir, name)
}

// copyTo, in the environment, tells the test binary it was started by go
// run as its -exec program, and where to copy the executable.
const copyTo = "TOURNEE_TEST_COPY_BIN_TO"

// CopyMode, called first by TestMain, copies the executable go run handed
// this process and exits when the process is go run's -exec program; it
// returns at once otherwise.
func CopyMode() {
	to := os.Getenv(copyTo)
	if to == "" {
		return
	}
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

// Build writes the binary of pkg (a go run argument, "." or "tournee"),
// built with go run's flags (e.g. "-tags", "x"), to path. Its output is go
// run's, for the failure message.
func Build(path, pkg string, flags ...string) ([]byte, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"run"}, flags...)
	cmd := exec.Command("go", append(args, "-exec", self, pkg)...)
	cmd.Env = append(os.Environ(), copyTo+"="+path)
	return cmd.CombinedOutput()
}
