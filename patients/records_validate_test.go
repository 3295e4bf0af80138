package patients

import (
	"math"
	"testing"
	"time"

	"github.com/rs/xid"
)

func TestReplacementRecordValidateTable(t *testing.T) {
	t.Parallel()
	rem, tit := xid.New(), xid.New()
	cases := []struct {
		name string
		edit func(*ReplacementRecord)
		want []problem
	}{
		{"complete", func(*ReplacementRecord) {}, nil},
		{"one day", func(r *ReplacementRecord) { r.To = r.From }, nil},
		{"two titulaires", func(r *ReplacementRecord) { r.Titulaires = append(r.Titulaires, xid.New()) }, nil},
		{"no remplaçant", func(r *ReplacementRecord) { r.Remplacant = xid.NilID() }, one("remplaçant", "indiquez le/la remplaçant(e)")},
		{"no titulaire", func(r *ReplacementRecord) { r.Titulaires = nil }, one("titulaire", "indiquez l'infirmier(e) remplacé(e)")},
		{"replaces herself", func(r *ReplacementRecord) { r.Titulaires = append(r.Titulaires, rem) }, one("titulaire", "ne se remplace pas elle-même")},
		{"no start", func(r *ReplacementRecord) { r.From = Date{} }, one("période", "indiquez la date de début et la date de fin")},
		{"no end", func(r *ReplacementRecord) { r.To = Date{} }, one("période", "la date de fin")},
		{"starts after its end", func(r *ReplacementRecord) { r.From = r.To.AddDays(1) }, one("période", "commence après sa fin")},
		{"share 0", func(r *ReplacementRecord) { r.Share = 0 }, nil},
		{"share 99 %", func(r *ReplacementRecord) { r.Share = 0.99 }, nil},
		{"share 100 %", func(r *ReplacementRecord) { r.Share = 1 }, one("part du cabinet", "entre 0 et 100 %")},
		{"share typed as 20 instead of 0.20", func(r *ReplacementRecord) { r.Share = 20 }, one("part du cabinet", "entre 0 et 100 %")},
		{"share negative", func(r *ReplacementRecord) { r.Share = -0.01 }, one("part du cabinet", "entre 0 et 100 %")},
		{"share not a number", func(r *ReplacementRecord) { r.Share = math.NaN() }, one("part du cabinet", "entre 0 et 100 %")},
		{"billing not chosen", func(r *ReplacementRecord) { r.Billing = "" }, nil},
		{"billing in her own name", func(r *ReplacementRecord) { r.Billing = "remplaçant" }, one("facturation", "jamais en son nom propre")},
		{"contract not chosen", func(r *ReplacementRecord) { r.Contract = "" }, nil},
		{"contract not required", func(r *ReplacementRecord) { r.Contract = ContractNotRequired }, nil},
		{"contract drafted", func(r *ReplacementRecord) { r.Contract = ContractDraft }, nil},
		{"contract state invented", func(r *ReplacementRecord) { r.Contract = "oral" }, one("contrat", "état du contrat inconnu (oral)")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := ReplacementRecord{Remplacant: rem, Titulaires: []xid.ID{tit},
				From: NewDate(2026, time.December, 21), To: NewDate(2027, time.January, 3),
				Share: 0.2, Billing: BillAsTitulaire, Contract: ContractSigned}
			c.edit(&r)
			expectProblems(t, r.Validate(), c.want)
		})
	}
}

func TestTreatmentValidateTable(t *testing.T) {
	t.Parallel()
	start := NewDate(2026, time.November, 2)
	cases := []struct {
		name string
		edit func(*Treatment)
		want []problem
	}{
		{"complete", func(*Treatment) {}, nil},
		{"drug only", func(tr *Treatment) { *tr = Treatment{Drug: "Doliprane"} }, nil},
		{"blank drug", func(tr *Treatment) { tr.Drug = " \n" }, one("traitement 3", "le nom du médicament ou du protocole est obligatoire")},
		{"ends before it starts", func(tr *Treatment) { tr.End = start.AddDays(-1) }, one("traitement 3", "la date de fin du traitement précède sa date de début")},
		{"ends the day it starts", func(tr *Treatment) { tr.End = start }, nil},
		{"start only", func(tr *Treatment) { tr.End = Date{} }, nil},
		{"end only", func(tr *Treatment) { tr.Start = Date{} }, nil},
		{"escape sequence pasted in the dose", func(tr *Treatment) { tr.Dose = "4000 UI\x1b[2J" }, one("traitement 3", "caractère de contrôle")},
		{"carriage return in the prescriber", func(tr *Treatment) { tr.Prescriber = "Dr Poulain\r" }, one("traitement 3", "retapez le texte")},
		{"control characters in two fields, said once", func(tr *Treatment) {
			tr.Code, tr.Monitoring = "\x00", "\x07"
		}, one("traitement 3", "caractère de contrôle")},
		{"route typed freely", func(tr *Treatment) { tr.Route = "sous-cutanée abdominale" }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// Line breaks and tabs are ordinary in a protocol or a monitoring note.
			tr := Treatment{Drug: "Lovenox 4000 UI/0,4 mL", Dose: "4000 UI", Route: RouteSubcutaneous,
				Schedule: "le soir vers 20h", Start: start, End: start.AddDays(9),
				Protocol: "Injection SC\n\talterner les côtés", Monitoring: "plaquettes deux fois par semaine", Prescriber: "Dr Poulain"}
			c.edit(&tr)
			expectProblems(t, tr.Validate(3), c.want)
		})
	}
}

func TestVisitValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Visit)
		want []problem
	}{
		{"planned visit", func(*Visit) {}, nil},
		{"no date", func(v *Visit) { v.Date = Date{} }, one("date", "la date de la visite est obligatoire")},
		{"no patient", func(v *Visit) { v.PatientID = xid.NilID() }, one("patient", "rattachée à un patient")},
		{"window reversed", func(v *Visit) { v.Window = Window{Clock(8, 30), Clock(7, 0)} }, one("plage horaire", "avant de commencer")},
		{"window past midnight", func(v *Visit) { v.Window.End = Clock(24, 5) }, one("plage horaire", "hors de la journée")},
		{"fixed time", func(v *Visit) { v.Window.End = v.Window.Start }, nil},
		{"duration 0", func(v *Visit) { v.DurationMin = 0 }, one("durée", "doit être positive")},
		{"duration negative", func(v *Visit) { v.DurationMin = -10 }, one("durée", "doit être positive")},
		{"duration 1", func(v *Visit) { v.DurationMin = 1 }, nil},
		{"evening round", func(v *Visit) { v.Round = Evening }, nil},
		{"no round", func(v *Visit) { v.Round = "" }, one("tournée", "tournée inconnue \"\" (matin ou soir)")},
		{"round invented", func(v *Visit) { v.Round = "midi" }, one("tournée", "matin ou soir")},
		{"done with its time", func(v *Visit) {
			v.Status, v.DoneAt = Done, time.Date(2026, time.November, 23, 7, 40, 0, 0, Paris())
		}, nil},
		{"done without time", func(v *Visit) { v.Status = Done }, one("heure", "une visite faite doit avoir son heure de réalisation")},
		{"missed", func(v *Visit) { v.Status, v.StatusNote = Missed, "absent" }, nil},
		{"postponed", func(v *Visit) { v.Status = Postponed }, nil},
		{"cancelled", func(v *Visit) { v.Status = Cancelled }, nil},
		{"no status", func(v *Visit) { v.Status = "" }, one("statut", "statut inconnu")},
		{"status invented", func(v *Visit) { v.Status = "en cours" }, one("statut", "statut inconnu \"en cours\"")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := Visit{Date: NewDate(2026, time.November, 23), Round: Morning, PatientID: xid.New(),
				Window: Window{Clock(7, 0), Clock(8, 30)}, DurationMin: 15, Status: Planned}
			c.edit(&v)
			expectProblems(t, v.Validate(), c.want)
		})
	}
}

func TestTransmissionValidateTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Transmission)
		want []problem
	}{
		{"cible and D, A, R", func(*Transmission) {}, nil},
		{"only the Données", func(tr *Transmission) { tr.Actions, tr.Resultats = "", "" }, nil},
		{"only the Actions", func(tr *Transmission) { tr.Donnees, tr.Resultats = "", "" }, nil},
		{"only the Résultats", func(tr *Transmission) { tr.Donnees, tr.Actions = "", "" }, nil},
		{"no patient", func(tr *Transmission) { tr.PatientID = xid.NilID() }, one("patient", "doit concerner un patient")},
		{"blank cible", func(tr *Transmission) { tr.Cible = "  " }, one("cible", "la cible est obligatoire")},
		{"D, A, R all blank", func(tr *Transmission) { tr.Donnees, tr.Actions, tr.Resultats = " ", "\n", "" }, one("contenu", "au moins les Données, les Actions ou les Résultats")},
		{"no time", func(tr *Transmission) { tr.At = time.Time{} }, one("heure", "l'heure de la transmission est obligatoire")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tr := Transmission{PatientID: xid.New(), AuthorID: xid.New(), At: time.Date(2026, time.November, 23, 8, 5, 0, 0, Paris()),
				Cible: "douleur", Donnees: "EVA 6 au genou droit", Actions: "antalgique selon prescription", Resultats: "EVA 3 à 8h45"}
			c.edit(&tr)
			expectProblems(t, tr.Validate(), c.want)
		})
	}
}
