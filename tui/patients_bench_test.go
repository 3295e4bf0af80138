package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/paulmach/orb"
	"github.com/rs/xid"

	"tournee/patients"
)

// benchPatients makes n plausible patients, one in seven without
// coordinates and one in eleven with an alert, so that every kind of row is
// drawn.
func benchPatients(n int) []patients.Patient {
	last := []string{"Lefèvre", "Martin", "Caron", "Leprêtre", "Dewulf", "Noël", "Hochart", "Vasseur", "Delattre", "Bertin"}
	first := []string{"Éliane", "Marcel", "Odette", "Jean-Pierre", "Thérèse", "André", "Ginette", "Francis"}
	streets := []string{"Rue des Écoles", "Boulevard Jacquard", "Chemin du Calvaire", "Impasse des Lilas", "Rue du Marais"}
	towns := []string{"Calais", "Coulogne", "Guînes", "Marck", "Pihen-lès-Guînes", "Nielles-lès-Calais"}
	ps := make([]patients.Patient, n)
	for i := range ps {
		p := patients.Patient{
			ID:        xid.New(),
			BirthName: fmt.Sprintf("%s%d", last[i%len(last)], i),
			FirstName: first[i%len(first)],
			BirthDate: patients.NewDate(1925+i%70, time.Month(1+i%12), 1+i%28),
			Address: patients.Address{
				Line: fmt.Sprintf("%d %s", 1+i%120, streets[i%len(streets)]), PostalCode: "62100",
				City: towns[i%len(towns)], Point: orb.Point{1.85, 50.95}, Source: patients.CoordImported,
			},
		}
		if i%7 == 0 {
			p.Address.Source = patients.CoordNone
		}
		if i%11 == 0 {
			p.Alerts = []patients.Alert{{Kind: patients.AlertSafety, Text: "chien"}}
		}
		ps[i] = p
	}
	return ps
}

func benchScreen(b *testing.B, n, w, h int) patientsScreen {
	b.Helper()
	s := newPatientsScreen(Deps{Now: func() time.Time { return testNow }}, newStyles(true))
	s.SetSize(w, h)
	s, _ = s.Update(patientsLoadedMsg{buildRows(benchPatients(n), patients.DateOf(testNow))})
	if len(s.list.shown) != n {
		b.Fatalf("%d rows shown, want %d", len(s.list.shown), n)
	}
	return s
}

// BenchmarkPatientsKeypress is one « j » and the redraw that follows, with
// 2,000 patients on a 120×40 terminal: the budget is a frame, 16 ms.
func BenchmarkPatientsKeypress(b *testing.B) {
	s := benchScreen(b, 2000, 120, 36)
	j := tea.KeyPressMsg{Code: 'j', Text: "j"}
	b.ReportAllocs()
	for b.Loop() {
		if s.list.cursor == len(s.list.shown)-1 {
			s.list.cursor, s.list.top = 0, 0
		}
		s, _ = s.Update(j)
		_ = s.View()
	}
}

// BenchmarkPatientsSearchKeypress is one letter typed in the search, which
// filters the 2,000 patients, and the redraw.
func BenchmarkPatientsSearchKeypress(b *testing.B) {
	s := benchScreen(b, 2000, 120, 36)
	s, _ = s.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
	l, bs := tea.KeyPressMsg{Code: 'l', Text: "l"}, tea.KeyPressMsg{Code: tea.KeyBackspace}
	b.ReportAllocs()
	for b.Loop() {
		s, _ = s.Update(l)
		_ = s.View()
		s, _ = s.Update(bs)
		_ = s.View()
	}
}

// BenchmarkPatientsList200 draws a list of 200 rows.
func BenchmarkPatientsList200(b *testing.B) {
	s := benchScreen(b, 200, 120, 202)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.View()
	}
}
