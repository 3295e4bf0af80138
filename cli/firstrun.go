package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"tournee/storage"
)

// NewBase is what the first-run welcome asks to create a base; KeyFile and
// KeyPassphrase join the cabinet when set.
type NewBase struct {
	Cabinet, Nurse, RPPS string
	Passphrase           []byte
	KeyFile              string
	KeyPassphrase        []byte
}

// FirstRunActions are what the welcome can do. They run the very commands
// a nurse would type (init, cabinet join, handover open), so the welcome
// checks and refuses exactly as the command line does.
type FirstRunActions struct {
	Create   func(ctx context.Context, b NewBase) error
	OpenPack func(ctx context.Context, pack string, packPass, basePass []byte) error
}

// FirstRunOutcome is how the welcome ended.
type FirstRunOutcome int

const (
	// FirstRunQuit: she closed the welcome without a base.
	FirstRunQuit FirstRunOutcome = iota
	// FirstRunOpen: the base was created; open it with the passphrase.
	FirstRunOpen
	// FirstRunDemo: try the demo cabinet.
	FirstRunDemo
)

// firstRun says whether tournée starts for the first time here: no base
// at its place and a person at the keyboard (a double-click opens a
// console), so the welcome can ask.
func (a *app) firstRun() (string, bool) {
	if a.env.Welcome == nil || a.env.IsTerminal == nil || !a.env.IsTerminal() {
		return "", false
	}
	path, err := a.env.dbPath(a.dbFlag)
	if err != nil {
		return "", false
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	return path, true
}

// welcome shows the first-run welcome, then opens what it made.
func (a *app) welcome(cmd *cobra.Command, path string) error {
	acts := FirstRunActions{
		Create: func(_ context.Context, b NewBase) error {
			if err := a.sub(map[string]string{"TOURNEE_PASSPHRASE": string(b.Passphrase)},
				"init", "--db", path, "--cabinet", b.Cabinet, "--nurse", b.Nurse, "--rpps", b.RPPS); err != nil {
				return err
			}
			if b.KeyFile == "" {
				return nil
			}
			err := a.sub(map[string]string{"TOURNEE_PASSPHRASE": string(b.Passphrase), "TOURNEE_KEY_PASSPHRASE": string(b.KeyPassphrase)},
				"cabinet", "join", b.KeyFile, "--db", path)
			if err != nil {
				// The base made a moment ago holds nothing yet: removed, so
				// she corrects the key file or its passphrase and submits
				// again rather than finding « une base existe déjà ».
				if rmErr := os.Remove(path); rmErr != nil {
					return fmt.Errorf("base créée, mais le cabinet n'a pas été rejoint : %w ; rejoignez-le avec « tournee cabinet join FICHIER »", err)
				}
				return fmt.Errorf("le cabinet n'a pas été rejoint, rien n'a été créé : %w", err)
			}
			return nil
		},
		OpenPack: func(_ context.Context, pack string, packPass, basePass []byte) error {
			return a.sub(map[string]string{"TOURNEE_PASSPHRASE": string(basePass), "TOURNEE_PACK_PASSPHRASE": string(packPass)},
				"handover", "open", pack, "--passphrase", "--no-tui", "--db", path)
		},
	}
	out, pass, err := a.env.Welcome(path, acts)
	if err != nil {
		return err
	}
	switch out {
	case FirstRunDemo:
		demo := a.demoCmd()
		demo.SetContext(cmd.Context())
		return demo.RunE(demo, nil)
	case FirstRunOpen:
		db, err := a.openWith(path, pass)
		if err != nil {
			return err
		}
		defer db.Close()
		return a.runTUI(cmd.Context(), db)
	}
	return nil
}

// sub runs a command line of tournée with these environment variables and
// no terminal, and returns its French error message, if any.
func (a *app) sub(vars map[string]string, args ...string) error {
	var out, errb bytes.Buffer
	env := a.env
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(""), &out, &errb
	env.IsTerminal = func() bool { return false }
	env.Welcome = nil
	parent := a.env.Getenv
	env.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return parent(k)
	}
	if Run(append(args, a.globalFlags()...), env) == ExitOK {
		return nil
	}
	msg := strings.TrimSpace(errb.String())
	msg = strings.TrimSpace(strings.TrimSuffix(msg, "Voir « tournee --help »."))
	msg = strings.TrimPrefix(msg, "tournee : ")
	return errors.New(msg)
}

// globalFlags passes the clock on to a sub-command.
func (a *app) globalFlags() []string {
	if a.nowFlag != "" {
		return []string{"--now", a.nowFlag}
	}
	return nil
}

// openWith opens a base with a known passphrase (the one just chosen).
func (a *app) openWith(path string, pass []byte) (*storage.DB, error) {
	return storage.OpenWarn(path, pass, storage.Options{Now: a.env.Now, BackupDir: backupDir(path)}, func(w *storage.OpenWarning) {
		fmt.Fprintf(a.env.Stderr, "tournee : attention, %s (%v)\n", w.French(), w.Err)
	})
}
