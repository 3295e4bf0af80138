package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/xid"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"tournee/cabinetsync"
	"tournee/dayplan"
	"tournee/errtext"
	"tournee/french"
	"tournee/passphrase"
	"tournee/patients"
	"tournee/storage"
)

func (a *app) cabinetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cabinet",
		Short: "Clé du cabinet pour synchroniser les ordinateurs des infirmières",
		Long: `Les ordinateurs d'un même cabinet se synchronisent par une clé USB ou un dossier partagé
(« tournee sync DOSSIER »). Ce qu'ils y déposent est chiffré avec la clé du cabinet :
créez-la une fois sur le premier ordinateur, puis donnez le fichier aux autres.`,
		Args: noArgs,
	}
	cmd.AddCommand(a.cabinetInitCmd(), a.cabinetJoinCmd(), a.cabinetExportKeyCmd())
	return cmd
}

func (a *app) cabinetInitCmd() *cobra.Command {
	var out string
	var protect bool
	cmd := &cobra.Command{
		Use:   "init --key-out FICHIER",
		Short: "Créer la clé du cabinet et l'écrire dans un fichier à transmettre",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("« cabinet init » demande --key-out FICHIER")
			}
			// Where the key goes is checked before the key is made: nothing
			// half-done (a key stored here, no file to give the others).
			if err := cabinetsync.PrepareKeyOut(out); err != nil {
				return err
			}
			// So is its passphrase: a weak one is refused before anything.
			var pass []byte
			if protect {
				var err error
				if pass, err = a.keyPassphrase(true); err != nil {
					return err
				}
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				if err := cabinetsync.CreateCabinet(cmd.Context(), db, out, pass); err != nil {
					return err
				}
				a.keyFileWritten(out, protect)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&out, "key-out", "", "fichier où écrire la clé (créé en 0600, jamais écrasé)")
	cmd.Flags().BoolVar(&protect, "protect", false, "chiffrer ce fichier avec une phrase de passe (TOURNEE_KEY_PASSPHRASE ou demandée)")
	return cmd
}

func (a *app) cabinetExportKeyCmd() *cobra.Command {
	var out string
	var protect bool
	cmd := &cobra.Command{
		Use:   "export-key --key-out FICHIER",
		Short: "Réécrire la clé du cabinet dans un fichier, pour un nouvel ordinateur",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("cabinet export-key needs --key-out FILE")
			}
			return a.withDB(cmd, func(db *storage.DB) error { return a.writeKeyFile(cmd, db, out, protect) })
		},
	}
	cmd.Flags().StringVar(&out, "key-out", "", "fichier où écrire la clé (créé en 0600, jamais écrasé)")
	cmd.Flags().BoolVar(&protect, "protect", false, "chiffrer ce fichier avec une phrase de passe")
	return cmd
}

func (a *app) writeKeyFile(cmd *cobra.Command, db *storage.DB, out string, protect bool) error {
	var pass []byte
	if protect {
		var err error
		if pass, err = a.keyPassphrase(true); err != nil {
			return err
		}
	}
	return a.writeKeyFileWith(cmd, db, out, protect, pass)
}

func (a *app) writeKeyFileWith(cmd *cobra.Command, db *storage.DB, out string, protect bool, pass []byte) error {
	if err := cabinetsync.ExportKey(cmd.Context(), db, out, pass); err != nil {
		return err
	}
	a.keyFileWritten(out, protect)
	return nil
}

// keyFileWritten says where the key file is and how to give it.
func (a *app) keyFileWritten(out string, protect bool) {
	fmt.Fprintf(a.env.Stdout, "Clé du cabinet écrite dans %s.\n", out)
	if protect {
		fmt.Fprintln(a.env.Stdout, "Le fichier est chiffré : donnez la phrase de passe de vive voix, pas avec le fichier.")
	} else {
		fmt.Fprintln(a.env.Stdout, "Ce fichier ouvre les données du cabinet : ne le donnez qu'aux infirmières du cabinet, puis effacez-le.")
	}
	fmt.Fprintln(a.env.Stdout, "Sur chaque autre ordinateur : « tournee cabinet join "+out+" ».")
}

// keyPassphrase reads the key file's passphrase: TOURNEE_KEY_PASSPHRASE or
// a prompt.
// A new one (confirm) must be strong enough: the key file opens every
// patient of the cabinet.
func (a *app) keyPassphrase(confirm bool) ([]byte, error) {
	p, err := a.readKeyPassphrase(confirm)
	if err == nil && confirm {
		err = passphrase.Check(p)
	}
	return p, err
}

func (a *app) readKeyPassphrase(confirm bool) ([]byte, error) {
	if p := a.env.Getenv("TOURNEE_KEY_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if a.env.IsTerminal == nil || !a.env.IsTerminal() {
		return nil, errors.New("aucune phrase de passe pour le fichier de clé : définissez TOURNEE_KEY_PASSPHRASE ou lancez la commande dans un terminal")
	}
	p, err := a.env.prompt("Phrase de passe du fichier de clé : ")
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("phrase de passe vide")
	}
	if confirm {
		again, err := a.env.prompt("Confirmez : ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, errors.New("les deux phrases de passe diffèrent")
		}
	}
	return p, nil
}

func (a *app) cabinetJoinCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "join FICHIER",
		Short: "Ajouter cet ordinateur au cabinet avec le fichier de clé reçu",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				ask := func() ([]byte, error) { return a.keyPassphrase(false) }
				if err := cabinetsync.JoinData(cmd.Context(), db, data, ask); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, "Cet ordinateur fait partie du cabinet. Synchronisez-le avec « tournee sync DOSSIER » (la clé USB ou le dossier partagé).")
				return nil
			})
		},
	}
}

func (a *app) syncCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync DOSSIER",
		Short: "Synchroniser avec les autres ordinateurs du cabinet par une clé USB ou un dossier partagé",
		Long: `Écrit vos modifications dans DOSSIER/tournee-sync/ (chiffrées avec la clé du cabinet), puis lit et
applique celles des autres ordinateurs. Relancer la commande ne change rien. Les modifications d'un
même champ faites en même temps sur deux ordinateurs sont signalées : « tournee sync conflicts ».`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				rep, err := db.Sync(cmd.Context(), args[0], a.syncProgress(asJSON))
				return a.afterSync(cmd, db, rep, err, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "écrire le bilan en JSON")
	cmd.AddCommand(a.syncConflictsCmd(), a.syncResolveCmd(), a.syncRepairCmd())
	return cmd
}

func (a *app) syncRepairCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "repair DOSSIER",
		Short: "Réparer le dossier de cet ordinateur sur la clé USB ou le dossier partagé, puis synchroniser",
		Long: `Relit un à un les paquets de cet ordinateur dans DOSSIER/tournee-sync/, met de côté (dans
tournee-sync/mis-de-cote/, sans rien effacer) ceux qui ne se lisent pas, réécrit depuis la base ce qui
manque, puis synchronise comme « tournee sync ». À utiliser quand le dossier de cet ordinateur a été
abîmé ou effacé.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				rep, err := db.Repair(cmd.Context(), args[0], a.syncProgress(asJSON))
				return a.afterSync(cmd, db, rep, err, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "écrire le bilan en JSON")
	return cmd
}

// afterSync brings the stored days in line with what came in and prints
// the report.
func (a *app) afterSync(cmd *cobra.Command, db *storage.DB, rep cabinetsync.Report, err error, asJSON bool) error {
	if err != nil {
		return err
	}
	// What came in (care plans, absences) reaches the stored days.
	rec, err := dayplan.Reconcile(cmd.Context(), db, a.today())
	if err != nil {
		return fmt.Errorf("synced, stored days not updated: %w", err)
	}
	if asJSON {
		if err := printJSON(a.env.Stdout, syncJSON(rep)); err != nil {
			return err
		}
	} else {
		printSyncReport(a.env.Stdout, rep, a.env.Now())
		if rec.Changed() {
			fmt.Fprintln(a.env.Stdout, reconcileNote(rec))
		}
	}
	if len(rep.Refused) > 0 {
		return fmt.Errorf("%d paquet(s) mis de côté", len(rep.Refused))
	}
	return nil
}

// syncProgress prints the stage on stderr when a terminal watches.
func (a *app) syncProgress(quiet bool) func(cabinetsync.Progress) {
	if quiet || !a.progressShown() {
		return nil
	}
	return func(p cabinetsync.Progress) {
		if p.Stage == cabinetsync.Finished {
			fmt.Fprint(a.env.Stderr, "\r\033[K")
			return
		}
		fmt.Fprintf(a.env.Stderr, "\r\033[K%s %d/%d", StageLabel(p.Stage), p.Done, p.Total)
	}
}

// progressShown says whether a progress line may be drawn: it redraws
// itself with \r, so only when a person watches stderr in a terminal, not
// when stderr goes to a file or a pipe (a script, a scheduled sync).
func (a *app) progressShown() bool {
	f, ok := a.env.Stderr.(*os.File)
	return ok && a.env.IsTerminal != nil && a.env.IsTerminal() && term.IsTerminal(int(f.Fd()))
}

// StageLabel says a sync stage in French.
func StageLabel(s cabinetsync.Stage) string {
	switch s {
	case cabinetsync.Writing:
		return "Écriture de vos modifications…"
	case cabinetsync.Reading:
		return "Lecture des paquets des autres ordinateurs…"
	case cabinetsync.Applying:
		return "Application des modifications…"
	}
	return "Terminé"
}

func printSyncReport(w io.Writer, r cabinetsync.Report, now time.Time) {
	fmt.Fprintf(w, "Synchronisé avec %s le %s à %s.\n", r.Dir, french.Date(patients.DateOf(now)), french.Time(now))
	fmt.Fprintf(w, "Envoyé : %s.\n", plural(r.Written, "modification", "modifications"))
	if r.Repaired > 0 {
		fmt.Fprintf(w, "%s de cet ordinateur réécrit(s) : il(s) était(ent) abîmé(s) ou manquant(s) sur la clé.\n", plural(r.Repaired, "paquet", "paquets"))
	}
	if !r.Changed() {
		fmt.Fprintln(w, "Reçu : rien de nouveau.")
	} else {
		var parts []string
		for _, c := range []struct {
			n         int
			one, many string
		}{{r.Patients, "patient modifié", "patients modifiés"}, {r.CarePlans, "plan de soins", "plans de soins"},
			{r.Visits, "visite", "visites"}, {r.Transmissions, "transmission", "transmissions"},
			{r.Nurses, "infirmière", "infirmières"}, {r.Cabinet, "fiche du cabinet", "fiches du cabinet"}} {
			if c.n > 0 {
				parts = append(parts, plural(c.n, c.one, c.many))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "Reçu : %s.\n", strings.Join(parts, " · "))
		}
	}
	if r.Conflicts > 0 {
		fmt.Fprintf(w, "%s à vérifier : « tournee sync conflicts ».\n", plural(r.Conflicts, "conflit", "conflits"))
	}
	for _, s := range r.Skews {
		fmt.Fprintf(w, "Attention : l'horloge de l'ordinateur %s est en avance de %s sur celle-ci ; vérifiez l'heure des deux ordinateurs.\n",
			short(s.Replica), french.Duration(int(s.Ahead.Round(time.Minute)/time.Minute)))
	}
	for _, ref := range r.Refused {
		fmt.Fprintf(w, "Mis de côté : %s — %s\n", ref.File, RefusalMessage(ref.Err))
	}
	for _, line := range SyncNotes(r) {
		fmt.Fprintln(w, line)
	}
}

// SyncNotes says in French what a sync found beyond the changes: another
// copy of this database, conflict copies, files set aside or unexpected,
// folders rewritten or missing. The interface shows the same lines.
func SyncNotes(r cabinetsync.Report) []string {
	var out []string
	for _, f := range r.Forks {
		if f.Restored {
			out = append(out, fmt.Sprintf("Cette base est plus ancienne que ce qu'elle avait déposé dans ce dossier (sauvegarde restaurée ?) : "+
				"les modifications qu'elle avait perdues ont été récupérées depuis le dossier, et cet ordinateur a pris une nouvelle identité (%s) pour ne rien écraser.", short(f.New)))
			continue
		}
		out = append(out, fmt.Sprintf("Une copie de cette base (la même base copiée sur un autre ordinateur, ou une sauvegarde restaurée) écrivait sous la même identité : "+
			"les deux historiques ont été fusionnés sans perte, et cette copie a pris une nouvelle identité (%s) ; %s de cette copie renvoyée(s) sous la nouvelle identité.",
			short(f.New), plural(f.Reissued, "modification", "modifications")))
	}
	if r.Rewritten {
		out = append(out, "Le dossier de cet ordinateur avait disparu du dossier de synchronisation : il a été réécrit en entier depuis la base.")
	}
	for _, c := range r.Copies {
		out = append(out, "Copie de conflit lue et fusionnée : "+c+" (faite par l'outil de synchronisation ; elle peut être effacée).")
	}
	for _, sa := range r.SetAside {
		out = append(out, fmt.Sprintf("Fichier illisible mis de côté : %s → %s — %s ; ce qu'il prétendait contenir a été réécrit depuis la base.",
			sa.File, sa.To, RefusalMessage(sa.Err)))
	}
	for _, u := range r.Unexpected {
		out = append(out, "Fichier inattendu dans le dossier de synchronisation, laissé tel quel : "+u)
	}
	for _, id := range r.Missing {
		out = append(out, fmt.Sprintf("Le dossier de l'ordinateur %s a disparu du dossier de synchronisation : il le réécrira à sa prochaine synchronisation.", short(id)))
	}
	return out
}

// RefusalMessage explains in French why a bundle was set aside.
func RefusalMessage(err error) string {
	if t := errtext.Refusal(err); t != "" {
		return t + "."
	}
	return err.Error()
}

func short(id xid.ID) string {
	s := id.String()
	return "…" + s[len(s)-6:]
}

// plural follows French: 0 and 1 take the singular.
func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return french.Count(n) + " " + many
}

type syncReportJSON struct {
	Dir           string   `json:"dir"`
	Written       int      `json:"written"`
	Repaired      int      `json:"repaired"`
	Bundles       int      `json:"bundles"`
	Ops           int      `json:"ops"`
	Patients      int      `json:"patients"`
	CarePlans     int      `json:"care_plans"`
	Visits        int      `json:"visits"`
	Transmissions int      `json:"transmissions"`
	Nurses        int      `json:"nurses"`
	Cabinet       int      `json:"cabinet"`
	Conflicts     int      `json:"conflicts"`
	Refused       []string `json:"refused"`
	SkewsSeconds  []int    `json:"skews_seconds"`
	Forks         []string `json:"forks"`
	Copies        []string `json:"conflict_copies"`
	SetAside      []string `json:"set_aside"`
	Unexpected    []string `json:"unexpected"`
	Rewritten     bool     `json:"rewritten"`
	Notes         []string `json:"notes"`
}

func syncJSON(r cabinetsync.Report) syncReportJSON {
	out := syncReportJSON{Dir: r.Dir, Written: r.Written, Repaired: r.Repaired, Bundles: r.Bundles, Ops: r.Ops,
		Patients: r.Patients, CarePlans: r.CarePlans, Visits: r.Visits, Transmissions: r.Transmissions,
		Nurses: r.Nurses, Cabinet: r.Cabinet, Conflicts: r.Conflicts, Refused: []string{}, SkewsSeconds: []int{},
		Forks: []string{}, Copies: []string{}, SetAside: []string{}, Unexpected: []string{}, Rewritten: r.Rewritten, Notes: SyncNotes(r)}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	for _, f := range r.Forks {
		out.Forks = append(out.Forks, f.Old.String()+" → "+f.New.String())
	}
	out.Copies = append(out.Copies, r.Copies...)
	out.Unexpected = append(out.Unexpected, r.Unexpected...)
	for _, sa := range r.SetAside {
		out.SetAside = append(out.SetAside, sa.File+": "+sa.Err.Error())
	}
	for _, ref := range r.Refused {
		out.Refused = append(out.Refused, ref.File+": "+ref.Err.Error())
	}
	for _, s := range r.Skews {
		out.SkewsSeconds = append(out.SkewsSeconds, int(s.Ahead.Seconds()))
	}
	return out
}

func (a *app) syncConflictsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "conflicts",
		Short: "Lister les modifications concurrentes à confirmer",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				cs, err := db.Conflicts(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if cs == nil {
						cs = []cabinetsync.Conflict{}
					}
					return printJSON(a.env.Stdout, cs)
				}
				if len(cs) == 0 {
					fmt.Fprintln(a.env.Stdout, "Aucun conflit à confirmer.")
					return nil
				}
				for _, c := range cs {
					fmt.Fprintf(a.env.Stdout, "%s  %s — %s\n    gardé : %s (%s)\n    écarté : %s (%s)\n", c.ID, c.Label, french.FieldName(c.Field),
						c.Kept, when(c.KeptAt), c.Lost, when(c.LostAt))
				}
				fmt.Fprintln(a.env.Stdout, "Confirmer : « tournee sync resolve ID » ; rétablir la valeur écartée : « tournee sync resolve ID --restore ».")
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "écrire la liste en JSON")
	return cmd
}

func (a *app) syncResolveCmd() *cobra.Command {
	var restore bool
	cmd := &cobra.Command{
		Use:   "resolve ID",
		Short: "Confirmer un conflit (garder la valeur en vigueur, ou --restore pour rétablir l'autre)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := xid.FromString(args[0])
			if err != nil {
				return usagef("%q is not a conflict id", args[0])
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				if err := db.ResolveConflict(cmd.Context(), id, restore); err != nil {
					return err
				}
				if restore {
					fmt.Fprintln(a.env.Stdout, "Valeur rétablie ; elle partira à la prochaine synchronisation.")
				} else {
					fmt.Fprintln(a.env.Stdout, "Conflit confirmé.")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&restore, "restore", false, "rétablir la valeur écartée")
	return cmd
}

// when says an instant as « lundi 23 novembre 14h05 ».
func when(t time.Time) string {
	return french.Date(patients.DateOf(t)) + " " + french.Time(t)
}
