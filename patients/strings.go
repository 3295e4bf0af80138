package patients

import "strings"

func blank(s string) bool { return strings.TrimSpace(s) == "" }
