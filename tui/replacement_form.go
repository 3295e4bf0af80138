package tui

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/rs/xid"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"tournee/french"
	"tournee/packfile"
	"tournee/patients"
	"tournee/replacement"
)

// defaultOut is remplacement-<nom>-<premier jour>.age on the titulaire's
// side, retour-<nom>-<aujourd'hui>.age on the remplaçant's.
func (s replacementScreen) defaultOut() string {
	if s.side == replRemplacant {
		return filepath.Join(s.folder, "retour-"+slug(s.me.LastName)+"-"+s.today().String()+".age")
	}
	name := "remplacant"
	if n, ok := s.remplacant(); ok {
		name = slug(n.LastName)
	}
	day := s.today().AddDays(1)
	if d, err := patients.ParseDate(s.in[rfFrom].Value()); err == nil {
		day = d
	}
	return filepath.Join(s.folder, "remplacement-"+name+"-"+day.String()+".age")
}

// slug makes a name safe in a file name on any stick: « Lemaître » is
// « lemaitre ».
func slug(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	plain, _, err := transform.String(t, strings.ToLower(name))
	if err != nil {
		plain = strings.ToLower(name)
	}
	var b strings.Builder
	dash := false
	for _, r := range plain {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "infirmiere"
	}
	return out
}

// percentText writes a share of 0..1 as the nurse types it: « 10 », « 7,5 ».
func percentText(share float64) string {
	return strings.TrimSuffix(french.Percent(share), " %")
}

// parseShare reads « 10 », « 7,5 % » or « 7.5 » as a share of 0..1.
func parseShare(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, err
	}
	return v / 100, nil
}

// request reads the titulaire's form; the rules themselves (period, share,
// the two-nurse limit) are the service's, whose refusal the preview shows.
func (s *replacementScreen) request() (replacement.Request, string) {
	var req replacement.Request
	n, ok := s.remplacant()
	if !ok {
		s.focus = rfNurse
		return req, "Aucun(e) autre infirmier(e) dans le cabinet : ajoutez d'abord le/la remplaçant(e)."
	}
	from, err := patients.ParseDate(s.in[rfFrom].Value())
	if err != nil {
		s.focus = rfFrom
		return req, "Premier jour illisible : écrivez-le 24/11/2026 ou 2026-11-24."
	}
	to, err := patients.ParseDate(s.in[rfTo].Value())
	if err != nil {
		s.focus = rfTo
		return req, "Dernier jour illisible : écrivez-le 24/11/2026 ou 2026-11-24."
	}
	share, err := parseShare(s.in[rfShare].Value())
	if err != nil {
		s.focus = rfShare
		return req, "Part du cabinet illisible : un pourcentage, par exemple 10 ou 7,5."
	}
	req = replacement.Request{Remplacant: n.ID, From: from, To: to, Share: share}
	if !s.me.ID.IsZero() {
		req.Titulaires = []xid.ID{s.me.ID}
	}
	return req, ""
}

// packKey reads the encryption part of the form. The public key is only
// checked for its shape here; age itself refuses a damaged one on writing.
func (s *replacementScreen) packKey() (packfile.Key, string) {
	if s.byKey {
		r := strings.TrimSpace(s.in[rfRecipient].Value())
		problem := ""
		switch {
		case r == "":
			problem = "Indiquez la clé publique (« age1… ») de la personne qui ouvrira le fichier, ou choisissez une phrase de passe."
		case strings.HasPrefix(strings.ToUpper(r), "AGE-SECRET-KEY-"):
			problem = "C'est une clé privée : elle ne quitte jamais l'ordinateur de sa propriétaire. Demandez la clé publique, « age1… »."
		case !strings.HasPrefix(r, "age1"):
			problem = "Une clé publique commence par « age1 » : copiez-la en entier."
		}
		if problem != "" {
			s.focus = rfRecipient
			return packfile.Key{}, problem
		}
		return packfile.Key{Recipient: r}, ""
	}
	p1, p2 := s.in[rfPass].Value(), s.in[rfPassAgain].Value()
	switch {
	case p1 == "":
		s.focus = rfPass
		return packfile.Key{}, "Choisissez une phrase de passe, à transmettre à part."
	case p1 != p2:
		s.focus = rfPassAgain
		return packfile.Key{}, "Les deux phrases de passe diffèrent : retapez la confirmation."
	}
	return packfile.Key{Passphrase: []byte(p1)}, ""
}
