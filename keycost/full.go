//go:build !tournee_cheapkdf

package keycost

const cheapBuild = false
