package main

import (
	"bytes"
	"debug/macho"
	"encoding/binary"
	"errors"
	"fmt"
)

// fatAlign is the alignment of each slice in a universal binary, as lipo
// writes it for arm64 and x86-64: 2^14, the page size of Apple Silicon.
const fatAlign = 14

// Universal joins thin Mach-O binaries (darwin/amd64 and darwin/arm64) into
// one universal (« fat ») binary, as Apple's lipo does: a big-endian header
// listing each slice's CPU, offset and size, then the slices, each aligned
// to 2^14 bytes. The slices are kept byte for byte, with the ad-hoc
// signature the Go linker gave them.
func Universal(thin ...[]byte) ([]byte, error) {
	if len(thin) < 2 {
		return nil, errors.New("universal : au moins deux binaires")
	}
	type arch struct {
		cpu, sub uint32
		data     []byte
	}
	var archs []arch
	for i, b := range thin {
		f, err := macho.NewFile(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("universal : binaire %d : %w", i, err)
		}
		for _, a := range archs {
			if a.cpu == uint32(f.Cpu) {
				return nil, fmt.Errorf("universal : deux binaires pour %v", f.Cpu)
			}
		}
		archs = append(archs, arch{uint32(f.Cpu), f.SubCpu, b})
	}
	var out bytes.Buffer
	be := binary.BigEndian
	header := make([]byte, 8+20*len(archs))
	be.PutUint32(header[0:], macho.MagicFat)
	be.PutUint32(header[4:], uint32(len(archs)))
	offset := align(len(header))
	for i, a := range archs {
		h := header[8+20*i:]
		if offset+len(a.data) > 1<<32-1 {
			return nil, errors.New("universal : binaire trop gros pour un en-tête 32 bits")
		}
		be.PutUint32(h[0:], a.cpu)
		be.PutUint32(h[4:], a.sub)
		be.PutUint32(h[8:], uint32(offset))
		be.PutUint32(h[12:], uint32(len(a.data)))
		be.PutUint32(h[16:], fatAlign)
		offset = align(offset + len(a.data))
	}
	out.Write(header)
	for _, a := range archs {
		out.Write(make([]byte, align(out.Len())-out.Len()))
		out.Write(a.data)
	}
	return out.Bytes(), nil
}

func align(n int) int {
	const a = 1 << fatAlign
	return (n + a - 1) / a * a
}
