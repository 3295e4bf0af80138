// Package testgc tunes the garbage collector of the test binaries that
// allocate the most (the interface, the commands, storage, the planner).
// Only tests import it.
//
// A test binary lives for seconds and keeps little: with the default
// GOGC=100 it collected and handed memory back to the system many times a
// second, and on these virtual machines each hand-back flushes the other
// core's address translations. That was a quarter of go test ./cli's CPU.
package testgc

import (
	"os"
	"runtime/debug"
)

// Relax lets the heap grow to five times what is live before a collection
// (GOGC=400), under a soft limit of 1 GiB where the collector works as
// hard as it must. A GOGC set in the environment is kept, so a run can
// still be measured with any setting. Call it first in TestMain.
func Relax() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(1 << 30)
}

// RelaxChildren is Relax for the test binaries that mostly run the tournee
// binary (the chaos suite, the root package's end-to-end tests): GOGC=400
// goes into the environment the commands they start inherit.
func RelaxChildren() {
	if os.Getenv("GOGC") != "" {
		return
	}
	Relax()
	os.Setenv("GOGC", "400")
}
