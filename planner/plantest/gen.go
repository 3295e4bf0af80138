package plantest

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/rs/xid"

	"tournee/patients"
	"tournee/planner"
)

// GenerateDay builds a synthetic cabinet day around Calais, for benchmarks
// and tests that need more or bigger days than the demo cabinet. It makes
// the given number of rural nurses (DefaultShifts, rounds from and to the
// cabinet), each with patients whose care plans make BuildDay list exactly
// visitsPerNurse visits for her on date. The same arguments always give the
// same planner.DayInput, IDs included; negative counts are read as 0.
//
// Every person is invented. Patients live in the communes of the demo
// cabinet (lon 1.76–2.08, lat 50.83–50.96), in clusters around each
// commune's reference point, and each nurse has her own sector: the
// communes in one angular slice around the cabinet, nearest first, as a
// cabinet splits its rounds by area. Some households have two patients at
// one address.
//
// The day follows a rural IDEL's (issue "Planner", domain notes): about two
// visits in three on the morning round. About a quarter of the visits are
// insulin (strict 07:00–08:30 and 18:00–19:30, timed to waking and meals),
// about a tenth fasting blood draws (strict 07:00–09:00, tubes to the lab by
// 10:30), then hygiene care of 30 to 45 minutes (soft, 08:00–11:00),
// dressings (many every other day), anticoagulant injections, compression
// stockings on and off, treatments, and pill boxes on the evening round.
// The cabinet has two fixed-time visits (10:30 and 17:30, strict) and one
// patient with a « visite à deux » alert.
//
// Hygiene care is about a fifth of a 20-visit day but shrinks on busier
// days: a nurse cannot add 30 to 45-minute cares to forty short visits in
// one morning, and rural nurses who make 40 to 59 visits a day leave most of
// them to the SSIAD. hygieneVisits has the arithmetic. Likewise fasting
// draws give way when morning insulin already fills the 07:00–09:00 rush
// (genMaxEarlyStrict), and a nurse's patients are placed again, up to
// genMaxAttempts times, until all her strict visits can be made on time at
// DefaultCrow's rural speed: a benchmark day no schedule can meet would
// measure nothing.
//
// The cabinet also holds what BuildDay must skip: patients whose
// every-other-day dressing is not due today, and one hospitalised patient.
// Their plans are valid; they give no visit on date. date must be set.
func GenerateDay(seed uint64, nurses, visitsPerNurse int, date patients.Date) planner.DayInput {
	nurses, visitsPerNurse = max(nurses, 0), max(visitsPerNurse, 0)
	g := &dayGen{
		// Two seeds for PCG; the constant only keeps seed 0 from giving a
		// degenerate first state.
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		ids:  newGenIDs(seed, date),
		date: date,
		in:   planner.DayInput{Date: date},
	}
	cabinet := patients.Place{Label: "Cabinet infirmier (généré), Coulogne", Point: genCabinet}
	for k := range nurses {
		g.in.Nurses = append(g.in.Nurses, g.nurse(k, cabinet))
	}
	sectors := genSectors(nurses)
	for k := range nurses {
		// The cabinet's two fixed-time visits go to the first nurse (morning)
		// and the second (evening), or both to a nurse working alone.
		fixedM, fixedE := 0, 0
		if k == 0 {
			fixedM = 1
		}
		if k == 1%nurses {
			fixedE = 1
		}
		mix := genMix(visitsPerNurse, fixedM, fixedE, k == 0)
		nurse := g.in.Nurses[k]
		// Redraw the nurse's patients while their strict visits cannot all
		// be made. Each attempt draws new places from the same random
		// stream, so the result stays deterministic. A day too dense for
		// any layout keeps its last attempt; the tested sizes (up to 59
		// visits for one nurse) never need it.
		patientsBefore, plansBefore := len(g.in.Patients), len(g.in.CarePlans)
		households, duoDone := g.household, g.duoDone
		for attempt := 0; ; attempt++ {
			g.nursePatients(nurse.ID, sectors[k], slices.Clone(mix))
			if attempt == genMaxAttempts-1 || g.strictFeasible(nurse, g.in.Patients[patientsBefore:], g.in.CarePlans[plansBefore:]) {
				break
			}
			g.in.Patients, g.in.CarePlans = g.in.Patients[:patientsBefore], g.in.CarePlans[:plansBefore]
			g.household, g.duoDone = households, duoDone
		}
	}
	return g.in
}

// genMaxAttempts bounds the redraws of one nurse's patients.
const genMaxAttempts = 20

// genCabinet is the generated cabinet, in Coulogne: between Calais and the
// inland villages, as a rural cabinet serving both would be.
var genCabinet = orb.Point{1.8813, 50.9209}

// genVillage is a commune where generated patients live.
type genVillage struct {
	name, postalCode, insee string
	centre                  orb.Point // lon, lat
	radiusM                 float64   // patients live within this distance of centre
	weight                  int       // relative number of patients
	coastal                 bool      // the sea is north: spread patients south only
}

// genVillages are the demo cabinet's communes. The centre is the mean of the
// demo's patient points in the commune (demo/demo-cabinet.json: La Poste's
// commune reference points for the villages, relay-point addresses for
// Calais, Coulogne and Marck); postal and INSEE codes come from the same
// file. Towns get a wider spread and more patients than villages.
var genVillages = []genVillage{
	{"Andres", "62340", "62031", orb.Point{1.9177, 50.8657}, 400, 1, false},
	{"Balinghem", "62610", "62078", orb.Point{1.9421, 50.8600}, 400, 1, false},
	{"Bonningues-lès-Calais", "62340", "62156", orb.Point{1.7728, 50.8918}, 400, 1, false},
	{"Brêmes", "62610", "62174", orb.Point{1.9573, 50.8463}, 400, 1, false},
	{"Calais", "62100", "62193", orb.Point{1.8697, 50.9491}, 1500, 3, true},
	{"Campagne-lès-Guines", "62340", "62203", orb.Point{1.9002, 50.8394}, 400, 1, false},
	{"Coquelles", "62231", "62239", orb.Point{1.8131, 50.9287}, 500, 1, false},
	{"Coulogne", "62137", "62244", orb.Point{1.8813, 50.9209}, 800, 2, false},
	{"Fréthun", "62185", "62360", orb.Point{1.8163, 50.9120}, 400, 1, false},
	{"Guînes", "62340", "62397", orb.Point{1.8703, 50.8572}, 700, 2, false},
	{"Hames-Boucres", "62340", "62408", orb.Point{1.8502, 50.8830}, 400, 1, false},
	{"Les Attaques", "62730", "62043", orb.Point{1.9365, 50.8994}, 400, 1, false},
	{"Marck", "62730", "62548", orb.Point{1.9443, 50.9511}, 800, 2, true},
	{"Nielles-lès-Calais", "62185", "62615", orb.Point{1.8342, 50.9057}, 400, 1, false},
	{"Nouvelle-Église", "62370", "62623", orb.Point{2.0474, 50.9305}, 400, 1, false},
	{"Offekerque", "62370", "62634", orb.Point{2.0198, 50.9313}, 400, 1, false},
	{"Peuplingues", "62231", "62654", orb.Point{1.7612, 50.9124}, 400, 1, false},
	{"Pihen-lès-Guînes", "62340", "62657", orb.Point{1.7930, 50.8704}, 400, 1, false},
	{"Saint-Tricat", "62185", "62769", orb.Point{1.8283, 50.8913}, 400, 1, false},
	{"Vieille-Église", "62162", "62852", orb.Point{2.0783, 50.9319}, 400, 1, false},
}

// genArea is the box every generated point stays in (the communes around
// Calais that the demo cabinet covers).
var genArea = orb.Bound{Min: orb.Point{1.76, 50.83}, Max: orb.Point{2.08, 50.96}}

// genPatientsPerVillage is how many of one nurse's patients a village holds
// before she needs the next one: a handful, as in the demo.
const genPatientsPerVillage = 6

// genSectors splits the communes among n nurses: sorted by bearing from the
// cabinet, cut into n slices of consecutive communes, each slice nearest
// first. A nurse uses only as many of hers as her patients need, so one
// nurse alone covers the communes around the cabinet, not the whole map.
func genSectors(n int) [][]genVillage {
	if n == 0 {
		return nil
	}
	vs := slices.Clone(genVillages)
	bearing := func(v genVillage) float64 { return geo.Bearing(genCabinet, v.centre) }
	dist := func(v genVillage) float64 { return geo.Distance(genCabinet, v.centre) }
	slices.SortStableFunc(vs, func(a, b genVillage) int {
		return cmp.Compare(bearing(a), bearing(b))
	})
	out := make([][]genVillage, n)
	for k := range n {
		s := slices.Clone(vs[k*len(vs)/n : (k+1)*len(vs)/n])
		if len(s) == 0 {
			// More nurses than communes: nurses share a commune.
			s = []genVillage{vs[k%len(vs)]}
		}
		slices.SortStableFunc(s, func(a, b genVillage) int { return cmp.Compare(dist(a), dist(b)) })
		out[k] = s
	}
	return out
}

// genCare is a kind of generated patient: the care plans she has, hence how
// many visits she gets on each round of the day.
type genCare int

const (
	genInsulinTwice     genCare = iota // morning and evening insulin
	genInsulinEvening                  // one injection with the evening meal
	genFastingDraw                     // fasting blood draw, strict, morning
	genHygiene                         // 30–45 min hygiene care, morning
	genFixedMorning                    // IV antibiotic at 10:30 sharp
	genFixedEvening                    // treatment at 17:30 sharp
	genCompression                     // stockings on in the morning, off at night
	genDressingMorning                 // dressing, often every other day
	genInjectionMorning                // anticoagulant injection
	genMonitoring                      // clinical monitoring
	genMedication                      // help with taking treatments
	genPillBox                         // weekly pill box, evening round
	genInjectionEvening                // anticoagulant injection, evening
	genDressingEvening                 // dressing on the evening round
	genOffDay                          // every-other-day dressing not due today
	genHospitalised                    // insulin patient absent today
)

// visits tells how many morning and evening visits a kind of patient
// gets on the generated day.
func (c genCare) visits() (morning, evening int) {
	switch c {
	case genInsulinTwice, genCompression:
		return 1, 1
	case genInsulinEvening, genFixedEvening, genPillBox, genInjectionEvening, genDressingEvening:
		return 0, 1
	case genOffDay, genHospitalised:
		return 0, 0
	}
	return 1, 0
}

// Shares of the generated day (issue "Planner", domain notes).
const (
	genMorningShare = 0.65 // "mostly morning"
	genInsulinShare = 0.25
	genDrawShare    = 0.10
	genHygieneShare = 0.20
	// genCompressionEvery: one pair of stockings per this many visits.
	genCompressionEvery = 15
)

// genMix lists the patients of one nurse so that they make exactly v visits:
// round(0.65 v) in the morning, the rest in the evening. The strict and long
// cares are counted first, so that a small v keeps the insulin; short
// cares fill the rest. withNoise adds the hospitalised patient.
func genMix(v, fixedM, fixedE int, withNoise bool) []genCare {
	mLeft := int(math.Round(genMorningShare * float64(v)))
	eLeft := v - mLeft
	var out []genCare
	add := func(c genCare, n int) {
		for range n {
			out = append(out, c)
		}
	}
	take := func(want int, left ...*int) int {
		n := want
		for _, l := range left {
			n = min(n, *l)
		}
		n = max(n, 0)
		for _, l := range left {
			*l -= n
		}
		return n
	}

	// Insulin: the odd injection goes to the evening, whose round has
	// room; the morning has the 07:00–09:00 rush.
	ins := int(math.Round(genInsulinShare * float64(v)))
	twice := take(ins/2, &mLeft, &eLeft)
	add(genInsulinTwice, twice)
	add(genInsulinEvening, take(ins-2*twice, &eLeft))
	add(genFixedMorning, take(fixedM, &mLeft))
	add(genFixedEvening, take(fixedE, &eLeft))
	// Insulin and fasting draws share the 07:00–09:00 rush: past about
	// genMaxEarlyStrict stops nobody can make them all, so draws give way.
	draws := min(int(genDrawShare*float64(v)), max(0, genMaxEarlyStrict-twice))
	add(genFastingDraw, take(draws, &mLeft))
	add(genHygiene, take(hygieneVisits(v), &mLeft))
	add(genCompression, take(int(math.Round(float64(v)/genCompressionEvery)), &mLeft, &eLeft))

	// Short cares fill the rounds; the pattern spreads the kinds evenly
	// (dressings first: the most common act after insulin).
	morning := []genCare{genDressingMorning, genInjectionMorning, genDressingMorning, genMonitoring, genMedication}
	for i := range mLeft {
		out = append(out, morning[i%len(morning)])
	}
	evening := []genCare{genPillBox, genInjectionEvening, genPillBox, genDressingEvening}
	for i := range eLeft {
		out = append(out, evening[i%len(evening)])
	}

	if v > 0 {
		add(genOffDay, max(1, v/15))
	}
	if withNoise {
		add(genHospitalised, 1)
	}
	return out
}

// genMaxEarlyStrict is how many strict stops (morning insulin and fasting
// draws) one nurse can make between 07:00 and 09:00: about 12 minutes each
// (a short care and a leg inside her sector) in two hours, with the insulin
// done by 08:30.
const genMaxEarlyStrict = 9

// hygieneVisits is how many 30–45-minute hygiene cares fit in a nurse's
// morning on top of her other visits, at most a fifth of the day (and at
// least one). The morning round (DefaultShifts, 06:30–13:30) is 420 minutes;
// each leg costs about genLegMinutes and each short visit genShortMinutes,
// and a hygiene care takes about 31 minutes more than a short visit. For 20
// visits that leaves room for more than the fifth (4); for 45 visits, the
// 29 morning visits leave room for two.
func hygieneVisits(v int) int {
	if v <= 0 {
		return 0
	}
	hours, _ := patients.Nurse{Shifts: patients.DefaultShifts()}.ShiftFor(patients.Morning)
	round := float64(hours.End - hours.Start)
	m := math.Round(genMorningShare * float64(v))
	fit := int((round - (m+1)*genLegMinutes - m*genShortMinutes) / (genHygieneMinutes - genShortMinutes))
	return max(1, min(fit, int(math.Round(genHygieneShare*float64(v)))))
}

// Rough costs behind hygieneVisits, in minutes: a leg between two patients of
// one sector (most are inside a village, a few between villages, at
// DefaultCrow's rural speed), a short visit (insulin, injection, dressing,
// pill box), a hygiene care (30 to 45).
const (
	genLegMinutes     = 5
	genShortMinutes   = 7
	genHygieneMinutes = 38
)

// dayGen carries the state of one GenerateDay call.
type dayGen struct {
	rng       *rand.Rand
	ids       *genIDs
	date      patients.Date
	in        planner.DayInput
	household int  // households made so far, for their keys
	duoDone   bool // the « visite à deux » patient exists
}

// genIDs hands out xids that depend only on the seed and the date: the
// time part is the date, the five machine-and-process bytes come from the
// seed, the three counter bytes count up. xid.NewWithTime would not do: it
// takes the machine, the process and a process-wide counter with a random
// start, so two runs, or two calls in one run, would differ.
type genIDs struct {
	time uint32
	node [5]byte
	n    uint32
}

func newGenIDs(seed uint64, date patients.Date) *genIDs {
	g := &genIDs{time: uint32(date.At(patients.Clock(6, 0)).Unix())}
	// splitmix64's finaliser, so nearby seeds give unrelated node bytes.
	z := seed + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], z)
	copy(g.node[:], b[:5])
	return g
}

// next returns a new ID. The counter has 24 bits: a generated day uses a few
// hundred IDs, so it never wraps.
func (g *genIDs) next() xid.ID {
	g.n++
	var id xid.ID
	binary.BigEndian.PutUint32(id[:4], g.time)
	copy(id[4:9], g.node[:])
	id[9], id[10], id[11] = byte(g.n>>16), byte(g.n>>8), byte(g.n)
	return id
}

// Fictional names. The nurse RPPS numbers use the demo's fake 999 prefix.
var (
	genNurseFirst = []string{"Aurore", "Delphine", "Karine", "Mathilde", "Sandrine", "Julien", "Céline", "Thomas"}
	genNurseLast  = []string{"Delattre", "Wimet", "Caron", "Lefebvre", "Boulanger", "Hochart", "Vasseur", "Pruvost"}
	genFemale     = []string{"Jeanne", "Marie", "Simone", "Yvette", "Monique", "Odette", "Denise", "Colette",
		"Ginette", "Paulette", "Josiane", "Micheline", "Huguette", "Renée", "Lucienne", "Thérèse"}
	genMale = []string{"André", "Jean", "Marcel", "Roger", "Gérard", "Michel", "René", "Bernard",
		"Claude", "Raymond", "Jacques", "Daniel", "Robert", "Pierre"}
	genLast = []string{"Dupont", "Lefebvre", "Leroy", "Caron", "Delannoy", "Dewulf", "Vandenbussche",
		"Lemaire", "Fournier", "Bouchart", "Lheureux", "Facon", "Baheu", "Merlen", "Gressier", "Ledoux",
		"Fontaine", "Duhamel", "Vasseur", "Hamy", "Coppin", "Ternisien", "Lebas", "Degrave"}
	genStreets = []string{"rue de l'Église", "rue des Tilleuls", "chemin du Moulin", "rue du Marais",
		"rue de la Mairie", "rue des Écoles", "allée des Peupliers", "rue Pasteur", "impasse des Saules",
		"rue du Calvaire", "route Départementale", "rue Jean Jaurès"}
)

func (g *dayGen) nurse(k int, cabinet patients.Place) patients.Nurse {
	return patients.Nurse{
		ID:            g.ids.next(),
		FirstName:     genNurseFirst[k%len(genNurseFirst)],
		LastName:      genNurseLast[(k+k/len(genNurseLast))%len(genNurseLast)],
		RPPS:          fmt.Sprintf("999%08d", 100+k),
		Role:          patients.Titulaire,
		Start:         cabinet,
		End:           cabinet,
		Shifts:        patients.DefaultShifts(),
		TravelProfile: patients.Rural,
	}
}

// nursePatients adds one nurse's patients and plans, in the order of mix
// shuffled, so that kinds are spread over her villages.
func (g *dayGen) nursePatients(nurseID xid.ID, sector []genVillage, mix []genCare) {
	g.rng.Shuffle(len(mix), func(i, j int) { mix[i], mix[j] = mix[j], mix[i] })
	villages := sector[:min(len(sector), max(1, (len(mix)+genPatientsPerVillage-1)/genPatientsPerVillage))]
	total := 0
	for _, v := range villages {
		total += v.weight
	}
	first := len(g.in.Patients)
	for _, c := range mix {
		// Weighted choice: towns hold more patients than villages.
		r := g.rng.IntN(total)
		v := villages[0]
		for _, cand := range villages {
			if r < cand.weight {
				v = cand
				break
			}
			r -= cand.weight
		}
		p := g.patient(nurseID, v)
		if c == genHygiene && !g.duoDone {
			g.duoDone = true
			p.Alerts = append(p.Alerts, patients.Alert{Kind: patients.AlertVisiteADeux,
				Text: "Transferts lit-fauteuil au lève-personne : passer à deux soignants"})
		}
		if c == genHospitalised {
			p.Absences = []patients.Absence{{Reason: "hospitalisation", From: g.date.AddDays(-2), To: g.date.AddDays(5)}}
		}
		g.in.Patients = append(g.in.Patients, p)
		g.in.CarePlans = append(g.in.CarePlans, g.plans(c, p.ID)...)
	}
	g.households(g.in.Patients[first:])
}

// households puts about one patient in ten at the address of another patient
// of the same commune, as couples cared for together: the second visit then
// costs no travel. In a couple of a woman and a man, the second takes the
// first's name as used name.
func (g *dayGen) households(ps []patients.Patient) {
	want := max(1, len(ps)/10)
	if len(ps) < 2 {
		return
	}
	used := make([]bool, len(ps))
	for i := range ps {
		if want == 0 {
			return
		}
		if used[i] {
			continue
		}
		for j := i + 1; j < len(ps); j++ {
			if used[j] || ps[j].Address.City != ps[i].Address.City {
				continue
			}
			g.household++
			key := fmt.Sprintf("foyer-%d", g.household)
			ps[i].Household, ps[j].Household = key, key
			ps[j].Address = ps[i].Address
			if ps[j].Sex != ps[i].Sex {
				ps[j].UsedName = ps[i].LastName()
			}
			used[i], used[j] = true, true
			want--
			break
		}
	}
}

// patient makes a patient of nurse living in v.
func (g *dayGen) patient(nurse xid.ID, v genVillage) patients.Patient {
	sex, first := patients.Female, genFemale[g.rng.IntN(len(genFemale))]
	// Six in ten are women: home-care patients are mostly old, and the old
	// mostly women.
	if g.rng.IntN(10) >= 6 {
		sex, first = patients.Male, genMale[g.rng.IntN(len(genMale))]
	}
	return patients.Patient{
		ID:        g.ids.next(),
		BirthName: genLast[g.rng.IntN(len(genLast))],
		FirstName: first,
		Sex:       sex,
		BirthDate: patients.Date{Year: g.date.Year - 60 - g.rng.IntN(35), Month: time.Month(1 + g.rng.IntN(12)), Day: 1 + g.rng.IntN(28)},
		Address: patients.Address{
			Line:       fmt.Sprintf("%d %s", 1+g.rng.IntN(60), genStreets[g.rng.IntN(len(genStreets))]),
			PostalCode: v.postalCode,
			City:       v.name,
			INSEE:      v.insee,
			Point:      g.point(v),
			Source:     patients.CoordImported,
		},
		// 06 39 98 is the range the demo uses for fictional numbers.
		Phones:       []patients.Phone{{Label: "fixe", Number: fmt.Sprintf("06 39 98 %02d %02d", g.rng.IntN(100), g.rng.IntN(100))}},
		PrimaryNurse: nurse,
	}
}

// point draws a position uniformly in the disc around v's centre (the
// southern half for a coastal town), kept inside genArea.
func (g *dayGen) point(v genVillage) orb.Point {
	const metresPerDegree = 111_320.0
	r := v.radiusM * math.Sqrt(g.rng.Float64())
	theta := 2 * math.Pi * g.rng.Float64()
	dLat := r * math.Cos(theta) / metresPerDegree
	dLon := r * math.Sin(theta) / (metresPerDegree * math.Cos(v.centre.Lat()*math.Pi/180))
	if v.coastal {
		dLat = -math.Abs(dLat)
	}
	lon := min(max(v.centre.Lon()+dLon, genArea.Min.Lon()), genArea.Max.Lon())
	lat := min(max(v.centre.Lat()+dLat, genArea.Min.Lat()), genArea.Max.Lat())
	// Four decimals (about 10 m), like the demo file, so points print cleanly.
	return orb.Point{math.Round(lon*1e4) / 1e4, math.Round(lat*1e4) / 1e4}
}

// genWin builds a window from "hh:mm" bounds written as hours and minutes.
func genWin(h1, m1, h2, m2 int) patients.Window {
	return patients.Window{Start: patients.Clock(h1, m1), End: patients.Clock(h2, m2)}
}

// genPick returns one of xs.
func genPick[T any](g *dayGen, xs ...T) T { return xs[g.rng.IntN(len(xs))] }

// Windows of the generated care (issue "Planner", domain notes).
var (
	genInsulinAM = genWin(7, 0, 8, 30)   // strict: before breakfast
	genInsulinPM = genWin(18, 0, 19, 30) // strict: before the evening meal
	genDrawAM    = genWin(7, 0, 9, 0)    // strict: fasting, tubes to the lab
)

// genLabDropoff is when the fasting tubes must be at the lab.
var genLabDropoff = patients.Clock(10, 30)
