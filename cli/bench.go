package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"tournee/planner/bench"
	"tournee/planner/solver"

	"github.com/spf13/cobra"
)

// benchCmd measures the route optimiser on the published benchmarks of
// shared/bench. It is a developer's tool, so it stays out of the nurses'
// help (Hidden) while remaining runnable.
func (a *app) benchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "bench",
		Short:  "Mesurer l'optimiseur de tournées sur des jeux de test publiés (Solomon, Dumas)",
		Hidden: true,
		Args:   noArgs,
		RunE:   func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.benchSolomonCmd(), a.benchTSPTWCmd())
	return cmd
}

// benchFlags are the options both benchmark commands share.
type benchFlags struct {
	timeLimit time.Duration
	seed      uint64
	threads   int
	bks       string
	// iterations fixes the search budget: the quality of two solvers compares
	// at equal work whatever the load of the machine.
	iterations int
}

func (f *benchFlags) register(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&f.timeLimit, "time-limit", time.Second, "temps de calcul par instance (ex. 200ms, 1s, 1m)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "graine du hasard (même graine, même calcul à budget d'itérations égal)")
	cmd.Flags().IntVar(&f.threads, "threads", 1, "nombre de cœurs (GOMAXPROCS) ; 1 par défaut, pour des temps comparables")
	cmd.Flags().IntVar(&f.iterations, "iterations", 0, "nombre d'itérations de la recherche par instance (0 : seulement le temps) ; avec --time-limit, la première limite atteinte")
	cmd.Flags().StringVar(&f.bks, "bks", "", "fichier csv des meilleures valeurs connues : résumé des écarts sur la sortie d'erreur")
}

func (a *app) benchSolomonCmd() *cobra.Command {
	var f benchFlags
	var objective, arcs string
	cmd := &cobra.Command{
		Use:   "solomon FICHIER...",
		Short: "Instances VRPTW de Solomon ou de Gehring–Homberger : une ligne JSON par fichier",
		Long: `Résout chaque instance VRPTW (format Solomon, aussi Gehring–Homberger) et écrit une ligne JSON
par fichier : instance, n (clients), vehicles (tournées utilisées), distance (recalculée par un
vérificateur indépendant, selon la convention --arcs), feasible, time_ms.

--objective distance minimise la distance seule ; vehicles minimise d'abord le nombre de
véhicules, comme les meilleures solutions connues du SINTEF. --arcs exact garde les distances
euclidiennes exactes ; trunc1 tronque chaque arc au dixième, la convention des optimums exacts
publiés pour l'objectif distance seule.`,
		Args: benchArgs,
		RunE: func(cmd *cobra.Command, files []string) error {
			obj, err := bench.ParseObjective(objective)
			if err != nil {
				return usagef("--objective : %q inconnu (distance ou vehicles)", objective)
			}
			conv, err := bench.ParseArcs(arcs)
			if err != nil || conv == bench.TruncInt {
				return usagef("--arcs : %q inconnu (exact ou trunc1)", arcs)
			}
			return a.runBench(f, files, bench.ReadSolomon, conv, obj)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&objective, "objective", "distance", "objectif : distance, ou vehicles (d'abord le nombre de véhicules)")
	cmd.Flags().StringVar(&arcs, "arcs", "exact", "longueur des arcs : exact, ou trunc1 (tronquée au dixième)")
	return cmd
}

func (a *app) benchTSPTWCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "tsptw FICHIER...",
		Short: "Instances TSPTW de Dumas (un véhicule) : une ligne JSON par fichier",
		Long: `Résout chaque instance TSPTW de Dumas et al. (un seul véhicule, fenêtres horaires) et écrit
une ligne JSON par fichier. Les distances sont tronquées à l'entier, la convention des optimums
publiés ; le nom de l'instance est celui du fichier (ex. n20w20.001).`,
		Args: benchArgs,
		RunE: func(cmd *cobra.Command, files []string) error {
			return a.runBench(f, files, bench.ReadDumas, bench.TruncInt, bench.Distance)
		},
	}
	f.register(cmd)
	return cmd
}

func benchArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usagef("%q attend au moins un fichier d'instance", cmd.CommandPath())
	}
	return nil
}

// benchResult is the JSON line printed per instance; the field order is
// the output format scripts rely on.
type benchResult struct {
	Instance string  `json:"instance"`
	N        int     `json:"n"`
	Vehicles int     `json:"vehicles"`
	Distance float64 `json:"distance"`
	Feasible bool    `json:"feasible"`
	TimeMS   int64   `json:"time_ms"`
}

// runBench solves each file and prints its JSON line. A file that cannot
// be read or solved does not stop the others: its error is printed as one
// line and the command fails at the end (exit 1).
func (a *app) runBench(f benchFlags, files []string, read func(io.Reader) (*bench.Instance, error), arcs bench.Arcs, obj bench.Objective) error {
	if f.timeLimit <= 0 {
		return usagef("--time-limit : la durée doit être positive (ex. 1s)")
	}
	if f.iterations < 0 {
		return usagef("--iterations : au moins 0")
	}
	if f.threads < 1 {
		return usagef("--threads : au moins 1")
	}
	var table map[string]bench.BKS
	if f.bks != "" {
		var err error
		if table, err = bench.ReadBKS(f.bks); err != nil {
			return fmt.Errorf("--bks : %w", err)
		}
	}
	// One core by default, so that times compare across machines and runs;
	// restored afterwards because tests run the command in-process.
	prev := runtime.GOMAXPROCS(f.threads)
	defer runtime.GOMAXPROCS(prev)

	// Every failed file gets one line on stderr as it happens, except the
	// last, which is returned: Run prints it and exits 1. A single bad file
	// thus gives exactly one error line.
	var pending error
	fail := func(err error) {
		if pending != nil {
			fmt.Fprintln(a.env.Stderr, "tournee : "+message(pending))
		}
		pending = err
	}
	var results []benchResult
	for _, path := range files {
		res, err := a.benchOne(path, read, arcs, obj, solver.Options{Seed: f.seed, TimeLimit: f.timeLimit, MaxIterations: f.iterations})
		if err != nil {
			fail(err)
			continue
		}
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.env.Stdout, "%s\n", line)
		results = append(results, res)
	}
	if table != nil {
		a.benchSummary(results, table, arcs)
	}
	return pending
}

// benchOne reads, solves and checks one instance file.
func (a *app) benchOne(path string, read func(io.Reader) (*bench.Instance, error), arcs bench.Arcs, obj bench.Objective, opt solver.Options) (benchResult, error) {
	file, err := os.Open(path)
	if err != nil {
		return benchResult{}, err
	}
	inst, err := read(file)
	file.Close()
	if err != nil {
		return benchResult{}, fmt.Errorf("%s : fichier d'instance illisible : %w", path, err)
	}
	// The tables of best-known values are keyed on file names.
	inst.Name = instanceName(path)
	p := inst.Problem(arcs, obj)
	// Wall time on the real clock: a.env.Now is the nurses' calendar clock,
	// fixed in tests.
	start := time.Now()
	sol, err := solver.Solve(p, opt)
	elapsed := time.Since(start)
	if err != nil {
		return benchResult{}, fmt.Errorf("%s : l'optimiseur a échoué : %w", path, err)
	}
	routes, err := inst.RouteIDs(sol)
	if err != nil {
		return benchResult{}, fmt.Errorf("%s : solution incohérente : %w", path, err)
	}
	dist, verdict := bench.Check(inst, arcs, routes)
	if verdict != nil {
		fmt.Fprintf(a.env.Stderr, "tournee : %s : solution refusée par le vérificateur — %s\n",
			inst.Name, strings.ReplaceAll(verdict.Error(), "\n", " ; "))
	}
	used := 0
	for _, r := range routes {
		if len(r) > 0 {
			used++
		}
	}
	return benchResult{
		Instance: inst.Name, N: inst.Customers(), Vehicles: used,
		Distance: roundTo(dist, decimals(arcs)), Feasible: verdict == nil, TimeMS: elapsed.Milliseconds(),
	}, nil
}

// instanceName is the file name without its .txt extension: "n20w20.001"
// keeps its dot, unlike what filepath.Ext would strip.
func instanceName(path string) string {
	base := filepath.Base(path)
	if strings.EqualFold(filepath.Ext(base), ".txt") {
		base = base[:len(base)-len(".txt")]
	}
	return base
}

// decimals is the precision of the published values in each convention:
// 2 for exact distances, 1 for arcs truncated to a tenth, none for
// integer arcs.
func decimals(arcs bench.Arcs) int {
	switch arcs {
	case bench.Trunc1:
		return 1
	case bench.TruncInt:
		return 0
	}
	return 2
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// benchSummary prints, on stderr so that stdout stays pure JSON lines, how
// the results compare with the best-known values. The mean gap counts only
// feasible solutions of instances with a known distance: the distance of an
// infeasible solution says nothing.
func (a *app) benchSummary(results []benchResult, table map[string]bench.BKS, arcs bench.Arcs) {
	w := a.env.Stderr
	feasible, compared, sum := 0, 0, 0.0
	var lines []string
	for _, r := range results {
		if r.Feasible {
			feasible++
		}
		b, ok := bench.Lookup(table, r.Instance)
		dist := fixed(r.Distance, decimals(arcs))
		switch {
		case !ok || !b.HasDistance:
			lines = append(lines, fmt.Sprintf("  %-12s distance %s (%d véh.)  pas de valeur de référence", r.Instance, dist, r.Vehicles))
		case !r.Feasible:
			lines = append(lines, fmt.Sprintf("  %-12s distance %s (%d véh.)  solution infaisable, non comptée", r.Instance, dist, r.Vehicles))
		default:
			gap := 0.0
			if b.Distance > 0 {
				gap = 100 * (r.Distance - b.Distance) / b.Distance
			}
			compared++
			sum += gap
			lines = append(lines, fmt.Sprintf("  %-12s distance %s (%d véh.)  référence %s (%d véh.)  écart %+.2f %%",
				r.Instance, dist, r.Vehicles, fixed(b.Distance, decimals(arcs)), b.Vehicles, gap))
		}
	}
	mean := "aucune instance comparable"
	if compared > 0 {
		mean = fmt.Sprintf("écart moyen %+.2f %% sur %d instance(s) avec une valeur de référence", sum/float64(compared), compared)
	}
	fmt.Fprintf(w, "bench : %d instance(s) résolue(s), %d faisable(s) ; %s\n", len(results), feasible, mean)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// fixed formats a distance with the precision of its convention.
func fixed(x float64, decimals int) string { return fmt.Sprintf("%.*f", decimals, x) }
