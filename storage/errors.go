package storage

// frenchError is a sentinel that carries its French: the command line and
// the interface find it with errors.As on French() and say the same words
// (the CLI adds the precise cause after them).
type frenchError struct{ text, french string }

func (e *frenchError) Error() string  { return e.text }
func (e *frenchError) French() string { return e.french }
