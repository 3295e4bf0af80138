package atomicfile

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkReplace is the cost of one document written again (temporary
// file, fsync, rename, folder fsync): mostly the two fsyncs.
func BenchmarkReplace(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "doc")
			data := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				if err := Replace(path, Bytes(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteFirstFree is the cost of a new file when the first names
// are taken (a backup in a busy millisecond, a tenth proof of a period).
func BenchmarkWriteFirstFree(b *testing.B) {
	for _, taken := range []int{0, 9} {
		b.Run(fmt.Sprintf("%dtaken", taken), func(b *testing.B) {
			data := make([]byte, 4<<10)
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				for n := 1; n <= taken; n++ {
					if err := WriteNew(filepath.Join(dir, Numbered("p", ".pdf", 100)(n)), Bytes(nil)); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if _, err := WriteFirstFree(dir, Numbered("p", ".pdf", 100), Bytes(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
