// Package chaos holds the end-to-end « nothing lost » tests: the tournee
// binary driven as the nurses' laptops drive it, on real files and real
// folders, killed at random points, with each scenario's promise checked
// afterwards (every transmission and visit outcome written anywhere is
// present exactly once on every laptop). It has no code of its own: the
// tests are the package.
//
// By default (go test) every scenario runs once, in parallel, with a fixed
// seed: one kill per command killed, two flipped bits of a backup, four of
// the key file, three crafted packs, a cabinet of two laptops (and the
// copy), syncing every laptop once at the end of the fork scenario. The
// states they start from (the demo cabinet, a synced cabinet, a
// replacement up to its return) are seeded once for the package through
// the binary and copied. The long random runs (many kill points, every
// flipped bit sampled, every key byte, every crafted pack, three laptops
// checked after each stage) are behind TOURNEE_LONG_TESTS=1, which CI
// sets.
package chaos
