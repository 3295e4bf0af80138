package cli

import (
	"fmt"
	"slices"

	"tournee/storage"

	"github.com/spf13/cobra"
)

func (a *app) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup [DOSSIER]",
		Short: "Sauvegarder la base (copie chiffrée ; les 10 dernières sont gardées)",
		Long: `Copie la base, à chaud, dans DOSSIER (par défaut le dossier « sauvegardes » à côté de la base).
La copie est chiffrée comme la base et s'ouvre avec la même phrase de passe ; elle se termine
par une empreinte (SHA-256) qui fait refuser à « restore » toute copie abîmée. Seules les 10
sauvegardes les plus récentes du dossier sont gardées. Une sauvegarde est aussi faite
automatiquement à la première ouverture de chaque jour ; si le disque est plein, la base s'ouvre
quand même (avec un avertissement) et la sauvegarde est retentée à l'ouverture suivante.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("« backup » prend au plus un dossier")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(db *storage.DB) error {
				dir := backupDir(db.Path())
				if len(args) == 1 {
					dir = args[0]
				}
				file, err := db.Backup(dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stdout, "Sauvegarde écrite : %s\n", file)
				return nil
			})
		},
	}
}

func (a *app) restoreCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FICHIER",
		Short: "Remplacer la base par une sauvegarde (vérifiée avant)",
		Long: `Vérifie entièrement la sauvegarde (empreinte, structure, phrase de passe, chaque
enregistrement) puis remplace la base par elle. La base actuelle est d'abord copiée dans
« sauvegardes/avant-restauration-<base>-<date>.db » : chaque restauration garde sa propre copie
(les 10 plus récentes), donc rien de ce qui a été écrit depuis la sauvegarde n'est perdu.
La phrase de passe demandée est celle de la sauvegarde. Rien n'est modifié si la vérification échoue.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := a.env.dbPath(a.dbFlag)
			if err != nil {
				return err
			}
			pass, err := a.env.passphrase(a.passphraseFile, false)
			if err != nil {
				return err
			}
			dir := backupDir(path)
			before, _ := storage.SafetyCopies(dir, path)
			if err := storage.Restore(path, args[0], pass, dir); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "Base restaurée depuis %s.\n", args[0])
			if after, _ := storage.SafetyCopies(dir, path); len(after) > 0 && !slices.Contains(before, after[len(after)-1]) {
				fmt.Fprintf(a.env.Stdout, "L'ancienne base est gardée dans %s.\n", after[len(after)-1])
			}
			return nil
		},
	}
}
