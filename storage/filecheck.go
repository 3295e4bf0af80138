package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk format, as laid out by go.etcd.io/bbolt/internal/common.
// A page starts with a 16-byte header: id (8), flags (2), count (2),
// overflow (4). The meta page then holds magic, version, page size, flags,
// root bucket (pgid, sequence), freelist pgid, high-water pgid, txid and an
// FNV-64a checksum of the 56 bytes before it.
const (
	boltPageHeader = 16
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltMetaSum    = 56

	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltFreelistPage = 0x10
	boltBucketLeaf   = 0x01 // leaf element flag: the value is a bucket
	boltElement      = 16   // size of a branch or leaf page element
	boltInBucket     = 16   // a bucket value: root pgid, sequence
	boltNoFreelist   = ^uint64(0)
	boltMaxDepth     = 64 // deeper than any real tree of nested buckets
)

type boltMeta struct {
	pageSize uint32
	root     uint64 // root bucket's page
	freelist uint64 // freelist page, or boltNoFreelist
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
	return boltMeta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
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
	_, err = readMeta(f, fi.Size())
	return err
}

// readMeta returns the meta page bbolt would use (the valid one with the
// highest txid) after checking that the file holds every page it counts.
func readMeta(f io.ReaderAt, size int64) (boltMeta, error) {
	head := make([]byte, 4096)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return boltMeta{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
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
		return boltMeta{}, fmt.Errorf("%w: not a tournée database, or its header is damaged", ErrCorrupt)
	}
	if want := int64(best.pgid) * int64(best.pageSize); best.pgid > 1<<40 || size < want {
		return boltMeta{}, fmt.Errorf("%w: file truncated (%d bytes, %d expected)", ErrCorrupt, size, want)
	}
	return best, nil
}

// checkPages walks every page bbolt can reach from the meta page (the tree
// of buckets, nested and inline ones, and the freelist) without mapping the
// file, and refuses any page or element that lies outside the file or its
// page. bbolt trusts those offsets: one flipped bit in a page id or a key
// size makes it read outside its map, a fault no recover() catches, even in
// the goroutine of tx.Check. After this walk its reads stay in bounds.
func checkPages(f io.ReaderAt, size int64) error {
	m, err := readMeta(f, size)
	if err != nil {
		return err
	}
	w := pageWalk{f: f, size: size, psz: int64(m.pageSize), hwm: m.pgid, seen: map[uint64]bool{}}
	if m.freelist != boltNoFreelist {
		if err := w.freelist(m.freelist); err != nil {
			return err
		}
	}
	root, err := w.page(m.root)
	if err != nil {
		return err
	}
	return w.tree(root, m.root, 0)
}

type pageWalk struct {
	f    io.ReaderAt
	size int64
	psz  int64
	hwm  uint64
	seen map[uint64]bool
}

// page reads page id with its overflow pages, once.
func (w *pageWalk) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("%w: page %d lies outside the file (%d pages)", ErrCorrupt, id, w.hwm)
	}
	hdr := make([]byte, boltPageHeader)
	if _, err := w.f.ReadAt(hdr, int64(id)*w.psz); err != nil {
		return nil, fmt.Errorf("%w: page %d: %v", ErrCorrupt, id, err)
	}
	n := uint64(binary.LittleEndian.Uint32(hdr[12:])) + 1
	if id+n > w.hwm || int64(id+n)*w.psz > w.size {
		return nil, fmt.Errorf("%w: page %d runs past the end of the file", ErrCorrupt, id)
	}
	if got := binary.LittleEndian.Uint64(hdr); got != id {
		return nil, fmt.Errorf("%w: page %d is marked as page %d", ErrCorrupt, id, got)
	}
	for i := id; i < id+n; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("%w: page %d is reached twice", ErrCorrupt, i)
		}
		w.seen[i] = true
	}
	buf := make([]byte, int64(n)*w.psz)
	if _, err := w.f.ReadAt(buf, int64(id)*w.psz); err != nil {
		return nil, fmt.Errorf("%w: page %d: %v", ErrCorrupt, id, err)
	}
	return buf, nil
}

// tree checks a branch or leaf page (p is the page, or an inline bucket's
// page inside its value) and the pages under it.
func (w *pageWalk) tree(p []byte, id uint64, depth int) error {
	le := binary.LittleEndian
	if depth > boltMaxDepth {
		return fmt.Errorf("%w: page %d: tree too deep", ErrCorrupt, id)
	}
	if len(p) < boltPageHeader {
		return fmt.Errorf("%w: page %d: short page", ErrCorrupt, id)
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if boltPageHeader+count*boltElement > len(p) {
		return fmt.Errorf("%w: page %d: %d elements do not fit", ErrCorrupt, id, count)
	}
	for i := range count {
		e := boltPageHeader + i*boltElement
		switch flags {
		case boltBranchPage:
			pos, ksize, child := int(le.Uint32(p[e:])), int(le.Uint32(p[e+4:])), le.Uint64(p[e+8:])
			if e+pos+ksize > len(p) || e+pos+ksize < e {
				return fmt.Errorf("%w: page %d: key %d lies outside its page", ErrCorrupt, id, i)
			}
			cp, err := w.page(child)
			if err != nil {
				return err
			}
			if err := w.tree(cp, child, depth+1); err != nil {
				return err
			}
		case boltLeafPage:
			eflags, pos, ksize, vsize := le.Uint32(p[e:]), int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:])), int(le.Uint32(p[e+12:]))
			end := e + pos + ksize + vsize
			if end > len(p) || end < e || pos < 0 || ksize < 0 || vsize < 0 {
				return fmt.Errorf("%w: page %d: record %d lies outside its page", ErrCorrupt, id, i)
			}
			if eflags&boltBucketLeaf == 0 {
				continue
			}
			v := p[e+pos+ksize : end]
			if len(v) < boltInBucket {
				return fmt.Errorf("%w: page %d: bucket %d is too short", ErrCorrupt, id, i)
			}
			if root := le.Uint64(v); root != 0 {
				cp, err := w.page(root)
				if err != nil {
					return err
				}
				if err := w.tree(cp, root, depth+1); err != nil {
					return err
				}
			} else if err := w.tree(v[boltInBucket:], id, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: page %d has type %#x, not a branch or a leaf", ErrCorrupt, id, flags)
		}
	}
	return nil
}

// freelist checks the freelist page and the ids it lists.
func (w *pageWalk) freelist(id uint64) error {
	p, err := w.page(id)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	if le.Uint16(p[8:]) != boltFreelistPage {
		return fmt.Errorf("%w: page %d is not the freelist", ErrCorrupt, id)
	}
	off, count := boltPageHeader, uint64(le.Uint16(p[10:]))
	if count == 0xFFFF { // the real count is the first element
		count, off = le.Uint64(p[off:]), off+8
	}
	if count > uint64(len(p)-off)/8 {
		return fmt.Errorf("%w: freelist page %d: %d ids do not fit", ErrCorrupt, id, count)
	}
	for i := range count {
		if free := le.Uint64(p[off+int(i)*8:]); free < 2 || free >= w.hwm {
			return fmt.Errorf("%w: freelist lists page %d, outside the file", ErrCorrupt, free)
		}
	}
	return nil
}
