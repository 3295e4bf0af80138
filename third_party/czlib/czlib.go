// Package czlib stands in for github.com/datadog/czlib (go.mod replaces
// it with this folder): the OpenStreetMap PBF reader
// (github.com/paulmach/osm/osmpbf) decompresses its blocks with czlib, a
// cgo binding to the C zlib, whenever cgo is available. That made every
// binary importing the road network (the app and seven test binaries)
// link through the C toolchain, about a second of CPU each, and made a
// build from source differ from the release, built without cgo, which
// already reads PBF with Go's compress/zlib. This is that same reader
// under czlib's name: the only function the PBF reader calls.
package czlib

import (
	"compress/zlib"
	"io"
)

// NewReader returns a reader of the zlib stream r (compress/zlib).
func NewReader(r io.Reader) (io.ReadCloser, error) { return zlib.NewReader(r) }
