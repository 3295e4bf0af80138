package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config says what to build.
type Config struct {
	Version string
	Out     string
	Src     string
	// Only limits the build to these target names (see Targets); empty
	// builds them all.
	Only []string
	// Date stamps every archive entry; zero reads SOURCE_DATE_EPOCH, then
	// the last commit's date.
	Date time.Time
}

// Target is one archive: the Go platforms it holds (two for the macOS
// universal binary) and its format.
type Target struct {
	Name      string // in the archive's name: windows-amd64, macos-universal
	GOOS      string
	GOARCHes  []string
	Zip       bool
	exeSuffix string
}

// Targets are the archives of a release: the nurses' Windows and Mac
// laptops first, Linux for the rest.
var Targets = []Target{
	{Name: "windows-amd64", GOOS: "windows", GOARCHes: []string{"amd64"}, Zip: true, exeSuffix: ".exe"},
	{Name: "windows-arm64", GOOS: "windows", GOARCHes: []string{"arm64"}, Zip: true, exeSuffix: ".exe"},
	{Name: "macos-universal", GOOS: "darwin", GOARCHes: []string{"amd64", "arm64"}, Zip: true},
	{Name: "linux-amd64", GOOS: "linux", GOARCHes: []string{"amd64"}},
	{Name: "linux-arm64", GOOS: "linux", GOARCHes: []string{"arm64"}},
}

// Archive is the file name of a target's archive.
func (t Target) Archive(version string) string {
	ext := ".tar.gz"
	if t.Zip {
		ext = ".zip"
	}
	return "tournee-" + version + "-" + t.Name + ext
}

// docs are shipped beside the program.
var docs = []string{"GUIDE.md", "LICENSE", "README.md"}

// Build builds the chosen targets into cfg.Out and returns the SHA256SUMS
// text it also writes there. Progress goes to log.
func Build(cfg Config, log io.Writer) (string, error) {
	if strings.ContainsAny(cfg.Version, " /\\\"'") {
		return "", fmt.Errorf("version illisible %q", cfg.Version)
	}
	if cfg.Date.IsZero() {
		cfg.Date = sourceDate(cfg.Src)
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "tournee-release-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var sums []string
	for _, t := range Targets {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, t.Name) {
			continue
		}
		fmt.Fprintf(log, "construction de %s…\n", t.Archive(cfg.Version))
		var bins [][]byte
		for _, arch := range t.GOARCHes {
			out := filepath.Join(tmp, t.GOOS+"-"+arch)
			if err := goBuild(cfg, t.GOOS, arch, out); err != nil {
				return "", err
			}
			b, err := os.ReadFile(out)
			if err != nil {
				return "", err
			}
			bins = append(bins, b)
		}
		bin := bins[0]
		if len(bins) > 1 {
			if bin, err = Universal(bins...); err != nil {
				return "", fmt.Errorf("%s: %w", t.Name, err)
			}
		}
		files := []file{{name: "tournee" + t.exeSuffix, data: bin, exec: true}}
		for _, d := range docs {
			data, err := os.ReadFile(filepath.Join(cfg.Src, d))
			if err != nil {
				return "", fmt.Errorf("%s manque : %w", d, err)
			}
			files = append(files, file{name: d, data: data})
		}
		dir := "tournee-" + cfg.Version + "/"
		var archive []byte
		if t.Zip {
			archive, err = zipFiles(dir, files, cfg.Date)
		} else {
			archive, err = tarGz(dir, files, cfg.Date)
		}
		if err != nil {
			return "", err
		}
		name := t.Archive(cfg.Version)
		if err := os.WriteFile(filepath.Join(cfg.Out, name), archive, 0o644); err != nil {
			return "", err
		}
		sum := sha256.Sum256(archive)
		sums = append(sums, hex.EncodeToString(sum[:])+"  "+name+"\n")
	}
	if len(sums) == 0 {
		return "", fmt.Errorf("aucune cible parmi %q", cfg.Only)
	}
	slices.Sort(sums)
	text := strings.Join(sums, "")
	return text, os.WriteFile(filepath.Join(cfg.Out, "SHA256SUMS"), []byte(text), 0o644)
}

// goBuild builds one platform's binary with everything that would differ
// between machines turned off.
func goBuild(cfg Config, goos, goarch, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -buildid= -X tournee/version.Version="+cfg.Version, "-o", out, ".")
	cmd.Dir = cfg.Src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s/%s: %v\n%s", goos, goarch, err, b)
	}
	return nil
}

// sourceDate is SOURCE_DATE_EPOCH, else the last commit's date, else a
// fixed day: never the clock.
func sourceDate(src string) time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	cmd := exec.Command("git", "log", "-1", "--format=%ct")
	cmd.Dir = src
	if b, err := cmd.Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

type file struct {
	name string
	data []byte
	exec bool
}

func (f file) mode() os.FileMode {
	if f.exec {
		return 0o755
	}
	return 0o644
}

func sorted(files []file) []file {
	out := slices.Clone(files)
	slices.SortFunc(out, func(a, b file) int { return strings.Compare(a.name, b.name) })
	return out
}

// zipFiles writes a zip whose bytes depend only on the files and date:
// sorted entries, fixed dates and modes (the executable bit survives
// macOS's Archive Utility).
func zipFiles(dir string, files []file, date time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	dh := &zip.FileHeader{Name: dir, Modified: date}
	dh.SetMode(os.ModeDir | 0o755)
	if _, err := zw.CreateHeader(dh); err != nil {
		return nil, err
	}
	for _, f := range sorted(files) {
		h := &zip.FileHeader{Name: dir + f.name, Method: zip.Deflate, Modified: date}
		h.SetMode(f.mode())
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tarGz writes a gzip'd tar with sorted entries owned by root and dated
// date, and a gzip header without name or time.
func tarGz(dir string, files []file, date time.Time) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	gz.ModTime = date
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: 0o755, ModTime: date, Format: tar.FormatPAX}); err != nil {
		return nil, err
	}
	for _, f := range sorted(files) {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: dir + f.name, Mode: int64(f.mode()), Size: int64(len(f.data)), ModTime: date, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
