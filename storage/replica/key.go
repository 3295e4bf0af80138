package replica

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/rs/xid"

	"tournee/cabinetsync"
)

// Key is the cabinet key: an age X25519 identity every laptop of the cabinet
// holds, and the cabinet it belongs to. Bundles are encrypted to it, so a
// folder of bundles is unreadable to anyone without it.
type Key struct {
	Cabinet xid.ID
	id      *age.X25519Identity
}

// NewKey creates a key for a cabinet.
func NewKey(cabinet xid.ID) (*Key, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	return &Key{Cabinet: cabinet, id: id}, nil
}

// ParseKey reads the secret form String gives.
func ParseKey(cabinet xid.ID, secret string) (*Key, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(secret))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", cabinetsync.ErrBadKeyFile, err)
	}
	return &Key{Cabinet: cabinet, id: id}, nil
}

// Secret is the key in age's text form (AGE-SECRET-KEY-1…).
func (k *Key) Secret() string { return k.id.String() }

// Same tells whether two keys are the same cabinet key.
func (k *Key) Same(o *Key) bool { return k.Cabinet == o.Cabinet && k.Secret() == o.Secret() }

const keyFileCabinet = "# cabinet: "

// KeyFile is the file passed to the cabinet's other laptops: comments, the
// cabinet id and the secret. With a passphrase the whole text is encrypted
// with age's scrypt mode and armored, so it can be printed or mailed to
// oneself without being readable.
func KeyFile(k *Key, cabinetName string, passphrase []byte) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# tournée : clé du cabinet « %s »\n", strings.ReplaceAll(cabinetName, "\n", " "))
	b.WriteString("# Pour un autre ordinateur du cabinet : tournee cabinet join FICHIER\n")
	b.WriteString("# Elle déchiffre les données des patients : ne la confiez qu'aux infirmières du cabinet.\n")
	b.WriteString(keyFileCabinet + k.Cabinet.String() + "\n")
	b.WriteString(k.Secret() + "\n")
	if len(passphrase) == 0 {
		return b.Bytes(), nil
	}
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	aw := armor.NewWriter(&out)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// KeyFileProtected tells a passphrase-protected key file.
func KeyFileProtected(data []byte) bool {
	t := bytes.TrimSpace(data)
	return bytes.HasPrefix(t, []byte(armor.Header)) || bytes.HasPrefix(t, []byte("age-encryption.org/"))
}

// ParseKeyFile reads a key file; a protected one needs its passphrase
// (cabinetsync.ErrKeyProtected without, ErrKeyPassphrase when wrong).
func ParseKeyFile(data, passphrase []byte) (*Key, error) {
	if KeyFileProtected(data) {
		if len(passphrase) == 0 {
			return nil, cabinetsync.ErrKeyProtected
		}
		id, err := age.NewScryptIdentity(string(passphrase))
		if err != nil {
			return nil, err
		}
		var src io.Reader = bytes.NewReader(bytes.TrimSpace(data))
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte(armor.Header)) {
			src = armor.NewReader(src)
		}
		r, err := age.Decrypt(src, id)
		if err != nil {
			var nomatch *age.NoIdentityMatchError
			if errors.As(err, &nomatch) {
				return nil, cabinetsync.ErrKeyPassphrase
			}
			return nil, fmt.Errorf("%w: %v", cabinetsync.ErrBadKeyFile, err)
		}
		if data, err = io.ReadAll(io.LimitReader(r, 64<<10)); err != nil {
			return nil, fmt.Errorf("%w: %v", cabinetsync.ErrBadKeyFile, err)
		}
	}
	var cabinet xid.ID
	var secret string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, keyFileCabinet); ok {
			id, err := xid.FromString(strings.TrimSpace(rest))
			if err != nil {
				return nil, fmt.Errorf("%w: cabinet id %q", cabinetsync.ErrBadKeyFile, rest)
			}
			cabinet = id
		} else if strings.HasPrefix(line, "AGE-SECRET-KEY-") {
			secret = line
		}
	}
	if cabinet.IsZero() || secret == "" {
		return nil, fmt.Errorf("%w: no cabinet id or no key", cabinetsync.ErrBadKeyFile)
	}
	return ParseKey(cabinet, secret)
}
