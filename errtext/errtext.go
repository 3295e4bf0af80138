// Package errtext is the one place an error becomes French for the nurse.
// The command line and the interface both ask it, so a wrong passphrase, a
// missing USB stick or a damaged file read the same everywhere; the command
// line adds the precise cause after the sentence, the interface keeps it
// for the log.
//
// Errors that carry their own French (a French() method: storage's
// ErrCorrupt, the planner's NoStartError, handover's ScopeError…) are said
// by themselves; the sentinels of packages that stay free of wording are
// named in the table below.
package errtext

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"tournee/cabinetsync"
	"tournee/geo"
	"tournee/handover"
	"tournee/packfile"
	"tournee/patients"
)

// entry names in French one sentinel error.
type entry struct {
	err    error
	french string
}

// sentinels is searched in order: the first the error matches wins, so a
// precise error comes before the general one it may wrap.
var sentinels = []entry{
	{geo.ErrNoIndex, "aucune base d'adresses : importez d'abord le fichier BAN du département"},
	{patients.ErrReadOnly, "disque plein : la base est en lecture seule, rien n'a été enregistré ; libérez de la place puis relancez tournée"},
	{syscall.ENOSPC, "plus de place sur la clé USB ou le disque : rien n'a été enregistré ; libérez de la place, puis recommencez"},
	{handover.ErrOtherCabinet, "ce retour de remplacement concerne un autre cabinet ou d'autres infirmières : rien n'a été importé"},
	{handover.ErrNotReplacement, "cette base n'a pas été ouverte depuis un dossier de remplacement : pas de retour à écrire"},
	{packfile.ErrWrongKey, "cette clé ou cette phrase de passe n'ouvre pas ce dossier de remplacement ; rien n'a été créé"},
	{packfile.ErrDamaged, "le dossier de remplacement est endommagé, tronqué ou modifié ; rien n'a été créé"},
	{cabinetsync.ErrNoCabinetKey, "cet ordinateur n'a pas encore la clé du cabinet : créez le cabinet sur le premier poste, puis rejoignez-le sur les autres"},
	{cabinetsync.ErrKeyExists, "cet ordinateur a déjà la clé du cabinet : rien n'a été changé"},
	{cabinetsync.ErrOtherCabinet, "cette clé ou ce dossier appartient à un autre cabinet : rien n'a été changé"},
	{cabinetsync.ErrKeyProtected, "le fichier de la clé du cabinet est protégé : indiquez sa phrase de passe"},
	{cabinetsync.ErrKeyPassphrase, "cette phrase de passe n'ouvre pas le fichier de la clé du cabinet ; rien n'a été changé"},
	{cabinetsync.ErrBadKeyFile, "ce fichier n'est pas une clé de cabinet de tournée (ou il est abîmé) ; rien n'a été changé"},
	{cabinetsync.ErrNoFolder, "dossier de synchronisation introuvable : la clé USB est-elle branchée ?"},
	{patients.ErrNotFound, "introuvable : l'enregistrement a peut-être été supprimé ou archivé"},
	{patients.ErrConflict, "déjà enregistré : rien n'a été modifié"},
	{context.Canceled, "opération interrompue ; vos données n'ont pas été modifiées"},
	{context.DeadlineExceeded, "opération interrompue ; vos données n'ont pas été modifiées"},
	{os.ErrExist, "ce fichier existe déjà : choisissez un autre nom, rien n'a été écrasé"},
	{syscall.EROFS, "ce dossier est en lecture seule (clé USB verrouillée ?) : choisissez-en un autre"},
	{syscall.ENOTDIR, "ce chemin n'est pas un dossier : indiquez le dossier de la clé USB ou le dossier partagé"},
	{os.ErrPermission, "pas le droit d'accéder à ce fichier ou à ce dossier : choisissez-en un autre (la clé USB, par exemple)"},
	{os.ErrNotExist, "ce fichier ou ce dossier n'existe pas, ou la clé USB n'est plus branchée"},
}

// refusals says why a sync set a bundle aside, as the report lists it.
var refusals = []entry{
	{cabinetsync.ErrWrongKey, "paquet d'un autre cabinet ou chiffré avec une autre clé : ignoré"},
	{cabinetsync.ErrDamaged, "paquet abîmé, tronqué ou modifié : ignoré ; l'ordinateur qui l'a écrit le réécrira à sa prochaine synchronisation"},
	{cabinetsync.ErrTooNew, "paquet écrit par une version plus récente de tournée : mettez l'application à jour sur cet ordinateur"},
	{cabinetsync.ErrGap, "des paquets de ce poste manquent dans le dossier ; il les réécrira à sa prochaine synchronisation"},
}

// French is the phrase the nurse reads for err (« phrase de passe
// incorrecte : … », no final period: the command line writes it after
// « tournee : »), and whether anything knew it: when ok is false the caller
// says its own general sentence rather than an English chain.
func French(err error) (text string, ok bool) {
	if err == nil {
		return "", false
	}
	var verrs patients.ValidationErrors
	var verr *patients.ValidationError
	var fr interface{ French() string }
	switch {
	case errors.As(err, &verrs):
		return verrs.Error(), true
	case errors.As(err, &verr):
		return verr.Error(), true
	case errors.As(err, &fr):
		return fr.French(), true
	}
	if r := Refusal(err); r != "" {
		// A bundle a sync set aside: the same words as the sync's report.
		return "synchronisation : " + r, true
	}
	for _, e := range sentinels {
		if errors.Is(err, e.err) {
			return e.french, true
		}
	}
	return "", false
}

// Refusal says why a sync set a bundle aside (a phrase, no final period),
// or "" for a cause it does not know: the caller then gives the precise one.
func Refusal(err error) string {
	for _, e := range refusals {
		if errors.Is(err, e.err) {
			return e.french
		}
	}
	return ""
}

// Sentence is French(err) as the interface shows it: a capital first
// letter and a final period.
func Sentence(err error) (string, bool) {
	t, ok := French(err)
	if !ok {
		return "", false
	}
	return sentence(t), true
}

func sentence(t string) string {
	r, n := utf8.DecodeRuneInString(t)
	t = string(unicode.ToUpper(r)) + t[n:]
	if !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "?") && !strings.HasSuffix(t, "!") && !strings.HasSuffix(t, "…") {
		t += "."
	}
	return t
}
