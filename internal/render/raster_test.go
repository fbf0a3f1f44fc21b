package render

import "testing"

func TestDiv255(t *testing.T) {
	for x := uint32(0); x <= 255*255; x++ {
		if got, want := div255(x), (2*x+255)/510; got != want { // x/255 rounded
			t.Fatalf("div255(%d) = %d, want %d", x, got, want)
		}
	}
}
