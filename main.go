// Command tournee plans and records the rounds of French home-care nurses
// (infirmiers libéraux). See README.md.
package main

import (
	"os"
	_ "time/tzdata" // Europe/Paris on Windows machines without a zoneinfo database

	"tournee/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.OSEnv()))
}
