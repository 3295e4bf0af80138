package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"tournee/atomicfile"
	"tournee/french"
	"tournee/geo"
	"tournee/patientcsv"
	"tournee/patients"
	"tournee/storage"

	"github.com/paulmach/orb"
	"github.com/rs/xid"
	"github.com/spf13/cobra"
)

func (a *app) patientsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "patients",
		Short: "Lister, consulter, ajouter, importer et exporter les patients ; leurs absences",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.patientsListCmd(), a.patientsShowCmd(), a.patientsAddCmd(), a.patientsImportCmd(), a.patientsExportCmd(),
		a.absenceCmd(), a.careplanDeleteCmd("delete-careplan ID"))
	return cmd
}

func (a *app) patientsListCmd() *cobra.Command {
	var asJSON, archived bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Lister les patients (par nom)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				ps, err := db.Patients(cmd.Context(), patients.PatientFilter{IncludeArchived: archived})
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, nonNil(ps))
				}
				w := a.env.Stdout
				for _, p := range ps {
					flag := ""
					if p.NeedsTwoCarers() {
						flag = "  ⚠ visite à deux"
					}
					if !p.Address.HasCoordinates() {
						flag += "  ⚠ sans coordonnées"
					}
					if p.Archived {
						flag += "  (archivé)"
					}
					fmt.Fprintf(w, "%s  %-32s %s%s\n", p.ID, safe(p.DisplayName()), safe(p.Address.Label()), flag)
				}
				fmt.Fprintf(w, "%d patient(s)\n", len(ps))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau, avec les identifiants)")
	cmd.Flags().BoolVar(&archived, "all", false, "inclure les patients archivés")
	return cmd
}

// nonNil makes an empty listing encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// idNouns names in French the records parseID reads; callers pass the
// English name of the record kind.
var idNouns = map[string]string{"care plan": "soin", "nurse": "infirmier(e)", "visit": "visite"}

// parseID reads a record id given on the command line.
func parseID(what, s string) (xid.ID, error) {
	id, err := xid.FromString(strings.TrimSpace(s))
	if err != nil {
		if fr, ok := idNouns[what]; ok {
			what = fr
		}
		return id, usagef("identifiant %s illisible « %s » (20 caractères, tels qu'affichés par les listes)", french.De(what), s)
	}
	return id, nil
}

func (a *app) patientsShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Afficher la fiche d'un patient (accès d'abord)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("patient", args[0])
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				p, err := db.Patient(cmd.Context(), id)
				if err != nil {
					return err
				}
				plans, err := db.CarePlans(cmd.Context(), id)
				if err != nil {
					return err
				}
				ts, err := db.Transmissions(cmd.Context(), id, 5)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, struct {
						patients.Patient
						CarePlans     []patients.CarePlan     `json:"care_plans"`
						Transmissions []patients.Transmission `json:"last_transmissions"`
					}{p, nonNil(plans), nonNil(ts)})
				}
				writePatientFile(a.env.Stdout, p, plans, ts)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON")
	return cmd
}

// writePatientFile prints the fiche in the order a nurse at the door needs
// it: how to get in, then who to call, then the care.
func writePatientFile(w io.Writer, p patients.Patient, plans []patients.CarePlan, ts []patients.Transmission) {
	// Every value is user data: line makes it harmless (safeText).
	line := func(label, v string) {
		if strings.TrimSpace(v) != "" {
			fmt.Fprintf(w, "  %-16s %s\n", label, safeText(v, strings.Repeat(" ", 19)))
		}
	}
	fmt.Fprintf(w, "%s  (%s)\n", safe(p.DisplayName()), p.ID)
	for _, al := range p.Alerts {
		fmt.Fprintf(w, "  ⚠ %s : %s\n", safe(string(al.Kind)), safe(al.Text))
	}
	fmt.Fprintln(w, "Accès")
	line("Adresse", p.Address.Label())
	line("Complément", p.Address.Complement)
	line("Digicode", p.Access.DoorCode)
	line("Boîte à clés", p.Access.KeyBox)
	line("Étage", p.Access.Floor)
	line("Chien", p.Access.Dog)
	line("Stationnement", p.Access.Parking)
	line("Notes", p.Access.Notes)
	if !p.Address.HasCoordinates() {
		line("Coordonnées", "manquantes : le patient ne peut pas être placé dans une tournée")
	}
	fmt.Fprintln(w, "Contacts")
	for _, ph := range p.Phones {
		line("Téléphone", strings.TrimSpace(ph.Number+" "+paren(ph.Label)))
	}
	for _, c := range p.Contacts {
		line(string(c.Role), contactText(c))
	}
	fmt.Fprintln(w, "Santé")
	if !p.BirthDate.IsZero() {
		line("Naissance", french.ShortDate(p.BirthDate))
	}
	if p.INS != nil {
		line("INS", p.INS.NIR+" ("+string(p.INS.Status)+")")
	}
	line("Allergies", p.AllergyText())
	line("Pathologies", strings.Join(p.Pathologies, ", "))
	line("Autres traitements", strings.Join(p.Treatments, ", "))
	writeTreatments(w, p, plans, line)
	for _, ab := range p.Absences {
		line("Absence", describeAbsence(ab))
	}
	line("Notes", p.Notes)
	fmt.Fprintf(w, "Soins prescrits (%d)\n", len(plans))
	for _, c := range plans {
		var ws []string
		for _, win := range c.Windows {
			ws = append(ws, french.Clock(win.Start)+"–"+french.Clock(win.End))
		}
		strict := ""
		if c.Strict {
			strict = ", horaire strict"
		}
		fmt.Fprintf(w, "  - %s (%s, %s, %s%s)\n", safe(c.Label), strings.Join(ws, " et "), french.Duration(c.DurationMin), safe(french.CarePlanSchedule(c)), strict)
	}
	fmt.Fprintf(w, "Dernières transmissions (%d)\n", len(ts))
	for _, t := range ts {
		fmt.Fprintf(w, "  %s %s — %s\n", french.Date(patients.DateOf(t.At)), french.Time(t.At), safe(t.Cible))
		line("D", t.Donnees)
		line("A", t.Actions)
		line("R", t.Resultats)
	}
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func (a *app) patientsAddCmd() *cobra.Command {
	var p patients.Patient
	var birth, nir, insStatus, lat, lon, coords, phone, sex, givenNames, birthPlace string
	var allergies []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Ajouter un patient",
		Example: `  tournee patients add --nom Leroux --prenom Marcelle --naissance 1938-01-11 --sexe F \
    --adresse "33 Boulevard Jacquard" --code-postal 62100 --commune Calais --lat 50.9486 --lon 1.8539 \
    --digicode 4B27A --tel "06 39 98 00 41"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if birth != "" {
				if p.BirthDate, err = patients.ParseDate(birth); err != nil {
					return usagef("--naissance : %v", err)
				}
			}
			p.Sex = patients.Sex(strings.ToUpper(sex))
			if nir != "" {
				p.INS = &patients.INS{NIR: patients.NormalizeNIR(nir), OID: patients.OIDInsNIR, Status: patients.INSStatus(insStatus),
					GivenNames: strings.Join(strings.Fields(givenNames), " "), BirthPlace: strings.TrimSpace(birthPlace)}
				if f := strings.Fields(givenNames); len(f) > 0 {
					p.INS.FirstGivenName = f[0]
				}
			}
			if (lat == "") != (lon == "") {
				return usagef("--lat et --lon vont ensemble")
			}
			if coords != "" {
				pt, far, err := geo.ParseCoordinates(coords)
				if err != nil {
					return usagef("--coords : %v", err)
				}
				if far {
					fmt.Fprintln(a.env.Stderr, "attention : ces coordonnées sont hors de France métropolitaine ; vérifiez-les.")
				}
				p.Address.Point, p.Address.Source = pt, patients.CoordManual
			}
			if lat != "" {
				la, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
				lo, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
				if err1 != nil || err2 != nil {
					return usagef("--lat/--lon : des degrés décimaux, par exemple 50.9486 et 1.8539")
				}
				p.Address.Point, p.Address.Source = orb.Point{lo, la}, patients.CoordManual
			}
			if phone != "" {
				p.Phones = []patients.Phone{{Number: phone}}
			}
			p.Allergies = allergies
			return a.withDB(cmd, func(db *storage.DB) error {
				known, err := db.Patients(cmd.Context(), patients.PatientFilter{IncludeArchived: true})
				if err != nil {
					return err
				}
				if o, why, ok := patients.FindDuplicate(p, known); ok {
					return fmt.Errorf("ce patient est déjà enregistré : %s (%s, %s) ; rien n'a été enregistré", o.DisplayName(), o.ID, why)
				}
				if err := db.SavePatient(cmd.Context(), &p); err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.env.Stdout, p)
				}
				fmt.Fprintf(a.env.Stdout, "Patient ajouté : %s %s\n", p.ID, safe(p.DisplayName()))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.BirthName, "nom", "", "nom de naissance")
	f.StringVar(&p.UsedName, "nom-usage", "", "nom d'usage (s'il diffère)")
	f.StringVar(&p.FirstName, "prenom", "", "prénom")
	f.StringVar(&birth, "naissance", "", "date de naissance (AAAA-MM-JJ ou JJ/MM/AAAA)")
	f.StringVar(&sex, "sexe", "", "F, M ou U")
	f.StringVar(&nir, "nir", "", "matricule INS (NIR, 15 caractères, clé vérifiée)")
	f.StringVar(&insStatus, "statut-ins", "", "statut de l'identité INS (provisoire, récupérée, validée, qualifiée)")
	f.StringVar(&givenNames, "prenoms-naissance", "", "tous les prénoms de naissance, comme sur l'INS (pour le DMP)")
	f.StringVar(&birthPlace, "lieu-naissance", "", "code INSEE (COG) du lieu de naissance, comme sur l'INS (pour le DMP)")
	f.StringVar(&p.Address.Line, "adresse", "", "numéro et voie")
	f.StringVar(&p.Address.Complement, "complement", "", "complément d'adresse")
	f.StringVar(&p.Address.PostalCode, "code-postal", "", "code postal")
	f.StringVar(&p.Address.City, "commune", "", "commune")
	f.StringVar(&lat, "lat", "", "latitude (degrés décimaux)")
	f.StringVar(&lon, "lon", "", "longitude (degrés décimaux)")
	f.StringVar(&coords, "coords", "", "coordonnées telles qu'affichées sur une carte : « 50.95, 1.85 » (latitude, longitude)")
	f.StringVar(&p.Access.DoorCode, "digicode", "", "digicode")
	f.StringVar(&p.Access.KeyBox, "boite-a-cles", "", "boîte à clés (emplacement, code)")
	f.StringVar(&p.Access.Floor, "etage", "", "étage")
	f.StringVar(&p.Access.Dog, "chien", "", "chien")
	f.StringVar(&p.Access.Parking, "stationnement", "", "stationnement")
	f.StringVar(&p.Access.Notes, "notes-acces", "", "autres consignes d'accès")
	f.StringVar(&phone, "tel", "", "téléphone")
	f.StringSliceVar(&allergies, "allergie", nil, "allergie (répétable)")
	f.StringVar(&p.Notes, "notes", "", "notes")
	f.BoolVar(&asJSON, "json", false, "sortie JSON")
	return cmd
}

func (a *app) patientsImportCmd() *cobra.Command {
	var skipInvalid, skipDuplicates bool
	cmd := &cobra.Command{
		Use:   "import FICHIER.csv",
		Short: "Importer des patients depuis un fichier CSV (tout ou rien)",
		Long: `Importe des patients depuis un CSV (UTF-8 ou Windows-1252 d'Excel, séparateur ; ou ,).
Les en-têtes sont décrits dans le README. Si une ligne est refusée, rien n'est importé
(la liste des lignes fautives est affichée), sauf avec --skip-invalid. Un patient déjà enregistré
(même NIR, ou mêmes nom de naissance, prénom et date de naissance), ou deux fois dans le fichier,
refuse l'import de la même façon, sauf avec --skip-duplicates : réimporter le même fichier
n'enregistre personne deux fois.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := patientcsv.Read(f)
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			if len(res.Unknown) > 0 {
				fmt.Fprintf(a.env.Stderr, "colonnes ignorées (non reconnues) : %s\n", safe(strings.Join(res.Unknown, ", ")))
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(a.env.Stderr, "attention : "+safe(w.Error()))
			}
			for _, re := range res.Errors {
				fmt.Fprintln(a.env.Stderr, safe(re.Error()))
			}
			if len(res.Errors) > 0 && !skipInvalid {
				return fmt.Errorf("import refusé : %d ligne(s) invalide(s), rien n'a été importé (corrigez-les, ou utilisez --skip-invalid)", len(res.Errors))
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				known, err := db.Patients(cmd.Context(), patients.PatientFilter{IncludeArchived: true})
				if err != nil {
					return err
				}
				dups, res := patientcsv.Duplicates(res, known)
				for _, d := range dups {
					fmt.Fprintln(a.env.Stderr, "doublon : "+safe(d.Error()))
				}
				if len(dups) > 0 && !skipDuplicates {
					return fmt.Errorf("import refusé : %d patient(s) déjà enregistré(s), rien n'a été importé (utilisez --skip-duplicates pour importer les autres)", len(dups))
				}
				geocodePatients(cmd.Context(), db, res.Patients, res.Rows, a.env.Stderr)
				if err := db.ImportPatients(cmd.Context(), res.Patients); err != nil {
					return err
				}
				msg := fmt.Sprintf("%d patient(s) importé(s)", len(res.Patients))
				if n := len(res.Errors); n > 0 {
					msg += fmt.Sprintf(", %d ligne(s) ignorée(s)", n)
				}
				if n := len(dups); n > 0 {
					msg += fmt.Sprintf(", %d doublon(s) ignoré(s)", n)
				}
				fmt.Fprintln(a.env.Stdout, msg+".")
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "importer les lignes valides et ignorer les autres")
	cmd.Flags().BoolVar(&skipDuplicates, "skip-duplicates", false, "importer les nouveaux patients et ignorer ceux déjà enregistrés (même NIR, ou mêmes nom de naissance, prénom et date de naissance)")
	return cmd
}

func (a *app) patientsExportCmd() *cobra.Command {
	var archived bool
	cmd := &cobra.Command{
		Use:   "export FICHIER.csv",
		Short: "Exporter les patients en CSV (lisible par Excel) — attention : fichier NON chiffré",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				ps, err := db.Patients(cmd.Context(), patients.PatientFilter{IncludeArchived: archived})
				if err != nil {
					return err
				}
				if err := writeCSVFile(args[0], ps); err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stdout, "%d patient(s) exporté(s) dans %s.\n", len(ps), args[0])
				fmt.Fprintln(a.env.Stderr, "attention : ce fichier contient des données de santé en clair ; ne le laissez pas sur une clé USB.")
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&archived, "all", false, "inclure les patients archivés")
	return cmd
}

// geoMinScore is the score from which a BAN answer is taken without asking:
// the house number found and the street and town nearly identical.
const geoMinScore = 0.8

// geocodePatients fills in the coordinates of imported patients from the
// address index, when there is one. Addresses it cannot place are listed:
// the patients are still imported, flagged as without coordinates.
func geocodePatients(ctx context.Context, db *storage.DB, ps []patients.Patient, lines []int, w io.Writer) {
	if _, err := db.GeoInfo(); err != nil {
		return // no index: nothing to try
	}
	for i := range ps {
		p := &ps[i]
		if p.Address.HasCoordinates() || strings.TrimSpace(p.Address.Line) == "" {
			continue
		}
		text := p.Address.Line + " " + p.Address.PostalCode + " " + p.Address.City
		cands, err := db.GeoFind(ctx, text, 1)
		if err == nil && len(cands) > 0 && cands[0].Exact && cands[0].Score >= geoMinScore {
			p.Address.Point, p.Address.Source = orb.Point{cands[0].Lon, cands[0].Lat}, patients.CoordBAN
			continue
		}
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		fmt.Fprintf(w, "ligne %d : adresse introuvable dans la BAN (« %s ») : patient importé sans coordonnées\n", line, safe(strings.TrimSpace(text)))
	}
}

// writeCSVFile writes the export 0600 (it holds health data in clear),
// whole or not at all, and refuses to overwrite an existing file.
func writeCSVFile(path string, ps []patients.Patient) error {
	return atomicfile.WriteNew(path, func(w io.Writer) error { return patientcsv.Write(w, ps) })
}

// patientByID is shared by the commands that take --patient.
func patientByID(ctx context.Context, db *storage.DB, ref string) (patients.Patient, error) {
	id, err := parseID("patient", ref)
	if err != nil {
		return patients.Patient{}, err
	}
	return db.Patient(ctx, id)
}
