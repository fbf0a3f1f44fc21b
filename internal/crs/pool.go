package crs

import "sync"

// Creating a PROJ transformation costs about a millisecond (it searches PROJ's database for the
// operation), far more than transforming a block. Work that transforms many small geometries in
// turn (a turning-point table per block) borrows a Transformer from this pool instead.
var transformerPool = struct {
	sync.Mutex
	free map[[2]CRS][]*Transformer
}{free: map[[2]CRS][]*Transformer{}}

// Borrow returns a Transformer from one CRS to another, reusing one given back earlier. Give
// it back with Return when done; it is the caller's alone until then.
func Borrow(from, to CRS) (*Transformer, error) {
	k := [2]CRS{from, to}
	transformerPool.Lock()
	if l := transformerPool.free[k]; len(l) > 0 {
		t := l[len(l)-1]
		transformerPool.free[k] = l[:len(l)-1]
		transformerPool.Unlock()
		return t, nil
	}
	transformerPool.Unlock()
	return NewTransformer(from, to)
}

// Return gives a borrowed Transformer back to the pool.
func Return(t *Transformer) {
	if t == nil || (t.pj == nil && !t.identity) {
		return
	}
	k := [2]CRS{t.from, t.to}
	transformerPool.Lock()
	transformerPool.free[k] = append(transformerPool.free[k], t)
	transformerPool.Unlock()
}
