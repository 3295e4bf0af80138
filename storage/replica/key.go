package replica

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/rs/xid"

	"tournee/cabinetsync"
	"tournee/keycost"
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

// cabinetTag authenticates the cabinet id of a key file: an HMAC-SHA256 of
// the id under the cabinet's secret, 128 bits in hex. The id sits in a
// comment line anyone can edit; without the secret nobody can make a tag
// that matches another id, and one character changed anywhere on the line
// is refused.
func cabinetTag(cabinet xid.ID, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("tournee cabinet key v2\x00"))
	m.Write([]byte(cabinet.String()))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// KeyFileError is a key file refused for its content; it wraps
// cabinetsync.ErrBadKeyFile and says why in French.
type KeyFileError struct{ Fr, Cause string }

func (e *KeyFileError) Error() string { return cabinetsync.ErrBadKeyFile.Error() + ": " + e.Cause }

func (e *KeyFileError) Unwrap() error { return cabinetsync.ErrBadKeyFile }

// French is the message the nurse reads.
func (e *KeyFileError) French() string { return e.Fr }

// KeyFile is the file passed to the cabinet's other laptops: comments, the
// cabinet id with its tag (cabinetTag) and the secret. With a passphrase the whole text is encrypted
// with age's scrypt mode and armored, so it can be printed or mailed to
// oneself without being readable.
func KeyFile(k *Key, cabinetName string, passphrase []byte) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# tournée : clé du cabinet « %s »\n", strings.ReplaceAll(cabinetName, "\n", " "))
	b.WriteString("# Pour un autre ordinateur du cabinet : tournee cabinet join FICHIER\n")
	b.WriteString("# Elle déchiffre les données des patients : ne la confiez qu'aux infirmières du cabinet.\n")
	b.WriteString(keyFileCabinet + k.Cabinet.String() + " " + cabinetTag(k.Cabinet, k.Secret()) + "\n")
	b.WriteString(k.Secret() + "\n")
	if len(passphrase) == 0 {
		return b.Bytes(), nil
	}
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(keyFileLogN())
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

// maxKeyFileLogN is the highest scrypt work factor a protected key file may
// ask for: age's default when encrypting (256 MiB, about a second), which
// KeyFile writes.
const maxKeyFileLogN = 18

// cheapKeyFileLogN is the work factor KeyFile writes where keys may be
// derived cheaply (keycost.Cheap: test binaries, the crash tests' binary):
// a second of scrypt per key file written and per key file read was most of
// the cabinet tests' time. The application always writes maxKeyFileLogN,
// which the root package's TestShippedWorkFactors checks on a plain build.
const cheapKeyFileLogN = 10

func keyFileLogN() int {
	if keycost.Cheap() {
		return cheapKeyFileLogN
	}
	return maxKeyFileLogN
}

// KeyFileProtected tells a passphrase-protected key file.
func KeyFileProtected(data []byte) bool {
	t := bytes.TrimSpace(data)
	return bytes.HasPrefix(t, []byte(armor.Header)) || bytes.HasPrefix(t, []byte("age-encryption.org/"))
}

// ParseKeyFile reads a key file; a protected one needs its passphrase
// (cabinetsync.ErrKeyProtected without, ErrKeyPassphrase when wrong). The
// cabinet id must match its tag (a *KeyFileError otherwise). A file of the
// first format, without the tag, is still read when protected (age's MAC
// vouches for the whole text) and refused when plain: there the id cannot
// be checked, and a laptop joining a wrong id would sync alone forever.
func ParseKeyFile(data, passphrase []byte) (*Key, error) {
	protected := KeyFileProtected(data)
	if protected {
		if len(passphrase) == 0 {
			return nil, cabinetsync.ErrKeyProtected
		}
		id, err := age.NewScryptIdentity(string(passphrase))
		if err != nil {
			return nil, err
		}
		// The work factor is read from the file: a tampered one must not
		// make scrypt take gigabytes and minutes. KeyFile writes age's 18.
		id.SetMaxWorkFactor(maxKeyFileLogN)
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
	var secret, tag, idLine string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, keyFileCabinet); ok {
			if idLine != "" {
				return nil, &KeyFileError{Fr: "fichier de clé du cabinet refusé : il nomme deux cabinets", Cause: "two cabinet lines"}
			}
			idLine = rest
			fields := strings.Fields(rest)
			if len(fields) == 0 || len(fields) > 2 {
				return nil, &KeyFileError{Fr: "fichier de clé du cabinet refusé : la ligne « cabinet » est illisible",
					Cause: fmt.Sprintf("cabinet line %q", rest)}
			}
			id, err := xid.FromString(fields[0])
			if err != nil {
				return nil, &KeyFileError{Fr: "fichier de clé du cabinet refusé : l'identifiant du cabinet est illisible (fichier modifié ?)",
					Cause: fmt.Sprintf("cabinet id %q", fields[0])}
			}
			cabinet = id
			if len(fields) == 2 {
				tag = fields[1]
			}
		} else if strings.HasPrefix(line, "AGE-SECRET-KEY-") {
			secret = line
		}
	}
	if cabinet.IsZero() || secret == "" {
		return nil, fmt.Errorf("%w: no cabinet id or no key", cabinetsync.ErrBadKeyFile)
	}
	k, err := ParseKey(cabinet, secret)
	if err != nil {
		return nil, err
	}
	switch {
	case tag != "":
		if !hmac.Equal([]byte(tag), []byte(cabinetTag(cabinet, k.Secret()))) {
			return nil, &KeyFileError{Fr: "fichier de clé du cabinet refusé : l'identifiant du cabinet ne correspond pas à la clé (fichier modifié ou abîmé) ; rien n'a été changé",
				Cause: "cabinet id does not match its tag"}
		}
	case !protected:
		// A plain file of the first format: nothing vouches for the id, and
		// a wrong one would put this laptop in a cabinet of its own. A
		// protected one is vouched for by age's MAC over the whole text.
		return nil, &KeyFileError{Fr: "fichier de clé du cabinet refusé : ancien format, l'identifiant du cabinet n'y est pas vérifiable ; écrivez-en un nouveau sur un ordinateur du cabinet avec « tournee cabinet export-key --key-out FICHIER »",
			Cause: "first-format key file without a cabinet tag"}
	}
	return k, nil
}
