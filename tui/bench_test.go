package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"

	"tournee/dayplan"
	"tournee/patients"
	"tournee/planner"
	"tournee/planner/plantest"
	"tournee/storage"
)

// bigCabinet is a cabinet of 2,000 patients, 60 of them seen today by three
// nurses, with today's rounds already planned: the app opened mid-morning.
func bigCabinet(b *testing.B) Deps {
	b.Helper()
	now := func() time.Time { return testNow }
	db, err := storage.Create(filepath.Join(b.TempDir(), "big.db"), testPass, storage.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	today := patients.DateOf(testNow)
	in := plantest.GenerateDay(7, 3, 20, today)
	ds := patients.Dataset{
		Cabinet:   patients.Cabinet{Name: "Cabinet généré", CurrentNurse: in.Nurses[0].ID},
		Nurses:    in.Nurses,
		Patients:  in.Patients,
		CarePlans: in.CarePlans,
	}
	for _, n := range in.Nurses {
		ds.Cabinet.NurseIDs = append(ds.Cabinet.NurseIDs, n.ID)
	}
	for i := len(ds.Patients); i < 2000; i++ {
		p := in.Patients[i%len(in.Patients)]
		p.ID = xid.New()
		p.UsedName = fmt.Sprintf("%s-%d", p.LastName(), i)
		ds.Patients = append(ds.Patients, p)
	}
	ctx := context.Background()
	if err := db.Seed(ctx, ds); err != nil {
		b.Fatal(err)
	}
	day, err := dayplan.Load(ctx, db, today)
	if err != nil {
		b.Fatal(err)
	}
	_, visits, err := day.Plan(xid.NilID(), planner.Options{Iterations: 300, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SaveVisits(ctx, visits); err != nil {
		b.Fatal(err)
	}
	return Deps{Store: db, Unlock: db.CheckPassphrase, Now: now, IdleLock: -1,
		Plan: planner.Options{Iterations: 300, Seed: 1}}
}

// BenchmarkFirstFrame: from New to the first full frame of the round, with
// every screen's data loaded, on a 2,000-patient cabinet.
func BenchmarkFirstFrame(b *testing.B) {
	d := bigCabinet(b)
	b.ReportAllocs()
	for b.Loop() {
		a := New(d)
		a, _ = appUpdate(a, tea.WindowSizeMsg{Width: 120, Height: 40})
		a = drain(a, a.Init(), appUpdate)
		if len(a.round.rows) == 0 {
			b.Fatal("no round on the first frame")
		}
		_ = a.View()
	}
}

// BenchmarkRoundKeypress: moving down the round and drawing the frame.
func BenchmarkRoundKeypress(b *testing.B) {
	d := bigCabinet(b)
	a := New(d)
	a, _ = appUpdate(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a = drain(a, a.Init(), appUpdate)
	down, up := keyPress("j"), keyPress("k")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%20 >= 10 {
			k = up
		}
		i++
		a, _ = appUpdate(a, k)
		_ = a.View()
	}
}

// BenchmarkRoundMoveVisit: a visit moved by hand, its round re-timed and
// drawn (the save itself runs in a command, off the frame).
func BenchmarkRoundMoveVisit(b *testing.B) {
	d := bigCabinet(b)
	a := New(d)
	a, _ = appUpdate(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a = drain(a, a.Init(), appUpdate)
	a = press(a, "j", "j")
	down, up := keyPress("J"), keyPress("K")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		a, _ = appUpdate(a, k)
		a.round.busy = "" // the save's answer would clear it
		_ = a.View()
	}
}
