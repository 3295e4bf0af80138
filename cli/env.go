package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tournee/passphrase"
	"tournee/storage"

	"golang.org/x/term"
)

// Env is everything the commands take from the process, injected so tests
// run commands in-process with buffers and a fixed clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// IsTerminal reports whether stdin is an interactive terminal (prompts).
	IsTerminal func() bool
	// ReadPassword reads a line without echo; nil reads a plain line.
	ReadPassword func() ([]byte, error)
	// RunTUI opens the full-screen interface on an open database with the
	// app's clock (which --now or TOURNEE_NOW may have moved); nil until the
	// interface exists.
	RunTUI func(db *storage.DB, now func() time.Time) error
	// Welcome shows the first-run welcome (no base yet) with what it can
	// do; nil without the interface.
	Welcome func(path string, acts FirstRunActions) (FirstRunOutcome, []byte, error)
}

// OSEnv returns the real process environment.
func OSEnv() Env {
	fd := int(os.Stdin.Fd())
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:     os.Getenv,
		Now:        time.Now,
		IsTerminal: func() bool { return term.IsTerminal(fd) },
		ReadPassword: func() ([]byte, error) {
			return term.ReadPassword(fd)
		},
	}
}

// dataDir is where tournée keeps its files: $XDG_DATA_HOME/tournee when set,
// else the user's config folder (%AppData% on Windows, ~/Library/Application
// Support on macOS, ~/.config on Linux).
func (e Env) dataDir() (string, error) {
	if x := e.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "tournee"), nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config folder: %w", err)
	}
	return filepath.Join(base, "tournee"), nil
}

// dbPath resolves --db, falling back to the data folder.
func (e Env) dbPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	dir, err := e.dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "tournee.db"), nil
}

// backupDir is the backups folder beside a database file.
func backupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "sauvegardes")
}

var errNoPassphrase = errors.New("aucune phrase de passe : définissez TOURNEE_PASSPHRASE, utilisez --passphrase-file, ou lancez la commande dans un terminal")

// passphrase finds the passphrase, in order: --passphrase-file (first line),
// TOURNEE_PASSPHRASE, an interactive prompt. confirm asks twice (init).
func (e Env) passphrase(file string, confirm bool) ([]byte, error) {
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read passphrase file: %w", err)
		}
		line, _, _ := strings.Cut(string(raw), "\n")
		line = strings.TrimRight(line, "\r")
		if line == "" {
			return nil, fmt.Errorf("le fichier de phrase de passe %s est vide", file)
		}
		return []byte(line), nil
	}
	if p := e.Getenv("TOURNEE_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if e.IsTerminal == nil || !e.IsTerminal() {
		return nil, errNoPassphrase
	}
	p, err := e.prompt("Phrase de passe : ")
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("phrase de passe vide")
	}
	if confirm {
		again, err := e.prompt("Confirmez la phrase de passe : ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, errors.New("les deux phrases de passe diffèrent")
		}
	}
	return p, nil
}

// newPassphrase finds the passphrase of something being created (a
// database, a pack, a key file) as passphrase does, and refuses a weak one
// (passphrase.Check) with French advice. At an interactive prompt the
// advice is shown and the question asked again, three times at most.
func (e Env) newPassphrase(file string) ([]byte, error) {
	interactive := file == "" && e.Getenv("TOURNEE_PASSPHRASE") == "" && e.IsTerminal != nil && e.IsTerminal()
	for try := 1; ; try++ {
		p, err := e.passphrase(file, true)
		if err != nil {
			return nil, err
		}
		err = passphrase.Check(p)
		var weak *passphrase.WeakError
		if err == nil || !interactive || try == 3 || !errors.As(err, &weak) {
			return p, err
		}
		fmt.Fprintf(e.Stderr, "Phrase de passe trop faible : %s\n", weak.Strength.Advice)
	}
}

func (e Env) prompt(label string) ([]byte, error) {
	fmt.Fprint(e.Stderr, label)
	defer fmt.Fprintln(e.Stderr)
	if e.ReadPassword != nil {
		return e.ReadPassword()
	}
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return nil, err
	}
	return []byte(strings.TrimRight(line, "\r\n")), nil
}

// ask reads one visible answer (init's questions).
func (e Env) ask(r *bufio.Reader, label string) (string, error) {
	fmt.Fprint(e.Stderr, label)
	line, err := r.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSpace(line), nil
}
