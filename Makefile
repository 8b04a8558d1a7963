# Build and install drydock like other command-line tools.
#   make                      release build (.build/release/drydock)
#   make install PREFIX=/usr/local [DESTDIR=/staging]
#   make uninstall PREFIX=/usr/local
# Layout: the binary and its resource bundle (the demo store) live together in $(PREFIX)/lib/drydock, because the
# bundle is found next to the executable; $(PREFIX)/bin/drydock is a symlink to it. The man page is generated from the
# command definitions (swift-argument-parser's generate-manual plugin), the completion scripts by the binary itself.
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift

LIBDIR := $(DESTDIR)$(PREFIX)/lib/drydock
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

BIN_PATH = $(shell $(SWIFT) build -c release --show-bin-path)

.PHONY: all build manual install uninstall
all: build

build:
	$(SWIFT) build -c release --product drydock

# The plugin builds every product of the package; the text it reads (--help of each command) is the same in any
# configuration, so it uses the debug build, which is much quicker than a second release build of everything.
manual:
	$(SWIFT) package plugin generate-manual --configuration debug
	@test -f .build/plugins/GenerateManual/outputs/drydock/drydock.1

install: build manual
	install -d "$(LIBDIR)" "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 0755 "$(BIN_PATH)/drydock" "$(LIBDIR)/drydock"
	rm -rf "$(LIBDIR)/Drydock_DrydockResources.resources"
	cp -R "$(BIN_PATH)/Drydock_DrydockResources.resources" "$(LIBDIR)/"
	ln -sf "../lib/drydock/drydock" "$(BINDIR)/drydock"
	install -m 0644 .build/plugins/GenerateManual/outputs/drydock/drydock.1 "$(MANDIR)/drydock.1"
	"$(LIBDIR)/drydock" completion bash > "$(BASHDIR)/drydock"
	"$(LIBDIR)/drydock" completion zsh > "$(ZSHDIR)/_drydock"
	"$(LIBDIR)/drydock" completion fish > "$(FISHDIR)/drydock.fish"

uninstall:
	rm -rf "$(LIBDIR)"
	rm -f "$(BINDIR)/drydock" "$(MANDIR)/drydock.1" "$(BASHDIR)/drydock" "$(ZSHDIR)/_drydock" "$(FISHDIR)/drydock.fish"
