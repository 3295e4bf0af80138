//go:build tournee_cheapkdf

package keycost

const cheapBuild = true
