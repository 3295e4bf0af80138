package storage

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"tournee/keycost"
)

// kdfParams are stored in meta/kdf so that a later release can raise the cost
// without locking anyone out of an older file.
type kdfParams struct {
	Alg       string `json:"alg"`
	Salt      []byte `json:"salt"`
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
}

// The OWASP Password Storage Cheat Sheet's first Argon2id configuration:
// 19 MiB, 2 iterations, 1 lane. It costs about 50 ms here, paid once per open.
const (
	kdfTime      = 2
	kdfMemoryKiB = 19 * 1024
	kdfThreads   = 1
)

// The token cost of a program that may derive cheaply (keycost.Cheap):
// one pass over 1 MiB, about a millisecond. Such a program also accepts it
// as the floor when it opens a base; the application never writes nor
// accepts it.
const (
	cheapKDFTime      = 1
	cheapKDFMemoryKiB = 1024
)

func newKDFParams() (kdfParams, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return kdfParams{}, fmt.Errorf("read random salt: %w", err)
	}
	passes := uint32(kdfTime)
	if keycost.Cheap() {
		passes = cheapKDFTime
	}
	return kdfParams{Alg: "argon2id", Salt: salt, Time: passes, MemoryKiB: kdfFloorKiB(), Threads: kdfThreads}, nil
}

// kdfFloorKiB is the memory a new base's key derivation uses, and the least
// a base's stored parameters may ask for.
func kdfFloorKiB() uint32 {
	if keycost.Cheap() {
		return cheapKDFMemoryKiB
	}
	return kdfMemoryKiB
}

// The ceilings of the key derivation parameters read from a file: room for
// a later release to raise the cost (8 times the memory, 5 times the passes),
// but a tampered meta/kdf can neither exhaust the laptop's memory nor hang
// the opening for minutes.
const (
	kdfMaxTime      = 10
	kdfMaxMemoryKiB = 256 * 1024
	kdfMaxThreads   = 16
	kdfMaxSalt      = 64
)

// errKDFParams says, in French, that the stored key derivation parameters
// are out of bounds; it wraps ErrCorrupt.
type errKDFParams struct{ cause string }

func (e errKDFParams) Error() string {
	return "unusable key derivation parameters: " + e.cause
}

func (e errKDFParams) Unwrap() error { return ErrCorrupt }

// French is the message the nurse reads.
func (e errKDFParams) French() string {
	return "paramètres de dérivation de clé de la base invalides (fichier modifié ou endommagé) : la base n'a pas été ouverte ni modifiée"
}

func (p kdfParams) validate() error {
	// Refuse parameters below the floor: a tampered meta/kdf must not be able
	// to make a brute force cheap; nor above the ceiling: it must not be able
	// to crash (out of memory) or hang the opening.
	switch {
	case p.Alg != "argon2id":
		return errKDFParams{fmt.Sprintf("algorithm %q", p.Alg)}
	case len(p.Salt) < 16 || len(p.Salt) > kdfMaxSalt:
		return errKDFParams{fmt.Sprintf("salt of %d bytes (16 to %d)", len(p.Salt), kdfMaxSalt)}
	case p.Time < 1 || p.Time > kdfMaxTime:
		return errKDFParams{fmt.Sprintf("%d passes (1 to %d)", p.Time, kdfMaxTime)}
	case p.MemoryKiB < kdfFloorKiB() || p.MemoryKiB > kdfMaxMemoryKiB:
		return errKDFParams{fmt.Sprintf("memory %d KiB (%d to %d)", p.MemoryKiB, kdfFloorKiB(), kdfMaxMemoryKiB)}
	case p.Threads < 1 || p.Threads > kdfMaxThreads:
		return errKDFParams{fmt.Sprintf("%d threads (1 to %d)", p.Threads, kdfMaxThreads)}
	}
	return nil
}

func (p kdfParams) derive(passphrase []byte) []byte {
	return argon2.IDKey(passphrase, p.Salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
}

func marshalKDF(p kdfParams) []byte {
	b, _ := json.Marshal(p) // a struct of plain fields cannot fail to marshal
	return b
}

const sealVersion = 1

// sealer encrypts values with XChaCha20-Poly1305. A random 24-byte nonce per
// value is safe at any volume this app will see.
type sealer struct {
	aead interface {
		Seal(dst, nonce, plaintext, additionalData []byte) []byte
		Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
		NonceSize() int
		Overhead() int
	}
}

func newSealer(key []byte) (*sealer, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("init cipher: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func aad(bucket, key []byte) []byte {
	out := make([]byte, 0, len(bucket)+1+len(key))
	out = append(out, bucket...)
	out = append(out, 0)
	return append(out, key...)
}

// seal returns version || nonce || ciphertext.
func (s *sealer) seal(bucket, key, plain []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		return nil, fmt.Errorf("read random nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:1+ns], plain, aad(bucket, key)), nil
}

// headSize is the length of version || nonce before a ciphertext.
func (s *sealer) headSize() int { return 1 + s.aead.NonceSize() }

// sealInPlace seals buf[headSize():] where it lies and fills the head: buf
// must have room for the tag. It returns what seal would, without copying
// the plaintext.
func (s *sealer) sealInPlace(bucket, key, buf []byte) ([]byte, error) {
	head := s.headSize()
	buf[0] = sealVersion
	if _, err := rand.Read(buf[1:head]); err != nil {
		return nil, fmt.Errorf("read random nonce: %w", err)
	}
	return s.aead.Seal(buf[:head], buf[1:head], buf[head:], aad(bucket, key)), nil
}

var errOpen = errors.New("cannot open sealed value")

// open authenticates and decrypts a sealed value. It returns a fresh slice, so
// the result outlives the bbolt transaction the input came from.
func (s *sealer) open(bucket, key, sealed []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < 1+ns+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errOpen
	}
	plain, err := s.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], aad(bucket, key))
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

var verifierText = []byte("tournee-verifier-v1")

func (s *sealer) checkVerifier(sealed []byte) bool {
	plain, err := s.open(bucketMeta, keyVerifier, sealed)
	return err == nil && subtle.ConstantTimeCompare(plain, verifierText) == 1
}
