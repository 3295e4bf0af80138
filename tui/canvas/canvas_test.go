package canvas

import (
	"strings"
	"testing"
)

func TestCanvasSetBits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		x, y int
		want rune
	}{
		{"top left", 0, 0, '⠁'},
		{"second row left", 0, 1, '⠂'},
		{"third row left", 0, 2, '⠄'},
		{"bottom left", 0, 3, '⡀'},
		{"top right", 1, 0, '⠈'},
		{"second row right", 1, 1, '⠐'},
		{"third row right", 1, 2, '⠠'},
		{"bottom right", 1, 3, '⢀'},
		{"next cell wraps", 2, 4, '⠁'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New(2, 2)
			c.Set(tt.x, tt.y, 3)
			r, l := c.Cell(tt.x/2, tt.y/4)
			if r != tt.want || l != 3 {
				t.Errorf("Cell = %q layer %d, want %q layer 3", r, l, tt.want)
			}
			if !c.Dot(tt.x, tt.y) {
				t.Errorf("Dot(%d, %d) = false after Set", tt.x, tt.y)
			}
			lit := 0
			for y := range 8 {
				for x := range 4 {
					if c.Dot(x, y) {
						lit++
					}
				}
			}
			if lit != 1 {
				t.Errorf("%d dots lit, want 1", lit)
			}
		})
	}
}

func TestCanvasFullCell(t *testing.T) {
	t.Parallel()
	c := New(1, 1)
	for y := range 4 {
		for x := range 2 {
			c.Set(x, y, 1)
		}
	}
	if r, _ := c.Cell(0, 0); r != '⣿' {
		t.Errorf("all dots = %q, want ⣿", r)
	}
}

func TestCanvasOutOfRangeIgnored(t *testing.T) {
	t.Parallel()
	c := New(3, 2)
	for _, p := range [][2]int{{-1, 0}, {0, -1}, {6, 0}, {0, 8}, {-100, -100}, {1 << 30, 1 << 30}} {
		c.Set(p[0], p[1], 1)
		if c.Dot(p[0], p[1]) {
			t.Errorf("Dot%v lit off the canvas", p)
		}
	}
	c.SetText(-1, 0, "abc", 1) // "a" falls off the left edge
	c.SetText(2, 1, "xyz", 1)  // "yz" fall off the right edge
	c.SetText(0, 5, "no", 1)
	c.SetText(0, -1, "no", 1)
	got := c.Render(nil)
	want := "bc \n  x"
	if got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if r, _ := c.Text(7, 7); r != 0 {
		t.Errorf("Text off the canvas = %q, want 0", r)
	}
}

func TestCanvasLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		x0, y0, x1, y1 int
		wantDots       int
	}{
		{"horizontal", 0, 0, 9, 0, 10},
		{"horizontal backwards", 9, 2, 0, 2, 10},
		{"vertical", 3, 0, 3, 15, 16},
		{"vertical upwards", 3, 15, 3, 0, 16},
		{"diagonal", 0, 0, 7, 7, 8},
		{"steep", 1, 0, 4, 15, 16},
		{"shallow backwards", 9, 7, 0, 3, 10},
		{"single dot", 4, 4, 4, 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New(5, 4) // 10×16 dots
			c.Line(tt.x0, tt.y0, tt.x1, tt.y1, 2)
			if !c.Dot(tt.x0, tt.y0) || !c.Dot(tt.x1, tt.y1) {
				t.Fatalf("line ends not lit")
			}
			lit := 0
			for y := range 16 {
				for x := range 10 {
					if !c.Dot(x, y) {
						continue
					}
					lit++
					if !between(x, tt.x0, tt.x1) || !between(y, tt.y0, tt.y1) {
						t.Errorf("dot (%d, %d) outside the line's box", x, y)
					}
				}
			}
			// Bresenham lights one dot per step along the longer axis: no
			// gaps, no doubled dots.
			if lit != tt.wantDots {
				t.Errorf("%d dots lit, want %d", lit, tt.wantDots)
			}
		})
	}
}

func between(v, a, b int) bool { return min(a, b) <= v && v <= max(a, b) }

func TestCanvasLineOffCanvas(t *testing.T) {
	t.Parallel()
	c := New(2, 1) // 4×4 dots
	c.Line(-4, 1, 8, 1, 1)
	for x := range 4 {
		if !c.Dot(x, 1) {
			t.Errorf("dot (%d, 1) not lit by a line crossing the canvas", x)
		}
	}
	if c.Dot(0, 0) || c.Dot(0, 2) {
		t.Error("dots lit off the line")
	}
}

func TestCanvasLayers(t *testing.T) {
	t.Parallel()
	c := New(4, 1)
	c.Set(0, 0, 1)
	c.Set(2, 0, 1)
	c.Set(3, 0, 2) // same cell as the previous dot: the last painter wins
	c.SetText(3, 0, "7", 3)
	pens := []Pen{{}, {"<r>", "</r>"}, {"<b>", "</b>"}, {"<t>", "</t>"}}
	got := c.Render(pens)
	want := "<r>⠁</r><b>⠉</b> <t>7</t>"
	if got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if r, l := c.Text(3, 0); r != '7' || l != 3 {
		t.Errorf("Text = %q layer %d, want '7' layer 3", r, l)
	}
}

func TestCanvasRenderSize(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {3, 0}, {0, 3}, {7, 3}, {-2, 4}} {
		c := New(sz[0], sz[1])
		w, h := c.Size()
		out := c.Render(nil)
		if h == 0 {
			if out != "" {
				t.Errorf("%v: Render = %q, want empty", sz, out)
			}
			continue
		}
		lines := strings.Split(out, "\n")
		if len(lines) != h {
			t.Errorf("%v: %d lines, want %d", sz, len(lines), h)
		}
		for _, l := range lines {
			if n := len([]rune(l)); n != w {
				t.Errorf("%v: line %q is %d cells, want %d", sz, l, n, w)
			}
		}
	}
}

func BenchmarkCanvasLine(b *testing.B) {
	b.ReportAllocs()
	c := New(120, 40)
	for b.Loop() {
		c.Line(0, 0, 239, 159, 1)
		c.Line(239, 0, 0, 159, 1)
	}
}
