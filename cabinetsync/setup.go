package cabinetsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"tournee/atomicfile"
	"tournee/passphrase"
)

// KeyStore is what putting a laptop in a cabinet asks of its database
// (storage.DB): the command line and the interface create and join through
// the functions below, so both refuse and succeed alike.
type KeyStore interface {
	// HasCabinetKey tells whether this laptop can sync.
	HasCabinetKey(ctx context.Context) (bool, error)
	// CreateCabinetKey makes the key; ErrKeyExists when there is one.
	CreateCabinetKey(ctx context.Context) error
	// CabinetKeyFile is the key file for the other laptops, encrypted
	// with passphrase when one is given.
	CabinetKeyFile(ctx context.Context, passphrase []byte) ([]byte, error)
	// JoinCabinet installs the key of a key file.
	JoinCabinet(ctx context.Context, keyFile, passphrase []byte) error
}

// KeyOutError is a key file that cannot be written where asked; the key
// was not created. Its text is French, with the system's cause after it.
type KeyOutError struct {
	Path string
	Err  error // fs.ErrExist for a file already there
	msg  string
}

func (e *KeyOutError) Error() string { return e.msg }
func (e *KeyOutError) Unwrap() error { return e.Err }

// PrepareKeyOut checks, before any key is made, that the key file can be
// written at out: its folder is created when missing, an existing file is
// refused (a key file is never overwritten), and a read-only folder (a
// locked USB stick) is found now rather than after the key is stored.
func PrepareKeyOut(out string) error {
	if _, err := os.Lstat(out); err == nil {
		return &KeyOutError{out, fs.ErrExist, fmt.Sprintf("le fichier %s existe déjà : choisissez un autre nom (la clé n'a pas été créée)", out)}
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &KeyOutError{out, err, fmt.Sprintf("impossible de créer le dossier de %s (la clé n'a pas été créée) : %v", out, err)}
	}
	probe, err := os.CreateTemp(dir, ".tournee-*.tmp")
	if err != nil {
		return &KeyOutError{out, err, fmt.Sprintf("impossible d'écrire dans le dossier de %s (la clé n'a pas été créée) : %v", out, err)}
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// CreateCabinet makes the cabinet key on the cabinet's first laptop and
// writes the key file at out (0600, never over an existing file), encrypted
// with pass when pass is not empty. Everything that can be checked is
// checked before the key is stored: where the file goes, and that pass is
// strong enough (it opens every patient of the cabinet). A file that still
// fails to write leaves the key stored: ExportKey writes it again.
func CreateCabinet(ctx context.Context, ks KeyStore, out string, pass []byte) error {
	if err := PrepareKeyOut(out); err != nil {
		return err
	}
	if len(pass) > 0 {
		if err := passphrase.Check(pass); err != nil {
			return err
		}
	}
	if err := ks.CreateCabinetKey(ctx); err != nil {
		return err
	}
	return ExportKey(ctx, ks, out, pass)
}

// ExportKey writes this laptop's cabinet key file at out, for a laptop
// that joins later; pass as in CreateCabinet (checked by the caller).
func ExportKey(ctx context.Context, ks KeyStore, out string, pass []byte) error {
	data, err := ks.CabinetKeyFile(ctx, pass)
	if err != nil {
		return err
	}
	return atomicfile.WriteNew(out, atomicfile.Bytes(data))
}

// Join puts this laptop in the cabinet of the key file at path. A protected
// file asks askPass for its passphrase (nil: ErrKeyProtected is returned);
// an unprotected one never asks. The database is unchanged on any error.
func Join(ctx context.Context, ks KeyStore, path string, askPass func() ([]byte, error)) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return JoinData(ctx, ks, data, askPass)
}

// JoinData is Join with the key file already read.
func JoinData(ctx context.Context, ks KeyStore, data []byte, askPass func() ([]byte, error)) error {
	err := ks.JoinCabinet(ctx, data, nil)
	if !errors.Is(err, ErrKeyProtected) || askPass == nil {
		return err
	}
	pass, err := askPass()
	if err != nil {
		return err
	}
	return ks.JoinCabinet(ctx, data, pass)
}
