package tui

// The replacement screen's commands: the preview and the pack's writing,
// run by the service outside Update, and their errors in French.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"tournee/handover"
	"tournee/packfile"
	"tournee/replacement"
)

// prepare checks the form and asks the service for the preview.
func (s replacementScreen) prepare() (replacementScreen, tea.Cmd) {
	k, problem := s.packKey()
	path := strings.TrimSpace(s.in[rfOut].Value())
	if problem == "" && path == "" {
		s.focus, problem = rfOut, "Indiquez le fichier à écrire."
	}
	var req replacement.Request
	if problem == "" && s.side == replTitulaire {
		req, problem = s.request()
	}
	if problem != "" {
		s.problem = problem
		s.applyFocus()
		return s, nil
	}
	s.problem, s.key, s.path = "", k, path
	s.seq++
	s.step = replPreparing
	s.applyFocus()
	svc, seq := s.svc, s.seq
	if s.side == replRemplacant {
		return s, reviewReturn(svc, seq)
	}
	return s, func() tea.Msg {
		if c, ok := svc.(interface {
			PrepareChecked(ctx context.Context, req replacement.Request) (replacement.Prepared, error)
		}); ok {
			p, err := c.PrepareChecked(context.Background(), req)
			return replPreparedMsg{seq: seq, pack: p.Pack, warnings: p.Warnings, contract: p.Contract, err: err}
		}
		pack, warnings, err := svc.Prepare(context.Background(), req)
		return replPreparedMsg{seq: seq, pack: pack, warnings: warnings, contract: handover.ContractRequired(pack.From, pack.To), err: err}
	}
}

// write seals what the preview showed into the file.
func (s replacementScreen) write() (replacementScreen, tea.Cmd) {
	s.seq++
	s.step, s.problem = replWriting, ""
	svc, seq, path, pack, ret := s.svc, s.seq, s.path, s.pack, s.ret
	k := packfile.Key{Recipient: s.key.Recipient, Passphrase: bytes.Clone(s.key.Passphrase)}
	side := s.side
	return s, func() tea.Msg {
		// The folder may be new (the first replacement on this laptop);
		// 0700, as it will hold health data.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return replWrittenMsg{seq: seq, path: path, err: err}
		}
		var err error
		if side == replRemplacant {
			err = svc.WriteReturn(ret, k, path)
		} else {
			err = svc.WritePack(pack, k, path)
		}
		return replWrittenMsg{seq: seq, path: path, err: err}
	}
}

// replError carries the French of a failure to write or gather the
// replacement's files, for userMessage; the log gets the wrapped error.
type replError struct {
	err error
	fr  string
}

func (e replError) Error() string  { return e.err.Error() }
func (e replError) Unwrap() error  { return e.err }
func (e replError) French() string { return e.fr }

func frenchReplError(err error) error {
	var fr string
	switch {
	case errors.Is(err, os.ErrExist):
		fr = "Ce fichier existe déjà et n'est jamais écrasé : choisissez un autre nom."
	case errors.Is(err, packfile.ErrInvalidKey):
		fr = "Cette clé publique est illisible : copiez-la en entier, elle commence par « age1 »."
	case errors.Is(err, os.ErrPermission):
		fr = "Pas le droit d'écrire dans ce dossier : choisissez-en un autre (la clé USB, par exemple)."
	case errors.Is(err, os.ErrNotExist):
		fr = "Ce dossier n'existe pas ou la clé USB n'est plus branchée."
	case errors.Is(err, handover.ErrNotReplacement):
		fr = "Cette base ne contient pas de remplacement à rendre."
	default:
		return err
	}
	return replError{err: err, fr: fr}
}
