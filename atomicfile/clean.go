package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CleanTemps removes the regular files of dir whose names fit pattern (an
// Options.Temp pattern: what comes before its last "*" starts the name,
// what follows ends it) and that were last modified minAge ago or more:
// what a process killed while writing left behind. A minAge of zero
// removes them all, for callers that hold a lock no other writer of these
// files can hold at the same time. Errors are ignored: a temporary file
// that stays is only a file that stays.
func CleanTemps(dir, pattern string, minAge time.Duration) {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || len(name) < len(prefix)+len(suffix) ||
			!strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		if minAge > 0 {
			fi, err := e.Info()
			if err != nil || time.Since(fi.ModTime()) < minAge {
				continue
			}
		}
		os.Remove(filepath.Join(dir, name))
	}
}
