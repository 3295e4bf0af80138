package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"tournee/storage"

	"github.com/spf13/cobra"
)

func (a *app) geoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "geo",
		Short: "Adresses hors ligne : importer la Base Adresse Nationale, chercher une adresse",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.geoImportCmd(), a.geoFindCmd())
	return cmd
}

// countingReader counts the bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (a *app) geoImportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "import FICHIER.csv[.gz]",
		Short: "Importer un fichier départemental de la BAN (adresses-62.csv.gz)",
		Long: `Importe un fichier de la Base Adresse Nationale (format CSV « classique », tel que téléchargé sur
adresse.data.gouv.fr, compressé ou non) pour retrouver les coordonnées des adresses sans réseau.
Un nouvel import remplace le précédent d'un seul coup ; les lignes illisibles sont listées et sautées.
Données : Base Adresse Nationale (adresse.data.gouv.fr), Licence Ouverte 2.0.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A wrong path is told before the passphrase is asked.
			if _, err := os.Stat(args[0]); err != nil {
				return err
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				start := time.Now()
				w := a.env.Stderr
				// The bar redraws itself with \r: in a log file it would be
				// thousands of lines.
				var bar func(ImportProgress)
				if a.progressShown() {
					bar = func(p ImportProgress) {
						done := int(p.Fraction * 30)
						fmt.Fprintf(w, "\r[%s%s] %3.0f %% — %d adresses", strings.Repeat("█", done), strings.Repeat("░", 30-done), p.Fraction*100, p.Rows)
					}
				}
				res, err := ImportAddresses(cmd.Context(), db, args[0], bar)
				if bar != nil {
					fmt.Fprintln(w)
				}
				if err != nil {
					return err
				}
				for _, le := range res.Errors {
					fmt.Fprintln(w, "ligne ignorée : "+le.Error())
				}
				if res.Skipped > len(res.Errors) {
					fmt.Fprintf(w, "… et %d autres lignes ignorées\n", res.Skipped-len(res.Errors))
				}
				fmt.Fprintf(a.env.Stdout, "%d adresses importées (%d voies) en %s ; %d ligne(s) ignorée(s).\n",
					res.Rows, res.Streets, time.Since(start).Round(100*time.Millisecond), res.Skipped)
				return nil
			})
		},
	}
}

func (a *app) geoFindCmd() *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:     "find ADRESSE",
		Short:   "Chercher une adresse dans la BAN importée (tolère fautes et abréviations)",
		Example: `  tournee geo find "12 r du moulin calais"`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usagef("--limit : au moins 1")
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				cands, err := db.GeoFind(cmd.Context(), args[0], limit)
				if err != nil {
					return err
				}
				if asJSON {
					type out struct {
						Label string  `json:"label"`
						Lon   float64 `json:"lon"`
						Lat   float64 `json:"lat"`
						Score float64 `json:"score"`
						Exact bool    `json:"exact"`
					}
					list := []out{}
					for _, c := range cands {
						list = append(list, out{c.Label, c.Lon, c.Lat, round1(c.Score*1000) / 1000, c.Exact})
					}
					return printJSON(a.env.Stdout, list)
				}
				if len(cands) == 0 {
					fmt.Fprintln(a.env.Stdout, "Aucune adresse trouvée.")
					return nil
				}
				for _, c := range cands {
					note := ""
					if !c.Exact {
						note = "  (numéro inconnu : milieu de la voie)"
					}
					fmt.Fprintf(a.env.Stdout, "%3.0f %%  %-50s %.6f, %.6f%s\n", c.Score*100, c.Label, c.Lat, c.Lon, note)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "sortie JSON (tableau)")
	cmd.Flags().IntVar(&limit, "limit", 5, "nombre de propositions")
	return cmd
}
