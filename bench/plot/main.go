// Command plot draws bench/compare.sh's results: wall time and peak memory
// against plan size for each tool, medians of the interleaved rounds.
// It is its own module so tfgate's go.mod does not carry a plotting
// library:
//
//	cd bench/plot && go run . -in RESULTS.tsv -out ../compare.png
//
// RESULTS.tsv has one line per run: tool, resources, plan bytes, round,
// wall seconds, user seconds, system seconds, peak RSS KiB, load average.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image/color"
	"os"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

type key struct {
	tool string
	n    int
}

func main() {
	in := flag.String("in", "", "results file")
	out := flag.String("out", "compare.png", "PNG to write")
	title := flag.String("title", "", "subtitle (date, commit, load)")
	flag.Parse()
	if err := run(*in, *out, *title); err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

func run(in, out, title string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	wall := map[key][]float64{}
	rss := map[key][]float64{}
	planMB := map[int]float64{}
	var tools []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 8 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		n, err1 := strconv.Atoi(fs[1])
		size, err2 := strconv.ParseFloat(fs[2], 64)
		w, err3 := strconv.ParseFloat(fs[4], 64)
		m, err4 := strconv.ParseFloat(fs[7], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return fmt.Errorf("bad line %q", sc.Text())
		}
		k := key{fs[0], n}
		if _, ok := wall[k]; !ok && !contains(tools, fs[0]) {
			tools = append(tools, fs[0])
		}
		wall[k] = append(wall[k], w)
		rss[k] = append(rss[k], m/1024)
		planMB[n] = size / (1 << 20)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(wall) == 0 {
		return fmt.Errorf("%s: no results", in)
	}
	timePlot, err := chart(tools, wall, planMB, "wall time (s, median)", title)
	if err != nil {
		return err
	}
	memPlot, err := chart(tools, rss, planMB, "peak RSS (MiB, median)", title)
	if err != nil {
		return err
	}
	// Memory also shows the budget: 10x the plan file's size.
	budget := plotter.XYs{}
	for _, n := range sortedSizes(planMB) {
		budget = append(budget, plotter.XY{X: planMB[n], Y: 10 * planMB[n]})
	}
	if l, err := plotter.NewLine(budget); err == nil {
		l.Color = color.Gray{Y: 128}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
		memPlot.Add(l)
		memPlot.Legend.Add("10x plan size", l)
	}
	img := vgimg.New(vg.Points(1100), vg.Points(450))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(20), PadY: vg.Points(10), PadLeft: vg.Points(10), PadRight: vg.Points(10), PadTop: vg.Points(10), PadBottom: vg.Points(10)}
	canvases := plot.Align([][]*plot.Plot{{timePlot, memPlot}}, tiles, dc)
	timePlot.Draw(canvases[0][0])
	memPlot.Draw(canvases[0][1])
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

func chart(tools []string, vals map[key][]float64, planMB map[int]float64, ylabel, title string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = ylabel + " against plan size"
	if title != "" {
		p.Title.Text += "\n" + title
	}
	p.X.Label.Text = "plan JSON (MiB); resources under each point"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	var ticks []plot.Tick
	for _, n := range sortedSizes(planMB) {
		ticks = append(ticks, plot.Tick{Value: planMB[n], Label: fmt.Sprintf("%.1f\n(%dk)", planMB[n], n/1000)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	for i, t := range tools {
		var xys plotter.XYs
		for _, n := range sortedSizes(planMB) {
			if v, ok := vals[key{t, n}]; ok {
				xys = append(xys, plotter.XY{X: planMB[n], Y: median(v)})
			}
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		c := palette[i%len(palette)]
		l.Color, pts.Color = c, c
		l.Width = vg.Points(1.5)
		p.Add(l, pts)
		p.Legend.Add(t, l, pts)
	}
	return p, nil
}

func sortedSizes(m map[int]float64) []int {
	var out []int
	for n := range m {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}
