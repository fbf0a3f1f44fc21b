package render

import (
	"context"
	"image"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. Benchmarks report it per op next to the wall
// time because the build machine is shared: on an idle 2-core machine the wall time of a
// render is about cpu/2 (both cores draw tiles).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func benchView() Viewport { return NewViewport(xjBound, 1600, 1000, 10) }

// BenchmarkRenderSample: full redraw of the sample project at 1600×1000 (target ≤ 50 ms).
func BenchmarkRenderSample(b *testing.B) {
	prefetchOn = false // measure the redraw alone, not the ring drawn after it
	defer func() { prefetchOn = true }()
	m := sampleMap()
	v := benchView()
	b.ResetTimer()
	c0 := cpuTime()
	defer reportCPU(b, c0)
	for i := 0; i < b.N; i++ {
		vv := v
		vv.Scale *= 1 + float64(i%2)*1e-9
		if _, err := m.Render(context.Background(), vv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBig: full redraw of 120,000 blocks over the sample (target ≤ 250 ms).
func BenchmarkRenderBig(b *testing.B) {
	prefetchOn = false // measure the redraw alone, not the ring drawn after it
	defer func() { prefetchOn = true }()
	m := bigMap()
	v := benchView()
	b.ResetTimer()
	c0 := cpuTime()
	defer reportCPU(b, c0)
	for i := 0; i < b.N; i++ {
		vv := v
		vv.Scale *= 1 + float64(i%2)*1e-9 // a new scale: no tile is reused
		if _, err := m.Render(context.Background(), vv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBigZoomed: full redraw of the big plan zoomed in 8×.
func BenchmarkRenderBigZoomed(b *testing.B) {
	prefetchOn = false // measure the redraw alone, not the ring drawn after it
	defer func() { prefetchOn = true }()
	m := bigMap()
	v := benchView()
	v.ZoomAt(800, 500, 8)
	b.ResetTimer()
	c0 := cpuTime()
	defer reportCPU(b, c0)
	for i := 0; i < b.N; i++ {
		vv := v
		vv.Scale *= 1 + float64(i%2)*1e-9
		if _, err := m.Render(context.Background(), vv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPanBig: one frame of a drag over the big plan, 9 px right and 5 px down per frame
// (target ≤ 16 ms). The figure includes the tiles that come into view; worst-ms is the
// slowest frame.
func BenchmarkPanBig(b *testing.B) {
	var worst time.Duration
	m := bigMap()
	v := benchView()
	if _, err := m.Render(context.Background(), v); err != nil {
		b.Fatal(err)
	}
	// A drag starts a moment after the view appears: let the ring around it be drawn, as
	// it is while the user moves the mouse to the map. Frames then come back to back,
	// which is harsher than 60 frames a second.
	m.waitPrefetch()
	b.ResetTimer()
	c0 := cpuTime()
	defer reportCPU(b, c0)
	bufs := [2]*image.RGBA{image.NewRGBA(image.Rect(0, 0, v.Width, v.Height)), image.NewRGBA(image.Rect(0, 0, v.Width, v.Height))}
	for i := 0; i < b.N; i++ {
		dx, dy := 9.0, 5.0
		if (i/100)%2 == 1 { // back and forth so the drag stays over the data
			dx, dy = -dx, -dy
		}
		v.Pan(dx, dy)
		t0 := time.Now()
		if err := m.RenderInto(context.Background(), v, bufs[i%2]); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(t0))
	}
	b.ReportMetric(float64(worst)/1e6, "worst-ms")
}

// BenchmarkRenderBigLayer renders one layer of the big plan at a time, to see where the time goes.
func BenchmarkRenderBigLayer(b *testing.B) {
	prefetchOn = false
	defer func() { prefetchOn = true }()
	m := bigMap()
	for _, only := range []string{"xzq", "kfq", "kanchqk"} {
		b.Run(only, func(b *testing.B) {
			for _, l := range []string{"xzq", "kfq", "kanchqk"} {
				m.SetVisible(l, l == only)
			}
			v := benchView()
			c0 := cpuTime()
			defer reportCPU(b, c0)
			for i := 0; i < b.N; i++ {
				vv := v
				vv.Scale *= 1 + float64(i%2)*1e-9
				if _, err := m.Render(context.Background(), vv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderEmpty is the fixed cost of a full redraw: tiles, composite, output copy.
func BenchmarkRenderEmpty(b *testing.B) {
	prefetchOn = false
	defer func() { prefetchOn = true }()
	m := NewMap()
	m.SetLayer("a", nil, zoneStyle())
	v := benchView()
	c0 := cpuTime()
	defer reportCPU(b, c0)
	for i := 0; i < b.N; i++ {
		vv := v
		vv.Scale *= 1 + float64(i%2)*1e-9
		if _, err := m.Render(context.Background(), vv); err != nil {
			b.Fatal(err)
		}
	}
}
