package tui

import (
	"fmt"
	"strings"
	"testing"

	"tournee/storage"
)

// The storage errors a nurse can meet in the interface carry their French:
// a damaged record read on loading a screen is said as such, not as a
// failed save.
func TestUserMessageOfStorageErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("load visits: %w", storage.ErrCorrupt), "endommagé ou tronqué"},
		{fmt.Errorf("open: %w", storage.ErrTooNew), "version plus récente"},
		{fmt.Errorf("restore: %w: %w", storage.ErrBackupDamaged, storage.ErrCorrupt), "La sauvegarde est endommagée"},
	} {
		got := userMessage(c.err)
		if !strings.Contains(got, c.want) || got == fallbackMessage {
			t.Errorf("userMessage(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
