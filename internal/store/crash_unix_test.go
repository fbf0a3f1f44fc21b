//go:build unix

package store

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

const crashEnv = "KG_STORE_CRASH_CHILD"

// crashEdits is how many transactions the child commits before it kills itself.
const crashEdits = 25

// TestCrashChild is the child half of TestCrashLosesNoCommit: it runs only when re-executed
// with crashEnv set.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestCrashLosesNoCommit")
	}
	s, err := Open(path, OpenOptions{})
	if err != nil {
		fmt.Println("child open:", err)
		os.Exit(3)
	}
	for i := 1; i <= crashEdits; i++ {
		err := s.Update(func(tx *Tx) error {
			f := plan.Feature{Geometry: orb.MultiPolygon{{square(80+float64(i)*0.1, 40, 0.05)}}, Attrs: plan.Attrs{"QKBH": fmt.Sprintf("K%03d", i)}}
			if err := tx.Insert("kanchqk", &f); err != nil {
				return err
			}
			_, err := tx.AppendJournal(fmt.Sprintf("edit %d", i), []byte(fmt.Sprintf(`{"id":%d}`, f.ID)))
			return err
		})
		if err != nil {
			fmt.Println("child update:", err)
			os.Exit(4)
		}
		// Report each commit as it returns: the parent checks that every reported one survived.
		fmt.Printf("committed %d\n", i)
	}
	// Start a transaction that never commits, then die inside it.
	s.Update(func(tx *Tx) error {
		f := plan.Feature{Attrs: plan.Attrs{"QKBH": "UNCOMMITTED"}}
		tx.Insert("kanchqk", &f)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	})
}

func TestCrashLosesNoCommit(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}
	committed := strings.Count(string(out), "committed ")
	if committed != crashEdits {
		t.Fatalf("child reported %d commits:\n%s", committed, out)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("expected a -wal left by the crash: %v", err)
	}
	// A reader sees the committed edits still in the -wal.
	r, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if fs, _, err := r.ReadLayer("kanchqk"); err != nil || len(fs) != crashEdits {
		t.Fatalf("read-only after crash: %d features, %v", len(fs), err)
	}
	r.Close()
	s, err = Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs, _, err := s.ReadLayer("kanchqk")
	if err != nil {
		t.Fatal(err)
	}
	j, _ := s.Journal()
	if len(fs) != crashEdits || len(j) != crashEdits {
		t.Fatalf("after crash: %d features, %d journal entries, want %d", len(fs), len(j), crashEdits)
	}
	for i, f := range fs {
		if f.Attrs["QKBH"] != fmt.Sprintf("K%03d", i+1) {
			t.Fatalf("feature %d = %v", i, f.Attrs)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	gpkgCheck(t, filepath.Clean(path))
}
