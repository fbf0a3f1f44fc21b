package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"kuanggui/internal/document"
	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
	"kuanggui/internal/store"
)

// command is one subcommand of the binary.
type command struct {
	usage   string
	summary string
	run     func(args []string) int
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"new":    {"new P.gpkg [--level 省级|地级|县级] [--region-code 650000] [--region 新疆维吾尔自治区]", "创建空项目 (create an empty project)", cmdNew},
		"import": {"import P.gpkg LAYER FILE.shp|FILE.zip [--member NAME] [--encoding E] [--srs EPSG:N] [--map SRC=DST ...] [--new-layer]", "导入 Shapefile 并打印导入报告", cmdImport},
		"layers": {"layers P.gpkg [--json]", "列出图层与要素数", cmdLayers},
		"open":   {"open P.gpkg [--screenshot OUT.png] [--read-only]", "打开编辑器窗口", cmdOpen},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "矿规编辑器 kuanggui — 矿产资源规划编辑器")
	fmt.Fprintln(w, "用法 (usage):")
	fmt.Fprintln(w, "  kuanggui                      打开示例项目 (opens the sample project)")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  kuanggui %s\n      %s\n", commands[n].usage, commands[n].summary)
	}
	fmt.Fprintln(w, "退出状态: 0 成功, 1 校验发现错误, 2 用法或输入错误")
}

// parseArgs parses flags wherever they stand among the positional arguments, as users type
// them (`import P.gpkg kanchqk a.shp --encoding gbk`), and checks the positional count.
func parseArgs(name string, fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, bool) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			fail(name, "%v", err)
			return nil, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) < minPos || (maxPos >= 0 && len(pos) > maxPos) {
		fail(name, "参数个数不对 (wrong number of arguments)\n用法: kuanggui %s", commands[name].usage)
		return nil, false
	}
	return pos, true
}

func fail(name, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kuanggui %s: %s\n", name, fmt.Sprintf(format, args...))
}

// interruptible returns a context cancelled by Ctrl+C, so long batch work stops cleanly.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// openDoc opens a project for a subcommand. A writer waits a few seconds for another Kuanggui
// process that holds the project (a script running edits one after another), then gives up
// with the message that names the holder.
func openDoc(name, path string, readOnly bool) (*document.Document, bool) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := document.Open(path, document.OpenOptions{ReadOnly: readOnly})
		if err == nil {
			return d, true
		}
		if readOnly || !errors.Is(err, store.ErrLocked) || time.Now().After(deadline) {
			fail(name, "%v", err)
			return nil, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// haveDisplay says whether a window can be opened: on Linux and the BSDs an X11 or Wayland
// display must be named and answer, or GLFW stops the program with a stack trace (a DISPLAY left
// over from an ssh session names a server that is gone).
func haveDisplay() bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	if w := os.Getenv("WAYLAND_DISPLAY"); w != "" {
		if !filepath.IsAbs(w) {
			dir := os.Getenv("XDG_RUNTIME_DIR")
			w = filepath.Join(dir, w)
		}
		if c, err := net.DialTimeout("unix", w, time.Second); err == nil {
			c.Close()
			return true
		}
	}
	return xServerAnswers(os.Getenv("DISPLAY"))
}

// xServerAnswers connects to the X server a DISPLAY value names (":0", "unix:0", "host:10.0").
func xServerAnswers(display string) bool {
	if display == "" {
		return false
	}
	host, rest, ok := strings.Cut(display, ":")
	if !ok {
		return false
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return false
	}
	var c net.Conn
	if host == "" || host == "unix" {
		c, err = net.DialTimeout("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n), time.Second)
		if err != nil {
			// Linux also has the abstract socket.
			c, err = net.DialTimeout("unix", fmt.Sprintf("@/tmp/.X11-unix/X%d", n), time.Second)
		}
	} else {
		c, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), time.Second)
	}
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func noDisplay() int {
	fmt.Fprintf(os.Stderr, "kuanggui: 没有可用的图形显示 (DISPLAY=%q 未设置或无法连接)，无法打开窗口。\n", os.Getenv("DISPLAY"))
	fmt.Fprintln(os.Stderr, "  在桌面会话中运行；或用 `kuanggui render P.gpkg -o map.png` 出图；")
	fmt.Fprintln(os.Stderr, "  或在虚拟显示中运行: xvfb-run kuanggui open P.gpkg --screenshot shot.png")
	return exitUsage
}

func cmdNew(args []string) int {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	level := fs.String("level", plan.LevelProvince, "plan level: 省级, 地级 or 县级")
	region := fs.String("region", "新疆维吾尔自治区", "region name")
	code := fs.String("region-code", "650000", "GB/T 2260 code of the region")
	pos, ok := parseArgs("new", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	switch *level {
	case plan.LevelProvince, plan.LevelPrefecture, plan.LevelCounty:
	default:
		fail("new", "--level %q: 应为 省级、地级 或 县级", *level)
		return exitUsage
	}
	if !strings.EqualFold(filepath.Ext(pos[0]), ".gpkg") {
		fail("new", "%s: 项目文件名应以 .gpkg 结尾 (a project is a GeoPackage, *.gpkg)", pos[0])
		return exitUsage
	}
	if len(*code) != 6 || strings.Trim(*code, "0123456789") != "" {
		fail("new", "--region-code %q: 应为 6 位 GB/T 2260 行政区代码，如 650000", *code)
		return exitUsage
	}
	d, err := document.Create(pos[0], plan.Meta{Region: *region, RegionCode: *code, Level: *level, Period: "2021-2025", BaseYear: 2020})
	if err != nil {
		fail("new", "%v", err)
		return exitUsage
	}
	if err := d.Close(); err != nil {
		fail("new", "%v", err)
		return exitUsage
	}
	fmt.Printf("已创建项目 %s (%d 个图层)\n", pos[0], len(d.Catalog().Layers))
	return exitOK
}

func cmdImport(args []string) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	enc := fs.String("encoding", "", "text encoding of the .dbf (default: .cpg, language byte, detection)")
	srs := fs.String("srs", "", "CRS when the .prj is missing or unknown, e.g. EPSG:4516")
	var maps multiFlag
	fs.Var(&maps, "map", "SRC=DST: read the file's field SRC as the layer's field DST (repeatable)")
	member := fs.String("member", "", "which shapefile inside a .zip (its base name)")
	newLayer := fs.Bool("new-layer", false, "LAYER is not in the catalog: create it as a reference layer")
	pos, ok := parseArgs("import", fs, args, 3, 3)
	if !ok {
		return exitUsage
	}
	rename := map[string]string{}
	for _, m := range maps {
		src, dst, found := strings.Cut(m, "=")
		if !found || src == "" || dst == "" {
			fail("import", "--map %q: 应为 源字段=目标字段 (SRC=DST)", m)
			return exitUsage
		}
		rename[src] = dst
	}
	d, ok := openDoc("import", pos[0], false)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	if _, inCatalog := d.Catalog().Layer(pos[1]); !inCatalog && !*newLayer {
		if _, exists := d.Layer(pos[1]); !exists {
			var names []string
			for _, l := range d.Catalog().Layers {
				names = append(names, l.Table)
			}
			fail("import", "图层 %q 不在图层目录中（%s）；要新建参考图层请加 --new-layer", pos[1], strings.Join(names, " "))
			return exitUsage
		}
	}
	ctx, cancel := interruptible()
	defer cancel()
	rep, err := d.Import(ctx, pos[1], pos[2], document.ImportOptions{Encoding: *enc, SRS: *srs, Rename: rename, Member: *member}, nil)
	if rep != nil {
		printImportReport(os.Stdout, pos[1], rep)
	}
	if err != nil {
		fail("import", "%v", err)
		return exitUsage
	}
	// What could be read is in the project, but the file was damaged: say so in the exit status
	// so that a batch script notices.
	if rep != nil && (rep.Lost > 0 || rep.Truncated) {
		fail("import", "%s 不完整: %d 条记录缺少图形或属性，已导入可读部分；请向数据提供方索取完整文件", rep.File, rep.Lost)
		return exitUsage
	}
	return exitOK
}

func cmdLayers(args []string) int {
	fs := flag.NewFlagSet("layers", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, ok := parseArgs("layers", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	d, ok := openDoc("layers", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	type row struct {
		Table string `json:"table"`
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	var rows []row
	for _, l := range d.Layers() {
		rows = append(rows, row{l.Def.Table, l.Def.Name, len(l.Features)})
	}
	if *asJSON {
		if rows == nil {
			rows = []row{}
		}
		return printJSON(rows)
	}
	for _, r := range rows {
		fmt.Printf("%-10s %6d  %s\n", r.Table, r.Count, r.Name)
	}
	return exitOK
}

func printJSON(v any) int {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	return exitOK
}

func cmdOpen(args []string) int {
	fs := flag.NewFlagSet("open", flag.ContinueOnError)
	shot := fs.String("screenshot", "", "capture the window to this PNG once the map is drawn, then exit")
	ro := fs.Bool("read-only", false, "open without allowing edits")
	pos, ok := parseArgs("open", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	if _, err := os.Stat(pos[0]); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			fail("open", "%s: 文件不存在 (no such file); 用 `kuanggui new` 创建项目或 `make sample` 生成示例", pos[0])
		} else {
			fail("open", "%v", err)
		}
		return exitUsage
	}
	if !haveDisplay() {
		return noDisplay()
	}
	return runGUI(pos[0], guiOptions{Screenshot: *shot, ReadOnly: *ro})
}

// printImportReport prints what an import did: counts, the encoding and CRS it chose and why,
// and every problem with its record.
func printImportReport(w io.Writer, table string, rep *shapefile.Report) {
	fmt.Fprintf(w, "导入 %s ← %s\n", table, rep.File)
	fmt.Fprintf(w, "  记录 %d（.shp %d，.dbf %d），读入 %d，跳过 %d\n", rep.Records, rep.SHPRecords, rep.DBFRecords, rep.Read, rep.Skipped)
	if rep.Lost > 0 || rep.Truncated {
		fmt.Fprintf(w, "  注意：文件不完整，%d 条记录缺少图形或属性（见下方问题列表）\n", rep.Lost)
	}
	fmt.Fprintf(w, "  编码 %s（依据 %s）\n", rep.Encoding, encodingSourceName(rep.EncodingSource))
	fmt.Fprintf(w, "  坐标系 %s\n", rep.CRS)
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "  问题 %d 个:\n", len(rep.Problems))
		for _, p := range rep.Problems {
			where := "文件"
			if p.Record > 0 {
				where = fmt.Sprintf("记录 %d", p.Record)
			}
			if p.Field != "" {
				where += " 字段 " + p.Field
			}
			fmt.Fprintf(w, "    [%s] %s: %s\n", p.Kind, where, p.Message)
		}
	}
}

func encodingSourceName(s string) string {
	switch s {
	case "cpg":
		return ".cpg 文件"
	case "ldid":
		return "DBF 语言驱动字节"
	case "detected":
		return "内容检测"
	case "user":
		return "用户指定"
	}
	return s
}
