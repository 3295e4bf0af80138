// Package geo turns addresses into coordinates without a network: it reads
// the Base Adresse Nationale (BAN) departmental CSV export, normalises street
// names, parses what a nurse types and ranks candidate streets against it.
// It is pure: it reads and writes only the io.Reader and io.Writer it is
// given, and keeps nothing; storing the street index is the storage
// package's job.
//
// # Reading the BAN
//
// NewReader accepts the file as downloaded (adresses-62.csv.gz) or
// decompressed: gzip is detected from its magic bytes, not from a file name.
// Columns are mapped by header name (see docs/ban-format.md), so a future
// column or a reordering does not break the import. A malformed line is
// reported by Next as a *LineError carrying the physical line number
// (header = 1) and a French message; the caller records it and goes on. A
// file that cannot be read at all gives a *FileError.
//
// # Matching
//
// Normalize maps a street or town name to a comparison key: folded case and
// accents (patients.Fold), punctuation as spaces, abbreviations expanded and
// the little words (de, la, l', ...) dropped, so « Av. de la Résistance » and
// « avenue Resistance » are the same key. The index stores streets under
// Street.Key and finds candidates through Trigrams, which survive typos.
//
// Rank then scores each candidate street with
//
//	Score = 0.60·street + 0.25·town + 0.15·number
//
// where street is the optimal-string-alignment Damerau–Levenshtein distance
// normalised by the longer name's length (1 − d/len). It was preferred to
// trigram Jaccard because the names are short: one typo in « rue mouln »
// costs 0.1 with the edit distance but a third of the trigrams. A query
// that omits or changes the street type (« moulin », « chemin du moulin »)
// is also compared without the type word, at 0.9 of that similarity, so
// the right type still wins. A street is not proposed when its name without
// the type is less than 0.5 similar: a shared « rue » proves nothing.
//
// town is 1 when the postcode (or the INSEE code) matches, otherwise the
// similarity of the town names; with neither a postcode nor a town in the
// query it is a neutral 0.5, since nothing confirms the town. number is 1
// for the exact number, 0.5 for the same number without its bis/ter (its
// point is used) or when no number was asked, and 0 when the number is
// unknown in that street; without an exact number the answer has
// Exact=false and, unless the bare number was found, the street's centre.
// An exact address in the right town therefore scores 1.
//
// # Test data
//
// WriteSynthetic writes a fictional file in the BAN format over real
// Pas-de-Calais commune names. Its INSEE codes, postcodes and centres are
// plausible, not checked: never use it as reference data.
package geo
