// Command release builds tournée's release archives, reproducibly: the same
// source and version give the same bytes on any machine.
//
//	go run ./release -version 1.0.0 -out dist
//
// It writes, in -out:
//
//	tournee-VERSION-windows-amd64.zip, tournee-VERSION-windows-arm64.zip
//	tournee-VERSION-macos-universal.zip   (one binary for Intel and Apple Silicon Macs)
//	tournee-VERSION-linux-amd64.tar.gz, tournee-VERSION-linux-arm64.tar.gz
//	SHA256SUMS
//
// Each archive holds the program, LICENSE, GUIDE.md and README.md in a
// folder tournee-VERSION/. Binaries are built with CGO_ENABLED=0,
// -trimpath, no build id and no VCS stamp, with the version stamped in
// tournee/version.Version; archive entries are sorted, owned by nobody and
// dated SOURCE_DATE_EPOCH (else the last commit's date, else 1 January
// 2026), so nothing depends on the build machine or the clock.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	var cfg Config
	flag.StringVar(&cfg.Version, "version", "", "version to stamp, e.g. 1.0.0 (required)")
	flag.StringVar(&cfg.Out, "out", "dist", "folder for the archives (created)")
	flag.StringVar(&cfg.Src, "src", ".", "the module's folder")
	only := flag.String("only", "", "build only these targets, comma-separated (e.g. linux-amd64,macos-universal)")
	flag.Parse()
	if cfg.Version == "" {
		fmt.Fprintln(os.Stderr, "release : -version est obligatoire (par exemple -version 1.0.0)")
		os.Exit(2)
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	sums, err := Build(cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release : "+err.Error())
		os.Exit(1)
	}
	fmt.Print(sums)
}
