package render

import "time"

// waitPrefetch waits until the background ring drawing has finished.
func (m *Map) waitPrefetch() {
	for {
		m.cache.Lock()
		busy := m.prefetching
		m.cache.Unlock()
		if !busy {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
