// Command tournee plans and records the rounds of French home-care nurses
// (infirmiers libéraux). See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"
	_ "time/tzdata" // Europe/Paris on Windows machines without a zoneinfo database

	tea "charm.land/bubbletea/v2"
	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/billing"
	"tournee/cli"
	"tournee/dmpexport"
	"tournee/patients"
	"tournee/pdfdoc"
	"tournee/replacement"
	"tournee/roads"
	"tournee/storage"
	"tournee/tui"
	"tournee/version"
)

func main() {
	// A double-click on tournee.exe starts the interface: cobra's « This is
	// a command line tool » would close the window at once.
	cobra.MousetrapHelpText = ""
	env := cli.OSEnv()
	env.RunTUI = runTUI
	env.Welcome = runWelcome
	os.Exit(cli.Run(os.Args[1:], env))
}

// runWelcome shows the first-run welcome and says what she chose.
func runWelcome(path string, acts cli.FirstRunActions) (cli.FirstRunOutcome, []byte, error) {
	w := tui.NewWelcome(tui.WelcomeActions{
		Create: func(ctx context.Context, b tui.NewBase) error {
			return acts.Create(ctx, cli.NewBase(b))
		},
		OpenPack: acts.OpenPack,
	}, path, version.Version)
	m, err := tea.NewProgram(w).Run()
	if err != nil {
		return cli.FirstRunQuit, nil, err
	}
	out, pass := m.(tui.Welcome).Outcome()
	switch out {
	case tui.WelcomeOpen:
		return cli.FirstRunOpen, pass, nil
	case tui.WelcomeDemo:
		return cli.FirstRunDemo, nil, nil
	}
	return cli.FirstRunQuit, nil, nil
}

// runTUI opens the interface on an open database. TOURNEE_LOG names a file
// for the interface's log (ids only, never patient data); TOURNEE_LOCK_AFTER
// changes the idle time before the screen locks (« 10m », « 0 » never).
// now is the app's clock: the real one, or one moved by --now/TOURNEE_NOW.
func runTUI(db *storage.DB, now func() time.Time) error {
	var idle time.Duration
	if s := os.Getenv("TOURNEE_LOCK_AFTER"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil && s != "0" {
			return fmt.Errorf("TOURNEE_LOCK_AFTER=%q: a duration such as 5m or 10m, or 0 to never lock", s)
		}
		idle = d
		if idle == 0 {
			idle = -1
		}
	}
	logger := log.New(io.Discard, "", 0)
	if path := os.Getenv("TOURNEE_LOG"); path != "" {
		f, err := tea.LogToFile(path, "tournee")
		if err != nil {
			return err
		}
		defer f.Close()
		logger = log.Default()
	}
	home, _ := os.UserHomeDir()
	// The folder of the last sync (the USB stick's path) is proposed again.
	syncDir, _, err := db.LastSync(context.Background())
	if err != nil {
		return err
	}
	// One reading of the routes file for the planner, the map and the IK.
	plan, pricing := cli.Routes(db.Path())
	app := tui.New(tui.Deps{
		Store:             db,
		Addresses:         db,
		Unlock:            db.CheckPassphrase,
		DMP:               dmpexport.Service{Store: db, Exports: db, Render: pdfdoc.Render, Now: now},
		DMPFolder:         tui.DefaultDMPFolder(home),
		Proof:             proofOnCurrentRoads{billing.ProofService{Store: db, Render: pdfdoc.Render, Now: now, Pricing: pricing}, db.Path()},
		Replacement:       replacement.Service{Store: db, Now: now, RoadTimes: func() bool { return roads.OpenShared(db.Path()) != nil }},
		ReplacementFolder: home,
		Sync:              db,
		Cabinet:           db,
		Data:              dataImports{db},
		DataFolder:        home,
		SyncFolder:        syncDir,
		IdleLock:          idle,
		ReadOnly:          db.ReadOnly(),
		Log:               logger,
		Now:               now,
		Version:           version.Version,
		Plan:              plan,
	})
	_, err = tea.NewProgram(app).Run()
	return err
}

// proofOnCurrentRoads writes a « preuve de soins » on the roads as they are
// when it is asked: an import from the Données screen counts at once for
// the IK, as it does for the rounds. A proof is rare; reading the routes
// file again for it is cheap next to writing the PDF.
type proofOnCurrentRoads struct {
	billing.ProofService
	dbPath string
}

func (p proofOnCurrentRoads) Write(ctx context.Context, patientID xid.ID, from, to patients.Date, dir string) (billing.ProofFiles, error) {
	_, p.Pricing = cli.Routes(p.dbPath)
	return p.ProofService.Write(ctx, patientID, from, to, dir)
}
