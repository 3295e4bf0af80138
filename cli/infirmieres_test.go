package cli

import (
	"strings"
	"testing"
)

func TestInfirmieresAddRefusals(t *testing.T) {
	t.Parallel()
	path, env := demoDB(t)
	base := []string{"infirmieres", "add", "--db", path, "--role", "remplacante", "--name", "Claire Petit", "--rpps", "10001234565"}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no Ordre number":   {[]string{"--autorisation-jusqu-au", "2027-01-14"}, "--ordre"},
		"no authorisation":  {[]string{"--ordre", "62-1"}, "l'autorisation de remplacement de l'Ordre est obligatoire"},
		"unreadable date":   {[]string{"--ordre", "62-1", "--autorisation-jusqu-au", "2027-13-40"}, "date illisible"},
		"one name only":     {[]string{"--ordre", "62-1", "--name", "Claire"}, "le prénom puis le nom"},
		"RPPS already used": {[]string{"--ordre", "62-1", "--cabinet-propre", "--rpps", "99900000003"}, "a déjà ce numéro RPPS"},
	} {
		t.Run(name, func(t *testing.T) {
			r := run(t, env, append(append([]string{}, base...), c.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d %q, want a refusal with %q", r.code, r.stderr, c.want)
			}
		})
	}
	// Refused additions changed nothing.
	if r := run(t, env, "infirmieres", "list", "--db", path); strings.Contains(r.stdout, "Petit") {
		t.Fatalf("a refused remplaçante was stored: %s", r.stdout)
	}
	r := run(t, env, append(base, "--ordre", "62-1", "--cabinet-propre", "--adresse", "12 rue des Lilas, 62000 Arras")...)
	if r.code != 0 {
		t.Fatalf("a remplaçante with her own practice: %s", r.stderr)
	}
	if r := run(t, env, "infirmieres", "list", "--db", path); !strings.Contains(r.stdout, "Claire Petit (remplaçant)") {
		t.Fatalf("list: %s", r.stdout)
	}
}
