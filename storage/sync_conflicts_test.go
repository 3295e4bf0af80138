package storage

import (
	"fmt"
	"testing"
	"time"
)

// Three laptops whose data converged list the same conflicts, with the same
// ids, whatever the order the changes reached them: A changed a field twice
// (the second on top of the first), C changed it once at the same time,
// later. Before, C listed A's first value as lost too, and each laptop gave
// the conflict its own id.
func TestConflictListIsAFunctionOfTheConvergedState(t *testing.T) {
	t.Parallel()
	dbs := cabinetOf(t, 3, 0, 0, time.Hour) // C's clock ahead: its change wins
	a, b, c := dbs[0], dbs[1], dbs[2]
	stick := t.TempDir()
	p := samplePatient()
	if err := a.SavePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for _, db := range dbs {
		mustSync(t, db, stick)
	}
	edit := func(db *DB, notes string) {
		t.Helper()
		q, err := db.Patient(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		q.Notes = notes
		if err := db.SavePatient(ctx, &q); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, "x")
	edit(a, "y")
	edit(c, "z")
	mustSync(t, a, stick)
	mustSync(t, c, stick)
	mustSync(t, a, stick)
	mustSync(t, b, stick)
	lists := make([]string, len(dbs))
	for i, db := range dbs {
		cs, err := db.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			lists[i] += fmt.Sprintf("%s %s %s: gardé %q écarté %q (%v)\n", c.ID, c.Record, c.Field, c.Kept, c.Lost, c.LostAt)
		}
	}
	if lists[0] == "" {
		t.Fatal("no conflict on A")
	}
	for i := range dbs[1:] {
		if lists[i+1] != lists[0] {
			t.Errorf("laptop %c lists\n%s\nA lists\n%s", 'B'+i, lists[i+1], lists[0])
		}
	}
}
