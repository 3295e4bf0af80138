package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"tournee/cabinetsync"
	"tournee/dayplan"
	"tournee/errtext"
	"tournee/handover"
	"tournee/patients"
	"tournee/storage"
	"tournee/version"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// usageError marks a mistake in the command line itself (exit code 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// app holds the flags shared by every command.
type app struct {
	env            Env
	dbFlag         string
	passphraseFile string
	nowFlag        string
	routes         routesSource // read once per process (routes_model.go)
}

// Run executes the command line and returns the process exit code. Errors are
// printed on one line of stderr; nothing panics out of here.
func Run(args []string, env Env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "tournee : erreur interne inattendue (%v) ; vos données n'ont pas été modifiées par cette commande\n", r)
			code = ExitFailure
		}
	}()
	// User data printed by any command reaches the terminal harmless.
	env.Stdout = safeWriter{env.Stdout}
	a := &app{env: env}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return ExitOK
	}
	// An error may quote user data (a name, a field typed): cleaned too.
	fmt.Fprintln(env.Stderr, "tournee : "+safeText(message(err), "  "))
	var u usageError
	if errors.As(err, &u) || isCobraUsage(err) {
		fmt.Fprintln(env.Stderr, "Voir « tournee --help ».")
		return ExitUsage
	}
	return ExitFailure
}

// isCobraUsage recognises the errors cobra itself returns for a bad command line.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "required flag"} {
		if strings.HasPrefix(s, p) || strings.Contains(s, " "+p) {
			return true
		}
	}
	return false
}

// message turns an error into one line for the nurse: a plain French
// sentence for the errors we know, followed by the precise cause.
func message(err error) string {
	var ve patients.ValidationErrors
	var one *patients.ValidationError
	switch {
	case errors.As(err, &ve):
		parts := make([]string, len(ve))
		for i, e := range ve {
			parts[i] = e.Field + " : " + e.Msg
		}
		return "saisie refusée, rien n'a été enregistré — " + strings.Join(parts, " ; ")
	case errors.As(err, &one):
		return "saisie refusée, rien n'a été enregistré — " + one.Field + " : " + one.Msg
	case errors.Is(err, errNoPassphrase):
		return err.Error() + "."
	case errors.Is(err, storage.ErrReadOnly):
		// bbolt's own sentinel: it cannot carry French itself.
		return "base ouverte en lecture seule car le disque est plein : rien n'a été enregistré ; libérez de la place puis relancez tournée."
	}
	if t, ok := errtext.French(err); ok {
		return t + commandHint(err) + " (" + err.Error() + ")"
	}
	return frenchCobra(err.Error())
}

// commandHint is what the command line adds to the shared French: the
// command that gets the nurse out (the interface offers its own screens).
func commandHint(err error) string {
	switch {
	case errors.Is(err, storage.ErrNoDatabase):
		return " : lancez d'abord « tournee init » (ou « tournee demo » pour essayer)"
	case errors.Is(err, storage.ErrNoAddressIndex):
		return " (« tournee geo import adresses-62.csv.gz »)"
	case errors.Is(err, cabinetsync.ErrNoCabinetKey):
		return " (« tournee cabinet init --key-out FICHIER » sur le premier ordinateur, puis « tournee cabinet join FICHIER » sur les autres)"
	case errors.Is(err, cabinetsync.ErrKeyExists):
		return " ; pour la donner à un autre ordinateur : « tournee cabinet export-key --key-out FICHIER »"
	case errors.Is(err, handover.ErrNotReplacement):
		return " (« tournee handover open » crée une telle base)"
	}
	return ""
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "tournee",
		Short: "Tournées, patients et transmissions des infirmiers libéraux",
		Long: `tournée organise la journée d'un(e) infirmier(e) libéral(e) : patients, soins prescrits,
visites, transmissions ciblées. Les données restent sur cet ordinateur, chiffrées.

Sans sous-commande, tournée ouvre l'interface plein écran sur votre base.`,
		Version:       version.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Every subcommand inherits this: none defines its own.
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.setClock() },
		// The root runs the TUI, so cobra would take a mistyped command for an argument.
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("commande inconnue « %s »", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.env.RunTUI == nil {
				fmt.Fprintln(a.env.Stdout, "L'interface plein écran arrive dans une prochaine version.\n"+
					"En attendant, tout se fait en ligne de commande : « tournee --help ».\n"+
					"Pour essayer sur le cabinet de démonstration : « tournee demo --no-tui ».")
				return nil
			}
			if path, first := a.firstRun(); first {
				return a.welcome(cmd, path)
			}
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			return a.runTUI(cmd.Context(), db)
		},
	}
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "fichier de la base (par défaut dans le dossier de données de l'utilisateur)")
	root.PersistentFlags().StringVar(&a.nowFlag, "now", "", "faire comme s'il était cette heure-là (AAAA-MM-JJTHH:MM, heure de Paris ; l'horloge avance ensuite normalement) ; aussi TOURNEE_NOW")
	root.PersistentFlags().StringVar(&a.passphraseFile, "passphrase-file", "", "lire la phrase de passe dans ce fichier (première ligne) au lieu de la demander")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.demoCmd(), a.initCmd(), a.patientsCmd(), a.careplanCmd(), a.transmissionsCmd(), a.visitsCmd(), a.replanCmd(),
		a.backupCmd(), a.restoreCmd(), a.planCmd(), a.geoCmd(), a.dmpCmd(), a.handoverCmd(), a.cabinetCmd(), a.syncCmd(), a.benchCmd(), a.remplacementsCmd(), a.infirmieresCmd(), a.routesCmd(), a.facturationCmd(), a.preuveCmd())
	frenchify(root)
	return root
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("« %s » ne prend pas d'argument (« %s » donné)", cmd.CommandPath(), args[0])
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("« %s » prend %d argument(s), %d donné(s)", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// open opens the user's database with the daily backup enabled.
func (a *app) open(ctx context.Context) (*storage.DB, error) {
	path, err := a.env.dbPath(a.dbFlag)
	if err != nil {
		return nil, err
	}
	// A passphrase typed at the prompt may be mistyped: ask again rather
	// than leave her in front of a closed window.
	asked := a.passphraseFile == "" && a.env.Getenv("TOURNEE_PASSPHRASE") == "" && a.env.IsTerminal != nil && a.env.IsTerminal()
	for try := 1; ; try++ {
		pass, err := a.env.passphrase(a.passphraseFile, false)
		if err != nil {
			return nil, err
		}
		// Reading never depends on writing: a full disk opens the base
		// anyway, with the warning (read-only when it cannot be written).
		db, err := a.openWith(path, pass)
		if !asked || try == maxPassphraseTries || !errors.Is(err, storage.ErrWrongPassphrase) {
			return db, err
		}
		fmt.Fprintln(a.env.Stderr, "Phrase de passe incorrecte, réessayez.")
	}
}

// maxPassphraseTries bounds the prompt: a script stuck at it must end.
const maxPassphraseTries = 5

// runTUI brings the stored days in line with the care plans, then opens the
// interface with the app's clock (--now).
func (a *app) runTUI(ctx context.Context, db *storage.DB) error {
	if _, err := dayplan.Reconcile(ctx, db, a.today()); err != nil {
		return err
	}
	return a.env.RunTUI(db, a.env.Now)
}

// today is the date of the app's clock in Paris.
func (a *app) today() patients.Date { return patients.DateOf(a.env.Now()) }

// withDB runs fn on the opened database and closes it.
func (a *app) withDB(cmd *cobra.Command, fn func(db *storage.DB) error) error {
	db, err := a.open(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}
