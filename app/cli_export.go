package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
)

func init() {
	commands["export"] = command{"export P.gpkg OUTDIR [--layers a,b] [--encoding gbk|utf-8|gb18030] [--srs EPSG:N] [--zip] [--force-reason TEXT]",
		"导出上图入库成果包 (validation runs first; exit 1 when errors stop it)", cmdExport}
	commands["stats"] = command{"stats P.gpkg [--json|--csv]", "区块统计（按矿种、分区、行政区）", cmdStats}
}

func cmdExport(args []string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	layers := fs.String("layers", "", "comma-separated tables (default: the block layers)")
	enc := fs.String("encoding", "gbk", "gbk, utf-8 or gb18030")
	srs := fs.String("srs", "EPSG:4490", "CRS of the shapefiles: EPSG:4490 or a 3° Gauss-Krüger zone (EPSG:4513-4554)")
	zip := fs.Bool("zip", false, "write one ZIP instead of a folder")
	force := fs.String("force-reason", "", "export despite validation errors, recording this reason")
	pos, ok := parseArgs("export", fs, args, 2, 2)
	if !ok {
		return exitUsage
	}
	switch strings.ToLower(*enc) {
	case "gbk", "utf-8", "utf8", "gb18030":
	default:
		fail("export", "--encoding %q: 应为 gbk、utf-8 或 gb18030", *enc)
		return exitUsage
	}
	target, err := crs.ParseSRS(*srs)
	if err != nil {
		fail("export", "--srs: %v", err)
		return exitUsage
	}
	d, ok := openDoc("export", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	var tables []string
	if *layers != "" {
		tables = strings.Split(*layers, ",")
	}
	ctx, cancel := interruptible()
	defer cancel()
	res, err := d.Export(ctx, pos[1], document.ExportOptions{Layers: tables, Encoding: strings.ToLower(*enc), CRS: target, Zip: *zip, ForceReason: *force}, nil)
	if err != nil {
		fail("export", "%v", err)
		if errors.Is(err, document.ErrValidationErrors) {
			for _, f := range res.Findings {
				if f.Severity == "error" {
					fmt.Fprintf(os.Stderr, "  [%s] %s\n", f.Rule, f.Message)
				}
			}
			return exitFindings
		}
		return exitUsage
	}
	fmt.Printf("已导出 %s (%d 个文件", res.Path, len(res.Files))
	if res.Forced {
		fmt.Printf("; %d 个校验错误，已按理由强制导出", res.Errors)
	}
	fmt.Println(")")
	for _, f := range res.Files {
		fmt.Println("  " + f)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(os.Stderr, "kuanggui export: 注意："+w)
	}
	if os.Getenv("KUANGGUI_TIMING") != "" {
		for _, p := range res.Phases {
			fmt.Fprintf(os.Stderr, "kuanggui: export %s %.3f s\n", p.Name, p.Took.Seconds())
		}
	}
	return exitOK
}

func cmdStats(args []string) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV (UTF-8 with BOM)")
	pos, ok := parseArgs("stats", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	d, ok := openDoc("stats", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	tables := d.Stats()
	if *asJSON && *asCSV {
		fail("stats", "--json 与 --csv 只能选一个")
		return exitUsage
	}
	switch {
	case *asJSON:
		return printJSON(tables)
	case *asCSV:
		if err := document.WriteStatsCSV(os.Stdout, tables); err != nil {
			fail("stats", "%v", err)
			return exitUsage
		}
		return exitOK
	}
	for _, t := range tables {
		fmt.Printf("%s\n", t.Title)
		for _, r := range append(t.Rows, t.Total) {
			fmt.Printf("  %-24s %5d  %12.4f km²\n", r.Name, r.Count, r.Area)
		}
	}
	return exitOK
}
