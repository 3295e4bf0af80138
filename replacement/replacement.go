// Package replacement prepares what a replacement needs on both sides: the
// pack the titulaire writes for her remplaçant and the return the
// remplaçant writes at the end. The CLI and the interface share it; the
// rules themselves are in handover.
package replacement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/atomicfile"
	"tournee/dayplan"
	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
	"tournee/pdfdoc"
)

// Readme is the first thing a remplaçant without tournée reads.
const Readme = `Dossier de remplacement — tournée

Ce dossier contient, pour la période du remplacement :
  dossier.pdf / dossier.html   le dossier imprimable (conditions, une fiche par patient, les tournées prévues)
  contrat.pdf / contrat.html   le projet de contrat de remplacement (au-delà de 24 heures)
  snapshot.json                les données, pour « tournee handover open »

Avec tournée :  tournee handover open FICHIER --db remplacement.db --identity cle.txt
Sans tournée :  age -d -i cle.txt FICHIER | tar x     (ou « age -d FICHIER » avec la phrase de passe)

Ces données sont couvertes par le secret professionnel : ne les copiez pas ailleurs et effacez-les à
la fin du remplacement, une fois les transmissions rendues.
`

// Request says which replacement to prepare.
type Request struct {
	Remplacant xid.ID
	Titulaires []xid.ID // empty: the nurse of this laptop
	From, To   patients.Date
	Patients   []xid.ID // empty: every active patient of the titulaires
	Share      float64  // 0: her contract's, or 10 %
	Now        time.Time
	// RoadTimes: the rounds are timed on the imported roads; the dossier
	// then credits OpenStreetMap.
	RoadTimes bool
}

// Prepared is a pack ready to be written, what the preview shows.
type Prepared struct {
	Pack     handover.Pack
	Warnings []string
	// Contract: the pack carries the contract draft, for a replacement
	// beyond 24 hours or a short one repeated (CSP R.4312-85).
	Contract bool
	// Conditions are what the nurses check themselves: her status, 2 400 h
	// or authorisation, RCP, the Ordre, the CPAM (handover.Conditions).
	Conditions []string
}

// Prepare loads the cabinet and the days of the period and builds the pack:
// what the preview shows, with the rule warnings. See PrepareChecked.
func Prepare(ctx context.Context, st patients.Store, req Request) (handover.Pack, []string, error) {
	p, err := PrepareChecked(ctx, st, req)
	return p.Pack, p.Warnings, err
}

// PrepareChecked builds the pack and applies the replacement rules: the
// pack's own (handover.BuildPack), the remplaçant(e)'s authorisation over
// the whole period, and, on a store that keeps replacement records, the
// rules across them (at most two titulaires at once, a contract for short
// repeated replacements). A refusal is a patients.ValidationErrors in French.
func PrepareChecked(ctx context.Context, st patients.Store, req Request) (Prepared, error) {
	in, err := packInput(ctx, st, req.Remplacant, req.Titulaires, req.From, req.To)
	if err != nil {
		return Prepared{}, err
	}
	in.Patients, in.Share, in.Now = req.Patients, req.Share, req.Now
	p, warnings, err := handover.BuildPack(in)
	if err != nil {
		return Prepared{Pack: p, Warnings: warnings}, err
	}
	p.RoadTimes = req.RoadTimes
	if err := handover.CheckAuthorisation(p.Remplacant, p.From, p.To); err != nil {
		return Prepared{Pack: p, Warnings: warnings}, err
	}
	contract, more, err := checkStored(ctx, st, p, req.Now)
	if err != nil {
		return Prepared{Pack: p, Warnings: warnings}, err
	}
	warnings = append(warnings, more...)
	if c, ok := st.(clocked); ok {
		if p.Clock, err = c.HandoverClock(ctx); err != nil {
			return Prepared{Pack: p, Warnings: warnings}, err
		}
	}
	return Prepared{Pack: p, Warnings: warnings, Contract: contract, Conditions: handover.Conditions(p.Remplacant)}, nil
}

// clocked is a store with a hybrid logical clock (storage.DB): the pack
// carries its reading, the return the stamps of her outcomes.
type clocked interface {
	HandoverClock(ctx context.Context) (handover.Stamp, error)
	OutcomeStamps(ctx context.Context, ids []xid.ID) (map[xid.ID]handover.Stamp, error)
}

// WritePack seals the pack for the key and writes it to path, which must
// not exist yet; the contract draft goes with it beyond 24 hours.
func WritePack(p handover.Pack, key packfile.Key, path string, now time.Time) error {
	return writePack(p, handover.ContractRequired(p.From, p.To), key, path, now)
}

// WritePrepared writes a prepared pack, with the contract draft when the
// rules ask for one.
func WritePrepared(p Prepared, key packfile.Key, path string, now time.Time) error {
	return writePack(p.Pack, p.Contract, key, path, now)
}

func writePack(p handover.Pack, contract bool, key packfile.Key, path string, now time.Time) error {
	files, err := FilesWith(p, contract)
	if err != nil {
		return err
	}
	var buf strings.Builder
	if err := packfile.Seal(&buf, files, key, now); err != nil {
		return err
	}
	return WriteNew(path, []byte(buf.String()))
}

// packInput loads the cabinet and the days of the period.
func packInput(ctx context.Context, db patients.Store, remplacant xid.ID, titulaires []xid.ID, from, to patients.Date) (handover.PackInput, error) {
	var in handover.PackInput
	cab, err := db.Cabinet(ctx)
	if err != nil {
		return in, err
	}
	nurses, err := db.Nurses(ctx)
	if err != nil {
		return in, err
	}
	in.Remplacant, in.Titulaires = remplacant, slices.Clone(titulaires)
	if len(in.Titulaires) == 0 {
		in.Titulaires = []xid.ID{cab.CurrentNurse}
	}
	ps, err := db.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	if err != nil {
		return in, err
	}
	plans, err := db.CarePlans(ctx, xid.NilID())
	if err != nil {
		return in, err
	}
	in.Data = patients.Dataset{Cabinet: cab, Nurses: nurses, Patients: ps, CarePlans: plans}
	for _, p := range ps {
		ts, err := db.Transmissions(ctx, p.ID, 0)
		if err != nil {
			return in, err
		}
		in.Data.Transmissions = append(in.Data.Transmissions, ts...)
	}
	// The rounds of the period: stored visits, or built from the care plans.
	for d := from; !d.After(to) && !to.Before(from); d = d.AddDays(1) {
		day, err := dayplan.Load(ctx, db, d)
		if err != nil {
			return in, err
		}
		in.Data.Visits = append(in.Data.Visits, day.Visits...)
	}
	// The rounds of the period are hers now (the titulaire abstains, R.4312-84).
	for i, v := range in.Data.Visits {
		if v.Status == patients.Planned && slices.Contains(in.Titulaires, v.NurseID) {
			in.Data.Visits[i].NurseID = in.Remplacant
		}
	}
	in.From, in.To = from, to
	return in, nil
}

// Files lays out the pack: data, printable dossier, contract (beyond 24
// hours), readme.
func Files(p handover.Pack) ([]packfile.File, error) {
	return FilesWith(p, handover.ContractRequired(p.From, p.To))
}

// FilesWith lays out the pack, with the contract draft when contract is
// true.
func FilesWith(p handover.Pack, contract bool) ([]packfile.File, error) {
	snap, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	dossier := p.Dossier()
	pdf, err := pdfdoc.Render(dossier)
	if err != nil {
		return nil, fmt.Errorf("render dossier: %w", err)
	}
	files := []packfile.File{
		{Name: "LISEZMOI.txt", Data: []byte(Readme)},
		{Name: "dossier.pdf", Data: pdf},
		{Name: "dossier.html", Data: handover.RenderHTML(dossier)},
	}
	if contract {
		c := p.ContractDraft()
		cpdf, err := pdfdoc.Render(c)
		if err != nil {
			return nil, fmt.Errorf("render contract: %w", err)
		}
		files = append(files, packfile.File{Name: "contrat.pdf", Data: cpdf}, packfile.File{Name: "contrat.html", Data: handover.RenderHTML(c)})
	}
	return append(files, packfile.File{Name: "snapshot.json", Data: snap}), nil
}

// WriteNew writes a file that must not exist yet, atomically and 0600: an
// existing file (also one another writer publishes meanwhile) is never
// replaced, and the error wraps os.ErrExist.
func WriteNew(path string, data []byte) error {
	return atomicfile.WriteNew(path, atomicfile.Bytes(data))
}

// BuildReturn gathers, from the remplaçant's base, what goes back.
func BuildReturn(ctx context.Context, st patients.Store, now time.Time) (handover.Return, error) {
	ret, _, err := ReviewReturn(ctx, st, now)
	return ret, err
}

// ReviewReturn gathers the return and what to tell her before it is
// written: what it carries, and what of hers would stay behind.
func ReviewReturn(ctx context.Context, st patients.Store, now time.Time) (handover.Return, handover.ReturnReview, error) {
	var rv handover.ReturnReview
	ret, ts, vs, names, err := gatherReturn(ctx, st, now)
	if err != nil {
		return ret, rv, err
	}
	return ret, ret.Review(ts, vs, names, patients.DateOf(now)), nil
}

func gatherReturn(ctx context.Context, st patients.Store, now time.Time) (handover.Return, []patients.Transmission, []patients.Visit, map[xid.ID]string, error) {
	cab, err := st.Cabinet(ctx)
	if err != nil {
		return handover.Return{}, nil, nil, nil, err
	}
	rem, err := st.Nurse(ctx, cab.CurrentNurse)
	if err != nil {
		return handover.Return{}, nil, nil, nil, err
	}
	ps, err := st.Patients(ctx, patients.PatientFilter{IncludeArchived: true})
	if err != nil {
		return handover.Return{}, nil, nil, nil, err
	}
	var ts []patients.Transmission
	var vs []patients.Visit
	names := make(map[xid.ID]string, len(ps))
	for _, p := range ps {
		names[p.ID] = p.DisplayName()
		t, err := st.Transmissions(ctx, p.ID, 0)
		if err != nil {
			return handover.Return{}, nil, nil, nil, err
		}
		v, err := st.VisitsOfPatient(ctx, p.ID, 0)
		if err != nil {
			return handover.Return{}, nil, nil, nil, err
		}
		ts, vs = append(ts, t...), append(vs, v...)
	}
	ret, err := handover.BuildReturn(rem, cab.ID, ts, vs, now)
	if err != nil {
		return ret, nil, nil, nil, err
	}
	if c, ok := st.(clocked); ok && len(ret.Visits) > 0 {
		ids := make([]xid.ID, len(ret.Visits))
		for i, v := range ret.Visits {
			ids[i] = v.ID
		}
		if ret.OutcomeStamps, err = c.OutcomeStamps(ctx, ids); err != nil {
			return ret, nil, nil, nil, err
		}
	}
	return ret, ts, vs, names, nil
}

// WriteReturn seals a return bundle for the key and writes it to path.
func WriteReturn(r handover.Return, key packfile.Key, path string, now time.Time) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	var buf strings.Builder
	if err := packfile.Seal(&buf, []packfile.File{{Name: "retour.json", Data: data}}, key, now); err != nil {
		return err
	}
	return WriteNew(path, []byte(buf.String()))
}

// Service binds the functions above to a store and a clock, for the
// interface.
type Service struct {
	Store patients.Store
	Now   func() time.Time
	// RoadTimes says whether the rounds are timed on the imported roads (a
	// routes file beside the base), asked at each pack since the roads can
	// be imported while the app runs: the packs then credit OpenStreetMap.
	// Nil means no roads.
	RoadTimes func() bool
}

func (s Service) roadTimes() bool { return s.RoadTimes != nil && s.RoadTimes() }

// Prepare builds the pack of a replacement under every rule (see
// PrepareChecked).
func (s Service) Prepare(ctx context.Context, req Request) (handover.Pack, []string, error) {
	req.Now, req.RoadTimes = s.Now(), s.roadTimes()
	return Prepare(ctx, s.Store, req)
}

// PrepareChecked builds the pack with all the rules (see PrepareChecked):
// the preview also says whether a contract goes with it.
func (s Service) PrepareChecked(ctx context.Context, req Request) (Prepared, error) {
	req.Now, req.RoadTimes = s.Now(), s.roadTimes()
	return PrepareChecked(ctx, s.Store, req)
}

// WritePack records the replacement (the titulaire is no longer planned
// over its period, on every laptop after the sync), brings the stored days
// in line, then seals and writes the pack, with the contract draft when
// the rules ask for one.
func (s Service) WritePack(p handover.Pack, key packfile.Key, path string) error {
	ctx := context.Background()
	now := s.Now()
	contract, _, err := checkStored(ctx, s.Store, p, now)
	if err != nil {
		return err
	}
	if _, err := Record(ctx, s.Store, p, time.Time{}); err != nil && !errors.Is(err, ErrNotRecorded) {
		return err
	}
	if _, err := dayplan.Reconcile(ctx, s.Store, patients.DateOf(now)); err != nil {
		return fmt.Errorf("replacement recorded, stored days not updated: %w", err)
	}
	if err := writePack(p, contract, key, path, now); err != nil {
		return err
	}
	// Only a pack written is « sent ».
	if _, err := Record(ctx, s.Store, p, now); err != nil && !errors.Is(err, ErrNotRecorded) {
		return fmt.Errorf("pack written, replacement record not updated: %w", err)
	}
	return nil
}

// Replacements lists the cabinet's replacement records, newest first; none
// on a store that keeps none.
func (s Service) Replacements(ctx context.Context) ([]patients.ReplacementRecord, error) {
	rs, ok := s.Store.(Records)
	if !ok {
		return nil, nil
	}
	recs, err := rs.Replacements(ctx)
	slices.Reverse(recs)
	return recs, err
}

// AddNurse stores a nurse (an outside remplaçante added from the
// interface); Validate's warnings come back in French.
func (s Service) AddNurse(ctx context.Context, n *patients.Nurse) ([]string, error) {
	warns, err := n.Validate()
	if err != nil {
		return nil, err
	}
	nurses, err := s.Store.Nurses(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range nurses {
		if o.RPPS == n.RPPS {
			return nil, patients.ValidationErrors{{Field: "rpps", Msg: o.FullName() + " a déjà ce numéro RPPS dans la base"}}
		}
	}
	if err := s.Store.SaveNurse(ctx, n); err != nil {
		return nil, err
	}
	var out []string
	for _, w := range warns {
		out = append(out, w.Msg)
	}
	return out, nil
}

// BuildReturn gathers the return of this base's replacement.
func (s Service) BuildReturn(ctx context.Context) (handover.Return, error) {
	return BuildReturn(ctx, s.Store, s.Now())
}

// ReviewReturn gathers the return and what to tell her before it is
// written (see ReviewReturn).
func (s Service) ReviewReturn(ctx context.Context) (handover.Return, handover.ReturnReview, error) {
	return ReviewReturn(ctx, s.Store, s.Now())
}

// WriteReturn seals and writes a return bundle.
func (s Service) WriteReturn(r handover.Return, key packfile.Key, path string) error {
	return WriteReturn(r, key, path, s.Now())
}
