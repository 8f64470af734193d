package figures

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of PNG output: a 6 × 4 inch figure is 900 × 600
// pixels.
const DPI = 150

// Save writes p to path as a widthIn × heightIn inch image, PNG or SVG by
// the (case-insensitive) extension of path; other extensions are an error
// and create no file. The legend is drawn to the right of the plot area,
// in a smaller font if it would not fit the height, so that it never hides
// data. The file is written only once the image is complete.
func Save(p *plot.Plot, path string, widthIn, heightIn float64) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".svg" {
		return fmt.Errorf("figures: save %s: unsupported format %q, want .png or .svg", path, ext)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, ext[1:], widthIn, heightIn); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return nil
}

// Write writes p to w as a widthIn × heightIn inch image in format "png" or
// "svg", laid out as by Save.
func Write(w io.Writer, p *plot.Plot, format string, widthIn, heightIn float64) error {
	if !(widthIn > 0 && heightIn > 0) || math.IsInf(widthIn, 0) || math.IsInf(heightIn, 0) {
		return fmt.Errorf("figures: image size %g × %g in: want positive sizes", widthIn, heightIn)
	}
	width, height := vg.Length(widthIn)*vg.Inch, vg.Length(heightIn)*vg.Inch
	var (
		canvas vg.CanvasWriterTo
		dc     draw.Canvas
	)
	switch strings.ToLower(format) {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(DPI))
		canvas, dc = vgimg.PngCanvas{Canvas: c}, draw.New(c)
	case "svg":
		c := vgsvg.New(width, height)
		canvas, dc = c, draw.New(c)
	default:
		return fmt.Errorf("figures: unsupported format %q, want png or svg", format)
	}
	drawBesideLegend(p, dc)
	if _, err := canvas.WriteTo(w); err != nil {
		return fmt.Errorf("figures: write %s: %w", format, err)
	}
	return nil
}

// drawBesideLegend draws p on dc with the title centred over the whole
// canvas and the legend in a column at the right, top-aligned with the plot
// area. p itself is not modified.
func drawBesideLegend(p *plot.Plot, dc draw.Canvas) {
	leg := p.Legend
	size := leg.Rectangle(dc).Size()
	if size.X == 0 {
		p.Draw(dc)
		return
	}
	if p.BackgroundColor != nil {
		dc.SetColor(p.BackgroundColor)
		dc.Fill(dc.Rectangle.Path())
	}
	top := vg.Length(0)
	if p.Title.Text != "" {
		sty := p.Title.TextStyle
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y + sty.FontExtents().Descent}, p.Title.Text)
		top = sty.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	gap := vg.Points(8)
	avail := dc.Size().Y - top - gap
	if size.Y > avail && avail > 0 {
		// Shrink the font, down to 5 pt, so that every entry fits.
		scale := float64(avail / size.Y)
		leg.TextStyle.Font.Size = max(vg.Points(5), vg.Length(scale)*leg.TextStyle.Font.Size)
		leg.Padding = vg.Length(scale) * leg.Padding
		size = leg.Rectangle(dc).Size()
	}
	bare := *p
	bare.Title.Text = ""
	bare.Legend = plot.NewLegend()
	bare.Draw(draw.Crop(dc, 0, -(size.X + 2*gap), 0, -top))
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = 0, 0
	leg.Draw(draw.Crop(dc, dc.Size().X-size.X-gap, -gap, 0, -top))
}
