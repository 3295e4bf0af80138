package geo

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

// Street is one street of the index: what the storage keeps per
// (code_insee, street).
type Street struct {
	Voie, CodePostal, CodeINSEE, Commune string
	// Numbers maps "12", "12 bis" (numero + " " + rep, lower case) to
	// {lon, lat}.
	Numbers map[string][2]float64
	// Center is the mean of the numbers' points: the answer when the query
	// has no number or one the street does not have.
	Center [2]float64
}

// Key is what the index stores the street under: Normalize(Voie) + "|" +
// CodeINSEE. The INSEE code, not the postcode, because one postcode covers
// several communes that may each have a « rue de l'Église ».
func (s Street) Key() string { return Normalize(s.Voie) + "|" + s.CodeINSEE }

// NumberKey is the Street.Numbers key of a BAN numero and rep.
func NumberKey(numero, rep string) string {
	numero, rep = strings.TrimSpace(numero), strings.ToLower(strings.TrimSpace(rep))
	if rep == "" {
		return numero
	}
	return numero + " " + rep
}

// Candidate is a ranked answer.
type Candidate struct {
	Label    string // "12 bis Rue du Moulin, 62100 Calais"
	Lon, Lat float64
	Score    float64 // 0..1, see the package documentation
	Exact    bool    // the house number was found
}

// ErrNoIndex: no address file was imported yet, so nothing can be looked up.
var ErrNoIndex = errors.New("no address index: import a BAN file first")

// Score weights and thresholds (see the package documentation).
const (
	weightStreet = 0.60
	weightTown   = 0.25
	weightNumber = 0.15

	// minStreetSimilarity keeps unrelated streets out of the answers: below
	// it, more than half of the letters of the name (without the street
	// type) would have to change.
	minStreetSimilarity = 0.5
	// typelessFactor discounts a match found only after dropping the
	// street types, so that « rue du Moulin » beats « chemin du Moulin »
	// for « rue du moulin ».
	typelessFactor = 0.9
	// townNeutral is the town score when the query names no town: it
	// neither confirms nor contradicts.
	townNeutral = 0.5
	// maxTownWords is how many trailing street words Rank tries as the
	// town when ParseQuery could not tell where the town starts.
	maxTownWords = 3
)

// Rank scores the candidate streets against q and returns at most limit
// candidates, best first; ties are broken by label, then position, so the
// order does not depend on the order of streets. Streets whose name is too
// far from q.Street are left out. See the package documentation for the
// score.
func Rank(q Query, streets []Street, limit int) []Candidate {
	if limit <= 0 || q.Street == "" {
		return nil
	}
	type split struct{ street, town string }
	splits := []split{{q.Street, q.Town}}
	if q.Town == "" {
		ws := strings.Fields(q.Street)
		for k := 1; k <= maxTownWords && k < len(ws); k++ {
			splits = append(splits, split{strings.Join(ws[:len(ws)-k], " "), strings.Join(ws[len(ws)-k:], " ")})
		}
	}

	var out []Candidate
	for _, s := range streets {
		voie, commune := Normalize(s.Voie), Normalize(s.Commune)
		bestMatch := -1.0 // no split passed the similarity gate
		for _, sp := range splits {
			ss, core := streetSimilarity(sp.street, voie)
			if core < minStreetSimilarity {
				continue
			}
			if m := weightStreet*ss + weightTown*townScore(q.PostalCode, sp.town, s, commune); m > bestMatch {
				bestMatch = m
			}
		}
		if bestMatch < 0 {
			continue
		}
		c := locate(q.Number, s)
		c.Score = min(1, max(0, bestMatch+c.Score))
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(
			cmp.Compare(b.Score, a.Score),
			strings.Compare(a.Label, b.Label),
			cmp.Compare(a.Lon, b.Lon),
			cmp.Compare(a.Lat, b.Lat),
		)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// locate picks the point for number in s and returns it as a candidate
// whose Score holds only the number part of the score.
func locate(number string, s Street) Candidate {
	label := func(n string) string {
		l := s.Voie + ", " + strings.TrimSpace(s.CodePostal+" "+s.Commune)
		if n != "" {
			l = n + " " + l
		}
		return l
	}
	if number != "" {
		if p, ok := s.Numbers[number]; ok {
			return Candidate{Label: label(number), Lon: p[0], Lat: p[1], Exact: true, Score: weightNumber}
		}
		// "12 bis" unknown but "12" known: the same door or the next one.
		if base, _, ok := strings.Cut(number, " "); ok {
			if p, ok := s.Numbers[base]; ok {
				return Candidate{Label: label(base), Lon: p[0], Lat: p[1], Score: weightNumber / 2}
			}
		}
		return Candidate{Label: label(""), Lon: s.Center[0], Lat: s.Center[1]}
	}
	return Candidate{Label: label(""), Lon: s.Center[0], Lat: s.Center[1], Score: weightNumber / 2}
}

// streetSimilarity compares two normalized street names. sim is the
// score: the whole names, or the names without their street types
// (« moulin » against « rue moulin ») at a discount. core, the similarity
// without the types, decides whether the street is proposed at all: a
// shared « rue » must not make « rue eglise » look like « rue moulin ».
func streetSimilarity(q, v string) (sim, core float64) {
	if q == "" {
		return 0, 0
	}
	qc, vc := withoutType(q), withoutType(v)
	core = similarity(qc, vc)
	sim = similarity(q, v)
	if qc != q || vc != v {
		sim = max(sim, typelessFactor*core)
	}
	return sim, core
}

// townScore is 1 when the postcode (or INSEE code, which people mix up)
// matches, else the similarity of the town names; the mean of both when
// both are given, so that a postcode shared by several communes is settled
// by the name.
func townScore(postal, town string, s Street, commune string) float64 {
	pc := 0.0
	if postal != "" && (postal == s.CodePostal || postal == s.CodeINSEE) {
		pc = 1
	}
	switch {
	case postal == "" && town == "":
		return townNeutral
	case town == "":
		return pc
	case postal == "":
		return townSimilarity(town, commune)
	}
	return (pc + townSimilarity(town, commune)) / 2
}

// townSimilarity also accepts the first words of a longer name:
// « boulogne » for « boulogne sur mer ».
func townSimilarity(town, commune string) float64 {
	sim := similarity(town, commune)
	if strings.HasPrefix(commune, town+" ") {
		sim = max(sim, 0.9)
	}
	return sim
}

// similarity is 1 − d/n, where d is the optimal-string-alignment
// Damerau–Levenshtein distance (a swap of two neighbouring letters costs
// one edit, like a substitution) and n the longer length, in runes.
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	if n == 0 {
		return 1
	}
	return 1 - float64(osaDistance(ra, rb))/float64(n)
}

// osaDistance keeps three rows of the dynamic programming table: the
// transposition looks two rows back.
func osaDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
