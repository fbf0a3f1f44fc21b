# Kuanggui (矿规编辑器). `make run` builds and opens the editor on the sample project;
# `make test` runs everything CI runs. Both install what is missing first.
GO       ?= go
BIN      := bin/kuanggui
SAMPLE   := sampledata/xinjiang.gpkg
# Built under another name and renamed when whole, so an interrupted build is never taken for done.
SAMPLE_TMP := sampledata/.building-xinjiang.gpkg
# Build: Fyne (OpenGL, X11), GEOS, PROJ. Test: Xvfb for the smoke test, GDAL for round trips and
# gpkg validation, ImageMagick to inspect screenshots, SpatiaLite for the overlap comparison.
APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libgeos-dev libproj-dev proj-data
APT_TEST  := xvfb gdal-bin python3-gdal imagemagick spatialite-bin
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The layers of the sample plan, in the order the catalog lists them.
SAMPLE_LAYERS := kfq nyzyjd gjghkq zlcbq zdkanchq zdkaicq kanchqk kaicqk stbhhx zrbhd yjjbnt czkfbj

.PHONY: run test build deps deps-test sample package vet unit smoke bench clean

run: build $(SAMPLE)
	./$(BIN) open $(SAMPLE)

build: deps
	$(GO) build -o $(BIN) ./app

# Installs only what is missing, so a warm machine pays nothing.
deps:
	@missing=$$(for p in $(APT_BUILD); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@$(GO) mod download

deps-test: deps
	@missing=$$(for p in $(APT_TEST); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi

# The sample project is built from the shapefiles in sampledata/ through the same import a user
# runs; it is rebuilt whenever the binary or the shapefiles change.
$(SAMPLE): $(BIN) $(wildcard sampledata/plan/*) $(wildcard sampledata/real/*)
	@rm -f $(SAMPLE_TMP) $(SAMPLE_TMP)-wal $(SAMPLE_TMP)-shm
	./$(BIN) new $(SAMPLE_TMP)
	./$(BIN) import $(SAMPLE_TMP) xzq sampledata/real/xj_counties_utf8.shp --map id=XZQDM >/dev/null
	@for l in $(SAMPLE_LAYERS); do ./$(BIN) import $(SAMPLE_TMP) $$l sampledata/plan/$$l.shp >/dev/null || exit 1; done
	mv $(SAMPLE_TMP) $@
	./$(BIN) layers $@

sample: build $(SAMPLE)

vet:
	@test -z "$$(gofmt -l app internal assets sampledata)" || { echo "gofmt needed:"; gofmt -l app internal assets sampledata; exit 1; }
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

smoke: build $(SAMPLE)
	bash .ci/smoke.sh $(BIN) $(SAMPLE)

test: deps-test build $(SAMPLE) vet unit smoke

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/... | tee bench.txt

# An installable Linux package (tar.xz with the binary, a .desktop file and the icon) built by
# the Fyne tool from FyneApp.toml; `sudo tar -xJf 矿规编辑器.tar.xz -C /` installs it.
package: build
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.0 package --os linux --exe $(BIN) --icon assets/icon/icon.png --release

clean:
	rm -rf bin $(SAMPLE) $(SAMPLE)-wal $(SAMPLE)-shm
