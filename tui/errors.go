package tui

import "tournee/errtext"

// fallbackMessage is what the nurse reads for an error nothing below knows.
const fallbackMessage = "L'enregistrement a échoué ; vos données n'ont pas été modifiées."

// userMessage is the only place an error becomes words for the nurse: the
// French the command line says too (package errtext), as a sentence, never
// the wrapped chain (which goes to the log, by id only).
func userMessage(err error) string {
	if err == nil {
		return ""
	}
	if t, ok := errtext.Sentence(err); ok {
		return t
	}
	return fallbackMessage
}
