package tui

import (
	"image/color"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// styles is every style of the interface, built once per background colour.
// Colour is never the only signal: broken windows also carry « ⚠ », done
// visits « ✓ », so the screens stay readable in 16 colours and with NO_COLOR.
type styles struct {
	// Chrome.
	App, Header, Title, Tab, ActiveTab, Status, StatusError, HelpBar lipgloss.Style
	// Text.
	Muted, Bold, Label, Value, Section, Accent lipgloss.Style
	// Lists.
	Selected, Row, Cursor lipgloss.Style
	// Clinical flags.
	Strict, Alert, Unread, Broken, Late, Done, Missed, Pinned, AtRisk, NoCoords lipgloss.Style
	// Panes and forms.
	Pane, FocusedPane, Input, ErrorText, Dialog lipgloss.Style
	// Map: the route, stops by state, where the nurse is.
	MapRoute, MapStop, MapNext, MapDone, MapBroken, MapHere, MapBase lipgloss.Style

	// Raw colours for components that take colours, not styles.
	AccentColor, MutedColor, ErrorColor color.Color
}

func newStyles(isDark bool) *styles {
	ld := lipgloss.LightDark(isDark)
	var (
		fg      = ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3"))
		muted   = ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E"))
		accent  = ld(lipgloss.Color("#0550AE"), lipgloss.Color("#58A6FF"))
		sel     = ld(lipgloss.Color("#DDF4FF"), lipgloss.Color("#1F3A5F"))
		red     = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))
		orange  = ld(lipgloss.Color("#BC4C00"), lipgloss.Color("#FFA657"))
		green   = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))
		purple  = ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D2A8FF"))
		border  = ld(lipgloss.Color("#D0D7DE"), lipgloss.Color("#30363D"))
		headBg  = ld(lipgloss.Color("#0550AE"), lipgloss.Color("#1F6FEB"))
		headFg  = lipgloss.Color("#FFFFFF")
		tabDark = ld(lipgloss.Color("#57606A"), lipgloss.Color("#8B949E"))
	)
	s := styles{AccentColor: accent, MutedColor: muted, ErrorColor: red}
	s.App = lipgloss.NewStyle()
	s.Header = lipgloss.NewStyle().Foreground(headFg).Background(headBg).Padding(0, 1)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(headFg).Background(headBg)
	s.Tab = lipgloss.NewStyle().Foreground(tabDark).Padding(0, 1)
	s.ActiveTab = lipgloss.NewStyle().Bold(true).Foreground(accent).Underline(true).Padding(0, 1)
	s.Status = lipgloss.NewStyle().Foreground(muted)
	s.StatusError = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.HelpBar = lipgloss.NewStyle().Padding(0, 1)

	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Bold = lipgloss.NewStyle().Bold(true).Foreground(fg)
	s.Label = lipgloss.NewStyle().Foreground(muted)
	s.Value = lipgloss.NewStyle().Foreground(fg)
	s.Section = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Accent = lipgloss.NewStyle().Foreground(accent)

	s.Selected = lipgloss.NewStyle().Background(sel).Foreground(fg).Bold(true)
	s.Row = lipgloss.NewStyle().Foreground(fg)
	s.Cursor = lipgloss.NewStyle().Foreground(accent).Bold(true)

	s.Strict = lipgloss.NewStyle().Foreground(orange).Bold(true)
	s.Alert = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.Unread = lipgloss.NewStyle().Foreground(purple).Bold(true)
	s.Broken = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.Late = lipgloss.NewStyle().Foreground(orange)
	s.Done = lipgloss.NewStyle().Foreground(green)
	s.Missed = lipgloss.NewStyle().Foreground(muted).Strikethrough(true)
	s.Pinned = lipgloss.NewStyle().Foreground(accent)
	s.AtRisk = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.NoCoords = lipgloss.NewStyle().Foreground(orange).Bold(true)

	s.Pane = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1)
	s.FocusedPane = s.Pane.BorderForeground(accent)
	s.Input = lipgloss.NewStyle().Foreground(fg)
	s.ErrorText = lipgloss.NewStyle().Foreground(red)
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(1, 2)

	s.MapRoute = lipgloss.NewStyle().Foreground(accent)
	s.MapStop = lipgloss.NewStyle().Foreground(fg).Bold(true)
	s.MapNext = lipgloss.NewStyle().Foreground(purple).Bold(true)
	s.MapDone = lipgloss.NewStyle().Foreground(green)
	s.MapBroken = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.MapHere = lipgloss.NewStyle().Foreground(orange).Bold(true)
	s.MapBase = lipgloss.NewStyle().Foreground(muted)
	return &s
}

// huhStyles dresses huh's forms in these styles, so forms have no colour of
// their own. roomy keeps huh's blank line between fields, for tall screens.
func huhStyles(st *styles, roomy bool) *huh.Styles {
	t := huh.ThemeBase(true)
	none := lipgloss.NewStyle()
	if !roomy {
		t.FieldSeparator = none.SetString("\n")
	}
	t.Group.Title = st.Section
	t.Group.Description = st.Muted

	f := &t.Focused
	f.Base = f.Base.BorderForeground(st.AccentColor)
	f.Card = f.Base
	f.Title = st.Section
	f.Description = st.Muted
	f.ErrorIndicator = st.ErrorText.SetString(" ⚠")
	f.ErrorMessage = st.ErrorText
	f.SelectSelector = st.Cursor.SetString("› ")
	f.Option = st.Value
	f.NextIndicator = st.Accent.MarginLeft(1).SetString("→")
	f.PrevIndicator = st.Accent.MarginRight(1).SetString("←")
	f.MultiSelectSelector = st.Cursor.SetString("› ")
	f.SelectedOption = st.Bold
	f.SelectedPrefix = st.Accent.SetString("[x] ")
	f.UnselectedOption = st.Value
	f.UnselectedPrefix = st.Muted.SetString("[ ] ")
	f.FocusedButton = st.Selected.Padding(0, 2).MarginRight(1)
	f.BlurredButton = st.Muted.Padding(0, 2).MarginRight(1)
	f.TextInput.Cursor = st.Cursor
	f.TextInput.Placeholder = st.Muted
	f.TextInput.Prompt = st.Accent
	f.TextInput.Text = st.Input

	t.Blurred = t.Focused
	b := &t.Blurred
	b.Base = f.Base.BorderStyle(lipgloss.HiddenBorder())
	b.Card = b.Base
	b.Title = st.Label
	b.SelectSelector = none.SetString("  ")
	b.MultiSelectSelector = none.SetString("  ")
	b.NextIndicator = none
	b.PrevIndicator = none
	b.TextInput.Prompt = st.Muted
	return t
}
