package render

import "testing"

func TestDiv255(t *testing.T) {
	for x := uint32(0); x <= 255*255; x++ {
		if got, want := div255(x), (2*x+255)/510; got != want { // x/255 rounded
			t.Fatalf("div255(%d) = %d, want %d", x, got, want)
		}
	}
}

func TestPackedBlend(t *testing.T) {
	// The packed arithmetic equals the per-channel one for a spread of values.
	vals := []uint32{0, 1, 2, 17, 100, 127, 128, 200, 254, 255}
	for _, a := range vals {
		for _, c := range vals {
			if c > a {
				continue // premultiplied: channel ≤ alpha
			}
			for _, da := range vals {
				for _, dc := range vals {
					if dc > da {
						continue
					}
					s := c | c<<8 | (c/2)<<16 | a<<24
					d := dc | (dc/3)<<8 | dc<<16 | da<<24
					got := overPacked(d, s)
					ia := 255 - a
					want := (c + div255(dc*ia)) | (c+div255(dc/3*ia))<<8 | (c/2+div255(dc*ia))<<16 | (a+div255(da*ia))<<24
					if got != want {
						t.Fatalf("over(%08x, %08x) = %08x, want %08x", d, s, got, want)
					}
					for _, m := range vals {
						want := div255(dc*m) | div255(dc/3*m)<<8 | div255(dc*m)<<16 | div255(da*m)<<24
						if got := scalePacked(d, m); got != want {
							t.Fatalf("scale(%08x, %d) = %08x, want %08x", d, m, got, want)
						}
					}
				}
			}
		}
	}
}
