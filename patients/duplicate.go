package patients

import "strings"

// SamePerson says whether two patient files describe the same person, and
// why, in French: the same NIR, or the same birth name, first name and
// birth date (how a nurse tells two homonyms apart). Case, accents, hyphens
// and spaces do not count: « Dupont-Lefèvre » typed « DUPONT LEFEVRE » is
// the same name. Two records with the same id are one record, not
// duplicates.
func SamePerson(a, b Patient) (string, bool) {
	if !a.ID.IsZero() && a.ID == b.ID {
		return "", false
	}
	if na := nirKey(a.INS); na != "" && na == nirKey(b.INS) {
		return "même NIR", true
	}
	if a.BirthDate.IsZero() || a.BirthDate != b.BirthDate {
		return "", false
	}
	if an, af := nameKey(a.BirthName), nameKey(a.FirstName); an != "" && af != "" && an == nameKey(b.BirthName) && af == nameKey(b.FirstName) {
		return "même nom de naissance, prénom et date de naissance", true
	}
	return "", false
}

// FindDuplicate returns the first of others that is the same person as p.
func FindDuplicate(p Patient, others []Patient) (Patient, string, bool) {
	for _, o := range others {
		if why, ok := SamePerson(p, o); ok {
			return o, why, true
		}
	}
	return Patient{}, "", false
}

func nirKey(ins *INS) string {
	if ins == nil {
		return ""
	}
	return strings.ToUpper(strings.Join(strings.Fields(ins.NIR), ""))
}

func nameKey(s string) string {
	s = strings.NewReplacer("-", " ", "'", " ", "’", " ").Replace(Fold(s))
	return strings.Join(strings.Fields(s), " ")
}
