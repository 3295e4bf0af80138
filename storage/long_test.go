package storage

import "os"

// longTests tells the long random runs are wanted (TOURNEE_LONG_TESTS=1,
// which .ci/run sets): by default go test runs a fixed sample of each, so
// that the whole suite stays quick and its verdict does not depend on the
// machine's load.
func longTests() bool { return os.Getenv("TOURNEE_LONG_TESTS") == "1" }
