//go:build !unix

package storage

import "time"

// processCPU is not measured here: the benchmark reports 0 cpu-ms/op.
func processCPU() time.Duration { return 0 }
