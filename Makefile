# Build, install and uninstall kubelet-authz: the binary, the kubectl plugin name, the bundled
# examples (for `scan --demo`), shell completions and, after `make man`, the man pages.
#
#   make && sudo make install            # into /usr/local
#   make install PREFIX=$HOME/.local     # no root needed
#   make install DESTDIR=/tmp/pkg        # staged, for packagers
#   make install-strip                   # the binary without its symbol table
#   make man                             # then `make install` installs the pages too
#
# `make` builds in its own scratch path, .build/make: objects compiled for --static-swift-stdlib
# link against the static Foundation, and SwiftPM does not recompile them when the flag goes
# away, so sharing .build with plain `swift build` (or the man page plugin) breaks whichever
# links second. `install` copies only from .build/make.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SWIFT ?= swift
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
# A single binary that needs only glibc, libstdc++ and zlib at run time, no Swift runtime.
SWIFT_BUILD_FLAGS ?= -c release --static-swift-stdlib
# The GenerateManual plugin builds the whole package in .build to read the help; debug reuses
# a developer's build and is the cheaper one from clean (the pages do not differ).
MAN_CONFIGURATION ?= debug

STAGE := .build/make
SCRATCH := $(STAGE)/scratch
BIN := $(STAGE)/bin/kubelet-authz
PLUGIN_BIN := kubectl-kubelet_authz
SOURCES := $(shell find Sources -name '*.swift' ! -name BuildInfo.swift) Package.swift

.PHONY: all build install install-strip uninstall test man image clean

all: build

# Always asks SwiftPM (it knows what changed); the commit changes without any source changing.
build:
	scripts/with-build-info.sh $(SWIFT) build --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS) --product kubelet-authz
	mkdir -p $(STAGE)/bin $(STAGE)/completions
	cp "$$($(SWIFT) build --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS) --show-bin-path)/kubelet-authz" $(BIN).tmp
	mv $(BIN).tmp $(BIN)
	$(BIN) completion bash > $(STAGE)/completions/kubelet-authz.bash
	$(BIN) completion zsh > $(STAGE)/completions/_kubelet-authz
	$(BIN) completion fish > $(STAGE)/completions/kubelet-authz.fish
	@$(BIN) --version

# `sudo make install` after `make` must not rebuild as root; it builds only what is missing or
# stale. The completions are written with the binary, so the binary stands for them.
$(BIN): $(SOURCES)
	$(MAKE) build

install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL_PROGRAM) $(BIN) $(DESTDIR)$(BINDIR)/kubelet-authz
# kubectl runs `kubectl kubelet-authz` as the kubectl-kubelet_authz it finds on PATH.
	ln -sf kubelet-authz $(DESTDIR)$(BINDIR)/$(PLUGIN_BIN)
# --demo looks for ../share/kubelet-authz/examples next to the binary.
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/kubelet-authz
	rm -rf $(DESTDIR)$(DATADIR)/kubelet-authz/examples
	cp -R examples $(DESTDIR)$(DATADIR)/kubelet-authz/examples
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/kubelet-authz/examples
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/site-functions $(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	$(INSTALL) -m 0644 $(STAGE)/completions/kubelet-authz.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/kubelet-authz
	$(INSTALL) -m 0644 $(STAGE)/completions/_kubelet-authz $(DESTDIR)$(DATADIR)/zsh/site-functions/_kubelet-authz
	$(INSTALL) -m 0644 $(STAGE)/completions/kubelet-authz.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/kubelet-authz.fish
	@if ls $(STAGE)/man/*.1 >/dev/null 2>&1; then \
		$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 && \
		$(INSTALL) -m 0644 $(STAGE)/man/*.1 $(DESTDIR)$(MANDIR)/man1/ && \
		echo "installed man pages: $$(cd $(STAGE)/man && echo *.1)"; \
	else echo "no man pages (run 'make man' before 'make install' to install them)"; fi

# The GNU convention: about 80 MB instead of 150, at the price of symbol names in crash backtraces.
install-strip:
	$(MAKE) install INSTALL_PROGRAM='$(INSTALL) -s -m 0755'

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kubelet-authz $(DESTDIR)$(BINDIR)/$(PLUGIN_BIN)
	rm -rf $(DESTDIR)$(DATADIR)/kubelet-authz
	rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/kubelet-authz
	rm -f $(DESTDIR)$(DATADIR)/zsh/site-functions/_kubelet-authz
	rm -f $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/kubelet-authz.fish
	rm -f $(DESTDIR)$(MANDIR)/man1/kubelet-authz.1 $(DESTDIR)$(MANDIR)/man1/kubelet-authz.*.1

test:
	$(SWIFT) test

# swift-argument-parser's GenerateManual plugin builds the package and renders its help as mdoc.
man:
	$(SWIFT) package generate-manual --configuration $(MAN_CONFIGURATION)
	rm -rf $(STAGE)/man && mkdir -p $(STAGE)/man
	cp .build/plugins/GenerateManual/outputs/kubelet-authz/*.1 $(STAGE)/man/
	@ls $(STAGE)/man

# Needs a Docker engine; the image stamps the commit from the build argument.
image:
	docker build --build-arg GIT_COMMIT=$$(git rev-parse HEAD) \
		--build-arg GIT_TREE_STATE=$$(test -z "$$(git status --porcelain)" && echo clean || echo dirty) \
		-t kubelet-authz:$$(sed -n 's/^    static let version = "\(.*\)"$$/\1/p' Sources/KubeletAuthzCLI/BuildInfo.swift) .

clean:
	rm -rf $(STAGE)
