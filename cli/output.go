package cli

import (
	"encoding/json"
	"io"
)

// printJSON writes v as one indented JSON document; listings always write an
// array, empty or not, so scripts can iterate without a null check.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
