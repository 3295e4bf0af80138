// Package dmp builds DMP-ready documents: the nursing summary of a patient
// over a period (Summarize), and the CDA R2 level 1 document that carries it
// as an embedded PDF with the CI-SIS header, plus the XDS metadata the
// uploading software needs and the IHE XDM package (XDM, VerifyXDM) that a
// secure health messaging (MSSanté) carries to the patient's Mon espace
// santé or a doctor. The authors are the nurses who did the care of the
// period; the nurse who exports is the legal authenticator. The rules
// follow shared/docs/dmp-cda.md; section numbers in comments refer to it.
package dmp
