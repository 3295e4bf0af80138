// Package atomicfile writes files that are never seen half-written: the
// content goes to a temporary file in the target's folder (created
// exclusively, mode 0600), is synced, and only then takes the target's name;
// the folder is synced after, so the name survives a power cut.
//
// Two ways to publish:
//   - Replace renames over the target: a re-import, a restore, a document
//     written again replaces the old one whole or not at all.
//   - WriteNew never overwrites: a hard link fails when the target exists,
//     so two writers racing for one name get one winner and one
//     fs.ErrExist, with no check-then-rename window. WriteFirstFree picks
//     the first free name of a series (« rapport.pdf », « rapport-2.pdf »…).
//
// Every error path removes the temporary file. The temporary files of a
// process killed mid-write are removed by CleanTemps at the next start, or
// by the next write in the same folder for the default pattern.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// DefaultTemp is the os.CreateTemp pattern of the temporary files when
// Options.Temp is empty. A write with it first removes the DefaultTemp
// files of its folder older than StaleAfter: what killed writes left in
// the nurse's folders, which nothing else would clean.
const DefaultTemp = ".tournee-*.tmp"

// StaleAfter is the age from which a DefaultTemp file is a killed write's:
// the documents written through it take seconds.
const StaleAfter = time.Hour

// DefaultMode is the mode of the files written when Options.Mode is zero:
// they hold health data, so only their owner may read them.
const DefaultMode fs.FileMode = 0o600

// Options says how the files are written. The zero value writes 0600
// files through DefaultTemp temporary files.
type Options struct {
	// Mode of the written file; zero is DefaultMode.
	Mode fs.FileMode
	// Temp is the os.CreateTemp pattern of the temporary file (its last
	// "*" becomes a random string), created in the target's folder; empty
	// is DefaultTemp. Readers of the folder can skip these names and
	// CleanTemps takes the same pattern.
	Temp string

	// link publishes without overwriting; nil is os.Link. Tests replace it
	// to exercise the fallback of file systems without hard links.
	link func(oldname, newname string) error
}

// Bytes is the write function that writes data.
func Bytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// Replace writes path with the zero Options: see Options.Replace.
func Replace(path string, write func(io.Writer) error) error {
	return Options{}.Replace(path, write)
}

// WriteNew writes path with the zero Options: see Options.WriteNew.
func WriteNew(path string, write func(io.Writer) error) error {
	return Options{}.WriteNew(path, write)
}

// WriteFirstFree writes into dir with the zero Options: see
// Options.WriteFirstFree.
func WriteFirstFree(dir string, names func(n int) string, write func(io.Writer) error) (string, error) {
	return Options{}.WriteFirstFree(dir, names, write)
}

// Replace writes what write writes to path, replacing any file there in
// one rename. If write or any step fails, path is left as it was and the
// temporary file is removed. write gets the temporary *os.File as its
// io.Writer (io.Copy can use its ReaderFrom).
func (o Options) Replace(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	return o.publishTemp(dir, write, func(tmp string) (bool, error) {
		err := os.Rename(tmp, path)
		return err == nil, err
	})
}

// WriteNew writes what write writes to path, which must not exist: when
// it does, or another writer publishes it first, the error wraps
// fs.ErrExist (« path: file already exists ») and that file is untouched.
func (o Options) WriteNew(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	return o.publishTemp(dir, write, func(tmp string) (bool, error) {
		err := o.publishNew(tmp, path)
		return err == nil, err
	})
}

// WriteFirstFree writes what write writes to a new file of dir named by
// names(1), else names(2), names(3)… until a name is free, and returns its
// path. names returns "" when the series is exhausted: the error then
// wraps fs.ErrExist. The content is written once, whatever the number of
// names tried.
func (o Options) WriteFirstFree(dir string, names func(n int) string, write func(io.Writer) error) (string, error) {
	var path string
	err := o.publishTemp(dir, write, func(tmp string) (bool, error) {
		for n := 1; ; n++ {
			name := names(n)
			if name == "" {
				return false, fmt.Errorf("no free name in %s: %w", dir, fs.ErrExist)
			}
			path = filepath.Join(dir, name)
			err := o.publishNew(tmp, path)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return err == nil, err
		}
	})
	if err != nil {
		return "", err
	}
	return path, nil
}

// Numbered is the series of names stem+ext, stem+"-2"+ext, stem+"-3"+ext…
// up to stem+"-<max>"+ext, for WriteFirstFree.
func Numbered(stem, ext string, max int) func(n int) string {
	return func(n int) string {
		switch {
		case n > max:
			return ""
		case n == 1:
			return stem + ext
		}
		return fmt.Sprintf("%s-%d%s", stem, n, ext)
	}
}

// publishTemp writes a synced, closed temporary file of dir and hands its
// name to publish, which reports whether tmp was consumed (renamed) or is
// still to be removed. The folder is synced once the file is published.
func (o Options) publishTemp(dir string, write func(io.Writer) error, publish func(tmp string) (published bool, err error)) (err error) {
	pattern := o.Temp
	if pattern == "" {
		pattern = DefaultTemp
		CleanTemps(dir, DefaultTemp, StaleAfter)
	}
	f, err := os.CreateTemp(dir, pattern) // O_EXCL, mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	closed, published := false, false
	defer func() {
		// Also on a panic of write: no temporary file is left behind.
		if !closed {
			f.Close()
		}
		if !published {
			os.Remove(tmp)
		}
	}()
	if mode := o.mode(); mode != DefaultMode {
		if err := f.Chmod(mode); err != nil {
			return err
		}
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	closed = true
	if err := f.Close(); err != nil {
		return err
	}
	published, err = publish(tmp)
	if err != nil {
		return err
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

func (o Options) mode() fs.FileMode {
	if o.Mode == 0 {
		return DefaultMode
	}
	return o.Mode
}

// PublishNew gives the complete, synced file tmp the name path, which must
// not exist (else an error wrapping fs.ErrExist, and tmp stays). On
// success tmp is gone. The folder is not synced: see SyncDir. It is for
// files built in place by another library (a bbolt database); the others
// use WriteNew.
func PublishNew(tmp, path string) error {
	return Options{}.publishNew(tmp, path)
}

// publishNew links tmp to path, which a hard link never replaces, then
// removes tmp. Where the file system has no hard links (FAT and exFAT USB
// keys, some network shares), the name is reserved by creating path
// exclusively and tmp is renamed over that empty file: still no
// overwriting of anyone else's file, and the target is empty or complete,
// never half-written (a copy would show a partial file for as long as it
// runs).
func (o Options) publishNew(tmp, path string) error {
	link := o.link
	if link == nil {
		link = os.Link
	}
	err := link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return existErr(path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.mode())
	if errors.Is(err, fs.ErrExist) {
		return existErr(path)
	}
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(path) // the empty file just created: ours
		return err
	}
	return nil
}

func existErr(path string) error { return fmt.Errorf("%s: %w", path, fs.ErrExist) }

// SyncDir makes the names just created in dir durable. Windows cannot
// sync a folder (NTFS journals the rename itself) and some file systems
// say they do not support it: both are no error.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
