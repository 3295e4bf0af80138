package dmp

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Schema validation costs xmllint about 0.13 CPU-second per run, almost all
// of it spent loading the ANS CDA schema. Validating each document the
// tests make in its own run was most of this package's test time, so the
// documents the tests are known to make (schemaCorpus) are validated in ONE
// run, the first time a test asks, and each test then reads the verdict of
// its own document by content. A document outside the corpus (a new test)
// is still validated, in a run of its own: only slower, never unchecked.

// schemaVerdict is xmllint's answer for one document: valid, and what it
// printed about that document only.
type schemaVerdict struct {
	valid bool
	out   string
}

// corpusVerdicts is computed once per test binary from a fixed corpus: a
// value that never changes once built, shared so the schema loads once.
var corpusVerdicts = sync.OnceValues(func() (map[[32]byte]schemaVerdict, error) {
	corpus := schemaCorpus()
	names := make([]string, 0, len(corpus))
	docs := make([][]byte, 0, len(corpus))
	for name, doc := range corpus {
		names = append(names, name)
		docs = append(docs, doc)
	}
	got, err := xmllintBatch(names, docs)
	if err != nil {
		return nil, err
	}
	verdicts := make(map[[32]byte]schemaVerdict, len(docs))
	for i, doc := range docs {
		verdicts[sha256.Sum256(doc)] = got[i]
	}
	return verdicts, nil
})

// schemaCorpus is every document the tests of this package make from a
// fixed header, plus the broken ones TestSchemaRejectsBrokenDocuments
// expects refused and the ANS reference example, keyed by a name that
// xmllint's messages then carry instead of a temporary path. A header
// Document refuses is left out: its own test says why.
func schemaCorpus() map[string][]byte {
	headers := map[string]Header{
		"complete":           cdaHeader(),
		"minimal":            cdaMinimalHeader(),
		"version 2":          versionTwoHeader(),
		"replacing version":  replacingHeader(cdaHeader()),
		"Paris offsets":      parisOffsetHeader(),
		"user text":          escapingHeader(),
		"header order":       headerOrderHeader(),
		"metadata version 2": metadataHeader(),
	}
	for _, tc := range acceptedChanges() {
		h := cdaHeader()
		tc.change(&h)
		headers["accepted: "+tc.name] = h
	}
	corpus := map[string][]byte{}
	for name, h := range headers {
		if doc, err := Document(h, cdaFakePDF); err == nil {
			corpus[name] = doc
		}
	}
	if doc, ok := corpus["complete"]; ok {
		for name, broken := range brokenDocuments(doc) {
			corpus["broken: "+name] = broken
		}
	}
	for _, rel := range []string{brokenExample, referenceExample} {
		if doc, err := os.ReadFile(filepath.Join(sharedCDA, rel)); err == nil {
			corpus[rel] = doc
		}
	}
	return corpus
}

// xmllintBatch validates docs against the CDA schema in one xmllint run
// (dmp-cda.md §7.1) and returns the verdict of each, in order. xmllint
// reports per file: "F validates", "F fails to validate", and its errors
// prefixed with "F:"; F is a numbered file, replaced by the document's
// name in what is returned.
func xmllintBatch(names []string, docs [][]byte) ([]schemaVerdict, error) {
	dir, err := os.MkdirTemp("", "tournee-cda-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	paths := make([]string, len(docs))
	for i, doc := range docs {
		paths[i] = filepath.Join(dir, fmt.Sprintf("doc%04d.xml", i))
		if err := os.WriteFile(paths[i], doc, 0o600); err != nil {
			return nil, err
		}
	}
	args := append([]string{"--noout", "--schema", filepath.Join(sharedCDA, "xsd/cda/CDA_extended.xsd")}, paths...)
	out, err := exec.Command("xmllint", args...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("run xmllint: %w", err)
	}
	lines := make([][]string, len(docs))
	valid := make([]bool, len(docs))
	var unclaimed []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		i := fileOf(line, paths)
		if i < 0 {
			unclaimed = append(unclaimed, line)
			continue
		}
		if line == paths[i]+" validates" {
			valid[i] = true
		}
		lines[i] = append(lines[i], strings.ReplaceAll(line, paths[i], names[i]))
	}
	verdicts := make([]schemaVerdict, len(docs))
	for i := range docs {
		// A file xmllint says nothing about is not valid: its verdict then
		// carries whatever xmllint printed that no file claims.
		text := strings.Join(lines[i], "\n")
		if len(lines[i]) == 0 {
			text = strings.Join(unclaimed, "\n")
		}
		verdicts[i] = schemaVerdict{valid: valid[i], out: text}
	}
	if err == nil && !allTrue(valid) {
		return nil, fmt.Errorf("xmllint exits 0 but does not say every file validates:\n%s", out)
	}
	return verdicts, nil
}

// fileOf returns which path a line of xmllint output is about, or -1.
func fileOf(line string, paths []string) int {
	for i, p := range paths {
		if rest, ok := strings.CutPrefix(line, p); ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, " ")) {
			return i
		}
	}
	return -1
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

// schemaCheck returns xmllint's verdict on doc: from the corpus run when
// the corpus holds doc, else from a run of its own. Without xmllint the
// test skips, or fails under TOURNEE_REQUIRE_TOOLS=1; without the shared
// schema it fails.
func schemaCheck(t *testing.T, name string, doc []byte) schemaVerdict {
	t.Helper()
	if ok, why := xmllintReady(); !ok {
		toolsMissing(t, why)
	}
	sharedFile(t, "xsd/cda/CDA_extended.xsd")
	verdicts, err := corpusVerdicts()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := verdicts[sha256.Sum256(doc)]; ok {
		return v
	}
	got, err := xmllintBatch([]string{name}, [][]byte{doc})
	if err != nil {
		t.Fatal(err)
	}
	return got[0]
}

// brokenDocuments are two ways to break a valid document that only the
// schema sees: an element it does not know, and two elements out of order.
func brokenDocuments(doc []byte) map[string][]byte {
	return map[string][]byte{
		"unknown element":         bytes.Replace(doc, []byte("</languageCode>"), []byte("</languageCode><foo/>"), 1),
		"custodian before author": moveElement(doc, "custodian", "<author>"),
	}
}

// The shared ANS examples the schema check is calibrated on.
const (
	brokenExample    = "examples/broken/b1-xsd-unknown-element.xml"
	referenceExample = "examples/nurse-N1-text.xml"
)
