// Package cli is tournée's command line: it parses arguments, reads the
// passphrase, opens the sealed database and prints results in French (or as
// JSON for scripts). main.go only wires it to the process.
package cli
