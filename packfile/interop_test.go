package packfile

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Interop with the real age CLI (Debian package "age") and tar: the promise
// of this package is that a replacement nurse without our app can open a pack.
//
// Passphrase interop is not tested: the age CLI reads passphrases only from a
// terminal (no flag, no stdin), so it would need a pty.

// tool finds an external tool, or skips the test; with
// TOURNEE_REQUIRE_TOOLS=1 a missing tool fails it instead.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found in PATH (Debian: apt-get install age tar); interop with the standard tools untested"
		if os.Getenv("TOURNEE_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

func untar(t *testing.T, b []byte) []File {
	t.Helper()
	var files []File
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: hdr.Name, Data: data})
	}
}

// TestInteropAgeDecryptsSeal: a pack sealed to a NewKey key opens with
// `age -d -i key.txt pack.age | tar x`.
func TestInteropAgeDecryptsSeal(t *testing.T) {
	t.Parallel()
	ageBin := tool(t, "age")
	dir := t.TempDir()
	identity, recipient := newTestKey(t)
	keyPath := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(keyPath, []byte(identity), 0o600); err != nil {
		t.Fatal(err)
	}
	files := testFiles()
	packPath := filepath.Join(dir, "pack.age")
	if err := os.WriteFile(packPath, sealT(t, files, Key{Recipient: recipient}), 0o600); err != nil {
		t.Fatal(err)
	}

	plain := run(t, ageBin, "-d", "-i", keyPath, packPath)
	equalFiles(t, untar(t, plain), files)

	t.Run("tar x", func(t *testing.T) {
		tarBin := tool(t, "tar")
		out := filepath.Join(dir, "out")
		if err := os.Mkdir(out, 0o700); err != nil {
			t.Fatal(err)
		}
		tarPath := filepath.Join(dir, "pack.tar")
		if err := os.WriteFile(tarPath, plain, 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, tarBin, "-x", "-f", tarPath, "-C", out)
		for _, f := range files {
			p := filepath.Join(out, filepath.FromSlash(f.Name))
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("tar x did not extract %q: %v", f.Name, err)
			}
			if !bytes.Equal(got, f.Data) {
				t.Errorf("%q: extracted %d bytes differ from the %d sealed", f.Name, len(got), len(f.Data))
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm&0o077 != 0 {
				t.Errorf("%q extracted with mode %o, readable by others", f.Name, perm)
			}
			if !fi.ModTime().Equal(testTime) {
				t.Errorf("%q extracted with mtime %v, want %v", f.Name, fi.ModTime(), testTime)
			}
		}
	})
}

// TestInteropOpenReadsAge: a tar encrypted by `age -r` opens with Open.
func TestInteropOpenReadsAge(t *testing.T) {
	t.Parallel()
	ageBin := tool(t, "age")
	dir := t.TempDir()
	identity, recipient := newTestKey(t)
	files := testFiles()
	var plain bytes.Buffer
	if err := writeTar(&plain, files, testTime); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(dir, "pack.tar")
	if err := os.WriteFile(tarPath, plain.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	packPath := filepath.Join(dir, "pack.age")
	run(t, ageBin, "-r", recipient, "-o", packPath, tarPath)

	ct, err := os.ReadFile(packPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(bytes.NewReader(ct), Key{Identity: identity})
	if err != nil {
		t.Fatalf("Open of an age CLI file: %v", err)
	}
	equalFiles(t, got, files)

	other, _ := newTestKey(t)
	got, err = Open(bytes.NewReader(ct), Key{Identity: other})
	wantErr(t, got, err, ErrWrongKey)
}

// TestInteropTarCreatedPack: a pack made by hand with the standard tools
// (`tar c … | age -r …`) opens, as long as it holds only regular files.
func TestInteropTarCreatedPack(t *testing.T) {
	t.Parallel()
	ageBin, tarBin := tool(t, "age"), tool(t, "tar")
	dir := t.TempDir()
	identity, recipient := newTestKey(t)
	src := filepath.Join(dir, "src")
	if err := os.Mkdir(src, 0o700); err != nil {
		t.Fatal(err)
	}
	want := []File{{Name: "dossier.pdf", Data: randomBytes(20_000)}, {Name: "snapshot.json", Data: []byte("{}")}}
	for _, f := range want {
		if err := os.WriteFile(filepath.Join(src, f.Name), f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tarPath := filepath.Join(dir, "pack.tar")
	// GNU tar pads to 10 KiB with zeros: Open must accept the padding.
	run(t, tarBin, "-c", "-f", tarPath, "-C", src, "dossier.pdf", "snapshot.json")
	packPath := filepath.Join(dir, "pack.age")
	run(t, ageBin, "-r", recipient, "-o", packPath, tarPath)
	ct, err := os.ReadFile(packPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(bytes.NewReader(ct), Key{Identity: identity})
	if err != nil {
		t.Fatalf("Open of a tar | age pack: %v", err)
	}
	equalFiles(t, got, want)

	// `tar c .` adds directory entries; Open refuses non-regular entries.
	run(t, tarBin, "-c", "-f", tarPath, "-C", src, ".")
	run(t, ageBin, "-r", recipient, "-o", packPath+"2", tarPath)
	ct, err = os.ReadFile(packPath + "2")
	if err != nil {
		t.Fatal(err)
	}
	got, err = Open(bytes.NewReader(ct), Key{Identity: identity})
	wantErr(t, got, err, ErrDamaged)
}

// TestInteropAgeKeygen: a key made by `age-keygen -o key.txt` works as
// Identity (file contents, comments included) and its public key as
// Recipient.
func TestInteropAgeKeygen(t *testing.T) {
	t.Parallel()
	keygen, ageBin := tool(t, "age-keygen"), tool(t, "age")
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "key.txt")
	run(t, keygen, "-o", keyPath)
	keyFile, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	recipient := strings.TrimSpace(string(run(t, keygen, "-y", keyPath)))
	if !strings.Contains(string(keyFile), "# created:") {
		t.Errorf("age-keygen output has no created comment:\n%s", keyFile)
	}

	files := testFiles()
	ct := sealT(t, files, Key{Recipient: recipient})
	got, err := Open(bytes.NewReader(ct), Key{Identity: string(keyFile)})
	if err != nil {
		t.Fatalf("Open with an age-keygen key file: %v", err)
	}
	equalFiles(t, got, files)

	packPath := filepath.Join(dir, "pack.age")
	if err := os.WriteFile(packPath, ct, 0o600); err != nil {
		t.Fatal(err)
	}
	equalFiles(t, untar(t, run(t, ageBin, "-d", "-i", keyPath, packPath)), files)
}

// TestInteropAgeRejectsDamage: the age CLI, too, refuses a truncated pack,
// so the nurse's tools agree with Open.
func TestInteropAgeRejectsDamage(t *testing.T) {
	t.Parallel()
	ageBin := tool(t, "age")
	dir := t.TempDir()
	identity, recipient := newTestKey(t)
	keyPath := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(keyPath, []byte(identity), 0o600); err != nil {
		t.Fatal(err)
	}
	ct := sealT(t, testFiles(), Key{Recipient: recipient})
	packPath := filepath.Join(dir, "pack.age")
	if err := os.WriteFile(packPath, ct[:len(ct)-10], 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ageBin, "-d", "-i", keyPath, "-o", filepath.Join(dir, "out"), packPath)
	var exitErr *exec.ExitError
	if err := cmd.Run(); !errors.As(err, &exitErr) {
		t.Fatalf("age -d of a truncated pack: err = %v, want a non-zero exit", err)
	}
}
