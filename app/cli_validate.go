package main

import (
	"flag"
	"fmt"
	"strings"

	"kuanggui/internal/document"
	"kuanggui/internal/validate"
)

func init() {
	commands["validate"] = command{"validate P.gpkg [--json] [--rules R02,R03]", "按规划规则校验全部区块 (exit 1 when there are errors)", cmdValidate}
}

func cmdValidate(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	only := fs.String("rules", "", "run only these rules, e.g. R02,R03")
	pos, ok := parseArgs("validate", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	d, ok := openDoc("validate", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	ctx, cancel := interruptible()
	defer cancel()
	rules := d.Rules()
	if *only != "" {
		var err error
		if rules, err = document.OnlyRules(rules, strings.Split(*only, ",")); err != nil {
			fail("validate", "--rules: %v", err)
			return exitUsage
		}
	}
	findings, err := d.ValidateWith(ctx, rules, nil)
	if err != nil {
		fail("validate", "%v", err)
		return exitUsage
	}
	ex, err := d.Exceptions()
	if err != nil {
		fail("validate", "%v", err)
		return exitUsage
	}
	// Accepted exceptions are reported but do not fail the run.
	var open []validate.Finding
	for _, f := range findings {
		if _, ok := document.IsException(f, ex); !ok {
			open = append(open, f)
		}
	}
	rep := validate.Report(open)
	if *asJSON {
		if code := printJSON(rep); code != exitOK {
			return code
		}
	} else {
		for _, f := range open {
			fmt.Printf("[%s] %s %s\n", f.Severity, f.Rule, f.Message)
		}
		fmt.Printf("错误 %d, 警告 %d, 提示 %d; 已标记例外 %d\n", rep.Summary.Error, rep.Summary.Warning, rep.Summary.Info, len(findings)-len(open))
	}
	if rep.Summary.Error > 0 {
		return exitFindings
	}
	return exitOK
}
