package main

// Fyne's lang package reads the locale in its package initialiser, before any code of ours
// runs, and logs "Fyne error: Error parsing user locale C" on stderr when LANG (or LC_ALL,
// LC_MESSAGES) is C.UTF-8, the default of most containers: go-locale splits off ".UTF-8" and
// "C" is not a language tag. Plain "C" it handles. So this constructor, which the C runtime
// runs before the Go runtime copies the environment, cuts "C.<charset>" to "C" in place. For
// messages C.UTF-8 and C mean the same (no translation); nothing else in the process reads
// the charset from these variables (Go is UTF-8 throughout).

/*
#include <string.h>

__attribute__((constructor)) static void kuangguiPlainCLocale(int argc, char **argv, char **envp) {
	static const char *vars[] = {"LC_ALL=C.", "LC_MESSAGES=C.", "LANG=C."};
	(void)argc;
	(void)argv;
	for (char **e = envp; e != NULL && *e != NULL; e++) {
		for (int i = 0; i < 3; i++) {
			size_t n = strlen(vars[i]);
			if (strncmp(*e, vars[i], n) == 0) {
				(*e)[n - 1] = 0;
			}
		}
	}
}
*/
import "C"

import (
	"embed"
	"io/fs"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// The UI strings are written in Chinese in the code and used as translation keys; the
// translation files give the English (and, for completeness, the Chinese) text. Every key
// used in the code must be in both files (TestTranslationsComplete): a key missing from the
// language in use makes Fyne log an error on stderr.
//
//go:embed translations
var translations embed.FS

// chineseUI says whether the UI speaks Chinese: when the locale is Chinese, and also when no
// locale is set (C, POSIX or nothing), because the users are Chinese planning offices.
// English is used when the locale names another language. The variables are read in the
// order go-locale (Fyne's locale lookup) reads them.
func chineseUI(getenv func(string) string) bool {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			loc = v
			break
		}
	}
	if loc == "C" || loc == "POSIX" || strings.HasPrefix(loc, "C.") {
		return true
	}
	if l := getenv("LANGUAGE"); l != "" {
		loc = l
	}
	if loc == "" {
		return true
	}
	return strings.HasPrefix(strings.ToLower(loc), "zh")
}

// setupLanguage loads the translations. For a Chinese UI only the Chinese file is loaded:
// with no locale set Fyne picks English, finds no English text for our keys and shows the
// keys, which are the Chinese text — without logging a missing translation.
func setupLanguage() error {
	if chineseUI(os.Getenv) {
		// Every panel keeps its own translation file (kuanggui, edit, panel); load all the
		// Chinese ones, so the Chinese UI is chosen whatever the system locale is.
		sub, err := fs.Sub(translations, "translations")
		if err != nil {
			return err
		}
		names, err := fs.Glob(sub, "*.zh_Hans.json")
		if err != nil {
			return err
		}
		for _, name := range names {
			data, err := fs.ReadFile(sub, name)
			if err != nil {
				return err
			}
			if err := lang.AddTranslationsForLocale(data, "zh-Hans"); err != nil {
				return err
			}
		}
		return nil
	}
	return lang.AddTranslationsFS(translations, "translations")
}

// tr translates a UI string (its Chinese text is the key); data fills {{.Name}} fields.
func tr(key string, data ...any) string { return lang.L(key, data...) }

// trData is the template data of tr.
type trData = map[string]any
