// Package version holds the release this binary is, stamped at build time
// (-ldflags "-X tournee/version.Version=1.2.0", see release/build.go); a
// build from source says "dev". The command line and the interface show
// it, and work stamped in a base (the reconciliation of the stored days)
// names it, since another release may build the days differently.
package version

// Version is set by the linker only: nothing assigns it at run time.
var Version = "dev"
