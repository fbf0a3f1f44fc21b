package crs

import "testing"

func TestBorrowReusesTransformers(t *testing.T) {
	gk, _ := GaussKruger(28, true)
	a, err := Borrow(Geographic(), gk)
	if err != nil {
		t.Fatal(err)
	}
	Return(a)
	b, _ := Borrow(Geographic(), gk)
	if a != b {
		t.Fatal("a returned transformer was not reused")
	}
	c, _ := Borrow(Geographic(), gk)
	if c == b {
		t.Fatal("a borrowed transformer was handed out twice")
	}
	x, y, err := c.Point(83.013411, 44.599977)
	if err != nil || x < 28421000 || x > 28422000 || y < 4940000 || y > 4942000 {
		t.Fatalf("borrowed transformer gives %v %v %v", x, y, err)
	}
	Return(b)
	Return(c)
}
