package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page, as laid out by go.etcd.io/bbolt/internal/common:
// a 16-byte page header, then magic, version, page size, flags, root bucket
// (pgid, sequence), freelist pgid, high-water pgid, txid and an FNV-64a
// checksum of the 56 bytes before it.
const (
	boltPageHeader = 16
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltMetaSum    = 56
)

type boltMeta struct {
	pageSize uint32
	pgid     uint64 // pages in use: the file must hold at least this many
	txid     uint64
}

func parseBoltMeta(b []byte) (boltMeta, bool) {
	if len(b) < boltPageHeader+boltMetaSum+8 {
		return boltMeta{}, false
	}
	m := b[boltPageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:boltMetaSum])
	if h.Sum64() != le.Uint64(m[boltMetaSum:]) {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// checkFile refuses a file bbolt would fault on. bbolt maps the file and
// trusts its meta page, so a truncated file (a copy cut short, a USB stick
// pulled out) makes it read past the end and die with SIGBUS instead of
// returning an error.
func checkFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil // bbolt initialises an empty file
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	head = head[:n]
	best, ok := parseBoltMeta(head)
	// The second meta page sits one page further; its size comes from the
	// first meta when that one is readable, else bbolt's default of 4 KiB.
	pageSize := int64(4096)
	if ok {
		pageSize = int64(best.pageSize)
	}
	second := make([]byte, boltPageHeader+boltMetaSum+8)
	if _, err := f.ReadAt(second, pageSize); err == nil {
		if m2, ok2 := parseBoltMeta(second); ok2 && (!ok || m2.txid > best.txid) {
			best, ok = m2, true
		}
	}
	if !ok || best.pageSize < 512 || best.pageSize > 1<<20 {
		return fmt.Errorf("%w: not a tournée database, or its header is damaged", ErrCorrupt)
	}
	if want := int64(best.pgid) * int64(best.pageSize); fi.Size() < want {
		return fmt.Errorf("%w: file truncated (%d bytes, %d expected)", ErrCorrupt, fi.Size(), want)
	}
	return nil
}
