package ngap

// LineAct is an act of a billing line: its code, coefficient, the rate
// article 11B pays it at (1, 0.5 or 0) and its amount in euros.
type LineAct struct {
	Code   string  `json:"code"`
	Coef   float64 `json:"coef"`
	Rate   float64 `json:"rate"`
	Amount float64 `json:"amount"`
}

// LineMajoration is a majoration of a billing line: MAU, MCI, MIE, N1, N2, F.
type LineMajoration struct {
	Code   string  `json:"code"`
	Amount float64 `json:"amount"`
}

// Line is one visit as the nurse reconciles it with her SESAM-Vitale
// software: the JSON form of « tournee facturation » and the detail of the
// rétrocession statement. Euros are numbers (9.05), dates YYYY-MM-DD, times
// HH:MM (when the care began).
type Line struct {
	VisitID     string           `json:"visit_id"`
	Date        string           `json:"date"`
	Time        string           `json:"time"`
	PatientID   string           `json:"patient_id"`
	NurseID     string           `json:"nurse_id"`
	Acts        []LineAct        `json:"acts"`
	Majorations []LineMajoration `json:"majorations"`
	// IFD is the flat travel allowance, IFD or IFI (FlatCode says which).
	IFD      float64 `json:"ifd"`
	FlatCode string  `json:"ifd_code,omitempty"`
	IKKm     float64 `json:"ik_km"`
	IK       float64 `json:"ik"`
	// IKEstimated: the km are the crow-fly estimate, not a road distance.
	IKEstimated bool     `json:"ik_estimated,omitempty"`
	Total       float64  `json:"total"`
	Checks      []string `json:"points_a_verifier,omitempty"`
}

func euros(c int64) float64 { return float64(c) / 100 }

// LineOf turns a visit's bill into its line.
func LineOf(f VisitFees) Line {
	l := Line{VisitID: f.VisitID.String(), Date: f.Date.String(), Time: f.Time.String(), PatientID: f.PatientID.String(),
		NurseID: f.NurseID.String(), Acts: []LineAct{}, Majorations: []LineMajoration{}, Total: euros(f.Total), Checks: f.Warnings}
	if f.NurseID.IsZero() {
		l.NurseID = ""
	}
	for _, fe := range f.Lines {
		switch {
		case fe.Kind == ActFee:
			l.Acts = append(l.Acts, LineAct{Code: fe.Code, Coef: float64(fe.Coef) / 100, Rate: float64(fe.Rate) / 100, Amount: euros(fe.Cents)})
		case fe.Kind == MajorationFee:
			l.Majorations = append(l.Majorations, LineMajoration{Code: fe.BillingCode(), Amount: euros(fe.Cents)})
		case fe.IsIK():
			l.IKKm += float64(fe.Km)
			l.IK += euros(fe.Cents)
			l.IKEstimated = l.IKEstimated || fe.Estimated
		case fe.Kind == TravelFee:
			l.IFD += euros(fe.Cents)
			l.FlatCode = fe.Code
		}
	}
	return l
}

// ActsSummary writes the acts and majorations of a bill the way a nurse
// reads them: "AMI 1 + AMI 1 (5bis), MAU, F, IFD, IK 6 km".
func ActsSummary(f VisitFees) string {
	s := ""
	for _, fe := range f.Lines {
		part := fe.BillingCode()
		switch {
		case fe.Kind == ActFee:
			part = fe.Code + " " + coefText(fe.Coef)
			if fe.Rate == 50 {
				part += " à 50 %"
			} else if fe.Rate == 0 {
				part += " à 0"
			}
		case fe.IsIK():
			part = "IK " + coefText(fe.Km*100) + " km"
			if fe.Estimated {
				part += " (estimés)"
			}
		}
		if s != "" {
			s += " + "
		}
		s += part
	}
	return s
}
