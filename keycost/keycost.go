// Package keycost says how much work this program puts into turning a
// passphrase into a key.
//
// The application always pays the full price: argon2id at 19 MiB for the
// base, scrypt at 2^18 for hand-over packs and cabinet key files, so that a
// stolen laptop's files resist a brute force. Two kinds of programs pay a
// token price instead, because they derive keys hundreds of times and the
// cost, not the behaviour, would make most of their time:
//   - test binaries (testing.Testing);
//   - the binary the crash tests build with the tournee_cheapkdf build tag
//     (package chaos), which runs about ninety commands that each open a
//     base. No release build sets that tag; the root package's
//     TestShippedWorkFactors checks what a plain build writes.
package keycost

import "testing"

// Cheap reports whether keys may be derived at a token cost here.
//
// It is kept out of line so that its body, which differs with the build
// tag, stays out of this package's export data: the tagged build then
// recompiles this package alone and relinks the rest.
//
//go:noinline
func Cheap() bool { return cheapBuild || testing.Testing() }
