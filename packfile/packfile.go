// Package packfile writes and reads one encrypted file holding a few named
// files: the handover pack a nurse gives to her replacement.
//
// The format is deliberately boring so that a replacement nurse without our
// app can still read it: a plain POSIX tar (archive/tar, ustar headers; PAX
// only for a name or time ustar cannot hold) encrypted with age
// (https://age-encryption.org/v1), either to an X25519 recipient ("age1…")
// or to a passphrase (age's scrypt recipient). With the standard tools:
//
//	age -d -i key.txt pack.age | tar x
//	age -d pack.age | tar x          # passphrase; age asks for it
//
// packfile is an edge package: it does the I/O and is the only place that
// imports filippo.io/age. Domain packages hand it []File and get []File back.
package packfile

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"filippo.io/age"

	"tournee/keycost"
)

// Limits on what Open accepts, and therefore on what Seal writes, so that a
// pack written by Seal always opens. They bound the memory Open uses: the
// whole pack is held in memory before it is returned.
const (
	// MaxSize is the largest decrypted tar stream, headers and padding
	// included, in bytes (512 MiB).
	MaxSize = 512 << 20
	// MaxEntries is the largest number of files in a pack.
	MaxEntries = 10_000
)

// fileMode is the mode of every entry: the files hold health data, so only
// the nurse who extracts them may read them.
const fileMode = 0o600

var (
	// ErrWrongKey reports that the key or passphrase does not open this file.
	// A header whose recipient stanza was tampered with is indistinguishable
	// from a wrong key (age cannot tell them apart) and also reports ErrWrongKey.
	ErrWrongKey = errors.New("packfile: wrong key or passphrase")
	// ErrDamaged reports a file that is truncated, tampered with, not an age
	// file, or whose content is not a pack (not a tar, unsafe or duplicate
	// names, non-regular entries, too large). The precise cause follows in the
	// error text.
	ErrDamaged = errors.New("packfile: damaged or not a handover pack")
	// ErrInvalidKey reports a Key that cannot be used: nothing set, both a
	// key and a passphrase set, or a recipient or identity that does not parse.
	ErrInvalidKey = errors.New("packfile: invalid key")
	// ErrBadName reports a file name Seal refuses (empty, absolute, "..",
	// duplicate…). Open wraps it in ErrDamaged.
	ErrBadName = errors.New("packfile: invalid file name")
	// ErrTooLarge reports a pack over MaxSize or MaxEntries. Open wraps it in
	// ErrDamaged.
	ErrTooLarge = errors.New("packfile: pack too large")
)

// File is one named file inside a pack.
type File struct {
	Name string // slash-separated, relative, no "..": e.g. "dossier.pdf"
	Data []byte
}

// Key is who can open the file: an age X25519 recipient ("age1…") or a
// passphrase. Seal uses Recipient or Passphrase; Open uses Identity or
// Passphrase. Setting both a key and a passphrase is an error.
type Key struct {
	Recipient string // age1…; for Seal
	// Identity is the contents of an age key file, as age-keygen writes it:
	// one or more AGE-SECRET-KEY-1… lines; "#" comment lines and blank lines
	// are allowed. For Open.
	Identity string
	// Passphrase uses age's scrypt recipient. Seal uses age's default work
	// factor (2^18, about one second on a laptop, the same as the age CLI);
	// Open accepts up to age's default maximum (2^22).
	Passphrase []byte

	// scryptLogN overrides the scrypt work factor on Seal when non-zero.
	// Unexported: only tests lower it, to keep them fast.
	scryptLogN int
}

// limits is what Seal and Open enforce; tests lower them.
type limits struct {
	maxSize    int64
	maxEntries int
}

func defaultLimits() limits { return limits{maxSize: MaxSize, maxEntries: MaxEntries} }

// NewKey makes a new X25519 key pair for a replacement nurse: the identity
// file text (with a "# created:" comment, as age-keygen writes it) and the
// public recipient.
func NewKey() (identityFile string, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", fmt.Errorf("generate age key: %w", err)
	}
	recipient = id.Recipient().String()
	identityFile = fmt.Sprintf("# created: %s\n# public key: %s\n%s\n",
		time.Now().UTC().Format(time.RFC3339), recipient, id)
	return identityFile, recipient, nil
}

// Seal writes files to w as one age-encrypted tar, in the given order, for k.
// Every entry has mode 0600, uid/gid 0, no user or group name and modTime
// (truncated to the second), so the same files and modTime give the same tar
// bytes.
//
// Names and sizes are checked before anything is written. An error from w or
// from the encryption may still leave a partial, unusable file in w: callers
// write to a temporary file and rename it only when Seal returns nil.
func Seal(w io.Writer, files []File, k Key, modTime time.Time) error {
	return seal(w, files, k, modTime, defaultLimits())
}

func seal(w io.Writer, files []File, k Key, modTime time.Time, lim limits) error {
	if len(files) > lim.maxEntries {
		return fmt.Errorf("%w: %d files, at most %d", ErrTooLarge, len(files), lim.maxEntries)
	}
	names := newNameSet()
	for i, f := range files {
		if err := names.add(f.Name); err != nil {
			// The index, not the name: names may carry a patient's name,
			// and errors end up in the log.
			return fmt.Errorf("file %d: %w", i, err)
		}
	}
	rcp, err := k.recipient()
	if err != nil {
		return err
	}
	modTime = modTime.UTC().Truncate(time.Second)

	// Measure the tar stream exactly before encrypting anything, so that a
	// pack Open would refuse is never written.
	var cw countingWriter
	if err := writeTar(&cw, files, modTime); err != nil {
		return err
	}
	if cw.n > lim.maxSize {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, cw.n, lim.maxSize)
	}

	aw, err := age.Encrypt(w, rcp)
	if err != nil {
		return fmt.Errorf("encrypt pack: %w", err)
	}
	if err := writeTar(aw, files, modTime); err != nil {
		return err
	}
	// Close writes the last, authenticated chunk: without it the file is
	// truncated for every reader.
	if err := aw.Close(); err != nil {
		return fmt.Errorf("encrypt pack: %w", err)
	}
	return nil
}

func writeTar(w io.Writer, files []File, modTime time.Time) error {
	tw := tar.NewWriter(w)
	for i, f := range files {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     f.Name,
			Size:     int64(len(f.Data)),
			Mode:     fileMode,
			ModTime:  modTime,
			// Uid, Gid, Uname, Gname stay zero: the nurse's account
			// name has nothing to do in a pack she hands over.
			// Format stays unset: ustar when the name fits, PAX otherwise
			// (non-ASCII or long names); both are POSIX.
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("write pack entry %d: %w", i, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return fmt.Errorf("write pack entry %d: %w", i, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	return nil
}

// Open decrypts a pack with k and returns its files in archive order.
//
// It reads r to the end before returning anything: age authenticates the
// payload chunk by chunk, so only a stream read to its authenticated end
// proves that nothing was cut off or changed. A truncated or tampered file
// never returns files.
//
// Errors: ErrWrongKey when k does not open the file; ErrDamaged (with the
// cause in the text) for everything wrong with the file itself; ErrInvalidKey
// when k is unusable; an error wrapping r's own error when reading r fails.
func Open(r io.Reader, k Key) ([]File, error) {
	return open(r, k, defaultLimits())
}

func open(r io.Reader, k Key, lim limits) ([]File, error) {
	ids, err := k.identities()
	if err != nil {
		return nil, err
	}
	src := &sourceReader{r: r}
	pr, err := age.Decrypt(src, ids...)
	if err != nil {
		if src.err != nil {
			return nil, fmt.Errorf("read pack: %w", src.err)
		}
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) || errors.Is(err, age.ErrIncorrectIdentity) {
			return nil, fmt.Errorf("%w: %v", ErrWrongKey, err)
		}
		// Bad header, not an age file, bad header MAC, scrypt work
		// factor over the maximum, malformed stanza…
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	cr := &capReader{r: pr, n: lim.maxSize}
	files, err := readTar(cr, lim)
	if err != nil {
		if src.err != nil {
			return nil, fmt.Errorf("read pack: %w", src.err)
		}
		return nil, err
	}
	return files, nil
}

func readTar(cr *capReader, lim limits) ([]File, error) {
	damaged := func(err error) error {
		// Our own sentinels stay visible to errors.Is; age's and tar's
		// errors are flattened into the text.
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrBadName) {
			return fmt.Errorf("%w: %w", ErrDamaged, err)
		}
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	var files []File
	names := newNameSet()
	tr := tar.NewReader(cr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, damaged(fmt.Errorf("read tar entry %d: %w", len(files), err))
		}
		if len(files) == lim.maxEntries {
			return nil, damaged(fmt.Errorf("%w: more than %d entries", ErrTooLarge, lim.maxEntries))
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, damaged(fmt.Errorf("entry %d: not a regular file (type %q)", len(files), hdr.Typeflag))
		}
		for key := range hdr.PAXRecords {
			// archive/tar expands PAX sparse files transparently; a pack
			// never holds one, and the holes would cost memory.
			if strings.HasPrefix(key, "GNU.sparse.") {
				return nil, damaged(fmt.Errorf("entry %d: sparse file", len(files)))
			}
		}
		if err := names.add(hdr.Name); err != nil {
			return nil, damaged(fmt.Errorf("entry %d: %w", len(files), err))
		}
		// The data cannot be longer than what is left of the stream:
		// refuse before allocating.
		if hdr.Size < 0 || hdr.Size > cr.n {
			return nil, damaged(fmt.Errorf("%w: entry %d declares %d bytes", ErrTooLarge, len(files), hdr.Size))
		}
		data := make([]byte, hdr.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, damaged(fmt.Errorf("read tar entry %d: %w", len(files), err))
		}
		files = append(files, File{Name: hdr.Name, Data: data})
	}
	// Drain the end-of-archive padding to age's EOF: that is when the last
	// chunk is authenticated (and trailing garbage after it detected).
	// tar writers pad with zeros (GNU tar to 10 KiB); anything else after
	// the end of the archive is not something a tar tool would show, so
	// refuse it rather than carry hidden bytes.
	if err := drainZeros(cr); err != nil {
		return nil, damaged(fmt.Errorf("read end of pack: %w", err))
	}
	// archive/tar also ends cleanly on a stream that stops at a block
	// boundary; every tar writer emits at least the two-block end marker.
	if cr.read < 2*blockSize {
		return nil, damaged(fmt.Errorf("not a tar: %d bytes, no end-of-archive marker", cr.read))
	}
	return files, nil
}

// blockSize is the tar block size.
const blockSize = 512

func drainZeros(r io.Reader) error {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			if b != 0 {
				return errors.New("data after the end of the tar archive")
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// MaxScryptLogN is the highest scrypt work factor (log2 N) Open accepts in a
// passphrase pack: age's default when encrypting (256 MiB, about a second).
// A file asking for more is refused as damaged before any work is done.
const MaxScryptLogN = 18

// cheapScryptLogN is the work factor Seal writes, when the caller does not
// choose one, where keys may be derived cheaply (keycost.Cheap: test
// binaries, the crash tests' binary): a second of scrypt per pack written
// and read was most of the hand-over tests' time in every package that
// makes packs. The application always writes MaxScryptLogN, which the root
// package's TestShippedWorkFactors checks on a plain build.
const cheapScryptLogN = 10

func sealLogN(k Key) int {
	switch {
	case k.scryptLogN != 0:
		return k.scryptLogN
	case keycost.Cheap():
		return cheapScryptLogN
	}
	return MaxScryptLogN
}

func (k Key) recipient() (age.Recipient, error) {
	switch {
	case k.Recipient != "" && len(k.Passphrase) > 0:
		return nil, fmt.Errorf("%w: both a recipient and a passphrase", ErrInvalidKey)
	case k.Recipient != "":
		r, err := age.ParseX25519Recipient(strings.TrimSpace(k.Recipient))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		return r, nil
	case len(k.Passphrase) > 0:
		r, err := age.NewScryptRecipient(string(k.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		r.SetWorkFactor(sealLogN(k))
		return r, nil
	default:
		return nil, fmt.Errorf("%w: no recipient or passphrase", ErrInvalidKey)
	}
}

func (k Key) identities() ([]age.Identity, error) {
	switch {
	case k.Identity != "" && len(k.Passphrase) > 0:
		return nil, fmt.Errorf("%w: both an identity and a passphrase", ErrInvalidKey)
	case k.Identity != "":
		// Key files edited on Windows end lines with CRLF; age does not
		// accept the trailing CR.
		text := strings.ReplaceAll(k.Identity, "\r\n", "\n")
		ids, err := age.ParseIdentities(strings.NewReader(text))
		if err != nil {
			// age's message never includes the secret key.
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		return ids, nil
	case len(k.Passphrase) > 0:
		id, err := age.NewScryptIdentity(string(k.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		// The work factor is read from the file: a tampered one would make
		// scrypt take gigabytes and minutes. Seal and age -p write 18.
		id.SetMaxWorkFactor(MaxScryptLogN)
		return []age.Identity{id}, nil
	default:
		return nil, fmt.Errorf("%w: no identity or passphrase", ErrInvalidKey)
	}
}

// checkName accepts a clean, relative, slash-separated path that extracts
// inside the current directory on Unix and Windows alike.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: not UTF-8", ErrBadName)
	case strings.ContainsRune(name, '\\'):
		return fmt.Errorf("%w: backslash", ErrBadName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("%w: control character", ErrBadName)
	case name == "." || !fs.ValidPath(name):
		// fs.ValidPath refuses a leading or trailing slash, empty, "."
		// and ".." elements.
		return fmt.Errorf("%w: not a clean relative path", ErrBadName)
	}
	return nil
}

// nameSet refuses duplicates and a name that is both a file and a directory
// ("a" and "a/b"): tar x would fail or overwrite on either.
type nameSet struct {
	files map[string]bool
	dirs  map[string]bool
}

func newNameSet() nameSet {
	return nameSet{files: map[string]bool{}, dirs: map[string]bool{}}
}

func (s nameSet) add(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if s.files[name] {
		return fmt.Errorf("%w: duplicate", ErrBadName)
	}
	if s.dirs[name] {
		return fmt.Errorf("%w: also a directory of another file", ErrBadName)
	}
	for i := range len(name) {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		if s.files[dir] {
			return fmt.Errorf("%w: inside a directory that is also a file", ErrBadName)
		}
		s.dirs[dir] = true
	}
	s.files[name] = true
	return nil
}

// countingWriter counts bytes and discards them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// capReader reads at most n bytes of r and then fails with ErrTooLarge if r
// has more; plain EOF if r ends exactly there.
type capReader struct {
	r    io.Reader
	n    int64 // bytes still allowed
	read int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.n <= 0 {
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	c.read += int64(n)
	return n, err
}

// sourceReader remembers an error of the underlying reader, so that a disk
// error is not reported as a damaged pack.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}
