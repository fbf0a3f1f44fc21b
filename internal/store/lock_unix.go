//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// fileLock is a BSD flock on the project file, held while a Store edits it. SQLite's own
// locks are POSIX fcntl locks, which flock does not interfere with on Linux and the BSDs, so
// QGIS can still read the file; a second Kuanggui gets ErrLocked instead of racing edits.
type fileLock struct{ f *os.File }

func lockFile(path string) (*fileLock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		// Closing drops this process's POSIX locks on the file; that matters only when one
		// process opens the same project twice, which the app never does.
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("另一个矿规编辑器窗口或命令正在编辑此项目，请在那里完成或关闭后再试 / %w (another Kuanggui window or command is editing it; finish there or close it first)", ErrLocked)
		}
		// Some file systems (network shares) do not support flock: SQLite's locks still apply.
		return &fileLock{}, nil
	}
	return &fileLock{f: f}, nil
}

func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}

// writableCheck reports whether the process may write path (a file or a folder). For root it
// still catches read-only mounts (EROFS).
var writableCheck = func(path string) error {
	return syscall.Access(path, 2 /* W_OK */)
}
