//go:build !unix

package store

import "os"

// fileLock is a no-op where flock does not exist; SQLite's own locks and the Open probe
// still report another writer as ErrLocked.
type fileLock struct{}

func lockFile(path string) (*fileLock, error) { return &fileLock{}, nil }

func (l *fileLock) release() {}

var writableCheck = func(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		f, err := os.CreateTemp(path, ".kg-write-test-*")
		if err != nil {
			return err
		}
		name := f.Name()
		f.Close()
		return os.Remove(name)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}
