package patients

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidateNIR(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, nir string
		ok        bool
		msg       string // part of the French message when refused
	}{
		// ANS test INS quoted in docs/dmp-cda.md §6, key 89.
		{"ANS test INS", "279035121518989", true, ""},
		{"demo patient P01", "238016219395217", true, ""},
		{"wrong key", "279035121518988", false, "clé du NIR"},
		// Corsica: 2A counts as 19 and 2B as 18 before the modulo
		// (1850519123456 mod 97 = 64, key 33; 2691218045678 mod 97 = 80, key 17).
		{"Corse-du-Sud 2A", "185052A12345633", true, ""},
		{"Haute-Corse 2B", "269122B04567817", true, ""},
		{"2A with the key of 2B's rule", "185052A12345634", false, "clé du NIR"},
		{"A outside the department", "1A5052112345633", false, "inattendu"},
		{"too short", "27903512151898", false, "15 caractères"},
		{"too long", "2790351215189890", false, "15 caractères"},
		{"letters", "27903512151898X", false, "inattendu"},
		{"bad sex digit", "579035121518989", false, "commencer par"},
		{"empty", "", false, "15 caractères"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateNIR(c.nir)
			if c.ok != (err == nil) {
				t.Fatalf("ValidateNIR(%q) = %v, want ok=%v", c.nir, err, c.ok)
			}
			var ve *ValidationError
			if !c.ok && (!errors.As(err, &ve) || !strings.Contains(ve.Msg, c.msg)) {
				t.Errorf("message %q lacks %q", err, c.msg)
			}
		})
	}
}

func TestNormalizeNIR(t *testing.T) {
	t.Parallel()
	if got := NormalizeNIR(" 2 79 03 51 215 189 89 "); got != "279035121518989" {
		t.Errorf("NormalizeNIR = %q", got)
	}
	if got := NormalizeNIR("1 85 05 2a 123 456 33"); got != "185052A12345633" || ValidateNIR(got) != nil {
		t.Errorf("lower-case Corsican department: %q", got)
	}
}

func TestValidateRPPS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rpps        string
		err, warned bool
	}{
		{"10001234565", false, false}, // Luhn-valid
		{"10003581377", false, false},
		{"10001234567", false, true}, // wrong check digit: warn only (dmp-cda.md §6)
		{"99900000001", false, true}, // the demo's fake numbers
		{"1000123456", true, false},
		{"1000123456A", true, false},
		{"", true, false},
	}
	for _, c := range cases {
		w, err := ValidateRPPS(c.rpps)
		if (err != nil) != c.err || (w != nil) != c.warned {
			t.Errorf("ValidateRPPS(%q) = %v, %v; want error %v, warning %v", c.rpps, w, err, c.err, c.warned)
		}
	}
}

func FuzzNIR(f *testing.F) {
	for _, s := range []string{"279035121518989", "185052A12345633", "2 79 03", "", "2B", "2A2A2A2A2A2A2A2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeNIR(s)
		if NormalizeNIR(n) != n {
			t.Fatalf("NormalizeNIR not idempotent on %q", s)
		}
		if ValidateNIR(n) != nil {
			return
		}
		// A valid NIR's key is what NIRKey computes, and any other key is refused.
		key, err := NIRKey(n[:13])
		if err != nil {
			t.Fatalf("valid NIR %q but NIRKey fails: %v", n, err)
		}
		other := (key % 97) + 1
		bad := n[:13] + string(rune('0'+other/10)) + string(rune('0'+other%10))
		if ValidateNIR(bad) == nil {
			t.Fatalf("NIR %q with key %02d accepted, right key is %02d", bad, other, key)
		}
	})
}

// TestPatientCloneSharesNothing fails when a field that holds memory (a
// slice, a pointer) is added to Patient without Clone copying it.
func TestPatientCloneSharesNothing(t *testing.T) {
	p := Patient{INS: &INS{}}
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Slice {
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		}
	}
	c := p.Clone()
	cv, pv := reflect.ValueOf(c), reflect.ValueOf(p)
	for i := range pv.NumField() {
		name := pv.Type().Field(i).Name
		switch pv.Field(i).Kind() {
		case reflect.Slice, reflect.Pointer, reflect.Map:
			if pv.Field(i).UnsafePointer() == cv.Field(i).UnsafePointer() {
				t.Errorf("Clone shares %s with the original", name)
			}
		}
	}
}
