// Package testbase copies the database files tests start from: a base
// seeded once per test binary (the demo cabinet, a synced cabinet) and
// copied for each test that changes it. Only tests import it.
package testbase

import (
	"io"
	"os"
)

// Copy copies the file from to the file to (0600, replaced if it
// exists). io.Copy between two files copies in the kernel: a base is a
// 16 MB file, and reading it into the test process made half of go test
// ./cli's page faults.
func Copy(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
