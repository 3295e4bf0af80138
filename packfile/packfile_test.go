package packfile

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// testLogN keeps passphrase tests fast; Seal's default (age's 18) costs
// about a second per call.
const testLogN = 10

var testTime = time.Date(2025, 3, 14, 8, 30, 0, 0, time.UTC)

func testFiles() []File {
	return []File{
		{Name: "snapshot.json", Data: []byte(`{"patients":[]}`)},
		{Name: "dossier.html", Data: []byte("<html><body>Tournée</body></html>")},
		{Name: "dossier.pdf", Data: randomBytes(70_000)}, // more than one 64 KiB age chunk
		{Name: "vide.txt", Data: []byte{}},
		{Name: "pièces/contrat-signé.pdf", Data: []byte("%PDF-1.4")},    // non-ASCII: PAX header
		{Name: strings.Repeat("n", 150) + ".txt", Data: []byte("long")}, // over ustar's 100
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func newTestKey(t testing.TB) (identity, recipient string) {
	t.Helper()
	identity, recipient, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return identity, recipient
}

func passKey(p string) Key { return Key{Passphrase: []byte(p), scryptLogN: testLogN} }

func sealT(t testing.TB, files []File, k Key) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Seal(&buf, files, k, testTime); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return buf.Bytes()
}

func equalFiles(t *testing.T, got, want []File) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d files, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Errorf("file %d: got %q (%d bytes), want %q (%d bytes)",
				i, got[i].Name, len(got[i].Data), want[i].Name, len(want[i].Data))
		}
	}
}

// ageEncrypt encrypts plaintext with age directly, bypassing Seal's checks.
func ageEncrypt(t *testing.T, plaintext []byte, recipient string) []byte {
	t.Helper()
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plaintext); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ageDecrypt(t *testing.T, ciphertext []byte, identity string) []byte {
	t.Helper()
	ids, err := age.ParseIdentities(strings.NewReader(identity))
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(ciphertext), ids...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type rawEntry struct {
	name     string
	typeflag byte
	data     string
}

// rawTar builds a tar without any of Seal's checks.
func rawTar(t *testing.T, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typeflag, Mode: 0o600, Size: int64(len(e.data))}
		if e.typeflag != tar.TypeReg {
			hdr.Size = 0
			e.data = ""
		}
		if e.typeflag == tar.TypeSymlink {
			hdr.Linkname = "/etc/passwd"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func wantErr(t *testing.T, files []File, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
	if files != nil {
		t.Fatalf("got %d files with an error", len(files))
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	files := testFiles()
	tests := []struct {
		name       string
		seal, open Key
	}{
		{"recipient", Key{Recipient: recipient}, Key{Identity: identity}},
		{"recipient with spaces, CRLF identity", Key{Recipient: " " + recipient + "\n"},
			Key{Identity: strings.ReplaceAll(identity, "\n", "\r\n")}},
		{"passphrase", passKey("correct horse battery staple"), passKey("correct horse battery staple")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Open(bytes.NewReader(sealT(t, files, tt.seal)), tt.open)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			equalFiles(t, got, files)
		})
	}
}

func TestRoundTripEmptyPack(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	got, err := Open(bytes.NewReader(sealT(t, nil, Key{Recipient: recipient})), Key{Identity: identity})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("got %d files, want 0", len(got))
	}
}

func TestPassphraseDefaultWorkFactor(t *testing.T) {
	// What the shipped binary writes (MaxScryptLogN) is checked on the real
	// binary by the root package's TestShippedWorkFactors; here, that the
	// work factor Seal chooses is the one in the stanza, and opens.
	t.Parallel()
	k := Key{Passphrase: []byte("secret")}
	ct := sealT(t, testFiles()[:1], k)
	if want := fmt.Sprintf(" %d\n", sealLogN(k)); !bytes.Contains(ct, []byte(want)) {
		t.Errorf("scrypt stanza does not use work factor %d:\n%s", sealLogN(k), ct[:bytes.Index(ct, []byte("---"))])
	}
	if _, err := Open(bytes.NewReader(ct), k); err != nil {
		t.Fatalf("Open: %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	otherIdentity, _ := newTestKey(t)
	files := testFiles()[:2]
	byRecipient := sealT(t, files, Key{Recipient: recipient})
	byPassphrase := sealT(t, files, passKey("bon mot de passe"))
	tests := []struct {
		name string
		ct   []byte
		k    Key
	}{
		{"other identity", byRecipient, Key{Identity: otherIdentity}},
		{"passphrase on recipient file", byRecipient, passKey("bon mot de passe")},
		{"wrong passphrase", byPassphrase, passKey("mauvais mot de passe")},
		{"identity on passphrase file", byPassphrase, Key{Identity: identity}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Open(bytes.NewReader(tt.ct), tt.k)
			wantErr(t, got, err, ErrWrongKey)
			if errors.Is(err, ErrDamaged) {
				t.Errorf("wrong key also reports ErrDamaged: %v", err)
			}
		})
	}
}

func TestInvalidKey(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	ct := sealT(t, testFiles()[:1], Key{Recipient: recipient})
	sealKeys := map[string]Key{
		"empty":                 {},
		"identity only":         {Identity: identity},
		"bad recipient":         {Recipient: "age1nope"},
		"recipient and phrase":  {Recipient: recipient, Passphrase: []byte("x")},
		"ssh recipient refused": {Recipient: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"},
	}
	for name, k := range sealKeys {
		t.Run("Seal/"+name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := Seal(&buf, testFiles()[:1], k, testTime)
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("err = %v, want ErrInvalidKey", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes with an invalid key", buf.Len())
			}
		})
	}
	openKeys := map[string]Key{
		"empty":                 {},
		"recipient only":        {Recipient: recipient},
		"comments only":         {Identity: "# created: 2025-01-01T00:00:00Z\n"},
		"garbage identity":      {Identity: "AGE-SECRET-KEY-1NOPE\n"},
		"identity and phrase":   {Identity: identity, Passphrase: []byte("x")},
		"recipient as identity": {Identity: recipient},
	}
	for name, k := range openKeys {
		t.Run("Open/"+name, func(t *testing.T) {
			t.Parallel()
			got, err := Open(bytes.NewReader(ct), k)
			wantErr(t, got, err, ErrInvalidKey)
			if strings.Contains(err.Error(), "AGE-SECRET-KEY") {
				t.Errorf("error leaks key material: %v", err)
			}
		})
	}
}

// headerEnd returns the offset just after the "--- MAC" line.
func headerEnd(t *testing.T, ct []byte) int {
	t.Helper()
	i := bytes.Index(ct, []byte("\n---"))
	if i < 0 {
		t.Fatal("no header footer")
	}
	j := bytes.IndexByte(ct[i+1:], '\n')
	if j < 0 {
		t.Fatal("no header end")
	}
	return i + 1 + j + 1
}

func TestTruncated(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	k := Key{Identity: identity}
	const nonce, chunk, tag = 16, 64 * 1024, 16
	tryCuts := func(t *testing.T, ct []byte, cuts []int) {
		for _, cut := range cuts {
			got, err := Open(bytes.NewReader(ct[:cut]), k)
			if !errors.Is(err, ErrDamaged) || got != nil {
				t.Fatalf("cut at %d of %d: files %d, err %v; want ErrDamaged and no files", cut, len(ct), len(got), err)
			}
		}
	}

	t.Run("every cut in the last 4 KiB", func(t *testing.T) {
		t.Parallel()
		// A small pack keeps 4096 Opens cheap under -race.
		ct := sealT(t, []File{{Name: "snapshot.json", Data: randomBytes(5000)}}, Key{Recipient: recipient})
		// Each Open pays for an X25519 unwrap: spread the cuts over
		// parallel subtests.
		for from := max(len(ct)-4096, 0); from < len(ct); from += 512 {
			t.Run(fmt.Sprintf("from %d", from), func(t *testing.T) {
				t.Parallel()
				var cuts []int
				for cut := from; cut < min(from+512, len(ct)); cut++ {
					cuts = append(cuts, cut)
				}
				tryCuts(t, ct, cuts)
			})
		}
	})
	t.Run("header and chunk boundaries", func(t *testing.T) {
		t.Parallel()
		// Two age chunks: the first full, the second short.
		ct := sealT(t, []File{{Name: "dossier.pdf", Data: randomBytes(chunk + 3000)}}, Key{Recipient: recipient})
		hdr := headerEnd(t, ct)
		first := hdr + nonce + chunk + tag
		cuts := []int{0, 1, 5, 21, 22, hdr / 2, hdr - 1, hdr, hdr + 1, hdr + nonce - 1, hdr + nonce, hdr + nonce + 1,
			first - 1,
			first, // exactly after the first full chunk: the classic truncation attack
			first + 1, first + tag, len(ct) - tag - 1, len(ct) - tag, len(ct) - 1}
		for cut := first; cut < len(ct); cut += 97 {
			cuts = append(cuts, cut)
		}
		tryCuts(t, ct, cuts)
	})
	t.Run("padding chunk cut off", func(t *testing.T) {
		t.Parallel()
		// A tar that ends exactly at the first chunk boundary, followed by
		// a chunk of GNU-style zero padding. Cut the padding chunk off:
		// archive/tar sees a complete archive, and only reading to age's
		// authenticated EOF notices that the file was cut.
		files := []File{{Name: "dossier.pdf", Data: randomBytes(chunk - 3*blockSize)}}
		var plain bytes.Buffer
		if err := writeTar(&plain, files, testTime); err != nil {
			t.Fatal(err)
		}
		if plain.Len() != chunk {
			t.Fatalf("tar is %d bytes, want exactly one chunk", plain.Len())
		}
		plain.Write(make([]byte, 10*1024))
		ct := ageEncrypt(t, plain.Bytes(), recipient)
		got, err := Open(bytes.NewReader(ct), k)
		if err != nil {
			t.Fatalf("Open of the whole padded pack: %v", err)
		}
		equalFiles(t, got, files)
		tryCuts(t, ct, []int{headerEnd(t, ct) + nonce + chunk + tag})
	})
}

func TestFlippedByte(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	k := Key{Identity: identity}
	ct := sealT(t, testFiles(), Key{Recipient: recipient})
	hdr := headerEnd(t, ct)
	positions := map[string]int{
		"header MAC":         hdr - 3,
		"nonce":              hdr,
		"first chunk":        hdr + 16 + 100,
		"first chunk tag":    hdr + 16 + 64*1024 + 5,
		"last chunk":         len(ct) - 100,
		"last byte (tag)":    len(ct) - 1,
		"trailing byte":      -1, // appended, not flipped
		"intro line version": 20,
	}
	for name, pos := range positions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bad := bytes.Clone(ct)
			if pos < 0 {
				bad = append(bad, 0)
			} else {
				bad[pos] ^= 0x01
			}
			got, err := Open(bytes.NewReader(bad), k)
			wantErr(t, got, err, ErrDamaged)
		})
	}
}

func TestNotAPack(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	k := Key{Identity: identity}
	tests := map[string][]byte{
		"empty":                 nil,
		"text":                  []byte("bonjour\n"),
		"plain tar":             rawTar(t, rawEntry{"dossier.pdf", tar.TypeReg, "x"}),
		"armored age":           []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"),
		"age, text inside":      ageEncrypt(t, []byte("ceci n'est pas une archive tar, juste du texte assez long pour un en-tête\n"), recipient),
		"age, zeros inside":     ageEncrypt(t, make([]byte, 512), recipient),
		"age, empty inside":     ageEncrypt(t, nil, recipient),
		"age, random inside":    ageEncrypt(t, randomBytes(4096), recipient),
		"age, cut tar inside":   ageEncrypt(t, rawTar(t, rawEntry{"a.txt", tar.TypeReg, strings.Repeat("a", 2000)})[:1024], recipient),
		"age, tar then garbage": ageEncrypt(t, append(rawTar(t, rawEntry{"a.txt", tar.TypeReg, "a"}), "garbage"...), recipient),
	}
	for name, ct := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Open(bytes.NewReader(ct), k)
			wantErr(t, got, err, ErrDamaged)
		})
	}
}

func TestOpenRefusesUnsafeEntries(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	k := Key{Identity: identity}
	reg := func(name string) rawEntry { return rawEntry{name, tar.TypeReg, "x"} }
	tests := map[string][]rawEntry{
		"dot dot":          {reg("../x")},
		"inner dot dot":    {reg("a/../../x")},
		"absolute":         {reg("/etc/cron.d/x")},
		"empty name":       {reg("")},
		"dot":              {reg(".")},
		"dot slash":        {reg("./x")},
		"backslash":        {reg(`..\x`)},
		"control":          {reg("a\nb")},
		"duplicate":        {reg("a.txt"), reg("a.txt")},
		"file and dir":     {reg("a"), reg("a/b")},
		"dir and file":     {reg("a/b"), reg("a")},
		"directory entry":  {{"docs/", tar.TypeDir, ""}},
		"symlink":          {{"lien", tar.TypeSymlink, ""}},
		"hard link":        {{"lien", tar.TypeLink, ""}},
		"fifo":             {{"fifo", tar.TypeFifo, ""}},
		"safe then unsafe": {reg("ok.txt"), reg("../x")},
	}
	for name, entries := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ct := ageEncrypt(t, rawTar(t, entries...), recipient)
			got, err := Open(bytes.NewReader(ct), k)
			wantErr(t, got, err, ErrDamaged)
		})
	}
}

func TestSealRefusesBadNames(t *testing.T) {
	t.Parallel()
	_, recipient := newTestKey(t)
	f := func(name string) File { return File{Name: name, Data: []byte("x")} }
	tests := map[string][]File{
		"empty":        {f("")},
		"dot dot":      {f("../x")},
		"inner":        {f("a/../b")},
		"absolute":     {f("/x")},
		"trailing":     {f("dir/")},
		"double slash": {f("a//b")},
		"backslash":    {f(`a\b`)},
		"not UTF-8":    {f("a\xffb")},
		"duplicate":    {f("dossier.pdf"), f("snapshot.json"), f("dossier.pdf")},
		"file and dir": {f("a"), f("a/b")},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := Seal(&buf, files, Key{Recipient: recipient}, testTime)
			if !errors.Is(err, ErrBadName) {
				t.Fatalf("err = %v, want ErrBadName", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for a refused pack", buf.Len())
			}
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)

	t.Run("Seal too many files", func(t *testing.T) {
		t.Parallel()
		files := make([]File, MaxEntries+1)
		for i := range files {
			files[i].Name = fmt.Sprintf("f%05d", i)
		}
		err := Seal(io.Discard, files, Key{Recipient: recipient}, testTime)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if err := Seal(io.Discard, files[:MaxEntries], Key{Recipient: recipient}, testTime); err != nil {
			t.Fatalf("Seal of exactly MaxEntries files: %v", err)
		}
	})
	t.Run("Open too many entries", func(t *testing.T) {
		t.Parallel()
		entries := make([]rawEntry, MaxEntries+1)
		for i := range entries {
			entries[i] = rawEntry{fmt.Sprintf("f%05d", i), tar.TypeReg, ""}
		}
		ct := ageEncrypt(t, rawTar(t, entries...), recipient)
		got, err := Open(bytes.NewReader(ct), Key{Identity: identity})
		wantErr(t, got, err, ErrDamaged)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want it to wrap ErrTooLarge", err)
		}
	})

	// The byte limit is tested at 64 KiB rather than 512 MiB.
	lim := limits{maxSize: 64 * 1024, maxEntries: MaxEntries}
	files := []File{{Name: "a", Data: make([]byte, 30_000)}, {Name: "b", Data: make([]byte, 30_000)}}
	var fits, over bytes.Buffer
	if err := writeTar(&fits, files, testTime); err != nil {
		t.Fatal(err)
	}
	if err := writeTar(&over, append(files, File{Name: "c", Data: make([]byte, 10_000)}), testTime); err != nil {
		t.Fatal(err)
	}
	t.Run("Seal too large", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		err := seal(&buf, append(files, File{Name: "c", Data: make([]byte, 10_000)}), Key{Recipient: recipient}, testTime, lim)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if buf.Len() != 0 {
			t.Errorf("wrote %d bytes for a refused pack", buf.Len())
		}
		if err := seal(io.Discard, files, Key{Recipient: recipient}, testTime, lim); err != nil {
			t.Fatalf("seal under the limit: %v", err)
		}
	})
	t.Run("Open too large", func(t *testing.T) {
		t.Parallel()
		got, err := open(bytes.NewReader(ageEncrypt(t, over.Bytes(), recipient)), Key{Identity: identity}, lim)
		wantErr(t, got, err, ErrDamaged)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want it to wrap ErrTooLarge", err)
		}
	})
	t.Run("Open padding over the limit", func(t *testing.T) {
		t.Parallel()
		// Entries fit, but trailing zero blocks push the stream over.
		padded := append(bytes.Clone(fits.Bytes()), make([]byte, 10_000)...)
		got, err := open(bytes.NewReader(ageEncrypt(t, padded, recipient)), Key{Identity: identity}, lim)
		wantErr(t, got, err, ErrDamaged)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want it to wrap ErrTooLarge", err)
		}
	})
	t.Run("Open at the limit", func(t *testing.T) {
		t.Parallel()
		exact := lim
		exact.maxSize = int64(fits.Len())
		got, err := open(bytes.NewReader(ageEncrypt(t, fits.Bytes(), recipient)), Key{Identity: identity}, exact)
		if err != nil {
			t.Fatalf("open at exactly the limit: %v", err)
		}
		equalFiles(t, got, files)
	})
}

func TestDeterministicTar(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	files := testFiles()
	k := Key{Recipient: recipient}
	var a, b bytes.Buffer
	if err := Seal(&a, files, k, testTime.Add(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := Seal(&b, files, k, testTime.In(time.FixedZone("CET", 3600))); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two age encryptions are identical: age should use a fresh file key")
	}
	ta, tb := ageDecrypt(t, a.Bytes(), identity), ageDecrypt(t, b.Bytes(), identity)
	if !bytes.Equal(ta, tb) {
		t.Fatal("decrypted tar streams differ")
	}

	tr := tar.NewReader(bytes.NewReader(ta))
	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			if i != len(files) {
				t.Fatalf("%d entries, want %d", i, len(files))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Name != files[i].Name {
			t.Errorf("entry %d is %q, want %q (order kept)", i, hdr.Name, files[i].Name)
		}
		if hdr.Mode != 0o600 || hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" ||
			!hdr.ModTime.Equal(testTime) || hdr.Typeflag != tar.TypeReg {
			t.Errorf("entry %d header: mode %o uid %d gid %d uname %q gname %q mtime %v type %q",
				i, hdr.Mode, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname, hdr.ModTime, hdr.Typeflag)
		}
	}
}

func TestNewKey(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	lines := strings.Split(strings.TrimSuffix(identity, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "# created: ") ||
		lines[1] != "# public key: "+recipient || !strings.HasPrefix(lines[2], "AGE-SECRET-KEY-1") {
		t.Fatalf("identity file not in age-keygen's layout:\n%s", identity)
	}
	if _, err := time.Parse(time.RFC3339, strings.TrimPrefix(lines[0], "# created: ")); err != nil {
		t.Errorf("created comment: %v", err)
	}
	id, err := age.ParseX25519Identity(lines[2])
	if err != nil {
		t.Fatal(err)
	}
	if id.Recipient().String() != recipient || !strings.HasPrefix(recipient, "age1") {
		t.Errorf("recipient %q does not match the identity", recipient)
	}
	other, _ := newTestKey(t)
	if other == identity {
		t.Error("two NewKey calls returned the same key")
	}
}

type failingReader struct{ r io.Reader }

var errDisk = errors.New("disk on fire")

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

func TestReadErrorIsNotDamage(t *testing.T) {
	t.Parallel()
	identity, recipient := newTestKey(t)
	ct := sealT(t, testFiles(), Key{Recipient: recipient})
	for _, cut := range []int{10, len(ct) / 2} {
		got, err := Open(failingReader{bytes.NewReader(ct[:cut])}, Key{Identity: identity})
		wantErr(t, got, err, errDisk)
		if errors.Is(err, ErrDamaged) || errors.Is(err, ErrWrongKey) {
			t.Errorf("cut %d: a read error reported as %v", cut, err)
		}
	}
}

// fuzzIdentity is a throwaway test key, fixed so that seeds sealed to it
// (and the corpus the fuzzer builds from them) stay meaningful.
const fuzzIdentity = "AGE-SECRET-KEY-10WQQWJPDS5EH76JTV5QPPH5TCUJA3NTKC6EMYLHP0QAC4MTXHEMQSFVQP8"

func FuzzOpen(f *testing.F) {
	id, err := age.ParseX25519Identity(fuzzIdentity)
	if err != nil {
		f.Fatal(err)
	}
	recipient := id.Recipient().String()
	var small bytes.Buffer
	if err := Seal(&small, []File{{Name: "a.txt", Data: []byte("bonjour")}, {Name: "d/b.json", Data: []byte("{}")}},
		Key{Recipient: recipient}, testTime); err != nil {
		f.Fatal(err)
	}
	var other bytes.Buffer
	if err := Seal(&other, []File{{Name: "a.txt", Data: []byte("x")}}, Key{Passphrase: []byte("p"), scryptLogN: 2}, testTime); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes())
	f.Add(small.Bytes()[:len(small.Bytes())-1])
	f.Add(other.Bytes())
	f.Add([]byte("age-encryption.org/v1\n-> X25519 abc\n--- def\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := Open(bytes.NewReader(data), Key{Identity: fuzzIdentity})
		if err != nil {
			if !errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrDamaged) {
				t.Fatalf("error is neither ErrWrongKey nor ErrDamaged: %v", err)
			}
			if files != nil {
				t.Fatalf("%d files returned with an error", len(files))
			}
			return
		}
		names := newNameSet()
		for _, f := range files {
			if err := names.add(f.Name); err != nil {
				t.Fatalf("Open returned an unsafe name %q: %v", f.Name, err)
			}
		}
	})
}

func BenchmarkSealOpen(b *testing.B) {
	identity, recipient, err := NewKey()
	if err != nil {
		b.Fatal(err)
	}
	files := []File{
		{Name: "snapshot.json", Data: randomBytes(300_000)},
		{Name: "dossier.html", Data: randomBytes(700_000)},
		{Name: "dossier.pdf", Data: randomBytes(3_000_000)},
		{Name: "contrat.pdf", Data: randomBytes(1_000_000)},
	}
	var total int64
	for _, f := range files {
		total += int64(len(f.Data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Seal(&buf, files, Key{Recipient: recipient}, testTime); err != nil {
			b.Fatal(err)
		}
		if _, err := Open(bytes.NewReader(buf.Bytes()), Key{Identity: identity}); err != nil {
			b.Fatal(err)
		}
	}
}

// A passphrase pack whose header asks for a huge scrypt work factor is
// refused at once as damaged: the work factor is read from the file, and
// age's own ceiling (22, 4 GiB) would exhaust the laptop's memory.
func TestOpenRefusesTamperedWorkFactor(t *testing.T) {
	sealed := sealT(t, testFiles(), passKey("phrase"))
	for _, logN := range []int{19, 22, 40} {
		header := fmt.Sprintf(" %d\n", testLogN)
		i := bytes.Index(sealed, []byte(header))
		if i < 0 || !bytes.HasPrefix(sealed, []byte("age-encryption.org/v1\n-> scrypt ")) {
			t.Fatalf("no scrypt stanza with work factor %d in the header", testLogN)
		}
		tampered := append(append(bytes.Clone(sealed[:i]), fmt.Sprintf(" %d\n", logN)...), sealed[i+len(header):]...)
		files, err := Open(bytes.NewReader(tampered), Key{Passphrase: []byte("phrase")})
		if !errors.Is(err, ErrDamaged) || files != nil {
			t.Fatalf("work factor %d: got %v, want ErrDamaged", logN, err)
		}
		if !strings.Contains(err.Error(), "work factor") {
			t.Errorf("work factor %d: the cause is not named: %v", logN, err)
		}
	}
}
