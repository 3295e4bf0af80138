package cabinetsync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/xid"

	"tournee/cabinetsync"
	"tournee/passphrase"
	"tournee/patients"
	"tournee/storage"
)

const strong = "girafe cartable noisette orage"

func newDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Create(filepath.Join(t.TempDir(), "t.db"), []byte("demo"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SaveCabinet(context.Background(), patients.Cabinet{ID: xid.New(), Name: "Cabinet des Dunes"}); err != nil {
		t.Fatal(err)
	}
	return db
}

func hasKey(t *testing.T, ks cabinetsync.KeyStore) bool {
	t.Helper()
	ok, err := ks.HasCabinetKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestCreateThenJoin: the first laptop writes a protected key file; the
// second stays out of the cabinet without its passphrase, and joins with it.
func TestCreateThenJoin(t *testing.T) {
	ctx := context.Background()
	first := newDB(t)
	out := filepath.Join(t.TempDir(), "nouveau dossier", "cle.tournee")
	if err := cabinetsync.CreateCabinet(ctx, first, out, []byte(strong)); err != nil {
		t.Fatal(err)
	}
	if !hasKey(t, first) {
		t.Fatal("no key after create")
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}

	other := newDB(t)
	if err := cabinetsync.Join(ctx, other, out, nil); !errors.Is(err, cabinetsync.ErrKeyProtected) {
		t.Errorf("join without a passphrase: %v, want ErrKeyProtected", err)
	}
	// A wrong passphrase (one more scrypt) is driven through the interface
	// in tui's TestSyncCreatesThenJoinsTheCabinet.
	if hasKey(t, other) {
		t.Fatal("a refused join stored a key")
	}
	right := func() ([]byte, error) { return []byte(strong), nil }
	if err := cabinetsync.Join(ctx, other, out, right); err != nil {
		t.Fatal(err)
	}
	if !hasKey(t, other) {
		t.Fatal("no key after join")
	}
}

// TestCreateRefusesBeforeTheKey: a weak passphrase, an existing file or a
// folder that cannot be written leave the laptop without a key.
func TestCreateRefusesBeforeTheKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	existing := filepath.Join(dir, "deja.tournee")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "verrouille")
	if err := os.Mkdir(locked, 0o500); err != nil {
		t.Fatal(err)
	}
	lockedWorks := os.WriteFile(filepath.Join(locked, "probe"), nil, 0o600) == nil // root writes anyway
	cases := []struct {
		name, out, pass, want string
		skip                  bool
	}{
		{"weak", filepath.Join(dir, "cle.tournee"), "azerty", "trop faible", false},
		{"exists", existing, strong, "existe déjà", false},
		{"read-only folder", filepath.Join(locked, "cle.tournee"), strong, "impossible d'écrire", lockedWorks},
	}
	db := newDB(t) // one base: each case must leave it without a key
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.skip {
				t.Skip("this user writes in a 0500 folder (root)")
			}
			err := cabinetsync.CreateCabinet(ctx, db, c.out, []byte(c.pass))
			msg := ""
			var weak *passphrase.WeakError
			if errors.As(err, &weak) {
				msg = weak.French()
			} else if err != nil {
				msg = err.Error()
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q, want one saying %q", msg, c.want)
			}
			if hasKey(t, db) {
				t.Error("a refused create stored a key")
			}
		})
	}
}

// TestJoinRefusals: a file that is not a key, and a key of another cabinet
// once this laptop has one, change nothing.
func TestJoinRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(junk, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := newDB(t)
	if err := cabinetsync.Join(ctx, db, junk, nil); !errors.Is(err, cabinetsync.ErrBadKeyFile) {
		t.Errorf("junk: %v, want ErrBadKeyFile", err)
	}
	if err := cabinetsync.Join(ctx, db, filepath.Join(dir, "absent"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if hasKey(t, db) {
		t.Fatal("a refused join stored a key")
	}
	a, b := db, newDB(t)
	for i, ks := range []*storage.DB{a, b} {
		if err := cabinetsync.CreateCabinet(ctx, ks, filepath.Join(dir, string(rune('a'+i))+".cle"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := cabinetsync.Join(ctx, a, filepath.Join(dir, "b.cle"), nil); !errors.Is(err, cabinetsync.ErrOtherCabinet) {
		t.Errorf("another cabinet's key: %v, want ErrOtherCabinet", err)
	}
	if err := cabinetsync.Join(ctx, a, filepath.Join(dir, "a.cle"), nil); err != nil {
		t.Errorf("joining again with its own key: %v", err)
	}
}
