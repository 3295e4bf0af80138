package storage

// initialMmapSize is 0 on Windows, where bbolt grows the file itself to the
// size of its map: a reserve there would cost disk space.
func initialMmapSize() int { return 0 }
