// Command kuanggui is the 矿规编辑器 desktop editor and, with a subcommand, its batch tools.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Exit statuses shared by every subcommand.
const (
	exitOK       = 0
	exitFindings = 1 // validation found errors (validate, export)
	exitUsage    = 2 // bad usage or bad input
)

// defaultProject is what a bare `kuanggui` opens: the sample project built by `make sample`.
const defaultProject = "sampledata/xinjiang.gpkg"

func main() {
	// KUANGGUI_CPUPROFILE=FILE writes a CPU profile of the run, for `go tool pprof`.
	if path := os.Getenv("KUANGGUI_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				code := run(os.Args[1:])
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		if !haveDisplay() {
			return noDisplay()
		}
		return runGUI(defaultProject, guiOptions{})
	}
	cmd, rest := args[0], args[1:]
	if c, ok := commands[cmd]; ok {
		return c.run(rest)
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		usage(os.Stdout)
		return exitOK
	}
	// `kuanggui P.gpkg` opens a project, as a file manager would call it.
	if _, err := os.Stat(cmd); err == nil && len(rest) == 0 {
		if !haveDisplay() {
			return noDisplay()
		}
		return runGUI(cmd, guiOptions{})
	}
	fmt.Fprintf(os.Stderr, "kuanggui: 未知命令 %q (unknown command)\n\n", cmd)
	usage(os.Stderr)
	return exitUsage
}
