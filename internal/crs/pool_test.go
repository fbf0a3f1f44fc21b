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

func TestKnownPRJConfirmedByPROJ(t *testing.T) {
	m := knownPRJ()
	if len(m) != 1+2*(MaxZone-MinZone+1) {
		t.Fatalf("%d known .prj texts", len(m))
	}
	for text, c := range m {
		root, err := parseWKT(text)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		id, err := identifyWKT(root)
		if err != nil || id != c {
			t.Fatalf("%s: identified as %v (%v)", c, id, err)
		}
		if err := confirmWithPROJ(root.String(), c); err != nil {
			t.Fatalf("%s: PROJ disagrees: %v", c, err)
		}
	}
}
