package plan_test

import (
	"testing"

	"kuanggui/assets"
	"kuanggui/internal/plan"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Layers) != 13 {
		t.Fatalf("layers = %d, want the 13 of DESIGN.md §4", len(c.Layers))
	}
	k, ok := c.Layer("kanchqk")
	if !ok || k.Kind != plan.Exploration || !k.Editable || k.Expected != 863 {
		t.Fatalf("kanchqk = %+v", k)
	}
	if _, ok := k.Field("KCJD"); !ok {
		t.Fatal("exploration blocks need KCJD")
	}
	m, ok := c.Mineral("砂金")
	if !ok || m.Class != plan.ClassMetal {
		t.Fatalf("砂金 = %+v", m)
	}
	if c.Cells[plan.ClassCoal] != 200 || c.Cells[plan.ClassOilGas] != 2500 {
		t.Fatalf("cells = %v", c.Cells)
	}
}

func TestBlockCode(t *testing.T) {
	if got := plan.BlockCode("", plan.Mining, "652300", 12); got != "C652300012" {
		t.Fatalf("got %s", got)
	}
}
