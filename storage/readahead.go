package storage

import (
	"runtime"

	"tournee/storage/replica"
)

// readAhead decrypts and decodes bundles on every core ahead of their turn:
// that is most of reading a large sync, each file is read alone, and the
// merge still takes them one by one in its order. A file the merge ends up
// skipping (an overlapping bundle, or after a gap) was read for nothing.
type readAhead struct {
	reads map[string]*bundleRead
	stop  chan struct{}
}

type bundleRead struct {
	done chan struct{}
	h    replica.Header
	ops  []replica.Op
	err  error
}

func startReadAhead(key *replica.Key, schema int, paths []string) *readAhead {
	r := &readAhead{reads: make(map[string]*bundleRead, len(paths)), stop: make(chan struct{})}
	for _, p := range paths {
		r.reads[p] = &bundleRead{done: make(chan struct{})}
	}
	work := make(chan string)
	go func() {
		defer close(work)
		for _, p := range paths {
			select {
			case work <- p:
			case <-r.stop:
				return
			}
		}
	}()
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		go func() {
			for p := range work {
				br := r.reads[p]
				br.h, br.ops, br.err = replica.ReadBundle(p, key, schema)
				close(br.done)
			}
		}()
	}
	return r
}

// get waits for a file given to startReadAhead.
func (r *readAhead) get(path string) (replica.Header, []replica.Op, error) {
	br := r.reads[path]
	<-br.done
	return br.h, br.ops, br.err
}

// close stops handing out files not yet started.
func (r *readAhead) close() { close(r.stop) }
