package plantest

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBinaryLeavesOutPlantest holds the promise of the package doc: the
// generator is test code, and the tournee binary does not carry it.
func TestBinaryLeavesOutPlantest(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("TOURNEE_REQUIRE_TOOLS=1 but the go command is not on PATH: %v", err)
		}
		t.Skipf("skipped: the go command is not on PATH (set TOURNEE_REQUIRE_TOOLS=1 to make this an error): %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "tournee").Output()
	if err != nil {
		t.Fatalf("go list -deps tournee: %v", err)
	}
	deps := strings.Fields(string(out))
	// The graph must be the binary's, else the check below proves nothing.
	if !slices.Contains(deps, "tournee/planner") {
		t.Fatalf("go list -deps tournee does not list tournee/planner: %q", deps)
	}
	for _, d := range deps {
		if d == "tournee/planner/plantest" || strings.HasPrefix(d, "tournee/planner/plantest/") {
			t.Errorf("the tournee binary imports %s, a test-only package", d)
		}
	}
}
