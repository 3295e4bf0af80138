package pdfdoc

import (
	"testing"

	"tournee/testgc"
)

func TestMain(m *testing.M) {
	testgc.Relax()
	m.Run()
}
