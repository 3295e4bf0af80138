package tui

import (
	"os"
	"testing"

	"tournee/testgc"
)

func TestMain(m *testing.M) {
	testgc.Relax()
	code := m.Run()
	if basesDir != "" {
		os.RemoveAll(basesDir)
	}
	os.Exit(code)
}
