// Package canvas draws on a grid of braille cells. Each terminal cell holds
// 2×4 dots (the U+2800 block), so a line looks twice as fine across and four
// times as fine down as one drawn with characters, and a dot is about square
// on a terminal whose cells are twice as tall as wide.
//
// The package is pure: a caller paints dots and text on numbered layers, and
// says only at Render time which escape sequences each layer is written with.
package canvas

import (
	"strings"
	"unicode/utf8"
)

// Layer tells which painter last touched a cell; Render writes the cell with
// the Pen of that layer, so a route and the labels over it keep their colours.
type Layer uint8

// Pen is how the runs of one layer are written: Open before, Close after.
// The zero Pen writes plain text.
type Pen struct{ Open, Close string }

// brailleBase is the blank braille pattern; a cell's dots are added to it.
const brailleBase = 0x2800

// dotBits maps a dot's place in its cell, [y][x], to its bit in the braille
// pattern. Unicode numbers the first six dots down the left column then down
// the right one, and added the bottom row (dots 7 and 8) later, hence the
// uneven order.
var dotBits = [4][2]uint8{
	{0x01, 0x08},
	{0x02, 0x10},
	{0x04, 0x20},
	{0x40, 0x80},
}

type cell struct {
	dots      uint8
	dotLayer  Layer
	text      rune // 0: no text; text hides the dots under it
	textLayer Layer
}

// Canvas is a grid of w×h terminal cells, 2w×4h dots.
type Canvas struct {
	w, h  int
	cells []cell
}

// New makes a blank canvas of w columns by h lines; a negative size is empty.
func New(w, h int) *Canvas {
	w, h = max(w, 0), max(h, 0)
	return &Canvas{w: w, h: h, cells: make([]cell, w*h)}
}

// Size is the canvas size in cells.
func (c *Canvas) Size() (w, h int) { return c.w, c.h }

// DotSize is the canvas size in dots.
func (c *Canvas) DotSize() (w, h int) { return 2 * c.w, 4 * c.h }

// Set lights the dot at (x, y), in dots from the top left, for layer l.
// Dots off the canvas are ignored, so callers may draw shapes that overflow.
func (c *Canvas) Set(x, y int, l Layer) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	cl := &c.cells[(y/4)*c.w+x/2]
	cl.dots |= dotBits[y%4][x%2]
	cl.dotLayer = l
}

// Dot reports whether the dot at (x, y) is lit.
func (c *Canvas) Dot(x, y int) bool {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return false
	}
	return c.cells[(y/4)*c.w+x/2].dots&dotBits[y%4][x%2] != 0
}

// Line draws from (x0, y0) to (x1, y1), both ends included, with Bresenham's
// algorithm. The parts off the canvas are skipped, not clipped, so the cost
// follows the length of the whole line: keep the ends near the canvas.
func (c *Canvas) Line(x0, y0, x1, y1 int, l Layer) {
	dx, sx := x1-x0, 1
	if dx < 0 {
		dx, sx = -dx, -1
	}
	dy, sy := y1-y0, 1
	if dy < 0 {
		dy, sy = -dy, -1
	}
	err := dx - dy
	for {
		c.Set(x0, y0, l)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 > -dy {
			err -= dy
			x0 += sx
		}
		if e2 < dx {
			err += dx
			y0 += sy
		}
	}
}

// SetText writes s from cell (col, row) rightwards, one rune per cell, over
// any dots there. It assumes runes one cell wide; what overflows is dropped.
func (c *Canvas) SetText(col, row int, s string, l Layer) {
	if row < 0 || row >= c.h {
		return
	}
	for _, r := range s {
		if col >= c.w {
			return
		}
		if col >= 0 {
			cl := &c.cells[row*c.w+col]
			cl.text, cl.textLayer = r, l
		}
		col++
	}
}

// Text is the rune written at cell (col, row) and its layer; the rune is 0
// when the cell holds no text or is off the canvas.
func (c *Canvas) Text(col, row int) (rune, Layer) {
	if col < 0 || row < 0 || col >= c.w || row >= c.h {
		return 0, 0
	}
	cl := c.cells[row*c.w+col]
	return cl.text, cl.textLayer
}

// Cell is what the cell (col, row) shows: its text, else its dots as a
// braille pattern, else a space; and the layer it is written with.
func (c *Canvas) Cell(col, row int) (rune, Layer) {
	if col < 0 || row < 0 || col >= c.w || row >= c.h {
		return ' ', 0
	}
	cl := c.cells[row*c.w+col]
	switch {
	case cl.text != 0:
		return cl.text, cl.textLayer
	case cl.dots != 0:
		return brailleBase + rune(cl.dots), cl.dotLayer
	}
	return ' ', 0
}

// Render writes the canvas as h lines of w cells joined by "\n", each run of
// cells of one layer wrapped in pens[layer]. Blank cells are plain spaces,
// outside any run, so a background colour never bleeds across empty map.
// A layer without a pen is written plain.
func (c *Canvas) Render(pens []Pen) string {
	var b strings.Builder
	b.Grow(c.h * (c.w*utf8.UTFMax + 1))
	for row := range c.h {
		if row > 0 {
			b.WriteByte('\n')
		}
		open := -1 // the layer whose pen is open; -1: none
		for col := range c.w {
			r, l := c.Cell(col, row)
			cur := int(l)
			if r == ' ' {
				cur = -1
			}
			if cur != open {
				if open >= 0 && open < len(pens) {
					b.WriteString(pens[open].Close)
				}
				if cur >= 0 && cur < len(pens) {
					b.WriteString(pens[cur].Open)
				}
				open = cur
			}
			b.WriteRune(r)
		}
		if open >= 0 && open < len(pens) {
			b.WriteString(pens[open].Close)
		}
	}
	return b.String()
}
