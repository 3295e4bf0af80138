// Package chaos holds the end-to-end « nothing lost » tests: the tournee
// binary driven as the nurses' laptops drive it, on real files and real
// folders, killed at random points, with each scenario's promise checked
// afterwards (every transmission and visit outcome written anywhere is
// present exactly once on every laptop). It has no code of its own: the
// tests are the package. The long random runs are behind
// TOURNEE_LONG_TESTS=1, which CI sets.
package chaos
