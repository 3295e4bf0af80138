package tui

import (
	"context"
	"errors"

	"tournee/patients"
)

// userMessage is the only place an error becomes words for the nurse: plain
// French, never the wrapped chain (which goes to the log, by id only).
func userMessage(err error) string {
	var fr interface{ French() string }
	var verrs patients.ValidationErrors
	var verr *patients.ValidationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &verrs):
		return verrs.Error()
	case errors.As(err, &verr):
		return verr.Error()
	case errors.As(err, &fr):
		return fr.French()
	case errors.Is(err, patients.ErrNotFound):
		return "Introuvable : l'enregistrement a peut-être été supprimé ou archivé."
	case errors.Is(err, patients.ErrConflict):
		return "Déjà enregistré : rien n'a été modifié."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "Opération interrompue ; vos données n'ont pas été modifiées."
	}
	return "L'enregistrement a échoué ; vos données n'ont pas été modifiées."
}
