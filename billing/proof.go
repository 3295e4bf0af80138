package billing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/xid"

	"tournee/atomicfile"
	"tournee/handover"
	"tournee/ngap"
	"tournee/patients"
)

// Proof builds the « preuve de soins » of a patient for from..to. Every done
// visit of those days is billed, not only the patient's, so that a trip
// shared with a neighbour of the same home bills as it did.
func Proof(ctx context.Context, st Store, patientID xid.ID, from, to patients.Date, p Pricing, t ngap.Tariffs,
	created time.Time) (handover.Proof, patients.Patient, error) {
	pt, err := st.Patient(ctx, patientID)
	if err != nil {
		return handover.Proof{}, pt, err
	}
	d, err := Load(ctx, st, from, to)
	if err != nil {
		return handover.Proof{}, pt, err
	}
	fees, err := BillDone(d, xid.NilID(), p, t)
	if err != nil {
		return handover.Proof{}, pt, err
	}
	byVisit := make(map[xid.ID]ngap.VisitFees, len(fees))
	for _, f := range fees {
		byVisit[f.VisitID] = f
	}
	var plans []patients.CarePlan
	for _, c := range d.Plans {
		if c.PatientID == patientID {
			plans = append(plans, c)
		}
	}
	trans, err := st.Transmissions(ctx, patientID, 0)
	if err != nil {
		return handover.Proof{}, pt, err
	}
	proof := handover.BuildProof(handover.ProofInput{Patient: pt, Cabinet: d.Cabinet, Nurses: d.Nurses, Plans: plans,
		Visits: d.Visits, Fees: byVisit, Transmissions: trans, From: from, To: to, Created: created})
	proof.Report = CreditRoads(proof.Report, slices.DeleteFunc(fees, func(f ngap.VisitFees) bool { return f.PatientID != patientID }))
	return proof, pt, nil
}

// ProofCSVPath is where the CSV of a proof written at pdfPath goes: beside
// it, same name.
func ProofCSVPath(pdfPath string) string {
	return strings.TrimSuffix(pdfPath, filepath.Ext(pdfPath)) + ".csv"
}

// WriteProof writes the proof's PDF at pdfPath and its CSV beside it, each
// atomically and 0600. Neither may exist: a CSV left without its PDF (or the
// reverse) would be a proof that does not match; a failed PDF removes the
// CSV just written.
func WriteProof(pdfPath string, pdf []byte, proof handover.Proof) (csvPath string, err error) {
	csvPath = ProofCSVPath(pdfPath)
	for _, path := range []string{pdfPath, csvPath} {
		if _, err := os.Stat(path); err == nil {
			return "", fmt.Errorf("%s: %w", path, os.ErrExist)
		}
	}
	if err := atomicfile.WriteNew(csvPath, atomicfile.Bytes(proof.CSV)); err != nil {
		return "", err
	}
	if err := atomicfile.WriteNew(pdfPath, atomicfile.Bytes(pdf)); err != nil {
		_ = os.Remove(csvPath)
		return "", err
	}
	return csvPath, nil
}

// ProofService writes proofs of care into a folder: the interface's patient
// file uses it. Render turns a report into PDF bytes; Tariffs nil loads the
// embedded table.
type ProofService struct {
	Store   Store
	Render  func(handover.Report) ([]byte, error)
	Now     func() time.Time
	Pricing Pricing
}

// ProofFiles is what ProofService.Write wrote.
type ProofFiles struct {
	PDF, CSV string
	// SHA256 is the hex digest of the CSV, printed on the PDF.
	SHA256 string
	Visits int
}

// Write builds the patient's proof for from..to and writes it into dir as
// preuve-de-soins-<patient id>-<from>_<to>.pdf and .csv (no name in the
// file name: folders get listed and shared). A proof already written for
// the same period is kept: the new one takes the next free « -2 », « -3 »…
func (s ProofService) Write(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string) (ProofFiles, error) {
	if to.Before(from) || to.DaysSince(from) >= MaxDays {
		return ProofFiles{}, errPeriod
	}
	tariffs, err := ngap.Load()
	if err != nil {
		return ProofFiles{}, err
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	proof, _, err := Proof(ctx, s.Store, patientID, from, to, s.Pricing, tariffs, now())
	if err != nil {
		return ProofFiles{}, err
	}
	pdf, err := s.Render(proof.Report)
	if err != nil {
		return ProofFiles{}, fmt.Errorf("render proof of %s: %w", patientID, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ProofFiles{}, fmt.Errorf("dossier de la preuve de soins : %w", err)
	}
	base := filepath.Join(dir, "preuve-de-soins-"+patientID.String()+"-"+from.String()+"_"+to.String())
	for n := 1; ; n++ {
		path := base + ".pdf"
		if n > 1 {
			path = base + "-" + strconv.Itoa(n) + ".pdf"
		}
		csvPath, err := WriteProof(path, pdf, proof)
		if errors.Is(err, os.ErrExist) && n < 100 {
			continue
		}
		if err != nil {
			return ProofFiles{}, err
		}
		return ProofFiles{PDF: path, CSV: csvPath, SHA256: proof.SHA256, Visits: proof.Visits}, nil
	}
}

// errPeriod speaks French: the interface shows it as is.
var errPeriod = frError("invalid period")

type frError string

func (e frError) Error() string { return string(e) }
func (e frError) French() string {
	return "Période invalide : le premier jour doit précéder le dernier, un an au plus."
}
