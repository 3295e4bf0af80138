//go:build unix

package storage

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process used so far, user and system, on
// every core: on a shared machine it moves far less with the load than the
// wall time does, so the merge benchmark reports it beside ns/op.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
