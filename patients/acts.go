package patients

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ActModifier qualifies a coded act where the NGAP prices it differently
// from a plain act of the same letter key and coefficient.
type ActModifier string

// Act modifiers (docs/ngap-idel.md §3.1 and §3.2).
const (
	// Surveillance5bis marks the acts of an insulin-treated patient at home
	// (NGAP Titre XVI ch. II art. 5bis: surveillance AMI 1 + injection
	// AMI 1): they cumulate at full rate with each other.
	Surveillance5bis ActModifier = "5bis"
	// PerfusionStage marks a stage of a perfusion (ch. I art. 9, ch. II
	// art. 3): the stages cumulate at full rate.
	PerfusionStage ActModifier = "perfusion"
	// HeavyDressing marks a pansement lourd et complexe (ch. I art. 3, ch. II
	// art. 5bis): it carries the MCI at home and cumulates at full rate with
	// an AIS session (ch. I art. 11).
	HeavyDressing ActModifier = "pansement lourd"
)

// ActModifiers lists the modifiers in the order a form offers them.
func ActModifiers() []ActModifier {
	return []ActModifier{Surveillance5bis, PerfusionStage, HeavyDressing}
}

// CareAct is one act of a care plan's cotation: a letter key of the tariff
// table (AMI, AMX, AIS, DI, BSA…) with its coefficient and modifiers, or a
// majoration the plan alone can justify (MCI, MIE) with coefficient 1. The
// ngap package checks the key against the tariff table; this type only
// holds what the prescription says.
type CareAct struct {
	Key       string        `json:"key"`
	Coef      float64       `json:"coef"`
	Modifiers []ActModifier `json:"modifiers,omitempty"`
}

// Has reports whether the act carries modifier m.
func (a CareAct) Has(m ActModifier) bool { return slices.Contains(a.Modifiers, m) }

// String writes the act as a nurse reads it: "AMI 1,5", "AMI 1 (5bis)".
func (a CareAct) String() string {
	s := a.Key + " " + strings.Replace(strconv.FormatFloat(a.Coef, 'f', -1, 64), ".", ",", 1)
	if len(a.Modifiers) > 0 {
		ms := make([]string, len(a.Modifiers))
		for i, m := range a.Modifiers {
			ms[i] = string(m)
		}
		s += " (" + strings.Join(ms, ", ") + ")"
	}
	return s
}

// ActsText joins acts with " + ", the way a cotation is written.
func ActsText(acts []CareAct) string {
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = a.String()
	}
	return strings.Join(parts, " + ")
}

// validate checks what needs no tariff table: a key in capitals, a
// positive coefficient with at most two decimals (NGAP coefficients are
// 1, 1.5, 2.5, 1.2…), known modifiers.
func (a CareAct) validate(field string) *ValidationError {
	key := strings.TrimSpace(a.Key)
	switch {
	case key == "" || key != strings.ToUpper(key):
		return &ValidationError{Field: field, Msg: fmt.Sprintf("lettre-clé %q illisible (ex. « AMI »)", a.Key)}
	case !(a.Coef > 0 && a.Coef <= 99) || math.Abs(a.Coef*100-math.Round(a.Coef*100)) > 1e-6:
		return &ValidationError{Field: field, Msg: fmt.Sprintf("coefficient %v illisible pour %s (ex. 1 ou 1,5)", a.Coef, key)}
	}
	for _, m := range a.Modifiers {
		if !slices.Contains(ActModifiers(), m) {
			return &ValidationError{Field: field, Msg: fmt.Sprintf("précision %q inconnue pour %s", m, key)}
		}
	}
	return nil
}
