package geo

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// BANHeader is the exact 23-column header line of the BAN CSV export
// (docs/ban-format.md §2), without the line break.
const BANHeader = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles"

// synthCommune is a real commune name with plausible, unchecked codes and
// centre: enough for realistic tests, not reference data.
type synthCommune struct {
	name, postcode, insee string
	lon, lat              float64
	weight                int // share of the rows, roughly the population
}

var synthCommunes = []synthCommune{
	{"Calais", "62100", "62193", 1.858, 50.952, 40},
	{"Marck", "62730", "62548", 1.948, 50.948, 6},
	{"Coulogne", "62137", "62244", 1.884, 50.925, 4},
	{"Guînes", "62340", "62397", 1.870, 50.870, 4},
	{"Ardres", "62610", "62038", 1.980, 50.855, 3},
	{"Coquelles", "62231", "62239", 1.802, 50.928, 2},
	{"Sangatte", "62231", "62774", 1.760, 50.945, 3},
	{"Oye-Plage", "62215", "62645", 2.043, 50.965, 4},
	{"Les Attaques", "62730", "62040", 1.928, 50.907, 2},
	{"Fréthun", "62185", "62361", 1.826, 50.917, 1},
	{"Peuplingues", "62231", "62655", 1.767, 50.912, 1},
	{"Hames-Boucres", "62340", "62407", 1.845, 50.882, 1},
	{"Nouvelle-Église", "62370", "62617", 2.062, 50.955, 1},
	{"Escalles", "62179", "62304", 1.755, 50.915, 1},
	{"Bonningues-lès-Calais", "62340", "62155", 1.815, 50.890, 1},
	{"Nielles-lès-Calais", "62185", "62612", 1.833, 50.905, 1},
	{"Pihen-lès-Guînes", "62340", "62657", 1.790, 50.870, 1},
	{"Andres", "62340", "62031", 1.915, 50.865, 1},
	{"Balinghem", "62610", "62080", 1.943, 50.860, 1},
	{"Brêmes", "62610", "62174", 1.975, 50.840, 2},
}

var synthTypes = []string{"Rue", "Avenue", "Chemin", "Impasse", "Place", "Allée", "Boulevard", "Route", "Résidence", "Square"}

// synthNames go after the type with their article: "Rue " + "de la Paix".
var synthNames = []string{
	"du Moulin", "de l'Église", "de la Gare", "de la Mer", "des Écoles", "du Port", "de la Paix",
	"de la Liberté", "du Marché", "des Dunes", "du Phare", "de la Plage", "du Château", "des Prés",
	"Saint-Pierre", "Saint-Exupéry", "Sainte-Thérèse", "Saint-Michel", "Saint-Joseph", "Sainte-Anne",
	"Saint-Martin", "Saint-Louis", "Saint-Éloi", "Sainte-Catherine",
	"des Tilleuls", "des Marronniers", "des Peupliers", "des Chênes", "des Saules", "des Érables",
	"des Acacias", "des Lilas", "des Bouleaux", "des Platanes", "des Hêtres", "des Frênes", "des Pommiers",
	"Victor Hugo", "Jean Jaurès", "Charles de Gaulle", "Jean Moulin", "Louis Pasteur", "Émile Zola",
	"Pierre Curie", "Marie Curie", "Jules Ferry", "Georges Clemenceau", "Léon Blum", "Anatole France",
	"Gambetta", "Jean Macé", "Paul Bert", "Lamartine", "Voltaire", "Édouard Herriot", "Henri Barbusse",
	"Roger Salengro", "Aristide Briand", "Jacques Prévert", "Louis Blériot", "Hubert Latham",
	"du Maréchal Foch", "du Général Leclerc", "du Docteur Calmette", "Jeanne d'Arc", "Pierre de Coubertin",
	"de la Résistance", "du 8 Mai 1945", "du 11 Novembre", "des Fusillés", "de Verdun", "de la République",
	"de Flandre", "d'Artois", "de Boulogne", "de Gravelines", "des Fleurs", "des Roses", "des Violettes",
}

// afnor is the uppercase, unaccented, at most 32-character street name.
func afnor(s string) string {
	up := strings.ToUpper(strings.NewReplacer("-", " ", "'", " ").Replace(foldKeepCase(s)))
	if len(up) > 32 {
		up = strings.TrimSpace(up[:32])
	}
	return up
}

// foldKeepCase strips accents without lowering the case.
func foldKeepCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'É', 'È', 'Ê':
			r = 'E'
		case 'Î':
			r = 'I'
		case 'Ô':
			r = 'O'
		case 'â', 'à':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'î', 'ï':
			r = 'i'
		case 'ô':
			r = 'o'
		case 'û', 'ù':
			r = 'u'
		case 'ç':
			r = 'c'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteSynthetic writes a fictional BAN file: the exact header, then n rows
// over streets of real Pas-de-Calais commune names, grouped by commune then
// street as the real files are. Each street has the numbers 1..N along a
// short straight line, some with a bis or ter. The output depends only on n
// and seed. It streams through a small buffer, so n may be large (the
// import benchmark writes 600,000 rows).
func WriteSynthetic(w io.Writer, n int, seed uint64) error {
	n = max(n, 0)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(BANHeader)
	bw.WriteByte('\n')
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	total := 0
	for _, c := range synthCommunes {
		total += c.weight
	}
	combos := len(synthTypes) * len(synthNames)
	g := synthWriter{w: bw, rng: rng, line: make([]byte, 0, 512)}
	left := n
	for ci, c := range synthCommunes {
		quota := left
		if ci < len(synthCommunes)-1 {
			quota = min(left, (n*c.weight+total-1)/total)
		}
		left -= quota
		if quota == 0 {
			continue
		}
		g.commune = c
		g.libelle = afnor(c.name)
		spread := 0.008 + 0.004*math.Sqrt(float64(c.weight))
		// About 30 addresses a street, as in a small town; a large n
		// lengthens the streets rather than inventing duplicate names.
		nStreets := min(combos, max(1, quota/30))
		perm := rng.Perm(combos)
		base, extra := quota/nStreets, quota%nStreets
		shift := 0
		for si := range nStreets {
			rows := base
			if si < extra {
				rows++
			}
			// Neighbouring streets trade rows: lengths vary while the
			// commune's total stays exact.
			if si%2 == 0 && si+1 < nStreets {
				shift = rng.IntN(base/2 + 1)
				rows += shift
			} else if si%2 == 1 {
				rows -= shift
			}
			k := perm[si]
			g.street(synthTypes[k/len(synthNames)]+" "+synthNames[k%len(synthNames)], k, rows,
				c.lon+(rng.Float64()*2-1)*spread, c.lat+(rng.Float64()*2-1)*spread*0.6)
			if g.err != nil {
				return g.err
			}
		}
	}
	return bw.Flush()
}

// synthWriter holds what every row of a commune shares, and the first
// write error, checked once a street.
type synthWriter struct {
	w       *bufio.Writer
	rng     *rand.Rand
	line    []byte
	num     [20]byte // scratch for the house number
	commune synthCommune
	libelle string
	err     error
}

// street writes rows addresses of one street starting at (lon, lat).
func (g *synthWriter) street(name string, code, rows int, lon, lat float64) {
	voie := strconv.Itoa(1000 + code) // four characters, like a FANTOIR code
	nameAfnor := afnor(name)
	angle := g.rng.Float64() * 2 * math.Pi
	// About 8 m between numbers; even numbers across the street.
	dx, dy := math.Cos(angle)*0.00012, math.Sin(angle)*0.00008
	emitted := 0
	for num := 1; emitted < rows; num++ {
		side := float64(num%2)*2 - 1
		pLon := lon + float64(num/2)*dx*2 - dy*side*0.3
		pLat := lat + float64(num/2)*dy*2 + dx*side*0.3
		for _, rep := range [...]string{"", "bis", "ter"} {
			if emitted == rows {
				break
			}
			if rep == "bis" && g.rng.IntN(100) >= 6 || rep == "ter" && g.rng.IntN(100) >= 25 {
				break
			}
			jLon := pLon + (g.rng.Float64()*2-1)*0.00003
			jLat := pLat + (g.rng.Float64()*2-1)*0.00002
			g.row(voie, num, rep, name, nameAfnor, jLon, jLat)
			emitted++
		}
	}
}

// row writes one line with strconv appends: fmt would dominate the
// benchmark's time.
func (g *synthWriter) row(voie string, num int, rep, name, nameAfnor string, lon, lat float64) {
	c := g.commune
	b := g.line[:0]
	// id: <insee>_<voie>_<numero on 5 digits>[_<rep>]
	b = append(b, c.insee...)
	b = append(b, '_')
	b = append(b, voie...)
	b = append(b, '_')
	ns := strconv.AppendInt(g.num[:0], int64(num), 10)
	for range 5 - len(ns) {
		b = append(b, '0')
	}
	b = append(b, ns...)
	if rep != "" {
		b = append(b, '_')
		b = append(b, rep...)
	}
	b = append(b, ';')
	b = append(b, c.insee...) // id_fantoir
	b = append(b, '_')
	b = append(b, voie...)
	b = append(b, ';')
	b = append(b, ns...)
	b = append(b, ';')
	b = append(b, rep...)
	b = append(b, ';')
	b = append(b, name...)
	b = append(b, ';')
	b = append(b, c.postcode...)
	b = append(b, ';')
	b = append(b, c.insee...)
	b = append(b, ';')
	b = append(b, c.name...)
	b = append(b, ";;;"...) // no former commune
	// x, y: a linear approximation of Lambert-93 around Calais, enough to
	// look right; nothing in tournee reads them.
	b = strconv.AppendFloat(b, 619000+(lon-1.858)*70400, 'f', 2, 64)
	b = append(b, ';')
	b = strconv.AppendFloat(b, 7093000+(lat-50.952)*111300, 'f', 2, 64)
	b = append(b, ';')
	b = strconv.AppendFloat(b, lon, 'f', 6, 64)
	b = append(b, ';')
	b = strconv.AppendFloat(b, lat, 'f', 6, 64)
	b = append(b, ";entrée;;;"...)
	b = append(b, g.libelle...)
	b = append(b, ';')
	b = append(b, nameAfnor...)
	b = append(b, ";commune;commune;"...)
	if num%7 == 0 {
		b = append(b, '0')
	} else {
		b = append(b, '1')
	}
	b = append(b, ";\n"...)
	g.line = b
	if _, err := g.w.Write(b); err != nil && g.err == nil {
		g.err = err
	}
}
