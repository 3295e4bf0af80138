package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"tournee/handover"
	"tournee/patients"
)

// returnFixture is a titulaire's base: the titulaire, a colleague, the
// remplaçante (known: the pack was written for her), a patient of each
// nurse, one visit each on the first day of the period.
type returnFixture struct {
	db                *DB
	cab               patients.Cabinet
	tit, other, rem   patients.Nurse
	mine, theirs      patients.Patient
	visit, otherVisit patients.Visit
	from, to          patients.Date
}

func newReturnFixture(t *testing.T) *returnFixture {
	t.Helper()
	db, _ := openTest(t)
	f := &returnFixture{db: db, from: patients.NewDate(2026, 11, 23), to: patients.NewDate(2026, 11, 25)}
	for i, n := range []*patients.Nurse{&f.tit, &f.other, &f.rem} {
		*n = sampleNurse()
		n.FirstName = []string{"Aurélie", "Claire", "Émilie"}[i]
		if err := db.SaveNurse(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	f.cab = patients.Cabinet{Name: "Cabinet des Dunes", NurseIDs: []xid.ID{f.tit.ID, f.other.ID, f.rem.ID}, CurrentNurse: f.tit.ID}
	if err := db.SaveCabinet(ctx, f.cab); err != nil {
		t.Fatal(err)
	}
	cab, err := db.Cabinet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.cab = cab
	for _, p := range []struct {
		pt    *patients.Patient
		nurse xid.ID
		name  string
	}{{&f.mine, f.tit.ID, "Martin"}, {&f.theirs, f.other.ID, "Dubois"}} {
		*p.pt = patients.Patient{BirthName: p.name, FirstName: "Odette", Sex: patients.Female, PrimaryNurse: p.nurse}
		if err := db.SavePatient(ctx, p.pt); err != nil {
			t.Fatal(err)
		}
	}
	visit := func(p patients.Patient, nurse xid.ID) patients.Visit {
		return patients.Visit{ID: xid.New(), Date: f.from, Round: patients.Morning, PatientID: p.ID, NurseID: nurse,
			Window: patients.Window{Start: patients.Clock(8, 0), End: patients.Clock(9, 0)}, DurationMin: 15, Status: patients.Planned}
	}
	f.visit, f.otherVisit = visit(f.mine, f.tit.ID), visit(f.theirs, f.other.ID)
	if err := db.SaveVisits(ctx, []patients.Visit{f.visit, f.otherVisit}); err != nil {
		t.Fatal(err)
	}
	return f
}

// herStamp is when the remplaçante set an outcome: later than anything the
// titulaire's base stamped before the import (its clock starts at 07:00).
var herStamp = handover.Stamp{Wall: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC).UnixMilli()}

func (f *returnFixture) ret() handover.Return {
	return handover.Return{Format: handover.ReturnFormat, CabinetID: f.cab.ID, Titulaires: []xid.ID{f.tit.ID},
		Remplacant: f.rem, From: f.from, To: f.to, OutcomeStamps: map[xid.ID]handover.Stamp{}}
}

func (f *returnFixture) done(v patients.Visit) patients.Visit {
	v.NurseID, v.Status, v.DoneBy = f.rem.ID, patients.Done, f.rem.ID
	v.DoneAt = v.Date.At(patients.Clock(8, 20))
	return v
}

func (f *returnFixture) trans(author, patient xid.ID, day patients.Date, cible string) patients.Transmission {
	return patients.Transmission{ID: xid.New(), PatientID: patient, AuthorID: author, At: day.At(patients.Clock(10, 0)),
		Cible: cible, Donnees: "écrite pendant le remplacement"}
}

// A crafted return — another nurse's visit moved to 2030, a transmission
// signed as the titulaire, one about another nurse's patient, one outside
// the period — imports only what the remplaçante may bring; the rest is
// listed, in French, and nothing else of the base changes.
func TestImportReturnSetsAsideWhatItMayNotTouch(t *testing.T) {
	t.Parallel()
	f := newReturnFixture(t)
	ret := f.ret()
	good := f.trans(f.rem.ID, f.mine.ID, f.from, "plaie")
	forged := f.trans(f.tit.ID, f.mine.ID, f.from, "signée titulaire")
	theirs := f.trans(f.rem.ID, f.theirs.ID, f.from, "patient d'une autre")
	// Before the period (and before any pack): a note written after it
	// would be dated in the future here, refused for that first.
	late := f.trans(f.rem.ID, f.mine.ID, f.from.AddDays(-3), "avant la période")
	ret.Transmissions = []patients.Transmission{good, forged, theirs, late}
	moved := f.done(f.otherVisit)
	moved.Date = patients.NewDate(2030, 1, 1)
	ret.Visits = []patients.Visit{f.done(f.visit), moved}
	ret.OutcomeStamps[f.visit.ID], ret.OutcomeStamps[moved.ID] = herStamp, herStamp

	res, err := f.db.ImportReturnChecked(ctx, ret)
	if err != nil {
		t.Fatal(err)
	}
	if res.Transmissions != 1 || res.Visits != 1 || len(res.SetAside) != 4 {
		t.Fatalf("imported %d transmissions, %d visits, set aside %+v; want 1, 1 and 4", res.Transmissions, res.Visits, res.SetAside)
	}
	for i, want := range []string{"autre personne", "hors du remplacement", "hors de la période", "hors de la période"} {
		if !strings.Contains(res.SetAside[i].Why, want) {
			t.Errorf("set aside %d: %q, want %q", i, res.SetAside[i].Why, want)
		}
	}
	if ts, _ := f.db.Transmissions(ctx, f.mine.ID, 0); len(ts) != 1 || ts[0].ID != good.ID {
		t.Errorf("transmissions of her patient: %+v", ts)
	}
	if ts, _ := f.db.Transmissions(ctx, f.theirs.ID, 0); len(ts) != 0 {
		t.Errorf("a transmission about another nurse's patient was imported: %+v", ts)
	}
	if vs, _ := f.db.Visits(ctx, patients.NewDate(2030, 1, 1)); len(vs) != 0 {
		t.Errorf("another nurse's visit moved to 2030: %+v", vs)
	}
	vs, _ := f.db.Visits(ctx, f.from)
	for _, v := range vs {
		switch v.ID {
		case f.visit.ID:
			if v.Status != patients.Done || v.NurseID != f.tit.ID || v.DoneBy != f.rem.ID {
				t.Errorf("her visit: %s by %s (nurse %s)", v.Status, v.DoneBy, v.NurseID)
			}
		case f.otherVisit.ID:
			if v.Status != patients.Planned || v.NurseID != f.other.ID {
				t.Errorf("the colleague's visit changed: %+v", v)
			}
		}
	}
	// Her own visit of the period, with its day or patient changed, or given
	// to another nurse: set aside too.
	f2 := newReturnFixture(t)
	ret2 := f2.ret()
	shifted := f2.done(f2.visit)
	shifted.Date = f2.to
	otherDone := f2.done(f2.otherVisit)
	ret2.Visits = []patients.Visit{shifted, otherDone}
	res, err = f2.db.ImportReturnChecked(ctx, ret2)
	if err != nil || res.Visits != 0 || len(res.SetAside) != 2 ||
		!strings.Contains(res.SetAside[0].Why, "jour") || !strings.Contains(res.SetAside[1].Why, "autre infirmière") {
		t.Fatalf("moved visit / colleague's visit: %+v %v", res, err)
	}
}

// A return naming a nurse this base does not know is refused whole: a
// return adds no one, and nothing of it is written.
func TestImportReturnRefusesANewNurse(t *testing.T) {
	t.Parallel()
	f := newReturnFixture(t)
	ret := f.ret()
	ret.Remplacant = patients.Nurse{ID: xid.New(), FirstName: "Inconnue", LastName: "Nouvelle"}
	ret.Transmissions = []patients.Transmission{f.trans(ret.Remplacant.ID, f.mine.ID, f.from, "x")}
	_, err := f.db.ImportReturnChecked(ctx, ret)
	var fe *handover.FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.French(), "n'ajoute personne") {
		t.Fatalf("new nurse: %v", err)
	}
	if _, err := f.db.Nurse(ctx, ret.Remplacant.ID); !errors.Is(err, patients.ErrNotFound) {
		t.Errorf("the nurse was added: %v", err)
	}
	if ts, _ := f.db.Transmissions(ctx, f.mine.ID, 0); len(ts) != 0 {
		t.Errorf("a refused return wrote %d transmissions", len(ts))
	}
	ret = f.ret()
	ret.From, ret.To = ret.To, ret.From.AddDays(-1)
	if _, err := f.db.ImportReturnChecked(ctx, ret); !errors.As(err, &fe) || !strings.Contains(fe.French(), "inversée") {
		t.Fatalf("inverted period: %v", err)
	}
}

// Importing a return again — as is, or after the titulaire corrected an
// outcome — changes nothing: her outcome's stamp is older than the import,
// and the correction is later still.
func TestImportReturnReplayKeepsLaterCorrections(t *testing.T) {
	t.Parallel()
	f := newReturnFixture(t)
	ret := f.ret()
	ret.Transmissions = []patients.Transmission{f.trans(f.rem.ID, f.mine.ID, f.from, "plaie")}
	ret.Visits = []patients.Visit{f.done(f.visit)}
	ret.OutcomeStamps[f.visit.ID] = herStamp
	if res, err := f.db.ImportReturnChecked(ctx, ret); err != nil || res.Transmissions != 1 || res.Visits != 1 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	if res, err := f.db.ImportReturnChecked(ctx, ret); err != nil || res.Transmissions+res.Visits != 0 || len(res.SetAside) != 0 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	// The titulaire corrects: the visit was in fact missed.
	vs, _ := f.db.Visits(ctx, f.from)
	for _, v := range vs {
		if v.ID == f.visit.ID {
			v.Status, v.DoneAt, v.DoneBy, v.StatusNote = patients.Missed, time.Time{}, xid.NilID(), "hospitalisée"
			if err := f.db.SaveVisits(ctx, []patients.Visit{v}); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := f.db.ImportReturnChecked(ctx, ret)
	if err != nil || res.Visits != 0 || res.Kept != 1 {
		t.Fatalf("replay after the correction: %+v %v", res, err)
	}
	vs, _ = f.db.Visits(ctx, f.from)
	for _, v := range vs {
		if v.ID == f.visit.ID && (v.Status != patients.Missed || v.StatusNote != "hospitalisée") {
			t.Fatalf("the replay reverted the correction: %s %q", v.Status, v.StatusNote)
		}
	}
	// A return of an older version (no stamps) never overwrites an outcome
	// set here either.
	ret.OutcomeStamps = nil
	if res, err := f.db.ImportReturnChecked(ctx, ret); err != nil || res.Visits != 0 || res.Kept != 1 {
		t.Fatalf("replay without stamps: %+v %v", res, err)
	}
	if ts, _ := f.db.Transmissions(ctx, f.mine.ID, 0); len(ts) != 1 {
		t.Errorf("%d transmissions after three imports, want 1", len(ts))
	}
}

// A stamp from the far future is set aside: it would move this base's
// clock years ahead.
func TestImportReturnFutureStamp(t *testing.T) {
	t.Parallel()
	f := newReturnFixture(t)
	ret := f.ret()
	ret.Visits = []patients.Visit{f.done(f.visit)}
	ret.OutcomeStamps[f.visit.ID] = handover.Stamp{Wall: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()}
	res, err := f.db.ImportReturnChecked(ctx, ret)
	if err != nil || res.Visits != 0 || len(res.SetAside) != 1 || !strings.Contains(res.SetAside[0].Why, "future") {
		t.Fatalf("future stamp: %+v %v", res, err)
	}
}
