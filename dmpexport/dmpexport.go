// Package dmpexport prepares and writes a patient's DMP summary: it loads
// the records from the stores, builds the summary and its CDA document with
// handover/dmp, renders the PDF with the renderer it is given, and writes
// the document and its XDS sidecar to a folder. The CLI and the TUI share it.
package dmpexport

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/xid"

	"tournee/atomicfile"
	"tournee/handover"
	"tournee/handover/dmp"
	"tournee/patients"
)

// DefaultDays is the period summarised when none is given: the last four weeks.
const DefaultDays = 28

// Service exports summaries. Render turns a report into PDF bytes.
type Service struct {
	Store   patients.Store
	Exports dmp.Store
	Render  func(handover.Report) ([]byte, error)
	Now     func() time.Time
}

// ErrNoAuthor: the laptop has no current nurse to sign the summary (the
// legal authenticator).
var ErrNoAuthor = errors.New("no current nurse to sign the summary")

// Prepare builds the summary of a patient for the period, as it would be
// exported now: what the preview shows.
func (s Service) Prepare(ctx context.Context, patientID xid.ID, from, to patients.Date) (dmp.Summary, error) {
	p, err := s.Store.Patient(ctx, patientID)
	if err != nil {
		return dmp.Summary{}, err
	}
	cab, err := s.Store.Cabinet(ctx)
	if err != nil {
		return dmp.Summary{}, err
	}
	nurses, err := s.Store.Nurses(ctx)
	if err != nil {
		return dmp.Summary{}, err
	}
	// The nurse at this laptop signs (legal authenticator); the authors
	// are the nurses who did the care, which Summarize finds in the visits.
	var signer patients.Nurse
	found := false
	for _, n := range nurses {
		if n.ID == cab.CurrentNurse {
			signer, found = n, true
		}
	}
	if !found {
		return dmp.Summary{}, ErrNoAuthor
	}
	plans, err := s.Store.CarePlans(ctx, patientID)
	if err != nil {
		return dmp.Summary{}, err
	}
	visits, err := s.Store.VisitsOfPatient(ctx, patientID, 0)
	if err != nil {
		return dmp.Summary{}, err
	}
	trans, err := s.Store.Transmissions(ctx, patientID, 0)
	if err != nil {
		return dmp.Summary{}, err
	}
	return dmp.Summarize(dmp.Input{Patient: p, Plans: plans, Visits: visits, Transmissions: trans,
		Nurses: nurses, Cabinet: cab, Signer: signer, From: from, To: to, Now: s.Now()})
}

// Result says what an export wrote.
type Result struct {
	PatientID xid.ID
	Version   int
	// Files: the CDA document, its XDS sidecar, then the XDM package when
	// one was asked for.
	Files []string
}

// Options choose what an export writes besides the document and its
// sidecar.
type Options struct {
	// XDM adds the IHE XDM ZIP (.zip), ready to attach to an MSSanté
	// message for the patient's Mon espace santé or a doctor.
	XDM bool
}

// Export writes the summary of a patient for the period into dir: the CDA
// document (.xml) and its XDS metadata (.json), created 0600. Exporting the
// same summary again writes the next version of the same set. On any error
// nothing is left in dir and no version is recorded.
func (s Service) Export(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string) (Result, error) {
	return s.ExportWith(ctx, patientID, from, to, dir, Options{})
}

// ExportWith is Export with options: with XDM it also writes the IHE XDM
// package of the same document (.zip), checked against the XDM rules
// before it is written.
func (s Service) ExportWith(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string, opt Options) (Result, error) {
	sum, err := s.Prepare(ctx, patientID, from, to)
	if err != nil {
		return Result{}, err
	}
	last, ok, err := s.Exports.LastExport(ctx, patientID, from, to)
	if err != nil {
		return Result{}, err
	}
	h := sum.Header
	h.DocumentID, h.SetID, h.Version, h.Replaces = dmp.Next(last, ok, newUID)
	if err := h.Validate(); err != nil {
		return Result{}, err
	}
	pdf, err := s.Render(sum.Report)
	if err != nil {
		return Result{}, fmt.Errorf("render summary of %s: %w", patientID, err)
	}
	doc, err := dmp.Document(h, pdf)
	if err != nil {
		return Result{}, err
	}
	meta, err := jsonIndent(dmp.Metadata(h, doc))
	if err != nil {
		return Result{}, err
	}
	base := fmt.Sprintf("DMP-%s-%s_%s-v%d", patientID, from, to, h.Version)
	files := []struct {
		name string
		data []byte
	}{{base + ".xml", doc}, {base + ".json", meta}}
	if opt.XDM {
		pkg, err := dmp.XDM(h, doc, dmp.Submission{UniqueID: newUID(), SourceID: sourceID(h.Custodian.ID),
			Time: h.Created, Author: h.LegalAuthenticator})
		if err != nil {
			return Result{}, err
		}
		if _, err := dmp.VerifyXDM(pkg); err != nil {
			return Result{}, fmt.Errorf("xdm package of %s: %w", patientID, err)
		}
		files = append(files, struct {
			name string
			data []byte
		}{base + ".zip", pkg})
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Result{}, fmt.Errorf("export folder: %w", err)
	}
	res := Result{PatientID: patientID, Version: h.Version}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := writeFile(path, f.data); err != nil {
			removeAll(res.Files)
			return Result{}, err
		}
		res.Files = append(res.Files, path)
	}
	if err := s.Exports.SaveExport(ctx, dmp.Export{PatientID: patientID, From: from, To: to, SetID: h.SetID,
		Version: h.Version, DocumentID: h.DocumentID, At: h.Created}); err != nil {
		removeAll(res.Files)
		return Result{}, err
	}
	return res, nil
}

// Eligible lists the patients whose summary can go to the DMP: active, with
// a qualified INS.
func (s Service) Eligible(ctx context.Context) ([]patients.Patient, error) {
	ps, err := s.Store.Patients(ctx, patients.PatientFilter{})
	if err != nil {
		return nil, err
	}
	var out []patients.Patient
	for _, p := range ps {
		if p.INS.Qualified() {
			out = append(out, p)
		}
	}
	return out, nil
}

// newUID is a random (version 4) UUID written as an OID under 2.25 (ISO/IEC
// 9834-8): a uid for the CDA, and the OID form XDS wants for uniqueId, so
// the uploading software has nothing to convert.
func newUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return "2.25." + new(big.Int).SetBytes(b[:]).String()
}

// sourceID is the XDS sourceId of the packages a cabinet sends: an OID
// under 2.25 made from its national structure id, so it is the same on
// every laptop of the cabinet and needs no registration. The UUID is a
// name-based one (RFC 9562 version 8, from SHA-256).
func sourceID(structureID string) string {
	sum := sha256.Sum256([]byte("tournee xds source " + structureID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return "2.25." + new(big.Int).SetBytes(b).String()
}

// writeFile writes atomically, 0600, so a stick pulled out never leaves
// half a document.
func writeFile(path string, data []byte) error {
	if err := atomicfile.Replace(path, atomicfile.Bytes(data)); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}
