package cli

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// frenchify makes cobra speak French: nurses read this help, not
// developers. Cobra's usage template would print pflag's own flag lines
// (« string », « (default 180ms) »), so help and usage are written here,
// and the help and completion commands cobra adds are translated.
func frenchify(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	if root.Version != "" {
		root.InitDefaultVersionFlag()
		if f := root.Flags().Lookup("version"); f != nil {
			f.Usage = "afficher la version de tournée"
		}
		root.SetVersionTemplate("tournée {{.Version}}\n")
	}
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Use = "help [commande]"
			c.Short = "Aide sur une commande"
			c.Long = "Affiche l'aide d'une commande, par exemple « tournee help patients add »."
		case "completion":
			translateCompletion(c)
		}
	}
	// Children look their usage and help functions up in their parents.
	root.SetUsageFunc(func(c *cobra.Command) error {
		writeUsage(c.OutOrStderr(), c)
		return nil
	})
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { writeHelp(c.OutOrStdout(), c) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = "afficher cette aide"
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func translateCompletion(c *cobra.Command) {
	c.Short = "Script de complétion des commandes pour votre shell (bash, zsh, fish, powershell)"
	c.Long = "Écrit le script qui complète les commandes de tournée quand on appuie sur Tab.\n" +
		"Voir l'aide de chaque shell pour l'installer : « tournee completion bash --help »."
	for _, sub := range c.Commands() {
		shell := sub.Name()
		sub.Short = "Script de complétion pour " + shell
		sub.Long = "Écrit sur la sortie standard le script de complétion de tournée pour " + shell + ".\n" +
			"Enregistrez-le là où votre shell lit ses complétions, puis ouvrez un nouveau terminal."
		if f := sub.Flags().Lookup("no-descriptions"); f != nil {
			f.Usage = "sans la description de chaque commande"
		}
	}
}

func writeHelp(w io.Writer, c *cobra.Command) {
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	if desc = strings.TrimRightFunc(desc, unicode.IsSpace); desc != "" {
		fmt.Fprintln(w, desc)
		fmt.Fprintln(w)
	}
	if c.Runnable() || c.HasSubCommands() {
		writeUsage(w, c)
	}
}

// useLine is cobra's UseLine with « [options] » for « [flags] ».
func useLine(c *cobra.Command) string {
	line := c.Use
	if c.HasParent() {
		line = c.Parent().CommandPath() + " " + c.Use
	}
	line = strings.ReplaceAll(line, "[flags]", "[options]")
	if c.HasAvailableFlags() && !strings.Contains(line, "[options]") {
		line += " [options]"
	}
	return line
}

func writeUsage(w io.Writer, c *cobra.Command) {
	var b strings.Builder
	b.WriteString("Utilisation :")
	if c.Runnable() {
		b.WriteString("\n  " + useLine(c))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [commande]")
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\n\nAlias :\n  " + c.NameAndAliases())
	}
	if c.HasExample() {
		b.WriteString("\n\nExemple :\n" + c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nCommandes :")
		pad := 0
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				pad = max(pad, len(sub.Name()))
			}
		}
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "\n  %-*s %s", pad, sub.Name(), sub.Short)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nOptions :\n" + flagUsages(c.LocalFlags()))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\nOptions communes :\n" + flagUsages(c.InheritedFlags()))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n« " + c.CommandPath() + " [commande] --help » pour l'aide d'une commande.")
	}
	fmt.Fprintln(w, b.String())
}

// flagUsages lists flags as pflag does, with the kind of value and the
// default in French: « --retard durée   … (par défaut : 180ms) ».
func flagUsages(fs *pflag.FlagSet) string {
	type line struct{ left, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if name = valueKind(name); name != "" && f.NoOptDefVal == "" {
			left += " " + name
		}
		if !defaultIsZero(f) {
			usage += " (par défaut : " + f.DefValue + ")"
		}
		width = max(width, len([]rune(left)))
		lines = append(lines, line{left, usage})
	})
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		pad := width - len([]rune(l.left)) + 3
		// Continuation lines of a long usage start under its first line.
		usage := strings.ReplaceAll(l.usage, "\n", "\n"+strings.Repeat(" ", width+3))
		b.WriteString(l.left + strings.Repeat(" ", pad) + usage)
	}
	return b.String()
}

// valueKind names in French the kind of value pflag calls string, int…; a
// name the command chose (`FICHIER` in the usage) is kept.
func valueKind(name string) string {
	switch name {
	case "string":
		return "texte"
	case "strings", "stringArray":
		return "textes"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float", "float32", "float64":
		return "nombre"
	case "ints", "uints", "floats", "float32s", "float64s", "int32s", "int64s":
		return "nombres"
	case "duration":
		return "durée"
	case "durations":
		return "durées"
	case "bools":
		return "oui/non"
	case "ip", "ipMask", "ipNet", "bytesHex", "bytesBase64", "stringToString", "stringToInt64", "count":
		return "valeur"
	}
	return name
}

func defaultIsZero(f *pflag.Flag) bool {
	switch f.Value.Type() {
	case "bool":
		return f.DefValue == "false"
	case "duration":
		return f.DefValue == "0" || f.DefValue == "0s"
	case "string":
		return f.DefValue == ""
	}
	switch f.DefValue {
	case "", "0", "0s", "false", "<nil>", "[]":
		return true
	}
	return false
}

// cobraErrors are the messages cobra and pflag write in English, and their
// French; what they quote (a command, a flag, a value) is kept.
var cobraErrors = []struct {
	re *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^unknown command "(.*)" for "(.*)"`), "commande inconnue « $1 » pour « $2 »"},
	{regexp.MustCompile(`^unknown command "(.*)"`), "commande inconnue « $1 »"},
	{regexp.MustCompile(`^unknown flag: (\S+)`), "option inconnue : $1"},
	{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)`), "option inconnue : -$1 (dans $2)"},
	{regexp.MustCompile(`^flag needs an argument: '?(\S+?)'?( in \S+)?$`), "l'option $1 attend une valeur"},
	{regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag: (.*)`), "valeur « $1 » refusée pour l'option $2 ($3)"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`), "cette commande prend $1 argument(s), $2 donné(s)"},
	{regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)`), "cette commande prend au plus $1 argument(s), $2 donné(s)"},
	{regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)`), "cette commande demande au moins $1 argument(s), $2 donné(s)"},
	{regexp.MustCompile(`^required flag\(s\) (.*) not set`), "option(s) obligatoire(s) manquante(s) : $1"},
	{regexp.MustCompile(`^if any flags in the group \[(.*)\] are set none of the others can be; \[(.*)\] were all set`), "les options $1 s'excluent ($2 données ensemble)"},
	{regexp.MustCompile(`(error opening TTY: )?(bubbletea: )?could not open (a new )?TTY.*`), "l'interface a besoin d'un terminal : lancez tournée dans un terminal, ou utilisez ses commandes (« tournee --help »)"},
}

// frenchCobra translates an error cobra or pflag wrote in English; any
// other message is returned unchanged.
func frenchCobra(s string) string {
	s = strings.TrimPrefix(s, "bubbletea: ")
	for _, e := range cobraErrors {
		if e.re.MatchString(s) {
			return e.re.ReplaceAllString(s, e.fr)
		}
	}
	return s
}
