package cli

import (
	"bytes"
	"strings"
	"testing"

	"tournee/billing"
	"tournee/ngap"
)

// The billing listing credits OpenStreetMap when some IK are measured on
// its roads, and only then.
func TestFacturationCreditsRoads(t *testing.T) {
	t.Parallel()
	ik := func(estimated bool) []ngap.VisitFees {
		return []ngap.VisitFees{{Lines: []ngap.Fee{{Code: ngap.IKPlaine, Km: 6, Estimated: estimated}}}}
	}
	for _, c := range []struct {
		name   string
		fees   []ngap.VisitFees
		credit bool
	}{{"road km", ik(false), true}, {"crow estimate", ik(true), false}} {
		var out bytes.Buffer
		printBilling(&out, c.fees, billing.Data{})
		if got := strings.Contains(out.String(), "IK mesurées par la route : données © les contributeurs d'OpenStreetMap"); got != c.credit {
			t.Errorf("%s: credit %v, want %v:\n%s", c.name, got, c.credit, out.String())
		}
	}
}
