package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// englishWords are words of an English sentence that no French help or
// error uses; flag names, variables and file names are removed before the
// check (codeToken), so « --from » or TOURNEE_PASSPHRASE do not count.
var englishWords = regexp.MustCompile(`(?i)\b(the|is|are|was|for|with|without|must|required|invalid|unknown|command|commands|flags?|default|string|available|use|needs?|give|want|takes|got|exists|not|only|empty|differ|passphrases?|cannot|could|error|failed|should|please|run|set|file|folder|found|missing|expected|accepts?|received|generate|autocompletion|specified|provides|application|simply|full|details|instructions)\b`)

// codeToken matches what is code, not prose: options, environment
// variables, paths and file names, URLs, identifiers in backquotes.
var codeToken = regexp.MustCompile("--?[a-zA-Z][\\w-]*|\\b[A-Z][A-Z0-9_]{2,}\\b|\\S*[/\\\\.]\\S*[\\w/]|`[^`]*`|\\b\\w+_\\w+\\b")

// technicalCause is the bracketed cause after a French error message.
var technicalCause = regexp.MustCompile(`\([^()]*\)`)

func english(s string) []string {
	var found []string
	for _, line := range strings.Split(s, "\n") {
		prose := codeToken.ReplaceAllString(line, " ")
		if w := englishWords.FindAllString(prose, -1); len(w) > 0 {
			found = append(found, strings.Join(w, ",")+" in: "+strings.TrimSpace(line))
		}
	}
	return found
}

func TestEnglishDetector(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"Usage:\n  tournee [flags]", "Available Commands:", "Use \"tournee [command] --help\" for more information about a command.", "unknown command \"x\" for \"tournee\"", "--db string   the file (default \"x\")",
		"invalid date \"x\": want YYYY-MM-DD", "open patients.csv: file exists", "Help provides help for any command in the application."} {
		if len(english(s)) == 0 {
			t.Errorf("english(%q) finds nothing: the check below would prove nothing", s)
		}
	}
	for _, s := range []string{"Utilisation :\n  tournee [options]", "--db texte   fichier de la base (par défaut : x)", "commande inconnue « x »",
		"définissez TOURNEE_PASSPHRASE ou utilisez --passphrase-file", "Données : Base Adresse Nationale (adresse.data.gouv.fr)"} {
		if got := english(s); len(got) > 0 {
			t.Errorf("english(%q) = %q, want nothing", s, got)
		}
	}
}

// allCommands walks every command a nurse can ask help for.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if !sub.Hidden {
			out = append(out, allCommands(sub)...)
		}
	}
	return out
}

// TestHelpIsFrench asks every command's help, as « tournee … --help » and
// « tournee help … », and fails on any English sentence in it.
func TestHelpIsFrench(t *testing.T) {
	t.Parallel()
	a := &app{env: Env{}}
	root := a.rootCmd()
	cmds := allCommands(root)
	if len(cmds) < 30 {
		t.Fatalf("only %d commands walked: the check would miss most of the help", len(cmds))
	}
	for _, c := range cmds {
		path := strings.Fields(c.CommandPath())[1:]
		for _, args := range [][]string{append(append([]string{}, path...), "--help"), append([]string{"help"}, path...)} {
			r := run(t, nil, args...)
			if r.code != 0 {
				t.Errorf("tournee %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "Utilisation :") && c.Runnable() {
				t.Errorf("tournee %s: no « Utilisation : »:\n%s", strings.Join(args, " "), r.stdout)
			}
			for _, e := range english(r.stdout + r.stderr) {
				t.Errorf("tournee %s: English %s", strings.Join(args, " "), e)
			}
		}
	}
}

// TestErrorsAreFrench makes the mistakes a nurse makes at the command line
// and fails on any English sentence in what she reads.
func TestErrorsAreFrench(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	env := map[string]string{"TOURNEE_PASSPHRASE": "une phrase assez longue pour init", "XDG_DATA_HOME": dir}
	cases := [][]string{
		{"patinets"},
		{"patients", "lister"},
		{"patients", "list", "--jsn"},
		{"patients", "list", "-z"},
		{"patients", "list", "--db"},
		{"geo", "find", "rue", "--limit", "abc"},
		{"geo", "find", "rue", "--limit", "0"},
		{"visits", "--db", db, "--date", "2026-13-45"},
		{"visits", "--db", db, "--date", "lundi"},
		{"patients", "show", "--db", db, "123"},
		{"careplan", "edit", "123", "--db", db},
		{"restore", "--db", db},
		{"backup", "a", "b"},
		{"init", "--db", db},
		{"patients", "list", "--db", db},
		{"handover", "open", "x.pack"},
		{"handover", "export", "--db", db},
		{"plan", "--db", db, "--time-limit", "-1s"},
		{"sync", "--db", db},
		{"cabinet", "init", "--db", db},
		{"--now", "demain"},
		{"patients", "import", filepath.Join(dir, "absent.csv"), "--db", db},
	}
	for _, args := range cases {
		for _, e := range []map[string]string{env, {"XDG_DATA_HOME": dir}} {
			r := run(t, e, args...)
			if r.code == 0 {
				t.Errorf("tournee %s: succeeded, want an error", strings.Join(args, " "))
			}
			if !strings.HasPrefix(r.stderr, "tournee : ") {
				t.Errorf("tournee %s: stderr %q", strings.Join(args, " "), r.stderr)
			}
			// The precise cause may follow the French sentence, in brackets.
			for _, w := range english(technicalCause.ReplaceAllString(r.stderr, "")) {
				t.Errorf("tournee %s: English %s", strings.Join(args, " "), w)
			}
		}
	}
}
