package storage

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"tournee/geo"

	bolt "go.etcd.io/bbolt"
)

// The address index holds public data (the Base Adresse Nationale), so it is
// stored in clear: sealing 600,000 addresses would cost time and protect
// nothing. It lives in one of two generations of buckets; an import fills
// the idle one and switches meta/geo_active in its last transaction, so a
// failed or interrupted import leaves the previous index untouched.
var (
	keyGeoActive = []byte("geo_active")
	keyGeoInfo   = []byte("geo_info")
)

func geoBuckets(gen string) (streets, tri, df, numbers []byte) {
	return []byte("geo_" + gen + "_streets"), []byte("geo_" + gen + "_trigrams"), []byte("geo_" + gen + "_df"),
		[]byte("geo_" + gen + "_numbers")
}

// geoStreet is a street's header: everything but its numbers, which live
// under their own keys so a lookup reads only the number it asks for.
type geoStreet struct {
	geo.Street
	N int `json:"n"` // numbers behind Center, to merge a street met twice
}

func numberKey(street, number string) []byte {
	return append(append([]byte(street), 0), number...)
}

func getPoint(b *bolt.Bucket, key []byte) ([2]float64, bool) {
	v := b.Get(key)
	if len(v) != 16 {
		return [2]float64{}, false
	}
	return [2]float64{math.Float64frombits(binary.BigEndian.Uint64(v)), math.Float64frombits(binary.BigEndian.Uint64(v[8:]))}, true
}

// GeoInfo describes the address index in use.
type GeoInfo struct {
	Rows       int       `json:"rows"`
	Streets    int       `json:"streets"`
	Skipped    int       `json:"skipped"`
	ImportedAt time.Time `json:"imported_at"`
}

// GeoImportResult is what an import did.
type GeoImportResult struct {
	GeoInfo
	// Errors are the malformed lines (at most geoMaxErrors kept; Skipped counts all).
	Errors []*geo.LineError
}

const (
	geoBatch        = 2000   // streets per write transaction
	geoBatchNumbers = 50_000 // or addresses, whichever comes first
	geoMaxErrors    = 1000
)

// GeoImport streams a BAN file into a fresh index and makes it the active one
// at the end, in one pass with bounded memory: rows come grouped by street,
// and streets are written by batches. progress, when not nil, is called with
// the number of rows read so far.
func (db *DB) GeoImport(ctx context.Context, rd *geo.Reader, progress func(rows int)) (GeoImportResult, error) {
	var res GeoImportResult
	active, err := db.geoActive()
	if err != nil {
		return res, err
	}
	target := "a"
	if active == "a" {
		target = "b"
	}
	sb, tb, db2, nb := geoBuckets(target)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{sb, tb, db2, nb} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("prepare address index: %w", err)
	}
	batch := map[string]*geo.Street{}
	pending := 0 // numbers in the batch
	order := []string{}
	df := map[string]uint64{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// bbolt inserts into a sorted page slice: keys put in random order
		// make every insert move the whole node (quadratic), sorted ones
		// append. So each kind of key is collected, sorted, then put.
		type kv struct {
			k []byte
			v []byte
		}
		var nums, tris, heads []kv
		err := db.bolt.View(func(tx *bolt.Tx) error {
			sbk := tx.Bucket(sb)
			for _, k := range order {
				s := batch[k]
				h := geoStreet{Street: geo.Street{Voie: s.Voie, CodePostal: s.CodePostal, CodeINSEE: s.CodeINSEE, Commune: s.Commune}}
				sum := [2]float64{}
				for n, pt := range s.Numbers {
					v := binary.BigEndian.AppendUint64(nil, math.Float64bits(pt[0]))
					nums = append(nums, kv{numberKey(k, n), binary.BigEndian.AppendUint64(v, math.Float64bits(pt[1]))})
					sum[0] += pt[0]
					sum[1] += pt[1]
					h.N++
				}
				if old := sbk.Get([]byte(k)); old != nil {
					// The street came back further down the file: merge.
					var prev geoStreet
					if err := json.Unmarshal(old, &prev); err == nil {
						sum[0] += prev.Center[0] * float64(prev.N)
						sum[1] += prev.Center[1] * float64(prev.N)
						h.N += prev.N
					}
				} else {
					res.Streets++
					for _, t := range geo.Trigrams(geo.Normalize(s.Voie)) {
						tris = append(tris, kv{append(append([]byte(t), 0), k...), nil})
						df[t]++
					}
				}
				if h.N > 0 {
					h.Center = [2]float64{sum[0] / float64(h.N), sum[1] / float64(h.N)}
				}
				raw, err := json.Marshal(h)
				if err != nil {
					return err
				}
				heads = append(heads, kv{[]byte(k), raw})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, list := range [][]kv{nums, tris, heads} {
			slices.SortFunc(list, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
		}
		err = db.bolt.Update(func(tx *bolt.Tx) error {
			for _, w := range []struct {
				name []byte
				list []kv
			}{{nb, nums}, {tb, tris}, {sb, heads}} {
				b := tx.Bucket(w.name)
				b.FillPercent = 0.9 // mostly appended: pack the pages
				for _, e := range w.list {
					if err := b.Put(e.k, e.v); err != nil {
						return err
					}
				}
			}
			return nil
		})
		clear(batch)
		order = order[:0]
		pending = 0
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *geo.LineError
		if errors.As(err, &le) {
			res.Skipped++
			if len(res.Errors) < geoMaxErrors {
				res.Errors = append(res.Errors, le)
			}
			continue
		}
		if err != nil {
			return res, fmt.Errorf("read addresses: %w", err)
		}
		res.Rows++
		s := geo.Street{Voie: row.Voie, CodePostal: row.CodePostal, CodeINSEE: row.CodeINSEE, Commune: row.Commune}
		k := s.Key()
		cur, ok := batch[k]
		if !ok {
			if len(batch) >= geoBatch || pending >= geoBatchNumbers {
				if err := flush(); err != nil {
					return res, fmt.Errorf("write address index: %w", err)
				}
			}
			s.Numbers = map[string][2]float64{}
			cur = &s
			batch[k] = cur
			order = append(order, k)
		}
		cur.Numbers[geo.NumberKey(row.Numero, row.Rep)] = [2]float64{row.Lon, row.Lat}
		pending++
		if progress != nil && res.Rows%10_000 == 0 {
			progress(res.Rows)
		}
	}
	if err := flush(); err != nil {
		return res, fmt.Errorf("write address index: %w", err)
	}
	if res.Rows == 0 {
		return res, ErrNoAddressRows
	}
	res.ImportedAt = db.now().UTC()
	info, _ := json.Marshal(res.GeoInfo)
	// Switch to the new index and drop the old one in a single transaction.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		dfb := tx.Bucket(db2)
		for t, n := range df {
			if err := dfb.Put([]byte(t), binary.BigEndian.AppendUint64(nil, n)); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyGeoActive, []byte(target)); err != nil {
			return err
		}
		if err := meta.Put(keyGeoInfo, info); err != nil {
			return err
		}
		if active != "" {
			a, b, c, d := geoBuckets(active)
			for _, name := range [][]byte{a, b, c, d} {
				if tx.Bucket(name) != nil {
					if err := tx.DeleteBucket(name); err != nil {
						return err
					}
				}
			}
		}
		return db.audit(tx, "import", "addresses", db.newID(), res.Rows)
	})
	if err != nil {
		return res, fmt.Errorf("activate address index: %w", err)
	}
	if progress != nil {
		progress(res.Rows)
	}
	return res, nil
}

func (db *DB) geoActive() (string, error) {
	var gen string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		gen = string(tx.Bucket(bucketMeta).Get(keyGeoActive))
		return nil
	})
	return gen, err
}

// ErrNoAddressIndex: no BAN file was imported yet. It is geo.ErrNoIndex, so
// the interface can recognise it without importing storage.
var ErrNoAddressIndex = geo.ErrNoIndex

// ErrNoAddressRows: the file has the BAN's header but not one address (a
// cut download, a sample of the header): nothing is imported.
var ErrNoAddressRows error = &frenchError{"no address in the file", "aucune adresse dans ce fichier (téléchargement incomplet ?) : rien n'a été importé, les adresses déjà importées restent en service"}

// ErrNoStreet: the text looked up holds no street name.
var ErrNoStreet error = &frenchError{"no street in the address", "indiquez au moins le nom de la rue"}

// GeoInfo returns the active index's description.
func (db *DB) GeoInfo() (GeoInfo, error) {
	var info GeoInfo
	err := db.bolt.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(keyGeoInfo)
		if raw == nil {
			return ErrNoAddressIndex
		}
		return json.Unmarshal(raw, &info)
	})
	return info, err
}

// geoProbe is how many of the query's rarest trigrams are looked up, and
// geoCandidates how many streets go to the ranking: common trigrams (" ru",
// "rue") would otherwise pull in half the département.
const (
	geoProbe      = 8
	geoCandidates = 60
)

// GeoFind returns the best matching addresses for free text.
func (db *DB) GeoFind(ctx context.Context, text string, limit int) ([]geo.Candidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := geo.ParseQuery(text)
	if q.Street == "" {
		return nil, ErrNoStreet
	}
	gen, err := db.geoActive()
	if err != nil {
		return nil, err
	}
	if gen == "" {
		return nil, ErrNoAddressIndex
	}
	sb, tb, dfb, nb := geoBuckets(gen)
	var out []geo.Candidate
	err = db.bolt.View(func(tx *bolt.Tx) error {
		tris := geo.Trigrams(q.Street)
		freq := make(map[string]uint64, len(tris))
		for _, t := range tris {
			if v := tx.Bucket(dfb).Get([]byte(t)); len(v) == 8 {
				freq[t] = binary.BigEndian.Uint64(v)
			}
		}
		tris = slices.DeleteFunc(tris, func(t string) bool { return freq[t] == 0 })
		slices.SortStableFunc(tris, func(a, b string) int { return cmp.Compare(freq[a], freq[b]) })
		if len(tris) > geoProbe {
			tris = tris[:geoProbe]
		}
		hits := map[string]int{}
		c := tx.Bucket(tb).Cursor()
		for _, t := range tris {
			prefix := append([]byte(t), 0)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				hits[string(k[len(prefix):])]++
			}
		}
		keys := make([]string, 0, len(hits))
		for k := range hits {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if hits[a] != hits[b] {
				return hits[b] - hits[a]
			}
			return bytes.Compare([]byte(a), []byte(b))
		})
		if len(keys) > geoCandidates {
			keys = keys[:geoCandidates]
		}
		streets := make([]geo.Street, 0, len(keys))
		sbk, nbk := tx.Bucket(sb), tx.Bucket(nb)
		// Only the numbers the query names are read: "12 bis", and "12" as
		// the fallback Rank knows.
		var wanted []string
		if q.Number != "" {
			wanted = append(wanted, q.Number)
			if base, _, ok := strings.Cut(q.Number, " "); ok {
				wanted = append(wanted, base)
			}
		}
		for _, k := range keys {
			var h geoStreet
			if err := json.Unmarshal(sbk.Get([]byte(k)), &h); err != nil {
				return fmt.Errorf("%w: address index entry %q", ErrCorrupt, k)
			}
			s := h.Street
			s.Numbers = map[string][2]float64{}
			for _, n := range wanted {
				if pt, ok := getPoint(nbk, numberKey(k, n)); ok {
					s.Numbers[n] = pt
				}
			}
			streets = append(streets, s)
		}
		out = geo.Rank(q, streets, limit)
		return nil
	})
	return out, err
}
