package tui

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"tournee/patients"
)

// The parsers and the huh set-up shared by the patient and care plan forms.

func parseDuration(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "min")))
	if err != nil || n <= 0 || n > 240 {
		return 0, errors.New("une durée en minutes, entre 1 et 240")
	}
	return n, nil
}

func parseFormDate(s string) (patients.Date, error) {
	d, err := patients.ParseDate(s)
	if err != nil {
		return patients.Date{}, errors.New("date illisible « " + strings.TrimSpace(s) + " » : tapez JJ/MM/AAAA")
	}
	return d, nil
}

func parseOptionalDate(s string) (patients.Date, error) {
	if strings.TrimSpace(s) == "" {
		return patients.Date{}, nil
	}
	return parseFormDate(s)
}

func parseOptionalTime(s string) (patients.TimeOfDay, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	t, err := patients.ParseTimeOfDay(s)
	if err != nil {
		return 0, errors.New("heure illisible « " + strings.TrimSpace(s) + " » : tapez 10h30 ou 10:30")
	}
	return t, nil
}

// parseWindows reads « 07:30-08:00 », « 7h30-8h ; 18h-19h », « 8h » (a
// fixed time).
func parseWindows(s string) ([]patients.Window, error) {
	var out []patients.Window
	for part := range strings.SplitSeq(strings.ReplaceAll(s, ",", ";"), ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ranged := strings.Cut(strings.ReplaceAll(strings.ReplaceAll(part, "–", "-"), " à ", "-"), "-")
		start, err := patients.ParseTimeOfDay(from)
		if err != nil {
			return nil, errors.New("plage illisible « " + part + " » : tapez 07:30-08:00 ou 7h30-8h")
		}
		end := start
		if ranged {
			if end, err = patients.ParseTimeOfDay(to); err != nil {
				return nil, errors.New("plage illisible « " + part + " » : tapez 07:30-08:00 ou 7h30-8h")
			}
		}
		out = append(out, patients.Window{Start: start, End: end})
	}
	switch {
	case len(out) == 0:
		return nil, errors.New("indiquez au moins une plage de passage")
	case len(out) > 2:
		return nil, errors.New("deux plages au plus : un soin plus fréquent est un autre soin")
	}
	return out, nil
}

func formatWindows(ws []patients.Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Start.String() + "-" + w.End.String()
	}
	return strings.Join(parts, " ; ")
}

// formFooter is room kept under a huh form for its error line: huh sizes
// its fields once, without a footer, and grows by a blank line and the
// error when a field refuses its value.
const formFooter = 2

// newForm builds a huh form with the app's look and keys.
func newForm(st *styles, groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithTheme(formTheme(st)).
		WithKeyMap(formKeyMap()).
		WithShowHelp(false).
		WithShowErrors(true)
}

// formKeyMap is huh's, minus what must not happen here.
func formKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	// The root handles ctrl+c (quit) and the screen esc (cancel).
	km.Quit.SetEnabled(false)
	// Filtering would take « / » and esc from the nurse's typing.
	km.Select.Filter.SetEnabled(false)
	km.MultiSelect.Filter.SetEnabled(false)
	// ctrl+e opens $EDITOR on a temporary file: health data must not land
	// in /tmp.
	km.Text.Editor.SetEnabled(false)
	return km
}

// formTheme is huhStyles as the huh.Theme the patient forms take. It is
// built once per form and returned as is: huh asks for it on every render.
func formTheme(st *styles) huh.Theme {
	t := huhStyles(st, false)
	return huh.ThemeFunc(func(bool) *huh.Styles { return t })
}

func errorMap(errs patients.ValidationErrors, keyOf func(string) string) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		k := keyOf(e.Field)
		if m[k] != "" {
			m[k] += " ; " + e.Msg
		} else {
			m[k] = e.Msg
		}
	}
	return m
}
