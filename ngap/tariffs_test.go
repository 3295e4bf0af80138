package ngap

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"tournee/patients"
)

// sharedTable is the reference the app's copy must equal.
const sharedTable = "../../shared/data/ngap-tarifs.csv"

func TestEmbeddedTableIsTheSharedCopy(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile(sharedTable)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the shared tariff table is missing (shared/data must sit next to the repository): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(tarifsCSV), want) {
		t.Fatalf("ngap/tarifs.csv differs from %s: copy it again (cp %s ngap/tarifs.csv)", sharedTable, sharedTable)
	}
}

func day(y int, m time.Month, d int) patients.Date { return patients.Date{Year: y, Month: m, Day: d} }

func TestValue(t *testing.T) {
	t.Parallel()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		code  string
		on    patients.Date
		cents int64
		ok    bool
	}{
		{"IFD the day before avenant 10", "IFD", day(2024, 1, 27), 250, true},
		{"IFD from avenant 10", "IFD", day(2024, 1, 28), 275, true},
		{"IFD in 2026", "IFD", day(2026, 3, 2), 275, true},
		{"IFD before the table starts", "IFD", day(2012, 5, 26), 0, false},
		{"IFI before avenant 10", "IFI", day(2023, 6, 1), 250, true},
		{"AMI, code in any case", "ami", day(2026, 3, 2), 315, true},
		{"BSB forfait", "BSB", day(2026, 3, 2), 1820, true},
		{"BSB before BSI existed", "BSB", day(2019, 12, 31), 0, false},
		{"IK is three rates: ambiguous", "IK", day(2026, 3, 2), 0, false},
		{"IK plaine by id", IKPlaine, day(2026, 3, 2), 35, true},
		{"IK montagne by id", IKMontagne, day(2026, 3, 2), 50, true},
		{"Sunday family before avenant 5", Sunday, day(2018, 7, 31), 800, true},
		{"Sunday family from avenant 5", Sunday, day(2018, 8, 1), 850, true},
		{"night family, not deep night", Night, day(2026, 3, 2), 915, true},
		{"MIE, start date unknown: in force", "MIE", day(2026, 3, 2), 315, true},
		{"unknown value never priced", "TLS/TLD/TLL", day(2026, 3, 2), 0, false},
		{"code 'unknown' is not a code", "unknown", day(2026, 3, 2), 0, false},
		{"unknown code", "AMY", day(2026, 3, 2), 0, false},
		{"AMI 11 is not a code", "AMI 11", day(2026, 3, 2), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tab.Value(tt.code, tt.on)
			if got != tt.cents || ok != tt.ok {
				t.Errorf("Value(%q, %s) = %d, %v; want %d, %v", tt.code, tt.on, got, ok, tt.cents, tt.ok)
			}
		})
	}
}

const header = "id,code,label_fr,category,value_eur,unit,area,valid_from,valid_to,confidence,source,notes\n"

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, csv, err string
	}{
		{"good", header + "ifd_2024,IFD,IFD,deplacement,2.75,per_visit,metropole,2024-01-28,,high,s,\n", ""},
		{"columns by name, extra column", "code,id,label_fr,category,value_eur,unit,valid_from,valid_to,confidence,extra\nIFD,ifd,IFD,d,2.5,per_visit,2012-05-27,,high,x\n", ""},
		{"empty file", "", "empty file"},
		{"missing column", "id,code,label_fr\nx,y,z\n", `missing column "category"`},
		{"short row", header + "ifd,IFD,IFD\n", "wrong number of fields"},
		{"value with comma", header + "ifd,IFD,IFD,d,\"2,75\",per_visit,m,2024-01-28,,high,s,\n", "not an amount"},
		{"value with three decimals", header + "ifd,IFD,IFD,d,2.755,per_visit,m,2024-01-28,,high,s,\n", "not an amount"},
		{"negative value", header + "ifd,IFD,IFD,d,-2.75,per_visit,m,2024-01-28,,high,s,\n", "not an amount"},
		{"bad date", header + "ifd,IFD,IFD,d,2.75,per_visit,m,28/13/2024,,high,s,\n", "valid_from"},
		{"end before start", header + "ifd,IFD,IFD,d,2.75,per_visit,m,2024-01-28,2024-01-01,high,s,\n", "before valid_from"},
		{"empty code", header + "ifd,,IFD,d,2.75,per_visit,m,2024-01-28,,high,s,\n", "empty id or code"},
		{"duplicate id", header + "a,IFD,IFD,d,2.50,per_visit,m,2012-05-27,2024-01-27,high,s,\na,IFD,IFD,d,2.75,per_visit,m,2024-01-28,,high,s,\n", "duplicate id"},
		{"overlapping periods", header + "a,IFD,IFD,d,2.50,per_visit,m,2012-05-27,2024-01-28,high,s,\nb,IFD,IFD,d,2.75,per_visit,m,2024-01-28,,high,s,\n", "overlaps a"},
		{"same code, other label may overlap (IK)", header + "a,IK,IK plaine,d,0.35,per_km,m,2012-05-27,,high,s,\nb,IK,IK montagne,d,0.50,per_km,m,2012-05-27,,high,s,\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.csv))
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.err)
			}
		})
	}
}

func TestParseCents(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"3.15": 315, "0.35": 35, "13": 1300, "10.00": 1000, "2.5": 250, "18.30": 1830} {
		if got, err := parseCents(in); err != nil || got != want {
			t.Errorf("parseCents(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".5", "3.", "3,15", "1e3", "3.150", " 3.15", "9999999999.00"} {
		if _, err := parseCents(in); err == nil {
			t.Errorf("parseCents(%q) accepted", in)
		}
	}
}
