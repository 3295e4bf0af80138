package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// thinMachO is the smallest Mach-O debug/macho reads: a 64-bit header
// without load commands, then a payload.
func thinMachO(cpu macho.Cpu, sub uint32, payload string) []byte {
	b := make([]byte, 32)
	le := binary.LittleEndian
	le.PutUint32(b[0:], macho.Magic64)
	le.PutUint32(b[4:], uint32(cpu))
	le.PutUint32(b[8:], sub)
	le.PutUint32(b[12:], uint32(macho.TypeExec))
	return append(b, payload...)
}

func TestUniversal(t *testing.T) {
	t.Parallel()
	intel := thinMachO(macho.CpuAmd64, 3, strings.Repeat("intel", 5000))
	arm := thinMachO(macho.CpuArm64, 0, "apple silicon")
	fat, err := Universal(intel, arm)
	if err != nil {
		t.Fatal(err)
	}
	ff, err := macho.NewFatFile(bytes.NewReader(fat))
	if err != nil {
		t.Fatalf("the universal binary does not read back: %v", err)
	}
	if len(ff.Arches) != 2 || ff.Arches[0].Cpu != macho.CpuAmd64 || ff.Arches[1].Cpu != macho.CpuArm64 {
		t.Fatalf("arches = %+v", ff.Arches)
	}
	for i, want := range [][]byte{intel, arm} {
		a := ff.Arches[i]
		if a.Offset%(1<<fatAlign) != 0 || a.Align != fatAlign {
			t.Errorf("slice %d at %d, align %d: want 2^14", i, a.Offset, a.Align)
		}
		if got := fat[a.Offset : a.Offset+a.Size]; !bytes.Equal(got, want) {
			t.Errorf("slice %d is not the thin binary byte for byte", i)
		}
	}
	if _, err := Universal(intel, intel); err == nil {
		t.Error("two Intel slices accepted")
	}
	if _, err := Universal(intel, []byte("MZ not a mach-o")); err == nil {
		t.Error("a non-Mach-O slice accepted")
	}
}

func TestArchivesAreReproducible(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	files := []file{{name: "tournee", data: []byte("binaire"), exec: true}, {name: "LICENSE", data: []byte("MIT")}, {name: "GUIDE.md", data: []byte("# Guide")}}
	reversed := []file{files[2], files[1], files[0]}
	z1, err := zipFiles("tournee-1.0.0/", files, date)
	if err != nil {
		t.Fatal(err)
	}
	z2, _ := zipFiles("tournee-1.0.0/", reversed, date)
	if !bytes.Equal(z1, z2) {
		t.Error("the zip depends on the order files are given in")
	}
	zr, err := zip.NewReader(bytes.NewReader(z1), int64(len(z1)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(date) {
			t.Errorf("%s dated %v", f.Name, f.Modified)
		}
		if f.Name == "tournee-1.0.0/tournee" && f.Mode().Perm() != 0o755 {
			t.Errorf("the program's mode is %v, want executable", f.Mode())
		}
	}
	if want := "tournee-1.0.0/ tournee-1.0.0/GUIDE.md tournee-1.0.0/LICENSE tournee-1.0.0/tournee"; strings.Join(names, " ") != want {
		t.Errorf("zip entries %q, want sorted %q", names, want)
	}
	g1, err := tarGz("tournee-1.0.0/", files, date)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := tarGz("tournee-1.0.0/", reversed, date)
	if !bytes.Equal(g1, g2) {
		t.Error("the tarball depends on the order files are given in")
	}
	gz, err := gzip.NewReader(bytes.NewReader(g1))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Uname != "" || !h.ModTime.Equal(date) {
			t.Errorf("%s: owner %d %q, date %v", h.Name, h.Uid, h.Uname, h.ModTime)
		}
	}
}

// TestReleaseBuild runs the release build for every target, twice for the
// native one (same bytes: reproducible), and runs the native program's
// --version. It cross-builds six binaries, so it runs with
// TOURNEE_LONG_TESTS=1 (.ci/run).
func TestReleaseBuild(t *testing.T) {
	if os.Getenv("TOURNEE_LONG_TESTS") != "1" {
		t.Skip("six cross builds: set TOURNEE_LONG_TESTS=1")
	}
	src, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const version = "9.8.7-test"
	out := t.TempDir()
	var log bytes.Buffer
	sums, err := Build(Config{Version: version, Out: out, Src: src}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, tg := range Targets {
		name := tg.Archive(version)
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Errorf("%s missing: %v", name, err)
			continue
		}
		if !strings.Contains(sums, "  "+name+"\n") {
			t.Errorf("SHA256SUMS lacks %s", name)
		}
		bin := member(t, filepath.Join(out, name), tg)
		t.Logf("%s: archive %.1f MB, program %.1f MB", name, float64(st.Size())/1e6, float64(len(bin))/1e6)
		switch tg.GOOS {
		case "darwin":
			ff, err := macho.NewFatFile(bytes.NewReader(bin))
			if err != nil || len(ff.Arches) != 2 {
				t.Errorf("%s: not a universal binary of two slices: %v", name, err)
			}
		case "windows":
			if _, err := pe.NewFile(bytes.NewReader(bin)); err != nil {
				t.Errorf("%s: tournee.exe is not a Windows program: %v", name, err)
			}
		}
	}
	native := ""
	for _, tg := range Targets {
		if tg.GOOS == runtime.GOOS && len(tg.GOARCHes) == 1 && tg.GOARCHes[0] == runtime.GOARCH {
			native = tg.Name
		}
	}
	if native == "" {
		t.Skipf("no release target for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	again := t.TempDir()
	sums2, err := Build(Config{Version: version, Out: again, Src: src, Only: []string{native}}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sums, sums2) {
		t.Errorf("a second build of %s differs:\n%s\nvs\n%s", native, sums2, sums)
	}
	var tg Target
	for _, x := range Targets {
		if x.Name == native {
			tg = x
		}
	}
	exe := filepath.Join(t.TempDir(), "tournee"+tg.exeSuffix)
	if err := os.WriteFile(exe, member(t, filepath.Join(out, tg.Archive(version)), tg), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(exe, "--version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(got)) != "tournée "+version {
		t.Errorf("tournee --version = %q (%v), want « tournée %s »", got, err, version)
	}
}

// member returns the program inside a release archive.
func member(t *testing.T, path string, tg Target) []byte {
	t.Helper()
	want := "tournee" + tg.exeSuffix
	if tg.Zip {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if filepath.Base(f.Name) == want {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
		t.Fatalf("%s has no %s", path, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s has no %s: %v", path, want, err)
		}
		if filepath.Base(h.Name) == want {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}
