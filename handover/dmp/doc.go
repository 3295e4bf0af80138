// Package dmp builds DMP-ready documents: the nursing summary of a patient
// over a period (Summarize), and the CDA R2 level 1 document that carries it
// as an embedded PDF with the CI-SIS header, plus the XDS metadata the
// uploading software needs. The rules follow shared/docs/dmp-cda.md; section
// numbers in comments refer to it.
package dmp
