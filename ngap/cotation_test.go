package ngap

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCotation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		acts  []Act
		majs  []string
		wrong string // part named in the error; "" when it parses
		// unspec: « actes selon la NGAP »; surv: the 5bis surveillance note
		unspec, surv bool
	}{
		// Every cotation_hint of demo/demo-cabinet.json, as written there...
		{in: "AMI 1 (+ surveillance, NGAP ch. II art. 5bis)", acts: []Act{{"AMI", 1}}, surv: true},
		{in: "AMI 1", acts: []Act{{"AMI", 1}}},
		{in: "AMI 1.5 (+ MAU if only act)", acts: []Act{{"AMI", 1.5}}},
		{in: "AMI 2", acts: []Act{{"AMI", 2}}},
		{in: "AMI 4 + MCI", acts: []Act{{"AMI", 4}}, majs: []string{"MCI"}},
		{in: "BSA (forfait journalier BSI) + IFI", acts: []Act{{"BSA", 1}}, majs: []string{"IFI"}},
		{in: "BSB (forfait journalier BSI) + IFI", acts: []Act{{"BSB", 1}}, majs: []string{"IFI"}},
		{in: "BSC (forfait journalier BSI) + IFI", acts: []Act{{"BSC", 1}}, majs: []string{"IFI"}},
		// ...read as acts left unnamed: the MCI is kept, no act is guessed.
		{in: "acts per NGAP + MCI (palliative, at home)", majs: []string{"MCI"}, unspec: true},
		{in: "acts per NGAP + MCI", majs: []string{"MCI"}, unspec: true},
		// ...knowingly refused.
		{in: "unknown - check NGAP", wrong: "unknown - check NGAP"},
		// ...and as demo/careplan.go stores them (French notes).
		{in: "AMI 1.5 (+ MAU si acte isolé)", acts: []Act{{"AMI", 1.5}}},
		{in: "actes selon la NGAP + MCI (soins palliatifs à domicile)", majs: []string{"MCI"}, unspec: true},
		{in: "AMI 1 (surveillance seule)", acts: []Act{{"AMI", 1}}},
		// Other ways nurses write them.
		{in: "AMI 1 + MAU", acts: []Act{{"AMI", 1}}, majs: []string{"MAU"}},
		{in: "AMI1,5", acts: []Act{{"AMI", 1.5}}},
		{in: "  ami 1,5+mau ", acts: []Act{{"AMI", 1.5}}, majs: []string{"MAU"}},
		{in: "AIS 3 + AMI 1 + IFD", acts: []Act{{"AIS", 3}, {"AMI", 1}}, majs: []string{"IFD"}},
		{in: "DI 2.5", acts: []Act{{"DI", 2.5}}},
		{in: "BSA 1", acts: []Act{{"BSA", 1}}},
		{in: "AMI 1 + nuit profonde", acts: []Act{{"AMI", 1}}, majs: []string{DeepNight}},
		{in: "AMI 1 + Férié", acts: []Act{{"AMI", 1}}, majs: []string{Sunday}},
		{in: "AMI 1 + ", acts: []Act{{"AMI", 1}}},
		{in: "AMI 1 (note (nested)) + MIE", acts: []Act{{"AMI", 1}}, majs: []string{"MIE"}},
		// Refused.
		{in: "", wrong: ""},
		{in: "AMI", wrong: "AMI"},
		{in: "AMI 0", wrong: "AMI 0"},
		{in: "AMI -1", wrong: "AMI -1"},
		{in: "AMI 1 2", wrong: "AMI 1 2"},
		{in: "AMI 1.255", wrong: "AMI 1.255"},
		{in: "AMI 1e1", wrong: "AMI 1e1"},
		{in: "AMI 100", wrong: "AMI 100"},
		{in: "AMI NaN", wrong: "AMI NaN"},
		{in: "AMY 1", wrong: "AMY 1"},
		{in: "AMI 1 (note", wrong: ""},
		{in: "AMI 1) + MAU", wrong: ""},
		{in: "(rien)", wrong: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := ParseCotation(tt.in)
			if tt.acts == nil && tt.majs == nil {
				var ce *CotationError
				if !errors.As(err, &ce) {
					t.Fatalf("ParseCotation(%q) = %+v, %v; want a *CotationError", tt.in, c, err)
				}
				if ce.Part != strings.TrimSpace(tt.wrong) || !strings.Contains(err.Error(), "cotation « ") {
					t.Errorf("error %q names %q, want %q", err, ce.Part, tt.wrong)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCotation(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(c.Acts, tt.acts) || !reflect.DeepEqual(c.Majorations, tt.majs) || c.Unspecified != tt.unspec || c.Surveillance5bis != tt.surv {
				t.Errorf("ParseCotation(%q) = %+v; want acts %v, majorations %v", tt.in, c, tt.acts, tt.majs)
			}
		})
	}
}

func FuzzParseCotation(f *testing.F) {
	for _, s := range []string{"AMI 1", "AMI 1 + MAU", "AMI1,5", "BSA (forfait journalier BSI) + IFI",
		"AMI 1 (+ surveillance, NGAP ch. II art. 5bis)", "acts per NGAP + MCI", "((", "))", "+", "AMI 1e308", "DI 2.5 + nuit"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCotation(s)
		if err != nil {
			if len(c.Acts) != 0 || len(c.Majorations) != 0 || c.Unspecified {
				t.Fatalf("error with a result: %+v", c)
			}
			return
		}
		if len(c.Acts) == 0 && len(c.Majorations) == 0 && !c.Unspecified {
			t.Fatalf("ParseCotation(%q) accepted nothing", s)
		}
		for _, a := range c.Acts {
			if !(a.Coef > 0 && a.Coef <= maxCoef) || !twoDecimals(a.Coef) {
				t.Fatalf("ParseCotation(%q): coefficient %v", s, a.Coef)
			}
		}
	})
}
