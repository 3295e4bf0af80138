package cli

import (
	"fmt"

	"github.com/rs/xid"
	"github.com/spf13/cobra"

	"tournee/storage"
)

func (a *app) careplanDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete-careplan ID",
		Short: "Supprimer un plan de soins saisi par erreur (l'id est dans « patients show ID --json »)",
		Long: `Supprime un plan de soins saisi par erreur. La suppression part avec la prochaine
synchronisation et l'emporte sur les modifications faites ailleurs entre-temps. Une prescription
terminée ne se supprime pas : donnez-lui une date de fin.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := xid.FromString(args[0])
			if err != nil {
				return usagef("%q is not a care plan id", args[0])
			}
			return a.withDB(cmd, func(db *storage.DB) error {
				if err := db.DeleteCarePlan(cmd.Context(), id); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, "Plan de soins supprimé.")
				return nil
			})
		},
	}
}
