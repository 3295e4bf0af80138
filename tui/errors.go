package tui

import (
	"context"
	"errors"
	"os"
	"syscall"

	"tournee/cabinetsync"
	"tournee/patients"
)

// fallbackMessage is what the nurse reads for an error nothing below knows.
const fallbackMessage = "L'enregistrement a échoué ; vos données n'ont pas été modifiées."

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
	case errors.Is(err, patients.ErrReadOnly):
		return "Disque plein : la base est en lecture seule, rien n'a été enregistré. Libérez de la place puis relancez tournée."
	case errors.Is(err, patients.ErrConflict):
		return "Déjà enregistré : rien n'a été modifié."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "Opération interrompue ; vos données n'ont pas été modifiées."
	}
	if m := cabinetMessage(err); m != "" {
		return m
	}
	if m := folderMessage(err); m != "" {
		return m
	}
	return fallbackMessage
}

// cabinetMessage words the errors of the cabinet key and of a sync.
func cabinetMessage(err error) string {
	switch {
	case errors.Is(err, cabinetsync.ErrNoCabinetKey):
		return "Cet ordinateur n'a pas encore la clé du cabinet : lancez « tournee cabinet init » sur le premier poste, puis « tournee cabinet join » sur les autres."
	case errors.Is(err, cabinetsync.ErrKeyExists):
		return "Cet ordinateur a déjà la clé du cabinet."
	case errors.Is(err, cabinetsync.ErrOtherCabinet):
		return "Cette clé ou ce dossier appartient à un autre cabinet : rien n'a été modifié."
	case errors.Is(err, cabinetsync.ErrKeyProtected):
		return "Le fichier de la clé du cabinet est protégé : indiquez sa phrase de passe."
	case errors.Is(err, cabinetsync.ErrKeyPassphrase):
		return "Phrase de passe incorrecte pour le fichier de la clé du cabinet."
	case errors.Is(err, cabinetsync.ErrBadKeyFile):
		return "Ce fichier n'est pas une clé de cabinet de tournée."
	case errors.Is(err, cabinetsync.ErrNoFolder):
		return "Ce dossier n'existe pas ou la clé USB n'est plus branchée."
	case errors.Is(err, cabinetsync.ErrWrongKey), errors.Is(err, cabinetsync.ErrDamaged),
		errors.Is(err, cabinetsync.ErrTooNew), errors.Is(err, cabinetsync.ErrGap):
		return "Synchronisation : " + refusalText(err) + "."
	}
	return ""
}

// folderMessage words the failures of a folder the nurse chose (a USB
// stick, a shared folder).
func folderMessage(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "Plus de place sur la clé USB ou le disque : libérez de la place, puis recommencez."
	case errors.Is(err, syscall.EROFS):
		return "Ce dossier est en lecture seule (clé USB verrouillée ?) : choisissez-en un autre."
	case errors.Is(err, syscall.ENOTDIR):
		return "Ce chemin n'est pas un dossier : indiquez le dossier de la clé USB ou le dossier partagé."
	case errors.Is(err, os.ErrPermission):
		return "Pas le droit d'écrire dans ce dossier : choisissez-en un autre (la clé USB, par exemple)."
	case errors.Is(err, os.ErrNotExist):
		return "Ce dossier n'existe pas ou la clé USB n'est plus branchée."
	}
	return ""
}
