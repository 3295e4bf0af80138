package replica

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/rs/xid"

	"tournee/atomicfile"
	"tournee/cabinetsync"
)

// A bundle is one replica's operations Seq From..To, in one file
// <folder>/tournee-sync/<replica>/<from>-<to>.bundle. Inside the age
// encryption (to the cabinet key): gzip, then a JSON header line and one JSON
// line per operation. age authenticates every chunk and the end of the
// stream, so a truncated or altered file fails to read instead of giving a
// shorter or different list.

// BundleFormat is the header's format marker; BundleVersion its layout.
const (
	BundleFormat  = "tournee-sync"
	BundleVersion = 1
	// SyncDir is the folder created in the folder the nurse chose.
	SyncDir = "tournee-sync"
)

// Header opens a bundle.
type Header struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Schema  int       `json:"schema"` // storage layout of the writer
	Cabinet xid.ID    `json:"cabinet"`
	Replica xid.ID    `json:"replica"`
	From    uint64    `json:"from"`
	To      uint64    `json:"to"`
	Written time.Time `json:"written"`
}

// BundleName is the file name of the operations from..to.
func BundleName(from, to uint64) string {
	return fmt.Sprintf("%012d-%012d.bundle", from, to)
}

// ParseBundleName reads the range back from a file name; ok is false for
// anything else (a temporary file, a file a sync tool added).
func ParseBundleName(name string) (from, to uint64, ok bool) {
	base, found := strings.CutSuffix(name, ".bundle")
	a, b, cut := strings.Cut(base, "-")
	if !found || !cut || len(a) != 12 || len(b) != 12 {
		return 0, 0, false
	}
	from, err1 := strconv.ParseUint(a, 10, 64)
	to, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || from == 0 || to < from {
		return 0, 0, false
	}
	return from, to, true
}

// ParseConflictName reads the range of a copy a sync tool made of a bundle
// two computers changed at once: Syncthing's
// « 000000000001-000000000005.sync-conflict-20261205-123456-ABCDEF.bundle »,
// Nextcloud's and ownCloud's « 000000000001-000000000005 (conflicted copy
// 2026-12-05 123456).bundle », Dropbox's « … (Marie's conflicted copy
// 2026-12-05).bundle ». Such a copy is a bundle like another: it is read
// and merged, never skipped.
func ParseConflictName(name string) (from, to uint64, ok bool) {
	base, found := strings.CutSuffix(name, ".bundle")
	if !found || len(base) <= 25 {
		return 0, 0, false
	}
	rest := base[25:]
	switch {
	case strings.HasPrefix(rest, ".sync-conflict-"):
	case strings.HasPrefix(rest, " (") && strings.HasSuffix(rest, ")") && strings.Contains(strings.ToLower(rest), "conflicted copy"):
	default:
		return 0, 0, false
	}
	return ParseBundleName(base[:25] + ".bundle")
}

// tempPrefix starts the name of a bundle being written: readers skip it and
// its writer removes the ones a pulled-out stick left behind.
const tempPrefix = ".tmp-"

// IsTemp tells a partial file left by an interrupted write.
func IsTemp(name string) bool { return strings.HasPrefix(name, tempPrefix) }

// WriteBundle writes ops atomically to dir (temporary file, fsync, rename,
// fsync of the folder), mode 0600, and returns the path. ops must be the
// contiguous range h.From..h.To.
func WriteBundle(dir string, key *Key, h Header, ops []Op) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := BundleName(h.From, h.To)
	final := filepath.Join(dir, name)
	err := atomicfile.Options{Temp: tempPrefix + "*-" + name}.Replace(final, func(f io.Writer) error {
		bw := bufio.NewWriterSize(f, 64<<10)
		if err := encodeBundle(bw, key, h, ops); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return "", err
	}
	return final, nil
}

func encodeBundle(w io.Writer, key *Key, h Header, ops []Op) error {
	if uint64(len(ops)) != h.To-h.From+1 {
		return fmt.Errorf("bundle %d-%d with %d operations", h.From, h.To, len(ops))
	}
	h.Format, h.Version = BundleFormat, BundleVersion
	aw, err := age.Encrypt(w, key.id.Recipient())
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(aw, gzip.BestSpeed)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return err
	}
	for i := range ops {
		if err := enc.Encode(&ops[i]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return aw.Close()
}

// ReadBundle decrypts and checks a bundle: the cabinet key opens it, it
// reads to its authenticated end, its header names the replica, the range
// and a schema this build knows, and its operations are exactly that range.
// Errors wrap cabinetsync.ErrWrongKey, ErrDamaged or ErrTooNew.
func ReadBundle(path string, key *Key, schema int) (Header, []Op, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, nil, err
	}
	defer f.Close()
	return DecodeBundle(bufio.NewReaderSize(f, 64<<10), key, schema)
}

// DecodeBundle is ReadBundle on a stream.
func DecodeBundle(r io.Reader, key *Key, schema int) (Header, []Op, error) {
	var h Header
	ar, err := age.Decrypt(r, key.id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return h, nil, cabinetsync.ErrWrongKey
		}
		return h, nil, fmt.Errorf("%w: %v", cabinetsync.ErrDamaged, err)
	}
	zr, err := gzip.NewReader(ar)
	if err != nil {
		return h, nil, fmt.Errorf("%w: %v", cabinetsync.ErrDamaged, err)
	}
	dec := json.NewDecoder(zr)
	if err := dec.Decode(&h); err != nil {
		return h, nil, fmt.Errorf("%w: header: %v", cabinetsync.ErrDamaged, err)
	}
	switch {
	case h.Format != BundleFormat:
		return h, nil, fmt.Errorf("%w: not a tournée bundle", cabinetsync.ErrDamaged)
	case h.Version > BundleVersion || h.Schema > schema:
		return h, nil, fmt.Errorf("%w: bundle v%d schema %d, this version reads up to v%d schema %d",
			cabinetsync.ErrTooNew, h.Version, h.Schema, BundleVersion, schema)
	case h.Cabinet != key.Cabinet:
		return h, nil, fmt.Errorf("%w: bundle of cabinet %s", cabinetsync.ErrWrongKey, h.Cabinet)
	case h.From == 0 || h.To < h.From || h.To-h.From > 1<<24:
		return h, nil, fmt.Errorf("%w: range %d-%d", cabinetsync.ErrDamaged, h.From, h.To)
	}
	ops := make([]Op, 0, h.To-h.From+1)
	for {
		var op Op
		err := dec.Decode(&op)
		if err == io.EOF {
			break
		}
		if err != nil {
			return h, nil, fmt.Errorf("%w: operation %d: %v", cabinetsync.ErrDamaged, len(ops)+1, err)
		}
		if op.Seq != h.From+uint64(len(ops)) || op.At.Replica != h.Replica || op.Entity == "" || len(op.Key) == 0 {
			return h, nil, fmt.Errorf("%w: operation %d out of place", cabinetsync.ErrDamaged, op.Seq)
		}
		ops = append(ops, op)
	}
	if uint64(len(ops)) != h.To-h.From+1 {
		return h, nil, fmt.Errorf("%w: %d operations for the range %d-%d", cabinetsync.ErrDamaged, len(ops), h.From, h.To)
	}
	return h, ops, nil
}
