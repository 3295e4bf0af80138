package dmp

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/rs/xid"

	"tournee/french"
	"tournee/patients"
)

// share is one nurse's part of the care summarised: how many visits she
// did, how many transmissions she wrote, and the span of it all.
type share struct {
	nurse       patients.Nurse
	visits      int
	notes       int
	first, last time.Time
}

// shares finds the nurses who did the care of the period, the one with
// most visits first: they, not the nurse who exports, are the document's
// authors. A visit done by a nurse this laptop does not know (not synced
// yet) is refused rather than credited to someone else.
func shares(visits []patients.Visit, trans []patients.Transmission, nurses []patients.Nurse) ([]share, error) {
	byID := map[xid.ID]patients.Nurse{}
	for _, n := range nurses {
		byID[n.ID] = n
	}
	idx := map[xid.ID]int{}
	var out []share
	add := func(id xid.ID, at time.Time, visit bool, what string) error {
		n, ok := byID[id]
		if !ok {
			return &patients.ValidationError{Field: "auteurs", Msg: fmt.Sprintf(
				"%s a été fait par une infirmière que ce poste ne connaît pas : synchronisez avec le cabinet avant d'exporter", what)}
		}
		i, seen := idx[id]
		if !seen {
			i = len(out)
			idx[id] = i
			out = append(out, share{nurse: n, first: at, last: at})
		}
		s := &out[i]
		if visit {
			s.visits++
		} else {
			s.notes++
		}
		if at.Before(s.first) {
			s.first = at
		}
		if at.After(s.last) {
			s.last = at
		}
		return nil
	}
	for _, v := range visits {
		if v.Status != patients.Done {
			continue
		}
		id := cmp.Or(v.DoneBy, v.NurseID)
		if id.IsZero() {
			continue // no nurse recorded: nobody can be named for it
		}
		at := v.DoneAt
		if at.IsZero() {
			at = v.Date.At(v.Window.Start)
		}
		if err := add(id, at, true, "le passage du "+french.Date(v.Date)); err != nil {
			return nil, err
		}
	}
	for _, t := range trans {
		if t.AuthorID.IsZero() {
			continue
		}
		if err := add(t.AuthorID, t.At, false, "la transmission du "+french.Date(patients.DateOf(t.At))); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b share) int {
		return cmp.Or(b.visits-a.visits, b.notes-a.notes, a.first.Compare(b.first))
	})
	return out, nil
}

func nurseAuthor(n patients.Nurse) Author {
	return Author{RPPS: n.RPPS, GivenName: n.FirstName, FamilyName: n.LastName,
		Phone: n.Phone, Specialty: "G15_60", SpecialtyDisplay: "Infirmier"}
}

// shareLine says who did what, for the summary's header: « Claire Martin
// (RPPS …) : 5 passages du lundi 16 au jeudi 19 novembre ».
func shareLine(s share) string {
	text := s.nurse.FullName() + " (RPPS " + s.nurse.RPPS + ")"
	if s.nurse.Role == patients.Remplacante {
		text += ", en remplacement"
	}
	var parts []string
	if s.visits > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", s.visits, plural(s.visits, "passage", "passages")))
	}
	if s.notes > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", s.notes, plural(s.notes, "transmission", "transmissions")))
	}
	text += " : " + joinEt(parts)
	first, last := patients.DateOf(s.first), patients.DateOf(s.last)
	if first == last {
		return text + " le " + french.Date(first)
	}
	return text + " du " + french.Date(first) + " au " + french.Date(last)
}

func joinEt(parts []string) string {
	if len(parts) == 2 {
		return parts[0] + " et " + parts[1]
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return ""
}
